"""Verdicts taken where each unit is loaded equal the verdicts taken on the whole project.

`iaclint.engine.runner.check_unit` judges a unit's resources on that unit alone (in the
worker that loaded it) and defers every (resource, policy) pair whose evaluation looked
across units; `iaclint.api` takes those again on the whole project. Both together must
give exactly the verdicts `evaluate` gives on the whole project, for every policy, on a
tree of many units that name each other's resources (the fixtures: buckets named by AI
resources of other stacks, account-wide logging configurations, registries)."""
from __future__ import annotations

import pytest
from conftest import ROOT, builtin_policies

from iaclint.engine.findings import finding
from iaclint.engine.policy import Verdict
from iaclint.engine.runner import evaluate, evaluate_pairs
from iaclint.model.project import Project
from iaclint.pipeline.discover import discover
from iaclint.pipeline.loading import (
    PARALLEL_MIN_FILES,
    Checks,
    Options,
    load_all,
    load_unit,
    units_of,
)


def _key(f):
    return f.policy_id, f.file, f.resource, f.line, f.column, f.attribute, f.verdict, f.message


@pytest.mark.parametrize("jobs", [1, 2])
def test_unit_checks_and_deferred_pairs_give_the_whole_projects_verdicts(monkeypatch, jobs):
    monkeypatch.chdir(ROOT)
    found = discover(["fixtures"])
    assert sum(len(files) for _, _, files in units_of(found)) > PARALLEL_MIN_FILES  # jobs=2 loads in workers
    policies = [p for p in builtin_policies() if p.resource_types]
    loaded = load_all(found, Options([], {}, {}, {}), jobs=jobs, checks=Checks(policies, {}))
    project = Project(loaded.resources)

    errors: list = []
    expected, expected_passes = [], {}
    for ev in evaluate(project, policies, errors):
        if ev.result.verdict is Verdict.PASS:
            key = (ev.resource.file, ev.policy.id)
            expected_passes[key] = expected_passes.get(key, 0) + 1
        else:
            expected.append(_key(finding(ev.policy, ev.resource, ev.result)))
    assert not errors

    got, passes = [_key(f) for f in loaded.findings], dict(loaded.passes)
    for ev in evaluate_pairs(project, loaded.deferred, errors):
        if ev.result.verdict is Verdict.PASS:
            key = (ev.resource.file, ev.policy.id)
            passes[key] = passes.get(key, 0) + 1
        else:
            got.append(_key(finding(ev.policy, ev.resource, ev.result)))
    assert not errors and not loaded.policy_errors
    assert sorted(got) == sorted(expected)
    assert passes == expected_passes
    # Both ways were taken: most pairs in the units, the cross-unit ones on the project.
    assert loaded.findings and loaded.passes
    deferred_policies = {policy.id for _, policy in loaded.deferred}
    assert {"IAC114", "IAC115"} <= deferred_policies  # S3 scoping looks at every stack's names
    assert "IAC101" not in deferred_policies  # a notebook's own key is the unit's business


def test_an_answer_kept_for_the_scan_still_says_it_looked_across_units():
    """`Context.remembered`: an answer whose computation looked across units marks every
    later use too, or the second policy asking would be judged on the unit alone."""
    from conftest import make_resource

    from iaclint.engine.policy import Context
    from iaclint.model.project import UnitProject

    resource = make_resource("aws_iam_role", {})
    project = UnitProject([resource])
    ctx = Context(project=project)
    assert ctx.remembered("local", resource, lambda: 1) == 1 and not project.touched
    assert ctx.remembered("wide", resource, lambda: len(project.of_type("aws_s3_bucket"))) == 0
    assert project.touched
    project.touched = False
    assert ctx.remembered("wide", resource, lambda: 99) == 0 and project.touched  # from the memo, still marked
    project.touched = False
    assert ctx.remembered("local", resource, lambda: 99) == 1 and not project.touched


def test_a_large_unit_checked_in_policy_groups_gives_one_passs_verdicts_in_its_order(monkeypatch):
    """A unit of `SPLIT_MIN_RESOURCES` resources or more is checked in policy groups (the
    attack-path policies apart: `iaclint.pipeline.unit_checks` checks them in a second
    process); merged, the groups give the findings, PASS counts, errors and deferred pairs
    of one pass over the unit, in the same order."""
    from iaclint.engine import runner
    from iaclint.pipeline import unit_checks

    monkeypatch.chdir(ROOT)
    found = discover(["fixtures/examples"])
    policies = [p for p in builtin_policies() if p.resource_types]
    units = [load_unit(u, Options([], {}, {}, {})) for u in units_of(found)]
    units = [r[0] for r in units if len(r[0]) >= 5]
    one_pass = [runner.check_unit(resources, policies) for resources in units]
    monkeypatch.setattr(runner, "SPLIT_MIN_RESOURCES", 5)
    assert all(len(runner.policy_groups(resources, policies)) == 2 for resources in units)
    assert any(v.deferred for v in one_pass) and sum(len(v.findings) for v in one_pass) > 20
    for jobs in (1, 2):
        for resources, expected in zip(units, one_pass):
            got = unit_checks.check_unit(resources, policies, {}, jobs)
            assert [_key(f) for f in got.findings] == [_key(f) for f in expected.findings]
            assert got.passes == expected.passes
            assert got.errors == expected.errors and got.deferred == expected.deferred


