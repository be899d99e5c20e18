"""The AI asset graph (DESIGN section 2): the scanned project seen as AI assets (models,
endpoints, agents, knowledge bases, vector stores, training data, pipelines, notebooks,
guardrails, and the roles, keys, functions and APIs around them) and typed edges
(invokes, reads, writes, assumes, encrypts-with, runs-in, exposes), and `query`, the
small path-query layer attack-path policies (area 6) are written with.

`model` holds the data; `kinds` which resources are assets; `builder` builds one unit's
graph (`unit.Builder` holds it while the extractors `structure`, `entries`, `settings`,
`opensearch`, `grants` and `trust` add to it; `rest_apis` reads REST service proxies and
resource policies for `entries`); `query` finds chains; `rules` is the base
of the attack-path policies. A unit's graph is built once per project (`unit_graph`), whoever asks first: a
policy in a worker, a policy on the whole project, or the inventory (`project_graph`),
which joins every unit's graph and adds to it what only the inventory shows
(`builder.detail`: locations, encryption, grants, facts; under a budget of its own). A graph is built under a work budget of its own
(`iaclint.model.work.shared`): past it, the unit's attack-path verdicts are UNKNOWN and
the inventory leaves the unit out with a note. Edges never leave a unit, so a verdict read from the
graph is the same in a worker as on the whole project.

It sits between the policies and `aws`: it imports `aws` (IAM, S3, OpenSearch
knowledge), `engine.policy` (the context), `model` and `gate`; policies import it; never
a front end, the pipeline or a report.
"""
from __future__ import annotations

import weakref

from iaclint.inventory.model import AssetGraph
from iaclint.model.project import kept_with

_GRAPHS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def unit_graph(unit: str, ctx) -> AssetGraph:
    """The asset graph of one unit of `ctx.project`, built on first use."""
    project = ctx.project
    per_unit = kept_with(_GRAPHS, project)
    graph = per_unit.get(unit)
    if graph is None:
        from iaclint.inventory.builder import build_unit
        from iaclint.model.work import TooMuchWork, shared

        try:  # under its own work budget: it costs the same whichever policy asks first
            graph = per_unit[unit] = shared(f"the AI asset graph of `{unit}`",
                                            lambda: build_unit(project.unit_resources(unit), ctx))
        except TooMuchWork as exc:  # every attack-path verdict of the unit is UNKNOWN with this reason
            graph = per_unit[unit] = exc
    if isinstance(graph, Exception):
        raise graph
    return graph


def project_graph(project, options: dict | None = None) -> AssetGraph:
    """Every unit's asset graph joined, in scan order (the inventory), with what only the
    inventory shows (`iaclint.inventory.builder.detail`)."""
    from iaclint.engine.policy import Context

    ctx = Context(project=project, options=dict(options or {}))
    units = list(dict.fromkeys(r.unit for r in project.resources))
    graph = AssetGraph()
    from iaclint.model.work import TooMuchWork

    for unit in units:
        try:
            graph.merge(_detailed(unit, ctx))
        except TooMuchWork as exc:  # said, as a note: the unit's assets are not listed
            graph.left_out.append((unit, f"its AI assets are not listed: {exc}"))
    return graph


def _detailed(unit: str, ctx) -> AssetGraph:
    """The unit's graph with its details added, once per project, under a work budget of
    their own (the graph's own count, which decides the attack-path verdicts, is then the
    same with or without the inventory)."""
    graph = unit_graph(unit, ctx)
    project = ctx.project
    per_unit = kept_with(_GRAPHS, project)
    done = per_unit.get(("detailed", unit))
    if done is None:
        from iaclint.inventory.builder import detail
        from iaclint.model.work import TooMuchWork, shared

        try:
            shared(f"the AI inventory of `{unit}`", lambda: detail(graph, project.unit_resources(unit), ctx))
            done = per_unit[("detailed", unit)] = True
        except TooMuchWork as exc:  # the unit is left out of the inventory with this reason
            done = per_unit[("detailed", unit)] = exc
    if isinstance(done, Exception):
        raise done
    return graph
