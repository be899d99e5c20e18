"""The scan as stages, each a function of what the stages before it produced:

    request ─► policies ─► discover ─► evaluate ─► report
    (what the    (chosen,    (units and   (loaded, checked,  (strict, baseline
     user asked)  severities) files)       suppressed)        and diff applied)

`evaluate` depends only on the files, the request's inputs and the policies, which is
what the whole-scan cache (`result_cache`) keys on; `report` applies what depends on the
moment (the baseline, the diff) and never re-reads anything.
"""
from __future__ import annotations

import os
from functools import cached_property

from iaclint.engine.policy import SEVERITIES, Policy, Verdict
from iaclint.model.records import dataclass, field
from iaclint.pipeline import filters
from iaclint.pipeline.discover import Discovery, discover
from iaclint.pipeline.uncreated_notes import merged
from iaclint.pipeline.policies import (
    UnknownPolicyError,
    check_names,
    load_all_policies,
    override_severities,
    select_policies,
)


@dataclass(frozen=True)
class Request:
    """Everything a scan is asked to do; `iaclint.api.scan` documents each field."""

    paths: tuple = (".",)
    select: tuple = ()
    ignore: tuple = ()
    extend_select: tuple = ()  # run these too (opt-in policies, on top of the default set)
    strict: bool = False
    policy_dirs: tuple = ()
    var_files: tuple = ()
    variables: dict | None = None
    parameters: dict | None = None
    policies: list | None = None
    overlay: dict | None = None
    severity: dict | None = None
    exclude: tuple = ()
    per_path_ignores: object = None
    root: str | None = None
    show_suppressed: bool = False
    baseline: object = None
    changes: object = None
    cache: object = None
    jobs: int = 1
    options: dict | None = None
    inventory: bool = False  # also build the AI asset graph (`ScanResult.inventory`)
    environments: dict | None = None  # {name: {"var-files": [...], "parameter-files": [...]}}: no discovery
    environment: str | None = None  # evaluate only this environment
    work_budget: int | None = None  # floor of the scan-wide work budget in steps (default: scan_budget.FLOOR_STEPS)

    @cached_property
    def tree(self):
        """Where scanned content may be read from (`iaclint.gate.reads.Tree`): the git
        work trees of the paths, plus the variables files the caller named."""
        from iaclint.gate.reads import Tree

        named = [f for env in (self.environments or {}).values() for key in ("var-files", "parameter-files")
                 for f in env.get(key, ())]
        return Tree.of(list(self.paths)).allowing(list(self.var_files) + named)

    @property
    def buffers(self) -> dict:
        """The overlay with normalised paths: unsaved contents read instead of the disk's."""
        return {os.path.normpath(k): v for k, v in (self.overlay or {}).items()}

    @property
    def policy_options(self) -> dict:
        return {k: v for k, v in (self.options or {}).items() if v}


@dataclass
class Chosen:
    """The policies that run (selected, severities overridden) and every policy by ID or
    name (suppressions and per-path ignores may name one that does not run)."""

    policies: list
    known: dict


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
    inert: bool | None = None  # no finding's text from the tree needs escaping (known when evaluated)
    baselined: int = 0  # findings left out because the baseline holds them
    outside_diff: int = 0  # findings left out by --diff (not on changed lines or resources)
    skipped: list = field(default_factory=list)  # (where, reason) left out on purpose: notes, not errors (model.notes)
    unchecked: list = field(default_factory=list)  # AI resources no running policy checks (Unchecked)
    inventory: object = None  # the AI asset graph (iaclint.inventory), when the request asked for it
    inventory_diff: object = None  # what a change adds and removes (iaclint.pipeline.inventory_diff), when asked

    def counts(self) -> dict:
        counts = {s: 0 for s in SEVERITIES}
        for f in self.findings:
            if f.verdict == "FAIL" and not f.suppressed:  # UNKNOWN (--strict) is counted apart
                counts[f.severity] = counts.get(f.severity, 0) + 1
        return counts

    @property
    def suppressed(self) -> int:
        return sum(1 for f in self.findings if f.suppressed)


