"""The roles AI resources run as, in both directions: which role a SageMaker, Bedrock,
Comprehend, Kendra or Lex resource names (`role_of_reference`) and which AI resources run
as a given role (`execution_role_users`), by reference or by a literal role ARN. Kept apart
from `principals`, which gathers what a principal is granted, because policies ask these
questions of the AI resource, not of the role's permissions."""
from __future__ import annotations

import weakref
from typing import Any

from iaclint.aws.iam.principals import PRINCIPAL_ARN, ROLE, named_in_unit
from iaclint.aws.iam.statements import unknown_reason
from iaclint.model import paths as _paths
from iaclint.model.project import kept_with
from iaclint.model.unknown import is_unknown

# Attributes that name the role an AI resource runs as (at any depth:
# `default_user_settings.execution_role`), on these resource type prefixes.
ROLE_ATTRIBUTES = ("role_arn", "execution_role", "execution_role_arn", "agent_resource_role_arn")
AI_TYPE_PREFIXES = ("aws_sagemaker_", "aws_bedrock", "aws_comprehend_", "aws_kendra_", "aws_lexv2models_")


def role_of_reference(resource, path, ctx) -> list[tuple[tuple, Any, str]]:
    """The roles written at `path` of `resource` (`role_arn`,
    `default_user_settings.execution_role`): (path, role, "") for a role in the scanned
    files, (path, None, reason) for one that cannot be found. Empty when unset."""
    out = []
    for where, value in _paths.find(resource.attributes, path):
        if value is None:
            continue
        edges = ctx.project.outgoing(resource, where) if ctx is not None else []
        roles = [t for _, t in edges if t is not None and t.type == ROLE]
        if roles:
            out.extend((where, role, "") for role in roles)
            continue
        if edges:
            ref, target = edges[0]
            if target is None:
                out.append((where, None, f"`{ref.target}` is not in the scanned files"))
            else:
                out.append((where, None, f"`{target.address}` is not a role defined in the scanned files"))
            continue
        if isinstance(value, str) and ctx is not None:
            named = named_in_unit(resource, ctx, ROLE, value)
            if named:
                out.extend((where, role, "") for role in named)
            else:
                out.append((where, None, f"the role `{value}` is not in the scanned files"))
            continue
        reason = unknown_reason(value) if is_unknown(value) else "the role cannot be found"
        out.append((where, None, reason))
    return out


def execution_role_users(role, ctx) -> list[tuple[Any, tuple]]:
    """(AI resource, path) for every SageMaker, Bedrock, Comprehend, Kendra or Lex resource
    that runs as `role` through one of `ROLE_ATTRIBUTES`, by reference or literal ARN."""
    if ctx is None:
        return []
    out = []
    for source, ref in ctx.project.incoming(role):
        if source.type.startswith(AI_TYPE_PREFIXES) and _is_role_path(ref.path):
            out.append((source, tuple(ref.path)))
    name = role.attributes.get("name")
    if isinstance(name, str) and name:
        for other, where in _literal_role_arns(ctx, role.unit).get(name, []):
            if (other, where) not in out:
                out.append((other, where))
    return out


_LITERAL_ROLES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _literal_role_arns(ctx, unit: str) -> dict:
    """Role name -> [(AI resource, path)] for every literal role ARN written in a role
    attribute of an AI resource of `unit`; built once per project and unit."""
    project = ctx.project
    per_unit = kept_with(_LITERAL_ROLES, project)
    index = per_unit.get(unit)
    if index is not None:
        return index
    index = per_unit[unit] = {}
    for other in project.unit_resources(unit):
        if not other.type.startswith(AI_TYPE_PREFIXES):
            continue
        found = sorted(_find_named(other.attributes, ROLE_ATTRIBUTES), key=lambda f: ROLE_ATTRIBUTES.index(f[0][-1]))
        for where, value in found:  # one walk for all the names, in the names' order
            match = PRINCIPAL_ARN.match(value.strip()) if isinstance(value, str) else None
            if match and match.group("kind") == "role":
                index.setdefault(match.group("name"), []).append((other, where))
    return index


def _is_role_path(path) -> bool:
    return any(isinstance(part, str) and part in ROLE_ATTRIBUTES for part in path)


def _find_named(value: Any, names: tuple, prefix: tuple = (), depth: int = 0) -> list[tuple[tuple, Any]]:
    """(path, value) of every key in `names` at any depth of nested blocks, depth first.
    (A list filled by plain recursion: a chain of generators cost a resume per level for
    every item, and every AI resource of a unit is walked.)"""
    found: list = []
    _collect_named(value, names, prefix, depth, found)
    return found


def _collect_named(value: Any, names: tuple, prefix: tuple, depth: int, found: list) -> None:
    if depth > 16:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if key in names:
                found.append((prefix + (key,), item))
            elif isinstance(item, (dict, list)):
                _collect_named(item, names, prefix + (key,), depth + 1, found)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, (dict, list)):
                _collect_named(item, names, prefix + (i,), depth + 1, found)
