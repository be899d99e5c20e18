"""A condition without connections on one resource: Checkov's blocks, three-valued.

`and`/`or`/`not` follow Kleene logic; an attribute condition on a resource not of its
types is False (as in Checkov), remembered as not applying so that a finding points at
the condition that does; a `filter` is the test "the resource is of these types".
"""
from __future__ import annotations

from typing import Any

from iaclint.engine import attributes, grammar
from iaclint.engine.attributes import Outcome


def applies(types: tuple, resource) -> bool:
    return not types or resource.type in types


def evaluate(node: grammar.Node, resource) -> Outcome:
    """A condition without connections on one resource."""
    if isinstance(node, grammar.Attribute):  # the leaves first: most nodes evaluated are attribute conditions
        return attributes.check(node, resource) if applies(node.types, resource) else _NOT_APPLYING
    if isinstance(node, grammar.Complex):
        outcomes = [evaluate(child, resource) for child in node.children]
        if node.operator == "not":
            inner = outcomes[0]
            value = None if inner.value is None else not inner.value
            detail = f"not ({inner.detail})" if inner.detail and value is False else inner.detail
            return Outcome(value, inner.path, detail, inner.applies)
        return combine(outcomes, conjunction=node.operator == "and")
    if isinstance(node, grammar.Filter):
        return Outcome(filter_holds(node, resource), (), f"not one of {', '.join(map(str, node.values))}")
    raise ValueError(f"{node.where}: not an attribute condition")  # connections are decided per unit


_NOT_APPLYING = Outcome(False, (), "", applies=False)  # shared: outcomes are never changed


def combine(outcomes: list[Outcome], conjunction: bool) -> Outcome:
    """Kleene AND/OR; a False points at the first condition that applies to the resource."""
    decisive = False if conjunction else True
    hits = [o for o in outcomes if o.value is decisive]
    if hits:
        return next((o for o in hits if o.applies), hits[0])
    unknown = [o for o in outcomes if o.value is None]
    if unknown:
        return unknown[0]
    if conjunction:
        return Outcome(True)
    return next((o for o in outcomes if o.applies), outcomes[0])  # every branch of an `or` failed


def filter_holds(node: grammar.Filter, resource) -> bool:
    if node.attribute == "resource_type":
        return resource.type in node.values
    value: Any = resource.attributes
    for part in node.attribute.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return bool(value) and value in node.values


def resource_condition(node: grammar.ResourceCondition, resource) -> Outcome:
    """`cond_type: resource`: `exists` allows only these types, `not_exists` forbids them."""
    listed = resource.type in node.types
    if node.operator == "exists":
        return Outcome(listed, (), "" if listed else f"`{resource.type}` is not an allowed resource type")
    return Outcome(False, (), f"`{resource.type}` is a forbidden resource type")
