"""The `Unknown` value: what static analysis cannot know, with the reason and the place.

A value that depends on a resource attribute, an undefined variable or an unsupported
function is never guessed. It becomes an `Unknown` that remembers the source expression,
why it is unknown, where it was written and which resources it refers to, so that the
engine can report UNKNOWN instead of a false FAIL, and policies can follow references.

An Unknown may also carry what *is* known about it, without ever pretending to be a value:

- `alternatives`: the value is one of these (a conditional whose condition cannot be
  decided: CloudFormation `Fn::If`, a parameter with `AllowedValues` and no default).
  Each alternative is plain data, another Unknown, or `ABSENT` (that branch leaves the
  attribute unset, `AWS::NoValue`). The YAML engine evaluates an operator on every
  alternative: False on all of them is FAIL, True on all is PASS, anything else UNKNOWN.
- `parts`: the value is a string, the concatenation of these pieces (str and Unknown):
  `!Sub arn:${AWS::Partition}:s3:::${Bucket}/*` is `("arn:", <partition>, ":s3:::",
  <bucket ref>, "/*")`. The literal text is certain; the holes are not.
- `pattern`: a regular expression every possible value matches in full (the shape of a
  pseudo parameter: `AWS::AccountId` is twelve digits, `AWS::Partition` starts with `aws`).
  Patterns are deliberately wide: they may only be used to prove that a value *cannot* be
  something (`arn:${AWS::Partition}:...` is never `*`), never to guess what it is.

`is_unknown` stays true for all of these: code that does not look at the extra slots sees
a plain Unknown and stays sound.
"""
from __future__ import annotations

from typing import Any

from iaclint.model import linear_regex


class _Absent:
    """The value of a conditional branch that leaves the attribute unset (`AWS::NoValue`)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "ABSENT"

    def __reduce__(self):  # a singleton, also through copy/pickle
        return "ABSENT"


ABSENT = _Absent()


class Unknown:
    """A statically unknowable value. Compare with `is_unknown`, never with `==`."""

    __slots__ = ("expr", "reason", "span", "refs", "alternatives", "parts", "pattern")

    def __init__(self, expr: str, reason: str, span: Any = None, refs: tuple[str, ...] = (),
                 alternatives: tuple | None = None, parts: tuple | None = None, pattern: str | None = None):
        self.expr = expr
        self.reason = reason
        self.span = span
        self.refs = tuple(refs)
        self.alternatives = tuple(alternatives) if alternatives is not None else None
        self.parts = tuple(parts) if parts is not None else None
        self.pattern = pattern

    def __repr__(self) -> str:
        return f"Unknown({self.expr!r}, {self.reason!r})"

    def __str__(self) -> str:
        return "${" + self.expr + "}"

    def __eq__(self, other: object) -> bool:  # identity only: Unknown == x is never True
        return self is other

    def __hash__(self) -> int:
        return id(self)

    def replace(self, **changes: Any) -> "Unknown":
        """A copy with some slots changed (Unknowns are treated as immutable)."""
        values = {name: getattr(self, name) for name in self.__slots__}
        values.update(changes)
        return Unknown(**values)


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
        elif isinstance(v, (list, tuple)):
            for x in v:
                walk(x)

    walk(value)
    return out


def branches(value: Any) -> list | None:
    """The possible values of a conditional Unknown (`ABSENT` for "not set"), nested
    conditionals flattened; None when `value` is not a conditional. For Python policies
    that want the branch semantics (see `iaclint.engine.policy.Policy`)."""
    if not isinstance(value, Unknown) or value.alternatives is None:
        return None
    out: list = []
    for alternative in value.alternatives:
        inner = branches(alternative)
        out.extend(inner if inner is not None else [alternative])
    return out


# --------------------------------------------------------------------------------------
# The shape of a string Unknown

_MAX_REGEX = 4000


def shape(value: Any) -> str | None:
    """A readable template of a string Unknown: `arn:${AWS::Partition}:s3:::${Bucket}/*`.
    None when nothing of its text is known."""
    if not isinstance(value, Unknown) or value.parts is None:
        return None
    return "".join(p if isinstance(p, str) else "${" + _hole_name(p) + "}" for p in value.parts)


def _hole_name(value: Unknown) -> str:
    expr = value.expr
    for prefix in ("!Ref ", "!GetAtt "):
        if expr.startswith(prefix):
            return expr[len(prefix):]
    return expr[1:] if expr.startswith("!") else expr  # `${!X}` would read as Fn::Sub's escape


def shape_regex(value: Any, ignore_case: bool = False):
    """A compiled regular expression that every possible value of `value` matches in full
    (`fullmatch`), or None when nothing is known about its text. Plain strings match only
    themselves; numbers and booleans their text; holes without a pattern match anything.
    It runs in RE2 (`linear_regex`): a shape with many holes, `.*x.*x.*x...`, would make a
    backtracking engine take exponential time."""
    source = _regex(value, 0)
    if source is None or source == "(?:.*)" or len(source) > _MAX_REGEX:
        return None
    try:
        return linear_regex.compile(source, dot_nl=True, case_sensitive=not ignore_case)
    except ValueError:
        return None


def _regex(value: Any, depth: int) -> str | None:
    if depth > 20:
        return None
    if isinstance(value, str):
        return linear_regex.escape(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
        return linear_regex.escape(text)
    if not isinstance(value, Unknown):
        return None
    if value.parts is not None:
        pieces = []
        for part in value.parts:
            piece = _regex(part, depth + 1)
            pieces.append("(?:.*)" if piece is None else piece)
        return "".join(pieces)
    if value.pattern is not None:
        return "(?:" + value.pattern + ")"
    if value.alternatives is not None:
        options = [_regex(a, depth + 1) for a in value.alternatives]
        if any(o is None for o in options):
            return None
        return "(?:" + "|".join(options) + ")"
    return None


def cannot_be(value: Any, text: str, ignore_case: bool = False) -> bool:
    """True when an Unknown provably never equals the string `text` (its shape rules it
    out; with `ignore_case`, in no spelling); False when it might. Never used to decide
    that a value *is* something."""
    regex = shape_regex(value, ignore_case)
    if regex is None:
        return False
    return regex.fullmatch(text) is None


def literal_text(value: Any) -> list[str]:
    """The literal pieces of a string Unknown's shape (text that is certainly in it)."""
    if not isinstance(value, Unknown) or value.parts is None:
        return []
    return [p for p in value.parts if isinstance(p, str) and p]
