"""SARIF 2.1.0 for code-scanning services (GitHub code scanning reads it directly).

One rule per policy that ran, with `security-severity` so GitHub ranks alerts by it;
results carry a line-independent `partialFingerprints` entry so an alert survives code
moving around, and suppressed findings stay in the log marked `inSource` (code scanning
shows them as dismissed instead of reopening them). No timestamps: same input, same bytes.
"""
from __future__ import annotations

import json
from types import SimpleNamespace

from iaclint import __version__
from iaclint.formatters._common import inert_result, policies_by_id, report_notes, report_path, uri_path

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/iaclint/iaclint"
POLICY_DOCS = "https://github.com/iaclint/iaclint/blob/main/docs/policies.md#"
FINGERPRINT_KEY = "iaclint/v1"
SRCROOT = "%SRCROOT%"

SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "1.0"}
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}


def format_sarif(result, colour: bool = False) -> str:
    result = inert_result(result)  # text from the tree made harmless (formatters._common)
    policies = policies_by_id(result)
    findings = sorted(result.findings, key=lambda f: f.sort_key())
    # Every policy that ran, plus any policy a finding names that is not among them.
    rule_ids = sorted(set(policies) | {f.policy_id for f in findings})
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    rules = [_rule(policies.get(rule_id), rule_id, findings) for rule_id in rule_ids]
    run = {
        "tool": {"driver": {
            "name": "iaclint",
            "version": __version__,
            "semanticVersion": __version__,
            "informationUri": INFORMATION_URI,
            "rules": rules,
        }},
        "invocations": [_invocation(result)],
        "results": [_result(f, index[f.policy_id]) for f in findings],
    }
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _rule(policy, rule_id: str, findings) -> dict:
    if policy is None:  # a finding from a policy the result does not describe
        sample = next(f for f in findings if f.policy_id == rule_id)
        title, what, severity, name, category = sample.message, "", sample.severity, sample.policy_name, ""
    else:
        title, what, severity = policy.title or policy.name, policy.what, policy.severity
        name, category = policy.name, policy.category
    rule = {
        "id": rule_id,
        "name": name or rule_id,
        "shortDescription": {"text": title or rule_id},
        "fullDescription": {"text": _one_paragraph(what) or title or rule_id},
        "defaultConfiguration": {"level": LEVEL.get(severity, "warning")},
        "helpUri": POLICY_DOCS + rule_id.lower(),
    }
    if policy is not None:
        rule["help"] = help_text(policy)
    tags = ["security"] + [t for t in (category, severity) if t] + ["opt-in"] * bool(getattr(policy, "opt_in", False))
    rule["properties"] = {"security-severity": SECURITY_SEVERITY.get(severity, "5.5"), "tags": tags}
    return rule


def help_text(policy) -> dict:
    """The rule's help: why it matters and how to fix it, as plain text and Markdown."""
    sections = [("Why it matters", policy.why), ("Fix in Terraform", policy.fix_terraform),
                ("Fix in CloudFormation", policy.fix_cloudformation)]
    text, markdown = [], []
    if policy.what:
        text.append(policy.what.strip())
        markdown.append(policy.what.strip())
    for heading, body in sections:
        if body and body.strip():
            text.append(f"{heading}:\n{body.strip()}")
            markdown.append(f"**{heading}**\n\n{body.strip()}")
    if policy.references:
        text.append("References:\n" + "\n".join(f"- {r}" for r in policy.references))
        markdown.append("**References**\n\n" + "\n".join(f"- <{r}>" for r in policy.references))
    return {"text": "\n\n".join(text) or policy.title or policy.id,
            "markdown": "\n\n".join(markdown) or policy.title or policy.id}


def _one_paragraph(text: str) -> str:
    return " ".join((text or "").split())