@dataclass(frozen=True)
class Unchecked:
    """The AI/ML resources of one type in the reported files that no running policy checks
    ("in scope, no policy"): `iaclint scan --strict` notes them, and they never change the
    exit code. `where` is the first one's file and line; `count` how many there are."""

    native_type: str
    service: str
    file: str
    line: int
    address: str
    count: int
    # Policies that check the type but did not run (opt-in ones off by default, or left
    # out by the selection), as "IAC419 (opt-in)": the type is unchecked in this scan only.
    not_run: tuple = ()

    def message(self) -> str:
        more = f" and {self.count - 1} more" if self.count > 1 else ""
        if self.not_run:
            return (f"{self.address}{more}: in scope ({self.service}), but no policy that ran checks "
                    f"{self.native_type} (not run: {', '.join(self.not_run)})")
        return f"{self.address}{more}: in scope ({self.service}), but no policy checks {self.native_type}"


def unchecked_ai_resources(resources, policies, known=()) -> list:
    """The in-scope AI/ML resources (iaclint.normalize.scope) whose type no running policy
    names, one entry per native type, in file and line order. `known` (every loaded
    policy) names the ones that would check it but did not run."""
    from iaclint.normalize.scope import ai_service

    covered = {t for p in policies for t in p.resource_types}
    first: dict = {}
    counts: dict = {}
    services: dict = {}  # native type -> its AI service or None, asked once per type
    for r in resources:
        if r.type not in covered and r.native_type not in services:
            services[r.native_type] = ai_service(r.native_type)
    unchecked = [r for r in resources if r.type not in covered and services[r.native_type] is not None]
    for r in sorted(unchecked, key=lambda r: (r.file, r.span.line, r.address)):  # sorted: the first of each type
        counts[r.native_type] = counts.get(r.native_type, 0) + 1
        first.setdefault(r.native_type, (services[r.native_type], r))
    ran = {p.id for p in policies}  # by ID: a severity override runs a copy
    idle = sorted({p.id: p for p in known if p.id not in ran}.values(), key=lambda p: p.id)
    return [Unchecked(t, service, r.file, r.span.line, r.address, counts[t],
                      tuple(p.id + " (opt-in)" * bool(p.opt_in) for p in idle if r.type in p.resource_types))
            for t, (service, r) in first.items()]


def choose_policies(request: Request) -> Chosen:
    """Raises UnknownPolicyError for a policy ID or name that no policy has."""
    policies = request.policies if request.policies is not None else load_all_policies(request.policy_dirs)
    check_names(policies, {"select": request.select, "extend-select": request.extend_select,
                           "ignore": request.ignore, "severity": list(request.severity or ()),
                           "per-path-ignores": _per_path_names(request)})
    known = {key: p for p in policies for key in (p.id, p.name)}
    chosen = override_severities(select_policies(policies, request.select, request.ignore, request.extend_select),
                                 request.severity)
    return Chosen(chosen, known)


def _per_path_names(request: Request) -> list:
    pairs = request.per_path_ignores or ()
    pairs = pairs.items() if isinstance(pairs, dict) else pairs
    return [name for _, names in pairs for name in names]


def discover_units(request: Request) -> Discovery:
    """The units to load and the files to report, minus `exclude`."""
    found = discover(list(request.paths), set(request.buffers), request.tree)
    if request.exclude:
        from iaclint.pipeline.discover import exclude

        found = exclude(found, filters.matcher(request.exclude, request.root).matches)
    from iaclint.pipeline import environments

    found.environments = environments.plan(found, request.tree, request.environments, request.environment)
    environments.select(found.environments, request.environment)  # an unknown name fails before the work
    return found


def keyed_runs(request: Request, found: Discovery, chosen: Chosen) -> list[tuple]:
    """(loading options, whole-scan key, units' keys) of each evaluation the scan makes:
    one, or one per environment. The keys are None when the scan is not cached (no
    cache, a `--diff` run, per-path ignores given as matchers, an unreadable input)."""
    from iaclint.pipeline.loading import Options

    options = Options(list(request.var_files), dict(request.variables or {}), dict(request.parameters or {}),
                      request.buffers, request.tree, work_budget=request.work_budget)
    runs = [options]
    if found.environments:
        from iaclint.model.records import replace
        from iaclint.pipeline import environments

        runs = [replace(options, environments=found.environments, environment=name)
                for name in environments.select(found.environments, request.environment)]
    if request.cache is None or request.changes is not None or request.per_path_ignores:
        return [(o, None, None) for o in runs]
    from iaclint.pipeline import result_cache

    return [(o, *result_cache.key(request.cache, found, o, chosen.policies, request.policy_options,
                                  inventory=request.inventory)) for o in runs]


