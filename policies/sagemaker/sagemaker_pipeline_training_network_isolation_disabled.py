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


class SagemakerPipelineTrainingNetworkIsolationDisabled(Policy):
    id = "IAC410"
    name = "sagemaker-pipeline-training-network-isolation-disabled"
    title = "SageMaker pipeline training and processing steps run their containers with network isolation"
    severity = "high"
    category = "model-safeguards"
    resource_types = ("aws_sagemaker_pipeline",)
    checkov_ids = ()

    def check(self, resource, ctx):
        yield from [_isolation(step) if step else UNKNOWN(message, path)
                    for step, message, path in sagemaker_pipelines.walk(resource, _SWITCHES)] or [PASS()]
