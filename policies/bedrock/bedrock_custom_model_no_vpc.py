"""IAC207: a Bedrock model customization job runs in your VPC.

Terraform only: `aws_bedrock_custom_model` has no CloudFormation resource type, so `formats`
says which fixture formats apply.
"""
from __future__ import annotations

from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.model.unknown import is_unknown

_VPC = ("vpc_config",)


def _set(value) -> "bool | None":
    """A written, non-empty list (references count); None when the list itself is unknown."""
    if is_unknown(value):
        return None
    return isinstance(value, list) and len(value) > 0


class BedrockCustomModelNoVpc(Policy):
    id = "IAC207"
    name = "bedrock-custom-model-no-vpc"
    title = "Bedrock model customization job runs in a VPC"
    severity = "medium"
    category = "network-exposure"
    resource_types = ("aws_bedrock_custom_model",)
    formats = ("terraform",)  # no AWS::Bedrock::CustomModel in the CloudFormation schemas
    checkov_ids = ()
    what = (
        "A Bedrock model customization (`aws_bedrock_custom_model`) without a `vpc_config` block, or with one "
        "whose `subnet_ids` or `security_group_ids` is empty. Without it the fine-tuning job reads its training "
        "and validation data from S3 and writes its output over the public network path of the Bedrock service, "
        "not through your VPC. Values that cannot be known statically give UNKNOWN. There is no CloudFormation "
        "resource for model customization, so this policy covers Terraform only."
    )
    why = (
        "A customization job reads the whole training set (often the most sensitive data an AI team holds: "
        "support transcripts, contracts, labelled customer records) and writes model artifacts. In a VPC the "
        "job's traffic goes through your subnets and security groups, so S3 gateway endpoints, endpoint "
        "policies and bucket policies with `aws:SourceVpc` / `aws:SourceVpce` conditions can confine the "
        "data to your network and prevent exfiltration to, or poisoning from, buckets outside it. Without a "
        "VPC none of those controls apply to the job."
    )
    fix_terraform = """Run the job in private subnets with a security group (and an S3 gateway endpoint for the data):

```hcl
resource "aws_bedrock_custom_model" "support" {
  custom_model_name     = "support-assistant-ft"
  job_name              = "support-assistant-ft-1"
  base_model_identifier = data.aws_bedrock_foundation_model.base.model_arn
  role_arn              = aws_iam_role.customization.arn
  hyperparameters       = { epochCount = "2", batchSize = "1", learningRate = "0.00001" }

  training_data_config { s3_uri = "s3://${aws_s3_bucket.training.id}/train.jsonl" }
  output_data_config { s3_uri = "s3://${aws_s3_bucket.training.id}/output/" }

  vpc_config {
    subnet_ids         = [aws_subnet.private_a.id, aws_subnet.private_b.id]
    security_group_ids = [aws_security_group.customization.id]
  }
}
```"""
    fix_cloudformation = (
        "CloudFormation has no resource type for Bedrock model customization. Start the job with "
        "`aws bedrock create-model-customization-job --vpc-config subnetIds=...,securityGroupIds=... ...` "
        "(or the `CreateModelCustomizationJob` API from a custom resource)."
    )
    references = (
        "https://docs.aws.amazon.com/bedrock/latest/userguide/custom-model-job-access-security.html",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/bedrock_custom_model",
        "https://docs.aws.amazon.com/bedrock/latest/APIReference/API_VpcConfig.html",
    )

    def check(self, resource, ctx):
        value = resource.attributes.get("vpc_config")
        if value is None or value == [] or value == {}:
            yield FAIL(f"Bedrock model customization job runs outside your VPC: `{resource.native_name(_VPC)}` "
                       f"is not set", _VPC)
            return
        blocks = [(_VPC, value)] if isinstance(value, dict) or is_unknown(value) else \
            [(_VPC + (i,), b) for i, b in enumerate(value)]
        for path, block in blocks:
            if is_unknown(block):
                yield UNKNOWN(f"`{resource.native_name(path)}` is unknown until deployment ({block.reason})", path)
                return
            for name in ("subnet_ids", "security_group_ids"):
                verdict = _set(block.get(name) if isinstance(block, dict) else None)
                where = path + (name,)
                if verdict is None:
                    yield UNKNOWN(f"`{resource.native_name(where)}` is `{block[name].expr}`, unknown until "
                                  f"deployment ({block[name].reason})", where)
                    return
                if verdict is False:
                    yield FAIL(f"Bedrock model customization job has no usable VPC configuration: "
                               f"`{resource.native_name(where)}` is empty or not set", where)
                    return
        yield PASS()
