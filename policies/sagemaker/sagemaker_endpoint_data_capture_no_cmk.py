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
    what = (
        "An `aws_sagemaker_endpoint_configuration` (CloudFormation `AWS::SageMaker::EndpointConfig`) "
        "with a `data_capture_config` (`DataCaptureConfig`) block that captures traffic but has no "
        "`kms_key_id` (`KmsKeyId`). The captured requests and responses are then written to S3 under "
        "the bucket's default encryption (usually SSE-S3) instead of a key you control. A key written "
        "as a reference counts as set; a capture that is switched off passes."
    )
    why = (
        "Data capture records real inference traffic: the prompts, documents and customer records "
        "sent to the model and everything it answered. That dataset is often the most sensitive one "
        "in an ML platform (raw PII, confidential text, outputs that reveal the model's behaviour) and "
        "it grows for as long as the endpoint runs. With SSE-S3 anyone who can read the bucket reads "
        "it in clear; a customer-managed key adds a key policy as a second gate, lets you cut off "
        "access or crypto-shred the captures, and logs every decrypt for an exfiltration investigation."
    )
    fix_terraform = (
        "Set `kms_key_id` in `data_capture_config`:\n\n"
        "```hcl\n"
        "resource \"aws_sagemaker_endpoint_configuration\" \"churn\" {\n"
        "  # ...\n"
        "  data_capture_config {\n"
        "    enable_capture              = true\n"
        "    initial_sampling_percentage = 20\n"
        "    destination_s3_uri          = \"s3://${var.bucket}/capture/churn/\"\n"
        "    kms_key_id                  = aws_kms_key.ml_data.arn\n\n"
        "    capture_options {\n"
        "      capture_mode = \"InputAndOutput\"\n"
        "    }\n"
        "  }\n"
        "}\n"
        "```"
    )
    fix_cloudformation = (
        "Set `KmsKeyId` in `DataCaptureConfig`:\n\n"
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
        "        - CaptureMode: InputAndOutput\n"
        "```"
    )
    references = (
        "https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-data-capture-endpoint.html",
        "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DataCaptureConfig.html",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-sagemaker-endpointconfig-datacaptureconfig.html",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sagemaker_endpoint_configuration",
    )

    def check(self, resource, ctx):
        if not endpoints.capture_written(resource):
            yield PASS()
            return
        key = "KmsKeyId" if resource.fmt == "cloudformation" else "kms_key_id"
        for path, config in endpoints.capture_blocks(resource):
            where = resource.native_name(path)
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
                yield UNKNOWN(f"`{where}.{key}` is not set, and whether capture is on (`{enabled.expr}`) "
                              f"is unknown until deployment", path + ("kms_key_id",))
                continue
            yield FAIL(f"`{where}.{key}` is not set: captured prompts and predictions are stored under the "
                       f"bucket's default encryption, not a customer-managed KMS key",
                       path + ("kms_key_id",))
