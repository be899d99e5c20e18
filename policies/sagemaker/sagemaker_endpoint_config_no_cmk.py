"""IAC103: a SageMaker endpoint configuration encrypts its ML storage volumes with a CMK.

`kms_key_arn` (CloudFormation `KmsKeyId`) unset means the volumes attached to the hosting
instances use an AWS-managed key. AWS rejects a key when a variant runs on an instance type
whose storage is local NVMe (encrypted in hardware) or on serverless inference, so those
configurations pass.
"""
from __future__ import annotations

from iaclint.aws.instances import nvme_only
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.model.unknown import is_unknown


def _present(value) -> bool:
    """A block or value that is written: a reference counts, an empty value does not."""
    if is_unknown(value):
        return True
    return value not in (None, "", [], {})


class SagemakerEndpointConfigNoCmk(Policy):
    id = "IAC103"
    name = "sagemaker-endpoint-config-no-cmk"
    title = "SageMaker endpoint configuration encrypts its ML storage volumes with a customer-managed KMS key"
    severity = "medium"
    category = "data-protection"
    resource_types = ("aws_sagemaker_endpoint_configuration",)
    checkov_ids = ("CKV_AWS_98",)

    def check(self, resource, ctx):
        attrs = resource.attributes
        key_name = "KmsKeyId" if resource.fmt == "cloudformation" else "kms_key_arn"
        if _present(attrs.get("kms_key_arn")):
            yield PASS()
            return
        undecided = []
        for list_name in ("production_variants", "shadow_production_variants"):
            variants = attrs.get(list_name)
            if variants is None:
                continue
            if is_unknown(variants):
                undecided.append(f"`{resource.native_name((list_name,))}` is `{variants.expr}`")
                continue
            for variant in variants if isinstance(variants, list) else [variants]:
                if is_unknown(variant):
                    undecided.append(f"a variant is `{variant.expr}`")
                    continue
                if not isinstance(variant, dict):
                    continue
                if _present(variant.get("serverless_config")):
                    yield PASS("a serverless variant: AWS rejects a KMS key for serverless endpoints")
                    return
                instance_type = variant.get("instance_type")
                if is_unknown(instance_type):
                    undecided.append(f"instance type `{instance_type.expr}` is unknown until deployment")
                elif isinstance(instance_type, str) and nvme_only(instance_type):
                    yield PASS(f"`{instance_type}` has NVMe instance storage only: AWS rejects a KMS key")
                    return
        if undecided:
            yield UNKNOWN(f"`{key_name}` is not set, and whether the variants accept a key cannot be "
                          f"known: {undecided[0]}", ("kms_key_arn",))
            return
        yield FAIL(f"`{key_name}` is not set: the endpoint's ML storage volumes use an AWS-managed key, "
                   f"not a customer-managed KMS key", ("kms_key_arn",))
