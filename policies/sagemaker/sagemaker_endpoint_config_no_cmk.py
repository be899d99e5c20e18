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
    what = (
        "An `aws_sagemaker_endpoint_configuration` (CloudFormation `AWS::SageMaker::EndpointConfig`) "
        "without `kms_key_arn` (CloudFormation `KmsKeyId`; the names differ between the two). "
        "The ML storage volumes of the hosting instances are then encrypted with an AWS-managed "
        "key. A key written as a reference counts as set. A configuration with a variant on an "
        "instance type with NVMe instance storage only (`ml.g4dn`, `ml.g5`, `ml.p3dn`, `ml.p4d`, "
        "`ml.m5d`, `ml.c5d`, `ml.r5d`, ...) or with `serverless_config` passes: AWS rejects a key "
        "there and encrypts that storage in hardware."
    )
    why = (
        "The endpoint volume holds the model artifact (the weights that cost the training run) "
        "unpacked under /opt/ml, and whatever the inference container writes to disk: cached "
        "payloads, temporary files with request data, logs with prompts or predictions. Under an "
        "AWS-managed key the key policy cannot be narrowed, so access to the volume cannot be "
        "revoked by disabling a key, and there is no per-key CloudTrail record of who decrypted "
        "it, which leaves model theft or data exfiltration from a snapshot harder to contain "
        "and to investigate."
    )
    fix_terraform = (
        "Set `kms_key_arn` to a customer-managed key:\n\n"
        "```hcl\n"
        "resource \"aws_sagemaker_endpoint_configuration\" \"churn\" {\n"
        "  name        = \"churn-endpoint-config\"\n"
        "  kms_key_arn = aws_kms_key.ml_data.arn\n\n"
        "  production_variants {\n"
        "    variant_name           = \"primary\"\n"
        "    model_name             = aws_sagemaker_model.churn.name\n"
        "    instance_type          = \"ml.m5.xlarge\"\n"
        "    initial_instance_count = 2\n"
        "  }\n"
        "}\n"
        "```\n\n"
        "The endpoint's execution role needs `kms:CreateGrant` and `kms:Decrypt` on the key."
    )
    fix_cloudformation = (
        "Set `KmsKeyId` to a customer-managed key:\n\n"
        "```yaml\n"
        "ChurnEndpointConfig:\n"
        "  Type: AWS::SageMaker::EndpointConfig\n"
        "  Properties:\n"
        "    KmsKeyId: !GetAtt MlDataKey.Arn\n"
        "    ProductionVariants:\n"
        "      - VariantName: primary\n"
        "        ModelName: !GetAtt ChurnModel.ModelName\n"
        "        InstanceType: ml.m5.xlarge\n"
        "        InitialInstanceCount: 2\n"
        "```"
    )
    references = (
        "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpointConfig.html",
        "https://docs.aws.amazon.com/sagemaker/latest/dg/encryption-at-rest-nbi.html",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sagemaker-endpointconfig.html",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sagemaker_endpoint_configuration",
    )

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
