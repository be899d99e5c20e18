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
