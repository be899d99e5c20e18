"""IAC119: what SageMaker pipeline steps write to S3 is encrypted with a customer-managed key.

A `Training` step needs `Arguments.OutputDataConfig.KmsKeyId` (the model artifacts), a
`Processing` step with outputs `Arguments.ProcessingOutputConfig.KmsKeyId`, and a `Transform`
step `Arguments.TransformOutput.KmsKeyId` (the batch predictions). Without a key the objects
get only the bucket's default encryption. A key given as a pipeline parameter or a reference
counts as set.
"""
from __future__ import annotations

from iaclint.aws import sagemaker_pipelines
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.model.unknown import is_unknown

# step type -> (the output configuration inside Arguments, what the step writes)
_OUTPUTS = {
    "Training": (("OutputDataConfig",), "the model artifacts it writes"),
    "Processing": (("ProcessingOutputConfig",), "the processed data it writes"),
    "Transform": (("TransformOutput",), "the batch predictions it writes"),
}


def _s3_outputs(config) -> bool:
    """Does a processing output configuration write to S3? (Feature Store outputs do not;
    an unknown list may.)"""
    outputs = config.get("Outputs")
    if not isinstance(outputs, list):
        return True
    return any(is_unknown(o) or not isinstance(o, dict) or "FeatureStoreOutput" not in o for o in outputs)


def _output_key(step):
    keys, written_data = _OUTPUTS[step.kind]
    config = sagemaker_pipelines.dig(step, keys)
    subject = f"{step.kind} {step.label}"
    key_name = f"{config.name}.KmsKeyId"
    if config.blocked or is_unknown(config.value):
        return UNKNOWN(f"{subject}: `{config.name}` is `{sagemaker_pipelines.show(config.value.expr)}`, unknown until "
                       f"deployment", config.path)
    if not isinstance(config.value, dict):
        if step.kind == "Processing":
            return PASS(f"{subject} has no outputs")
        config.value = {}
    if sagemaker_pipelines.written(config.value.get("KmsKeyId")):
        return PASS()
    if step.kind == "Processing" and not _s3_outputs(config.value):
        return PASS(f"{subject} writes only to Feature Store")
    return FAIL(f"{subject} has no `{key_name}`: {written_data} to S3 get only the bucket's default "
                f"encryption, not a customer-managed KMS key", config.path + ("KmsKeyId",))


class SagemakerPipelineTrainingOutputNoCmk(Policy):
    id = "IAC119"
    name = "sagemaker-pipeline-training-output-no-cmk"
    title = "SageMaker pipeline steps encrypt the model artifacts and data they write to S3 with a customer-managed KMS key"
    severity = "medium"
    category = "data-protection"
    resource_types = ("aws_sagemaker_pipeline",)
    checkov_ids = ()

    def check(self, resource, ctx):
        yield from [_output_key(step) if step else UNKNOWN(message, path)
                    for step, message, path in sagemaker_pipelines.walk(resource, _OUTPUTS)] or [PASS()]
