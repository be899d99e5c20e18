"""IAC408: a Bedrock agent with the built-in code interpreter action group enabled.

The two formats spell the action group differently (POLICY_CATALOG Appendix B.6):
Terraform declares it as its own resource, `aws_bedrockagent_agent_action_group`, linked to
the agent by `agent_id`; CloudFormation writes it inline, `AWS::Bedrock::Agent.ActionGroups[]`,
which the tables translate to `action_groups` on the canonical `aws_bedrockagent_agent`.
The policy reads both shapes: a Terraform finding is on the action group resource, a
CloudFormation finding on the agent at that entry's `ParentActionGroupSignature`.
"""
from __future__ import annotations

from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.model.unknown import is_unknown

_SIGNATURE = "AMAZON.CodeInterpreter"


class BedrockAgentCodeInterpreterEnabled(Policy):
    id = "IAC408"
    name = "bedrock-agent-code-interpreter-enabled"
    title = "Bedrock agent does not run generated code with the code interpreter"
    severity = "medium"
    category = "model-safeguards"
    resource_types = ("aws_bedrockagent_agent_action_group", "aws_bedrockagent_agent")

    def check(self, resource, ctx):
        if resource.type == "aws_bedrockagent_agent_action_group":
            yield self._group(resource, resource.attributes, ())
            return
        groups = resource.attributes.get("action_groups")
        if groups is None:
            return
        if is_unknown(groups):
            yield UNKNOWN(f"The agent's action groups are `{groups.expr}`, unknown until deployment "
                          f"({groups.reason})", ("action_groups",))
            return
        if not isinstance(groups, list):
            return
        for i, group in enumerate(groups):
            path = ("action_groups", i)
            if is_unknown(group):
                yield UNKNOWN(f"Agent action group `{group.expr}` is unknown until deployment ({group.reason})", path)
            elif isinstance(group, dict):
                yield self._group(resource, group, path)

    def _group(self, resource, group: dict, path: tuple):
        sig_path = path + ("parent_action_group_signature",)
        state_path = path + ("action_group_state",)
        signature = group.get("parent_action_group_signature")
        if is_unknown(signature):
            return UNKNOWN(f"Action group signature `{signature.expr}` is unknown until deployment "
                           f"({signature.reason})", sig_path)
        if signature != _SIGNATURE:
            return PASS(path=sig_path)
        state = group.get("action_group_state")
        if is_unknown(state):
            return UNKNOWN(f"The code interpreter action group's state `{state.expr}` is unknown until "
                           f"deployment ({state.reason})", state_path)
        if isinstance(state, str) and state.upper() == "DISABLED":
            return PASS(path=state_path)
        sig_name = resource.native_name(sig_path)
        state_name = resource.native_name(state_path)
        how = f"`{state_name}` is `{state}`" if state is not None else f"`{state_name}` is not set (AWS enables it)"
        return FAIL(f"Bedrock agent can run generated code: `{sig_name}` is `{_SIGNATURE}` and {how}", sig_path)