# A list in a process that ends without freeing what it made (the command line:
# `faces.cli.console`): the resources each scan returns are kept in it, so that they are not
# freed one by one once the scan is done (~25 ms for `tf-1000`'s 6,874), only to be dropped
# with the whole process a moment later. A scan that writes the whole-scan entry returns
# none (it lets them go before pickling the entry, for memory: `_evaluate`). None (a
# library, the editor server): nothing kept.
UNTIL_EXIT: list | None = None


def evaluate(request: Request, found: Discovery, chosen: Chosen, runs: list | None = None):
    """(Evaluated, the reportable resources): from the whole-scan cache when nothing
    changed, else loaded and checked. Only a `--diff` run needs the resources, and it
    never uses the cache. `runs`: `keyed_runs`, when the caller has them already."""
    from iaclint.pipeline import environments

    runs = keyed_runs(request, found, chosen) if runs is None else runs
    if not found.environments:
        evaluated, resources = _evaluate(request, found, chosen, *runs[0])
        _keep(resources)
        return environments.settle(evaluated), resources  # nested stacks: evaluated once per parent
    shared: dict = {}  # the units every environment loads alike, loaded once (`loading.reusable`)
    done = [_evaluate(request, found, chosen, *run, shared=shared) for run in runs]
    _keep([resources for _, resources in done])
    return environments.settle(environments.merge([evaluated for evaluated, _ in done]), merged=True), done[-1][1]


def _keep(resources) -> None:
    if UNTIL_EXIT is not None:
        UNTIL_EXIT.append(resources)


# In a process that waits for its helpers before it ends (the command line: `faces.cli._scan`
# sets both lists, then calls `finish_later`), with more than one job: the whole-scan
# entries to write (`cache.put` arguments), which need not be in place before the
# report is written, and the children that took some of them over (the one that renders
# half of a large JSON report writes them after its part: `report_cache`). None (a
# library, the editor server): each entry is written before the scan returns.
LATER: list | None = None
HELPERS: list | None = None


def write_later() -> None:
    """Write the entries `LATER` holds (in the child that took them over, or here)."""
    while LATER:
        cache, key, value = LATER.pop(0)
        cache.put(key, value)


def handed_over(pid: int) -> None:
    """A child forked now writes the entries `LATER` held: they are no longer this process's."""
    HELPERS.append(pid)
    LATER.clear()


def finish_later(write: bool = True) -> None:
    """The entries no child took over, written here (unless not `write`: dropped); then
    every helper waited for."""
    if write:
        write_later()
    LATER.clear()
    while HELPERS:
        try:
            os.waitpid(HELPERS.pop(), 0)
        except ChildProcessError:  # reaped already
            pass


def _evaluate(request: Request, found: Discovery, chosen: Chosen, options, scan_key, keys, shared=None):
    if scan_key is not None:
        from iaclint.pipeline import result_cache

        evaluated = result_cache.get(request.cache, scan_key, options.overlay, options.tree)
        if evaluated is not None:
            return evaluated, []
    evaluated, resources = _load_and_check(request, found, chosen, options, keys, shared)
    if scan_key is not None:  # cached, so not a `--diff` run: nothing needs the resources (a hit has none)
        del resources  # let go before the entry is pickled, which takes the memory they held
        if LATER is not None and request.jobs > 1:  # after the report, or beside it
            LATER.append((request.cache, scan_key, evaluated))
        else:
            request.cache.put(scan_key, evaluated)
        return evaluated, []
    return evaluated, resources


