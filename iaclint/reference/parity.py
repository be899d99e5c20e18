"""Run-time and peer parity (a section of docs/coverage.md): every control of AWS Security
Hub CSPM (SageMaker, Bedrock, Bedrock AgentCore), Prowler's SageMaker and Bedrock checks,
KICS's AI queries and modelmoat's checks, against the iaclint policy that checks the same
property before deploy, or why none does.

The control lists are data under docs/coverage/controls/ (written by
docs/coverage/extract_peers.py, Security Hub's typed from its documentation pages), the
mapping is docs/coverage/parity.yaml; tests/test_coverage_doc.py fails when a control has no
entry there. The Checkov column is what the mapped iaclint policies record as their Checkov
equivalents (`checkov_ids`).
"""
from __future__ import annotations

import json
from pathlib import Path

from iaclint.model.records import dataclass, field

DOCS = Path(__file__).resolve().parents[2] / "docs" / "coverage"
SOURCES = (("securityhub", "AWS Security Hub CSPM"), ("prowler", "Prowler"), ("kics", "KICS"),
           ("modelmoat", "modelmoat"))
KINDS = ("iaclint", "gap", "not_static", "out_of_scope")


@dataclass
class Control:
    id: str
    title: str
    kind: str  # one of KINDS
    policies: list = field(default_factory=list)  # iaclint policy names
    text: str = ""  # the note, or why there is no policy
    resource: str = ""  # the CloudFormation type, where the source names one


@dataclass
class Source:
    key: str
    label: str
    origin: str
    revision: str
    controls: list


class ParityError(ValueError):
    """A control without an entry, an entry without a control, or a malformed entry."""


def load(docs: Path = DOCS) -> list[Source]:
    import yaml

    mapping = yaml.safe_load((docs / "parity.yaml").read_text(encoding="utf-8")) or {}
    out = []
    for key, label in SOURCES:
        data = json.loads((docs / "controls" / f"{key}.json").read_text(encoding="utf-8"))
        entries = mapping.get(key) or {}
        ids = [c["id"] for c in data["controls"]]
        missing = [i for i in ids if i not in entries]
        extra = sorted(set(entries) - set(ids))
        if missing or extra:
            raise ParityError(f"{key}: controls without an entry in parity.yaml {missing}; "
                              f"entries without a control {extra}")
        controls = [_control(key, c, entries[c["id"]]) for c in data["controls"]]
        out.append(Source(key, label, data["source"], str(data.get("revision", "")), controls))
    return out


def _control(source: str, control: dict, entry) -> Control:
    kinds = [k for k in KINDS if isinstance(entry, dict) and k in entry]
    if len(kinds) != 1:
        raise ParityError(f"{source} {control['id']}: give exactly one of {', '.join(KINDS)}")
    kind = kinds[0]
    if kind == "iaclint":
        policies = entry["iaclint"]
        if not policies or not all(isinstance(p, str) for p in policies):
            raise ParityError(f"{source} {control['id']}: `iaclint` lists policy names")
        return Control(control["id"], control["title"], kind, list(policies), entry.get("note", ""),
                       control.get("resource", ""))
    text = entry[kind]
    if not isinstance(text, str) or not text.strip():
        raise ParityError(f"{source} {control['id']}: `{kind}` needs a reason")
    return Control(control["id"], control["title"], kind, [], text, control.get("resource", ""))


def counts(source: Source) -> dict:
    return {k: sum(1 for c in source.controls if c.kind == k) for k in KINDS}


def render(sources: list[Source], policies) -> list[str]:
    by_name = {p.name: p for p in policies}
    out = ["## Parity with run-time and peer scanners", "",
           "Every control of AWS Security Hub CSPM for SageMaker, Bedrock and Bedrock AgentCore, Prowler's SageMaker "
           "and Bedrock checks, KICS's AI queries and modelmoat's checks, with the iaclint policy that checks the same "
           "property before deploy, or why none does: *gap* (decidable from code, no policy yet), *not static* (not "
           "decidable from infrastructure code), *out of scope* (not AWS). The lists are "
           "[coverage/controls/](coverage/controls/) (`docs/coverage/extract_peers.py` writes Prowler's, KICS's and "
           "modelmoat's), the mapping is [coverage/parity.yaml](coverage/parity.yaml). The Checkov column is what the "
           "iaclint policies record as Checkov's check of the same property.", "",
           "| source | controls | iaclint | gap | not static | out of scope |", "|---|---|---|---|---|---|"]
    for source in sources:
        n = counts(source)
        out.append(f"| {source.label} | {len(source.controls)} | {n['iaclint']} | {n['gap']} | {n['not_static']} | "
                   f"{n['out_of_scope']} |")
    out.append("")
    for source in sources:
        out += [f"### {source.label}", "", f"{source.origin}; {source.revision}.", "",
                "| control | title | iaclint before deploy | Checkov | note |", "|---|---|---|---|---|"]
        for c in source.controls:
            if c.kind == "iaclint":
                found = [by_name[p] for p in c.policies if p in by_name]
                ours = ", ".join(f"[{p.id}](policies.md#{p.id.lower()}) `{p.name}`" + " (opt-in)" * bool(p.opt_in)
                                 for p in found)
                checkov = ", ".join(sorted({i for p in found for i in p.checkov_ids})) or "none"
                note = c.text
            else:
                ours = {"gap": "gap", "not_static": "not static", "out_of_scope": "out of scope"}[c.kind]
                checkov, note = "-", c.text
            title = c.title.replace("|", "\\|")
            out.append(f"| {c.id} | {title} | {ours} | {checkov} | {note.replace('|', '/')} |")
        out.append("")
    return out
