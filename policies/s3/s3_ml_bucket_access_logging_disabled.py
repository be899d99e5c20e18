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
    if bucket.fmt == "cloudformation":
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
    what = (
        "An ML `aws_s3_bucket` (CloudFormation `AWS::S3::Bucket`) with no server access logging: no "
        "`aws_s3_bucket_logging` refers to it (nor the legacy inline `logging` block), and no "
        "`LoggingConfiguration` is set (a `LoggingConfiguration` without `DestinationBucketName` logs to the "
        "bucket itself and passes). A bucket is an ML bucket when a SageMaker, Bedrock, Comprehend, Kendra "
        "(or other AI service) resource refers to it or names it in an `s3://` URI or ARN, or when it is "
        "tagged `ml`/`ai` = `true`; other buckets pass. CloudTrail S3 data events are not considered."
    )
    why = (
        "When a training set, a fine-tuning corpus or a model artifact leaks, the first questions are who "
        "read which objects, from where and when. Without access logs (or CloudTrail data events) S3 "
        "keeps no record of `GetObject` calls, so a data exfiltration or model theft cannot be scoped, "
        "a poisoned training file cannot be traced to the principal that wrote it, and you cannot show "
        "auditors which data a model was trained on and who touched it."
    )
    fix_terraform = (
        "Log requests to a separate log bucket:\n\n"
        "```hcl\n"
        "resource \"aws_s3_bucket_logging\" \"training_data\" {\n"
        "  bucket        = aws_s3_bucket.training_data.id\n"
        "  target_bucket = aws_s3_bucket.access_logs.id\n"
        "  target_prefix = \"training-data/\"\n"
        "}\n"
        "```"
    )
    fix_cloudformation = (
        "Set `LoggingConfiguration`:\n\n"
        "```yaml\n"
        "TrainingData:\n"
        "  Type: AWS::S3::Bucket\n"
        "  Properties:\n"
        "    LoggingConfiguration:\n"
        "      DestinationBucketName: !Ref AccessLogs\n"
        "      LogFilePrefix: training-data/\n"
        "```"
    )
    references = (
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-loggingconfiguration.html",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_logging",
    )

    def check(self, resource, ctx):
        yield from scoped_verdict(
            logging_check(resource, ctx), lambda: s3.is_ml_bucket(resource, ctx),
            subject="ML bucket", out_of_scope="not an ML bucket",
            question="whether access logging is on", scope_question="whether it is an ML bucket")
