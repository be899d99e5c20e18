"""IAC112: an ML bucket's default encryption uses a customer-managed KMS key.

The bucket is scoped by `iaclint.aws.s3.is_ml_bucket`; the encryption is read by
`iaclint.aws.s3_settings.encryption_check` from the Terraform `aws_s3_bucket_server_side_encryption_configuration`
that points at the bucket, the legacy inline block, or CloudFormation `BucketEncryption`.
"""
from __future__ import annotations

from iaclint.aws import s3, s3_settings
from iaclint.aws.scoped import scoped_verdict
from iaclint.engine.policy import Policy


class S3MlBucketNoCmk(Policy):
    id = "IAC112"
    name = "s3-ml-bucket-no-cmk"
    title = "ML bucket uses SSE-S3 or the AWS-managed key instead of a customer-managed KMS key"
    severity = "medium"
    category = "data-protection"
    resource_types = ("aws_s3_bucket",)
    checkov_ids = ()

    def check(self, resource, ctx):
        yield from scoped_verdict(
            s3_settings.encryption_check(resource, ctx), lambda: s3.is_ml_bucket(resource, ctx),
            subject="ML bucket", out_of_scope="not an ML bucket",
            question="whether the bucket uses a customer-managed KMS key",
            scope_question="whether it is an ML bucket")
