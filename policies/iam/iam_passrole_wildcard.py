"""IAC304: iam:PassRole on every role, to any service."""
from __future__ import annotations

from iaclint.aws import iam
from iaclint.engine.policy import Policy

PASS_ROLE = "iam:PassRole"
NARROWING_KEYS = ("iam:PassedToService",)


class IamPassroleWildcard(Policy):
    id = "IAC304"
    name = "iam-passrole-wildcard"
    title = "IAM policy allows iam:PassRole on every role without an iam:PassedToService condition"
    severity = "critical"
    category = "identity-and-access"
    resource_types = iam.IDENTITY_POLICY_TYPES
    checkov_ids = ()

    def check(self, resource, ctx):
        def test(stmt: iam.Statement) -> iam.Outcome:
            verdict = iam.all3(iam.is_allow(stmt), iam.actions_overlap(stmt, PASS_ROLE),
                               iam.resource_is_star(stmt), iam.not3(iam.has_condition(stmt, NARROWING_KEYS)))
            if verdict is False:
                return iam.FINE
            grant = iam.describe_grant(stmt, [PASS_ROLE])
            via = "" if grant.lower() == f"`{PASS_ROLE.lower()}`" else f" (through {grant})"
            return iam.Outcome(verdict, stmt.path_of("resources", "not_resources"),
                               f"allows `iam:PassRole`{via} on every role without an `iam:PassedToService` "
                               "condition",
                               fields=("effect", "resources", "not_resources", "actions", "not_actions", "conditions"))

        yield from iam.check_statements(resource, ctx, test)
