"""Checkov's custom-policy grammar: a policy document read into a tree of conditions.

The grammar is Checkov's (`checkov/common/checks_infra/checks_parser.py`, 3.3.30):
`definition` is a condition or a block `and:`/`or:` of conditions (nested freely) or
`not:` of one; a condition has a `cond_type`:

- `attribute`: `resource_types`, `attribute` (a dotted path, `*` for every list index,
  or a JSONPath with a `jsonpath_` operator), `operator` (`iaclint.engine.operators`),
  `value`;
- `connection`: `resource_types`, `connected_resource_types`, `operator` `exists`,
  `not_exists` or `one_exists`;
- `filter`: `attribute` (normally `resource_type`), `operator: within`, `value`;
- `resource`: `resource_types`, `operator` `exists` (only these types are allowed) or
  `not_exists` (these types are forbidden).

Everything is checked here, once, at load: what Checkov would silently skip or
mis-evaluate (an unknown operator, a condition without `cond_type`, which Checkov treats
as always true, a typo in a key) is a `GrammarError` naming the place
(`definition/and/1/operator`) and the reason.
"""
from __future__ import annotations

from typing import Any, Iterator, Union

from iaclint.engine import operators
from iaclint.model.records import dataclass

COMPLEX = ("and", "or", "not")
CONNECTION_OPERATORS = ("exists", "not_exists", "one_exists")
RESOURCE_OPERATORS = ("exists", "not_exists")
_LEAF_KEYS = {
    "attribute": {"cond_type", "resource_types", "attribute", "operator", "value"},
    "connection": {"cond_type", "resource_types", "connected_resource_types", "operator"},
    "filter": {"cond_type", "attribute", "operator", "value", "resource_types"},
    "resource": {"cond_type", "resource_types", "operator"},
}
CONDITION_TYPES = tuple(_LEAF_KEYS)
# Checkov expands these from lists bundled with it; iaclint cannot know them.
_UNSUPPORTED_TYPES = {"taggable": "the `taggable` resource list is Checkov's own data",
                      "provider": "provider blocks are not resources in iaclint"}


class GrammarError(ValueError):
    """A policy iaclint cannot run as Checkov would: the message names where and why."""


@dataclass(frozen=True)
class Attribute:
    types: tuple  # () means every type (`all` or no `resource_types`)
    attribute: str
    operator: str
    value: Any
    where: str

    @property
    def jsonpath(self) -> bool:
        return self.operator.startswith(operators.JSONPATH_PREFIX)


@dataclass(frozen=True)
class Connection:
    types: tuple
    connected: tuple
    operator: str
    where: str


@dataclass(frozen=True)
class Filter:
    attribute: str
    values: tuple
    where: str


@dataclass(frozen=True)
class ResourceCondition:
    types: tuple
    operator: str
    where: str


@dataclass(frozen=True)
class Complex:
    operator: str  # and, or, not
    children: tuple
    where: str


Node = Union[Attribute, Connection, Filter, ResourceCondition, Complex]


def parse(definition: Any, where: str = "definition") -> Node:
    """The condition tree of a `definition`; GrammarError when it is not one."""
    if not isinstance(definition, dict):
        raise GrammarError(f"{where}: a condition or an and/or/not block is a mapping, "
                           f"not {type(definition).__name__}")
    blocks = [key for key in COMPLEX if key in definition]
    if blocks:
        return _complex(definition, blocks, where)
    kind = definition.get("cond_type")
    if kind is None:
        raise GrammarError(f"{where}: a condition needs `cond_type` (attribute, connection, filter or resource); "
                           "Checkov treats a condition without one as always true")
    if kind not in _LEAF_KEYS:
        raise GrammarError(f"{where}/cond_type: {kind!r} is not attribute, connection, filter or resource")
    extra = sorted(set(definition) - _LEAF_KEYS[kind])
    if extra:
        raise GrammarError(f"{where}: unknown key {extra[0]!r} in a {kind} condition "
                           f"(expected {', '.join(sorted(_LEAF_KEYS[kind]))})")
    return {"attribute": _attribute, "connection": _connection, "filter": _filter,
            "resource": _resource}[kind](definition, where)


def _complex(definition: dict, blocks: list, where: str) -> Complex:
    if len(blocks) > 1 or len(definition) > 1:
        others = sorted(set(definition) - {blocks[0]})
        raise GrammarError(f"{where}: an `{blocks[0]}` block stands alone in its mapping; found also "
                           f"{', '.join(repr(o) for o in others)}")
    operator = blocks[0]
    children = definition[operator]
    if isinstance(children, dict):  # Checkov accepts `not: {condition}`
        children = [children]
    if not isinstance(children, list) or not children:
        raise GrammarError(f"{where}/{operator}: needs a list of conditions")
    nodes = tuple(parse(child, f"{where}/{operator}/{i}") for i, child in enumerate(children))
    if operator == "not":
        if len(nodes) != 1:
            raise GrammarError(f"{where}/not: takes exactly one condition, not {len(nodes)}")
        if has_connection(nodes[0]):
            raise GrammarError(f"{where}/not: Checkov cannot negate a block with a connection "
                               "(use the connection's `not_exists`)")
    for node in nodes:
        if isinstance(node, ResourceCondition):
            raise GrammarError(f"{node.where}: a `resource` condition stands alone as the whole definition")
    return Complex(operator, nodes, where)


