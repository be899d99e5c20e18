"""The path-query layer: chains of edges from where an attacker starts to what they want,
over one unit's asset graph, for the attack-path policies (area 6).

A query names its origins (`INTERNET`, `EXTERNAL`: other accounts and `*`, or assets), the
edge kinds a chain may pass through (`invokes`, `assumes`), the kinds its last edge may
have and a goal (what the last edge reaches). `reach` finds, for each origin and goal, the
shortest chain made of known edges; when there is none, the shortest with unknown links,
which a policy reports as UNKNOWN naming the first missing link, never as FAIL. Chains
never pass through a pseudo asset (a foundation model, another account): those only start
or end one. A compute asset whose role cannot be known is an *open end* (UNKNOWN: what it
reaches cannot be told).

Each chain has a cheapest link: the edge with the lowest `cost` (a wildcard grant 1, an
unauthenticated entry or a foreign trust 2, a narrow grant 3, a structural reference 4),
the first one on ties. A finding points there: it is the one line whose change breaks
the chain at the least cost to what the stack is for.
"""
from __future__ import annotations

from typing import Callable, Iterable

from iaclint.inventory import kinds
from iaclint.inventory.model import Asset, AssetGraph, Edge, Unknowable
from iaclint.model.records import dataclass

THROUGH = ("invokes", "assumes")
MAX_EDGES = 8
CHEAPEST = "<- cheapest link to break"  # how a code-flow step marks the link a fix should break (SARIF: essential)
# What a caller can make an asset do once it reaches it: the edges a chain may take out of
# an asset of each kind. A function acts with its role; an agent, runtime or flow with its
# role and what it invokes (prompts steer it); a role or user does what IAM grants; a
# knowledge base answers a retrieval from its vector store; an endpoint runs its model.
# Other assets end a chain. Edges that only describe how an asset is fed (`ingestion`:
# a knowledge base's data sources, its writes to its own vector store, its embedding
# model) are never followed: a caller cannot drive them.
ACTS = {
    "function": ("assumes",), "agent": ("assumes", "invokes"), "agent-runtime": ("assumes", "invokes"),
    "flow": ("assumes", "invokes"), "role": ("assumes", "invokes", "reads", "writes"),
    "user": ("assumes", "invokes", "reads", "writes"), "knowledge-base": ("reads",), "endpoint": ("invokes",),
    "notebook": ("assumes",), "studio": ("assumes",), "external": ("assumes", "invokes", "reads", "writes"),
}

# What an attacker wants: compute that runs models or agents, and the data around them.
AI_COMPUTE = ("foundation-model", "model", "endpoint", "agent", "agent-runtime", "flow", "knowledge-base",
              "pipeline", "notebook", "studio", "ai-service", "agent-tool")
AI_DATA_KINDS = ("vector-store", "feature-store", "registry", "memory")
AI_DATA_TAGS = ("training-data", "kb-source", "model-artifacts", "feature-store-offline")
BEDROCK_MODELS = ("aws_bedrock_custom_model", "aws_bedrock_provisioned_model_throughput",
                  "aws_bedrock_inference_profile", "aws_bedrock_application_inference_profile")


def is_ai_data(asset: Asset) -> bool:
    """Data an AI workload is built from: vector stores, feature stores, the model
    registry, agent memory, and buckets of training data, knowledge-base sources or model
    artifacts."""
    if asset.kind == "vector-store":
        return "ai" in asset.tags
    return asset.kind in AI_DATA_KINDS or (asset.kind == "data-store" and any(t in AI_DATA_TAGS for t in asset.tags))


def is_ai_compute(asset: Asset) -> bool:
    return asset.kind in AI_COMPUTE


def is_bedrock_model(asset: Asset) -> bool:
    return asset.kind == "foundation-model" or asset.type in BEDROCK_MODELS


@dataclass(frozen=True)
class Chain:
    origin: str
    edges: tuple

    @property
    def target(self) -> str:
        return self.edges[-1].target

    @property
    def known(self) -> bool:
        return all(e.known for e in self.edges)

    def missing(self) -> Edge | None:
        """The first link that cannot be known."""
        return next((e for e in self.edges if not e.known), None)

    def cheapest(self) -> Edge:
        return min(self.edges, key=lambda e: e.cost)


@dataclass(frozen=True)
class OpenEnd:
    """A chain to a compute asset whose role cannot be known: what it reaches is unknown."""

    chain: Chain | None  # None when the origin itself is the open end
    asset: Asset
    reason: str


def origins_external(graph: AssetGraph) -> list[str]:
    """Any AWS account (`*`) and accounts the unit does not live in."""
    return [a.id for a in graph if a.kind == "external" and a.id != kinds.INTERNET_ID]


