"""IAC108: captured endpoint traffic is written to S3 under a customer-managed KMS key.

A `data_capture_config` (`DataCaptureConfig`) without `kms_key_id` (`KmsKeyId`) leaves the
captured requests and responses to the bucket's default encryption. A capture that is off
(`enable_capture = false`, or unset in Terraform, where the provider then sends `false`)
stores nothing and passes; IAC402 reports disabled capture.
"""
from __future__ import annotations

from iaclint.aws import sagemaker_endpoints as endpoints
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.model.unknown import is_unknown


class SagemakerEndpointDataCaptureNoCmk(Policy):
    id = "IAC108"
    name = "sagemaker-endpoint-data-capture-no-cmk"
    title = "SageMaker endpoint data capture encrypts captured inference data with a customer-managed KMS key"
    severity = "medium"
    category = "data-protection"
    resource_types = ("aws_sagemaker_endpoint_configuration",)
    checkov_ids = ()

    def check(self, resource, ctx):
        if not endpoints.capture_written(resource):
            yield PASS()
            return
        for path, config in endpoints.capture_blocks(resource):
            where = resource.native_name(path)
            key = resource.native_name(path + ("kms_key_id",))
            if is_unknown(config):
                yield UNKNOWN(f"`{where}` is unknown until deployment", path)
                continue
            if endpoints.written(config.get("kms_key_id")):
                yield PASS()
                continue
            if endpoints.capture_off(resource, config):
                yield PASS("data capture is off: nothing is written to S3")
                continue
            enabled = config.get("enable_capture")
            if is_unknown(enabled):
                yield UNKNOWN(f"`{key}` is not set, and whether capture is on (`{enabled.expr}`) "
                              f"is unknown until deployment", path + ("kms_key_id",))
                continue
            yield FAIL(f"`{key}` is not set: captured prompts and predictions are stored under the "
                       f"bucket's default encryption, not a customer-managed KMS key",
                       path + ("kms_key_id",))
