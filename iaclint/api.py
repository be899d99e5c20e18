"""The library API that the CLI, the pre-commit hook, editors and tests all call.

`scan()` runs the whole pipeline: discover -> parse and evaluate -> normalize -> engine
-> findings. It never raises on bad input: unreadable or broken files become IAC001
findings and the other files are still scanned. Policy selection happens before the run;
reporting choices (strict, fail-on) are applied to the finished result.
"""
from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field

from iaclint.discover import discover
from iaclint.engine.policy import SEVERITIES, Policy, Verdict
from iaclint.model import Finding, ParseError, Project

PARSE_ERROR_ID = "IAC001"


@dataclass
class ScanResult:
    findings: list  # FAIL findings (and UNKNOWN ones when strict), sorted
    unknowns: list  # every UNKNOWN verdict as a Finding, whether reported or not
    passed: int
    files: int
    resources: int
    policies: list
    errors: list = field(default_factory=list)  # internal errors (policy bugs): exit code 2
    missing: list = field(default_factory=list)  # paths that did not exist: exit code 2
    elapsed: float = 0.0
    strict: bool = False

    def counts(self) -> dict:
        counts = {s: 0 for s in SEVERITIES}
        for f in self.findings:
            if f.verdict == "FAIL":  # UNKNOWN verdicts shown by --strict are counted apart
                counts[f.severity] = counts.get(f.severity, 0) + 1
        return counts


def select_policies(policies: list[Policy], select=(), ignore=()) -> list[Policy]:
    """Keep policies named (by id or name) in `select` (all if empty), minus `ignore`."""
    wanted = {s.strip() for s in select if s.strip()}
    unwanted = {s.strip() for s in ignore if s.strip()}
    out = []
    for policy in policies:
        keys = {policy.id, policy.name}
        if wanted and not keys & wanted:
            continue
        if keys & unwanted:
            continue
        out.append(policy)
    return out


def load_all_policies(policy_dirs=()) -> list[Policy]:
    from iaclint.engine.builtin import ParseErrorPolicy
    from iaclint.engine.registry import load_policies

    return sorted([ParseErrorPolicy(), *load_policies(list(policy_dirs))], key=lambda p: p.id)


def scan(paths=(".",), *, select=(), ignore=(), strict: bool = False, policy_dirs=(), var_files=(),
         variables: dict | None = None, parameters: dict | None = None,
         policies: list[Policy] | None = None, overlay: dict | None = None) -> ScanResult:
    """Scan `paths`. `overlay` maps file paths to unsaved contents (bytes) that are read
    instead of the disk's: an editor buffer, or `--stdin` under `--stdin-filename`."""
    started = time.perf_counter()
    if policies is None:
        policies = load_all_policies(policy_dirs)
    policies = select_policies(policies, select, ignore)
    overlay = {os.path.normpath(k): v for k, v in (overlay or {}).items()}
    found = discover(list(paths), set(overlay))
    raw_resources, parse_errors, files = _parse_all(found, list(var_files), variables or {}, parameters or {},
                                                    overlay)

    from iaclint.normalize import normalize

    project = Project([normalize(r) for r in raw_resources])

    from iaclint.engine.runner import run

    evaluations, errors = run(project, [p for p in policies if p.resource_types])
    findings: list[Finding] = []
    unknowns: list[Finding] = []
    passed = 0
    for ev in evaluations:
        if ev.resource.file not in found.reportable:
            continue
        if ev.result.verdict is Verdict.PASS:
            passed += 1
            continue
        finding = _finding(ev.policy, ev.resource, ev.result)
        if ev.result.verdict is Verdict.UNKNOWN:
            unknowns.append(finding)
            if strict:
                findings.append(finding)
        else:
            findings.append(finding)
    parse_policy = next((p for p in policies if p.id == PARSE_ERROR_ID), None)
    if parse_policy is not None:
        findings.extend(_parse_finding(parse_policy, e) for e in parse_errors if e.file in found.reportable)
    findings.sort(key=Finding.sort_key)
    unknowns.sort(key=Finding.sort_key)
    return ScanResult(
        findings=findings, unknowns=unknowns, passed=passed, files=files,
        resources=sum(1 for r in project.resources if r.file in found.reportable),
        policies=policies, errors=errors, missing=found.missing,
        elapsed=time.perf_counter() - started, strict=strict,
    )


def _parse_all(found, var_files: list, variables: dict, parameters: dict, overlay: dict | None = None):
    overlay = overlay or {}
    raw_resources = []
    errors: list[ParseError] = []
    files = 0
    if found.terraform_dirs:
        from iaclint.terraform.module import load_module

        for directory, tf_files in sorted(found.terraform_dirs.items()):
            result = load_module(directory, tf_files, var_files=var_files, variables=variables, overlay=overlay)
            raw_resources.extend(result.resources)
            errors.extend(result.errors)
            files += len([f for f in tf_files if f in found.reportable])
    if found.cloudformation:
        from iaclint.cloudformation.template import load_template

        for path in found.cloudformation:
            try:
                data = overlay.get(path)
                if data is None:
                    with open(path, "rb") as handle:
                        data = handle.read()
            except OSError as exc:
                errors.append(ParseError(path, 1, 1, f"cannot read file: {exc.strerror or exc}"))
                files += 1
                continue
            result = load_template(path, data, parameters)
            if result is None:
                continue  # not a CloudFormation template: skipped silently
            files += 1
            raw_resources.extend(result.resources)
            errors.extend(result.errors)
    return raw_resources, errors, files


def fingerprint(policy_id: str, file: str, address: str, path: tuple) -> str:
    """Stable across line moves: policy, file, resource and attribute path, not lines."""
    key = "\x1f".join([policy_id, file.replace(os.sep, "/"), address, ".".join(map(str, path))])
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _finding(policy: Policy, resource, result) -> Finding:
    span = resource.span_for(result.path)
    return Finding(
        policy_id=policy.id, policy_name=policy.name, severity=policy.severity,
        message=result.message or policy.title, file=resource.file,
        line=span.line, column=span.column, end_line=span.end_line, end_column=span.end_column,
        resource=resource.address, resource_type=resource.native_type,
        attribute=resource.native_name(result.path) if result.path else "",
        verdict=result.verdict.value,
        fingerprint=fingerprint(policy.id, resource.file, resource.address, result.path),
    )


def _parse_finding(policy: Policy, error: ParseError) -> Finding:
    return Finding(
        policy_id=policy.id, policy_name=policy.name, severity=policy.severity,
        message=error.message, file=error.file, line=error.line, column=error.column,
        end_line=error.line, end_column=error.column, resource="",
        fingerprint=fingerprint(policy.id, error.file, "", (error.message,)),
    )
