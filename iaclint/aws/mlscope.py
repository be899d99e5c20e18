"""Is this resource part of an ML workload? The scoping shared by the service policies.

Many policies report a resource only when it serves an AI workload: a bucket of training
data, a file system mounted by SageMaker, an ECR repository of model images, a GPU host.
Generic hardening of every bucket or volume is Checkov's job; iaclint's is the AI blast
radius. Every service asks the same first question, so it is answered here once,
three-valued (True, False, None for "cannot be known statically") with a reason a message
can quote (`Scope`). The service readers add their own evidence on top: `iaclint.aws.s3` (names
AI resources write), `iaclint.aws.gpu_hosts` (accelerated instance types), `iaclint.aws.ecr` (image
URIs).

**AI resources** are those of the services in `AI_SERVICES` (SageMaker, Bedrock, Comprehend,
Kendra, Lex, ...), in either vocabulary.

**ML tag.** A tag key `ml`, `ai`, `genai` or `machine-learning` (case-insensitive, `_` and `-`
alike) with a true-ish value (`true`, `yes`, `y`, `1`, `on`, `enabled`), or a tag key
`workload`, `purpose`, `usage` or `use-case` whose value is one of `ml`, `ai`, `genai`,
`machine-learning`, `training-data`, `ml-training`, `ml-data`, `ai-data`.

**ML resources** (EFS file systems, EBS volumes, ...; `ml_scope`): an ML tag, an edge of the
project graph with an AI resource either way, or an edge with a resource of the `via` types
that itself has an edge with an AI resource (an EFS access point that a SageMaker domain
mounts). An IAM role that can read a resource does not make it ML.

**Per-project tables.** Scoping looks across the whole project (which resources of a type
exist, which names AI resources write); `project_table` computes such derived data once per
project and keeps it weakly, so policies stay pure functions of the resource and context.

Only plain data, `Unknown` and the resource model are used here.
"""
from __future__ import annotations

import weakref
from typing import Any, Callable, Iterator, TypeVar

from iaclint.aws.verdicts import Tri
from iaclint.model.records import dataclass
from iaclint.model.resource import Resource
from iaclint.model.unknown import is_unknown

# Services whose resources are AI resources: the Terraform type prefix `aws_<svc>_` and the
# CloudFormation namespace `AWS::<Svc>::`, compared lower-case.
AI_SERVICES = (
    "bedrock", "bedrockagent", "bedrockagentcore", "comprehend", "forecast", "frauddetector",
    "kendra", "kendraranking", "lex", "lexmodels", "lexv2models", "lookoutequipment",
    "lookoutmetrics", "lookoutvision", "personalize", "qbusiness", "rekognition", "sagemaker",
    "textract", "transcribe", "translate",
)
_AI_TF_PREFIXES = tuple(f"aws_{s}_" for s in AI_SERVICES)

ML_TAG_KEYS = frozenset({"ml", "ai", "genai", "machine-learning"})
ML_TAG_PURPOSE_KEYS = frozenset({"workload", "purpose", "usage", "use-case"})
ML_TAG_PURPOSE_VALUES = frozenset({"ml", "ai", "genai", "machine-learning", "training-data", "ml-training",
                                   "ml-data", "ai-data"})
TRUE_WORDS = frozenset({"true", "yes", "y", "1", "on", "enabled"})


@dataclass
class Scope:
    """Is a resource in scope (ML)? `verdict` True/False/None; `reason` says why, for
    messages ("used by `aws_sagemaker_model.churn`", "tagged `ml = true`")."""

    verdict: Tri
    reason: str = ""


# --------------------------------------------------------------------------------------
# AI resources, tags, graph links


def is_ai_resource(resource: Resource) -> bool:
    """A resource of an AI service (`AI_SERVICES`), in either vocabulary."""
    if resource.type.startswith(_AI_TF_PREFIXES):
        return True
    parts = str(resource.native_type).split("::")
    return len(parts) == 3 and parts[0] == "AWS" and parts[1].lower() in AI_SERVICES


def _norm(text: str) -> str:
    return text.strip().lower().replace("_", "-")


def _true_ish(value: Any) -> bool:
    return value is True or (isinstance(value, (str, int)) and not isinstance(value, bool)
                             and _norm(str(value)) in TRUE_WORDS)


