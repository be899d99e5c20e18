"""IAC110: a KMS key policy that allows every principal, with no account or org condition."""
from __future__ import annotations

from iaclint.aws import iam
from iaclint.engine.policy import Policy

# Condition keys that confine a `*` principal to your account, organization or a service
# acting on your behalf.
NARROWING_KEYS = (
    "kms:CallerAccount",
    "kms:ViaService",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:SourceAccount",
    "aws:SourceArn",
)


class KmsKeyPolicyWildcardPrincipal(Policy):
    id = "IAC110"
    name = "kms-key-policy-wildcard-principal"
    title = "KMS key policy allows any principal without an account or organization condition"
    severity = "critical"
    category = "data-protection"
    resource_types = ("aws_kms_key", "aws_kms_key_policy")
    checkov_ids = ()

    def check(self, resource, ctx):
        def test(stmt: iam.Statement) -> iam.Outcome:
            verdict = iam.all3(iam.is_allow(stmt), iam.principal_is_public(stmt),
                               iam.not3(iam.has_condition(stmt, NARROWING_KEYS)))
            who = "`NotPrincipal`" if stmt.not_principals else "principal `*`"
            return iam.Outcome(verdict, stmt.path_of("principals", "not_principals"),
                               f"allows {who} without a `kms:CallerAccount`, `kms:ViaService`, `aws:PrincipalOrgID` "
                               "or `aws:PrincipalAccount` condition, so any AWS account can use the key",
                               fields=("effect", "principals", "not_principals", "conditions"))

        yield from iam.check_statements(resource, ctx, test, documents=iam.resource_policy_documents(resource, ctx),
                                        identity_only=False)
