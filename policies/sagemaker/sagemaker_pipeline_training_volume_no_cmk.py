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


from iaclint.documents import decode
from iaclint.instances import nvme_only
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.unknown import is_unknown

_UNRESOLVED = object()
# step type -> (path of the cluster inside Arguments, its spelling in messages)
_CLUSTERS = {
    "Training": (("ResourceConfig",), "ResourceConfig"),
    "Processing": (("ProcessingResources", "ClusterConfig"), "ProcessingResources.ClusterConfig"),
}


def _show(expr: str) -> str:
    """An expression short enough for a one-line message."""
    text = " ".join(str(expr).split())
    return text if len(text) <= 60 else text[:57] + "..."


def _written(value) -> bool:
    return is_unknown(value) or value not in (None, "", [], {})


def _parameters(definition: dict):
    """Pipeline parameter name -> DefaultValue (or _UNRESOLVED); None when unknowable."""
    params = definition.get("Parameters", [])
    if is_unknown(params):
        return None
    out = {}
    for param in params if isinstance(params, list) else []:
        if isinstance(param, dict) and isinstance(param.get("Name"), str):
            out[param["Name"]] = param.get("DefaultValue", _UNRESOLVED)
    return out


def _resolve(value, params):
    """A string instance type, or _UNRESOLVED (unknown reference or runtime expression)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and set(value) == {"Get"} and isinstance(value["Get"], str) \
            and value["Get"].startswith("Parameters.") and params is not None:
        found = params.get(value["Get"][len("Parameters."):], _UNRESOLVED)
        return found if isinstance(found, str) else _UNRESOLVED
    return _UNRESOLVED


def _steps(steps, prefix: tuple):
    """(path, step) for every step, descending into Condition steps; Unknowns included."""
    if is_unknown(steps):
        yield prefix, steps
        return
    if not isinstance(steps, list):
        return
    for i, step in enumerate(steps):
        path = prefix + (i,)
        yield path, step
        if isinstance(step, dict) and step.get("Type") == "Condition" and isinstance(step.get("Arguments"), dict):
            for branch in ("IfSteps", "ElseSteps"):
                yield from _steps(step["Arguments"].get(branch), path + ("Arguments", branch))


class SagemakerPipelineTrainingVolumeNoCmk(Policy):
    id = "IAC105"
    name = "sagemaker-pipeline-training-volume-no-cmk"
    title = "SageMaker pipeline training and processing steps encrypt their ML storage volumes with a customer-managed KMS key"
    severity = "medium"
    category = "data-protection"
    resource_types = ("aws_sagemaker_pipeline",)
    checkov_ids = ()
    what = (
        "An `aws_sagemaker_pipeline` (CloudFormation `AWS::SageMaker::Pipeline`) whose definition "
        "(`pipeline_definition`, CloudFormation `PipelineDefinition.PipelineDefinitionBody`) has a "
        "`Training` step without `Arguments.ResourceConfig.VolumeKmsKeyId` or a `Processing` step "
        "without `Arguments.ProcessingResources.ClusterConfig.VolumeKmsKeyId`, including steps inside "
        "`Condition` branches. Those jobs run with volumes under an AWS-managed key. A key given as a "
        "pipeline parameter or reference counts as set; an instance type given as a parameter resolves "
        "to its `DefaultValue`; instance types with NVMe instance storage only pass. A definition "
        "stored only in S3 (`pipeline_definition_s3_location`) cannot be checked and is reported as unknown."
    )
    why = (
        "Training and processing volumes hold the full training dataset in File mode, feature "
        "engineering intermediates, checkpoints and the model weights before upload: the most "
        "valuable data and intellectual property of the ML platform. The pipeline definition is a "
        "JSON blob that ordinary resource checks do not look into, so these jobs often escape the "
        "CMK policy applied everywhere else. Under an AWS-managed key the key policy cannot be "
        "narrowed, access cannot be revoked by disabling a key, and there is no per-key decrypt trail "
        "to investigate a stolen dataset or model."
    )
    fix_terraform = (
        "Add `VolumeKmsKeyId` to every training step's `ResourceConfig` (and to "
        "`ProcessingResources.ClusterConfig` of processing steps):\n\n"
        "```hcl\n"
        "resource \"aws_sagemaker_pipeline\" \"training\" {\n"
        "  # ...\n"
        "  pipeline_definition = jsonencode({\n"
        "    Version = \"2020-12-01\"\n"
        "    Steps = [{\n"
        "      Name = \"Train\"\n"
        "      Type = \"Training\"\n"
        "      Arguments = {\n"
        "        # ...\n"
        "        ResourceConfig = {\n"
        "          InstanceCount  = 1\n"
        "          InstanceType   = \"ml.m5.2xlarge\"\n"
        "          VolumeSizeInGB = 100\n"
        "          VolumeKmsKeyId = aws_kms_key.ml_data.arn\n"
        "        }\n"
        "      }\n"
        "    }]\n"
        "  })\n"
        "}\n"
        "```"
    )
    fix_cloudformation = (
        "Add `VolumeKmsKeyId` to every training step's `ResourceConfig` (and to "
        "`ProcessingResources.ClusterConfig` of processing steps) in `PipelineDefinitionBody`:\n\n"
        "```yaml\n"
        "TrainingPipeline:\n"
        "  Type: AWS::SageMaker::Pipeline\n"
        "  Properties:\n"
        "    # ...\n"
        "    PipelineDefinition:\n"
        "      PipelineDefinitionBody: !Sub |\n"
        "        {\"Version\": \"2020-12-01\", \"Steps\": [{\"Name\": \"Train\", \"Type\": \"Training\",\n"
        "          \"Arguments\": {\"ResourceConfig\": {\"InstanceCount\": 1, \"InstanceType\": \"ml.m5.2xlarge\",\n"
        "            \"VolumeSizeInGB\": 100, \"VolumeKmsKeyId\": \"${MlDataKey.Arn}\"}}}]}\n"
        "```"
    )
    references = (
        "https://docs.aws.amazon.com/sagemaker/latest/dg/build-and-manage-steps.html",
        "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ResourceConfig.html",
        "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProcessingClusterConfig.html",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sagemaker-pipeline.html",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sagemaker_pipeline",
    )

    def check(self, resource, ctx):
        attrs = resource.attributes
        cfn = resource.fmt == "cloudformation"
        root = ("pipeline_definition",)
        where = resource.native_name(root) if root in resource.native_paths else (
            "PipelineDefinition.PipelineDefinitionBody" if cfn else "pipeline_definition")
        raw = attrs.get("pipeline_definition")
        if not _written(raw):
            location = attrs.get("pipeline_definition_s3_location")
            if _written(location):
                name = "PipelineDefinition.PipelineDefinitionS3Location" if cfn else "pipeline_definition_s3_location"
                yield UNKNOWN(f"the pipeline definition is read from S3 (`{name}`), not from the source: "
                              f"its steps cannot be checked", ("pipeline_definition_s3_location",))
            else:
                yield PASS()
            return
        definition = decode(raw)
        if is_unknown(definition):
            yield UNKNOWN(f"`{where}` is `{_show(definition.expr)}`, unknown until deployment", root)
            return
        if not isinstance(definition, dict):
            yield UNKNOWN(f"`{where}` is not a JSON pipeline definition that can be read", root)
            return
        params = _parameters(definition)
        decided = False
        for path, step in _steps(definition.get("Steps"), root + ("Steps",)):
            if is_unknown(step):
                yield UNKNOWN(f"steps of `{where}` are `{_show(step.expr)}`, unknown until deployment", path)
                decided = True
                continue
            if not isinstance(step, dict):
                continue
            kind = step.get("Type")
            label = f"step `{step['Name']}`" if isinstance(step.get("Name"), str) else f"step {path[-1]}"
            if is_unknown(kind):
                yield UNKNOWN(f"the type of {label} is `{_show(kind.expr)}`, unknown until deployment", path)
                decided = True
                continue
            if kind not in _CLUSTERS:
                continue
            decided = True
            yield self._check_step(step, kind, label, path, params)
        if not decided:
            yield PASS()

    def _check_step(self, step, kind, label, path, params):
        cluster_keys, spelling = _CLUSTERS[kind]
        cluster_path = path + ("Arguments", *cluster_keys)
        node, name = step.get("Arguments"), "Arguments"
        for key in (*cluster_keys, None):
            if is_unknown(node):
                return UNKNOWN(f"{kind} {label}: `{name}` is `{_show(node.expr)}`, unknown until deployment",
                               cluster_path)
            if key is not None:
                node, name = (node.get(key) if isinstance(node, dict) else None), f"{name}.{key}"
        cluster = node if isinstance(node, dict) else {}
        if _written(cluster.get("VolumeKmsKeyId")):
            return PASS()
        types = [cluster.get("InstanceType")]
        groups = cluster.get("InstanceGroups")
        if is_unknown(groups):
            types.append(groups)
        elif isinstance(groups, list):
            types.extend(g.get("InstanceType") if isinstance(g, dict) else g for g in groups)
        resolved = [_resolve(t, params) for t in types if t is not None]
        if any(isinstance(t, str) and nvme_only(t) for t in resolved):
            return PASS(f"{kind} {label} runs on an instance type with NVMe instance storage only")
        if any(t is _UNRESOLVED for t in resolved):
            return UNKNOWN(f"{kind} {label} has no `{spelling}.VolumeKmsKeyId`, and its instance type (which "
                           f"decides whether AWS accepts a key) is unknown until the pipeline runs", cluster_path)
        return FAIL(f"{kind} {label} has no `{spelling}.VolumeKmsKeyId`: its ML storage volume uses an "
                    f"AWS-managed key, not a customer-managed KMS key", cluster_path)
