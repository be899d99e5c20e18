"""Policies with `connection` conditions, decided as Checkov decides them, per unit.

Checkov solves a block with connections over the whole graph at once
(`checkov/common/checks_infra/solvers/connections_solvers/`), and so does this module,
over one unit (a Terraform module tree, a template: references never leave a unit):

- `connection` `exists`: every resource of either side that references, or is
  referenced by, a resource of the other side passes; every other resource of either
  side fails (all of them when one side is empty). `not_exists` swaps the two;
  `one_exists` lets a resource pass when any of its connections does.
- `and`: the attribute conditions are taken first; a resource that fails them fails its
  connections too ("excluded"), and a connection to it fails; failing wins over unknown,
  unknown over passing. `or`: any passing part passes.
- a `filter` keeps only the resources of its types in the block's verdicts.

The only difference from Checkov: a resource with a reference iaclint cannot resolve
(its target is not in the scan) that might be of the other side is UNKNOWN where Checkov
would say it is not connected (listed in docs/checkov.md).
"""
from __future__ import annotations

from iaclint.engine import grammar
from iaclint.engine.attributes import Outcome
from iaclint.engine.conditions import applies, evaluate, filter_holds

_MEMO = "checkov-connections"


class _Verdicts:
    """Resources that passed, failed and are unknown, in order, with their outcome."""

    def __init__(self):
        self.passed: dict = {}
        self.failed: dict = {}
        self.unknown: dict = {}

    def add(self, other: "_Verdicts") -> None:
        for mine, theirs in ((self.passed, other.passed), (self.failed, other.failed), (self.unknown, other.unknown)):
            for key, entry in theirs.items():
                mine.setdefault(key, entry)

    def drop(self, bucket: dict, *others: dict) -> None:
        for key in [k for k in bucket if any(k in o for o in others)]:
            del bucket[key]


def verdict(policy, resource, ctx) -> Outcome | None:
    """The policy's verdict on `resource`, None when Checkov gives it none."""
    key = (_MEMO, policy.id, resource.unit)
    table = ctx.memo.get(key)
    if table is None:
        unit = ctx.project.unit_resources(resource.unit)
        table = ctx.memo[key] = _table(_solve(policy.tree, unit, ctx.project))
    return table.get(id(resource))


def _table(result: _Verdicts) -> dict:
    table = {k: Outcome(True) for k in result.passed}
    for k, (_, outcome) in result.unknown.items():
        table[k] = Outcome(None, outcome.path, outcome.detail)
    for k, (_, outcome) in result.failed.items():
        table[k] = Outcome(False, outcome.path, outcome.detail)
    return table


def _solve(node, unit: list, project, excluded: dict | None = None, unknown: dict | None = None) -> _Verdicts:
    if isinstance(node, grammar.Connection):
        return _connection(node, unit, project, excluded or {}, unknown or {})
    if isinstance(node, grammar.Complex) and grammar.has_connection(node):
        return _block(node, unit, project)
    return _attributes(node, unit)


def _attributes(node, unit: list) -> _Verdicts:
    out = _Verdicts()
    types = grammar.node_types(node)
    for r in unit:
        if applies(types, r):
            outcome = evaluate(node, r)
            bucket = out.passed if outcome.value is True else out.unknown if outcome.value is None else out.failed
            bucket.setdefault(id(r), (r, outcome))
    return out


def _block(node: grammar.Complex, unit: list, project) -> _Verdicts:
    connections = [c for c in node.children if isinstance(c, grammar.Connection) or
                   (isinstance(c, grammar.Complex) and grammar.has_connection(c))]
    filters = [c for c in node.children if isinstance(c, grammar.Filter)]
    plain = [c for c in node.children if c not in connections and c not in filters]
    out = _Verdicts()
    if node.operator == "and":
        if not any(r.type in _own_types(node) for r in unit):
            return out
        for child in plain:
            out.add(_attributes(child, unit))
        out.drop(out.passed, out.failed, out.unknown)
        filtered = {v for f in filters if f.attribute == "resource_type" for v in f.values}
        for child in sorted(connections, key=lambda c: _touches(c, filtered)):
            out.add(_solve(child, unit, project, dict(out.failed), dict(out.unknown)))
        out.drop(out.passed, out.failed, out.unknown)
        out.drop(out.unknown, out.failed)
    else:  # or
        for child in plain:
            out.add(_attributes(child, unit))
        for child in connections:
            out.add(_solve(child, unit, project))
        out.drop(out.unknown, out.passed)
        out.drop(out.failed, out.passed, out.unknown)
    for f in filters:
        for bucket in (out.passed, out.failed, out.unknown):
            for key in [k for k, (r, _) in bucket.items() if not filter_holds(f, r)]:
                del bucket[key]
    return out


