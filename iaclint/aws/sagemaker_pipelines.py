"""SageMaker pipeline definitions: the JSON document a pipeline runs, read once for every policy.

`aws_sagemaker_pipeline.pipeline_definition` (CloudFormation
`PipelineDefinition.PipelineDefinitionBody`, moved to the same canonical path by the
translation table) is a JSON document in any form `iaclint.model.documents.decode` reads:
`jsonencode()`, a heredoc or quoted string, a CloudFormation object or `!Sub` string, or an
Unknown. The JSON inside uses the SageMaker API's PascalCase in both formats.

- `load` decodes the definition and its pipeline parameters, or says why its steps cannot
  be read (a definition kept in S3, an unknown value, text that is not a JSON object);
- `steps` yields every step with its canonical path, descending into the `IfSteps` and
  `ElseSteps` of `Condition` steps; `walk` does both for a policy that checks steps of
  some types, yielding the steps to check and what cannot be read;
- `dig` follows keys into a step's `Arguments`, stopping at an Unknown on the way;
- `resolve` reads a literal, or a `{"Get": "Parameters.X"}` reference as the parameter's
  `DefaultValue` (what a run uses unless the caller overrides it), else `UNRESOLVED`;
  `switch` reads a boolean argument such as `EnableNetworkIsolation` that way, with the
  words a message needs;
- `nvme_only_types` applies `iaclint.aws.instances` to a cluster's instance types.

Nothing here decides a verdict: policies do, from these facts.
"""
from __future__ import annotations

from typing import Any, Iterator

from iaclint.aws.instances import nvme_only
from iaclint.model.documents import decode
from iaclint.model.records import dataclass
from iaclint.model.unknown import is_unknown

ROOT = ("pipeline_definition",)
S3_LOCATION = ("pipeline_definition_s3_location",)
UNRESOLVED = object()  # a value that is only known when the pipeline runs


def show(expr: Any) -> str:
    """An expression short enough for a one-line message."""
    text = " ".join(str(expr).split())
    return text if len(text) <= 60 else text[:57] + "..."


def written(value: Any) -> bool:
    """Is a value set? An Unknown (a reference, a pipeline variable) counts as set."""
    return is_unknown(value) or value not in (None, "", [], {})


@dataclass
class Pipeline:
    """A pipeline's definition as far as the source tells it.

    `where` is the definition attribute in the user's spelling. When the steps cannot be
    read, `problem` says why (for an UNKNOWN verdict) and `problem_path` where; otherwise
    `definition` is the decoded JSON object and `params` maps each pipeline parameter's
    name to its `DefaultValue` (`UNRESOLVED` when it has none), or is None when the
    parameter list itself is unknown."""

    where: str
    definition: Any = None
    params: dict | None = None
    problem: str = ""
    problem_path: tuple = ROOT


def load(resource) -> Pipeline | None:
    """The definition of an `aws_sagemaker_pipeline`; None when it has none at all."""
    attrs = resource.attributes
    where = resource.native_name(ROOT)
    raw = attrs.get(ROOT[0])
    if not written(raw):
        if not written(attrs.get(S3_LOCATION[0])):
            return None
        name = resource.native_name(S3_LOCATION)
        return Pipeline(where, problem=f"the pipeline definition is read from S3 (`{name}`), not from the "
                                       f"source: its steps cannot be checked", problem_path=S3_LOCATION)
    definition = decode(raw)
    if is_unknown(definition):
        return Pipeline(where, problem=f"`{where}` is `{show(definition.expr)}`, unknown until deployment")
    if not isinstance(definition, dict):
        return Pipeline(where, problem=f"`{where}` is not a JSON pipeline definition that can be read")
    return Pipeline(where, definition=definition, params=_parameters(definition))


def _parameters(definition: dict) -> dict | None:
    params = definition.get("Parameters", [])
    if is_unknown(params):
        return None
    out = {}
    for param in params if isinstance(params, list) else []:
        if isinstance(param, dict) and isinstance(param.get("Name"), str):
            out[param["Name"]] = param.get("DefaultValue", UNRESOLVED)
    return out


