"""Bedrock guardrail configuration, read the same way for every guardrail and agent policy.

A guardrail's policies are nested blocks holding lists of entries:
`content_policy_config.filters_config` (one filter per `type`: HATE, ..., PROMPT_ATTACK),
`sensitive_information_policy_config.pii_entities_config`, and an agent's
`guardrail_configuration`. They arrive in two shapes, and the policies must not care which:

- Terraform nested blocks are lists of dicts (`content_policy_config[0].filters_config[2]`),
  and a block may be written more than once;
- CloudFormation objects are dicts (`ContentPolicyConfig.FiltersConfig[2]`), lists only
  where the property is a list.

Either may be, or hold, an Unknown (a `dynamic` block, a `var.*` list, a CFN parameter):
what it stands for cannot be known statically. An Unknown in place of a whole block or list
may stand for any number of entries; one in place of an entry stands for at most one. The
policies need that difference ("an unknown filter can only stand for one missing category"),
so `Entry.many` keeps it.

- `unset` and `instances` read a nested block in both shapes;
- `entries` lists a block's entries (known ones and Unknowns) in written order, with their
  canonical paths, so a finding points at the entry the user wrote;
- `by_type` groups `filters_config` entries by their `type`, and `filters_of_type` finds
  the filters of one type or says why there is none;
- `strength` judges one `input_strength` / `output_strength`.

Nothing here decides a verdict: the policies do, from these facts (three-valued answers:
True for "the problem is present", False for "it is not", None for "cannot be known").
Only plain data and `Unknown` are used here.
"""
from __future__ import annotations

from typing import Any, Optional

from iaclint.model.records import dataclass, field
from iaclint.model.unknown import is_unknown

# Strengths that let almost everything of a category through (MEDIUM and HIGH are accepted).
WEAK_STRENGTHS = ("NONE", "LOW")


def unset(value: Any) -> bool:
    """Is a nested block absent? Unset, `null`, and an empty TF block list or CFN object all
    mean "not configured" (an Unknown does not: it may hold anything)."""
    return value is None or value == [] or value == {}


def instances(value: Any, path: tuple) -> list[tuple[tuple, Any]]:
    """(canonical path, value) of each written instance of a nested block: every element of
    a Terraform block list (path + index), or the CloudFormation object or Unknown itself
    (path unchanged). Anything else (a scalar) has no instance."""
    if isinstance(value, dict) or is_unknown(value):
        return [(path, value)]
    if isinstance(value, list):
        return [(path + (i,), item) for i, item in enumerate(value)]
    return []


@dataclass
class Entry:
    """One entry of a block's list (a filter, a PII entity): `value` is a dict, or an Unknown
    standing for one entry, or (`many`) an Unknown standing for a whole block or list."""

    path: tuple
    value: Any
    many: bool = False


@dataclass
class Entries:
    """The entries of `block.key` in written order. `block_path` is the first written
    instance of the block (where a finding about missing entries points)."""

    block_path: tuple
    entries: list[Entry] = field(default_factory=list)


def entries(resource, block: tuple, key: str) -> Optional[Entries]:
    """The entries listed under `key` in every instance of the top-level `block` of
    `resource` (e.g. `("content_policy_config",)`, `"filters_config"`); None when the block
    is `unset`. Entries that are neither dicts nor Unknowns are skipped."""
    value = resource.attributes.get(block[0])
    if unset(value):
        return None
    found = instances(value, block)
    result = Entries(found[0][0] if found else block)
    for path, instance in found:
        if is_unknown(instance):
            result.entries.append(Entry(path, instance, many=True))
            continue
        if not isinstance(instance, dict):
            continue
        listed = instance.get(key)
        if is_unknown(listed):
            result.entries.append(Entry(path + (key,), listed, many=True))
            continue
        for epath, item in instances(listed, path + (key,)):
            if is_unknown(item) or isinstance(item, dict):
                result.entries.append(Entry(epath, item))
    return result


def by_type(listing: Entries) -> tuple[dict[str, list[tuple[tuple, dict]]], list[Entry]]:
    """Filters grouped by upper-cased `type` ((path, filter) in written order), and the
    Unknowns in the way, in written order: whole lists, single filters, and filters whose
    `type` is unknown (each of those stands for one filter). A non-string type is skipped."""
    typed: dict[str, list[tuple[tuple, dict]]] = {}
    unknowns: list[Entry] = []
    for entry in listing.entries:
        if is_unknown(entry.value):
            unknowns.append(entry)
            continue
        kind = entry.value.get("type")
        if is_unknown(kind):
            unknowns.append(Entry(entry.path + ("type",), kind))
        elif isinstance(kind, str):
            typed.setdefault(kind.upper(), []).append((entry.path, entry.value))
    return typed, unknowns



@dataclass
class Missing:
    """Why a guardrail has no filter of some type: `verdict` True (it has none) or None (an
    Unknown may be one); `detail` for a message (the attribute that is unset or lacks the
    type, or the Unknown in the way); `path` to point at."""

    verdict: Optional[bool]
    detail: str
    path: tuple


def filters_of_type(resource, block: tuple, ftype: str) -> tuple[list[tuple[tuple, dict]], Optional[Missing]]:
    """The `filters_config` entries of type `ftype` in `block` ((path, filter) in written
    order) and None; or no entries and why there are none."""
    listing = entries(resource, block, "filters_config")
    if listing is None:
        return [], Missing(True, f"`{resource.native_name(block)}` is not set", block)
    typed, unknowns = by_type(listing)
    found = typed.get(ftype, [])
    if found:
        return found, None
    if unknowns:
        value = unknowns[0].value
        return [], Missing(None, f"`{value.expr}`, unknown until deployment ({value.reason})", unknowns[0].path)
    listed = resource.native_name(listing.block_path + ("filters_config",))
    return [], Missing(True, f"`{listed}` has no filter of type {ftype}", listing.block_path)

@dataclass
class Strength:
    """One side's strength of a filter: `verdict` True when missing or weak, None when
    unknown, False when MEDIUM or HIGH; `message` for a finding; `path` to point at (the
    filter when the strength is missing, else the strength)."""

    verdict: Optional[bool]
    message: str
    path: tuple


def strength(resource, fpath: tuple, item: dict, side: str, label: str, missing_advice: str = "") -> Strength:
    """Judge `item[side]` (`"input_strength"` / `"output_strength"`) of the filter at `fpath`;
    `label` names the filter in messages ("prompt attack", "HATE"); `missing_advice` is
    appended to the message for a missing strength."""
    spath = fpath + (side,)
    value = item.get(side)
    if value is None:
        return Strength(True, f"Bedrock guardrail {label} filter has no `{resource.native_name(spath)}`"
                              f"{missing_advice}", fpath)
    if is_unknown(value):
        return Strength(None, f"Bedrock guardrail {label} filter strength `{value.expr}` is unknown until "
                              f"deployment ({value.reason})", spath)
    if str(value).upper() in WEAK_STRENGTHS:
        return Strength(True, f"Bedrock guardrail {label} filter is too weak: `{resource.native_name(spath)}` "
                              f"is `{value}` (use MEDIUM or HIGH)", spath)
    return Strength(False, "", spath)
