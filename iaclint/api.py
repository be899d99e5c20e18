"""The library API that the CLI, the pre-commit hook, editors and tests all call.

`scan()` runs the whole pipeline: discover -> parse and evaluate -> normalize -> engine
-> findings. It never raises on bad input: unreadable or broken files become IAC001
findings and the other files are still scanned. Policy selection and severity overrides
happen before the run; everything that decides what is *reported* (per-path ignores,
suppressions, baseline, diff, strict) is applied to the findings afterwards, here and
only here, so the CLI, editors and hooks cannot disagree about it.
"""
from __future__ import annotations

import copy
import os
import time
from dataclasses import dataclass, field

from iaclint.engine.policy import SEVERITIES, Policy, Verdict
from iaclint.model.finding import Finding, fingerprint
from iaclint.model.project import Project
from iaclint.model.resource import PARSE_ERROR_ID, ParseError  # noqa: F401 - API
from iaclint.pipeline.discover import discover


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
    show_suppressed: bool = False  # text-like reports list suppressed findings too
    baselined: int = 0  # findings left out because the baseline holds them
    outside_diff: int = 0  # findings left out by --diff (not on changed lines or resources)
    skipped: list = field(default_factory=list)  # (path, reason) left out on purpose: said, not an error

    def counts(self) -> dict:
        counts = {s: 0 for s in SEVERITIES}
        for f in self.findings:
            if f.verdict == "FAIL" and not f.suppressed:  # UNKNOWN (--strict) is counted apart
                counts[f.severity] = counts.get(f.severity, 0) + 1
        return counts

    @property
    def suppressed(self) -> int:
        return sum(1 for f in self.findings if f.suppressed)


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
    from iaclint.engine.builtin import (
        DuplicateKeyPolicy,
        ParseErrorPolicy,
        SuppressionWithoutReasonPolicy,
        UnusedSuppressionPolicy,
    )
    from iaclint.engine.registry import load_policies

    tool = [ParseErrorPolicy(), SuppressionWithoutReasonPolicy(), UnusedSuppressionPolicy(), DuplicateKeyPolicy()]
    return sorted([*tool, *load_policies(list(policy_dirs))], key=lambda p: p.id)


def override_severities(policies: list[Policy], severity: dict | None) -> list[Policy]:
    """Copies of the policies named (by ID or name) in `severity` with that severity, so
    findings, SARIF rules and `--fail-on` all see the same value; the originals are shared
    (a cached load) and stay untouched."""
    if not severity:
        return list(policies)
    out = []
    for policy in policies:
        level = severity.get(policy.id, severity.get(policy.name))
        if level is not None and level != policy.severity:
            if level not in SEVERITIES:
                raise ValueError(f"unknown severity {level!r} for {policy.id}")
            policy = copy.copy(policy)
            policy.severity = level
        out.append(policy)
    return out