def reach(graph: AssetGraph, origins: Iterable[str], last: tuple, goal: Callable[[Asset, Edge], bool],
          through: tuple = THROUGH) -> tuple[list[Chain], list[OpenEnd]]:
    """(chains, open ends): for each origin and each asset `goal` accepts at the end of an
    edge of a `last` kind, the shortest known chain, else the shortest with unknown links."""
    chains, open_ends = [], []
    for origin in origins:
        if graph.get(origin) is None:
            continue
        found: dict[str, Chain] = {}
        ends: list = []
        for allow_unknown in (False, True):
            _search(graph, origin, last, goal, through, allow_unknown, found, ends)
        chains.extend(found.values())
        if not any(c.known for c in found.values()):  # else the origin is reported already
            open_ends += [e for e in ends if e.asset.id not in found]
    unique_ends = {(e.asset.id, tuple(x.key() for x in e.chain.edges) if e.chain else ()): e for e in open_ends}
    return chains, list(unique_ends.values())


def _search(graph, origin, last, goal, through, allow_unknown, found, open_ends) -> None:
    seen = {origin}
    frontier = [(origin, ())]
    while frontier:
        following = []
        for node, path in frontier:
            asset = graph.get(node)
            acts = ACTS.get(asset.kind, ())
            if (allow_unknown and path and "assumes" in acts and isinstance(asset.role, Unknowable)
                    and not graph.out(node, "assumes")):  # it acts with a role nobody can name
                open_ends.append(OpenEnd(Chain(origin, path), asset, asset.role.reason))
            for edge in graph.out(node):
                if (not edge.known and not allow_unknown) or edge.kind not in acts or "ingestion" in edge.notes:
                    continue
                target = graph.get(edge.target)
                step = path + (edge,)
                if edge.kind in last and target is not None and edge.target not in found and goal(target, edge):
                    found[edge.target] = Chain(origin, step)
                if (edge.kind in through and edge.target not in seen and target is not None and not target.pseudo
                        and len(step) < MAX_EDGES):
                    seen.add(edge.target)
                    following.append((edge.target, step))
        frontier = following


# --- Describing a chain -----------------------------------------------------------------------

def name(graph: AssetGraph, asset_id: str) -> str:
    asset = graph.get(asset_id)
    if asset is None:
        return asset_id
    if asset.kind == "foundation-model" and asset.id != "bedrock-model:*":
        return f"foundation model `{asset.name}`"
    if asset.pseudo:
        return asset.name
    held = [t.replace("-", " ") for t in asset.tags if t in AI_DATA_TAGS]
    detail = f" ({', '.join(held)})" if held else ""
    return f"{kinds.KIND_LABELS.get(asset.kind, asset.kind)} `{asset.name}`{detail}"


def step_text(graph: AssetGraph, edge: Edge, why: bool = True) -> str:
    """One link in words: `function `f` assumes role `r` (execution role)`; with `why`,
    an unknown link says why it is unknown."""
    verb = {"invokes": "invokes", "reads": "reads", "writes": "writes to", "assumes": "assumes",
            "exposes": "exposes", "encrypts-with": "is encrypted with", "runs-in": "runs in"}[edge.kind]
    label = f" ({edge.label})" if edge.label else ""
    unknown = f" [unknown: {edge.reason}]" if not edge.known and why else ""
    return f"{name(graph, edge.source)} {verb} {name(graph, edge.target)}{label}{unknown}"


def describe(graph: AssetGraph, chain: Chain) -> str:
    """The whole chain in one line: `the internet -invokes-> function `f` -assumes-> ...`."""
    text = name(graph, chain.origin)
    for edge in chain.edges:
        detail = f" ({edge.label})" if edge.label else ""
        text += f" -{edge.kind}{detail}-> {name(graph, edge.target)}"
    return text


def flow(graph: AssetGraph, chain: Chain, cheapest: Edge | None = None) -> tuple:
    """The chain as code-flow steps (file, line, column, end line, end column, resource,
    message, target, source asset id, target asset id), one per link, at the first place
    that makes it; `target` is the address (or, for a pseudo asset, the name) of the
    asset the link reaches."""
    steps = []
    for edge in chain.edges:
        where = edge.via[0] if edge.via else None
        if where is None:
            continue
        text = step_text(graph, edge)
        if edge is cheapest:
            text += " " + CHEAPEST
        target = graph.get(edge.target)
        reached = target.name if target is not None else edge.target
        steps.append((where.file, where.line, where.column, where.end_line, where.end_column, where.resource, text,
                      reached, edge.source, edge.target))
    return tuple(steps)
