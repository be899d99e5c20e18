"""IAC317: each Bedrock agent has an execution role of its own.

Agents that share `agent_resource_role_arn` (`AgentResourceRoleArn`) share every permission
the role holds: a prompt injection against the least important agent acts with the rights
of all of them. The role is resolved through the reference graph (a role resource, in any
dialect) or by a literal ARN naming a role of the same unit; agents of one Terraform root or
template are compared. An agent whose role cannot be resolved is UNKNOWN when other agents
exist beside it.
"""
from __future__ import annotations

from itertools import islice

from iaclint.aws import iam
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.model.unknown import is_unknown

AGENT = "aws_bedrockagent_agent"
_ROLE = ("agent_resource_role_arn",)
_SHOWN = 3


def _role_key(agent, ctx):
    """(key, label) of the role an agent runs as; key None when it cannot be told."""
    return ctx.remembered("bedrock-agent-role", agent, lambda: _find_role(agent, ctx))


def _find_role(agent, ctx):
    found = iam.role_of_reference(agent, _ROLE, ctx)
    if not found:
        return None, ""
    _, role, _ = found[0]
    if role is not None:
        return ("role", id(role)), f"`{role.address}`"
    value = agent.attributes.get("agent_resource_role_arn")
    if isinstance(value, str) and not is_unknown(value):
        return ("arn", value.strip().lower()), f"`{value.strip()}`"
    return None, ""


def _by_role(agents, ctx) -> dict:
    """The agents of a unit by the key of their role, worked out once per unit (comparing
    each agent with every other one is quadratic in a module of thousands)."""
    out: dict = {}
    for agent in agents:
        out.setdefault(_role_key(agent, ctx)[0], []).append(agent)
    # each group sorted by address, with its members' ids: what every agent of the group
    # reports is read from it without sorting the group again (all agents may share one role)
    return {key: (sorted(group, key=lambda a: a.address), {id(a) for a in group}) for key, group in out.items()}


class BedrockAgentRoleShared(Policy):
    id = "IAC317"
    name = "bedrock-agent-role-shared"
    title = "Each Bedrock agent has its own execution role"
    severity = "medium"
    category = "identity-and-access"
    resource_types = (AGENT,)
    checkov_ids = ()

    def check(self, resource, ctx):
        agents = ctx.project.unit_resources(resource.unit, AGENT)
        others = any(a is not resource for a in agents)  # stops at the first: not a copy per agent
        if resource.attributes.get("agent_resource_role_arn") is None or not others:
            yield PASS()
            return
        key, label = _role_key(resource, ctx)
        if key is None:
            value = resource.attributes.get("agent_resource_role_arn")
            yield UNKNOWN(f"Cannot tell whether this agent shares its execution role with another agent: "
                          f"`{resource.native_name(_ROLE)}` is `{getattr(value, 'expr', value)}`", _ROLE)
            return
        by_role = ctx.remembered("bedrock-agent-roles-of-unit", agents[0], lambda: _by_role(agents, ctx))
        group, members = by_role.get(key, ((), set()))
        sharing = len(group) - (id(resource) in members)
        if not sharing:
            yield PASS()
            return
        first = [a.address for a in islice((a for a in group if a is not resource), _SHOWN)]
        shown = ", ".join(f"`{a}`" for a in first)
        more = f" and {sharing - _SHOWN} more" if sharing > _SHOWN else ""
        yield FAIL(f"Bedrock agent shares its execution role {label} with {shown}{more}: a compromised agent acts "
                   f"with the permissions every one of them needs", _ROLE)
