"""IAC130: an EFS file system used by an ML workload is encrypted at rest.

ML scoping (`iaclint.aws.mlscope.ml_scope`): a SageMaker domain, user profile or space (or another AI
resource) refers to the file system or to one of its access points, or the file system
carries an ML tag. `encrypted` defaults to false (table default).
"""
from __future__ import annotations

from iaclint.aws.mlscope import ml_scope
from iaclint.aws.scoped import scoped_verdict
from iaclint.aws.verdicts import Check
from iaclint.engine.policy import Policy
from iaclint.model.unknown import is_unknown

VIA = ("aws_efs_access_point",)


def encryption_check(resource) -> Check:
    path = ("encrypted",)
    value = resource.attributes.get("encrypted")
    name = resource.native_name(path)
    if is_unknown(value):
        return Check(None, f"`{name}` cannot be known statically (`{value.expr}`)", path)
    if value is True or (isinstance(value, str) and value.strip().lower() == "true"):
        return Check(False)
    if path in resource.defaults or value is None:
        return Check(True, f"`{name}` is not set, and EFS creates the file system unencrypted at rest unless "
                           f"told otherwise", path)
    return Check(True, f"`{name}` is `{str(value).lower()}`: the file system stores its data unencrypted at rest",
                 path)


class EfsMlFilesystemUnencrypted(Policy):
    id = "IAC130"
    name = "efs-ml-filesystem-unencrypted"
    title = "EFS file system used by an ML workload is not encrypted at rest"
    severity = "high"
    category = "data-protection"
    resource_types = ("aws_efs_file_system",)
    checkov_ids = ()
    what = (
        "An `aws_efs_file_system` (CloudFormation `AWS::EFS::FileSystem`) with `encrypted` (`Encrypted`) "
        "false or unset: encryption at rest is off by default through the API, CloudFormation and Terraform "
        "(only the console turns it on). It is reported when the file system serves an ML workload: a "
        "SageMaker domain, user profile or space (or another AI service resource) refers to it or to one of "
        "its `aws_efs_access_point`s (for example as a custom file system of Studio users), or it is tagged "
        "`ml`/`ai` = `true` (or `workload = ml`). Other file systems pass."
    )
    why = (
        "File systems attached to ML work hold what notebooks and training jobs read and write: copies of "
        "training datasets, feature extracts, checkpoints and model weights, often with the personal data "
        "the model was trained on. Unencrypted, that data sits in plaintext on the storage layer and in "
        "every backup, and encryption cannot be turned on later: the file system has to be recreated and "
        "the data copied, so the exposure lasts for the file system's life. A KMS key also gives you an "
        "audit trail and a kill switch for the data."
    )
    fix_terraform = (
        "Encrypt the file system, ideally with your own key (this replaces an existing file system):\n\n"
        "```hcl\n"
        "resource \"aws_efs_file_system\" \"training_scratch\" {\n"
        "  creation_token = \"training-scratch\"\n"
        "  encrypted      = true\n"
        "  kms_key_id     = aws_kms_key.ml_data.arn\n"
        "}\n"
        "```"
    )
    fix_cloudformation = (
        "Set `Encrypted` (and `KmsKeyId`):\n\n"
        "```yaml\n"
        "TrainingScratch:\n"
        "  Type: AWS::EFS::FileSystem\n"
        "  Properties:\n"
        "    Encrypted: true\n"
        "    KmsKeyId: !GetAtt MlDataKey.Arn\n"
        "```"
    )
    references = (
        "https://docs.aws.amazon.com/efs/latest/ug/encryption-at-rest.html",
        "https://docs.aws.amazon.com/sagemaker/latest/dg/domain-custom-file-system.html",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-efs-filesystem.html",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/efs_file_system",
    )

    def check(self, resource, ctx):
        yield from scoped_verdict(
            encryption_check(resource), lambda: ml_scope(resource, ctx, via=VIA),
            subject="File system for ML data", out_of_scope="not used by an ML workload",
            question="whether the file system is encrypted", scope_question="whether it serves an ML workload")
