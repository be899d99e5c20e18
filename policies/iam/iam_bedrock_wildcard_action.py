"""IAC301: an identity policy statement that allows every Bedrock action."""
from __future__ import annotations

from iaclint.aws import iam
from iaclint.engine.policy import Policy

QUERY = "bedrock:*"


class IamBedrockWildcardAction(Policy):
    id = "IAC301"
    name = "iam-bedrock-wildcard-action"
    title = "IAM policy statement allows every Amazon Bedrock action"
    severity = "high"
    category = "identity-and-access"
    resource_types = iam.IDENTITY_POLICY_TYPES
    checkov_ids = ()

    def check(self, resource, ctx):
        def test(stmt: iam.Statement) -> iam.Outcome:
            verdict = iam.all3(iam.is_allow(stmt), iam.actions_cover(stmt, QUERY))
            if verdict is False:
                return iam.FINE
            return iam.Outcome(verdict, stmt.path_of("actions", "not_actions"),
                               f"allows every Bedrock action through {iam.describe_grant(stmt, [QUERY], cover=True)}",
                               fields=("effect", "actions", "not_actions"))

        yield from iam.check_statements(resource, ctx, test)