def _result(f, rule_index: int) -> dict:
    unknown = f.verdict == "UNKNOWN"
    entry = {
        "ruleId": f.policy_id,
        "ruleIndex": rule_index,
        "level": "note" if unknown else LEVEL.get(f.severity, "warning"),
        "message": {"text": ("UNKNOWN: " if unknown else "") + (f.message or f.policy_id)},
        "locations": [_location(f)],
    }
    if getattr(f, "flows", ()):
        entry["codeFlows"] = [_code_flow(chain) for chain in f.flows]
    if f.fingerprint:
        entry["partialFingerprints"] = {FINGERPRINT_KEY: f.fingerprint}
    if f.suppressed:
        suppression = {"kind": "inSource"}
        if f.suppression_reason:
            suppression["justification"] = f.suppression_reason
        entry["suppressions"] = [suppression]
    properties = {"verdict": f.verdict}
    if f.attribute:
        properties["attribute"] = f.attribute
    if f.resource_type:
        properties["resourceType"] = f.resource_type
    if getattr(f, "construct", ""):
        properties["construct"] = f.construct
    if getattr(f, "root", ""):
        properties["root"] = f.root
    if getattr(f, "environments", ()):
        properties["environments"] = list(f.environments)
    entry["properties"] = properties
    return entry


CHEAPEST = "<- cheapest link to break"


def _code_flow(chain) -> dict:
    """An attack path as a code flow: one thread-flow location per link, in order, the
    link a fix should break marked `essential` (GitHub shows the steps one by one)."""
    steps = []
    for file, line, column, end_line, end_column, resource, message, *_ in chain:
        step = SimpleNamespace(file=file, line=line, column=column, end_line=end_line, end_column=end_column,
                               resource=resource, construct="")
        location = _location(step)
        location["message"] = {"text": message}
        steps.append({"location": location, "importance": "essential" if message.endswith(CHEAPEST) else "important"})
    return {"threadFlows": [{"locations": steps}]}


def _artifact(file: str) -> dict:
    path = report_path(file)
    if path.startswith("/"):
        return {"uri": "file://" + uri_path(path)}
    return {"uri": uri_path(path), "uriBaseId": SRCROOT}


def _location(f) -> dict:
    artifact = _artifact(f.file)
    line = max(f.line, 1)
    column = max(f.column, 1)
    end_line = max(f.end_line, line)
    end_column = max(f.end_column, 1)
    if end_line == line:
        end_column = max(end_column, column)
    location = {"physicalLocation": {
        "artifactLocation": artifact,
        "region": {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column},
    }}
    if f.resource:
        location["logicalLocations"] = [{"name": f.resource, "fullyQualifiedName": f.resource, "kind": "resource"}]
        construct = getattr(f, "construct", "")
        if construct:  # the CDK construct the resource was synthesized from
            location["logicalLocations"].append({"name": construct.rsplit("/", 1)[-1],
                                                 "fullyQualifiedName": construct, "kind": "module"})
    return location


def _invocation(result) -> dict:
    """Errors (a policy that failed, a path not found: the run failed, SARIF 2.1.0
    §3.20.21), then the scan's notes (`level: note`, §3.58.6: what was left out on
    purpose, said on standard error too; the run still succeeded)."""
    errors = [{"level": "error", "message": {"text": str(e)}} for e in result.errors]
    errors += [{"level": "error", "message": {"text": f"path not found: {p}"}} for p in result.missing]
    notes = [_notification(note) for note in report_notes(result)]
    invocation = {"executionSuccessful": not errors}
    if errors or notes:
        invocation["toolExecutionNotifications"] = errors + notes
    return invocation


def _notification(note) -> dict:
    """A note's text as standard error says it, and, when it is about a line, that line
    as its location (§3.58.4)."""
    entry = {"level": "note", "message": {"text": note.text}}
    if note.line is not None:
        entry["locations"] = [{"physicalLocation": {"artifactLocation": _artifact(note.path),
                                                    "region": {"startLine": note.line}}}]
    return entry
