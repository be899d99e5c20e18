"""JSONPath for the `jsonpath_*` operators, with the library Checkov uses (bc-jsonpath-ng).

Checkov runs a JSONPath over its flattened view of a resource, where a Terraform block
written once is a mapping, not a list of one; `checkov_view` gives iaclint's canonical
attributes that shape, and `original_path` maps a match back to the canonical path (for
the finding's line). Imported only when a policy uses a `jsonpath_` operator.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=512)
def compile_path(expression: str):
    from bc_jsonpath_ng.ext import parse

    return parse(expression)


def matches(root: Any, expression: str) -> list[tuple[tuple, Any]] | None:
    """(path, value) of every match of `expression` in `root`, in document order; None when
    the library fails on this data (`[0]` on a mapping), where Checkov gives no verdict."""
    try:
        found = compile_path(expression).find(root)
    except Exception:  # noqa: BLE001 - the library raises KeyError, TypeError, ... on odd data
        return None
    return [(_path_of(match), match.value) for match in found]


def _path_of(match) -> tuple:
    from bc_jsonpath_ng.jsonpath import Fields, Index

    parts: list = []
    while match is not None and getattr(match, "context", None) is not None:
        step = match.path
        if isinstance(step, Fields) and len(step.fields) == 1:
            parts.append(step.fields[0])
        elif isinstance(step, Index):
            parts.append(step.index)
        match = match.context
    return tuple(reversed(parts))


def checkov_view(value: Any) -> Any:
    """A Terraform value as Checkov holds it: a list of exactly one mapping (a nested
    block written once) is that mapping."""
    if isinstance(value, list):
        if len(value) == 1 and isinstance(value[0], dict):
            return checkov_view(value[0])
        return [checkov_view(v) for v in value]
    if isinstance(value, dict):
        return {k: checkov_view(v) for k, v in value.items()}
    return value


def original_path(original: Any, path: tuple) -> tuple:
    """A path found in `checkov_view(original)` as a path in `original` (the indexes of
    collapsed blocks put back); a mapping reached through a `[0]` of the view keeps it."""
    out: list = []
    node = original
    for part in path:
        while isinstance(node, list) and len(node) == 1 and isinstance(node[0], dict) and not isinstance(part, int):
            out.append(0)
            node = node[0]
        if isinstance(node, list) and len(node) == 1 and isinstance(node[0], dict) and part == 0:
            out.append(0)
            node = node[0]
            continue
        out.append(part)
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
    return tuple(out)
