"""Checkov policies written for CloudFormation, read in the canonical vocabulary.

Checkov runs a policy on the resource types it names: one written for
`AWS::SageMaker::NotebookInstance` with the attribute `DirectInternetAccess` runs on
templates only. iaclint's model is canonical (Terraform names), so such a condition is
translated once, at load, with the same tables that translate templates
(`iaclint.normalize`): the type becomes `aws_sagemaker_notebook_instance`, the path
`direct_internet_access`; a `jsonpath_` condition's JSONPath is renamed field by field.
Keys inside a document the translation copies verbatim (an IAM policy) stay as written.
The policy then runs on CloudFormation as in Checkov, and on Terraform too. Terraform
names pass through unchanged.
"""
from __future__ import annotations


from iaclint.engine import grammar
from iaclint.model.records import replace
from iaclint.normalize.tables import CFN_TYPES
from iaclint.normalize.translate import canonical_type, snake


def is_cloudformation(type_name: str) -> bool:
    return type_name.startswith("AWS::") and type_name.count("::") == 2


def canonical_types(types: tuple) -> tuple:
    return tuple(dict.fromkeys(canonical_type(t) if is_cloudformation(t) else t for t in types))


def canonical_path(native_type: str, attribute: str) -> str:
    """A CloudFormation property path (`VpcConfig.SecurityGroupIds.*`) in the canonical
    vocabulary of `native_type` (`vpc_config.security_group_ids.*`). Inside a document
    the translation copies verbatim (an IAM policy), the keys stay as written."""
    table = CFN_TYPES.get(native_type, {})
    renames, moves = table.get("renames", {}), table.get("moves", {})
    opaque = table.get("opaque", ())
    dotted = ""
    out: list[str] = []
    for part in attribute.split("."):
        if part == "*" or part.isdigit() or _in_document(dotted, opaque):
            out.append(part)
            continue
        dotted = f"{dotted}.{part}" if dotted else part
        if dotted in moves:
            out = moves[dotted].split(".")
            continue
        out.append(renames.get(dotted) or snake(part))
    return ".".join(out)


def _canonical_jsonpath(native_type: str, expression: str) -> str:
    """A JSONPath in CloudFormation names (`$.VpcConfig.Subnets[*]`) in the canonical
    vocabulary (`$.vpc_config.subnets[*]`), field by field along its path."""
    from iaclint.engine import jsonpaths

    table = CFN_TYPES.get(native_type, {})

    def rename(context, field: str) -> str:
        if context is None:  # below `..`: any path leads here
            if table.get("opaque") or any(k.rsplit(".", 1)[-1] == field for k in table.get("renames", {})):
                raise jsonpaths.Untranslatable(f"`..{field}` cannot be translated for {native_type}, whose "
                                               "renamed keys or documents depend on the path: write the path out")
            return snake(field)
        base = canonical_path(native_type, ".".join(context)).split(".") if context else []
        full = canonical_path(native_type, ".".join(context + (field,))).split(".")
        if full[:-1] != base:
            raise jsonpaths.Untranslatable(f"`{'.'.join(context + (field,))}` of {native_type} moves to "
                                           f"`{'.'.join(full)}` in iaclint's model: write the condition in Terraform names")
        return full[-1]

    try:
        return jsonpaths.rename_fields(expression, rename)
    except jsonpaths.Untranslatable as exc:
        raise grammar.GrammarError(f"JSONPath `{expression}` in CloudFormation names: {exc}") from None


def _in_document(dotted: str, opaque) -> bool:
    return bool(dotted) and any(dotted == o or dotted.startswith(o + ".") for o in opaque)


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
    translate = _canonical_jsonpath if node.jsonpath else canonical_path
    by_path: dict[str, list[str]] = {}
    for t in node.types:
        try:
            path = translate(t, node.attribute) if is_cloudformation(t) else node.attribute
        except grammar.GrammarError as exc:
            raise grammar.GrammarError(f"{node.where}/attribute: {exc}") from None
        by_path.setdefault(path, []).append(canonical_type(t) if is_cloudformation(t) else t)
    parts = [replace(node, types=tuple(dict.fromkeys(types)), attribute=path) for path, types in by_path.items()]
    return parts[0] if len(parts) == 1 else grammar.Complex("or", tuple(parts), node.where)
