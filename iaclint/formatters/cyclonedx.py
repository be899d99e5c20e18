"""`iaclint inventory --format cyclonedx`: the AI inventory as a CycloneDX 1.6 BOM (an
ML-BOM), written with `cyclonedx-python-lib`, the standard's own library (the `cyclonedx`
extra: `pip install 'iaclint[cyclonedx]'`; only this format imports it).

- Models (foundation models by ID, SageMaker and Bedrock models) are components of type
  `machine-learning-model`; the data they are built from or retrieve (training data,
  knowledge-base sources, model artifacts, vector and feature stores, the model
  registry, agent memory) components of type `data`; KMS keys `cryptographic-asset`.
- What runs and is called (endpoints, agents, AgentCore runtimes, knowledge bases,
  flows, APIs, functions, pipelines, notebooks, guardrails) are `services`, with
  `authenticated` and `x-trust-boundary` from their network exposure where it is known.
- `dependencies` are the graph's edges, a role's reach folded into the assets that run
  as it (roles are not BOM entries: CycloneDX has no identity type; the role is a
  property of its users).
- Attack paths are `vulnerabilities` (source iaclint, the policy as the rating's method,
  the chain as the description) affecting the asset at the cheapest link's end.
- Every other fact is an `iaclint:*` property. The serial number is derived from the
  content and there is no timestamp: the same tree gives the same bytes.
"""
from __future__ import annotations

import hashlib
import uuid

from iaclint import __version__
from iaclint.formatters.inventory_data import asset_id
from iaclint.inventory.model import INTERNET, PUBLIC, Unknowable

MODEL_KINDS = ("foundation-model", "model")
DATA_KINDS = ("data-store", "vector-store", "feature-store", "registry", "memory")
KEY_KINDS = ("key",)
SKIPPED = ("role", "user", "external", "image-repository")
SEVERITY = {"critical": "critical", "high": "high", "medium": "medium", "low": "low", "info": "info"}


def format_cyclonedx(result, colour: bool = False) -> str:
    from cyclonedx.model import Property
    from cyclonedx.model.bom import Bom
    from cyclonedx.model.component import Component, ComponentType
    from cyclonedx.model.service import Service
    from cyclonedx.output.json import JsonV1Dot6

    graph = result.inventory
    bom = Bom()
    bom.serial_number = uuid.UUID(int=0)  # replaced below by one derived from the content
    bom.metadata.timestamp = None
    bom.metadata.tools.components.add(Component(type=ComponentType.APPLICATION, name="iaclint", version=__version__))
    entries: dict = {}
    for asset in graph or ():
        if asset.kind in SKIPPED:
            continue
        ref = asset_id(asset)
        properties = [Property(name=f"iaclint:{k}", value=v) for k, v in _properties(asset, graph)]
        if asset.kind in MODEL_KINDS + DATA_KINDS + KEY_KINDS:
            kind = (ComponentType.MACHINE_LEARNING_MODEL if asset.kind in MODEL_KINDS else
                    ComponentType.CRYPTOGRAPHIC_ASSET if asset.kind in KEY_KINDS else ComponentType.DATA)
            entry = Component(type=kind, name=_text(asset.name), bom_ref=ref, properties=properties,
                              group=_group(asset))
            bom.components.add(entry)
        else:
            entry = Service(name=_text(asset.name), bom_ref=ref, group=_group(asset), properties=properties,
                            authenticated=_authenticated(asset), x_trust_boundary=_boundary(asset))
            bom.services.add(entry)
        entries[asset.id] = entry
    for source, targets in _dependencies(graph, entries).items():
        bom.register_dependency(entries[source], [entries[t] for t in targets])
    for vulnerability in _vulnerabilities(result, graph, entries):
        bom.vulnerabilities.add(vulnerability)
    text = JsonV1Dot6(bom).output_as_string(indent=2)
    bom.serial_number = uuid.UUID(hashlib.sha256(text.encode("utf-8")).hexdigest()[:32], version=4)
    return JsonV1Dot6(bom).output_as_string(indent=2) + "\n"


def _text(value) -> str:
    """Names from the scanned tree, as plain one-line text (JSON escapes the rest)."""
    return " ".join(str(value).split()) or "?"


def _group(asset) -> str | None:
    return _text(asset.unit) if asset.unit else None


def _authenticated(asset):
    if asset.exposure == PUBLIC:
        return False
    if asset.exposure == INTERNET:
        return True
    return None


def _boundary(asset):
    if asset.exposure in (PUBLIC, INTERNET):
        return True
    return None


def _show(value) -> str:
    return f"unknown: {value.reason}" if isinstance(value, Unknowable) else _text(value)


def _properties(asset, graph) -> list:
    out = [("kind", asset.kind)]
    if asset.type:
        out += [("type", asset.type), ("native-type", asset.native_type)]
    if asset.location is not None:
        out += [("file", asset.location.file), ("line", str(asset.location.line))]
    if asset.module:
        out.append(("module", asset.module))
    if asset.construct:
        out.append(("construct", asset.construct))
    out += [("model", _show(m)) for m in asset.models]
    if asset.exposure is not None:
        out.append(("exposure", _show(asset.exposure)))
    if asset.encryption is not None:
        out.append(("encryption", _show(asset.encryption)))
    if asset.role is not None:
        role = graph.get(asset.role) if isinstance(asset.role, str) else None
        out.append(("role", _text(role.name) if role is not None else _show(asset.role)))
    out += [("holds", t) for t in sorted(asset.tags) if t != "ai"]
    return [(k, _text(v)) for k, v in out]


def _dependencies(graph, entries: dict) -> dict:
    """source id -> ids it depends on: its edges to BOM entries, and through a role it
    assumes, that role's edges (one hop)."""
    out: dict = {}
    for source in entries:
        targets = []
        for edge in graph.out(source):
            hops = [edge.target]
            if edge.kind == "assumes":
                hops = [e.target for e in graph.out(edge.target) if e.kind != "assumes"]
            targets += [t for t in hops if t in entries and t != source]
        if targets:
            out[source] = sorted(set(targets))
    return out


def _vulnerabilities(result, graph, entries: dict) -> list:
    from cyclonedx.model.vulnerability import (
        BomTarget,
        Vulnerability,
        VulnerabilityRating,
        VulnerabilitySeverity,
        VulnerabilitySource,
    )

    by_address = {a.name: a for a in graph or () if a.id in entries}
    out = []
    for f in result.findings:
        if f.verdict != "FAIL" or f.suppressed or not f.flows:
            continue
        affected = _affected(f, graph, by_address, entries)
        out.append(Vulnerability(
            bom_ref=f"path:{f.fingerprint}", id=f"{f.policy_id}-{f.fingerprint}",
            source=VulnerabilitySource(name="iaclint"), description=_text(f.message),
            ratings=[VulnerabilityRating(severity=VulnerabilitySeverity(SEVERITY.get(f.severity, "unknown")))],
            affects=[BomTarget(ref=asset_id(a)) for a in affected]))
    return out


def _affected(f, graph, by_address: dict, entries: dict) -> list:
    """The assets each chain reaches (its last step's target) that are BOM entries."""
    found = []
    for chain in f.flows:
        asset = by_address.get(chain[-1][7]) if chain else None
        if asset is not None and asset not in found:
            found.append(asset)
    return found
