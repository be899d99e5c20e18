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

Edges that differ only in their target (a role whose statement covers `*` reaches every
asset of a class: principals x assets of them in a big module) are held as one `Fan` and
made into `Edge`s only when someone asks for them (`AssetGraph.edges`, `out`, `into`);
the graph's order, keys and answers are those of the edges one by one.

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


@dataclass(slots=True)  # slots: a big graph holds thousands
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


class Fan:
    """The edges from one source, of one kind, that say the same (label, places, fix,
    cost...) to each of `targets`, in that order: what one wildcard grant makes (a role
    whose statement covers `*` reaches every asset of a class: hundreds of edges that
    differ only in their target). Held as one record; its `Edge`s are made when someone
    asks for them (`edges`), once, so a graph that is only searched from elsewhere never
    holds them. Not a record class: it pickles without the edges it made."""

    __slots__ = ("_made", "_set", "cost", "fix", "kind", "known", "label", "notes", "reason", "source", "targets",
                 "via")
    FIELDS = ("source", "targets", "kind", "label", "via", "known", "reason", "cost", "fix", "notes")

    def __init__(self, source: str, targets: tuple, kind: str, label: str = "", via: tuple = (), known: bool = True,
                 reason: str = "", cost: int = 3, fix: str = "", notes: tuple = ()):
        self.source, self.targets, self.kind, self.label, self.via = source, targets, kind, label, via
        self.known, self.reason, self.cost, self.fix, self.notes = known, reason, cost, fix, notes
        self._made = self._set = None

    def __len__(self) -> int:
        return len(self.targets)

    def __repr__(self) -> str:
        return f"Fan({self.source!r} -{self.kind}-> {len(self.targets)} targets, {self.label!r})"

    def __getstate__(self) -> tuple:
        return tuple(getattr(self, name) for name in self.FIELDS)

    def __setstate__(self, state: tuple) -> None:
        for name, value in zip(self.FIELDS, state):
            setattr(self, name, value)
        self._made = self._set = None

    def edge(self, target: str) -> Edge:
        return Edge(self.source, target, self.kind, self.label, self.via, self.known, self.reason, self.cost,
                    self.fix, self.notes)

    def edges(self) -> list[Edge]:
        """One `Edge` per target, made on the first call and the same objects after."""
        made = self._made
        if made is None:
            made = self._made = [self.edge(t) for t in self.targets]
        return made

    def has(self, target: str) -> bool:
        if self._set is None:
            self._set = frozenset(self.targets)
        return target in self._set

    def only(self, targets: tuple) -> Fan:
        """The same edges to `targets` (a part of this fan's, in its order)."""
        fan = Fan(self.source, targets, self.kind, self.label, self.via, self.known, self.reason, self.cost,
                  self.fix, self.notes)
        if self._made is not None:  # keep the edges already made: whoever holds one holds the graph's
            made = dict(zip(self.targets, self._made))
            fan._made = [made[t] for t in targets]
        return fan


