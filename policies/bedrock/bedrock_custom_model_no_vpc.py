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
