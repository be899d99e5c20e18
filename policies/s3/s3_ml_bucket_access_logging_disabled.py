"""IAC503: an ML bucket has server access logging.

Read from the Terraform `aws_s3_bucket_logging` that points at the bucket, the legacy inline
`logging { target_bucket }` block, or CloudFormation `LoggingConfiguration` (which logs to
the bucket itself when `DestinationBucketName` is left out).
"""
from __future__ import annotations

from iaclint.aws import s3
from iaclint.aws.scoped import scoped_verdict
from iaclint.aws.verdicts import Check
from iaclint.engine.policy import Policy
from iaclint.model.unknown import is_unknown


def logging_check(bucket, ctx) -> Check:
    linked, maybe = s3.attached(bucket, ctx, s3.LOGGING_TYPE)
    if linked:
        return Check(False)
    config = bucket.attributes.get("logging")  # CFN LoggingConfiguration, or the TF v3 inline block
    if is_unknown(config):
        return Check(None, f"`{bucket.native_name(('logging',))}` cannot be known statically (`{config.expr}`)",
                     ("logging",))
    if config is not None and config != []:
        return Check(False)
    if maybe:
        return s3.maybe_configured(maybe, "Access logging")
    if bucket.cloudformation_schema:
        where = f"`{bucket.native_name(('logging',))}` is not set"
    else:
        where = "no `aws_s3_bucket_logging` refers to it"
    return Check(True, f"{where}, so requests to the bucket are not logged", ("logging",))


class S3MlBucketAccessLoggingDisabled(Policy):
    id = "IAC503"
    name = "s3-ml-bucket-access-logging-disabled"
    title = "ML bucket has no server access logging"
    severity = "low"
    category = "logging-monitoring"
    resource_types = ("aws_s3_bucket",)
    checkov_ids = ()

    def check(self, resource, ctx):
        yield from scoped_verdict(
            logging_check(resource, ctx), lambda: s3.is_ml_bucket(resource, ctx),
            subject="ML bucket", out_of_scope="not an ML bucket",
            question="whether access logging is on", scope_question="whether it is an ML bucket")
