"""The AI asset graph: assets, typed edges between them, and where each was written.

An `Asset` is a resource seen for what it is in an AI workload (a model, an endpoint, an
agent, a knowledge base, a bucket of training data, the role they run as...), or a pseudo
asset that the code names without defining (a Bedrock foundation model by its ID, the
internet, another AWS account). An `Edge` says what one asset can do to another, in one
of `EDGE_KINDS`, and `via` lists the places in the source that make the link: the
attribute, the IAM statement, the integration. A link the source cannot decide (a role in
a variable, an authorization type in a parameter) is an edge with `known=False` and the
`reason`; it is never guessed into a known one. Values that cannot be known are
`Unknowable(reason)`, never a plausible default.

Plain data only: a graph pickles, compares and serialises without the resources it was
built from (`Asset.resource` is the one live pointer, for policies, and is not part of
the data).
"""
from __future__ import annotations

from typing import Any, Iterator

from iaclint.model.records import dataclass, field, replace
from iaclint.model.work import spend

EDGE_KINDS = ("invokes", "reads", "writes", "assumes", "encrypts-with", "runs-in", "exposes")

# Asset kinds. The first group are AI assets: a connected part of the graph is kept in the
# inventory only when it holds one of them.
AI_KINDS = ("foundation-model", "model", "endpoint", "agent", "agent-runtime", "flow", "prompt",
            "knowledge-base", "vector-store", "feature-store", "registry", "pipeline",
            "monitoring", "notebook", "studio", "tracking-server", "guardrail", "memory", "agent-tool",
            "ai-service", "invocation-logging")
SUPPORT_KINDS = ("role", "user", "key", "function", "api", "data-store", "image-repository", "external")
KINDS = AI_KINDS + SUPPORT_KINDS

# Network exposure of an asset: who can reach it.
PUBLIC = "public"  # anyone on the internet, without authentication
INTERNET = "internet"  # reachable from the internet, callers authenticate (IAM, JWT, API key)
EGRESS = "internet-egress"  # not reachable from outside, but reaches the internet itself
PRIVATE = "vpc"  # reachable only inside a VPC
EXPOSURES = (PUBLIC, INTERNET, EGRESS, PRIVATE)

# Encryption at rest.
CUSTOMER_KEY, AWS_KEY = "customer-managed-key", "aws-managed-key"


@dataclass(frozen=True, slots=True)
class Unknowable:
    """A value the source does not decide, and why (`var.model_id` has no value)."""

    reason: str


@dataclass(frozen=True, slots=True)
class Location:
    """Where something is written: file and lines, the resource's address and the
    attribute in the user's spelling (`AuthType`, `authorization_type`), "" for the
    resource as a whole."""

    file: str
    line: int
    end_line: int
    column: int = 1
    end_column: int = 1
    resource: str = ""
    attribute: str = ""
    path: tuple = ()  # the canonical attribute path (not serialised)


@dataclass(frozen=True, slots=True)
class Grant:
    """One Allow statement a role or user holds, as written: actions and resources
    (strings, or `Unknowable` for what cannot be read), and where."""

    actions: tuple
    resources: tuple
    location: Location | None = None
    conditions: tuple = ()  # condition keys, for readers


@dataclass
class Asset:
    id: str
    kind: str
    name: str  # the resource address, or the label of a pseudo asset
    type: str = ""  # canonical type ("" for a pseudo asset)
    native_type: str = ""
    location: Location | None = None
    unit: str = ""  # the Terraform root or CloudFormation template it belongs to
    module: str = ""  # `module.rag.module.store` for a resource of a Terraform module
    construct: str = ""  # CDK construct path
    models: list = field(default_factory=list)  # model IDs / inference profiles (str or Unknowable)
    exposure: Any = None  # one of EXPOSURES, Unknowable, or None when it does not apply
    exposure_detail: str = ""
    encryption: Any = None  # CUSTOMER_KEY, AWS_KEY, Unknowable, or None when it does not apply
    role: Any = None  # the id of the role it runs as, Unknowable, or None
    grants: list = field(default_factory=list)  # Grants (roles and users)
    tags: list = field(default_factory=list)  # what the data is for: training-data, kb-source...
    facts: dict = field(default_factory=dict)  # kind-specific: {"guardrail": True, "data_capture": False}
    resource: Any = field(default=None, repr=False, compare=False)  # the Resource (not serialised)

    def __getstate__(self) -> dict:
        """Pickled (the whole-scan cache) without the live resource."""
        state = dict(self.__dict__)
        state["resource"] = None
        return state

    def tag(self, *tags: str) -> None:
        for t in tags:
            if t not in self.tags:
                self.tags.append(t)

    @property
    def pseudo(self) -> bool:
        return not self.type


