"""IAC206: training and processing steps of a SageMaker pipeline run inside your VPC.

A `Training` step needs `Arguments.VpcConfig`, a `Processing` step
`Arguments.NetworkConfig.VpcConfig`, unless the step turns network isolation on (then the
container has no network to place). Without either, the job runs in the SageMaker-managed
network, which has internet access.
"""
from __future__ import annotations

from iaclint.aws import sagemaker_pipelines
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy

# step type -> (the VPC configuration inside Arguments, the network isolation switch)
_NETWORK = {
    "Training": (("VpcConfig",), ("EnableNetworkIsolation",)),
    "Processing": (("NetworkConfig", "VpcConfig"), ("NetworkConfig", "EnableNetworkIsolation")),
}


def _placement(step):
    vpc_keys, isolation_keys = _NETWORK[step.kind]
    vpc = sagemaker_pipelines.dig(step, vpc_keys)
    subject = f"{step.kind} {step.label}"
    if vpc.blocked:
        return UNKNOWN(f"{subject}: `{vpc.name}` is `{sagemaker_pipelines.show(vpc.value.expr)}`, unknown until deployment",
                       vpc.path)
    if sagemaker_pipelines.written(vpc.value):
        return PASS()
    isolation = sagemaker_pipelines.switch(step, isolation_keys)
    if isolation.state is True:
        return PASS(f"{subject} has no VPC, but network isolation leaves its container without a network")
    if isolation.state is sagemaker_pipelines.UNRESOLVED:
        return UNKNOWN(f"{subject} has no `{vpc.name}`, and `{isolation.found.name}` is {isolation.text}",
                       vpc.path)
    return FAIL(f"{subject} has no `{vpc.name}` and network isolation is off (`{isolation.found.name}` is "
                f"{isolation.text}): the job runs in the SageMaker-managed network with internet access, outside "
                f"your VPC's egress controls", vpc.path)


# the step arguments the fix examples show (HCL, then the JSON of a CloudFormation template)
_FIX_HCL, _FIX_YAML = sagemaker_pipelines.fix_examples(
    "VpcConfig = {\n"
    "  Subnets          = var.private_subnet_ids\n"
    "  SecurityGroupIds = [aws_security_group.training.id]\n"
    "}",
    "\"VpcConfig\": {\"Subnets\": [\"${PrivateSubnetA}\", \"${PrivateSubnetB}\"],\n"
    "\"SecurityGroupIds\": [\"${TrainingSecurityGroup.GroupId}\"]}",
)


class SagemakerPipelineStepNoVpc(Policy):
    id = "IAC206"
    name = "sagemaker-pipeline-step-no-vpc"
    title = "SageMaker pipeline training and processing steps run inside a VPC"
    severity = "medium"
    category = "network-exposure"
    resource_types = ("aws_sagemaker_pipeline",)
    checkov_ids = ()
    what = (
        "An `aws_sagemaker_pipeline` (CloudFormation `AWS::SageMaker::Pipeline`) whose definition has a "
        "`Training` step without `Arguments.VpcConfig` or a `Processing` step without "
        "`Arguments.NetworkConfig.VpcConfig` (steps inside `Condition` branches count), while network "
        "isolation is off for that step. Such a job runs in the SageMaker-managed network with internet "
        "access. A step with network isolation on passes (its container has no network); an isolation "
        "switch given as a pipeline parameter resolves to its `DefaultValue`."
    )
    why = (
        "Outside your VPC a training or processing job reaches the internet and public AWS endpoints "
        "directly: no security group, network ACL, VPC endpoint policy or egress proxy stands between "
        "the dataset and an attacker-controlled host, and S3 access cannot be pinned to your buckets "
        "with a `aws:SourceVpce` condition. A compromised dependency or a malicious pre-trained model "
        "loaded by the job can exfiltrate the training data and the model it produces, and VPC Flow "
        "Logs never see the traffic."
    )
    fix_terraform = (
        "Add `VpcConfig` to training steps (`NetworkConfig.VpcConfig` to processing steps), with private "
        "subnets that reach S3 and ECR through VPC endpoints:\n\n"
        + _FIX_HCL
    )
    fix_cloudformation = (
        "Add `VpcConfig` to training steps (`NetworkConfig.VpcConfig` to processing steps) in "
        "`PipelineDefinitionBody`:\n\n"
        + _FIX_YAML
    )
    references = (
        "https://docs.aws.amazon.com/sagemaker/latest/dg/train-vpc.html",
        "https://docs.aws.amazon.com/sagemaker/latest/dg/process-vpc.html",
        "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_VpcConfig.html",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sagemaker-pipeline.html",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sagemaker_pipeline",
    )

    def check(self, resource, ctx):
        yield from [_placement(step) if step else UNKNOWN(message, path)
                    for step, message, path in sagemaker_pipelines.walk(resource, _NETWORK)] or [PASS()]
