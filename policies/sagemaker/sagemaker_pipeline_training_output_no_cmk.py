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


# the step arguments the fix examples show (HCL, then the JSON of a CloudFormation template)
_FIX_HCL, _FIX_YAML = sagemaker_pipelines.fix_examples(
    "OutputDataConfig = {\n"
    "  S3OutputPath = \"s3://${aws_s3_bucket.models.bucket}/churn/\"\n"
    "  KmsKeyId     = aws_kms_key.ml_data.arn\n"
    "}",
    "\"OutputDataConfig\": {\"S3OutputPath\": \"s3://${ModelBucket}/churn/\",\n"
    "\"KmsKeyId\": \"${MlDataKey.Arn}\"}",
)


class SagemakerPipelineTrainingOutputNoCmk(Policy):
    id = "IAC119"
    name = "sagemaker-pipeline-training-output-no-cmk"
    title = "SageMaker pipeline steps encrypt the model artifacts and data they write to S3 with a customer-managed KMS key"
    severity = "medium"
    category = "data-protection"
    resource_types = ("aws_sagemaker_pipeline",)
    checkov_ids = ()
    what = (
        "An `aws_sagemaker_pipeline` (CloudFormation `AWS::SageMaker::Pipeline`) whose definition has a "
        "`Training` step without `Arguments.OutputDataConfig.KmsKeyId`, a `Processing` step whose "
        "`Arguments.ProcessingOutputConfig` (S3 outputs) has no `KmsKeyId`, or a `Transform` step without "
        "`Arguments.TransformOutput.KmsKeyId`, including steps inside `Condition` branches. Their output "
        "objects then get only the bucket's default encryption (SSE-S3 unless the bucket says otherwise). "
        "A key given as a pipeline parameter or a reference counts as set; a definition kept in S3 is "
        "reported as unknown."
    )
    why = (
        "The `model.tar.gz` a training step uploads is the trained model: weights that embody the "
        "training data (and can leak it through inversion or membership inference) and the intellectual "
        "property the pipeline exists to produce. Processing outputs are the cleaned, labelled training "
        "set; transform outputs are predictions about real customers. Under SSE-S3 anyone with "
        "`s3:GetObject` on the prefix reads them; a customer-managed key adds a key policy you control, "
        "the ability to revoke access by disabling the key, and a CloudTrail record of every decrypt."
    )
    fix_terraform = (
        "Set `KmsKeyId` in the step's output configuration (`OutputDataConfig`, `ProcessingOutputConfig` "
        "or `TransformOutput`):\n\n"
        + _FIX_HCL
    )
    fix_cloudformation = (
        "Set `KmsKeyId` in the step's output configuration in `PipelineDefinitionBody`:\n\n"
        + _FIX_YAML
    )
    references = (
        "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_OutputDataConfig.html",
        "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProcessingOutputConfig.html",
        "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_TransformOutput.html",
        "https://docs.aws.amazon.com/sagemaker/latest/dg/build-and-manage-steps.html",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sagemaker_pipeline",
    )

    def check(self, resource, ctx):
        yield from [_output_key(step) if step else UNKNOWN(message, path)
                    for step, message, path in sagemaker_pipelines.walk(resource, _OUTPUTS)] or [PASS()]