def scan(paths=(".",), *, select=(), ignore=(), strict: bool = False, policy_dirs=(), var_files=(),
         variables: dict | None = None, parameters: dict | None = None,
         policies: list[Policy] | None = None, overlay: dict | None = None,
         severity: dict | None = None, exclude=(), per_path_ignores: dict | None = None,
         root: str | None = None, show_suppressed: bool = False, baseline=None, changes=None,
         cache=None, jobs: int = 1, options: dict | None = None) -> ScanResult:
    """Scan `paths`.

    `overlay` maps file paths to unsaved contents (bytes) that are read instead of the
    disk's: an editor buffer, or `--stdin` under `--stdin-filename`. `severity` maps policy
    IDs or names to a severity. `exclude` globs and `per_path_ignores` ({glob: [IDs]}) are
    relative to `root` (the configuration file's directory; default: the working
    directory). `baseline` is a set of fingerprints not to report; `changes`
    (`iaclint.pipeline.gitdiff.Changes`) limits the report to changed lines and resources.
    `cache` (`iaclint.pipeline.cache.Cache`) reuses the parse results of unchanged units; `jobs`
    loads units in that many processes (the result is the same for any value). `options`
    is what policies read besides the files (`trusted_accounts`: account IDs that the
    cross-account policies accept).
    """
    started = time.perf_counter()
    if policies is None:
        policies = load_all_policies(policy_dirs)
    known = {key: p for p in policies for key in (p.id, p.name)}
    policies = override_severities(select_policies(policies, select, ignore), severity)
    overlay = {os.path.normpath(k): v for k, v in (overlay or {}).items()}
    found = discover(list(paths), set(overlay))
    if exclude:
        from iaclint.pipeline.discover import exclude as without

        found = without(found, _matcher(exclude, root).matches)
    ignored = _path_ignores(per_path_ignores, root, known)
    from iaclint.pipeline.loading import Options

    policy_options = {k: v for k, v in (options or {}).items() if v}
    options = Options(list(var_files), dict(variables or {}), dict(parameters or {}), overlay)
    scan_key = keys = evaluated = None
    if cache is not None and changes is None and not per_path_ignores:
        from iaclint.pipeline import result_cache

        scan_key, keys = result_cache.key(cache, found, options, policies, policy_options)
        evaluated = result_cache.get(cache, scan_key, overlay)
    reportable_resources: list = []  # only a --diff run needs them, and it never hits the cache
    if evaluated is None:
        evaluated, reportable_resources = _evaluate(found, options, policies, known, ignored, cache, jobs, keys,
                                                    policy_options)
        if scan_key is not None:
            cache.put(scan_key, evaluated)
    failed, unknowns = evaluated.failed, evaluated.unknowns
    findings = failed + [f for f in unknowns if strict]
    kept, baselined, outside = _filter(findings, baseline, changes, reportable_resources)
    if baseline or changes is not None:
        unknowns, _, _ = _filter(unknowns, baseline, changes, reportable_resources)
    kept.sort(key=Finding.sort_key)
    unknowns.sort(key=Finding.sort_key)
    return ScanResult(
        findings=kept, unknowns=unknowns, passed=evaluated.passed, files=evaluated.files,
        resources=evaluated.resources, policies=policies, errors=evaluated.errors, missing=found.missing,
        elapsed=time.perf_counter() - started, strict=strict, show_suppressed=show_suppressed,
        baselined=baselined, outside_diff=outside, skipped=sorted(set(found.skipped) | set(evaluated.skipped)),
    )


def _evaluate(found, options, policies, known, ignored, cache, jobs, keys, policy_options=None):
    """Load, run the policies and apply suppressions: (Evaluated, the reportable
    resources). Everything here depends only on the files, the options and the policies,
    which is what the whole-scan cache keys on.

    Most verdicts are taken where each unit is loaded (`iaclint.engine.runner.check_unit`);
    here come the rest, which look across units, taken on the whole project."""
    from iaclint.engine.findings import finding
    from iaclint.engine.runner import evaluate_pairs
    from iaclint.pipeline.loading import Checks, load_all
    from iaclint.pipeline.result_cache import Evaluated

    checks = Checks([p for p in policies if p.resource_types], dict(policy_options or {}))
    loaded = load_all(found, options, cache=cache, jobs=jobs, keys=keys, checks=checks)
    parse_errors = list(found.errors) + list(loaded.errors)  # directories that could not be listed, too
    for error in found.errors:
        found.reportable.add(error.file)
    project = Project(loaded.resources)

    def reported(policy_id: str, file: str) -> bool:
        return file in found.reportable and not ignored(policy_id, file)

    errors: list[str] = list(loaded.policy_errors)
    failed: list[Finding] = []
    unknowns: list[Finding] = []
    passed = sum(n for (file, policy_id), n in loaded.passes.items() if reported(policy_id, file))
    for f in loaded.findings:
        if reported(f.policy_id, f.file):
            (unknowns if f.verdict == Verdict.UNKNOWN.value else failed).append(f)
    for ev in evaluate_pairs(project, loaded.deferred, errors, checks.options):
        if not reported(ev.policy.id, ev.resource.file):
            continue
        if ev.result.verdict is Verdict.PASS:
            passed += 1
            continue
        (unknowns if ev.result.verdict is Verdict.UNKNOWN else failed).append(finding(ev.policy, ev.resource,
                                                                                      ev.result))
    errors.sort()  # verdicts taken in workers and here, in any order: the same report either way
    by_id = {p.id: p for p in policies}
    failed.extend(_parse_finding(by_id[e.policy_id], e) for e in parse_errors  # IAC001 and IAC004
                  if e.policy_id in by_id and reported(e.policy_id, e.file))
    reportable_resources = [r for r in project.resources if r.file in found.reportable]
    failed += _suppress(reportable_resources, failed + unknowns, parse_errors, options.overlay, known, by_id,
                        lambda pid, file: pid in by_id and not ignored(pid, file))
    failed = [f for f in failed if not ignored(f.policy_id, f.file)]
    evaluated = Evaluated(failed=failed, unknowns=unknowns, passed=passed, files=loaded.files,
                          resources=len(reportable_resources), errors=errors, reportable=set(found.reportable),
                          skipped=list(found.skipped), inputs=dict(loaded.inputs))
    return evaluated, reportable_resources


