"""IAC123: a Bedrock custom model (fine-tuning / continued pre-training) is encrypted with a CMK.

Terraform only: `aws_bedrock_custom_model` has no CloudFormation resource type (customization
jobs are not a CloudFormation resource), so `formats` says which fixture formats apply.
"""
from __future__ import annotations

from iaclint.engine.policy import FAIL, PASS, Policy
from iaclint.model.unknown import is_unknown

_KEY = ("custom_model_kms_key_id",)


class BedrockCustomModelNoCmk(Policy):
    id = "IAC123"
    name = "bedrock-custom-model-no-cmk"
    title = "Bedrock custom model is encrypted with a customer-managed KMS key"
    severity = "medium"
    category = "data-protection"
    resource_types = ("aws_bedrock_custom_model",)
    formats = ("terraform",)  # no AWS::Bedrock::CustomModel in the CloudFormation schemas
    checkov_ids = ()

    def check(self, resource, ctx):
        key = resource.attributes.get("custom_model_kms_key_id")
        if is_unknown(key) or (isinstance(key, str) and key.strip()):
            yield PASS()
        else:
            yield FAIL(f"Bedrock custom model uses an AWS-owned key, not a customer-managed KMS key: "
                       f"`{resource.native_name(_KEY)}` is not set", _KEY)
