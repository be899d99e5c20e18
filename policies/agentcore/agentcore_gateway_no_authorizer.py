"""IAC314: a Bedrock AgentCore gateway authenticates the agents that call its tools.

`authorizer_type` (`AuthorizerType`): `NONE` lets any caller that can reach the gateway
invoke every tool behind it (Lambda functions, APIs, MCP servers); `CUSTOM_JWT`, `AWS_IAM`
and `AUTHENTICATE_ONLY` authenticate callers. The setting is required in both formats.
"""
from __future__ import annotations

from iaclint.aws.settings import judge_setting
from iaclint.engine.policy import Policy


class AgentCoreGatewayNoAuthorizer(Policy):
    id = "IAC314"
    name = "agentcore-gateway-no-authorizer"
    title = "Bedrock AgentCore gateway requires authorization for inbound requests"
    severity = "critical"
    category = "identity-and-access"
    resource_types = ("aws_bedrockagentcore_gateway",)
    checkov_ids = ()

    def check(self, resource, ctx):
        yield from judge_setting(resource, "authorizer_type", ("NONE",),
                                 "Anyone who can reach this Bedrock AgentCore gateway can call every tool behind it")
