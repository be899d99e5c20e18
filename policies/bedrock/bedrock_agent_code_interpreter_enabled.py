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
    what = ("A Bedrock agent action group whose `parent_action_group_signature` / "
            "`ParentActionGroupSignature` is `AMAZON.CodeInterpreter` and whose "
            "`action_group_state` / `ActionGroupState` is not `DISABLED` (unset means ENABLED). "
            "Terraform declares it as an `aws_bedrockagent_agent_action_group` resource (the "
            "finding is on that resource); CloudFormation as an entry of `AWS::Bedrock::Agent` "
            "`ActionGroups` (the finding is on the agent, at that entry).")
    why = ("The code interpreter lets the agent write and run Python in a sandbox on whatever "
           "the conversation supplies. A prompt-injected instruction, from a user or from a "
           "document the agent retrieved, becomes executed code: it can process and reshape "
           "uploaded files and session data for exfiltration through the answer, burn compute, "
           "and give an attacker a far more capable tool than a fixed API. Enable it only for "
           "agents that need it, behind a guardrail with a PROMPT_ATTACK filter.")
    fix_terraform = """Remove the code interpreter action group, or keep it declared but disabled:

```hcl
resource "aws_bedrockagent_agent_action_group" "code_interpreter" {
  action_group_name             = "code-interpreter"
  agent_id                      = aws_bedrockagent_agent.assistant.agent_id
  agent_version                 = "DRAFT"
  parent_action_group_signature = "AMAZON.CodeInterpreter"
  action_group_state            = "DISABLED"
}
```"""
    fix_cloudformation = """Remove the code interpreter entry from `ActionGroups`, or keep it but disabled:

```yaml
Assistant:
  Type: AWS::Bedrock::Agent
  Properties:
    # ...
    ActionGroups:
      - ActionGroupName: code-interpreter
        ParentActionGroupSignature: AMAZON.CodeInterpreter
        ActionGroupState: DISABLED
```"""
    references = (
        "https://docs.aws.amazon.com/bedrock/latest/userguide/agents-code-interpretation.html",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/bedrockagent_agent_action_group",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-bedrock-agent-agentactiongroup.html",
    )

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
