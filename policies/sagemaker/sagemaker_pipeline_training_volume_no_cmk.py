"""IAC105: training and processing steps of a SageMaker pipeline encrypt their volumes with a CMK.

The pipeline definition is a JSON document (`pipeline_definition`; CloudFormation
`PipelineDefinition.PipelineDefinitionBody`). Every `Training` step needs
`Arguments.ResourceConfig.VolumeKmsKeyId` and every `Processing` step
`Arguments.ProcessingResources.ClusterConfig.VolumeKmsKeyId`; steps nested in a `Condition`
step's `IfSteps`/`ElseSteps` count too. A pipeline parameter (`{"Get": "Parameters.X"}`) as the
key counts as set; as the instance type it resolves to the parameter's `DefaultValue`.
Instance types with NVMe instance storage only pass (AWS rejects a volume key there).
"""
from __future__ import annotations

from iaclint.aws import sagemaker_pipelines
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.model.unknown import is_unknown

# step type -> (path of the cluster inside Arguments, its spelling in messages)
_CLUSTERS = {
    "Training": (("ResourceConfig",), "ResourceConfig"),
    "Processing": (("ProcessingResources", "ClusterConfig"), "ProcessingResources.ClusterConfig"),
}


class SagemakerPipelineTrainingVolumeNoCmk(Policy):
    id = "IAC105"
    name = "sagemaker-pipeline-training-volume-no-cmk"
    title = "SageMaker pipeline training and processing steps encrypt their ML storage volumes with a customer-managed KMS key"
    severity = "medium"
    category = "data-protection"
    resource_types = ("aws_sagemaker_pipeline",)
    checkov_ids = ()

    def check(self, resource, ctx):
        results = [UNKNOWN(message, path) if step is None else self._check_step(step)
                   for step, message, path in sagemaker_pipelines.walk(resource, _CLUSTERS)]
        yield from results or [PASS()]

    def _check_step(self, step):
        cluster_keys, spelling = _CLUSTERS[step.kind]
        kind, label = step.kind, step.label
        found = sagemaker_pipelines.dig(step, cluster_keys)
        cluster_path = step.path + ("Arguments", *cluster_keys)
        if is_unknown(found.value):
            return UNKNOWN(f"{kind} {label}: `{found.name}` is `{sagemaker_pipelines.show(found.value.expr)}`, unknown "
                           f"until deployment", cluster_path)
        cluster = found.value if isinstance(found.value, dict) else {}
        if sagemaker_pipelines.written(cluster.get("VolumeKmsKeyId")):
            return PASS()
        nvme, unresolved = sagemaker_pipelines.nvme_only_types(cluster, step.params)
        if nvme:
            return PASS(f"{kind} {label} runs on an instance type with NVMe instance storage only")
        if unresolved:
            return UNKNOWN(f"{kind} {label} has no `{spelling}.VolumeKmsKeyId`, and its instance type (which "
                           f"decides whether AWS accepts a key) is unknown until the pipeline runs", cluster_path)
        return FAIL(f"{kind} {label} has no `{spelling}.VolumeKmsKeyId`: its ML storage volume uses an "
                    f"AWS-managed key, not a customer-managed KMS key", cluster_path)
