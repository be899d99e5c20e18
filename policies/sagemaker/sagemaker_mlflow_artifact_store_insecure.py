"""IAC604: the bucket a SageMaker MLflow tracking server stores its artifacts in is encrypted
with a customer-managed key and not open to the public.

`artifact_store_uri` (CloudFormation `ArtifactStoreUri`) is followed to the `aws_s3_bucket` of
the scan it names: through a reference (`"s3://${aws_s3_bucket.x.bucket}/mlflow"`,
`!Sub s3://${Bucket}/mlflow`) or a literal `s3://<name>/...` matched against the buckets'
names. The bucket fails when its default encryption is not a customer-managed KMS key
(`s3-ml-bucket-no-cmk`) or its public access block leaves a flag off
(`s3-ml-bucket-public-access-block-off`); both questions are answered by `iaclint.aws.s3`.
A bucket that is not declared in the scanned files is unknown.
"""
from __future__ import annotations

import re

from iaclint.aws import s3
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.model.unknown import is_unknown
from iaclint.model.unknown_globs import unknown_glob

_URI = ("artifact_store_uri",)
_S3_URI = re.compile(r"^s3://(?P<name>[^/]+)", re.IGNORECASE)


def _named_buckets(server, ctx, name: str) -> list:
    """Buckets of the scan called `name`, those of the server's module or template first."""
    found = [b for b in ctx.project.of_type(s3.BUCKET_TYPE)
             if isinstance(s3.bucket_name(b), str) and s3.bucket_name(b) == name]
    return [b for b in found if b.unit == server.unit] or found


def _artifact_buckets(server, ctx) -> tuple[list, str]:
    """(buckets, why they cannot be told): the buckets `artifact_store_uri` names."""
    value = server.attributes.get(_URI[0])
    targets = ctx.project.outgoing(server, _URI)
    buckets = [t for _, t in targets if t is not None and t.type == s3.BUCKET_TYPE]
    if buckets:
        return buckets, ""
    text = unknown_glob(value) if is_unknown(value) else value
    match = _S3_URI.match(text.strip()) if isinstance(text, str) else None
    names = [match.group("name")] if match else []
    shown = value.expr if is_unknown(value) else value
    if names and "*" not in names[0]:
        found = _named_buckets(server, ctx, names[0])
        if found:
            return found, ""
        return [], f"`{shown}` names the bucket `{names[0]}`, which is not declared in the scanned files"
    others = sorted({ref.target for ref, _ in targets})
    if others:
        return [], f"`{shown}` refers to {', '.join(f'`{o}`' for o in others)}, not to a bucket of the scan"
    return [], f"`{shown}` cannot be known statically"


