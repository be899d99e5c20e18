"""The inventory as plain data: what `iaclint inventory --format json` writes (its schema
is `docs/schema/inventory.json`), and what the other inventory formats read.

Paths are relative to the working directory as in every report; an asset's `id` is its
unit (Terraform root or template, as reported) and address. A value the source does not
decide is `{"unknown": "<why>"}`, never a guess. No timings and no absolute paths: the
same tree gives the same bytes.
"""
from __future__ import annotations

from iaclint import __version__
from iaclint.formatters._common import report_path
from iaclint.inventory.model import Unknowable

FORMAT_VERSION = "1.0"
STEP_FIELDS = ("file", "line", "column", "end_line", "end_column", "resource", "message", "target")


def document(result) -> dict:
    graph = result.inventory
    assets = list(graph) if graph is not None else []
    edges = list(graph.edges) if graph is not None else []
    ids = {a.id: asset_id(a) for a in assets}
    paths = [f for f in result.findings if f.verdict == "FAIL"] + list(result.unknowns)
    by_kind: dict = {}
    for a in assets:
        by_kind[a.kind] = by_kind.get(a.kind, 0) + 1
    return {
        "version": FORMAT_VERSION,
        "tool": {"name": "iaclint", "version": __version__},
        "summary": {
            "files": result.files,
            "assets": len(assets),
            "edges": len(edges),
            "unknown_edges": sum(1 for e in edges if not e.known),
            "by_kind": dict(sorted(by_kind.items())),
            "paths": sum(1 for f in paths if f.verdict == "FAIL" and not f.suppressed),
            "unknown_paths": sum(1 for f in paths if f.verdict == "UNKNOWN"),
        },
        "assets": [_asset(a, ids) for a in assets],
        "edges": [_edge(e, ids) for e in edges],
        "paths": [_path(f, ids) for f in sorted(paths, key=lambda f: f.sort_key())],
        "errors": list(result.errors) + [f"path not found: {p}" for p in result.missing],
        **_diff(result),
    }


def _diff(result) -> dict:
    diff = getattr(result, "inventory_diff", None)
    if diff is None:
        return {}
    return {"diff": diff_data(diff)}


def asset_id(asset) -> str:
    """The id as reported: the unit's path relative to the working directory, then the
    address (`unit#address`). The unit is the asset's own, which the base side of a diff
    has moved from its temporary copy to the repository's path."""
    if asset.unit and asset.type and asset.id.endswith("#" + asset.name):
        return report_path(asset.unit) + "#" + asset.name
    return asset.id


def value(v):
    """A plain value, `{"unknown": why}` for an Unknowable."""
    if isinstance(v, Unknowable):
        return {"unknown": v.reason}
    if isinstance(v, (list, tuple)):
        return [value(x) for x in v]
    if isinstance(v, dict):
        return {str(k): value(x) for k, x in sorted(v.items())}
    return v


def location(loc) -> dict | None:
    if loc is None:
        return None
    out = {"file": report_path(loc.file), "line": loc.line, "end_line": loc.end_line}
    if loc.resource:
        out["resource"] = loc.resource
    if loc.attribute:
        out["attribute"] = loc.attribute
    return out


def _asset(a, ids: dict) -> dict:
    out = {"id": ids[a.id], "kind": a.kind, "name": a.name}
    if a.type:
        out.update({"type": a.type, "native_type": a.native_type, "location": location(a.location),
                    "unit": report_path(a.unit)})
        if a.module:
            out["module"] = a.module
        if a.construct:
            out["construct"] = a.construct
    if a.models:
        out["models"] = value(a.models)
    for key in ("exposure", "encryption"):
        v = getattr(a, key)
        if v is not None:
            out[key] = value(v)
    if a.exposure_detail:
        out["exposure_detail"] = a.exposure_detail
    if a.role is not None:
        out["role"] = ids.get(a.role, a.role) if isinstance(a.role, str) else value(a.role)
    if a.grants:
        out["grants"] = [{"actions": value(list(g.actions)), "resources": value(list(g.resources)),
                          **({"conditions": list(g.conditions)} if g.conditions else {}),
                          **(location(g.location) or {})} for g in a.grants]
    if a.tags:
        out["tags"] = sorted(a.tags)
    if a.facts:
        out["facts"] = value(a.facts)
    return out


def _edge(e, ids: dict) -> dict:
    out = {"source": ids.get(e.source, e.source), "target": ids.get(e.target, e.target), "kind": e.kind}
    if e.label:
        out["label"] = e.label
    out["known"] = e.known
    if not e.known:
        out["reason"] = e.reason
    out["via"] = [location(v) for v in e.via]
    return out


def _path(f, ids: dict) -> dict:
    return {
        "policy_id": f.policy_id, "policy_name": f.policy_name, "severity": f.severity, "verdict": f.verdict,
        "message": f.message, "file": report_path(f.file), "line": f.line, "resource": f.resource,
        "fingerprint": f.fingerprint, "suppressed": f.suppressed,
        "flows": [[_step(s, ids) for s in chain] for chain in f.flows],
    }


def _step(s: tuple, ids: dict) -> dict:
    """One link of a chain; `source_asset`/`target_asset` are the ids of the assets it
    joins (as in `assets`), when they are assets of the inventory."""
    out = dict(zip(STEP_FIELDS, (report_path(s[0]),) + tuple(s[1:8])))
    for key, value in zip(("source_asset", "target_asset"), s[8:10]):
        if value in ids:
            out[key] = ids[value]
    return out


def diff_data(diff) -> dict:
    """The diff for the JSON inventory."""
    def asset(a):
        return {"id": asset_id(a), "kind": a.kind, "name": a.name, "location": location(a.location)}

    def path(f):
        return {"policy_id": f.policy_id, "message": f.message, "file": report_path(f.file), "line": f.line,
                "resource": f.resource}

    return {
        "ref": diff.ref, "base": diff.base,
        "added_assets": [asset(a) for a in diff.added_assets],
        "removed_assets": [asset(a) for a in diff.removed_assets],
        "added_edges": len(diff.added_edges), "removed_edges": len(diff.removed_edges),
        "added_paths": [path(f) for f in diff.added_paths],
        "removed_paths": [path(f) for f in diff.removed_paths],
    }
