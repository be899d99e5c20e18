"""The symbolic value domain: one set of rules for what is known of a value, for both
front ends, and the three-valued questions policies ask of values.

A value is one of four things (`docs/architecture.md`, "The value domain", has the rules):

- **known**: plain data (str, numbers, booleans, None, lists, dicts);
- a **hole**: an `Unknown` that keeps its identity (`symbol`): the same variable,
  parameter, resource attribute or pseudo parameter of one module or template is the same
  value wherever it appears; a hole may carry a `pattern` (the shape every value has);
- a **choice**: an `Unknown` whose `alternatives` are every value it can take (a
  conditional whose condition is unknown, `AllowedValues`, a `validation` with
  `contains()`); `ABSENT` is "not set";
- a **partially known string**: an `Unknown` whose `parts` are known text and holes.

Every question answers True, False or None ("cannot be known statically"):

- on a choice, the question is asked of every alternative: True when all are True, False
  when all are False, else None;
- on a partially known string, True only when it holds whatever the holes are, False only
  when it fails whatever they are (decided over the sets of strings in
  `iaclint.model.strings`, exactly and with a bound, past which the answer is None);
- two holes with the same symbol are equal; different holes may or may not be;
- Kleene logic combines answers (`all3`, `any3`, `not3`).

Constructors (`text`, `choice`, `lift`) are what the evaluators build values with, so the
rules hold for Terraform and CloudFormation alike.
"""
from __future__ import annotations

from itertools import product
from typing import Any, Callable, Iterable, Optional

from iaclint.model import strings
from iaclint.model.symbolic_text import (  # noqa: F401 - the domain's one interface
    MAX_PARTS,
    _sequence,
    flatten,
    glob,
    identity,
    key_of,
    literal_text,
    pieces,
    scalar_text,
    tokens,
)
from iaclint.model.unknown import ABSENT, Unknown, branches, collect_refs, contains_unknown
from iaclint.model.work import spend

Tri = Optional[bool]
MAX_ALTERNATIVES = 64  # combinations of alternatives tried before the answer is "unknown"


# --------------------------------------------------------------------------------------
# Kleene logic


def all3(*values) -> Tri:
    """Kleene AND: False if any is False, else None if any is None, else True. (One loop,
    no generators: the IAM and asset-graph code asks it hundreds of thousands of times on
    a large module.)"""
    unknown = False
    for v in values:
        if v is False:
            return False
        if v is None:
            unknown = True
    return None if unknown else True


def any3(values: Iterable) -> Tri:
    """Kleene OR: True if any is True, else None if any is None, else False."""
    seen_unknown = False
    for v in values:
        if v is True:
            return True
        if v is None:
            seen_unknown = True
    return None if seen_unknown else False


def not3(value) -> Tri:
    return None if value is None else not value


def agree(results: Iterable) -> Tri:
    """The answer of a choice from its alternatives' answers: all True, all False, else None."""
    results = list(results)
    if results and all(r is True for r in results):
        return True
    if results and all(r is False for r in results):
        return False
    return None


# --------------------------------------------------------------------------------------
# Constructors


# Every value a choice can take, nested choices flattened (`ABSENT` for "not set"); None
# when the value is not a choice.
alternatives = branches


def _plain_same(a: Any, b: Any) -> bool:
    """The same known value, of the same type (a repeat among alternatives)."""
    if a is b:
        return True
    if isinstance(a, Unknown) and isinstance(b, Unknown):
        return a.symbol is not None and a.symbol == b.symbol
    if type(a) is not type(b) or contains_unknown(a) or contains_unknown(b):
        return False
    return a == b


