"""IAC118: an Amazon A2I human-review flow definition encrypts its output with a CMK.

Terraform only: CloudFormation has no flow definition resource type (no
`AWS::SageMaker::FlowDefinition` in the resource schemas), so `formats` says which fixture
formats apply. Each `output_config` block needs `kms_key_id`; a reference or a variable
counts as set, and blocks that cannot be known statically (a `dynamic` block over an unknown
collection) are unknown.
"""
from __future__ import annotations

from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.model.unknown import is_unknown

_OUTPUT = ("output_config",)
_MESSAGE = ("SageMaker human-review output is stored under the bucket's default encryption, not a "
            "customer-managed KMS key: `output_config.kms_key_id` is not set")


class SagemakerFlowDefinitionOutputNoCmk(Policy):
    id = "IAC118"
    name = "sagemaker-flow-definition-output-no-cmk"
    title = "SageMaker human-review (A2I) flow definition encrypts its output with a customer-managed KMS key"
    severity = "medium"
    category = "data-protection"
    resource_types = ("aws_sagemaker_flow_definition",)
    formats = ("terraform",)  # no AWS::SageMaker::FlowDefinition in the CloudFormation schemas
    checkov_ids = ("CKV_AWS_372",)
    what = (
        "An `aws_sagemaker_flow_definition` (an Amazon Augmented AI human review workflow) whose "
        "`output_config.kms_key_id` is not set. The review results are then written to "
        "`output_config.s3_output_path` under the bucket's default encryption. A key written as a reference "
        "or a variable counts as set. CloudFormation has no flow definition resource type, so this policy "
        "covers Terraform only."
    )
    why = (
        "A human review loop exists for the documents and images a model was not sure about: scanned IDs, "
        "medical forms, invoices, content flagged by Rekognition moderation. The output object holds the "
        "original input, the model's prediction and every reviewer's answer, often the most sensitive "
        "records of the whole workload, gathered in one prefix. Under SSE-S3 anyone with read access to the "
        "bucket reads them; a customer-managed key adds a key policy you control, revocation, and a "
        "CloudTrail record of every decrypt."
    )
    fix_terraform = (
        "Set `kms_key_id` in `output_config`:\n\n"
        "```hcl\n"
        "resource \"aws_sagemaker_flow_definition\" \"claims_review\" {\n"
        "  # ...\n"
        "  output_config {\n"
        "    s3_output_path = \"s3://${aws_s3_bucket.reviews.bucket}/a2i/\"\n"
        "    kms_key_id     = aws_kms_key.reviews.arn\n"
        "  }\n"
        "}\n"
        "```"
    )
    fix_cloudformation = (
        "CloudFormation has no `AWS::SageMaker::FlowDefinition` type. Where a custom resource calls "
        "`CreateFlowDefinition`, pass `OutputConfig.KmsKeyId`:\n\n"
        "```yaml\n"
        "ClaimsReviewFlow:\n"
        "  Type: Custom::FlowDefinition\n"
        "  Properties:\n"
        "    ServiceToken: !GetAtt FlowDefinitionProvider.Arn\n"
        "    OutputConfig:\n"
        "      S3OutputPath: !Sub s3://${ReviewBucket}/a2i/\n"
        "      KmsKeyId: !GetAtt ReviewKey.Arn\n"
        "```"
    )
    references = (
        "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_FlowDefinitionOutputConfig.html",
        "https://docs.aws.amazon.com/sagemaker/latest/dg/a2i-create-flow-definition.html",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sagemaker_flow_definition",
    )

    def check(self, resource, ctx):
        blocks = resource.attributes.get(_OUTPUT[0])
        if is_unknown(blocks):
            yield UNKNOWN(f"`output_config` is `{blocks.expr}`, unknown until deployment ({blocks.reason})", _OUTPUT)
            return
        blocks = blocks if isinstance(blocks, list) else [blocks] if isinstance(blocks, dict) else []
        if not blocks:
            yield FAIL(_MESSAGE, _OUTPUT)
            return
        for index, block in enumerate(blocks):
            path = _OUTPUT + (index,)
            if is_unknown(block):
                yield UNKNOWN(f"`output_config` is `{block.expr}`, unknown until deployment ({block.reason})", path)
                continue
            key = block.get("kms_key_id") if isinstance(block, dict) else None
            if is_unknown(key) or (isinstance(key, str) and key.strip()):
                yield PASS()
            else:
                yield FAIL(_MESSAGE, path + ("kms_key_id",))
