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
        found, missing = guardrails.filters_of_type(resource, _BLOCK, "PROMPT_ATTACK")
        if missing is not None:
            if missing.verdict:
                yield FAIL(f"Bedrock guardrail has no prompt attack filter: {missing.detail}", missing.path)
            else:
                yield UNKNOWN(f"Whether the guardrail has a prompt attack filter depends on {missing.detail}",
                              missing.path)
            return
        for fpath, item in found:
            answer = guardrails.strength(resource, fpath, item, "input_strength", "prompt attack")
            if answer.verdict is False:
                yield PASS(path=answer.path)
            else:
                yield (FAIL if answer.verdict else UNKNOWN)(answer.message, answer.path)