def _types(value: Any, where: str, key: str = "resource_types") -> tuple:
    if value is None or value == [] or value == "":
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(t, str) and t for t in items):
        raise GrammarError(f"{where}/{key}: a resource type or a list of them")
    if items[0].lower() == "all":  # Checkov looks at the first entry only
        return ()
    for item in items:
        if item.lower() in _UNSUPPORTED_TYPES:
            raise GrammarError(f"{where}/{key}: `{item}` is not supported: {_UNSUPPORTED_TYPES[item.lower()]}")
    return tuple(items)


def _attribute(definition: dict, where: str) -> Attribute:
    attribute = definition.get("attribute")
    if not isinstance(attribute, str) or not attribute:
        raise GrammarError(f"{where}/attribute: an attribute condition needs an attribute path")
    operator = definition.get("operator")
    if not isinstance(operator, str) or not operators.is_known(operator):
        raise GrammarError(f"{where}/operator: {operator!r} is not one of Checkov's attribute operators "
                           "(see docs/checkov.md for the list)")
    node = Attribute(_types(definition.get("resource_types"), where), attribute, operator,
                     definition.get("value"), where)
    if node.jsonpath:
        from iaclint.engine import jsonpaths

        try:
            jsonpaths.compile_path(attribute)
        except Exception as exc:  # noqa: BLE001 - the JSONPath parser raises several kinds
            raise GrammarError(f"{where}/attribute: not a JSONPath: {attribute!r} ({exc})") from None
    return node


def _connection(definition: dict, where: str) -> Connection:
    operator = definition.get("operator")
    if operator not in CONNECTION_OPERATORS:
        raise GrammarError(f"{where}/operator: a connection's operator is exists, not_exists or one_exists, "
                           f"not {operator!r}")
    for key in ("resource_types", "connected_resource_types"):
        value = definition.get(key)
        if (value[0] if isinstance(value, list) and value else value) in ("all", "All", "ALL"):
            raise GrammarError(f"{where}/{key}: `all` is not supported in a connection "
                               "(Checkov connects every block of the graph, variables and outputs included): "
                               "name the resource types")
    types = _types(definition.get("resource_types"), where)
    connected = _types(definition.get("connected_resource_types"), where, "connected_resource_types")
    if not types or not connected:
        raise GrammarError(f"{where}: a connection names its `resource_types` and `connected_resource_types`")
    return Connection(types, connected, operator, where)


def _filter(definition: dict, where: str) -> Filter:
    if definition.get("operator") != "within":
        raise GrammarError(f"{where}/operator: a filter's operator is `within`, not {definition.get('operator')!r}")
    attribute = definition.get("attribute")
    if not isinstance(attribute, str) or not attribute:
        raise GrammarError(f"{where}/attribute: a filter needs an attribute (normally `resource_type`)")
    values = definition.get("value")
    values = [values] if isinstance(values, str) else values
    if not isinstance(values, list) or not values:
        raise GrammarError(f"{where}/value: a filter needs a list of values")
    return Filter(attribute, tuple(values), where)


def _resource(definition: dict, where: str) -> ResourceCondition:
    operator = definition.get("operator")
    if operator not in RESOURCE_OPERATORS:
        raise GrammarError(f"{where}/operator: a resource condition's operator is exists or not_exists, "
                           f"not {operator!r}")
    types = _types(definition.get("resource_types"), where)
    if not types:
        raise GrammarError(f"{where}/resource_types: a resource condition names the types it allows or forbids")
    return ResourceCondition(types, operator, where)


def walk(node: Node) -> Iterator[Node]:
    yield node
    if isinstance(node, Complex):
        for child in node.children:
            yield from walk(child)


def has_connection(node: Node) -> bool:
    return any(isinstance(n, Connection) for n in walk(node))


def node_types(node: Node) -> tuple:
    """The types Checkov evaluates an attribute block on: its own, or the union of its
    children's (a filter, or a child on every type, adds none); () means every type."""
    if isinstance(node, Complex):
        out: list = []
        for child in node.children:
            if not isinstance(child, Filter):
                out.extend(node_types(child))
        return tuple(dict.fromkeys(out))
    if isinstance(node, (Attribute, Connection, ResourceCondition)):
        return node.types
    return ()


def reported_types(node: Node) -> tuple:
    """The types a policy gives verdicts on (() for every type). A block with a
    connection reports both ends of each connection and every attribute condition's
    types, narrowed by its `filter`s (Checkov's `filter_results`)."""
    if isinstance(node, ResourceCondition):
        return () if node.operator == "exists" else node.types
    if not has_connection(node):
        return node_types(node)
    out: list = []
    for n in walk(node):
        if isinstance(n, Connection):
            out.extend(n.types + n.connected)
        elif isinstance(n, Attribute):
            out.extend(n.types)
    if isinstance(node, Complex):
        for child in node.children:
            if isinstance(child, Filter) and child.attribute == "resource_type":
                out = [t for t in out if t in child.values]
    return tuple(dict.fromkeys(out))
