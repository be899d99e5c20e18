"""Declarative policies in the grammar of Checkov's custom YAML policies, three-valued.

The `definition` describes the passing state. Each condition evaluates to True, False or
None (unknown: the value depends on something static analysis cannot know); `and`/`or`
combine them with Kleene logic, so `Unknown == "Enabled"` is UNKNOWN, never FAIL. A
condition whose `resource_types` do not include the resource's type does not apply and
drops out of its `and`/`or`. The failing condition's path is where the finding points.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

from iaclint.engine import docs
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy, Result
from iaclint.model import paths
from iaclint.model.unknown import ABSENT, Unknown, cannot_be, literal_text

NOT_APPLICABLE = "n/a"

# Operators whose answer on a missing attribute is True (they describe an absence).
_TRUE_WHEN_MISSING = {"not_exists", "not_equals", "not_within", "not_contains", "not_regex_match",
                      "is_empty", "not_intersects"}


@dataclass
class Outcome:
    value: Any  # True, False, None (unknown) or NOT_APPLICABLE
    path: tuple = ()
    detail: str = ""


class YamlPolicy(Policy):
    """A policy loaded from a YAML file; metadata and the definition come from the file."""

    def __init__(self, document: dict, source: str):
        meta = document["metadata"]
        self.id = str(meta["id"])
        self.name = str(meta.get("name", self.id))
        self.title = str(meta.get("title", meta.get("name", "")))
        self.severity = str(meta.get("severity", "medium")).lower()
        self.category = str(meta.get("category", ""))
        self.checkov_ids = tuple(meta.get("checkov_ids", ()))
        self.message = str(meta.get("message") or self.title)
        for field in docs.FIELDS:  # inline documentation (Checkov-style); else the page beside the file
            if field in meta:
                setattr(self, field, tuple(meta[field]) if field == "references" else str(meta[field]))
        self.source = source
        self.definition = document["definition"]
        self.resource_types = tuple(sorted(_resource_types(self.definition)))

    def check(self, resource, ctx) -> Iterable[Result]:
        outcome = evaluate(self.definition, resource, ctx)
        if outcome.value is True or outcome.value == NOT_APPLICABLE:
            yield PASS()
        elif outcome.value is None:
            yield UNKNOWN(_join(self.message, outcome.detail), outcome.path)
        else:
            yield FAIL(_join(self.message, outcome.detail), outcome.path)


def _join(message: str, detail: str) -> str:
    return f"{message}: {detail}" if detail else message


def _resource_types(node: Any) -> set:
    """Types the policy runs on: every condition's types, narrowed by any `filter`."""
    types: set = set()
    filters: list[set] = []

    def walk(n: Any) -> None:
        if not isinstance(n, dict):
            return
        for key in ("and", "or"):
            for child in n.get(key, ()) or ():
                walk(child)
        kind = n.get("cond_type")
        if kind in ("attribute", "connection"):
            types.update(_as_list(n.get("resource_types")))
        elif kind == "filter" and n.get("attribute") == "resource_type":
            filters.append(set(_as_list(n.get("value"))))

    walk(node)
    for allowed in filters:
        types = types & allowed if types and "all" not in types else set(allowed)
    return types


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _applies(types: Any, resource) -> bool:
    types = _as_list(types)
    return not types or "all" in types or resource.type in types


def evaluate(node: dict, resource, ctx) -> Outcome:
    if "and" in node:
        return _combine([evaluate(c, resource, ctx) for c in node["and"]], conjunction=True)
    if "or" in node:
        return _combine([evaluate(c, resource, ctx) for c in node["or"]], conjunction=False)
    kind = node.get("cond_type", "attribute")
    if kind == "filter":
        if node.get("attribute") == "resource_type":
            allowed = _as_list(node.get("value"))
            return Outcome(True if resource.type in allowed else NOT_APPLICABLE)
        return Outcome(NOT_APPLICABLE)
    if not _applies(node.get("resource_types"), resource):
        return Outcome(NOT_APPLICABLE)
    if kind == "connection":
        return _connection(node, resource, ctx)
    return _attribute(node, resource)