def _own_types(node: grammar.Complex) -> set:
    """The types of a block with connections (Checkov's `ComplexConnectionSolver`): both
    ends of its connections, nested blocks with connections included, and the types of
    its attribute conditions."""
    out: set = set()
    for child in node.children:
        if isinstance(child, grammar.Connection):
            out.update(child.types + child.connected)
        elif isinstance(child, grammar.Attribute):
            out.update(child.types)
        elif isinstance(child, grammar.Complex) and grammar.has_connection(child):
            out.update(_own_types(child))
    return out


def _touches(node, types: set) -> bool:
    """Checkov runs the connections on filtered types last."""
    if isinstance(node, grammar.Connection):
        return bool(types & set(node.types + node.connected))
    return False


def _connection(node: grammar.Connection, unit: list, project, excluded: dict, unknown: dict) -> _Verdicts:
    side_a = [r for r in unit if r.type in node.types]
    side_b = [r for r in unit if r.type in node.connected]
    members = {id(r): r for r in side_a + side_b}
    in_a, in_b = {id(r) for r in side_a}, {id(r) for r in side_b}
    found = _Verdicts()
    if side_a and side_b:
        for r in unit:
            for _, target in project.outgoing(r):
                if target is None or target is r:
                    continue
                u, v = id(r), id(target)
                if not ((u in in_a and v in in_b) or (u in in_b and v in in_a)):
                    continue
                pair = ((r, target), (target, r))
                if u in excluded or v in excluded:
                    bad = excluded.get(u) or excluded.get(v)
                    for this, other in pair:
                        found.failed.setdefault(id(this), (this, Outcome(False, (), _linked(other, bad))))
                elif u in unknown or v in unknown:
                    for this, other in pair:
                        entry = unknown.get(id(other)) or unknown.get(id(this))
                        found.unknown.setdefault(id(this), (this, entry[1]))
                else:
                    for this, other in pair:
                        found.passed.setdefault(id(this), (this, Outcome(True, (), f"connected to `{other.address}`")))
    for key, r in members.items():
        if key in found.passed or key in found.unknown or key in found.failed:
            continue
        wanted = node.connected if key in in_a else node.types
        if _maybe_linked(r, wanted, project):
            found.unknown[key] = (r, Outcome(None, (), f"may reference a {' or '.join(wanted)} outside the scan"))
        else:
            found.failed[key] = (r, Outcome(False, (), f"not connected to any {' or '.join(wanted)}"))
    if node.operator == "not_exists":
        swapped = _Verdicts()
        swapped.passed = found.failed
        swapped.failed = {k: (r, Outcome(False, (), o.detail)) for k, (r, o) in found.passed.items()}
        swapped.unknown = found.unknown
        return swapped
    if node.operator == "one_exists":
        found.drop(found.failed, found.passed)
        found.drop(found.unknown, found.passed)
    return found


def _linked(other, bad) -> str:
    reason = f" ({bad[1].detail})" if bad and bad[1].detail else ""
    return f"connected to `{other.address}`, which fails{reason}"


def _maybe_linked(resource, wanted: tuple, project) -> bool:
    """Does the resource hold a reference iaclint cannot resolve that may be to `wanted`?"""
    for ref, target in project.outgoing(resource):
        if target is None:
            guess = ref.target.rsplit(".", 1)[0] if "." in ref.target else ""
            if not guess or guess in wanted:
                return True
    return False
