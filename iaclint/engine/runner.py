"""Run policies over a project and collect every verdict.

Each policy sees only resources of its `resource_types`. A policy that raises is a bug in
that policy, not in the scanned code: the error is recorded with the policy and resource,
the rest of the scan goes on, and the CLI reports it with exit code 2.

Most verdicts depend only on one unit (a Terraform root, a CloudFormation template): the
resource and the graph around it, which never leaves its unit. `check_unit` takes those
verdicts where the unit was loaded (in a worker process, in parallel), and hands back the
ones that looked across units (`iaclint.model.project.UnitProject`) to be taken again on the
whole project with `evaluate_pairs`. Both give the verdicts `evaluate` gives.

Each (unit, policy) has a work budget (`iaclint.model.work`): steps counted by the helpers
a policy uses to reach other resources. Past it, the verdict being taken and every one
left for that (unit, policy) are UNKNOWN with the reason. Resources are checked in scan
order, so the count (and which verdicts it reaches) is the same in a worker, in the
parent and on a cache hit.
"""
from __future__ import annotations

import os

from iaclint.engine.findings import finding
from iaclint.engine.policy import Context, Policy, Result, Verdict
from iaclint.model.project import Project, UnitProject
from iaclint.model.records import dataclass, field
from iaclint.model.resource import Resource
from iaclint.model.work import CURRENT, POLICY_STEPS, Meter, TooMuchWork

SPLIT_MIN_RESOURCES = 2_000  # a unit this large is checked in groups of policies (`policy_groups`)


@dataclass
class Evaluation:
    policy: Policy
    resource: Resource
    result: Result


@dataclass
class UnitVerdicts:
    """What `check_unit` found in one unit."""

    findings: list = field(default_factory=list)  # Findings of the FAIL and UNKNOWN verdicts
    passes: dict = field(default_factory=dict)  # (file, policy id) -> number of PASS verdicts
    errors: list = field(default_factory=list)  # internal errors of policies
    deferred: list = field(default_factory=list)  # (resource index, policy id): for the whole project


def run(project: Project, policies: list[Policy], options: dict | None = None) -> tuple[list[Evaluation], list[str]]:
    """All evaluations (PASS, FAIL, UNKNOWN) and the internal errors met on the way."""
    errors: list[str] = []
    return list(evaluate(project, policies, errors, options)), errors


def evaluate(project: Project, policies: list[Policy], errors: list, options: dict | None = None):
    """The evaluations one at a time, appending internal errors to `errors`: a large scan
    has tens of thousands of PASS verdicts, which need counting, not keeping."""
    applicable = applicable_policies(policies)
    pairs = ((resource, policy) for resource in project.resources for policy in applicable(resource))
    return evaluate_pairs(project, pairs, errors, options)


def evaluate_pairs(project: Project, pairs, errors: list, options: dict | None = None):
    """The evaluations of these (resource, policy) pairs, in their order, on `project`."""
    ctx = Context(project=project, options=dict(options or {}))
    meters = Meters()
    for resource, policy in pairs:
        results = _check(policy, resource, ctx, errors, meters.of(resource, policy))
        if results is _PASSED:  # a Result of its own for each evaluation handed out
            results = [Result(Verdict.PASS)]
        for result in results or ():
            yield Evaluation(policy, resource, result)


def check_unit(resources: list[Resource], policies: list[Policy], options: dict | None = None) -> UnitVerdicts:
    """The verdicts of one unit's resources that the unit alone decides, as findings and
    PASS counts; the (resource, policy) pairs that looked across units are `deferred`.
    A large unit is checked group by group (`policy_groups`), here one after the other."""
    return merge_groups([check_group(resources, policies, group, options)
                         for group in policy_groups(resources, policies)])


def policy_groups(resources: list[Resource], policies: list[Policy]) -> list:
    """The groups of policies a unit is checked in, each with a context (remembered
    answers) of its own: one group, or for a unit of `SPLIT_MIN_RESOURCES` resources or
    more, the attack-path policies (which build and read the unit's asset graph, about two
    thirds of a large unit's checks) and the others. Which groups a unit gets depends on
    the unit and the policies only, never on `--jobs`, so the groups can be checked in
    two processes (`iaclint.pipeline.unit_checks`) or one after the other with the same
    verdicts. A group is a list of policies in the policies' order (None: all of them)."""
    if len(resources) < SPLIT_MIN_RESOURCES:
        return [None]
    paths = [p for p in policies if getattr(p, "attack_path", False)]
    if not paths or len(paths) == len(policies):
        return [None]
    return [paths, [p for p in policies if not getattr(p, "attack_path", False)]]


@dataclass
class GroupVerdicts:
    """What `check_group` found: the lists of `UnitVerdicts`, each item with the position
    of its check in the unit's scan order ((resource index, policy position)), so that
    `merge_groups` puts the groups' verdicts back in the order one pass would give."""

    findings: list = field(default_factory=list)  # (position, Finding)
    passes: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)  # (position, text)
    deferred: list = field(default_factory=list)  # (position, (resource index, policy id))


