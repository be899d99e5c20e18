"""IAC402: a SageMaker endpoint records its inference traffic (data capture is on).

Fails when `data_capture_config` is absent, `enable_capture` is false, or the sampling
percentage is 0. The default of an omitted `enable_capture` differs by format: the
Terraform provider always sends the attribute, `false` when omitted, while the SageMaker
API (and so CloudFormation) treats an omitted `EnableCapture` as enabled.
"""
from __future__ import annotations

from iaclint import paths
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.unknown import is_unknown


def _written(value) -> bool:
    return is_unknown(value) or value not in (None, "", [], {})


def _is_false(value) -> bool:
    return value is False or (isinstance(value, str) and value.strip().lower() == "false")


def _is_zero(value) -> bool:
    if isinstance(value, bool):
        return False
    try:
        return float(value) == 0
    except (TypeError, ValueError):
        return False


def _blocks(hits):
    """(path, value, complete) per block: a Terraform block list is expanded into its items."""
    for path, value, complete in hits:
        if complete and isinstance(value, list):
            for i, item in enumerate(value):
                yield tuple(path) + (i,), item, True
        else:
            yield tuple(path), value, complete


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
        attrs = resource.attributes
        cfn = resource.fmt == "cloudformation"
        variants = attrs.get("production_variants")
        serverless = [isinstance(v, dict) and not is_unknown(v.get("serverless_config"))
                      and _written(v.get("serverless_config")) for v in variants] if isinstance(variants, list) else []
        if serverless and all(serverless):
            yield PASS("serverless endpoints do not support data capture")
            return
        hits = paths.find_detailed(attrs, "data_capture_config")
        if not hits:
            name = "DataCaptureConfig" if cfn else "data_capture_config"
            yield FAIL(f"`{name}` is not set: the endpoint keeps no record of its prompts and predictions",
                       ("data_capture_config",))
            return
        enable_name = "EnableCapture" if cfn else "enable_capture"
        percent_name = "InitialSamplingPercentage" if cfn else "initial_sampling_percentage"
        for path, config, complete in _blocks(hits):
            where = resource.native_name(path)
            if not complete or is_unknown(config):
                yield UNKNOWN(f"`{where}` is unknown until deployment", path)
                continue
            if not isinstance(config, dict):
                continue
            enabled = config.get("enable_capture")
            enable_path = tuple(path) + ("enable_capture",)
            if is_unknown(enabled):
                yield UNKNOWN(f"`{where}.{enable_name}` is `{enabled.expr}`, unknown until deployment", enable_path)
                continue
            if _is_false(enabled):
                yield FAIL(f"`{where}.{enable_name}` is `false`: the endpoint keeps no record of its prompts "
                           f"and predictions", enable_path)
                continue
            if enabled is None and not cfn:
                yield FAIL(f"`{where}.{enable_name}` is not set, and the Terraform provider then sends `false`: "
                           f"data capture is off", enable_path)
                continue
            percent = config.get("initial_sampling_percentage")
            if _is_zero(percent):
                yield FAIL(f"`{where}.{percent_name}` is 0: no request is captured",
                           tuple(path) + ("initial_sampling_percentage",))
                continue
            yield PASS()
