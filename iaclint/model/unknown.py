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
- `many`: with `alternatives` (one of them `ABSENT`), the value is a list item that stands
  for zero or more items, each one of the other alternatives (a `dynamic` block whose
  `for_each` is unknown): its count is unknown, not just its presence.
- `symbol`: the identity of the value (a hashable key, unique within the scan): the same
  variable, parameter, resource attribute or pseudo parameter of one module instance or
  template has the same symbol wherever it appears, so it is known to equal itself.

The rules that read these slots, and the questions policies ask of values, are in
`iaclint.model.symbolic`.

`is_unknown` stays true for all of these: code that does not look at the extra slots sees
a plain Unknown and stays sound.
"""
from __future__ import annotations

from typing import Any



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

    __slots__ = ("expr", "reason", "span", "refs", "alternatives", "parts", "pattern", "symbol", "many")

    def __init__(self, expr: str, reason: str, span: Any = None, refs: tuple[str, ...] = (),
                 alternatives: tuple | None = None, parts: tuple | None = None, pattern: str | None = None,
                 symbol: Any = None, many: bool = False):
        self.expr = expr
        self.reason = reason
        self.span = span
        self.refs = tuple(refs)
        self.alternatives = tuple(alternatives) if alternatives is not None else None
        self.parts = tuple(parts) if parts is not None else None
        self.pattern = pattern
        self.symbol = symbol
        self.many = many

    def __repr__(self) -> str:
        return f"Unknown({self.expr!r}, {self.reason!r})"

    def __str__(self) -> str:
        return "${" + self.expr + "}"

    def __eq__(self, other: object) -> bool:  # identity only: Unknown == x is never True
        return self is other

    def __hash__(self) -> int:
        return id(self)

    def __reduce__(self):
        """As its slots in order (the cache and the workers pickle thousands): a third less
        time to pickle and to unpickle than the generic state of a class with slots."""
        if self.__class__ is not Unknown:  # (none today) a subclass keeps the generic way
            return object.__reduce_ex__(self, 2)
        return _unknown, (self.expr, self.reason, self.span, self.refs, self.alternatives, self.parts,
                          self.pattern, self.symbol, self.many)

    def replace(self, **changes: Any) -> "Unknown":
        """A copy with some slots changed (Unknowns are treated as immutable)."""
        values = {name: getattr(self, name) for name in self.__slots__}
        values.update(changes)
        return Unknown(**values)


def _unknown(expr, reason, span, refs, alternatives, parts, pattern, symbol, many) -> Unknown:
    """An unpickled Unknown: its slots as they were (already tuples), without `__init__`."""
    value = Unknown.__new__(Unknown)
    value.expr, value.reason, value.span, value.refs, value.alternatives = expr, reason, span, refs, alternatives
    value.parts, value.pattern, value.symbol, value.many = parts, pattern, symbol, many
    return value


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


def shape(value: Any) -> str | None:
    """A readable template of a string Unknown: `arn:${AWS::Partition}:s3:::${Bucket}/*`.
    None when nothing of its text is known."""
    if not isinstance(value, Unknown) or value.parts is None:
        return None
    return "".join(p if isinstance(p, str) else "${" + shape_name(p) + "}" for p in value.parts)


def shape_name(value: Unknown) -> str:
    """How a hole reads inside a template: `Bucket` for `!Ref Bucket`, else its expression."""
    expr = value.expr
    for prefix in ("!Ref ", "!GetAtt "):
        if expr.startswith(prefix):
            return expr[len(prefix):]
    return expr[1:] if expr.startswith("!") else expr  # `${!X}` would read as Fn::Sub's escape
