"""Run policies over a project and collect every verdict.

Each policy sees only resources of its `resource_types`. A policy that raises is a bug in
that policy, not in the scanned code: the error is recorded with the policy and resource,
the rest of the scan goes on, and the CLI reports it with exit code 2.
"""
from __future__ import annotations

from dataclasses import dataclass

from iaclint.engine.policy import Context, Policy, Result, Verdict
from iaclint.model import Project, Resource


@dataclass
class Evaluation:
    policy: Policy
    resource: Resource
    result: Result


def run(project: Project, policies: list[Policy], options: dict | None = None) -> tuple[list[Evaluation], list[str]]:
    """All evaluations (PASS, FAIL, UNKNOWN) and the internal errors met on the way."""
    errors: list[str] = []
    return list(evaluate(project, policies, errors, options)), errors


def evaluate(project: Project, policies: list[Policy], errors: list, options: dict | None = None):
    """The evaluations one at a time, appending internal errors to `errors`: a large scan
    has tens of thousands of PASS verdicts, which need counting, not keeping."""
    ctx = Context(project=project, options=dict(options or {}))
    by_type: dict[str, list[Policy]] = {}
    wildcard: list[Policy] = []
    for policy in policies:
        if "all" in policy.resource_types:
            wildcard.append(policy)
        for resource_type in policy.resource_types:
            by_type.setdefault(resource_type, []).append(policy)
    for resource in project.resources:
        for policy in by_type.get(resource.type, []) + wildcard:
            try:
                results = list(policy.check(resource, ctx))
            except Exception as exc:  # noqa: BLE001 - isolate a broken policy
                errors.append(f"policy {policy.id} failed on {resource.file} {resource.address}: "
                              f"{type(exc).__name__}: {exc}")
                continue
            if not results:
                results = [Result(Verdict.PASS)]
            for result in results:
                yield Evaluation(policy, resource, result)
