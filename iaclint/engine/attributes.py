"""One attribute condition on one resource, three-valued: True, False or None (unknown).

The path is read as Checkov reads it, on the canonical model:

- a plain path (`tags.team`, `vpc_config.subnet_ids`, `rules.0.cidr`) reaches its value;
  where a key meets a list (a Terraform nested block, which may repeat), every element is
  checked and all must pass. (Checkov sees no value at all when a block repeats: its
  flattened key `rules.cidr` does not exist then. A difference listed in docs/checkov.md.)
- a path with `*` (`rules.*.cidr`) matches every list index; one passing match is enough,
  except for `not_contains` (Checkov's `should_check_all_condition`). On a mapping `*` is
  skipped, as Checkov's pattern without the index does.
- a `jsonpath_` operator runs the JSONPath (`iaclint.engine.jsonpaths`); every match must
  pass.
- an unset attribute is given to the operator as None, so each operator answers as
  Checkov's does (`not_equals` passes, `exists` fails, `is_false` passes). AWS defaults
  are already filled in by the model, so "unset" is rarer than in Checkov.

An `Unknown` value gives None (UNKNOWN), except for `exists`/`not_exists` (a written but
unresolved value is set) and what `iaclint.engine.unknowns.decide` can settle. A
conditional value (`alternatives`) is checked in every branch: False in all is False,
True in all is True, else None.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from iaclint.engine import operators, unknowns
from iaclint.model import paths
from iaclint.model.records import dataclass
from iaclint.model.resource import TERRAFORM
from iaclint.model.unknown import ABSENT, Unknown, contains_unknown

# Checkov's test for a wildcard path (`WILDCARD_PATTERN` in its base attribute solver).
_WILDCARD = re.compile(r"(\S+[.][*][.]*)+")
_LENGTH_ONLY = {"is_empty", "is_not_empty"} | {n for n in operators.OPERATORS if n.startswith("length_")}


@dataclass
class Outcome:
    value: Any  # True, False or None (unknown)
    path: tuple = ()
    detail: str = ""  # what the value is, for the message
    applies: bool = True  # False: the resource is not of the condition's types (Checkov: False)


def check(node, resource) -> Outcome:
    """The attribute condition `node` (a `grammar.Attribute`) on `resource`."""
    op, expected = node.operator, node.value
    if node.jsonpath:
        return _jsonpath(resource, node.attribute, op, expected)
    segments, wildcard = _read(node.attribute)
    hits = paths.find_rest(resource.attributes, segments, star=paths.INDEX if wildcard else paths.LITERAL)
    if not hits:
        return _missing(resource, segments, op, expected)
    every = not wildcard or operators.base_operator(op) in operators.EVERY_MATCH
    outcomes = [_at(resource, path, value, rest, op, expected) for path, value, rest in hits]
    return _combine(outcomes, every)


@lru_cache(maxsize=4096)  # a policy's few paths, read on every resource it checks
def _read(attribute: str) -> tuple:
    """(segments, whether `*` is Checkov's wildcard) of a condition's attribute path."""
    segments = tuple(int(s) if s.isdigit() else s for s in attribute.split("."))
    return segments, _WILDCARD.match(attribute) is not None and "*" in segments


def _missing(resource, segments: tuple, op: str, expected: Any) -> Outcome:
    plain = tuple(s for s in segments if s != "*")
    prefix = paths.deepest_prefix(resource.attributes, plain)
    consumed = sum(1 for p in prefix if not isinstance(p, int)) if prefix else 0
    path = tuple(prefix) + plain[consumed:]
    value = operators.apply(op, None, expected)
    return Outcome(value, path, f"`{resource.native_name(path)}` is not set")


def _combine(outcomes: list[Outcome], every: bool) -> Outcome:
    """Kleene AND (`every`) or OR of the outcomes at several places."""
    decisive = False if every else True
    for o in outcomes:
        if o.value is decisive:
            return o
    for o in outcomes:
        if o.value is None:
            return o
    return outcomes[0]


def _at(resource, path: tuple, value: Any, rest: tuple, op: str, expected: Any, depth: int = 0) -> Outcome:
    """The operator on the value found at `path` (an Unknown, with `rest` below it when
    the path went on)."""
    if isinstance(value, Unknown) and value.alternatives is not None and depth < 8:
        return _branches(resource, path, value, rest, op, expected, depth)
    if isinstance(value, Unknown):
        name = resource.native_name(path)
        if not rest and operators.base_operator(op) in operators.PRESENCE:
            return Outcome(operators.apply(op, "set", expected), path, f"`{name}` is set (`{_show(value)}`)")
        decided = unknowns.decide(op, value, expected) if not rest else None
        detail = f"`{name}` is `{_show(value)}`"
        if decided is not None:
            return Outcome(decided, path, detail)
        return Outcome(None, path, f"{detail}, unknown until deployment ({value.reason})")
    answer = _apply(resource, op, value, expected)
    return Outcome(answer, path, describe(resource, path, value) if answer is not None else
                   f"`{resource.native_name(path)}` contains an unknown value")


def _apply(resource, op: str, value: Any, expected: Any) -> bool | None:
    """The operator on a value that may hold Unknowns or conditional items inside."""
    if isinstance(value, list) and any(_conditional(v) for v in value):
        worlds = _list_worlds(value)
        if worlds is None:
            return None
        return _all_or_none([_apply(resource, op, w, expected) for w in worlds])
    if contains_unknown(value) and operators.base_operator(op) not in operators.PRESENCE:
        name = operators.base_operator(op)
        if name in _LENGTH_ONLY:  # the shape is known even where the items are not
            return operators.apply(op, _view(resource, value), expected)
        positive = operators.NEGATIONS.get(name, name)
        if positive in ("contains", "intersects"):
            known = [v for v in value if not isinstance(v, Unknown)] if isinstance(value, list) else None
            if known is not None and operators.apply(positive, known, expected):
                return positive == name
        return None
    return operators.apply(op, _view(resource, value), expected)


def _view(resource, value: Any) -> Any:
    if resource.fmt == TERRAFORM and isinstance(value, (list, dict)):
        from iaclint.engine.jsonpaths import checkov_view

        return checkov_view(value)
    return value


def _branches(resource, path: tuple, value: Unknown, rest: tuple, op: str, expected: Any, depth: int) -> Outcome:
    """A conditional value (`Fn::If` on an undecidable condition): False when every branch
    fails, True when every branch passes, else None."""
    in_list = bool(path) and isinstance(path[-1], int)
    results = []
    for alternative in value.alternatives:
        if alternative is ABSENT:
            # The branch leaves the attribute unset (AWS defaults were filled in by the
            # normalizer). An item that vanishes from a list is not decided here.
            results.append(None if in_list else operators.apply(op, None, expected))
            continue
        hits = paths.find_rest(alternative, rest, path, paths.LITERAL) if rest else [(path, alternative, ())]
        if not hits:
            results.append(operators.apply(op, None, expected))
            continue
        sub = [_at(resource, p, v, r, op, expected, depth + 1) for p, v, r in hits]
        results.append(_combine(sub, True).value)
    name = resource.native_name(path)
    shown: list = []
    for a in value.alternatives:
        text = "not set" if a is ABSENT else f"`{_show(a)}`"
        if text not in shown:
            shown.append(text)
    # the alternatives are listed when they read well: a few scalars (a block or a map
    # reads better as the expression that chooses it)
    plain = all(a is ABSENT or isinstance(a, (str, int, float, bool)) or isinstance(a, Unknown)
                for a in value.alternatives)
    where = f"`{name}` is `{_show(value)}`" if rest or len(shown) > 4 or not plain else \
        f"`{name}` is {' or '.join(shown)} (`{_show(value)}`)"
    if all(r is False for r in results):
        if len(shown) == 1 and not rest:
            return Outcome(False, path, f"`{name}` is {shown[0]} in every branch of `{_show(value)}`")
        return Outcome(False, path, f"{where}, and fails in every branch")
    if all(r is True for r in results):
        return Outcome(True, path, where)
    verdicts = ", ".join(f"branch {i + 1} {_word(r)}" for i, r in enumerate(results))
    return Outcome(None, path, f"{where} ({value.reason}): {verdicts}")


def _jsonpath(resource, expression: str, op: str, expected: Any) -> Outcome:
    from iaclint.engine import jsonpaths

    view = jsonpaths.checkov_view(resource.attributes) if resource.fmt == TERRAFORM else resource.attributes
    found = jsonpaths.matches(view, expression)
    if found is None:
        return Outcome(None, (), f"`{expression}` cannot be applied to this resource")
    if not found:
        blocked = _unknown_on_the_way(resource, expression)
        if blocked is not None:
            return blocked
        return Outcome(operators.apply(op, None, expected), (), f"nothing matches `{expression}`")
    outcomes = []
    for path, value in found:
        original = jsonpaths.original_path(resource.attributes, path) if view is not resource.attributes else path
        outcomes.append(_at(resource, original, value, (), op, expected))
    return _combine(outcomes, True)


def _unknown_on_the_way(resource, expression: str) -> Outcome | None:
    """An Unknown standing where the JSONPath's leading plain keys lead (`$.tags.team` when
    `tags` is a variable): nothing can match yet, and that is not "unset"."""
    keys = []
    for part in expression.lstrip("$").lstrip(".").split("."):
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", part):
            break
        keys.append(part)
    for path, value, rest in paths.find_rest(resource.attributes, tuple(keys), star=paths.LITERAL):
        if isinstance(value, Unknown):
            return Outcome(None, path, f"`{resource.native_name(path)}` is `{_show(value)}`, unknown until "
                                       f"deployment ({value.reason})")
    return None


def _all_or_none(results: list) -> bool | None:
    if all(r is True for r in results):
        return True
    if all(r is False for r in results):
        return False
    return None


def _conditional(value: Any) -> bool:
    return isinstance(value, Unknown) and value.alternatives is not None


def _list_worlds(items: list, limit: int = 64) -> list | None:
    """Every list a list with conditional items can be (an `ABSENT` item drops out); None
    when an item stands for an unknown number of items (`Unknown.many`)."""
    worlds: list = [[]]
    for item in items:
        if isinstance(item, Unknown) and item.many:
            return None
        options = list(item.alternatives) if _conditional(item) else [item]
        worlds = [w + ([] if o is ABSENT else [o]) for w in worlds for o in options]
        if len(worlds) > limit:
            return None
    return worlds


def _word(result) -> str:
    return {True: "passes", False: "fails"}.get(result, "is unknown")


def describe(resource, path: tuple, value: Any) -> str:
    name = resource.native_name(path)
    if tuple(path) in resource.defaults:
        return f"`{name}` is not set, and AWS defaults it to `{_show(value)}`"
    return f"`{name}` is `{_show(value)}`"


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Unknown):
        return value.expr
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."