class AssetGraph:
    """Assets by id, in the order they were found, and the edges between them: each an
    `Edge`, or one of a `Fan` (many edges that differ only in their target), in the order
    they were linked. `edges`, `out` and `into` give `Edge`s either way (a fan's made on
    first use); `links` gives the records as they are held, for readers that walk every
    edge of a big graph."""

    def __init__(self, assets: list | None = None, edges: list | None = None):
        self.assets: dict[str, Asset] = {}
        self._items: list = []  # Edges and Fans, in the order they were linked
        self._out: dict[str, list] = {}  # the same, by source
        self._keys: set = set()  # (source, target, kind, label) of every Edge (not of a Fan's)
        self._fans: dict[tuple, list] = {}  # (source, kind, label) -> the Fans with them
        self._named: set = set()  # (source, kind, label) of every Edge and Fan
        self.left_out: list = []  # (unit, reason): units whose graph is over the work budget (`project_graph`)
        for asset in assets or ():
            self.add(asset)
        for edge in edges or ():
            self.link(edge)

    def add(self, asset: Asset) -> Asset:
        """The asset with this id: `asset` when it is new, else the one already there."""
        return self.assets.setdefault(asset.id, asset)

    @property
    def edges(self) -> list[Edge]:
        """Every edge, in the order they were linked (a fan's made now, once)."""
        out: list = []
        for item in self._items:
            if type(item) is Edge:
                out.append(item)
            else:
                out.extend(item.edges())
        return out

    def links(self) -> list:
        """The edges as they are held: `Edge`s and `Fan`s, in the order they were linked."""
        return list(self._items)

    def link(self, edge: Edge) -> Edge | None:
        """Add `edge` unless the same (source, target, kind, label) is there already; a
        known edge replaces an unknown twin."""
        spend(1)
        key = (edge.source, edge.target, edge.kind, edge.label)  # edge.key(), inlined: once per edge of a big graph
        named = (edge.source, edge.kind, edge.label)
        fans = self._fans.get(named)
        if fans is not None:
            fan = next((f for f in fans if f.has(edge.target)), None)
            if fan is not None:
                if not edge.known or fan.known:
                    return None
                self._unfan(fan)  # a known edge replaces one of the fan's: they become edges of their own
        if key in self._keys:
            if edge.known:
                for old in self._out.get(edge.source, ()):
                    if type(old) is Edge and old.key() == key and not old.known:
                        self._replace(old, edge)
                        return edge
            return None
        self._named.add(named)
        self._keys.add(key)
        self._items.append(edge)
        self._out.setdefault(edge.source, []).append(edge)
        return edge

    def fan(self, fan: Fan) -> None:
        """Add the edges of `fan` as `link` would add each of them, in order, and hold
        those that are new as one record."""
        targets = fan.targets
        named = (fan.source, fan.kind, fan.label)
        if named in self._named or len(set(targets)) < len(targets):  # some may be there already: as `link` does
            kept: list = []
            seen: set = set()
            for target in targets:
                if target in seen:  # the same edge twice in the fan: the second adds nothing
                    spend(1)
                    continue
                seen.add(target)
                key = (fan.source, target, fan.kind, fan.label)
                if key in self._keys or (named in self._fans and any(f.has(target) for f in self._fans[named])):
                    self.link(fan.edge(target))
                else:
                    kept.append(target)
            if len(kept) < len(targets):
                fan = fan.only(tuple(kept))
        spend(len(fan.targets))
        if not fan.targets:
            return
        self._named.add(named)
        self._fans.setdefault(named, []).append(fan)
        self._items.append(fan)
        self._out.setdefault(fan.source, []).append(fan)

    def _unfan(self, fan: Fan) -> None:
        """Hold `fan`'s edges as edges of their own, where it was."""
        edges = fan.edges()
        for index in (self._items, self._out[fan.source]):
            at = next(i for i, item in enumerate(index) if item is fan)
            index[at:at + 1] = edges
        named = (fan.source, fan.kind, fan.label)
        self._fans[named] = [f for f in self._fans[named] if f is not fan]
        if not self._fans[named]:
            del self._fans[named]
        self._keys.update(e.key() for e in edges)

    def keep_only(self, ids: set) -> None:
        """Drop every asset not in `ids` and every edge that touches one (in place: a big
        module's graph is not held twice). The edges kept are already one per key."""
        self.assets = {k: a for k, a in self.assets.items() if k in ids}
        items, dropped = [], False
        for item in self._items:
            if item.source not in ids:
                dropped = True
            elif type(item) is Edge:
                if item.target in ids:
                    items.append(item)
                else:
                    dropped = True
            else:
                kept = tuple(t for t in item.targets if t in ids)
                if len(kept) < len(item.targets):
                    dropped = True
                    item = item.only(kept) if kept else None
                if item is not None:
                    items.append(item)
        if not dropped:  # only assets without edges were dropped
            return
        self._items = items
        self._out, self._keys, self._fans, self._named = {}, set(), {}, set()
        for item in items:
            self._out.setdefault(item.source, []).append(item)
            self._named.add((item.source, item.kind, item.label))
            if type(item) is Edge:
                self._keys.add(item.key())
            else:
                self._fans.setdefault((item.source, item.kind, item.label), []).append(item)

    def _replace(self, old: Edge, new: Edge) -> None:
        for index in (self._items, self._out[old.source]):
            index[index.index(old)] = new

    def out(self, asset_id: str, *kinds: str) -> list[Edge]:
        edges: list = []
        count = 0
        for item in self._out.get(asset_id, ()):
            if type(item) is Edge:
                count += 1
                if not kinds or item.kind in kinds:
                    edges.append(item)
            else:
                count += len(item.targets)
                if not kinds or item.kind in kinds:
                    edges.extend(item.edges())
        spend(count + 1)
        return edges

    def into(self, asset_id: str, *kinds: str) -> list[Edge]:
        """The edges into an asset, in the order they were linked (walks every edge: no
        reader of a big graph asks it)."""
        edges: list = []
        count = 0
        for item in self._items:
            if type(item) is Edge:
                if item.target == asset_id:
                    count += 1
                    if not kinds or item.kind in kinds:
                        edges.append(item)
            elif item.has(asset_id):
                count += 1
                if not kinds or item.kind in kinds:
                    edges.append(item.edges()[item.targets.index(asset_id)])
        spend(count + 1)
        return edges

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
        for item in other._items:
            if type(item) is Edge:
                self.link(item)
            else:
                self.fan(item)
