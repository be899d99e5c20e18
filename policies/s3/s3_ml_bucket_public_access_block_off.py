"""IAC113: an ML bucket's public access block leaves a flag off.

Two levels (`iaclint.aws.s3_settings.public_access_check`): a bucket with no public access block at all
blocks public access by default (AWS, since April 2023) and passes; once a block is written
(`aws_s3_bucket_public_access_block`, `PublicAccessBlockConfiguration`), every flag it omits is
false, so a block that sets only `block_public_acls` turns the other three off.
"""
from __future__ import annotations

from iaclint.aws import s3, s3_settings
from iaclint.aws.scoped import scoped_verdict
from iaclint.engine.policy import Policy


class S3MlBucketPublicAccessBlockOff(Policy):
    id = "IAC113"
    name = "s3-ml-bucket-public-access-block-off"
    title = "ML bucket public access block leaves a flag off"
    severity = "critical"
    category = "data-protection"
    resource_types = ("aws_s3_bucket",)
    checkov_ids = ()

    def check(self, resource, ctx):
        yield from scoped_verdict(
            s3_settings.public_access_check(resource, ctx), lambda: s3.is_ml_bucket(resource, ctx),
            subject="ML bucket", out_of_scope="not an ML bucket",
            question="whether the public access block is complete", scope_question="whether it is an ML bucket",
            explain_pass=True)
