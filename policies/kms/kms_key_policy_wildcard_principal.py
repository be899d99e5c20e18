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
        yield from iam.check_public_resource_policy(
            resource, ctx, NARROWING_KEYS,
            "a `kms:CallerAccount`, `kms:ViaService`, `aws:PrincipalOrgID` or `aws:PrincipalAccount`",
            "any AWS account can use the key")