def known_equal(a: Any, b: Any) -> bool:
    """Equality of known values where a boolean is never a number (`True != 1`)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


def choice(options: Iterable, expr: str, reason: str, span: Any = None, refs: Iterable | None = None,
           symbol: Any = None) -> Any:
    """The value of something that is one of `options`: nested choices flattened, repeats
    dropped, and a single remaining option is the value itself (`c ? "x" : "x"` is "x")."""
    unique: list = []
    for option in options:
        inner = alternatives(option)
        # a nested choice opens up, unless it is a named value (a symbol) or a string
        # template, which say more than their alternatives
        if inner is None or option.parts is not None or option.symbol is not None or option.many:
            inner = [option]
        for item in inner:
            if not any(_plain_same(item, u) for u in unique):
                unique.append(item)
    if len(unique) == 1:
        return unique[0]
    if refs is None:
        refs = collect_refs([u for u in unique if u is not ABSENT])
    return Unknown(expr, reason, span, tuple(refs), alternatives=tuple(unique), symbol=symbol)


def item_count(items: list | dict, expr: str, reason: str, span: Any = None) -> Any:
    """How many items a list (or entries a map) has: an item whose value is unknown still
    counts one (`length([for t in var.targets : t if t.type == "LAMBDA"])` with an unknown
    ARN inside a target); an item that may be absent (a choice with `ABSENT`:
    `!If [C, x, !Ref AWS::NoValue]`) makes the count a choice; one that stands for zero or
    more items (`many`: a `dynamic` block whose `for_each` is unknown) makes it unknown."""
    certain = optional = 0
    for item in items.values() if isinstance(items, dict) else items:
        if isinstance(item, Unknown) and item.alternatives is not None and \
                any(option is ABSENT for option in alternatives(item)):
            if item.many or optional == MAX_ALTERNATIVES:
                return Unknown(expr, reason, span, tuple(collect_refs(items)))
            optional += 1
        else:
            certain += 1
    if not optional:
        return certain
    return choice(range(certain, certain + optional + 1), expr, reason, span, refs=collect_refs(items))


def repeated(item: Any, expr: str, reason: str, span: Any = None, refs: Iterable | None = None) -> Unknown:
    """A list item that stands for zero or more items like `item` (a `dynamic` block whose
    `for_each` is unknown, its iterator a hole): a choice of `item` and `ABSENT` whose
    count is unknown too (`many`). A question about the list's items that `item` cannot
    change is answered without it; a question about the list's length is not."""
    if refs is None:
        refs = collect_refs(item)
    return Unknown(expr, reason, span, tuple(refs), alternatives=(item, ABSENT), many=True)


def lift(values: list, compute: Callable) -> list | None:
    """`compute(*combination)` for every combination of the values' alternatives (a value
    that is not a choice is its own only alternative), or None when there are more than
    `MAX_ALTERNATIVES` combinations. `compute` sees no choices, only their options."""
    options = []
    count = 1
    for value in values:
        found = alternatives(value)
        options.append(found if found is not None else [value])
        count *= len(options[-1])
        if count > MAX_ALTERNATIVES:
            return None
    return [compute(*combination) for combination in product(*options)]


def text(pieces: Iterable, expr: str, reason: str, span: Any = None, refs: Iterable | None = None) -> Any:
    """A string made of `pieces` (text, known scalars and Unknowns): the string itself when
    everything is known; else an Unknown with `parts`, which also lists its `alternatives`
    when its holes are choices of few known values (`"${var.env}-data"` with `env` one of
    `dev`, `prod`). A lone hole keeps the hole's symbol and shape."""
    flat = flatten(pieces)
    holes = [p for p in flat if isinstance(p, Unknown)]
    if not holes:
        return "".join(flat)
    if refs is None:
        refs = collect_refs(holes)
    if len(flat) == 1:
        hole = flat[0]
        return Unknown(expr, reason, span, tuple(refs), alternatives=hole.alternatives, pattern=hole.pattern,
                       symbol=hole.symbol)
    options = None
    if any(h.alternatives is not None for h in holes):
        found = lift(list(flat), lambda *combination: combination)
        if found is not None and not any(x is ABSENT for c in found for x in c):
            options = []
            for combination in found:
                option = text(combination, expr, reason, span)
                if not any(_plain_same(option, o) for o in options):
                    options.append(option)
    return Unknown(expr, reason, span, tuple(refs), parts=flat,
                   alternatives=tuple(options) if options is not None and len(options) > 1 else None)


