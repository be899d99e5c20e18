"""GitLab's SAST security report (`gl-sast-report.json`, schema version 15.0.6), read by
GitLab CI through `artifacts: reports: sast:`: findings appear in the merge request's
security widget, the pipeline's Security tab and the vulnerability report.

One vulnerability per reported finding (suppressed findings are left out, as in `junit`
and `markdown`; an UNKNOWN verdict shown by `--strict` has severity `Unknown`), named by
the policy title and identified by the policy ID (plus the Checkov IDs it maps to), with
the file and lines, the fixes as `solution` and the policy references as links.

The schema requires the scan's start and end time. They are the only bytes that change
from run to run; with SOURCE_DATE_EPOCH set (the reproducible-builds convention) both
are that instant and the report is byte-for-byte reproducible.
"""
from __future__ import annotations

import json
import os
import time
import uuid

from iaclint import __version__
from iaclint.formatters._common import inert_result, policies_by_id, printable, report_path, reported
from iaclint.formatters.sarif import INFORMATION_URI, POLICY_DOCS

SCHEMA_VERSION = "15.0.6"
SCHEMA_URI = ("https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/"
              f"v{SCHEMA_VERSION}/dist/sast-report-format.json")
SEVERITY = {"critical": "Critical", "high": "High", "medium": "Medium", "low": "Low", "info": "Info"}
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S"
# A fixed namespace so that a finding keeps its vulnerability id from run to run.
ID_NAMESPACE = uuid.UUID("6f3c1f2e-5a0b-4d2c-9a57-1ac1a7e0b5d3")
MAX_NAME, MAX_SOLUTION, MAX_DESCRIPTION = 255, 7000, 1_048_576

TOOL = {"id": "iaclint", "name": "iaclint", "url": INFORMATION_URI, "version": __version__,
        "vendor": {"name": "iaclint"}}


def format_gitlab(result, colour: bool = False) -> str:
    result = inert_result(result)  # text from the tree made harmless (formatters._common)
    start, end = _times(result)
    policies = policies_by_id(result)
    vulnerabilities, seen = [], set()
    for finding in reported(result):
        vulnerability = _vulnerability(finding, policies.get(finding.policy_id))
        while vulnerability["id"] in seen:  # two findings with one identity: keep both
            vulnerability["id"] = str(uuid.uuid5(ID_NAMESPACE, vulnerability["id"]))
        seen.add(vulnerability["id"])
        vulnerabilities.append(vulnerability)
    errors = [str(e) for e in result.errors] + [f"path not found: {p}" for p in result.missing]
    scan = {
        "analyzer": dict(TOOL),
        "scanner": dict(TOOL),
        "type": "sast",
        "start_time": start,
        "end_time": end,
        "status": "failure" if errors else "success",
    }
    if errors:
        scan["messages"] = [{"level": "fatal", "value": printable(e)} for e in errors]
    report = {"version": SCHEMA_VERSION, "schema": SCHEMA_URI, "scan": scan, "vulnerabilities": vulnerabilities}
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def _times(result) -> tuple[str, str]:
    fixed = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if fixed.isdigit():
        end = start = int(fixed)
    else:
        end = time.time()
        start = end - max(float(getattr(result, "elapsed", 0.0) or 0.0), 0.0)
    return (time.strftime(TIME_FORMAT, time.gmtime(start)), time.strftime(TIME_FORMAT, time.gmtime(end)))


def _vulnerability(f, policy) -> dict:
    unknown = f.verdict == "UNKNOWN"
    path = report_path(f.file)
    title = (policy.title if policy is not None and policy.title else "") or f.policy_name or f.policy_id
    message = printable(f.message)
    description = ("UNKNOWN (the verdict depends on a value that cannot be known statically): " if unknown
                   else "") + message
    if f.resource:
        description += f"\n\nResource: `{f.resource}`"
    if policy is not None and policy.what and policy.what.strip():
        description += "\n\n" + policy.what.strip()
    identifiers = [{"type": "iaclint_policy_id", "name": f"iaclint {f.policy_id} {f.policy_name}".strip(),
                    "value": f.policy_id, "url": POLICY_DOCS + f.policy_id.lower()}]
    if policy is not None:
        identifiers += [{"type": "checkov_id", "name": f"Checkov {cid}", "value": cid}
                        for cid in policy.checkov_ids]
    vulnerability = {
        "id": str(uuid.uuid5(ID_NAMESPACE, f"{f.fingerprint or f.policy_id}:{path}:{f.line}:{f.column}")),
        "name": _cut(("UNKNOWN: " if unknown else "") + printable(title), MAX_NAME),
        "description": _cut(description, MAX_DESCRIPTION),
        "severity": "Unknown" if unknown else SEVERITY.get(f.severity, "Unknown"),
        "identifiers": identifiers,
        "location": {"file": path, "start_line": f.line, "end_line": max(f.end_line, f.line)},
    }
    solution = _solution(policy, path)
    if solution:
        vulnerability["solution"] = _cut(solution, MAX_SOLUTION)
    links = [{"url": r} for r in (policy.references if policy is not None else ()) if r.startswith(("http://",
                                                                                                      "https://"))]
    if links:
        vulnerability["links"] = links
    return vulnerability


def _solution(policy, path: str) -> str:
    """The fix for the finding's format (Terraform or CloudFormation), else both."""
    if policy is None:
        return ""
    terraform = (policy.fix_terraform or "").strip()
    cloudformation = (policy.fix_cloudformation or "").strip()
    if path.endswith((".tf", ".tf.json", ".tfvars", ".tfvars.json")):
        return terraform or cloudformation
    if path.endswith((".yaml", ".yml", ".json", ".template")):
        return cloudformation or terraform
    return "\n\n".join(p for p in (terraform, cloudformation) if p)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
