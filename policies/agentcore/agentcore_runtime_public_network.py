"""IAC212: a Bedrock AgentCore runtime runs in your VPC, not in PUBLIC network mode.

`network_configuration.network_mode` (`NetworkConfiguration.NetworkMode`): `PUBLIC` gives the
agent's code unrestricted internet egress outside your VPC's controls; `VPC` places it in
your subnets. The provider requires the block; CloudFormation's schema does not, but the
API does, so an unset configuration is UNKNOWN (the deployment fails or takes the handler's
choice), never a guessed FAIL.
"""
from __future__ import annotations

from iaclint.aws.settings import judge_setting
from iaclint.engine.policy import UNKNOWN, Policy

_MODE = "network_configuration.network_mode"


class AgentCoreRuntimePublicNetwork(Policy):
    id = "IAC212"
    name = "agentcore-runtime-public-network"
    title = "Bedrock AgentCore runtime runs in VPC network mode"
    severity = "high"
    category = "network-exposure"
    resource_types = ("aws_bedrockagentcore_agent_runtime",)
    checkov_ids = ()

    def check(self, resource, ctx):
        unset = UNKNOWN(f"`{resource.native_name(_MODE.split('.'))}` is not set: AWS requires a network mode, "
                        "so whether the runtime is public depends on what the deployment does without one")
        yield from judge_setting(resource, _MODE, ("PUBLIC",),
                                 "Bedrock AgentCore runtime has unrestricted internet egress outside your VPC",
                                 unset)
