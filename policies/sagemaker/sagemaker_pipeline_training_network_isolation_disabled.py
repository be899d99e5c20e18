"""IAC410: training and processing steps of a SageMaker pipeline run their containers with
network isolation.

A `Training` step needs `Arguments.EnableNetworkIsolation: true`, a `Processing` step
`Arguments.NetworkConfig.EnableNetworkIsolation: true` (steps inside `Condition` branches
count). The API default is `false`. A pipeline parameter resolves to its `DefaultValue`; a
parameter without one, or a property of another step, is known only when the pipeline runs.
"""
from __future__ import annotations

from iaclint.aws import sagemaker_pipelines
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy

# step type -> where the switch sits inside Arguments
_SWITCHES = {
    "Training": ("EnableNetworkIsolation",),
    "Processing": ("NetworkConfig", "EnableNetworkIsolation"),
}


def _isolation(step):
    isolation = sagemaker_pipelines.switch(step, _SWITCHES[step.kind])
    subject = f"{step.kind} {step.label}"
    if isolation.state is True:
        return PASS()
    if isolation.state is sagemaker_pipelines.UNRESOLVED:
        return UNKNOWN(f"{subject}: `{isolation.found.name}` is {isolation.text}", isolation.found.path)
    return FAIL(f"{subject} runs with network isolation off (`{isolation.found.name}` is {isolation.text}): "
                f"its container can send the training data, the model or the role's credentials to "
                f"any host", isolation.found.path)


# the step arguments the fix examples show (HCL, then the JSON of a CloudFormation template)
_FIX_HCL, _FIX_YAML = sagemaker_pipelines.fix_examples(
    "EnableNetworkIsolation = true",
    "\"EnableNetworkIsolation\": true, \"RoleArn\": \"${TrainingRole.Arn}\"",
)


class SagemakerPipelineTrainingNetworkIsolationDisabled(Policy):
    id = "IAC410"
    name = "sagemaker-pipeline-training-network-isolation-disabled"
    title = "SageMaker pipeline training and processing steps run their containers with network isolation"
    severity = "high"
    category = "model-safeguards"
    resource_types = ("aws_sagemaker_pipeline",)
    checkov_ids = ()
    what = (
        "An `aws_sagemaker_pipeline` (CloudFormation `AWS::SageMaker::Pipeline`) whose definition "
        "(`pipeline_definition`, CloudFormation `PipelineDefinition.PipelineDefinitionBody`) has a "
        "`Training` step without `Arguments.EnableNetworkIsolation: true` or a `Processing` step without "
        "`Arguments.NetworkConfig.EnableNetworkIsolation: true`, including steps inside `Condition` "
        "branches. The API default is `false`: the container can open any outbound connection. A "
        "`{\"Get\": \"Parameters.X\"}` value resolves to the parameter's `DefaultValue`; a parameter "
        "without a default, or a definition kept in S3, is reported as unknown."
    )
    why = (
        "A training or processing container runs the full training dataset through code that is "
        "rarely all yours: a framework image, pip packages resolved at build time, a pre-trained model "
        "from a public hub whose pickle or `trust_remote_code` runs on load. Without network isolation "
        "that code can upload the dataset, the resulting weights or the execution role's temporary "
        "credentials to any host on the internet, or pull a second-stage payload to poison the model. "
        "With isolation on, the container has no network at all; SageMaker still stages the input "
        "channels and uploads the model artifacts for it. Pipelines hide these jobs inside a JSON "
        "document that resource-level checks do not read."
    )
    fix_terraform = (
        "Set `EnableNetworkIsolation = true` on every training step (and "
        "`NetworkConfig.EnableNetworkIsolation = true` on processing steps):\n\n"
        + _FIX_HCL
        + "\n\n"
        "With the SageMaker Python SDK, pass `enable_network_isolation=True` to the estimator and "
        "`network_config=NetworkConfig(enable_network_isolation=True)` to the processor."
    )
    fix_cloudformation = (
        "Set `EnableNetworkIsolation: true` in every training step's arguments (and "
        "`NetworkConfig.EnableNetworkIsolation: true` in processing steps) of `PipelineDefinitionBody`:\n\n"
        + _FIX_YAML
    )
    references = (
        "https://docs.aws.amazon.com/sagemaker/latest/dg/mkt-algo-model-internet-free.html",
        "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html",
        "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_NetworkConfig.html",
        "https://docs.aws.amazon.com/sagemaker/latest/dg/build-and-manage-steps.html",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sagemaker-pipeline.html",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sagemaker_pipeline",
    )

    def check(self, resource, ctx):
        yield from [_isolation(step) if step else UNKNOWN(message, path)
                    for step, message, path in sagemaker_pipelines.walk(resource, _SWITCHES)] or [PASS()]
