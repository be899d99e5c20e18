"""Plain-data rules of CloudFormation's intrinsic functions, shared by the evaluator and
its conditions: what a value can be when it is one of several alternatives (`possible`,
`combinations`, for `Fn::FindInMap`), how `Fn::Equals`, `Fn::Sub` and `Ref` turn values
into text and numbers, and the text of an expression for messages. Partially known strings,
choices and the identity of unknowns are the value domain's (`iaclint.model.symbolic`)."""
from __future__ import annotations

import json
from typing import Any

from iaclint.model.unknown import ABSENT, Unknown, contains_unknown

MAX_DEPTH = 160  # nesting of intrinsic functions (and of conditions) the evaluator follows
MAX_COMBINATIONS = 64  # alternatives tried together by Fn::Equals / Fn::FindInMap


def possible(value: Any) -> list | None:
    """Every value `value` can take, when it is plain data or a conditional over plain data."""
    if isinstance(value, Unknown):
        if value.alternatives is None:
            return None
        out: list = []
        for alternative in value.alternatives:
            inner = possible(alternative)
            if inner is None:
                return None
            out.extend(inner)
        return out
    if value is ABSENT or contains_unknown(value):
        return None
    return [value]


def combinations(values: list) -> list | None:
    """The cartesian product of the values' possibilities, when small enough."""
    combos: list = [[]]
    for value in values:
        options = possible(value)
        if options is None:
            return None
        combos = [c + [o] for c in combos for o in options]
        if len(combos) > MAX_COMBINATIONS:
            return None
    return combos


def unknowns_in(values: list):
    for v in values:
        if isinstance(v, Unknown):
            yield v
        elif isinstance(v, (list, dict)):
            yield from unknowns_in(list(v.values()) if isinstance(v, dict) else v)


def expr_text(name: str, arg: Any, limit: int = 200) -> str:
    """`Fn::Join ["",[...` for messages: the argument as compact JSON, cut after `limit`
    characters. Written piece by piece: an argument that YAML aliases repeat 100,000 times
    over a long string is never written out whole."""
    pieces: list = []
    length = 0
    stack: list = [arg]
    while stack and length <= limit:
        item = stack.pop()
        if isinstance(item, _Text):
            piece = item
        elif isinstance(item, dict):
            stack.append(_Text("}"))
            for i, (key, value) in enumerate(reversed(list(item.items())[:limit])):
                stack.extend((value, _Text(_json_piece(key, limit) + ":")))
                if i < min(len(item), limit) - 1:
                    stack.append(_Text(","))
            piece = "{"
        elif isinstance(item, list):
            stack.append(_Text("]"))
            shown = item[:limit]
            for i, value in enumerate(reversed(shown)):
                stack.append(value)
                if i < len(shown) - 1:
                    stack.append(_Text(","))
            piece = "["
        else:
            piece = _json_piece(item, limit)
        pieces.append(piece)
        length += len(piece)
    text = "".join(pieces)
    if length > limit or stack:
        text = text[:limit] + "..."
    return f"{name} {text}"


class _Text(str):
    """Punctuation already written as JSON (`expr_text`)."""


def _json_piece(value: Any, limit: int) -> str:
    if isinstance(value, str):
        return json.dumps(value[:limit])
    if isinstance(value, (bool, int, float)) or value is None:
        return json.dumps(value)
    return json.dumps(str(value)[:limit])


def as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value)


def as_number(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = as_text(value).strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def convert_parameter(raw: Any, ptype: str) -> Any:
    """A parameter value (default or override) as `Ref` gives it, by parameter type."""
    if ptype == "Number":
        return as_number(raw)
    if ptype == "CommaDelimitedList" or ptype.startswith("List<"):
        if isinstance(raw, list):
            items = [as_text(x) for x in raw]
        else:
            text = as_text(raw)
            items = [s.strip() for s in text.split(",")] if text else []
        if ptype == "List<Number>":
            items = [as_number(x) for x in items]
        return items
    return as_text(raw) if not isinstance(raw, list) else ",".join(as_text(x) for x in raw)


def allowed_values(values: Any, ptype: str) -> tuple | None:
    """`AllowedValues` of a scalar parameter without a default: what it can be."""
    if not isinstance(values, list) or not values or ptype not in ("String", "Number"):
        return None
    if any(isinstance(v, (dict, list)) or v is None for v in values):
        return None
    out: list = []
    for v in values:
        converted = convert_parameter(v, ptype)
        if converted not in out:
            out.append(converted)
    return tuple(out)


def sub_text(value: Any):
    """A value as Fn::Sub/Fn::Join insert it, or None when it is not a scalar."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, int, float)):
        return as_text(value)
    return None


def equals_form(value: Any) -> Any:
    """Fn::Equals compares strings: true == "true", 1 == "1"."""
    if isinstance(value, list):
        return [equals_form(x) for x in value]
    if isinstance(value, dict):
        return {k: equals_form(x) for k, x in value.items()}
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return as_text(value)


def copy_value(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: copy_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_value(v) for v in value]
    return value
