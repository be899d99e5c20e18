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


class SagemakerPipelineStepNoVpc(Policy):
    id = "IAC206"
    name = "sagemaker-pipeline-step-no-vpc"
    title = "SageMaker pipeline training and processing steps run inside a VPC"
    severity = "medium"
    category = "network-exposure"
    resource_types = ("aws_sagemaker_pipeline",)
    checkov_ids = ()

    def check(self, resource, ctx):
        yield from [_placement(step) if step else UNKNOWN(message, path)
                    for step, message, path in sagemaker_pipelines.walk(resource, _NETWORK)] or [PASS()]