class SagemakerMlflowArtifactStoreInsecure(Policy):
    id = "IAC604"
    name = "sagemaker-mlflow-artifact-store-insecure"
    title = "SageMaker MLflow tracking server stores its artifacts in a bucket with a CMK and no public access"
    severity = "medium"
    category = "attack-paths"
    resource_types = ("aws_sagemaker_mlflow_tracking_server",)
    checkov_ids = ()
    what = (
        "An `aws_sagemaker_mlflow_tracking_server` (CloudFormation `AWS::SageMaker::MlflowTrackingServer`) "
        "whose `artifact_store_uri` (`ArtifactStoreUri`) points at an S3 bucket of the scan that is not "
        "encrypted with a customer-managed KMS key (no default encryption configuration, `AES256`, or "
        "`aws:kms` with the AWS-managed `aws/s3` key) or whose public access block leaves a flag off (a "
        "written `aws_s3_bucket_public_access_block` / `PublicAccessBlockConfiguration` turns every "
        "omitted flag off). The bucket is found through a reference or a literal `s3://<name>/` URI. The "
        "tracking server itself has no KMS or network settings, so the bucket is where its artifacts are "
        "protected. A bucket that is not in the scanned files is reported as unknown."
    )
    why = (
        "The MLflow artifact store holds everything an experiment logs: serialized models (pickles that "
        "run code when loaded), checkpoints, evaluation datasets, feature samples and plots of real data. "
        "A bucket that public access settings leave open lets anyone read the models and data, or "
        "replace a registered model's artifact with a poisoned one that the next deployment loads; "
        "under SSE-S3 anyone with `s3:GetObject` reads them, with no key policy to narrow access and no "
        "per-key decrypt trail. The path from the tracking server to the weak bucket is what makes the "
        "tracking server's content exposed, so it is reported on the server."
    )
    fix_terraform = (
        "Encrypt the artifact bucket with a customer-managed key and keep all four public access flags "
        "on:\n\n"
        "```hcl\n"
        "resource \"aws_sagemaker_mlflow_tracking_server\" \"experiments\" {\n"
        "  tracking_server_name = \"experiments\"\n"
        "  role_arn             = aws_iam_role.mlflow.arn\n"
        "  artifact_store_uri   = \"s3://${aws_s3_bucket.mlflow.bucket}/artifacts\"\n"
        "}\n\n"
        "resource \"aws_s3_bucket_server_side_encryption_configuration\" \"mlflow\" {\n"
        "  bucket = aws_s3_bucket.mlflow.id\n"
        "  rule {\n"
        "    apply_server_side_encryption_by_default {\n"
        "      sse_algorithm     = \"aws:kms\"\n"
        "      kms_master_key_id = aws_kms_key.mlflow.arn\n"
        "    }\n"
        "  }\n"
        "}\n\n"
        "resource \"aws_s3_bucket_public_access_block\" \"mlflow\" {\n"
        "  bucket                  = aws_s3_bucket.mlflow.id\n"
        "  block_public_acls       = true\n"
        "  block_public_policy     = true\n"
        "  ignore_public_acls      = true\n"
        "  restrict_public_buckets = true\n"
        "}\n"
        "```"
    )
    fix_cloudformation = (
        "Give the artifact bucket `BucketEncryption` with a customer-managed key and a complete "
        "`PublicAccessBlockConfiguration`:\n\n"
        "```yaml\n"
        "MlflowBucket:\n"
        "  Type: AWS::S3::Bucket\n"
        "  Properties:\n"
        "    BucketEncryption:\n"
        "      ServerSideEncryptionConfiguration:\n"
        "        - ServerSideEncryptionByDefault:\n"
        "            SSEAlgorithm: aws:kms\n"
        "            KMSMasterKeyID: !GetAtt MlflowKey.Arn\n"
        "    PublicAccessBlockConfiguration:\n"
        "      BlockPublicAcls: true\n"
        "      BlockPublicPolicy: true\n"
        "      IgnorePublicAcls: true\n"
        "      RestrictPublicBuckets: true\n"
        "Experiments:\n"
        "  Type: AWS::SageMaker::MlflowTrackingServer\n"
        "  Properties:\n"
        "    TrackingServerName: experiments\n"
        "    RoleArn: !GetAtt MlflowRole.Arn\n"
        "    ArtifactStoreUri: !Sub s3://${MlflowBucket}/artifacts\n"
        "```"
    )
    references = (
        "https://docs.aws.amazon.com/sagemaker/latest/dg/mlflow-create-tracking-server.html",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sagemaker-mlflowtrackingserver.html",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sagemaker_mlflow_tracking_server",
    )

    def check(self, resource, ctx):
        if resource.attributes.get(_URI[0]) is None:
            yield PASS()
            return
        name = resource.native_name(_URI)
        buckets, unresolved = _artifact_buckets(resource, ctx)
        if unresolved:
            yield UNKNOWN(f"The bucket of `{name}` cannot be checked: {unresolved}", _URI)
            return
        problems, unknowns = [], []
        for bucket in buckets:
            for answer in (s3.encryption_check(bucket, ctx), s3.public_access_check(bucket, ctx)):
                if answer.verdict is True:
                    problems.append(f"`{bucket.address}`: {answer.message}")
                elif answer.verdict is None:
                    unknowns.append(f"`{bucket.address}`: {answer.message}")
        if problems:
            yield FAIL(f"The MLflow artifact store (`{name}`) is a weak bucket: {'; '.join(problems)}", _URI)
        elif unknowns:
            yield UNKNOWN(f"Whether the MLflow artifact store (`{name}`) is protected cannot be known: "
                          f"{'; '.join(unknowns)}", _URI)
        else:
            yield PASS()
