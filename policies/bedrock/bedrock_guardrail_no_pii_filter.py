"""IAC407: a Bedrock guardrail must block or mask at least one PII entity type.

Python because "every entity has action NONE" is a condition over all elements of a list,
and an entity's per-direction overrides (`input_action`, `output_action`, `*_enabled`)
decide whether its `action` applies at all.
"""
from __future__ import annotations

from iaclint.aws import guardrails
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.model.unknown import is_unknown

_BLOCK = ("sensitive_information_policy_config",)


def _side_active(entity: dict, side: str):
    """True/False/None (unknown): does the entity act (BLOCK/ANONYMIZE) on `side`?"""
    enabled = entity.get(f"{side}_enabled", True)
    if is_unknown(enabled):
        return None
    if enabled is False or str(enabled).lower() == "false":
        return False
    action = entity.get(f"{side}_action")
    if action is None:
        action = entity.get("action")
    if is_unknown(action):
        return None
    return action is not None and str(action).upper() != "NONE"


def _active(entity: dict):
    sides = [_side_active(entity, "input"), _side_active(entity, "output")]
    if True in sides:
        return True
    return None if None in sides else False


class BedrockGuardrailNoPiiFilter(Policy):
    id = "IAC407"
    name = "bedrock-guardrail-no-pii-filter"
    title = "Bedrock guardrail blocks or masks personal data"
    severity = "high"
    category = "model-safeguards"
    resource_types = ("aws_bedrock_guardrail",)

    def check(self, resource, ctx):
        listing = guardrails.entries(resource, _BLOCK, "pii_entities_config")
        if listing is None:
            yield FAIL(f"Bedrock guardrail has no PII filter: `{resource.native_name(_BLOCK)}` is not set", _BLOCK)
            return
        undecided = None
        entities = 0
        for entry in listing.entries:
            if is_unknown(entry.value):
                undecided = undecided or (entry.path, entry.value)
                continue
            entities += 1
            active = _active(entry.value)
            if active:
                yield PASS(path=entry.path)
                return
            if active is None and undecided is None:
                key, value = next((k, v) for k, v in entry.value.items() if is_unknown(v))
                undecided = (entry.path + (key,), value)
        if undecided is not None:
            path, value = undecided
            yield UNKNOWN(f"Whether the guardrail filters PII depends on `{value.expr}`, unknown until "
                          f"deployment ({value.reason})", path)
            return
        name = resource.native_name(listing.block_path + ("pii_entities_config",))
        if entities == 0:
            yield FAIL(f"Bedrock guardrail has no PII filter: `{name}` lists no PII entity types", listing.block_path)
        else:
            yield FAIL(f"Bedrock guardrail has no PII filter: every `{name}` entry has action NONE "
                       f"or is disabled", listing.block_path)
