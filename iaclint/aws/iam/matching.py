"""Wildcard matching of actions, resources and principals, and what an Unknown may be.

IAM globs (`*` any run of characters, `?` one character, compared case-insensitively for
actions) are matched here without regular expressions, so a hostile pattern cannot make
the linter backtrack for minutes. Three relations are needed: `matches` (glob against a
name), `covers` (every name one glob matches, the other matches too: `bedrock:*` covers
`bedrock:Invoke*`) and `overlaps` (some name matches both); the last two are exact or
bounded (`iaclint.model.strings`), and past the bound they answer None, never a guess.
Unknown values are read through the value domain (`iaclint.model.symbolic`: a template's
literal text, a pseudo parameter's shape, a hole equal to itself) and for one more fact,
a resource attribute never being `*`, so that real policies full of references do not all
end up UNKNOWN.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from iaclint.aws.iam.logic import Tri
from iaclint.model import lazy_re
from iaclint.model import strings, symbolic
from iaclint.model.unknown import Unknown
from iaclint.model.work import spend


# Above this many pattern x name characters, `matches` places the pattern's pieces one by
# one instead: the two-pointer loop goes back to the last `*` on every mismatch, so
# `*aaa...ab` against `aaa...a` costs len(pattern) x len(name) steps (a bucket name of
# 20,000 characters: a minute). RE2 does not help when the pattern is long too.
_TWO_POINTER_CELLS = 1_000_000


def matches(pattern: str, name: str) -> bool:
    """Does the IAM glob `pattern` match the concrete `name`? (`bedrock:Invoke*` matches
    `bedrock:InvokeModel`; case-insensitive, as IAM compares actions.) Greedy two-pointer
    matching for the usual short strings, piece by piece for long ones: never exponential,
    never quadratic in long text."""
    p, t = pattern.lower(), name.lower()
    spend(1 + (len(p) + len(t)) // 32)  # the work budget of policy evaluation (iaclint.model.work)
    if len(p) * len(t) > _TWO_POINTER_CELLS:
        return _matches_by_pieces(p, t)
    i = j = 0
    star, mark = -1, 0
    while j < len(t):
        if i < len(p) and (p[i] == "?" or (p[i] != "*" and p[i] == t[j])):
            i += 1
            j += 1
        elif i < len(p) and p[i] == "*":
            star, mark = i, j
            i += 1
        elif star >= 0:
            i, mark = star + 1, mark + 1
            j = mark
        else:
            return False
    while i < len(p) and p[i] == "*":
        i += 1
    return i == len(p)


def _matches_by_pieces(p: str, t: str) -> bool:
    """`matches` for long strings: the text before the first `*` must start the name, the
    text after the last must end it, and each piece between is placed at its leftmost
    place after the previous one (leftmost is never worse for the pieces after it)."""
    pieces = p.split("*")
    if len(pieces) == 1:
        return len(p) == len(t) and _fits(p, t, 0)
    first, middle, last = pieces[0], pieces[1:-1], pieces[-1]
    if len(first) + len(last) > len(t) or not _fits(first, t, 0) or not _fits(last, t, len(t) - len(last)):
        return False
    position, end = len(first), len(t) - len(last)
    for piece in middle:
        found = _find(piece, t, position, end)
        if found < 0:
            return False
        position = found + len(piece)
    return True


def _fits(piece: str, t: str, at: int) -> bool:
    return all(c == "?" or c == t[at + k] for k, c in enumerate(piece))


def _find(piece: str, t: str, start: int, end: int) -> int:
    """Leftmost place of `piece` (`?` matches any character) in t[start:end], or -1:
    `str.find` (linear in CPython) without `?`, else bit-parallel Shift-And (one pass)."""
    if "?" not in piece:
        return t.find(piece, start, end)
    if not piece:
        return start
    masks: dict = {}
    wild = 0
    for k, c in enumerate(piece):
        if c == "?":
            wild |= 1 << k
        else:
            masks[c] = masks.get(c, 0) | 1 << k
    state, goal = 0, 1 << (len(piece) - 1)
    for j in range(start, end):
        state = ((state << 1) | 1) & (masks.get(t[j], 0) | wild)
        if state & goal:
            return j - len(piece) + 1
    return -1


def covers(pattern: str, query: str) -> Tri:
    """`_covers`, charged to the work budget outside its cache (a cache hit depends on
    what the process compared before: the count must not)."""
    spend(2 + len(pattern) * len(query) // 64)
    return _covers(pattern, query)


def overlaps(a: str, b: str) -> Tri:
    """`_overlaps`, charged to the work budget outside its cache."""
    spend(2 + len(a) * len(b) // 64)
    return _overlaps(a, b)


@lru_cache(maxsize=8192)
def _covers(pattern: str, query: str) -> Tri:
    """Does `pattern` match every name that `query` matches? `query` may itself be a glob:
    `covers("bedrock:*", "bedrock:Invoke*")` and `covers("*", "bedrock:*")` are True,
    `covers("bedrock:Invoke*", "bedrock:*")` is False. Sound (never claims coverage that
    does not hold); for contrived pairs such as `*?` against `?*` it may say False where
    the languages are equal. None for globs too long to compare (past
    `iaclint.model.strings.MAX_CELLS`): never a guess."""
    return strings.glob_covers(pattern, query)


@lru_cache(maxsize=8192)
def _overlaps(a: str, b: str) -> Tri:
    """Is there a name that both globs match? (`bedrock:Invoke*` and `*Model*` overlap;
    `s3:*` and `bedrock:*` do not.) Exact; None for globs too long to compare."""
    return strings.overlap(strings.literal(a, glob=True, fold=True), strings.literal(b, glob=True, fold=True))


# --------------------------------------------------------------------------------------
# What an Unknown string may still be
#
# A statement is written with references everywhere (`aws_s3_bucket.b.arn`,
# `!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:root`). Treating each as "could be
# anything" would make almost every real policy UNKNOWN, so an Unknown is read for two safe
# facts: a partially known string keeps its literal text (the value domain), and a
# resource attribute (`!GetAtt X.Arn`, `aws_x.y.arn`) is an ARN, ID or name, never `*`,
# whichever instance of the resource an index picks (`aws_x.y[each.key].arn`,
# `data.aws_bedrock_foundation_model.m[id].model_arn` in a `for`: the index is text, not a
# value, in the expression an Unknown keeps).

_TF_ROOTS_OF_VALUES = ("var", "local", "module", "each", "count", "path", "terraform", "self")
_TF_TRAVERSAL = lazy_re.compile(r"[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[\d+\]|\[\"[^\"]*\"\]|\[[^\[\]\"]+\])+")
_STARS = [(strings.ONE, "*"), (strings.STAR, "*")]  # `*`, `**`, ...


def value_glob(value: Unknown) -> str | None:
    """A glob every possible value of the Unknown matches, when it is a partially known
    string (CloudFormation `!Sub`, a Terraform template such as `arn:aws:s3:::${var.b}/*`,
    `format`, `join`): its known text with `*` for each hole; else None."""
    return symbolic.glob(value)


def is_resource_attribute(value: Unknown) -> bool:
    """`!GetAtt X.Arn`, `!Ref Resource`, `aws_x.y.arn`, `aws_x.y[count.index].arn`:
    identifiers of a resource."""
    expr = value.expr.strip()
    if expr.startswith("!GetAtt "):
        return True
    if expr.startswith("!Ref ") and value.refs:
        return True
    if _TF_TRAVERSAL.fullmatch(expr) and value.refs:
        return expr.split(".", 1)[0].split("[", 1)[0] not in _TF_ROOTS_OF_VALUES
    return False


def literal_star(value: Any) -> bool:
    """Is this known value the wildcard `*` (or `**`..., spaces around it ignored)?"""
    return isinstance(value, str) and value.strip() != "" and set(value.strip()) == {"*"}


def may_be_star(value: Any) -> bool:
    """Could this (possibly Unknown) value be the wildcard `*` (or `**`...)?"""
    if not isinstance(value, Unknown):
        return literal_star(value)
    if value.alternatives is not None:
        return any(may_be_star(a) for a in symbolic.alternatives(value))
    if is_resource_attribute(value):
        return False
    found = symbolic.tokens(value)
    return found is None or strings.overlap(found, _STARS) is not False


def unknown_overlaps(value: Unknown, query: str, action: bool = True) -> Tri:
    """Does the Unknown (a glob) match some name `query` matches? False when its known text
    proves it cannot, or when it is a resource attribute standing where an action is
    expected (an ARN is not an action); else None."""
    if action and is_resource_attribute(value):
        return False
    return False if symbolic.overlaps(value, query) is False else None


def unknown_covers(value: Unknown, query: str, action: bool = True) -> Tri:
    """Does the Unknown (a glob) match every name `query` matches, whatever its holes are?
    (A choice: on every alternative.) False for a resource attribute standing where an
    action is expected."""
    if action and is_resource_attribute(value):
        return False
    return symbolic.covers(value, query)
