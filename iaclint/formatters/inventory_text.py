"""`iaclint inventory` (text): what AI assets the code deploys, what each one uses and can
do, and the attack paths through them, for a person at a terminal.

Everything written from the scanned tree goes through `printable` and loses its line
breaks, so a name cannot forge lines of the report or reach the terminal as a control
sequence.
"""
from __future__ import annotations

from iaclint.formatters._common import plural, printable, report_path
from iaclint.formatters.inventory_data import asset_id
from iaclint.inventory.kinds import KIND_LABELS
from iaclint.inventory.model import KINDS, Unknowable


def _t(text) -> str:
    return " ".join(printable(str(text)).split())


def _v(v) -> str:
    return f"unknown ({_t(v.reason)})" if isinstance(v, Unknowable) else _t(v)


def format_inventory_text(result, colour: bool = False) -> str:
    graph = result.inventory
    assets = list(graph) if graph is not None else []
    names = {a.id: a.name for a in assets}
    unknown = sum(1 for e in graph.edges if not e.known) if graph is not None else 0
    edges = len(graph.edges) if graph is not None else 0
    out = [f"AI inventory: {plural(len(assets), 'asset')}, {plural(edges, 'edge')} ({unknown} unknown), "
           f"{plural(result.files, 'file')} scanned", ""]
    diff = getattr(result, "inventory_diff", None)
    if diff is not None:
        from iaclint.formatters.inventory_changes import sentences, summary

        out += [f"Changes: {_t(summary(diff))}"]
        out += [f"  {verb} {_t(text)}" + (f" ({_t(where)})" if where else "") for verb, text, where in sentences(diff)]
        out += [""]
    order = {k: i for i, k in enumerate(KINDS)}
    several = len({a.unit for a in assets if a.unit}) > 1
    for asset in sorted(assets, key=lambda a: (order.get(a.kind, 99), asset_id(a))):
        out += _asset(asset, graph, names, several)
    paths = [f for f in result.findings if f.verdict == "FAIL"]
    out += ["", f"Attack paths: {len(paths)} (and {len(result.unknowns)} unknown)"]
    for f in sorted(paths + [u for u in result.unknowns if result.strict], key=lambda f: f.sort_key()):
        tag = " UNKNOWN" if f.verdict == "UNKNOWN" else ""
        out.append(f"  {_t(report_path(f.file))}:{f.line}: {f.policy_id} [{f.severity}]{tag} {_t(f.message)}")
    for error in list(result.errors) + [f"path not found: {p}" for p in result.missing]:
        out.append(f"error: {_t(error)}")
    return "\n".join(out).rstrip() + "\n"


def _asset(asset, graph, names: dict, several: bool) -> list[str]:
    unit = f" in {_t(report_path(asset.unit))}" if several and asset.unit and asset.location \
        and asset.unit != asset.location.file else ""
    where = f" ({_t(report_path(asset.location.file))}:{asset.location.line}{unit})" if asset.location else ""
    lines = [f"{KIND_LABELS.get(asset.kind, asset.kind)}: {_t(asset.name)}{where}"]
    if asset.construct:
        lines.append(f"    construct: {_t(asset.construct)}")
    if asset.models:
        lines.append("    models: " + ", ".join(_v(m) for m in asset.models))
    if asset.exposure is not None:
        detail = f" ({_t(asset.exposure_detail)})" if asset.exposure_detail else ""
        lines.append(f"    exposure: {_v(asset.exposure)}{detail}")
    if asset.encryption is not None:
        lines.append(f"    encryption: {_v(asset.encryption)}")
    if asset.role is not None:
        lines.append(f"    role: {_t(names.get(asset.role, asset.role)) if isinstance(asset.role, str) else _v(asset.role)}")
    if asset.tags:
        lines.append("    holds: " + ", ".join(_t(t) for t in sorted(asset.tags) if t != "ai"))
    for edge in graph.out(asset.id):
        target = _t(names.get(edge.target, edge.target))
        label = f" ({_t(edge.label)})" if edge.label else ""
        maybe = f" [unknown: {_t(edge.reason)}]" if not edge.known else ""
        lines.append(f"    {edge.kind} {target}{label}{maybe}")
    return [line for line in lines if line.strip() != "holds:"]
