"""IAC402: a SageMaker endpoint records its inference traffic (data capture is on).

Fails when `data_capture_config` is absent, `enable_capture` is false, or the sampling
percentage is 0. The default of an omitted `enable_capture` differs by format: the
Terraform provider always sends the attribute, `false` when omitted, while the SageMaker
API (and so CloudFormation) treats an omitted `EnableCapture` as enabled.
"""
from __future__ import annotations

from iaclint.aws import sagemaker_endpoints as endpoints
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.model.unknown import is_unknown


def _is_zero(value) -> bool:
    if isinstance(value, bool):
        return False
    try:
        return float(value) == 0
    except (TypeError, ValueError):
        return False


class SagemakerEndpointDataCaptureDisabled(Policy):
    id = "IAC402"
    name = "sagemaker-endpoint-data-capture-disabled"
    title = "SageMaker endpoint captures its inference requests and responses"
    severity = "low"
    category = "model-safeguards"
    resource_types = ("aws_sagemaker_endpoint_configuration",)
    checkov_ids = ()

    def check(self, resource, ctx):
        if endpoints.serverless_only(resource):
            yield PASS("serverless endpoints do not support data capture")
            return
        if not endpoints.capture_written(resource):
            name = resource.native_name(("data_capture_config",))
            yield FAIL(f"`{name}` is not set: the endpoint keeps no record of its prompts and predictions",
                       ("data_capture_config",))
            return
        for path, config in endpoints.capture_blocks(resource):
            where = resource.native_name(path)
            if is_unknown(config):
                yield UNKNOWN(f"`{where}` is unknown until deployment", path)
                continue
            enabled = config.get("enable_capture")
            enable_path = path + ("enable_capture",)
            enable_name = resource.native_name(enable_path)
            if is_unknown(enabled):
                yield UNKNOWN(f"`{enable_name}` is `{enabled.expr}`, unknown until deployment", enable_path)
                continue
            if endpoints.is_false(enabled):
                yield FAIL(f"`{enable_name}` is `false`: the endpoint keeps no record of its prompts "
                           f"and predictions", enable_path)
                continue
            if endpoints.omitted_means_off(resource, enabled):
                yield FAIL(f"`{enable_name}` is not set, and the Terraform provider then sends `false`: "
                           f"data capture is off", enable_path)
                continue
            percent = config.get("initial_sampling_percentage")
            if _is_zero(percent):
                percent_path = path + ("initial_sampling_percentage",)
                yield FAIL(f"`{resource.native_name(percent_path)}` is 0: no request is captured", percent_path)
                continue
            yield PASS()
