"""IAC406: a Bedrock guardrail must filter the five harmful-content categories.

Python because the grammar cannot select elements of `filters_config` by `type` nor say
"each of these five types is present".
"""
from __future__ import annotations

from iaclint.aws import guardrails
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy

_BLOCK = ("content_policy_config",)
_CATEGORIES = ("HATE", "INSULTS", "SEXUAL", "VIOLENCE", "MISCONDUCT")


class BedrockGuardrailWeakContentFilters(Policy):
    id = "IAC406"
    name = "bedrock-guardrail-weak-content-filters"
    title = "Bedrock guardrail filters hate, insults, sexual content, violence and misconduct"
    severity = "medium"
    category = "model-safeguards"
    resource_types = ("aws_bedrock_guardrail",)

    def check(self, resource, ctx):
        listing = guardrails.entries(resource, _BLOCK, "filters_config")
        if listing is None:
            yield FAIL(f"Bedrock guardrail has no content filters for {', '.join(_CATEGORIES)}: "
                       f"`{resource.native_name(_BLOCK)}` is not set", _BLOCK)
            return
        by_type, unknowns = guardrails.by_type(listing)
        decided = True
        missing = [c for c in _CATEGORIES if c not in by_type]
        if missing:
            decided = False
            # An unknown filter stands for at most one category; an unknown list for any number.
            unknown_lists = [u for u in unknowns if u.many]
            unknown_items = [u for u in unknowns if not u.many]
            if unknown_lists or len(unknown_items) >= len(missing):
                first = (unknown_lists + unknown_items)[0]
                yield UNKNOWN(f"Whether the guardrail filters {', '.join(missing)} depends on `{first.value.expr}`, "
                              f"unknown until deployment ({first.value.reason})", first.path)
            else:
                listed = resource.native_name(listing.block_path + ("filters_config",))
                yield FAIL(f"Bedrock guardrail does not filter {', '.join(missing)}: `{listed}` has no filter "
                           f"of {'that type' if len(missing) == 1 else 'those types'}", listing.block_path)
        for category in _CATEGORIES:
            for fpath, item in by_type.get(category, ()):
                for side in ("input_strength", "output_strength"):
                    answer = guardrails.strength(resource, fpath, item, side, category,
                                                 missing_advice=" (use MEDIUM or HIGH)")
                    if answer.verdict is not False:
                        decided = False
                        yield (FAIL if answer.verdict else UNKNOWN)(answer.message, answer.path)
        if decided:
            yield PASS(path=listing.block_path)
