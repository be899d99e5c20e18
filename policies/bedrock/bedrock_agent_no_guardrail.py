"""IAC403: a Bedrock agent must be bound to a guardrail.

Python because "empty" matters: `guardrail_identifier = ""` is as good as no guardrail,
while an unresolved reference to a guardrail (`aws_bedrock_guardrail.g.guardrail_id`,
`!GetAtt Guardrail.GuardrailId`) counts as set.
"""
from __future__ import annotations

from iaclint.aws import guardrails
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.model.unknown import is_unknown

_BLOCK = ("guardrail_configuration",)


class BedrockAgentNoGuardrail(Policy):
    id = "IAC403"
    name = "bedrock-agent-no-guardrail"
    title = "Bedrock agent is bound to a guardrail"
    severity = "high"
    category = "model-safeguards"
    resource_types = ("aws_bedrockagent_agent",)
    checkov_ids = ("CKV_AWS_383",)

    def check(self, resource, ctx):
        block = resource.attributes.get("guardrail_configuration")
        if guardrails.unset(block):
            yield FAIL(f"Bedrock agent has no guardrail: `{resource.native_name(_BLOCK)}` is not set", _BLOCK)
            return
        bound = False
        undecided = None
        empty = None
        for path, instance in guardrails.instances(block, _BLOCK):
            if is_unknown(instance):
                undecided = undecided or (path, instance)
                continue
            if not isinstance(instance, dict):
                continue
            ident_path = path + ("guardrail_identifier",)
            ident = instance.get("guardrail_identifier")
            if is_unknown(ident):
                bound = True  # a reference to a guardrail (or an unresolved name) counts as set
            elif isinstance(ident, str) and ident.strip():
                bound = True
            elif empty is None:
                empty = ident_path
        if bound:
            yield PASS()
        elif undecided is not None:
            path, value = undecided
            yield UNKNOWN(f"Bedrock agent guardrail depends on `{value.expr}`, unknown until deployment "
                          f"({value.reason})", path)
        else:
            path = empty or _BLOCK
            yield FAIL(f"Bedrock agent has no guardrail: `{resource.native_name(path)}` is not set or empty", path)
