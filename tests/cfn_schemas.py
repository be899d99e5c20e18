"""CloudFormation resource schemas as cfn-lint bundles them (us-east-1): the reference the
translation tables and the awscc naming are checked against. Tests only: cfn-lint is never
imported on the scan path."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def _schema_index() -> tuple[Path, dict]:
    import cfnlint

    base = Path(cfnlint.__file__).parent / "data" / "schemas"
    return base, json.loads((base / "providers" / "us-east-1.json").read_text())


def _schema(cfn_type: str) -> dict | None:
    base, index = _schema_index()
    digest = index.get(cfn_type)
    if digest is None:
        return None
    return json.loads((base / "resources" / f"{digest}.json").read_text())


def _resolve(schema: dict, node: dict) -> dict:
    for _ in range(20):
        if "$ref" in node:
            target = schema
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target.get(part, {}) if isinstance(target, dict) else {}
            node = target
        elif node.get("type") == "array" and "items" in node:
            node = node["items"]
        else:
            return node
    return node


def _properties(schema: dict, node: dict) -> dict:
    """Properties of a node, including those of its oneOf/anyOf/allOf branches."""
    node = _resolve(schema, node)
    props = dict(node.get("properties", {}))
    for key in ("oneOf", "anyOf", "allOf"):
        for branch in node.get(key, ()):
            props.update(_properties(schema, branch))
    return props


def property_exists(cfn_type: str, dotted: str) -> bool:
    schema = _schema(cfn_type)
    node = schema
    for segment in dotted.split("."):
        props = _properties(schema, node)
        if segment not in props:
            return False
        node = props[segment]
    return True


def schema_types() -> list:
    """Every resource type the schemas list."""
    return sorted(_schema_index()[1])


def property_names(cfn_type: str) -> set:
    """Every property name of a type, at any depth (definitions followed once each)."""
    schema = _schema(cfn_type)
    names: set = set()
    stack, seen = [schema], set()
    while stack:
        node = stack.pop()
        for name, sub in _properties(schema, node).items():
            names.add(name)
            ref = sub.get("$ref") or (sub.get("items") or {}).get("$ref") if isinstance(sub, dict) else None
            key = ref or id(sub)
            if key not in seen:
                seen.add(key)
                stack.append(sub)
    return names
