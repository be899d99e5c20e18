"""Strings of the symbolic value domain (`iaclint.model.symbolic`) as text and holes.

A partially known string is read here as its pieces (known text and holes, `flatten`,
`pieces`), as the set of strings it can be in `iaclint.model.strings` tokens (`tokens`:
a hole is any text, or its pattern), as a glob (`glob`) or as the text certainly in it
(`literal_text`); `key_of` and `identity` say when two values are the same value.
`iaclint.model.symbolic` asks its questions on these; callers use it, not this module.
"""
from __future__ import annotations

from typing import Any, Iterable

from iaclint.model import strings
from iaclint.model.unknown import Unknown

MAX_PARTS = 256  # pieces of a partially known string kept (text and holes)


def scalar_text(value: Any) -> str | None:
    """A known scalar as it reads inside a string (`true`, `1`, `1.5`); None otherwise."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return None


def flatten(pieces: Iterable) -> tuple:
    """Pieces of a string as text and holes: nested partially known strings opened up,
    known scalars as their text, adjacent text joined, empty text dropped. A nested string
    is opened only while the result stays within `MAX_PARTS` pieces; past that it is a hole
    (its text forgotten), so strings built from strings (`"${local.a}${local.a}"`, again
    and again) cannot grow their pieces without bound."""
    out: list = []
    for piece in pieces:
        if isinstance(piece, Unknown) and piece.parts is not None:
            items: Iterable = piece.parts if len(out) + len(piece.parts) <= MAX_PARTS else (
                piece.replace(parts=None),)
        else:
            items = (piece,)
        for item in items:
            if not isinstance(item, Unknown):
                item = scalar_text(item)
                if not item:
                    continue
                if out and isinstance(out[-1], str):
                    out[-1] += item
                    continue
            elif item.parts is not None:  # a nested string inside a nested string
                item = item.replace(parts=None)
            out.append(item)
    return tuple(out)


class _Hole:
    """A hole inside a string, by identity: equal to itself wherever it appears."""

    __slots__ = ("key",)

    def __init__(self, key):
        self.key = key

    def __eq__(self, other):
        return isinstance(other, _Hole) and other.key == self.key

    def __hash__(self):
        return hash(self.key)


def key_of(value: Any, budget: list | None = None) -> Any:
    """A hashable key of a value made of known data and holes with symbols: two values with
    the same key are the same value (`lower(var.name)` and `lower(var.name)`); None when a
    part has no identity (or the value is too large to key)."""
    budget = [1000] if budget is None else budget
    budget[0] -= 1
    if budget[0] < 0:
        return None
    if isinstance(value, Unknown):
        return ("symbol", value.symbol) if value.symbol is not None else None
    if value is None or isinstance(value, (str, bool, int, float)):
        return (type(value).__name__, value)
    if isinstance(value, list):
        keys = [key_of(v, budget) for v in value]
        return None if any(k is None for k in keys) else ("list", tuple(keys))
    if isinstance(value, dict):
        keys = [(k, key_of(v, budget)) for k, v in sorted(value.items())]
        return None if any(k[1] is None for k in keys) else ("map", tuple(keys))
    return None


def identity(value: Unknown) -> Any:
    """What makes two Unknowns the same value: their symbol, else the object itself."""
    return ("symbol", value.symbol) if value.symbol is not None else ("object", id(value))


def pieces(value: Any) -> tuple | None:
    """A string value as text and holes; None when it is not a string (or a choice)."""
    if isinstance(value, Unknown):
        if value.parts is not None:
            return flatten(value.parts)
        return None if value.alternatives is not None else (value,)
    known = scalar_text(value)
    return None if known is None else ((known,) if known else ())


def _sequence(parts: tuple) -> list:
    """Characters and `_Hole`s, for comparing two strings hole by hole."""
    out: list = []
    for part in parts:
        if isinstance(part, str):
            out.extend(part)
        else:
            out.append(_Hole(identity(part)))
    return out


def _hole_tokens(hole: Unknown, fold: bool) -> list:
    if hole.pattern is not None:
        found = strings.pattern_tokens(hole.pattern, fold)
        if found is not None:
            return found
    return strings.anything()


def tokens(value: Any, glob: bool = False, fold: bool = False) -> list | None:
    """The set of strings `value` can be, as tokens (`iaclint.model.strings`); with `glob`
    its known text is an IAM glob (`*`, `?`). None when it is not a string."""
    found = pieces(value)
    if found is None:
        return None
    out: list = []
    for part in found:
        if isinstance(part, str):
            out.extend(strings.literal(part, glob, fold))
        else:
            out.extend(_hole_tokens(part, fold))
    return out


def glob(value: Any) -> str | None:
    """A `*`-glob every value of a partially known string matches (its known text, `*` for
    each hole); the string itself when known; None when no text of it is known."""
    if isinstance(value, str):
        return value
    if not isinstance(value, Unknown) or value.parts is None:
        return None
    out = []
    for part in flatten(value.parts):
        if isinstance(part, str):
            out.append(part)
        elif not out or out[-1] != "*":
            out.append("*")
    return "".join(out)


def literal_text(value: Any) -> list[str]:
    """The known pieces of a partially known string (text that is certainly in it)."""
    if not isinstance(value, Unknown) or value.parts is None:
        return []
    return [p for p in flatten(value.parts) if isinstance(p, str)]