def check_group(resources: list[Resource], policies: list[Policy], group: list | None = None,
                options: dict | None = None) -> GroupVerdicts:
    """`check_unit` for the policies of `group` only (None: all), with a context of its own."""
    project = UnitProject(resources)
    ctx = Context(project=project, options=dict(options or {}))
    plan = _Plan(policies, group)
    out = GroupVerdicts()
    errors: list = []
    meters = Meters()
    passes = out.passes
    cwd = os.getcwd()  # once for the unit's findings (their fingerprints), not once each
    unit, unit_meters = None, {}
    for index, resource in enumerate(resources):
        checks = plan[resource.type]
        if not checks:
            continue
        if resource.unit != unit:  # the meters of the resource's unit, by policy id (`Meters.of`)
            unit = resource.unit
            unit_meters = meters.of_unit(unit)
        for position, policy in checks:
            project.touched = False
            meter = unit_meters.get(policy.id) or meters.of(resource, policy)
            results = _check(policy, resource, ctx, errors, meter)
            if project.touched:  # its verdict (or its error) may depend on other units
                errors.clear()
                out.deferred.append(((index, position), (index, policy.id)))
                continue
            if errors:
                out.errors.extend(((index, position), e) for e in errors)
                errors.clear()
            if results is _PASSED:
                key = (resource.file, policy.id)
                passes[key] = passes.get(key, 0) + 1
                continue
            for result in results or ():
                if result.verdict is Verdict.PASS:
                    key = (resource.file, policy.id)
                    passes[key] = passes.get(key, 0) + 1
                else:
                    out.findings.append(((index, position), finding(policy, resource, result, cwd)))
    return out


class _Plan(dict):
    """{resource type: ((position, policy), ...)}: the checks a resource of that type gets
    in `group` (None: every policy), each with its position among the policies that apply
    to the type (`applicable_policies`, the order `merge_groups` sorts by). Worked out once
    per type, when a resource of it is first met."""

    def __init__(self, policies: list[Policy], group: list | None):
        super().__init__()
        self.by_type, self.wildcard = _by_type(policies)
        self.wanted = None if group is None else {id(p) for p in group}

    def __missing__(self, resource_type: str) -> tuple:
        wanted = self.wanted
        checks = self[resource_type] = tuple(
            (position, policy) for position, policy in enumerate(self.by_type.get(resource_type, []) + self.wildcard)
            if wanted is None or id(policy) in wanted)
        return checks


def merge_groups(groups: list) -> UnitVerdicts:
    """One `UnitVerdicts` from the groups' verdicts, in scan order."""
    def ordered(name: str) -> list:
        items = [item for g in groups for item in getattr(g, name)]
        if len(groups) > 1:
            items.sort(key=lambda item: item[0])  # stable: one check's results keep their order
        return [value for _, value in items]

    passes: dict = {}
    for g in groups:
        for key, count in g.passes.items():
            passes[key] = passes.get(key, 0) + count
    return UnitVerdicts(findings=ordered("findings"), passes=passes, errors=ordered("errors"),
                        deferred=ordered("deferred"))


def applicable_policies(policies: list[Policy]):
    """resource -> the policies that apply to its type, in the policies' order."""
    by_type, wildcard = _by_type(policies)
    return lambda resource: by_type.get(resource.type, []) + wildcard


def _by_type(policies: list[Policy]) -> tuple[dict, list]:
    """({resource type: policies of that type}, policies of every type), in the policies' order."""
    by_type: dict[str, list[Policy]] = {}
    wildcard: list[Policy] = []
    for policy in policies:
        if "all" in policy.resource_types:
            wildcard.append(policy)
        for resource_type in policy.resource_types:
            by_type.setdefault(resource_type, []).append(policy)
    return by_type, wildcard


class Meters:
    """The work meter of each (unit, policy), made on first use."""

    def __init__(self, limit: int = POLICY_STEPS):
        self.limit = limit
        self.meters: dict = {}  # unit -> {policy id: Meter}

    def of(self, resource: Resource, policy: Policy) -> Meter:
        unit_meters = self.of_unit(resource.unit)
        meter = unit_meters.get(policy.id)
        if meter is None:
            meter = unit_meters[policy.id] = Meter(self.limit, f"policy {policy.id} on `{resource.unit}`")
        return meter

    def of_unit(self, unit: str) -> dict:
        """{policy id: Meter} of the unit's meters made so far (the dict `of` adds to)."""
        unit_meters = self.meters.get(unit)
        if unit_meters is None:
            unit_meters = self.meters[unit] = {}
        return unit_meters


def _check(policy: Policy, resource: Resource, ctx: Context, errors: list, meter: Meter | None = None) -> list | None:
    """The policy's results on the resource (a PASS when it yields nothing), or None when
    it raised (the error is appended to `errors`). Past the (unit, policy)'s work budget,
    an UNKNOWN naming it."""
    if meter is not None and meter.spent_out:
        return [Result(Verdict.UNKNOWN, meter.reason())]
    try:
        token = _enter(meter)  # `with metered(meter)`, without the context manager's object and calls
        try:
            results = list(policy.check(resource, ctx))
        finally:
            _leave(token)
    except TooMuchWork as exc:
        return [Result(Verdict.UNKNOWN, str(exc))]
    except Exception as exc:  # noqa: BLE001 - isolate a broken policy
        errors.append(f"policy {policy.id} failed on {resource.file} {resource.address}: "
                      f"{type(exc).__name__}: {exc}")
        return None
    if meter is not None and meter.spent_out:  # the policy caught TooMuchWork: its answer is not whole
        return [Result(Verdict.UNKNOWN, meter.reason())]
    return results or _PASSED


_enter, _leave = CURRENT.set, CURRENT.reset
_PASSED = (Result(Verdict.PASS),)  # what `_check` returns for a policy that yielded nothing: one PASS, shared
