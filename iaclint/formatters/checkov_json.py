"""`--format checkov-json`: the structure of `checkov -o json` (Checkov 3.3), for the
dashboards and tools that already ingest Checkov's reports.

One report per framework (`check_type` `terraform` or `cloudformation`), a list when
there are two, a single object when there is one, and Checkov's bare summary when there
is nothing to list, as Checkov prints them. Each record has Checkov's keys
(`check_id`, `check_name`, `check_result`, `file_path`, `file_abs_path`,
`file_line_range`, `resource`, `severity`, `guideline`, ...): `check_id` is the policy ID
(a Checkov policy loaded with `--external-checks-dir` keeps its own), `check_name` its
title, `details` iaclint's message. Differences, on purpose: `file_line_range` is the
line range of what decided the finding (the attribute), not of the whole resource;
`passed_checks` is empty (iaclint counts passes: `summary.passed`); the scan-wide
`passed` and `resource_count` are in the first report's summary; UNKNOWN verdicts are
not listed (Checkov has no such result); suppressed findings are `skipped_checks` with
their reason as `suppress_comment`. Text from the scanned tree has its control
characters replaced (`printable`) before JSON encoding.
"""
from __future__ import annotations

import json
import os

from iaclint.formatters._common import inert_result, policies_by_id, printable, report_path
from iaclint.model.resource import PARSE_ERROR_ID

CHECKOV_VERSION = "3.3.30"  # the report structure written here is this version's


def format_checkov_json(result, colour: bool = False) -> str:
    result = inert_result(result)  # text from the tree made harmless (formatters._common)
    reports = checkov_reports(result)
    if not reports:
        document: object = _summary(result, 0, 0, 0, first=True)
    else:
        document = reports[0] if len(reports) == 1 else reports
    return json.dumps(document, indent=4) + "\n"


def checkov_reports(result) -> list[dict]:
    """The reports, terraform first, as Checkov orders its frameworks."""
    policies = policies_by_id(result)
    failed: dict = {}
    skipped: dict = {}
    errors: dict = {}
    for finding in sorted(result.findings, key=lambda f: f.sort_key()):
        kind = _check_type(finding)
        if finding.policy_id == PARSE_ERROR_ID:
            errors.setdefault(kind, []).append(os.path.abspath(printable(finding.file)))
        elif finding.verdict == "FAIL":
            bucket = skipped if finding.suppressed else failed
            bucket.setdefault(kind, []).append(_record(finding, policies.get(finding.policy_id)))
    out = []
    for kind in ("terraform", "cloudformation"):
        if kind not in failed and kind not in skipped and kind not in errors:
            continue
        records = failed.get(kind, []), skipped.get(kind, []), errors.get(kind, [])
        out.append({
            "check_type": kind,
            "results": {"passed_checks": [], "failed_checks": records[0], "skipped_checks": records[1],
                        "parsing_errors": records[2]},
            "summary": _summary(result, *map(len, records), first=not out),
            "url": None,
        })
    return out


def _summary(result, failed: int, skipped: int, parsing_errors: int, first: bool) -> dict:
    return {"passed": result.passed if first else 0, "failed": failed, "skipped": skipped,
            "parsing_errors": parsing_errors, "resource_count": result.resources if first else 0,
            "checkov_version": CHECKOV_VERSION}


def _check_type(finding) -> str:
    if finding.resource_type.startswith("AWS::") or finding.resource_type.startswith("Alexa::"):
        return "cloudformation"
    if finding.resource_type:
        return "terraform"
    name = finding.file.lower()
    return "terraform" if name.endswith((".tf", ".tf.json", ".tfvars", ".tfvars.json")) else "cloudformation"


def _record(finding, policy) -> dict:
    path = printable(report_path(finding.file))
    absolute = os.path.abspath(printable(finding.file))
    resource = printable(finding.resource)
    if finding.resource_type.startswith("AWS::"):
        resource = f"{printable(finding.resource_type)}.{resource}"
    keys = [printable(finding.attribute).replace(".", "/")] if finding.attribute else []
    check_result: dict = {"result": "SKIPPED" if finding.suppressed else "FAILED", "evaluated_keys": keys}
    if finding.suppressed:
        check_result["suppress_comment"] = printable(finding.suppression_reason)
    return {
        "check_id": finding.policy_id,
        "bc_check_id": None,
        "check_name": (policy.title or policy.name) if policy is not None else finding.policy_name,
        "check_result": check_result,
        "code_block": None,
        "file_path": "/" + path.lstrip("/"),
        "file_abs_path": absolute,
        "repo_file_path": "/" + path.lstrip("/"),
        "file_line_range": [finding.line, max(finding.end_line, finding.line)],
        "resource": resource,
        "evaluations": None,
        "check_class": (getattr(policy, "module_name", "") or type(policy).__module__) if policy is not None else "iaclint",
        "fixed_definition": None,
        "entity_tags": None,
        "caller_file_path": None,
        "caller_file_line_range": None,
        "resource_address": None,
        "severity": finding.severity.upper(),
        "bc_category": None,
        "benchmarks": {},
        "description": None,
        "short_description": None,
        "vulnerability_details": None,
        "connected_node": None,
        "guideline": _guideline(policy),
        "details": [printable(finding.message)],
        "check_len": None,
        "definition_context_file_path": absolute,
    }


def _guideline(policy) -> str | None:
    if policy is None:
        return None
    guideline = getattr(policy, "guideline", "")
    if guideline:
        return guideline
    references = policy.references
    return references[0] if references else None