@dataclass
class Step:
    """One step: its canonical path, its JSON object (`body`), its `Type` and a label for
    messages (`step "Train"`). `unknown` is the message to report when the step or its
    type is an Unknown; such a step has no usable `kind`."""

    path: tuple
    body: Any
    kind: Any = None
    label: str = ""
    unknown: str = ""
    params: dict | None = None  # the pipeline's parameters (see `Pipeline.params`)


def steps(pipeline: Pipeline) -> Iterator[Step]:
    """Every step of a readable definition, Condition branches included."""
    yield from _steps(pipeline, pipeline.definition.get("Steps"), ROOT + ("Steps",))


def _steps(pipeline: Pipeline, items: Any, prefix: tuple) -> Iterator[Step]:
    if is_unknown(items):
        yield Step(prefix, items, unknown=f"steps of `{pipeline.where}` are `{show(items.expr)}`, "
                                          f"unknown until deployment")
        return
    if not isinstance(items, list):
        return
    for i, body in enumerate(items):
        path = prefix + (i,)
        if is_unknown(body):
            yield Step(path, body, unknown=f"step {i} of `{pipeline.where}` is `{show(body.expr)}`, "
                                           f"unknown until deployment")
            continue
        if not isinstance(body, dict):
            continue
        kind = body.get("Type")
        label = f"step `{body['Name']}`" if isinstance(body.get("Name"), str) else f"step {i}"
        if is_unknown(kind):
            yield Step(path, body, label=label,
                       unknown=f"the type of {label} is `{show(kind.expr)}`, unknown until deployment")
            continue
        yield Step(path, body, kind, label, params=pipeline.params)
        if kind == "Condition" and isinstance(body.get("Arguments"), dict):
            for branch in ("IfSteps", "ElseSteps"):
                yield from _steps(pipeline, body["Arguments"].get(branch), path + ("Arguments", branch))


def walk(resource, kinds) -> Iterator[tuple[Step | None, str, tuple]]:
    """What a policy about steps of `kinds` (`{"Training", "Processing"}`) must decide on a
    pipeline: `(step, "", ())` for every such step, and `(None, message, path)` for every
    part that cannot be read (the definition, a step or a step type unknown until
    deployment), to be reported as UNKNOWN. Nothing is yielded when there is nothing to
    check (no definition, or no step of those types)."""
    pipeline = load(resource)
    if pipeline is None:
        return
    if pipeline.problem:
        yield None, pipeline.problem, pipeline.problem_path
        return
    for step in steps(pipeline):
        if step.unknown:
            yield None, step.unknown, step.path
        elif step.kind in kinds:
            yield step, "", ()


@dataclass
class Found:
    """What `dig` reached: `value` (None when a key is missing; the Unknown when one stood
    in the way), its canonical `path` and its spelling from `Arguments` (`name`).
    `blocked` is True when an Unknown was met before the last key."""

    value: Any
    path: tuple
    name: str
    blocked: bool = False


def dig(step: Step, keys: tuple) -> Found:
    """Follow `keys` from the step's `Arguments` (e.g. `("ResourceConfig", "InstanceCount")`).
    The path and name always name the full key path, so a finding about a missing key
    points at its nearest written ancestor."""
    path = step.path + ("Arguments", *keys)
    name = ".".join(("Arguments", *keys))
    node = step.body.get("Arguments") if isinstance(step.body, dict) else None
    reached = ("Arguments",)
    for key in keys:
        if is_unknown(node):
            return Found(node, step.path + reached, ".".join(reached), blocked=True)
        node = node.get(key) if isinstance(node, dict) else None
        reached += (key,)
    return Found(node, path, name)


