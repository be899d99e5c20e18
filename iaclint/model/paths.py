"""Attribute path lookup that works on Terraform blocks and CloudFormation objects alike.

A Terraform nested block is a list of dicts and a CloudFormation property is a dict, so a
dotted path such as `vpc_config.subnets` steps through lists transparently: a string
segment applied to a list applies to each element. `*` matches every key or index and a
number selects one index. Lookups never raise.

Checkov reads `*` differently, and its policies are walked with one of two other readings
(`star=`): `INDEX`, every list index, skipped on anything else (its wildcard pattern
without the index); `LITERAL`, a key named `*` (a path Checkov does not see as a wildcard,
such as `*.name`).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterator

from iaclint.model.unknown import Unknown

MISSING = object()
ANY, INDEX, LITERAL = "any", "index", "literal"  # readings of a `*` segment (see above)


def split(path: str | tuple) -> tuple:
    """`"a.0.b"` -> `("a", 0, "b")`; tuples pass through."""
    if isinstance(path, tuple):
        return path
    return _split(path)


@lru_cache(maxsize=4096)  # a policy asks for its few paths on every resource it checks
def _split(path: str) -> tuple:
    out: list = []
    for part in path.split("."):
        out.append(int(part) if part.isdigit() else part)
    return tuple(out)


def find(value: Any, path: str | tuple, prefix: tuple = ()) -> list[tuple[tuple, Any]]:
    """All (full path, value) pairs that `path` reaches inside `value`.

    An Unknown met on the way is returned as the value at the point it was met (its
    path is the prefix reached so far), so callers can tell "unknown" from "missing".
    """
    return [(p, v) for p, v, _ in _walk(value, split(path), prefix)]


def find_detailed(value: Any, path: str | tuple) -> list[tuple[tuple, Any, bool]]:
    """Like `find`, with a flag per hit: True when the whole path was reached, False when
    an Unknown stood in the way before the end (the hit is that Unknown)."""
    return [(p, v, not rest) for p, v, rest in _walk(value, split(path), ())]


def find_rest(value: Any, path: str | tuple, prefix: tuple = (), star: str = ANY) -> list[tuple[tuple, Any, tuple]]:
    """Like `find_detailed`, with the segments still to walk below each hit instead of
    the flag: `()` when the path was reached, else what lies beyond the Unknown that
    stood in the way (so the path can be followed into that Unknown's alternatives).
    `star` is the reading of `*` (ANY, or Checkov's INDEX or LITERAL)."""
    return list(_walk(value, split(path), prefix, star))


def _walk(value: Any, segments: tuple, prefix: tuple, star: str = ANY) -> Iterator[tuple[tuple, Any, tuple]]:
    while segments and value.__class__ is dict:  # plain keys of plain dicts (most steps): no generator each
        head = segments[0]
        if head.__class__ is not str or head == "*":
            break
        if head not in value:
            return
        value, prefix, segments = value[head], prefix + (head,), segments[1:]
    if not segments:
        yield prefix, value, ()
        return
    if isinstance(value, Unknown):
        yield prefix, value, segments
        return
    head, rest = segments[0], segments[1:]
    if head == "*" and star == INDEX and not isinstance(value, list):
        yield from _walk(value, rest, prefix, star)
        return
    wildcard = head == "*" and star != LITERAL
    if isinstance(value, list):
        if isinstance(head, int):
            if -len(value) <= head < len(value):
                yield from _walk(value[head], rest, prefix + (head % len(value),), star)
            return
        if wildcard:
            for i, item in enumerate(value):
                yield from _walk(item, rest, prefix + (i,), star)
            return
        for i, item in enumerate(value):  # fan out: a key applied to a list of blocks
            yield from _walk(item, segments, prefix + (i,), star)
        return
    if isinstance(value, dict):
        if wildcard:
            for k, item in value.items():
                yield from _walk(item, rest, prefix + (k,), star)
            return
        key = head if head in value else (str(head) if str(head) in value else MISSING)
        if key is MISSING:
            return
        yield from _walk(value[key], rest, prefix + (key,), star)


def get(value: Any, path: str | tuple, default: Any = None) -> Any:
    """The first value `path` reaches, else `default`."""
    for _, v, _ in _walk(value, split(path), ()):
        return v
    return default


def deepest_prefix(value: Any, path: str | tuple) -> tuple:
    """The longest prefix of `path` that exists in `value` (for pointing at a parent block)."""
    segments = split(path)
    best: tuple = ()
    for cut in range(len(segments), 0, -1):
        hits = find(value, segments[:cut])
        if hits:
            return hits[0][0]
    return best