def concat(*pieces: Any) -> Any:
    """A partially known string for a question (`"collection/" + name`), not for the model."""
    return text(pieces, "".join(str(p) for p in pieces), "built from an unknown value")


# --------------------------------------------------------------------------------------
# Questions


def decide(value: Any, test: Callable[[Any], Tri], absent: Tri = None) -> Tri:
    """`test` on a value, or on every alternative of a choice (`absent` is the answer of
    an alternative that leaves the value unset), combined by `agree`."""
    options = alternatives(value)
    if options is None:
        return test(value)
    return agree(absent if o is ABSENT else test(o) for o in options)


def can_be(value: Any, constant: str, fold: bool = False) -> bool:
    """Can `value` be the string `constant`? False only when its shape rules it out."""
    return same_text(value, constant, fold) is not False


def cannot_be(value: Any, constant: str, ignore_case: bool = False) -> bool:
    """True when `value` provably never equals the string `constant`."""
    return same_text(value, constant, ignore_case) is False


def same_text(a: Any, b: Any, fold: bool = False) -> Tri:
    """Are two strings (either partially known, or choices) equal?"""
    def one(x, y):
        if x is y:
            return True
        if _shapeless(x) or _shapeless(y):
            return None  # a hole that may be any text equals some text: nothing to compare
        px, py = pieces(x), pieces(y)
        if px is None or py is None:
            return None
        sx, sy = _sequence(px), _sequence(py)
        if fold:
            sx = [c.lower() if isinstance(c, str) else c for c in sx]
            sy = [c.lower() if isinstance(c, str) else c for c in sy]
        if sx == sy:
            return True
        met = strings.overlap(tokens(x, fold=fold), tokens(y, fold=fold))
        if met is False:
            return False
        if not any(isinstance(p, Unknown) for p in px + py):
            return met
        return None

    return _pairwise(a, b, one)


def _shapeless(value: Any) -> bool:
    """A whole hole of no known shape (no text around it, no choices, no pattern): equal to
    some text and different from some other, so `same_text` answers None without building
    the two languages."""
    return value.__class__ is Unknown and value.parts is None and value.alternatives is None \
        and value.pattern is None


def anything(value: Any) -> bool:
    """Whether `value` is a hole of which nothing is known, not even its identity (a value
    not evaluated, an expression that failed): `same(value, x)` is None for every `x`. A
    unit over its work budget has many; a caller that compares each with every name of a
    table asks this first (`aws.s3.attached`: 9 million comparisons, 50 s, otherwise)."""
    return _shapeless(value) and value.symbol is None


def _pairwise(a: Any, b: Any, one: Callable) -> Tri:
    """`one(x, y)` on two values, over every combination of their alternatives; two holes
    with one symbol are the same value."""
    if isinstance(a, Unknown) and isinstance(b, Unknown) and a.symbol is not None and a.symbol == b.symbol:
        return True
    if alternatives(a) is None and alternatives(b) is None:
        return one(a, b)

    def pair(x, y):
        if x is ABSENT or y is ABSENT:
            return x is y
        return one(x, y)

    found = lift([a, b], pair)
    return None if found is None else agree(found)


def same(a: Any, b: Any, form: Callable | None = None) -> Tri:
    """Are two values equal? Known values by `==` (after `form`, when given); holes by
    identity; strings by their known text; lists and maps element by element."""
    def one(x, y):
        if x is y:
            return True
        if not contains_unknown(x) and not contains_unknown(y):
            return (form(x) == form(y)) if form is not None else known_equal(x, y)
        if isinstance(x, Unknown) or isinstance(y, Unknown):
            return same_text(x if isinstance(x, Unknown) else _formed(x, form),
                             y if isinstance(y, Unknown) else _formed(y, form))
        if isinstance(x, list) and isinstance(y, list):
            return False if len(x) != len(y) else all3(*(same(i, j, form) for i, j in zip(x, y)))
        if isinstance(x, dict) and isinstance(y, dict):
            return False if set(x) != set(y) else all3(*(same(x[k], y[k], form) for k in x))
        return False

    return _pairwise(a, b, one)


