"""IAC104: SageMaker model-monitoring jobs encrypt their scratch volume with a CMK.

The cluster of a monitoring job definition (data quality, model quality, bias,
explainability) or of a monitoring schedule's inline job definition needs a
`volume_kms_key_id` (`VolumeKmsKeyId`); without it the processing volume uses an
AWS-managed key. The finding points at the written cluster block.
"""
from __future__ import annotations

from iaclint.aws.instances import nvme_only
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.model import paths
from iaclint.model.unknown import is_unknown

_JOB_DEFINITION_CLUSTER = ("job_resources", "cluster_config")
_SCHEDULE_CLUSTER = ("monitoring_schedule_config", "monitoring_job_definition", "monitoring_resources",
                     "cluster_config")
_CLUSTERS = {
    "aws_sagemaker_data_quality_job_definition": _JOB_DEFINITION_CLUSTER,
    "aws_sagemaker_model_quality_job_definition": _JOB_DEFINITION_CLUSTER,
    "aws_sagemaker_model_bias_job_definition": _JOB_DEFINITION_CLUSTER,
    "aws_sagemaker_model_explainability_job_definition": _JOB_DEFINITION_CLUSTER,
    "aws_sagemaker_monitoring_schedule": _SCHEDULE_CLUSTER,
}



def _written(value) -> bool:
    return is_unknown(value) or value not in (None, "", [], {})


def _blocks(hits):
    """(path, value, complete) per block: a Terraform block list is expanded into its items."""
    for path, value, complete in hits:
        if complete and isinstance(value, list):
            for i, item in enumerate(value):
                yield tuple(path) + (i,), item, True
        else:
            yield tuple(path), value, complete


class SagemakerMonitoringVolumeNoCmk(Policy):
    id = "IAC104"
    name = "sagemaker-monitoring-volume-no-cmk"
    title = "SageMaker model-monitoring job encrypts its ML storage volume with a customer-managed KMS key"
    severity = "medium"
    category = "data-protection"
    resource_types = tuple(sorted(_CLUSTERS))
    checkov_ids = ("CKV_AWS_368",)

    def check(self, resource, ctx):
        cluster_path = _CLUSTERS[resource.type]
        hits = paths.find_detailed(resource.attributes, cluster_path)
        if not hits:
            # A schedule that names a separate job definition has no cluster of its own.
            yield PASS()
            return
        for path, cluster, complete in _blocks(hits):
            if not complete or is_unknown(cluster):
                yield UNKNOWN(f"`{resource.native_name(path)}` is unknown until deployment", path)
                continue
            if not isinstance(cluster, dict):
                continue
            if _written(cluster.get("volume_kms_key_id")):
                yield PASS()
                continue
            key_path = tuple(path) + ("volume_kms_key_id",)
            key = resource.native_name(key_path)
            instance_type = cluster.get("instance_type")
            if isinstance(instance_type, str) and nvme_only(instance_type):
                yield PASS(f"`{instance_type}` has NVMe instance storage only: AWS rejects a volume key")
                continue
            if is_unknown(instance_type):
                yield UNKNOWN(f"`{key}` is not set, and the instance type `{instance_type.expr}` "
                              f"(which decides whether AWS accepts a key) is unknown until deployment",
                              key_path)
                continue
            yield FAIL(f"`{key}` is not set: the monitoring job's ML storage volume uses an "
                       f"AWS-managed key, not a customer-managed KMS key", key_path)
