"""`iaclint inventory --format mermaid`: the asset graph as a Mermaid flowchart, for pull
request comments and Markdown (GitHub renders a fenced ```mermaid block).

One subgraph per unit (Terraform root or template); pseudo assets (foundation models, the
internet, other accounts) outside them. Unknown edges are dotted; assets an attack path
reaches are outlined in red. Node ids are generated (`n0`, `n1`...), never taken from
the tree, and every label is reduced to letters, digits and a few safe marks, everything
else written as a Mermaid entity code (`#40;`), so a name holding quotes, brackets, pipes,
backticks, `-->` or a line break cannot end a label, add nodes or edges, or close the
Markdown fence. GitHub draws at most 500 edges: past that, the rest are left out and
counted in a comment.
"""
from __future__ import annotations

import re

from iaclint.formatters._common import report_path
from iaclint.inventory.kinds import KIND_LABELS

MAX_EDGES = 500
_SAFE = re.compile(r"[A-Za-z0-9 _.,:/@+=*-]")
SHAPES = {"data-store": ('[("', '")]'), "vector-store": ('[("', '")]'), "feature-store": ('[("', '")]'),
          "registry": ('[("', '")]'), "memory": ('[("', '")]'), "external": ('(["', '"])'),
          "foundation-model": ('{{"', '"}}'), "model": ('{{"', '"}}'), "api": ('>"', '"]')}


def label(text) -> str:
    """`text` as a Mermaid label: safe characters kept, everything else an entity code."""
    text = " ".join(str(text).split())
    return "".join(ch if _SAFE.fullmatch(ch) else f"#{ord(ch)};" for ch in text)


def format_mermaid(result, colour: bool = False) -> str:
    return "```mermaid\n" + mermaid_graph(result) + "```\n"


def mermaid_graph(result, only: set | None = None) -> str:
    """The flowchart text (without the fence); `only`: the asset ids to draw (a diff)."""
    graph = result.inventory
    assets = [a for a in graph or () if only is None or a.id in only]
    ids = {a.id: f"n{i}" for i, a in enumerate(assets)}
    at_risk = _reached(result, graph)
    lines = ["flowchart LR"]
    units: dict = {}
    for asset in assets:
        units.setdefault(asset.unit, []).append(asset)
    for number, (unit, members) in enumerate(units.items()):
        indent = "  "
        if unit:
            lines.append(f'  subgraph u{number}["{label(report_path(unit))}"]')
            indent = "    "
        for asset in members:
            lines.append(indent + _node(asset, ids[asset.id]))
        if unit:
            lines.append("  end")
    edges = [e for e in graph.edges if e.source in ids and e.target in ids] if graph is not None else []
    for edge in edges[:MAX_EDGES]:
        arrow = "-->" if edge.known else "-.->"
        text = edge.kind + (f" {edge.label}" if edge.label else "") + ("" if edge.known else " (unknown)")
        lines.append(f'  {ids[edge.source]} {arrow}|"{label(text)}"| {ids[edge.target]}')
    if len(edges) > MAX_EDGES:
        lines.append(f"  %% {len(edges) - MAX_EDGES} more edges not drawn")
    risky = [ids[a] for a in at_risk if a in ids]
    if risky:
        lines.append("  classDef risk stroke:#d00,stroke-width:3px")
        lines.append("  class " + ",".join(sorted(set(risky), key=lambda n: int(n[1:]))) + " risk")
    return "\n".join(lines) + "\n"


def _node(asset, node_id: str) -> str:
    opening, closing = SHAPES.get(asset.kind, ('["', '"]'))
    text = f"{KIND_LABELS.get(asset.kind, asset.kind)}: {asset.name}"
    return f"{node_id}{opening}{label(text)}{closing}"


def _reached(result, graph) -> set:
    """Ids of the assets attack paths (FAIL) reach."""
    if graph is None:
        return set()
    by_name: dict = {}
    for asset in graph:
        by_name.setdefault(asset.name, []).append(asset.id)
    out = set()
    for f in result.findings:
        if f.verdict == "FAIL" and not f.suppressed:
            for chain in f.flows:
                if chain:
                    out.update(by_name.get(chain[-1][7], ()))
    return out
