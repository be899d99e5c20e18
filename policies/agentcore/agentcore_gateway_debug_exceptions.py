"""IAC418: a Bedrock AgentCore gateway does not return debugging detail to its callers.

`exception_level` (`ExceptionLevel`): `DEBUG` makes the gateway answer a failed tool call
with the underlying error (the Lambda function's ARN, the permission that was missing, the
target's validation error) instead of a generic internal error. Unset, callers get the
generic message. CloudFormation's and the AgentCore API's only value is `DEBUG`.
"""
from __future__ import annotations

from iaclint.aws.settings import judge_setting
from iaclint.engine.policy import Policy


class AgentCoreGatewayDebugExceptions(Policy):
    id = "IAC418"
    name = "agentcore-gateway-debug-exceptions"
    title = "Bedrock AgentCore gateway does not return debug error details to callers"
    severity = "low"
    category = "model-safeguards"
    resource_types = ("aws_bedrockagentcore_gateway",)
    checkov_ids = ()

    def check(self, resource, ctx):
        yield from judge_setting(resource, "exception_level", ("DEBUG",),
                                 "This Bedrock AgentCore gateway returns detailed errors of its tools "
                                 "(function ARNs, missing permissions, target configuration) to every caller",
                                 unset_is_bad=False)
