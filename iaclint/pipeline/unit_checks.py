"""Check one large unit on two cores: its policy groups (`iaclint.engine.runner.
policy_groups`) in two processes.

A big Terraform root (a monorepo of 1,000 files in one directory) is one unit, loaded and
checked in one process, so the second core idled. A unit of many resources is checked in
groups of policies, each with a context of its own, whatever `--jobs` is; with two jobs the
first group (the attack-path policies and the unit's asset graph) is checked in a forked
process (`iaclint.pipeline.forked`) while this one checks the others, and the verdicts are
merged in scan order, so the result is the one a serial check gives. Measured:
docs/performance.md, "One big module".
"""
from __future__ import annotations

from iaclint.engine.runner import UnitVerdicts, check_group, merge_groups, policy_groups
from iaclint.pipeline import forked


def check_unit(resources: list, policies: list, options: dict | None, jobs: int = 1) -> UnitVerdicts:
    """`iaclint.engine.runner.check_unit`, with the first policy group in a second process
    when there are two groups and `jobs` allows it."""
    groups = policy_groups(resources, policies)
    pending = forked.start(lambda: check_group(resources, policies, groups[0], options)) \
        if len(groups) > 1 and jobs > 1 else None
    if pending is None:
        return merge_groups([check_group(resources, policies, g, options) for g in groups])
    rest = [check_group(resources, policies, g, options) for g in groups[1:]]
    try:
        first = pending.result()
    except forked.Lost:  # killed (out of memory?): its group is checked here
        first = check_group(resources, policies, groups[0], options)
    return merge_groups([first, *rest])
