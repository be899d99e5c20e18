"""IAC302: an identity policy statement that allows every SageMaker action."""
from __future__ import annotations

from iaclint.aws import iam
from iaclint.engine.policy import Policy

QUERY = "sagemaker:*"


class IamSagemakerWildcardAction(Policy):
    id = "IAC302"
    name = "iam-sagemaker-wildcard-action"
    title = "IAM policy statement allows every Amazon SageMaker action"
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
                               f"allows every SageMaker action through {iam.describe_grant(stmt, [QUERY], cover=True)}",
                               fields=("effect", "actions", "not_actions"))

        yield from iam.check_statements(resource, ctx, test)