@dataclass(slots=True)  # slots: a wildcard grant makes an edge to every asset of a class
class Edge:
    source: str
    target: str
    kind: str  # one of EDGE_KINDS
    label: str = ""  # what the link is: "guardrail", "s3:PutObject", "data source"
    via: tuple = ()  # Locations that make the link, the one a fix changes first
    known: bool = True  # False: the source cannot decide whether the link exists
    reason: str = ""  # why it is not known
    cost: int = 3  # how much breaking this link costs (see iaclint.inventory.query)
    fix: str = ""  # how to break it, for findings
    notes: tuple = ()  # facts of the link: ("guardrail-required",)

    def key(self) -> tuple:
        return (self.source, self.target, self.kind, self.label)


class AssetGraph:
    """Assets by id, in the order they were found, and the edges between them."""

    def __init__(self, assets: list | None = None, edges: list | None = None):
        self.assets: dict[str, Asset] = {}
        self.edges: list[Edge] = []
        self._out: dict[str, list[Edge]] = {}
        self._in: dict[str, list[Edge]] = {}
        self._keys: set = set()
        self.left_out: list = []  # (unit, reason): units whose graph is over the work budget (`project_graph`)
        for asset in assets or ():
            self.add(asset)
        for edge in edges or ():
            self.link(edge)

    def add(self, asset: Asset) -> Asset:
        """The asset with this id: `asset` when it is new, else the one already there."""
        return self.assets.setdefault(asset.id, asset)

    def link(self, edge: Edge) -> Edge | None:
        """Add `edge` unless the same (source, target, kind, label) is there already; a
        known edge replaces an unknown twin."""
        spend(1)
        key = (edge.source, edge.target, edge.kind, edge.label)  # edge.key(), inlined: once per edge of a big graph
        if key in self._keys:
            if edge.known:
                for i, old in enumerate(self._out.get(edge.source, ())):
                    if old.key() == key and not old.known:
                        self._replace(old, edge)
                        return edge
            return None
        self._keys.add(key)
        self.edges.append(edge)
        self._out.setdefault(edge.source, []).append(edge)
        self._in.setdefault(edge.target, []).append(edge)
        return edge

    def keep_only(self, ids: set) -> None:
        """Drop every asset not in `ids` and every edge that touches one (in place: a big
        module's graph is not held twice). The edges kept are already one per key."""
        self.assets = {k: a for k, a in self.assets.items() if k in ids}
        edges = [e for e in self.edges if e.source in ids and e.target in ids]
        if len(edges) == len(self.edges):  # only assets without edges were dropped
            return
        self.edges = edges
        self._out, self._in, self._keys = {}, {}, set()
        outgoing, incoming, keys = self._out, self._in, self._keys
        for e in self.edges:
            keys.add((e.source, e.target, e.kind, e.label))
            outgoing.setdefault(e.source, []).append(e)
            incoming.setdefault(e.target, []).append(e)

    def _replace(self, old: Edge, new: Edge) -> None:
        for index in (self.edges, self._out[old.source], self._in[old.target]):
            index[index.index(old)] = new

    def out(self, asset_id: str, *kinds: str) -> list[Edge]:
        edges = self._out.get(asset_id, [])
        spend(len(edges) + 1)
        return [e for e in edges if e.kind in kinds] if kinds else list(edges)

    def into(self, asset_id: str, *kinds: str) -> list[Edge]:
        edges = self._in.get(asset_id, [])
        spend(len(edges) + 1)
        return [e for e in edges if e.kind in kinds] if kinds else list(edges)

    def of_kind(self, *kinds: str) -> list[Asset]:
        spend(len(self.assets) + 1)
        return [a for a in self.assets.values() if a.kind in kinds]

    def __iter__(self) -> Iterator[Asset]:
        spend(len(self.assets) + 1)
        return iter(self.assets.values())

    def __len__(self) -> int:
        return len(self.assets)

    def get(self, asset_id: str) -> Asset | None:
        return self.assets.get(asset_id)

    def merge(self, other: "AssetGraph") -> None:
        """Add another graph's assets and edges (pseudo assets with the same id are one)."""
        for asset in other.assets.values():
            if asset.pseudo:  # shared by several units' graphs: this graph gets its own copy
                asset = replace(asset, models=list(asset.models), tags=list(asset.tags), facts=dict(asset.facts))
            mine = self.add(asset)
            if mine is not asset:
                for t in asset.tags:
                    mine.tag(t)
        for edge in other.edges:
            self.link(edge)