def _largest_example_unit():
    found = discover(["fixtures/examples"])
    return max(units_of(found), key=lambda u: len(load_unit(u, Options([], {}, {}, {}))[0]))


@pytest.mark.parametrize("child_dies", [False, True])
def test_a_large_units_cache_entry_is_written_by_the_child_that_checks_its_first_group(monkeypatch, tmp_path,
                                                                                       child_dies):
    """With two jobs, the unit's cache entry is pickled and written by the process that
    checks the attack-path group (before its checks), not by the scan's: the same bytes as
    with one job. When that child dies, the scan's process writes it."""
    import os

    from iaclint.engine import runner
    from iaclint.pipeline import forked, loading
    from iaclint.pipeline.cache import Cache

    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(runner, "SPLIT_MIN_RESOURCES", 5)
    unit = _largest_example_unit()
    policies = [p for p in builtin_policies() if p.resource_types]
    writers = tmp_path / "writers"
    real_put = Cache.put

    def put(self, key, value):
        with open(writers, "a") as out:
            out.write(f"{os.getpid()}\n")
        real_put(self, key, value)

    monkeypatch.setattr(Cache, "put", put)
    if child_dies:
        class Dead:
            def result(self):
                raise forked.Lost("killed")

        monkeypatch.setattr(forked, "start", lambda task: Dead())
    entries = {}
    for jobs in (1, 2):
        writers.write_text("")
        cache = Cache(tmp_path / f"cache{jobs}", key_file=tmp_path / "key")
        result, verdicts = loading._load_and_store(unit, Options([], {}, {}, {}), "k" * 64, cache,
                                                   Checks(policies, {}), jobs)
        assert len(runner.policy_groups(result[0], policies)) == 2 and verdicts is not None
        pids = writers.read_text().split()
        assert len(pids) == 1
        assert (pids[0] == str(os.getpid())) == (jobs == 1 or child_dies)
        entries[jobs] = (tmp_path / f"cache{jobs}" / "kk" / ("k" * 64)).read_bytes()
    assert entries[1] == entries[2]


def test_each_pass_is_a_result_of_its_own(monkeypatch):
    """The runner shares one PASS result between checks (`runner._PASSED`); what
    `evaluate` hands out is each evaluation's own."""
    monkeypatch.chdir(ROOT)
    found = discover(["fixtures/examples"])
    loaded = load_all(found, Options([], {}, {}, {}))
    policies = [p for p in builtin_policies() if p.resource_types]
    passes = [ev.result for ev in evaluate(Project(loaded.resources), policies, []) if ev.result.verdict is Verdict.PASS]
    assert len(passes) > 1 and len({id(r) for r in passes}) == len(passes)


def test_each_unit_and_policy_keeps_its_own_work_meter_when_units_alternate():
    """`check_group` keeps the meters of the unit at hand between resources; a resource of
    another unit in between must not reset or share them. A policy charged 2,000,000
    steps a check runs out (`POLICY_STEPS`, 5,000,000) on the third resource of a unit,
    whatever came in between, and the current meter is none once a check raised."""
    from conftest import make_resource

    from iaclint.engine.policy import Policy
    from iaclint.engine.runner import check_group
    from iaclint.model import work

    class Costly(Policy):
        id = "TEST1"
        resource_types = ("aws_s3_bucket",)

        def check(self, resource, ctx):
            work.spend(2_000_000)
            if resource.address == "broken":
                raise ValueError("a bug")
            return []

    units = ["a", "b", "a", "b", "a", "a", "b"]
    resources = [make_resource("aws_s3_bucket", {}, address=f"r{i}", unit=u) for i, u in enumerate(units)]
    resources.append(make_resource("aws_s3_bucket", {}, address="broken", unit="c"))
    got = check_group(resources, [Costly()])
    unknown = [index for (index, _), f in got.findings if f.verdict == "UNKNOWN"]
    assert unknown == [4, 5, 6]  # the third of unit a (and the one after it), the third of unit b
    assert got.passes[("f.tf", "TEST1")] == 4
    assert [text for _, text in got.errors] == ["policy TEST1 failed on f.tf broken: ValueError: a bug"]
    assert work.current() is None
