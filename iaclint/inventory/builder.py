"""Build the asset graph of one unit (a Terraform root with its modules, a CloudFormation
template), the way the reference graph is built: from that unit's resources only.

Every resource of a kind in `iaclint.inventory.kinds` becomes an asset; then the
extractors add edges and facts, each for one part of AWS:

- `structure`: references between assets (the role a resource runs as, the key that
  encrypts it, the buckets it reads and writes, the model an endpoint serves) and the
  resources that only connect two assets (endpoint configurations, data sources,
  knowledge-base associations, action groups);
- `entries`: what reaches a function or an agent from outside (API Gateway, function
  URLs, AgentCore gateways, Lambda permissions) and network exposure;
- `settings`: models used, encryption, exposure of the AI resources themselves;
- `grants`: what roles and users may do (IAM), who may assume them, and resource policies.

Last, the parts of the graph with no AI asset in them are dropped: a bucket no AI asset
touches is not part of the inventory. Edges never leave the unit, except to pseudo assets
(a foundation model, the internet, another account), which no path passes through.
"""
from __future__ import annotations

from iaclint.inventory import kinds
from iaclint.inventory.model import AI_KINDS, Asset, AssetGraph, Edge, Location, Unknowable

AI_DATA_TAGS = ("training-data", "kb-source", "model-artifacts", "feature-store-offline", "data-capture",
                "invocation-logs", "pipeline-data")


class Builder:
    """The graph of one unit while it is being built, and what extractors share."""

    def __init__(self, resources: list, ctx):
        self.ctx = ctx
        self.resources = resources
        self.graph = AssetGraph()
        self._by_resource: dict[int, Asset] = {}
        self.by_type: dict[str, list] = {}
        for r in resources:
            self.by_type.setdefault(r.type, []).append(r)

    # -- assets

    def classify(self) -> None:
        for r in self.resources:
            kind = kinds.kind_of(r)
            if kind is not None:
                asset = self.graph.add(kinds.asset_of(r, kind))
                self._by_resource[id(r)] = asset

    def asset(self, resource) -> Asset | None:
        return self._by_resource.get(id(resource)) if resource is not None else None

    def make(self, resource, kind: str) -> Asset:
        """An asset for a resource that is not one by its type (an endpoint
        configuration that no endpoint uses)."""
        asset = self.graph.add(kinds.asset_of(resource, kind))
        self._by_resource[id(resource)] = asset
        return asset

    def pseudo(self, asset: Asset) -> Asset:
        return self.graph.add(asset)

    def of_type(self, *types: str) -> list:
        if len(types) == 1:
            return list(self.by_type.get(types[0], ()))
        return [r for r in self.resources if r.type in types]

    # -- references

    def targets(self, resource, path: tuple = ()) -> list:
        """(path, target resource or None, reference) for every reference under `path`."""
        out = []
        for ref, target in self.ctx.project.outgoing(resource, path):
            out.append((tuple(ref.path), target, ref))
        return out

    def target_assets(self, resource, path: tuple = ()) -> list:
        """(path, asset) for every reference under `path` whose target is an asset."""
        out = []
        for where, target, _ in self.targets(resource, path):
            asset = self.asset(target)
            if asset is not None:
                out.append((where, asset))
        return out

    def lookup(self, resource, address: str):
        return self.ctx.project.lookup(resource, address)

    # -- edges

    def link(self, source: Asset, target: Asset, kind: str, label: str = "", via: tuple = (), known: bool = True,
             reason: str = "", cost: int = 3, fix: str = "", notes: tuple = ()) -> Edge | None:
        if source is None or target is None or source is target:
            return None
        return self.graph.link(Edge(source.id, target.id, kind, label, tuple(v for v in via if v is not None),
                                    known, reason, cost, fix, notes))

    @staticmethod
    def at(resource, path: tuple = ()) -> Location:
        return kinds.location(resource, path)


def build_unit(resources: list, ctx) -> AssetGraph:
    """The asset graph of one unit's resources (see the module docstring)."""
    from iaclint.inventory import entries, grants, settings, structure, trust

    builder = Builder(resources, ctx)
    builder.classify()
    structure.extract(builder)
    entries.extract(builder)
    settings.extract(builder)
    grants.extract(builder)
    trust.extract(builder)
    return prune(builder.graph)


def is_ai(asset: Asset) -> bool:
    """An AI asset: of an AI kind, or data an AI asset keeps (training data, a
    knowledge base's documents...)."""
    if asset.kind in AI_KINDS:
        return asset.kind != "vector-store" or asset.resource is None or "ai" in asset.tags
    return any(t in AI_DATA_TAGS for t in asset.tags)


def prune(graph: AssetGraph) -> AssetGraph:
    """The parts of `graph` (connected through edges in either direction) that hold an AI
    asset, in the order assets were found."""
    neighbours: dict[str, set] = {}
    for e in graph.edges:
        neighbours.setdefault(e.source, set()).add(e.target)
        neighbours.setdefault(e.target, set()).add(e.source)
    keep: set = set()
    for asset in graph:
        if asset.id in keep or not is_ai(asset) or (asset.pseudo and asset.id not in neighbours):
            continue
        stack = [asset.id]
        keep.add(asset.id)
        while stack:
            for other in neighbours.get(stack.pop(), ()):
                if other not in keep:
                    keep.add(other)
                    stack.append(other)
    out = AssetGraph([a for a in graph if a.id in keep])
    for e in graph.edges:
        if e.source in keep and e.target in keep:
            out.link(e)
    return out


def unknowable(value, what: str) -> Unknowable:
    """Why `value` (an Unknown) leaves `what` undecided."""
    expr = " ".join(str(getattr(value, "expr", value)).split())
    if len(expr) > 80:
        expr = expr[:77] + "..."
    return Unknowable(f"{what} is `{expr}`, unknown until deployment")
