"""One unit's asset graph while it is being built (`Builder`), and what the extractors
share: assets by resource, resources by type, references, and edges with their places.

The extractors (`structure`, `entries`, `settings`, `opensearch`, `grants`, `trust`) each
take a `Builder`; `iaclint.inventory.builder` runs them in order.
"""
from __future__ import annotations

from iaclint.inventory import kinds
from iaclint.inventory.model import Asset, AssetGraph, Edge, Fan, Location, Unknowable


class Builder:
    """The graph of one unit while it is being built, and what extractors share."""

    def __init__(self, resources: list, ctx):
        self.ctx = ctx
        self.resources = resources
        self.graph = AssetGraph()
        self._by_resource: dict[int, Asset] = {}
        self.by_type: dict[str, list] = {}
        self.memo: dict = {}  # what an extractor computes once per unit, by its own key
        self._by_kind: dict[str, dict] = {}  # kind -> {id: asset}, in the graph's order (every add is here)
        for r in resources:
            self.by_type.setdefault(r.type, []).append(r)

    # -- assets

    def classify(self) -> None:
        for r in self.resources:
            kind = kinds.kind_of(r)
            if kind is not None:
                asset = self._add(kinds.asset_of(r, kind))
                self._by_resource[id(r)] = asset

    def asset(self, resource) -> Asset | None:
        return self._by_resource.get(id(resource)) if resource is not None else None

    def make(self, resource, kind: str) -> Asset:
        """An asset for a resource that is not one by its type (an endpoint
        configuration that no endpoint uses)."""
        asset = self._add(kinds.asset_of(resource, kind))
        self._by_resource[id(resource)] = asset
        return asset

    def pseudo(self, asset: Asset) -> Asset:
        return self._add(asset)

    def _add(self, asset: Asset) -> Asset:
        asset = self.graph.add(asset)
        self._by_kind.setdefault(asset.kind, {}).setdefault(asset.id, asset)
        return asset

    def of_kind(self, kind: str) -> list:
        """The graph's assets of one kind, in its order (`AssetGraph.of_kind` walks every
        asset: asked once per principal, that was quadratic in a big module)."""
        return list(self._by_kind.get(kind, {}).values())

    def of_type(self, *types: str) -> list:
        if len(types) == 1:
            return list(self.by_type.get(types[0], ()))
        return [r for r in self.resources if r.type in types]

    # -- references

    def targets(self, resource, path: tuple = (), to: set | None = None) -> list:
        """(path, target resource or None, reference) for every reference under `path` (to
        an address in `to`, if given: `Project.outgoing`)."""
        out = []
        for ref, target in self.ctx.project.outgoing(resource, path, to):
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
        return self.graph.link(Edge(source.id, target.id, kind, label, _places(via), known, reason, cost, fix, notes))

    def fan(self, source: Asset, targets: list, kind: str, label: str = "", via: tuple = (), known: bool = True,
            reason: str = "", cost: int = 3, fix: str = "", notes: tuple = ()) -> None:
        """`link` from `source` to each of `targets`, in order, with the same label,
        places and facts: held as one `Fan` (a wildcard grant makes hundreds)."""
        if len(targets) == 1:
            self.link(source, targets[0], kind, label, via, known, reason, cost, fix, notes)
            return
        if source is None:
            return
        ids = tuple(t.id for t in targets if t is not None and t is not source)  # as `link` skips them
        self.graph.fan(Fan(source.id, ids, kind, label, _places(via), known, reason, cost, fix, notes))

    @staticmethod
    def at(resource, path: tuple = ()) -> Location:
        return kinds.location(resource, path)


def unknowable(value, what: str) -> Unknowable:
    """Why `value` (an Unknown) leaves `what` undecided."""
    expr = " ".join(str(getattr(value, "expr", value)).split())
    if len(expr) > 80:
        expr = expr[:77] + "..."
    return Unknowable(f"{what} is `{expr}`, unknown until deployment")


def _places(via) -> tuple:
    """An edge's `via` as a tuple without the places that could not be found (None)."""
    if type(via) is not tuple or None in via:
        return tuple(v for v in via if v is not None)
    return via
