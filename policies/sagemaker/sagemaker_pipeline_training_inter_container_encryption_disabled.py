"""IAC135: distributed training and processing steps of a SageMaker pipeline encrypt the
traffic between their instances.

A `Training` step on more than one instance needs
`Arguments.EnableInterContainerTrafficEncryption: true`, a `Processing` step on more than one
instance `Arguments.NetworkConfig.EnableInterContainerTrafficEncryption: true` (the API
default is `false`). A single-instance job has no inter-container traffic and passes. The
instance count is `ResourceConfig.InstanceCount` (or the sum over `InstanceGroups`) and
`ProcessingResources.ClusterConfig.InstanceCount`; pipeline parameters resolve to their
`DefaultValue`.
"""
from __future__ import annotations

from iaclint.aws import sagemaker_pipelines
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy

# step type -> (the switch inside Arguments, the cluster inside Arguments)
_STEPS = {
    "Training": (("EnableInterContainerTrafficEncryption",), ("ResourceConfig",)),
    "Processing": (("NetworkConfig", "EnableInterContainerTrafficEncryption"),
                   ("ProcessingResources", "ClusterConfig")),
}


def _encryption(step):
    switch_keys, cluster_keys = _STEPS[step.kind]
    encryption = sagemaker_pipelines.switch(step, switch_keys)
    subject = f"{step.kind} {step.label}"
    if encryption.state is True:
        return PASS()
    cluster = sagemaker_pipelines.dig(step, cluster_keys)
    count = sagemaker_pipelines.UNRESOLVED if cluster.blocked else sagemaker_pipelines.instance_count(cluster.value, step.params)
    if count is not sagemaker_pipelines.UNRESOLVED and count <= 1:
        return PASS(f"{subject} runs on a single instance: there is no inter-container traffic")
    if count is sagemaker_pipelines.UNRESOLVED:
        return UNKNOWN(f"{subject}: `{encryption.found.name}` is {encryption.text}, and how many instances "
                       f"`{cluster.name}` runs is known only when the pipeline runs", encryption.found.path)
    if encryption.state is sagemaker_pipelines.UNRESOLVED:
        return UNKNOWN(f"{subject} runs {count} instances and `{encryption.found.name}` is {encryption.text}",
                       encryption.found.path)
    return FAIL(f"{subject} runs {count} instances without inter-container traffic encryption "
                f"(`{encryption.found.name}` is {encryption.text}): gradients and training data cross the "
                f"network between them in plaintext", encryption.found.path)


class SagemakerPipelineTrainingInterContainerEncryptionDisabled(Policy):
    id = "IAC135"
    name = "sagemaker-pipeline-training-inter-container-encryption-disabled"
    title = "Distributed SageMaker pipeline training and processing steps encrypt inter-container traffic"
    severity = "medium"
    category = "data-protection"
    resource_types = ("aws_sagemaker_pipeline",)
    checkov_ids = ()

    def check(self, resource, ctx):
        yield from [_encryption(step) if step else UNKNOWN(message, path)
                    for step, message, path in sagemaker_pipelines.walk(resource, _STEPS)] or [PASS()]
