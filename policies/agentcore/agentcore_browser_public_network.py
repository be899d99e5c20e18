"""IAC213: a Bedrock AgentCore custom browser runs in your VPC, not in PUBLIC network mode.

`network_configuration.network_mode` (`NetworkConfiguration.NetworkMode`): a `PUBLIC`
browser browses the internet from AWS's network, outside your egress controls; `VPC`
places its sessions in your subnets. CloudFormation defaults the mode to `PUBLIC` inside a
written `NetworkConfiguration` (the normalizer fills it in); the provider requires it.
"""
from __future__ import annotations

from iaclint.aws.settings import judge_setting
from iaclint.engine.policy import Policy


class AgentCoreBrowserPublicNetwork(Policy):
    id = "IAC213"
    name = "agentcore-browser-public-network"
    title = "Bedrock AgentCore custom browser runs in VPC network mode"
    severity = "high"
    category = "network-exposure"
    resource_types = ("aws_bedrockagentcore_browser",)
    checkov_ids = ()

    def check(self, resource, ctx):
        yield from judge_setting(resource, "network_configuration.network_mode", ("PUBLIC",),
                                 "Bedrock AgentCore browser sessions reach the internet outside your VPC")