class _AnyOf:
    def __init__(self, matchers):
        self.matchers = matchers

    def matches(self, path: str) -> bool:
        return any(m.matches(path) for m in self.matchers)


def _matcher(items, root: str | None):
    """One matcher for glob strings (relative to `root`) and ready matchers (objects with
    `matches(path)`, such as `iaclint.pipeline.globs.PathMatcher`, which carry their own base)."""
    from iaclint.pipeline.globs import PathMatcher

    if isinstance(items, str) or hasattr(items, "matches"):
        items = [items]
    globs = [i for i in items if isinstance(i, str)]
    return _AnyOf([PathMatcher(globs, root)] * bool(globs) + [i for i in items if not isinstance(i, str)])


def _path_ignores(per_path_ignores, root: str | None, known: dict):
    """`ignored(policy_id, file)`: is the policy switched off for that file by a per-path
    ignore? `per_path_ignores` is {glob: [IDs or names]} or a list of (glob or matcher,
    [IDs or names]) pairs."""
    if not per_path_ignores:
        return lambda policy_id, file: False
    pairs = per_path_ignores.items() if isinstance(per_path_ignores, dict) else per_path_ignores
    rules = []
    for pattern, names in pairs:
        ids = {known[n].id if n in known else n.upper() for n in names}
        rules.append((_matcher(pattern, root), ids))
    cache: dict = {}

    def ignored(policy_id: str, file: str) -> bool:
        if file not in cache:
            cache[file] = set().union(*[ids for matcher, ids in rules if matcher.matches(file)])
        return policy_id in cache[file]

    return ignored


def _suppress(resources, findings, parse_errors, overlay, known, by_id, ran) -> list[Finding]:
    """Mark suppressed findings in place; return the IAC002/IAC003 findings."""
    from iaclint.pipeline import suppress

    # A file that did not parse has no judged comments (a duplicate key does not stop it).
    broken = {e.file for e in parse_errors if e.policy_id == PARSE_ERROR_ID}
    by_file: dict = {}
    for r in resources:
        by_file.setdefault(r.file, []).append(r)
    written = []
    for file, file_resources in sorted(by_file.items()):
        if file not in broken:
            written += suppress.collect(file, _read_text(file, overlay), file_resources)
    suppress.apply(written, findings, by_id)
    return suppress.problems(written, known, ran, by_id.get(suppress.WITHOUT_REASON_ID),
                             by_id.get(suppress.UNUSED_ID))


def _read_text(file: str, overlay: dict) -> str | None:
    data = overlay.get(os.path.normpath(file))
    if data is None:
        try:
            with open(file, "rb") as handle:
                data = handle.read()
        except OSError:
            return None
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else data


def _filter(findings: list, baseline, changes, resources) -> tuple[list, int, int]:
    """(kept, left out by the baseline, left out by the diff). Suppressed findings are kept
    (reports show them as suppressed); the counts cover reported ones only."""
    if not baseline and changes is None:
        return findings, 0, 0
    regions = {(r.file, r.address): (min(r.header.line, r.span.line), r.span.end_line) for r in resources}
    kept, baselined, outside = [], 0, 0
    for f in findings:
        if baseline and f.fingerprint in baseline:
            baselined += not f.suppressed
            continue
        if changes is not None and not _in_diff(f, changes, regions):
            outside += not f.suppressed
            continue
        kept.append(f)
    return kept, baselined, outside


def _in_diff(f: Finding, changes, regions: dict) -> bool:
    if changes.touches(f.file, f.line, max(f.end_line, f.line)):
        return True
    region = regions.get((f.file, f.resource)) if f.resource else None
    return region is not None and changes.touches(f.file, *region)


def _parse_all(found, var_files: list, variables: dict, parameters: dict, overlay: dict | None = None,
               cache=None, jobs: int = 1):
    """(canonical resources, parse errors, number of files read) of everything discovered."""
    from iaclint.pipeline.loading import Options, load_all

    loaded = load_all(found, Options(list(var_files), dict(variables), dict(parameters), overlay or {}),
                      cache=cache, jobs=jobs)
    return loaded.resources, loaded.errors, loaded.files


def _parse_finding(policy: Policy, error: ParseError) -> Finding:
    return Finding(
        policy_id=policy.id, policy_name=policy.name, severity=policy.severity,
        message=error.message, file=error.file, line=error.line, column=error.column,
        end_line=error.line, end_column=error.column, resource="",
        fingerprint=fingerprint(policy.id, error.file, "", (error.message,)),
    )