def resolve(value: Any, params: dict | None) -> Any:
    """A literal (string, number, boolean) as is; a `{"Get": "Parameters.X"}` reference as the
    parameter's literal `DefaultValue`; anything else (an Unknown, a property of another
    step, a `Std:Join`, a parameter without a default) is `UNRESOLVED`."""
    if isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, dict) and set(value) == {"Get"} and isinstance(value["Get"], str) \
            and value["Get"].startswith("Parameters.") and params is not None:
        found = params.get(value["Get"][len("Parameters."):], UNRESOLVED)
        return found if isinstance(found, (str, bool, int, float)) else UNRESOLVED
    return UNRESOLVED


def as_bool(value: Any, params: dict | None) -> Any:
    """True, False (a missing value is False: the API default of the switches read here),
    or `UNRESOLVED`. Strings `"true"`/`"false"` are accepted, as the API does."""
    if value is None:
        return False
    found = resolve(value, params)
    if isinstance(found, bool):
        return found
    if isinstance(found, str) and found.strip().lower() in ("true", "false"):
        return found.strip().lower() == "true"
    return UNRESOLVED


def instance_types(cluster: Any) -> list:
    """The instance types of a cluster: `InstanceType`, and those of `InstanceGroups`
    (heterogeneous training clusters); an unknown group list is kept as the Unknown."""
    if not isinstance(cluster, dict):
        return []
    found = [cluster.get("InstanceType")]
    groups = cluster.get("InstanceGroups")
    if is_unknown(groups):
        found.append(groups)
    elif isinstance(groups, list):
        found.extend(g.get("InstanceType") if isinstance(g, dict) else g for g in groups)
    return [t for t in found if t is not None]


def nvme_only_types(cluster: Any, params: dict | None) -> tuple[bool, bool]:
    """(some instance type has NVMe instance storage only, some instance type is unresolved)."""
    resolved = [resolve(t, params) for t in instance_types(cluster)]
    nvme = any(isinstance(t, str) and nvme_only(t) for t in resolved)
    return nvme, any(not isinstance(t, str) for t in resolved)


def instance_count(cluster: Any, params: dict | None) -> Any:
    """How many instances a cluster runs (the sum over `InstanceGroups` when it has them),
    or `UNRESOLVED`. A cluster without a count runs one instance."""
    if not isinstance(cluster, dict):
        return 1
    groups = cluster.get("InstanceGroups")
    counts = [g.get("InstanceCount") if isinstance(g, dict) else g for g in groups] \
        if isinstance(groups, list) and groups else [cluster.get("InstanceCount", 1)]
    if is_unknown(groups):
        return UNRESOLVED
    total = 0
    for count in counts:
        found = resolve(count, params)
        if isinstance(found, str) and found.strip().isdigit():
            found = int(found)
        if isinstance(found, bool) or not isinstance(found, (int, float)):
            return UNRESOLVED
        total += found
    return total


@dataclass
class Switch:
    """A boolean step argument: `state` is True, False (also when it is not set: the API
    default of every switch read here) or `UNRESOLVED`; `text` says how it is written, for
    messages ("not set", "`false`", "the pipeline parameter `Isolate` (default `false`)")."""

    state: Any
    found: Found
    text: str


def switch(step: Step, keys: tuple) -> Switch:
    found = dig(step, keys)
    if found.blocked:
        return Switch(UNRESOLVED, found, f"inside `{show(found.value.expr)}`, unknown until deployment")
    value = found.value
    state = as_bool(value, step.params)
    if value is None:
        text = "not set"
    elif is_unknown(value):
        text = f"`{show(value.expr)}`, unknown until deployment"
    elif isinstance(value, dict) and isinstance(value.get("Get"), str) and value["Get"].startswith("Parameters."):
        name = value["Get"][len("Parameters."):]
        text = (f"the pipeline parameter `{name}` (default `{_literal(state)}`)" if state is not UNRESOLVED
                else f"the pipeline parameter `{name}`, which has no default: known only when the pipeline runs")
    elif state is UNRESOLVED:
        text = f"`{show(value)}`, known only when the pipeline runs"
    else:
        text = f"`{_literal(state)}`"
    return Switch(state, found, text)


def _literal(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)