def _combine(outcomes: list[Outcome], conjunction: bool) -> Outcome:
    relevant = [o for o in outcomes if o.value != NOT_APPLICABLE]
    if not relevant:
        return Outcome(NOT_APPLICABLE)
    decisive = False if conjunction else True
    for o in relevant:
        if o.value is decisive:
            return o
    unknown = [o for o in relevant if o.value is None]
    if unknown:
        return unknown[0]
    if conjunction:
        return Outcome(True)
    # Every branch of an `or` failed: point at the first one.
    return relevant[0]


def _attribute(node: dict, resource) -> Outcome:
    attribute = str(node.get("attribute", ""))
    operator = str(node.get("operator", "exists"))
    expected = node.get("value")
    return _check(resource, resource.attributes, paths.split(attribute), operator, expected, ())


def _check(resource, root: Any, segments: tuple, operator: str, expected: Any, base: tuple,
           depth: int = 0) -> Outcome:
    """The operator on every value `segments` reaches inside `root` (all must pass);
    `base` is the canonical path of `root` inside the resource."""
    hits = paths.find_rest(root, segments)
    if not hits:
        missing_path = base + _missing_path(root, tuple(s for s in segments if s != "*"))
        value = operator in _TRUE_WHEN_MISSING
        return Outcome(value, missing_path, "" if value else f"`{resource.native_name(missing_path)}` is not set")
    unknown: Outcome | None = None
    for hit_path, value, rest in hits:
        path = base + hit_path
        if isinstance(value, Unknown) and value.alternatives is not None and depth < 8:
            outcome = _branches(resource, value, rest, operator, expected, path,
                                in_list=bool(path) and isinstance(path[-1], int), depth=depth)
            if outcome.value is False:
                return outcome
            if outcome.value is None and unknown is None:
                unknown = outcome
            continue
        if isinstance(value, Unknown) or rest:
            if operator in ("exists", "not_exists") and not rest:
                # A written but unresolved value is set: a key reference counts as a key.
                ok = operator == "exists"
                if not ok:
                    return Outcome(False, path, f"`{resource.native_name(path)}` is set")
                continue
            if not rest:
                decided = _apply_shape(operator, value, expected)
                if decided is False:
                    return Outcome(False, path, _describe(resource, path, value))
                if decided is True:
                    continue
            if unknown is None:
                unknown = Outcome(None, path, f"`{resource.native_name(path)}` is `{_show(value)}`, "
                                              f"unknown until deployment ({getattr(value, 'reason', '')})")
            continue
        ok = _apply(operator, value, expected)
        if ok is None:
            if unknown is None:
                unknown = Outcome(None, path, f"`{resource.native_name(path)}` contains an unknown value")
            continue
        if not ok:
            return Outcome(False, path, _describe(resource, path, value))
    if unknown is not None:
        return unknown
    return Outcome(True, base + hits[0][0])


def _missing_path(attributes: Any, segments: tuple) -> tuple:
    """The path of an unset attribute through the blocks that are written, list indexes
    included (`job_resources.0.cluster_config.0.volume_kms_key_id`), so the finding points
    at the nearest written block, however deep."""
    prefix = paths.deepest_prefix(attributes, segments)
    consumed = sum(1 for p in prefix if not isinstance(p, int)) if prefix else 0
    return tuple(prefix) + segments[consumed:]


