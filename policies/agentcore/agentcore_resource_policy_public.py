"""IAC315: a Bedrock AgentCore resource policy does not open a runtime or gateway to every
AWS principal.

`aws_bedrockagentcore_resource_policy.policy` (`AWS::BedrockAgentCore::ResourcePolicy`
`Policy`) is attached to an agent runtime or gateway. An `Allow` for principal `*` (or a
`NotPrincipal`) with no condition that confines it to a network, an account or an
organization lets anyone in any AWS account invoke the agent.
"""
from __future__ import annotations

from iaclint.aws import iam
from iaclint.engine.policy import Policy

# Conditions that confine a `*` principal to your network, account or organization.
NARROWING_KEYS = (
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:SourceIp",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:SourceAccount",
    "aws:SourceArn",
)


class AgentCoreResourcePolicyPublic(Policy):
    id = "IAC315"
    name = "agentcore-resource-policy-public"
    title = "Bedrock AgentCore resource policy does not allow every AWS principal"
    severity = "critical"
    category = "identity-and-access"
    resource_types = ("aws_bedrockagentcore_resource_policy",)
    checkov_ids = ()

    def check(self, resource, ctx):
        yield from iam.check_public_resource_policy(
            resource, ctx, NARROWING_KEYS,
            "an `aws:SourceVpc`, `aws:SourceVpce`, `aws:SourceIp`, `aws:PrincipalOrgID` or `aws:PrincipalAccount`",
            "any AWS principal can invoke the agent runtime or gateway")
