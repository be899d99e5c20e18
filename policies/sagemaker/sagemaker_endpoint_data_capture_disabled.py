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
    what = (
        "An `aws_sagemaker_endpoint_configuration` (CloudFormation `AWS::SageMaker::EndpointConfig`) "
        "without `data_capture_config` (`DataCaptureConfig`), with `enable_capture` (`EnableCapture`) "
        "`false`, or with `initial_sampling_percentage` 0. In Terraform an omitted `enable_capture` "
        "counts as `false` (the provider sends `false`); in CloudFormation an omitted `EnableCapture` "
        "means enabled (the SageMaker API default). Serverless-only configurations are skipped: "
        "serverless inference does not support data capture."
    )
    why = (
        "Without captured requests and responses there is no record of what was sent to a model and "
        "what it answered: no evidence for investigating prompt injection, model extraction by "
        "systematic querying, data poisoning through feedback loops, or harmful outputs; and SageMaker "
        "Model Monitor has no data to detect drift or bias. The severity is low because capture "
        "creates a sensitive dataset of its own: store it under a customer-managed key "
        "(`sagemaker-endpoint-data-capture-no-cmk`) with a retention policy."
    )
    fix_terraform = (
        "Add a `data_capture_config` block with `enable_capture = true`:\n\n"
        "```hcl\n"
        "resource \"aws_sagemaker_endpoint_configuration\" \"churn\" {\n"
        "  # ...\n"
        "  data_capture_config {\n"
        "    enable_capture              = true\n"
        "    initial_sampling_percentage = 20\n"
        "    destination_s3_uri          = \"s3://${var.bucket}/capture/churn/\"\n"
        "    kms_key_id                  = aws_kms_key.ml_data.arn\n\n"
        "    capture_options {\n"
        "      capture_mode = \"Input\"\n"
        "    }\n"
        "    capture_options {\n"
        "      capture_mode = \"Output\"\n"
        "    }\n"
        "  }\n"
        "}\n"
        "```"
    )
    fix_cloudformation = (
        "Add a `DataCaptureConfig` with `EnableCapture: true`:\n\n"
        "```yaml\n"
        "ChurnEndpointConfig:\n"
        "  Type: AWS::SageMaker::EndpointConfig\n"
        "  Properties:\n"
        "    # ...\n"
        "    DataCaptureConfig:\n"
        "      EnableCapture: true\n"
        "      InitialSamplingPercentage: 20\n"
        "      DestinationS3Uri: !Sub s3://${Bucket}/capture/churn/\n"
        "      KmsKeyId: !GetAtt MlDataKey.Arn\n"
        "      CaptureOptions:\n"
        "        - CaptureMode: Input\n"
        "        - CaptureMode: Output\n"
        "```"
    )
    references = (
        "https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-data-capture.html",
        "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DataCaptureConfig.html",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-sagemaker-endpointconfig-datacaptureconfig.html",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sagemaker_endpoint_configuration",
    )

    def check(self, resource, ctx):
        cfn = resource.fmt == "cloudformation"
        if endpoints.serverless_only(resource):
            yield PASS("serverless endpoints do not support data capture")
            return
        if not endpoints.capture_written(resource):
            name = "DataCaptureConfig" if cfn else "data_capture_config"
            yield FAIL(f"`{name}` is not set: the endpoint keeps no record of its prompts and predictions",
                       ("data_capture_config",))
            return
        enable_name = "EnableCapture" if cfn else "enable_capture"
        percent_name = "InitialSamplingPercentage" if cfn else "initial_sampling_percentage"
        for path, config in endpoints.capture_blocks(resource):
            where = resource.native_name(path)
            if is_unknown(config):
                yield UNKNOWN(f"`{where}` is unknown until deployment", path)
                continue
            enabled = config.get("enable_capture")
            enable_path = path + ("enable_capture",)
            if is_unknown(enabled):
                yield UNKNOWN(f"`{where}.{enable_name}` is `{enabled.expr}`, unknown until deployment", enable_path)
                continue
            if endpoints.is_false(enabled):
                yield FAIL(f"`{where}.{enable_name}` is `false`: the endpoint keeps no record of its prompts "
                           f"and predictions", enable_path)
                continue
            if endpoints.omitted_means_off(resource, enabled):
                yield FAIL(f"`{where}.{enable_name}` is not set, and the Terraform provider then sends `false`: "
                           f"data capture is off", enable_path)
                continue
            percent = config.get("initial_sampling_percentage")
            if _is_zero(percent):
                yield FAIL(f"`{where}.{percent_name}` is 0: no request is captured",
                           path + ("initial_sampling_percentage",))
                continue
            yield PASS()
