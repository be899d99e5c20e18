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
    what = (
        "A Bedrock model customization (`aws_bedrock_custom_model`: a fine-tuning or continued pre-training "
        "job and the custom model it produces) without `custom_model_kms_key_id`. Bedrock then encrypts the "
        "custom model with an AWS-owned key. A key written as a reference (`aws_kms_key.k.arn`) counts as set. "
        "There is no CloudFormation resource for model customization, so this policy covers Terraform only."
    )
    why = (
        "Fine-tuned weights are a compressed copy of their training data: membership-inference and "
        "extraction attacks recover verbatim training records (customer emails, tickets, code) from them, "
        "and the model itself is intellectual property that cost the training run to build. With an "
        "AWS-owned key you cannot audit its use in CloudTrail, restrict who may decrypt it with a key "
        "policy, or make a stolen copy useless by disabling the key. The key cannot be added after the "
        "job has run."
    )
    fix_terraform = """Create a symmetric KMS key whose key policy lets the customization role and Bedrock use it, and set it on the job:

```hcl
resource "aws_bedrock_custom_model" "support" {
  custom_model_name       = "support-assistant-ft"
  job_name                = "support-assistant-ft-1"
  base_model_identifier   = data.aws_bedrock_foundation_model.base.model_arn
  role_arn                = aws_iam_role.customization.arn
  custom_model_kms_key_id = aws_kms_key.models.arn
  hyperparameters         = { epochCount = "2", batchSize = "1", learningRate = "0.00001" }

  training_data_config { s3_uri = "s3://${aws_s3_bucket.training.id}/train.jsonl" }
  output_data_config { s3_uri = "s3://${aws_s3_bucket.training.id}/output/" }
}
```"""
    fix_cloudformation = (
        "CloudFormation has no resource type for Bedrock model customization. Start the job with "
        "`aws bedrock create-model-customization-job --custom-model-kms-key-id <key ARN> ...` (or the "
        "`CreateModelCustomizationJob` API from a custom resource) and pass the key ARN there."
    )
    references = (
        "https://docs.aws.amazon.com/bedrock/latest/userguide/encryption-custom-job.html",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/bedrock_custom_model",
        "https://docs.aws.amazon.com/bedrock/latest/APIReference/API_CreateModelCustomizationJob.html",
    )

    def check(self, resource, ctx):
        key = resource.attributes.get("custom_model_kms_key_id")
        if is_unknown(key) or (isinstance(key, str) and key.strip()):
            yield PASS()
        else:
            yield FAIL(f"Bedrock custom model uses an AWS-owned key, not a customer-managed KMS key: "
                       f"`{resource.native_name(_KEY)}` is not set", _KEY)