def _load_and_check(request: Request, found: Discovery, chosen: Chosen, options, keys, shared=None):
    """Load, run the policies and apply suppressions.

    Most verdicts are taken where each unit is loaded (`iaclint.engine.runner.check_unit`);
    here come the rest, which look across units, taken on the whole project."""
    from iaclint.engine.findings import finding
    from iaclint.engine.runner import evaluate_pairs
    from iaclint.model.project import Project
    from iaclint.pipeline.loading import Checks, load_all
    from iaclint.pipeline.result_cache import Evaluated

    policies = chosen.policies
    ignored = filters.path_ignores(request.per_path_ignores, request.root, chosen.known)
    # With the inventory, attack-path policies run here, on the graph the inventory shows
    # (built once), not in the workers that load the units.
    on_graph = [p for p in policies if request.inventory and getattr(p, "path_rule", False)]
    checks = Checks([p for p in policies if p.resource_types and p not in on_graph], request.policy_options)
    loaded = load_all(found, options, cache=request.cache, jobs=request.jobs, keys=keys, checks=checks,
                      shared=shared)
    parse_errors = list(found.errors) + list(loaded.errors)  # directories that could not be listed, too
    for error in found.errors:
        found.reportable.add(error.file)
    project = Project(loaded.resources)
    graph = None
    if request.inventory:
        from iaclint.engine.runner import applicable_policies
        from iaclint.inventory import project_graph

        graph = project_graph(project, checks.options)
        applicable = applicable_policies(on_graph)
        loaded.deferred.extend((r, p) for r in project.resources for p in applicable(r))

    def reported(policy_id: str, file: str) -> bool:
        return file in found.reportable and not ignored(policy_id, file)

    errors: list[str] = list(loaded.policy_errors)
    failed: list = []
    unknowns: list = []
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
    failed.extend(filters.parse_finding(by_id[e.policy_id], e) for e in parse_errors  # IAC001 and IAC004
                  if e.policy_id in by_id and reported(e.policy_id, e.file))
    reportable_resources = [r for r in project.resources if r.file in found.reportable]
    failed += filters.suppress(reportable_resources, failed + unknowns, parse_errors, options,
                               chosen.known, by_id, lambda pid, file: pid in by_id and not ignored(pid, file),
                               loaded.marks)
    failed = [f for f in failed if not ignored(f.policy_id, f.file)]
    from iaclint.formatters._common import already_inert

    evaluated = Evaluated(failed=failed, unknowns=unknowns, passed=passed, files=loaded.files,
                          resources=len(reportable_resources), errors=errors, reportable=set(found.reportable),
                          skipped=list(found.skipped) + list(getattr(graph, "left_out", ())), inputs=dict(loaded.inputs),
                          inert=already_inert(failed + unknowns), inventory=graph,
                          unchecked=unchecked_ai_resources(reportable_resources, policies,
                                                           set(chosen.known.values())))
    return evaluated, reportable_resources


def report(request: Request, found: Discovery, chosen: Chosen, evaluated, resources, elapsed: float) -> ScanResult:
    """The findings to report: strict, the baseline and the diff applied, sorted."""
    from iaclint.model.finding import Finding

    findings = evaluated.failed + [f for f in evaluated.unknowns if request.strict]
    kept, baselined, outside = filters.baseline_and_diff(findings, request.baseline, request.changes, resources)
    unknowns = evaluated.unknowns
    if request.baseline or request.changes is not None:
        unknowns, _, _ = filters.baseline_and_diff(unknowns, request.baseline, request.changes, resources)
    kept.sort(key=Finding.sort_key)
    unknowns.sort(key=Finding.sort_key)
    return ScanResult(
        findings=kept, unknowns=unknowns, passed=evaluated.passed, files=evaluated.files,
        resources=evaluated.resources, policies=chosen.policies, errors=evaluated.errors, missing=found.missing,
        elapsed=elapsed, strict=request.strict, show_suppressed=request.show_suppressed,
        baselined=baselined, outside_diff=outside, skipped=merged(set(found.skipped) | set(evaluated.skipped)),
        inventory=evaluated.inventory,
        inert=getattr(evaluated, "inert", None), unchecked=list(getattr(evaluated, "unchecked", ())),
    )


__all__ = ["Request", "ScanResult", "Unchecked", "unchecked_ai_resources", "Policy", "UnknownPolicyError", "choose_policies", "discover_units", "evaluate",
           "report"]