def _branches(resource, value: Unknown, rest: tuple, operator: str, expected: Any, path: tuple,
              in_list: bool, depth: int) -> Outcome:
    """A conditional value (`Fn::If` on an undecidable condition): the condition holds on
    it when it holds on every branch, fails when it fails on every branch, else unknown."""
    results = []
    for alternative in value.alternatives:
        if alternative is ABSENT:
            # The branch leaves the attribute unset (AWS defaults were filled in by the
            # normalizer). An item that vanishes from a list is not decided here.
            results.append(None if in_list else operator in _TRUE_WHEN_MISSING)
        else:
            results.append(_check(resource, alternative, rest, operator, expected, path, depth + 1).value)
    name = resource.native_name(path)
    shown: list = []
    for a in value.alternatives:
        text = "not set" if a is ABSENT else f"`{_show(a)}`"
        if text not in shown:
            shown.append(text)
    if rest or len(shown) > 4:
        where = f"`{name}` is `{_show(value)}`"
    else:
        where = f"`{name}` is {' or '.join(shown)} (`{_show(value)}`)"
    if all(r is False for r in results):
        if len(shown) == 1 and not rest:
            return Outcome(False, path, f"`{name}` is {shown[0]} in every branch of `{_show(value)}`")
        return Outcome(False, path, f"{where}, and fails in every branch")
    if all(r is True for r in results):
        return Outcome(True, path)
    verdicts = ", ".join(f"branch {i + 1} {_word(r)}" for i, r in enumerate(results))
    return Outcome(None, path, f"{where} ({value.reason}): {verdicts}")


def _word(result) -> str:
    return {True: "passes", False: "fails"}.get(result, "is unknown")


def _apply_shape(operator: str, actual: Unknown, expected: Any) -> bool | None:
    """Decide an operator on an Unknown from what is known of its text (pseudo parameters,
    `Fn::Sub`/`Fn::Join` shapes), only where the answer holds for every possible value."""
    if operator in ("equals", "not_equals", "within", "not_within", "is_true", "is_false"):
        if operator in ("equals", "not_equals"):
            candidates = [expected]
        elif operator in ("within", "not_within"):
            candidates = _as_list(expected)
        else:
            candidates = ["true" if operator == "is_true" else "false"]
        texts = [_norm(c) for c in candidates]
        if not all(isinstance(t, str) for t in texts):
            return None
        # `_norm` reads "TRUE", "True", "tRuE" as true: booleans are compared in any case.
        if all(cannot_be(actual, t, ignore_case=t in ("true", "false")) for t in texts):
            return operator in ("not_equals", "not_within")
        return None
    if operator in ("is_empty", "is_not_empty"):
        if cannot_be(actual, ""):
            return operator == "is_not_empty"
        return None
    if operator in ("contains", "not_contains") and isinstance(expected, str) and expected:
        if any(expected in text for text in literal_text(actual)):
            return operator == "contains"
        return None
    return None


def _describe(resource, path: tuple, value: Any) -> str:
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


