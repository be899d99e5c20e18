"""IAC502: Bedrock invocation logs go to destinations under a customer-managed key, never public.

A graph policy on `aws_bedrock_model_invocation_logging_configuration` (Terraform only:
CloudFormation has no type for the setting). It follows each destination to the resource
in the scan:
- `logging_config.s3_config.bucket_name` and
  `logging_config.cloudwatch_config.large_data_delivery_s3_config.bucket_name`: the bucket
  fails when its default encryption is not a customer-managed key or its public access
  block leaves a flag off, read exactly as `s3-ml-bucket-no-cmk` and
  `s3-ml-bucket-public-access-block-off` read them (`iaclint.aws.s3`, the shared S3 reader);
- `logging_config.cloudwatch_config.log_group_name`: the `aws_cloudwatch_log_group` fails
  without `kms_key_id` (CloudWatch Logs then encrypts with its service-owned key).
A reference or a literal name that matches a resource of the scan is followed; a
destination outside the scan gives UNKNOWN.
"""
from __future__ import annotations

from iaclint.aws import s3, s3_settings
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.model import paths
from iaclint.model.unknown import is_unknown

_LOGGING = "aws_bedrock_model_invocation_logging_configuration"
_BUCKET = "aws_s3_bucket"
_LOG_GROUP = "aws_cloudwatch_log_group"
_BUCKET_PATHS = (
    ("logging_config", "s3_config", "bucket_name"),
    ("logging_config", "cloudwatch_config", "large_data_delivery_s3_config", "bucket_name"),
)
_LOG_GROUP_PATH = ("logging_config", "cloudwatch_config", "log_group_name")


def _target(resource, ctx, path, value, rtype, name_of):
    """The resource of `rtype` a destination names: by reference, else by its literal name;
    None when it is not in the scan (or its name is unknown)."""
    for ref, target in ctx.project.outgoing(resource, path):
        if target is not None and target.type == rtype:
            return target
    if isinstance(value, str):
        for other in ctx.project.of_type(rtype):
            if name_of(other) == value:
                return other
    return None


def _log_group_name(group):
    value = group.attributes.get("name")
    return value if isinstance(value, str) else None


class BedrockInvocationLoggingDestinationWeak(Policy):
    id = "IAC502"
    name = "bedrock-invocation-logging-destination-weak"
    title = "Bedrock invocation logs are stored under a customer-managed KMS key and never public"
    severity = "medium"
    category = "logging-monitoring"
    resource_types = (_LOGGING,)
    formats = ("terraform",)  # no CloudFormation type for the logging configuration
    checkov_ids = ()

    def check(self, resource, ctx):
        found = False
        for pattern in _BUCKET_PATHS:
            for path, value, complete in paths.find_detailed(resource.attributes, pattern):
                found = True
                yield from self._bucket(resource, ctx, path, value, complete)
        for path, value, complete in paths.find_detailed(resource.attributes, _LOG_GROUP_PATH):
            found = True
            yield from self._log_group(resource, ctx, path, value, complete)
        if not found:
            yield PASS()

    def _bucket(self, resource, ctx, path, value, complete):
        spelt = f"`{resource.native_name(path)}`"
        bucket = _target(resource, ctx, path, value, _BUCKET, s3.bucket_name) if complete else None
        if bucket is None:
            shown = value.expr if is_unknown(value) else value
            yield UNKNOWN(f"The invocation log bucket {spelt} (`{shown}`) is not in the scanned configuration, so its "
                          f"encryption and public access cannot be checked", path)
            return
        problems = [(s3_settings.encryption_check(bucket, ctx), "is not encrypted with a customer-managed KMS key"),
                    (s3_settings.public_access_check(bucket, ctx), "can be made public")]
        decided = True
        for check, summary in problems:
            if check.verdict is True:
                yield FAIL(f"Bedrock invocation logs go to bucket `{bucket.address}`, which {summary}: "
                           f"{check.message}", path)
            elif check.verdict is None:
                decided = False
                yield UNKNOWN(f"Cannot tell statically whether invocation log bucket `{bucket.address}` {summary}: "
                              f"{check.message}", path)
        if decided and not any(c.verdict for c, _ in problems):
            yield PASS()

    def _log_group(self, resource, ctx, path, value, complete):
        spelt = f"`{resource.native_name(path)}`"
        group = _target(resource, ctx, path, value, _LOG_GROUP, _log_group_name) if complete else None
        if group is None:
            shown = value.expr if is_unknown(value) else value
            yield UNKNOWN(f"The invocation log group {spelt} (`{shown}`) is not in the scanned configuration, so its "
                          f"encryption cannot be checked", path)
            return
        key = group.attributes.get("kms_key_id")
        if is_unknown(key) or (isinstance(key, str) and key.strip()):
            yield PASS()
        else:
            yield FAIL(f"Bedrock invocation logs go to log group `{group.address}`, which is not encrypted with a "
                       f"customer-managed KMS key: its `kms_key_id` is not set", path)