def _formed(value: Any, form: Callable | None) -> Any:
    return form(value) if form is not None else value


def starts_with(value: Any, prefix: str, fold: bool = False) -> Tri:
    return _affix(value, prefix, fold, start=True)


def ends_with(value: Any, suffix: str, fold: bool = False) -> Tri:
    return _affix(value, suffix, fold, start=False)


def _affix(value: Any, affix: str, fold: bool, start: bool) -> Tri:
    def one(v):
        found = tokens(v, fold=fold)
        if found is None:
            return None
        wanted = affix.lower() if fold else affix
        if certain_text(found, start).startswith(wanted) if start else certain_text(found, start).endswith(wanted):
            return True
        rest = strings.literal(wanted) + strings.anything() if start else strings.anything() + strings.literal(wanted)
        return False if strings.overlap(found, rest) is False else None

    return decide(value, one)


def certain_text(found: list, start: bool = True) -> str:
    """The text every string of `found` (tokens) begins with (or, with `start` False, ends
    with): its leading single characters that are one known character each."""
    out = []
    for kind, chars in (found if start else reversed(found)):
        if kind != strings.ONE or chars.__class__ is not str:
            break
        out.append(chars)
    return "".join(out) if start else "".join(reversed(out))


def contains_text(value: Any, needle: str, fold: bool = False) -> Tri:
    """Does the string contain `needle`? True when its known text does."""
    def one(v):
        found = pieces(v)
        if found is None:
            return None
        wanted = needle.lower() if fold else needle
        for part in found:
            if isinstance(part, str) and wanted in (part.lower() if fold else part):
                return True
        if not any(isinstance(p, Unknown) for p in found):
            return False
        around = strings.anything() + strings.literal(wanted, fold=fold) + strings.anything()
        return False if strings.overlap(tokens(v, fold=fold), around) is False else None

    return decide(value, one)


def covers(pattern: Any, query: Any, fold: bool = True) -> Tri:
    """Does the glob `pattern` (`*`, `?`; either side partially known) match every name the
    glob `query` matches, whatever the holes are? A hole is equal to itself on both sides
    (`collection/${name}` covers `collection/${name}`); elsewhere a hole may be any text."""
    def one(p, q):
        pp, pq = pieces(p), pieces(q)
        if pp is None or pq is None:
            return None
        spend(20 + _length(pp) * _length(pq) // 64)  # the work budget of policy evaluation (~1 µs a step)
        holed = any(isinstance(x, Unknown) for x in pp + pq)
        found = strings.glob_covers(_sequence(pp), _sequence(pq), fold)
        if found is True or (found is False and not holed):
            return found
        met = strings.overlap(tokens(p, True, fold), tokens(q, True, fold))
        return False if met is False else None

    return _pairwise(pattern, query, one)


def _length(parts) -> int:
    """Characters and holes of a value's pieces: what a comparison of two walks."""
    return sum(len(p) if isinstance(p, str) else 1 for p in parts)


def overlaps(a: Any, b: Any, fold: bool = True) -> Tri:
    """Is there a name that both globs (either partially known) match, whatever the holes are?"""
    def one(x, y):
        px, py = pieces(x), pieces(y)
        if px is None or py is None:
            return None
        spend(20 + _length(px) * _length(py) // 64)  # the work budget of policy evaluation (~1 µs a step)
        met = strings.overlap(tokens(x, True, fold), tokens(y, True, fold))
        if met is False or not any(isinstance(p, Unknown) for p in px + py):
            return met
        if _sequence(px) == _sequence(py) or covers(x, y, fold) is True or covers(y, x, fold) is True:
            return True
        return None

    return _pairwise(a, b, one)