def _tag_pairs(tags: Any) -> Iterator[tuple[Any, Any]]:
    """(key, value) of Terraform's map or CloudFormation's `[{Key, Value}]` list."""
    if isinstance(tags, dict):
        yield from tags.items()
    elif isinstance(tags, list):
        for item in tags:
            if isinstance(item, dict):
                yield item.get("key"), item.get("value")
            elif is_unknown(item):
                yield item, item


def ml_tagged(resource: Resource) -> Scope:
    """The ML tag rule (module docstring). None when the tags cannot be known."""
    tags = resource.attributes.get("tags")
    if tags is None:
        return Scope(False)
    if is_unknown(tags):
        return Scope(None, f"its tags (`{tags.expr}`) cannot be known statically")
    unknown = None
    for key, value in _tag_pairs(tags):
        if is_unknown(key):
            unknown = unknown or Scope(None, f"a tag key (`{key.expr}`) cannot be known statically")
            continue
        if not isinstance(key, str):
            continue
        k = _norm(key)
        if k in ML_TAG_KEYS or k in ML_TAG_PURPOSE_KEYS:
            if is_unknown(value):
                unknown = unknown or Scope(None, f"its `{key}` tag (`{value.expr}`) cannot be known statically")
            elif k in ML_TAG_KEYS and _true_ish(value):
                return Scope(True, f"tagged `{key} = {value}`")
            elif k in ML_TAG_PURPOSE_KEYS and isinstance(value, str) and _norm(value) in ML_TAG_PURPOSE_VALUES:
                return Scope(True, f"tagged `{key} = {value}`")
    return unknown or Scope(False)


def linked_resources(resource: Resource, ctx) -> Iterator[Resource]:
    """Scanned resources with an edge to or from `resource`, each once."""
    seen: set[int] = {id(resource)}
    for _, target in ctx.project.outgoing(resource):
        if target is not None and id(target) not in seen:
            seen.add(id(target))
            yield target
    for source, _ in ctx.project.incoming(resource):
        if id(source) not in seen:
            seen.add(id(source))
            yield source


def ai_neighbour(resource: Resource, ctx, via: tuple = ()) -> Resource | None:
    """An AI resource with an edge to or from `resource`, directly or through one resource
    of the `via` types; None if there is none."""
    for other in linked_resources(resource, ctx):
        if is_ai_resource(other):
            return other
    for other in linked_resources(resource, ctx):
        if other.type in via:
            for second in linked_resources(other, ctx):
                if is_ai_resource(second):
                    return second
    return None


def ml_scope(resource: Resource, ctx, via: tuple = ()) -> Scope:
    """Is `resource` (an EFS file system, an EBS volume...) used by an AI workload? An edge
    with an AI resource (directly or through a `via` resource) or an ML tag."""
    neighbour = ai_neighbour(resource, ctx, via)
    if neighbour is not None:
        return Scope(True, f"used by `{neighbour.address}`")
    return ml_tagged(resource)


# --------------------------------------------------------------------------------------
# Per-project tables

T = TypeVar("T")

_TABLES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def project_table(ctx, build: Callable[[Any], T]) -> T:
    """`build(project)` for the scanned project, computed once per project (keyed by
    `build`). Derived data only: the project is not changed, and the table goes with it."""
    project = ctx.project
    tables = _TABLES.get(project)
    if tables is None:
        tables = _TABLES[project] = {}
    if build not in tables:
        from iaclint.model.work import TooMuchWork, shared

        try:  # under a work budget of its own: the same whichever policy asks first
            tables[build] = shared(f"the project's table `{build.__name__.strip('_')}`", lambda: build(project))
        except TooMuchWork as exc:  # every answer that needs it is UNKNOWN with this reason
            tables[build] = exc
    project.look_across_units()  # a table of every unit, even when it comes from this cache
    table = tables[build]
    if isinstance(table, Exception):
        raise table
    return table


def _by_type(project) -> dict[str, list[Resource]]:
    found: dict[str, list[Resource]] = {}
    for r in project.resources:
        found.setdefault(r.type, []).append(r)
    return found


def resources_of_type(ctx, rtype: str) -> list[Resource]:
    """The scanned resources of one canonical type, in scan order (indexed once per project)."""
    return list(project_table(ctx, _by_type).get(rtype, ()))
