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

That is what the attack-path policies read. What only the inventory shows (where each
asset is written, its encryption at rest, a principal's statements as `Grant`s and its
facts) is added by `detail`, to the assets that are left, when the inventory asks
(`iaclint.inventory.project_graph`): a scan without the inventory never works it out.
"""
from __future__ import annotations

from iaclint.inventory import entries, grants, kinds, settings, structure, trust
from iaclint.inventory.model import AI_KINDS, Asset, AssetGraph, Edge
from iaclint.inventory.unit import Builder

AI_DATA_TAGS = ("training-data", "kb-source", "model-artifacts", "feature-store-offline", "data-capture",
                "invocation-logs", "pipeline-data")


def build_unit(resources: list, ctx) -> AssetGraph:
    """The asset graph of one unit's resources (see the module docstring)."""
    builder = Builder(resources, ctx)
    builder.classify()
    structure.extract(builder)
    entries.extract(builder)
    settings.extract(builder)
    grants.extract(builder)
    trust.extract(builder)
    return prune(builder.graph)


def detail(graph: AssetGraph, resources: list, ctx) -> None:
    """Add to `graph` (`build_unit` of `resources`) what only the inventory shows: each
    asset's location, encryption at rest, and a principal's grants and facts. Each is
    read from the asset's resource alone, so adding them after `prune` gives what adding
    them before would, for the assets that are kept."""
    b = Builder(resources, ctx)
    for asset in list(graph):
        r = asset.resource
        if r is None:
            continue
        asset.location = kinds.resource_location(r)
        settings.detail(b, asset, r)
        if asset.kind in ("role", "user"):
            grants.detail(b, asset)


def is_ai(asset: Asset) -> bool:
    """An AI asset: of an AI kind, or data an AI asset keeps (training data, a
    knowledge base's documents...)."""
    if asset.kind in AI_KINDS:
        return asset.kind != "vector-store" or asset.resource is None or "ai" in asset.tags
    return any(t in AI_DATA_TAGS for t in asset.tags)


def prune(graph: AssetGraph) -> AssetGraph:
    """`graph` cut down, in place, to its parts (connected through edges in either
    direction) that hold an AI asset, in the order assets were found. The parts are found
    by union-find over the edges as the graph holds them (a `Fan` joins its source to
    each target without an `Edge` being made)."""
    parent: dict = {}

    def root(x: str) -> str:
        top = x
        while (up := parent.get(top, top)) != top:
            top = up
        while x != top:  # path compression
            parent[x], x = top, parent[x]
        return top

    linked: set = set()  # every id an edge touches
    for item in graph.links():
        source = root(item.source)
        targets = (item.target,) if type(item) is Edge else item.targets
        linked.add(item.source)
        linked.update(targets)
        for target in targets:
            top = root(target)
            if top != source:
                parent[top] = source
    kept_roots = {root(asset.id) for asset in graph
                  if is_ai(asset) and not (asset.pseudo and asset.id not in linked)}
    graph.keep_only({x for x in linked.union(graph.assets) if root(x) in kept_roots})
    return graph