def _norm(value: Any) -> Any:
    """Compare the way Terraform and CloudFormation users write values: "true" == true."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower()
    return value


_COLLECTION_OPERATORS = {"contains", "not_contains", "is_empty", "is_not_empty", "length_equals",
                         "length_greater_than", "length_less_than", "intersects", "not_intersects"}


def _apply(operator: str, actual: Any, expected: Any) -> bool | None:
    """One operator on one known value; None when the value holds an Unknown inside."""
    if isinstance(actual, Unknown):
        if actual.alternatives is not None:
            return _combine_branches([None if a is ABSENT else _apply(operator, a, expected)
                                      for a in actual.alternatives])
        return _apply_shape(operator, actual, expected)
    if isinstance(actual, list) and any(_is_conditional(x) for x in actual):
        worlds = _list_worlds(actual)
        if worlds is None:
            return None
        return _combine_branches([_apply(operator, w, expected) for w in worlds])
    if operator == "exists":
        return True
    if operator == "not_exists":
        return False
    if isinstance(actual, list) and operator not in _COLLECTION_OPERATORS and not (
            operator in ("equals", "not_equals") and isinstance(expected, list)):
        results = [_apply(operator, item, expected) for item in actual]
        if any(r is False for r in results):
            return False
        return None if any(r is None for r in results) else True
    if isinstance(actual, list) and any(isinstance(x, Unknown) for x in actual) and operator in (
            "contains", "not_contains", "intersects", "not_intersects"):
        return None
    if operator == "equals":
        return _norm(actual) == _norm(expected)
    if operator == "not_equals":
        return _norm(actual) != _norm(expected)
    if operator in ("within", "not_within"):
        inside = _norm(actual) in [_norm(v) for v in _as_list(expected)]
        return inside if operator == "within" else not inside
    if operator in ("contains", "not_contains"):
        if isinstance(actual, dict):
            found = expected in actual
        elif isinstance(actual, list):
            found = _norm(expected) in [_norm(v) for v in actual]
        else:
            found = str(expected) in str(actual)
        return found if operator == "contains" else not found
    if operator in ("intersects", "not_intersects"):
        have = {_norm(v) for v in _as_list(actual)}
        found = bool(have & {_norm(v) for v in _as_list(expected)})
        return found if operator == "intersects" else not found
    if operator in ("regex_match", "not_regex_match"):
        matched = re.match(str(expected), _plain(actual)) is not None
        return matched if operator == "regex_match" else not matched
    if operator == "is_true":
        return _norm(actual) == "true"
    if operator == "is_false":
        return _norm(actual) == "false"
    if operator in ("is_empty", "is_not_empty"):
        empty = actual in ("", None) or (isinstance(actual, (list, dict)) and not actual)
        return empty if operator == "is_empty" else not empty
    if operator in ("greater_than", "greater_than_or_equal", "less_than", "less_than_or_equal"):
        try:
            a, b = float(actual), float(expected)
        except (TypeError, ValueError):
            return False
        return {"greater_than": a > b, "greater_than_or_equal": a >= b,
                "less_than": a < b, "less_than_or_equal": a <= b}[operator]
    if operator in ("length_equals", "length_greater_than", "length_less_than"):
        try:
            n, want = len(actual), int(expected)
        except (TypeError, ValueError):
            return False
        return {"length_equals": n == want, "length_greater_than": n > want, "length_less_than": n < want}[operator]
    raise ValueError(f"unknown operator {operator!r}")


def _combine_branches(results: list) -> bool | None:
    if all(r is True for r in results):
        return True
    if all(r is False for r in results):
        return False
    return None


def _is_conditional(value: Any) -> bool:
    return isinstance(value, Unknown) and value.alternatives is not None


def _list_worlds(items: list, limit: int = 64) -> list | None:
    """Every list a list with conditional items can be (an `ABSENT` item drops out)."""
    worlds: list = [[]]
    for item in items:
        options = list(item.alternatives) if _is_conditional(item) else [item]
        worlds = [w + ([] if o is ABSENT else [o]) for w in worlds for o in options]
        if len(worlds) > limit:
            return None
    return worlds


def _plain(value: Any) -> str:
    return _norm(value) if not isinstance(_norm(value), (list, dict)) else str(value)


def _connection(node: dict, resource, ctx) -> Outcome:
    """Is the resource linked (either direction) to a resource of the connected types?"""
    wanted = set(_as_list(node.get("connected_resource_types")))
    operator = str(node.get("operator", "exists"))
    linked = False
    unresolved = False
    for ref, target in ctx.project.outgoing(resource):
        if target is None:
            guess = ref.target.rsplit(".", 1)[0] if "." in ref.target else ""
            if not guess or guess in wanted or "all" in wanted:
                unresolved = True
        elif target.type in wanted or "all" in wanted:
            linked = True
    for source, _ in ctx.project.incoming(resource):
        if source.type in wanted or "all" in wanted:
            linked = True
    if operator == "exists":
        if linked:
            return Outcome(True)
        return Outcome(None if unresolved else False, (), "" if unresolved else
                       f"not connected to any of {', '.join(sorted(wanted))}")
    if operator == "not_exists":
        if linked:
            return Outcome(False, (), f"connected to one of {', '.join(sorted(wanted))}")
        return Outcome(None if unresolved else True)
    raise ValueError(f"unknown connection operator {operator!r}")
