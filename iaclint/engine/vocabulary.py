"""Checkov policies written for CloudFormation, read in the canonical vocabulary.

Checkov runs a policy on the resource types it names: one written for
`AWS::SageMaker::NotebookInstance` with the attribute `DirectInternetAccess` runs on
templates only. iaclint's model is canonical (Terraform names), so such a condition is
translated once, at load, with the same tables that translate templates
(`iaclint.normalize`): the type becomes `aws_sagemaker_notebook_instance`, the path
`direct_internet_access`. The policy then runs on CloudFormation as in Checkov, and on
Terraform too. Terraform names pass through unchanged.
"""
from __future__ import annotations

from dataclasses import replace

from iaclint.engine import grammar
from iaclint.normalize.tables import CFN_TYPES
from iaclint.normalize.translate import canonical_type, snake


def is_cloudformation(type_name: str) -> bool:
    return type_name.startswith("AWS::") and type_name.count("::") == 2


def canonical_types(types: tuple) -> tuple:
    return tuple(dict.fromkeys(canonical_type(t) if is_cloudformation(t) else t for t in types))


def canonical_path(native_type: str, attribute: str) -> str:
    """A CloudFormation property path (`VpcConfig.SecurityGroupIds.*`) in the canonical
    vocabulary of `native_type` (`vpc_config.security_group_ids.*`)."""
    table = CFN_TYPES.get(native_type, {})
    renames, moves = table.get("renames", {}), table.get("moves", {})
    dotted = ""
    out: list[str] = []
    for part in attribute.split("."):
        if part == "*" or part.isdigit():
            out.append(part)
            continue
        dotted = f"{dotted}.{part}" if dotted else part
        if dotted in moves:
            out = moves[dotted].split(".")
            continue
        out.append(renames.get(dotted) or snake(part))
    return ".".join(out)


def canonical_node(node: grammar.Node) -> grammar.Node:
    """The condition tree with every CloudFormation type and path translated."""
    if isinstance(node, grammar.Complex):
        return replace(node, children=tuple(canonical_node(c) for c in node.children))
    if isinstance(node, grammar.Connection):
        return replace(node, types=canonical_types(node.types), connected=canonical_types(node.connected))
    if isinstance(node, grammar.ResourceCondition):
        return replace(node, types=canonical_types(node.types))
    if isinstance(node, grammar.Filter):
        if node.attribute != "resource_type":
            return node
        return replace(node, values=tuple(canonical_type(v) if isinstance(v, str) and is_cloudformation(v) else v
                                          for v in node.values))
    if not any(is_cloudformation(t) for t in node.types):
        return node
    if node.jsonpath:
        raise grammar.GrammarError(f"{node.where}: a `{node.operator}` condition on CloudFormation types is not "
                                   "supported (name the Terraform types, whose JSONPath iaclint runs on both)")
    by_path: dict[str, list[str]] = {}
    for t in node.types:
        path = canonical_path(t, node.attribute) if is_cloudformation(t) else node.attribute
        by_path.setdefault(path, []).append(canonical_type(t) if is_cloudformation(t) else t)
    parts = [replace(node, types=tuple(dict.fromkeys(types)), attribute=path) for path, types in by_path.items()]
    return parts[0] if len(parts) == 1 else grammar.Complex("or", tuple(parts), node.where)
