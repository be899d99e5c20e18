"""Check one large unit on two cores: its policy groups (`iaclint.engine.runner.
policy_groups`) in two processes.

A big Terraform root (a monorepo of 1,000 files in one directory) is one unit, loaded and
checked in one process, so the second core idled. A unit of many resources is checked in
groups of policies, each with a context of its own, whatever `--jobs` is; with two jobs the
first group (the attack-path policies and the unit's asset graph) is checked in a forked
process (`iaclint.pipeline.forked`) while this one checks the others, and the verdicts are
merged in scan order, so the result is the one a serial check gives. The unit's cache
entry (`store`) is written by that child too, before its checks: pickling the 7,224
resources of the benchmark's module took ~0.3 s of this process, and the child's group
is the lighter one. Measured: docs/performance.md, "One big module".
"""
from __future__ import annotations

from iaclint.engine.runner import UnitVerdicts, check_group, merge_groups, policy_groups
from iaclint.pipeline import forked


def check_unit(resources: list, policies: list, options: dict | None, jobs: int = 1, store=None) -> UnitVerdicts:
    """`iaclint.engine.runner.check_unit`, with the first policy group in a second process
    when there are two groups and `jobs` allows it. `store()` (the unit's cache entry, or
    None) runs before any check: in that process when there is one, else here; here again
    when the child died (an entry is written atomically, so twice does no harm)."""
    groups = policy_groups(resources, policies)
    pending = forked.start(lambda: _after(store, lambda: check_group(resources, policies, groups[0], options))) \
        if len(groups) > 1 and jobs > 1 else None
    if pending is None:
        _after(store, None)
        return merge_groups([check_group(resources, policies, g, options) for g in groups])
    rest = [check_group(resources, policies, g, options) for g in groups[1:]]
    try:
        first = pending.result()
    except forked.Lost:  # killed (out of memory?): its group is checked here
        _after(store, None)
        first = check_group(resources, policies, groups[0], options)
    return merge_groups([first, *rest])


def _after(store, task):
    """`store()` when given, then `task()` when given."""
    if store is not None:
        store()
    return task() if task is not None else None
