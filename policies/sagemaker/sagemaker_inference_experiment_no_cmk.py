"""IAC140: a SageMaker inference experiment encrypts its instance storage and the data it
captures with customer-managed KMS keys.

`AWS::SageMaker::InferenceExperiment` (and `awscc_sagemaker_inference_experiment`): `KmsKey`
encrypts the storage volumes of the instances that host the shadow variants; when the
experiment captures requests and responses (`DataStorageConfig`), `DataStorageConfig.KmsKey`
encrypts what lands in S3. Either missing means an AWS-managed key or the bucket's default.
The Terraform provider has no such resource, hence `formats`.
"""
from __future__ import annotations

from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.model.unknown import is_unknown

_VOLUME = ("kms_key",)
_CAPTURE = ("data_storage_config",)


def _missing(value) -> bool:
    return value is None or value == ""


class SageMakerInferenceExperimentNoCmk(Policy):
    id = "IAC140"
    name = "sagemaker-inference-experiment-no-cmk"
    title = "SageMaker inference experiment storage is encrypted with customer-managed KMS keys"
    severity = "medium"
    category = "data-protection"
    resource_types = ("aws_sagemaker_inference_experiment",)
    formats = ("cloudformation", "awscc")  # no Terraform resource for inference experiments
    checkov_ids = ()

    def check(self, resource, ctx):
        attrs = resource.attributes
        found = False
        if _missing(attrs.get("kms_key")):
            found = True
            yield FAIL(f"SageMaker inference experiment instance storage uses an AWS-managed key, not a "
                       f"customer-managed KMS key: `{resource.native_name(_VOLUME)}` is not set")
        capture = attrs.get("data_storage_config")
        if is_unknown(capture):
            found = True
            yield UNKNOWN(f"`{resource.native_name(_CAPTURE)}` is `{capture.expr}`, unknown until deployment",
                          _CAPTURE)
        elif isinstance(capture, dict) and _missing(capture.get("kms_key")):
            found = True
            where = _CAPTURE + ("kms_key",)
            yield FAIL(f"SageMaker inference experiment captures requests and responses to S3 without a "
                       f"customer-managed KMS key: `{resource.native_name(where)}` is not set", _CAPTURE)
        if not found:
            yield PASS()
