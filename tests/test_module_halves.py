"""A large Terraform module is evaluated in two halves, the second in a forked process
with `--jobs` 2 or more (`iaclint.frontends.terraform.halves`): the report must be the
bytes one pass gives, with jobs 1 and 2, when the halves together would overspend the
module's work budget (one pass then runs out part way: the halves are redone as it does),
and when the child dies."""
from __future__ import annotations

import importlib.util
import re

import pytest
from conftest import ROOT, builtin_policies

from iaclint.api import scan
from iaclint.formatters import get_formatter
from iaclint.frontends.terraform import halves
from iaclint.frontends.terraform import tree as tf_tree
from iaclint.frontends.terraform.module import load_module
from iaclint.model.sizes import Budget
from iaclint.pipeline import forked

_ELAPSED = re.compile(rb'"(elapsed|duration)[A-Za-z_]*"\s*:\s*[0-9.eE+-]+')


@pytest.fixture(scope="module")
def module_dir(tmp_path_factory):
    """12 files of the benchmark's generator in one directory (about 60 resource blocks,
    variables and locals that every file uses)."""
    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    return generate.one_module_tree(tmp_path_factory.mktemp("halves") / "root", 12)


def _report(path, **kwargs) -> tuple:
    result = scan([str(path)], policies=list(builtin_policies()), **kwargs)
    return tuple(_ELAPSED.sub(rb'"\1": 0', get_formatter(f)(result, colour=False).encode()) for f in ("json", "sarif"))


def _forks(monkeypatch) -> list:
    """Every answer a forked child gave (none when no child ran or it died)."""
    answers = []
    start = forked.start

    def spy(task):
        pending = start(task)
        real = pending.result
        pending.result = lambda: answers.append(real()) or answers[-1]
        return pending

    monkeypatch.setattr(forked, "start", spy)
    return answers


def test_the_halves_give_one_passs_bytes_with_and_without_a_child(module_dir, monkeypatch):
    one_pass = _report(module_dir)
    monkeypatch.setattr(halves, "SPLIT_MIN_BLOCKS", 10)
    answers = _forks(monkeypatch)
    assert _report(module_dir, jobs=1) == one_pass and answers == []
    assert _report(module_dir, jobs=2) == one_pass
    assert len(answers) == 1 and len(answers[0][1]) > 20, "the second half was not evaluated in a child"
    assert b'"IAC' in one_pass[0]


def test_halves_that_would_overspend_the_budget_are_redone_as_one_pass(module_dir, monkeypatch):
    monkeypatch.setattr(tf_tree, "Budget", lambda: Budget(limit=60_000))
    one_pass = _report(module_dir)
    assert b"needs too much work" in one_pass[0]  # one pass runs out part way
    monkeypatch.setattr(halves, "SPLIT_MIN_BLOCKS", 10)
    answers = _forks(monkeypatch)
    assert _report(module_dir, jobs=2) == one_pass
    assert len(answers) == 1  # the child answered; its half was thrown away and redone here
    assert _report(module_dir, jobs=1) == one_pass


def test_a_child_that_dies_costs_time_not_resources(module_dir, monkeypatch):
    files = sorted(str(p) for p in module_dir.glob("*.tf"))
    one_pass = load_module(str(module_dir), files)
    monkeypatch.setattr(halves, "SPLIT_MIN_BLOCKS", 10)

    class Dead:
        def result(self):
            raise forked.Lost("killed")

    started = []
    halved = load_module(str(module_dir), files, fork=lambda task: started.append(task) or Dead())
    assert len(started) == 1
    assert [repr(vars(r)) for r in halved.resources] == [repr(vars(r)) for r in one_pass.resources]
    assert halved.errors == one_pass.errors and halved.notes == one_pass.notes

