"""The `Unknown` value: what static analysis cannot know, with the reason and the place.

A value that depends on a resource attribute, an undefined variable or an unsupported
function is never guessed. It becomes an `Unknown` that remembers the source expression,
why it is unknown, where it was written and which resources it refers to, so that the
engine can report UNKNOWN instead of a false FAIL, and policies can follow references.
"""
from __future__ import annotations

from typing import Any


class Unknown:
    """A statically unknowable value. Compare with `is_unknown`, never with `==`."""

    __slots__ = ("expr", "reason", "span", "refs")

    def __init__(self, expr: str, reason: str, span: Any = None, refs: tuple[str, ...] = ()):
        self.expr = expr
        self.reason = reason
        self.span = span
        self.refs = tuple(refs)

    def __repr__(self) -> str:
        return f"Unknown({self.expr!r}, {self.reason!r})"

    def __str__(self) -> str:
        return "${" + self.expr + "}"

    def __eq__(self, other: object) -> bool:  # identity only: Unknown == x is never True
        return self is other

    def __hash__(self) -> int:
        return id(self)


def is_unknown(value: Any) -> bool:
    return isinstance(value, Unknown)


def contains_unknown(value: Any) -> bool:
    """True when `value` is or contains an Unknown anywhere inside lists or dicts."""
    if isinstance(value, Unknown):
        return True
    if isinstance(value, dict):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_unknown(v) for v in value)
    return False


def collect_refs(value: Any) -> list[str]:
    """Every resource address referenced by Unknowns inside `value`, in order, no repeats."""
    out: list[str] = []

    def walk(v: Any) -> None:
        if isinstance(v, Unknown):
            for r in v.refs:
                if r not in out:
                    out.append(r)
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(value)
    return out
