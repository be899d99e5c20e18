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
    what = (
        "An `Effect: Allow` statement in the key policy of an `aws_kms_key` (`policy`), an "
        "`aws_kms_key_policy` (`policy`) or an `AWS::KMS::Key` (`KeyPolicy`) with `Principal: "
        "\"*\"`, `{\"AWS\": \"*\"}` (or a data source `principals` block with identifier `*`), or "
        "a `NotPrincipal`, and no condition on `kms:CallerAccount`, `kms:ViaService`, "
        "`aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, `aws:PrincipalAccount`, "
        "`aws:PrincipalArn`, `aws:SourceAccount` or `aws:SourceArn`. A key without a policy gets "
        "AWS's default policy (the account root), which passes. A `data "
        "\"aws_iam_policy_document\"` used as the key policy is followed."
    )
    why = (
        "The key policy is the only policy that always applies to a KMS key: an `Allow` for "
        "`*` lets any AWS account in the world call the listed operations. The keys that "
        "protect ML workloads encrypt training datasets in S3, notebook and training volumes, "
        "model artifacts, endpoint data capture (real prompts and predictions, often personal "
        "data) and Bedrock agent and knowledge-base data. Anyone who can `kms:Decrypt` with the "
        "key, or `kms:CreateGrant` on it, can read every copy of that data they obtain, and "
        "`kms:ScheduleKeyDeletion` or `kms:PutKeyPolicy` lets them destroy or take over the key "
        "and make the models and datasets unrecoverable."
    )
    fix_terraform = (
        "Name your account (or role ARNs) as the principal, or confine `*` with a condition:\n\n"
        "```hcl\n"
        "resource \"aws_kms_key\" \"ml_data\" {\n"
        "  enable_key_rotation = true\n"
        "  policy = jsonencode({\n"
        "    Version = \"2012-10-17\"\n"
        "    Statement = [{\n"
        "      Sid       = \"UseFromThisAccountOnly\"\n"
        "      Effect    = \"Allow\"\n"
        "      Principal = { AWS = \"*\" }\n"
        "      Action    = [\"kms:Decrypt\", \"kms:GenerateDataKey\"]\n"
        "      Resource  = \"*\"\n"
        "      Condition = { StringEquals = { \"kms:CallerAccount\" = data.aws_caller_identity.current.account_id } }\n"
        "    }]\n"
        "  })\n"
        "}\n"
        "```"
    )
    fix_cloudformation = (
        "Name your account (or role ARNs) as the principal, or confine `*` with a condition:\n\n"
        "```yaml\n"
        "MlDataKey:\n"
        "  Type: AWS::KMS::Key\n"
        "  Properties:\n"
        "    EnableKeyRotation: true\n"
        "    KeyPolicy:\n"
        "      Version: \"2012-10-17\"\n"
        "      Statement:\n"
        "        - Sid: AccountAdministration\n"
        "          Effect: Allow\n"
        "          Principal: {AWS: !Sub \"arn:${AWS::Partition}:iam::${AWS::AccountId}:root\"}\n"
        "          Action: kms:*\n"
        "          Resource: \"*\"\n"
        "```"
    )
    references = (
        "https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html",
        "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html",
        "https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_key_policy",
    )

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
