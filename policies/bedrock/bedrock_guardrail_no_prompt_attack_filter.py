"""IAC404: a Bedrock guardrail must filter prompt attacks on input.

Python because the grammar cannot select one element of `filters_config` by its `type`.
Only the input side is checked: AWS requires `output_strength = NONE` for PROMPT_ATTACK.
"""
from __future__ import annotations

from iaclint.aws import guardrails
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy

_BLOCK = ("content_policy_config",)


class BedrockGuardrailNoPromptAttackFilter(Policy):
    id = "IAC404"
    name = "bedrock-guardrail-no-prompt-attack-filter"
    title = "Bedrock guardrail blocks prompt attacks on input"
    severity = "high"
    category = "model-safeguards"
    resource_types = ("aws_bedrock_guardrail",)

    def check(self, resource, ctx):
        listing = guardrails.entries(resource, _BLOCK, "filters_config")
        if listing is None:
            yield FAIL(f"Bedrock guardrail has no prompt attack filter: `{resource.native_name(_BLOCK)}` "
                       f"is not set", _BLOCK)
            return
        typed, unknowns = guardrails.by_type(listing)
        found = typed.get("PROMPT_ATTACK", [])
        if not found:
            if unknowns:
                path, value = unknowns[0].path, unknowns[0].value
                yield UNKNOWN(f"Whether the guardrail has a prompt attack filter depends on a value that "
                              f"`{value.expr}` is unknown until deployment ({value.reason})", path)
            else:
                listed = resource.native_name(listing.block_path + ("filters_config",))
                yield FAIL(f"Bedrock guardrail has no prompt attack filter: `{listed}` has no filter of type "
                           f"PROMPT_ATTACK", listing.block_path)
            return
        for fpath, item in found:
            answer = guardrails.strength(resource, fpath, item, "input_strength", "prompt attack")
            if answer.verdict is False:
                yield PASS(path=answer.path)
            else:
                yield (FAIL if answer.verdict else UNKNOWN)(answer.message, answer.path)
