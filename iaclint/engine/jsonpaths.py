"""JSONPath for the `jsonpath_*` operators, with the library Checkov uses (bc-jsonpath-ng).

Checkov runs a JSONPath over its flattened view of a resource, where a Terraform block
written once is a mapping, not a list of one; `checkov_view` gives iaclint's canonical
attributes that shape, and `original_path` maps a match back to the canonical path (for
the finding's line). `rename_fields` translates a JSONPath written in CloudFormation names
(`iaclint.engine.vocabulary`). Imported only when a policy uses a `jsonpath_` operator.
"""
from __future__ import annotations

import json
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


class Untranslatable(ValueError):
    """A JSONPath whose field names cannot be renamed: the message names the construct."""


def rename_fields(expression: str, rename) -> str:
    """`expression` with every field name replaced by `rename(context, name)`, where
    `context` is the tuple of field names leading to it from the resource (None below a
    `..`, where any path may lead). Filters (`[?(@.Effect == "Allow")]`) are renamed in
    the context of what they filter. Supported: `$`, `@`, fields, indexes, slices, `..`,
    and filters of comparisons joined by `&`; anything else is `Untranslatable`."""
    tree = compile_path(expression)
    renamed, _ = _rename(tree, (), rename)
    text = _print(renamed)
    if repr(compile_path(text)) != repr(renamed):
        raise Untranslatable(f"`{expression}` cannot be translated ({text!r} does not read back the same)")
    return text


def _rename(node, context, rename):
    """(renamed node, the context after it)."""
    from bc_jsonpath_ng.ext.filter import Expression, Filter
    from bc_jsonpath_ng.jsonpath import Child, Descendants, Fields, Index, Root, Slice, This

    if isinstance(node, (Root, This)):
        return node, context
    if isinstance(node, Fields):
        names = tuple(f if f == "*" else rename(context, f) for f in node.fields)
        after = context + node.fields if context is not None and len(node.fields) == 1 and node.fields[0] != "*" else None
        return Fields(*names), after
    if isinstance(node, (Index, Slice)):
        return node, context
    if isinstance(node, (Child, Descendants)):
        left, inner = _rename(node.left, context, rename)
        right, after = _rename(node.right, inner if isinstance(node, Child) else None, rename)
        return type(node)(left, right), after
    if isinstance(node, Filter) and all(isinstance(e, Expression) for e in node.expressions):
        return Filter([Expression(_rename(e.target, context, rename)[0], e.op, e.value)
                       for e in node.expressions]), context
    raise Untranslatable(f"its `{type(node).__name__}` step cannot be translated (write the condition in Terraform names)")


def _print(node) -> str:
    from bc_jsonpath_ng.ext.filter import Filter
    from bc_jsonpath_ng.jsonpath import Child, Descendants, Fields, Index, Root, Slice, This

    if isinstance(node, Root):
        return "$"
    if isinstance(node, This):
        return "@"
    if isinstance(node, Fields):
        return ",".join(f if f == "*" or f.isidentifier() else repr(f) for f in node.fields)
    if isinstance(node, Index):
        return f"[{node.index}]"
    if isinstance(node, Slice):
        parts = ["" if v is None else str(v) for v in (node.start, node.end, node.step)]
        return "[*]" if parts == ["", "", ""] else "[" + ":".join(parts).rstrip(":") + "]"
    if isinstance(node, Filter):
        return "[?(" + " & ".join(_print(e.target) if e.op is None else f"{_print(e.target)} {e.op} {_value(e.value)}"
                                  for e in node.expressions) + ")]"
    if isinstance(node, Descendants):
        return f"{_print(node.left)}..{_print(node.right)}"
    if isinstance(node, Child):
        right = _print(node.right)
        return _print(node.left) + (right if right.startswith("[") else "." + right)
    raise Untranslatable(f"its `{type(node).__name__}` step cannot be written back")


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    return repr(value)
