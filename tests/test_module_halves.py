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


def _sent(answer) -> int:
    """How many resources a child's answer gave: streamed (their count) or in the answer
    (a pickle per portion, `halves._portions`)."""
    return answer[1] if isinstance(answer[1], int) else len(halves._unpickled(answer[1]))


def test_the_halves_give_one_passs_bytes_with_and_without_a_child(module_dir, monkeypatch):
    one_pass = _report(module_dir)
    monkeypatch.setattr(halves, "SPLIT_MIN_BLOCKS", 10)
    answers = _forks(monkeypatch)
    assert _report(module_dir, jobs=1) == one_pass and answers == []
    assert _report(module_dir, jobs=2) == one_pass
    assert len(answers) == 1 and _sent(answers[0]) > 20, "the second half was not evaluated in a child"
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



@pytest.fixture(scope="module")
def untidy_dir(module_dir, tmp_path_factory):
    """The module above with what crosses between the halves: a local of the first half
    that the second half reads (and the locals and variables of `variables.tf`, in the
    second half, that the first reads), a file that does not parse in each half, an
    argument set twice and a variables file with an error (their order in the report)."""
    import shutil

    root = tmp_path_factory.mktemp("untidy") / "root"
    shutil.copytree(module_dir, root)
    (root / "aa_locals.tf").write_text('locals {\n  first_half = "from-the-first-half"\n}\n')
    (root / "aa_broken.tf").write_text('resource "aws_s3_bucket" "a" {\n  bucket = \n')
    (root / "zz_broken.tf").write_text('resource "aws_s3_bucket" "z" {\n  bucket = "x"\n')
    (root / "zz_uses.tf").write_text(
        'resource "aws_s3_bucket" "uses" {\n  bucket = local.first_half\n  bucket = "${local.bucket}-${local.first_half}"\n'
        '  tags = local.tags\n}\n')
    (root / "terraform.tfvars").write_text("project = \n")
    return root


def _files(path) -> list:
    return sorted(str(p) for p in path.glob("*.tf"))


def _parsed_here(monkeypatch) -> list:
    """The files parsed in this process (a forked child's are not seen), once each, in the
    order of their first parse (the first pass over them, or a whole parse)."""
    from iaclint.frontends.terraform import hcl, tree

    parsed = []

    def spy(module, name):
        real = getattr(module, name)

        def parse(path, *args, **kwargs):
            if path not in parsed:
                parsed.append(path)
            return real(path, *args, **kwargs)

        monkeypatch.setattr(module, name, parse)

    spy(tree, "read_config_file")
    spy(hcl, "parse_shared")
    spy(hcl, "parse_file")
    return parsed


def test_a_child_that_parses_the_second_half_gives_one_passs_bytes(untidy_dir, monkeypatch):
    one_pass = _report(untidy_dir)
    monkeypatch.setattr(halves, "SPLIT_MIN_BLOCKS", 10)
    monkeypatch.setattr(halves, "FORK_MIN_BYTES", 0)
    answers = _forks(monkeypatch)
    assert _report(untidy_dir, jobs=1) == one_pass and answers == []
    parsed = _parsed_here(monkeypatch)
    assert _report(untidy_dir, jobs=2) == one_pass
    assert len(answers) == 1 and _sent(answers[0]) > 20, "the second half was not evaluated in a child"
    files = _files(untidy_dir)
    assert 0 < len(parsed) < len(files) and parsed == files[:len(parsed)], "the child's files were parsed here"
    assert b"duplicate argument" in one_pass[0] and one_pass[0].count(b"syntax error") >= 2


def test_the_module_of_the_childs_blocks_is_the_module_of_one_pass(untidy_dir, monkeypatch):
    files = _files(untidy_dir)
    monkeypatch.setattr(halves, "SPLIT_MIN_BLOCKS", 10)
    monkeypatch.setattr(halves, "FORK_MIN_BYTES", 0)
    one_pass = load_module(str(untidy_dir), files)  # the procedure in halves, without a child
    halved = load_module(str(untidy_dir), files, fork=forked.start)
    assert [repr(vars(r)) for r in halved.resources] == [repr(vars(r)) for r in one_pass.resources]
    assert halved.errors == one_pass.errors and halved.notes == one_pass.notes
    assert halved.effort == one_pass.effort and halved.inputs == one_pass.inputs
    uses = next(r for r in halved.resources if r.address == "aws_s3_bucket.uses")
    assert uses.attributes["bucket"].endswith("-ml-data-from-the-first-half")


def test_a_child_that_parsed_its_half_but_would_overspend_is_redone_here(untidy_dir, monkeypatch):
    monkeypatch.setattr(tf_tree, "Budget", lambda: Budget(limit=60_000))
    one_pass = _report(untidy_dir)
    assert b"needs too much work" in one_pass[0]
    monkeypatch.setattr(halves, "SPLIT_MIN_BLOCKS", 10)
    monkeypatch.setattr(halves, "FORK_MIN_BYTES", 0)
    answers = _forks(monkeypatch)
    parsed = _parsed_here(monkeypatch)
    assert _report(untidy_dir, jobs=2) == one_pass
    assert len(answers) == 1  # the child answered; its half was thrown away, parsed and redone here
    assert sorted(parsed) == _files(untidy_dir)


def test_a_module_not_to_split_is_loaded_here_when_the_child_parsed_half_of_it(untidy_dir, monkeypatch):
    one_pass = _report(untidy_dir)
    monkeypatch.setattr(halves, "FORK_MIN_BYTES", 0)  # forked before parsing; 60 blocks: not split
    answers = _forks(monkeypatch)
    parsed = _parsed_here(monkeypatch)
    assert _report(untidy_dir, jobs=2) == one_pass
    assert answers == [None] and sorted(parsed) == _files(untidy_dir)


def test_a_child_that_dies_before_it_sends_its_blocks_costs_time_not_resources(untidy_dir, monkeypatch):
    files = _files(untidy_dir)
    monkeypatch.setattr(halves, "SPLIT_MIN_BLOCKS", 10)
    monkeypatch.setattr(halves, "FORK_MIN_BYTES", 0)
    one_pass = load_module(str(untidy_dir), files)

    class Dead:
        def result(self):
            raise forked.Lost("killed")

    started = []
    halved = load_module(str(untidy_dir), files, fork=lambda task: started.append(task) or Dead())
    assert len(started) == 1  # no second child: this process did the procedure alone
    assert [repr(vars(r)) for r in halved.resources] == [repr(vars(r)) for r in one_pass.resources]
    assert halved.errors == one_pass.errors and halved.notes == one_pass.notes and halved.effort == one_pass.effort


def test_the_first_halfs_resource_blocks_are_let_go_before_the_second_half_arrives(untidy_dir, monkeypatch):
    """Once the first half is evaluated, nothing holds its resource blocks (each file's
    are let go once evaluated, `tree.ModuleTree.done`: the memory they free takes the
    second half's resources as they are unpickled here); the files' texts (suppression
    comments are read from them) are all still there."""
    import gc

    from iaclint.frontends.terraform.hcl import Block

    files = _files(untidy_dir)
    monkeypatch.setattr(halves, "SPLIT_MIN_BLOCKS", 10)
    monkeypatch.setattr(halves, "FORK_MIN_BYTES", 0)
    holding = load_module(str(untidy_dir), files)  # the procedure without a child
    gc.collect()
    before = [o for o in gc.get_objects() if isinstance(o, Block)]  # other tests' (held: their ids stay theirs)
    known = {id(o) for o in before}
    alive = []
    start = forked.start

    def spy(task):
        pending = start(task)
        real = pending.result
        pending.result = lambda: alive.append(sum(1 for o in gc.get_objects() if isinstance(o, Block)
                                                  and o.type == "resource" and id(o) not in known)) or real()
        return pending

    monkeypatch.setattr(forked, "start", spy)
    halved = load_module(str(untidy_dir), files, fork=forked.start)
    assert alive == [0]
    assert [repr(vars(r)) for r in halved.resources] == [repr(vars(r)) for r in holding.resources]
    assert halved.texts.items() <= holding.texts.items() and len(halved.texts) > len(files) // 3  # (the child's: its own)
    assert halved.errors == holding.errors and halved.effort == holding.effort


def test_the_first_half_holds_a_little_more_than_half_of_the_bytes():
    """`halves._cut` gives the scan's process `FIRST_PERCENT` of the source bytes: the child
    also pickles its half and this process unpickles it, so an even cut left this one
    waiting. Decided from the sizes alone (the same cut for any `--jobs`), neither half
    empty."""
    class Sizes:
        def __init__(self, sizes):
            self.sizes = sizes

        def size(self, path):
            return self.sizes[path]

    files = [f"f{i}.tf" for i in range(100)]
    assert halves._cut(Sizes({f: 1000 for f in files}), files) == halves.FIRST_PERCENT == 52
    big_last = Sizes({**{f: 1 for f in files[:-1]}, files[-1]: 10_000})
    assert halves._cut(big_last, files) == 99  # the second half keeps the last file
    assert halves._cut(Sizes({files[0]: 10_000, files[1]: 1}), files[:2]) == 1
    assert halves._cut(Sizes({files[0]: 1}), files[:1]) is None


def _stopped_with(monkeypatch) -> list:
    """How many portions of the child's resources had arrived when this process stopped
    taking them (`halves._Arrivals.stop`: the load of the module is over)."""
    counts = []
    stop = halves._Arrivals.stop

    def spy(self):
        self._thread.join()
        counts.append(len(self._portions))
        stop(self)

    monkeypatch.setattr(halves._Arrivals, "stop", spy)
    return counts


def test_the_childs_resources_cross_portion_by_portion_as_one_pass_copies_them(untidy_dir, monkeypatch):
    """The child sends its resources a portion of files at a time (here one file each), and
    this process takes them while it evaluates its own half: what comes out is what the
    procedure gives without a child (which copies each portion the same way)."""
    files = _files(untidy_dir)
    monkeypatch.setattr(halves, "SPLIT_MIN_BLOCKS", 10)
    monkeypatch.setattr(halves, "FORK_MIN_BYTES", 0)
    monkeypatch.setattr(halves, "PORTION_BYTES", 1)
    one_pass = load_module(str(untidy_dir), files)
    taken = []
    real = halves._Arrivals.taken

    def spy(self, count):
        self._thread.join()
        taken.append((len(self._portions), count))
        return real(self, count)

    monkeypatch.setattr(halves._Arrivals, "taken", spy)
    halved = load_module(str(untidy_dir), files, fork=forked.start)
    second = len(files) - halves._cut(tf_tree.ModuleTree(str(untidy_dir), {}, None), files)
    assert len(taken) == 1 and taken[0][0] == second > 3 and taken[0][1] > 20
    assert [repr(vars(r)) for r in halved.resources] == [repr(vars(r)) for r in one_pass.resources]
    assert halved.errors == one_pass.errors and halved.notes == one_pass.notes and halved.effort == one_pass.effort
    monkeypatch.setattr(halves, "PORTION_BYTES", 10 ** 9)  # one portion: another copy, the same values
    whole = load_module(str(untidy_dir), files)
    assert [repr(vars(r)) for r in whole.resources] == [repr(vars(r)) for r in one_pass.resources]


def test_a_child_that_dies_after_some_portions_costs_time_not_resources(untidy_dir, monkeypatch):
    import os

    files = _files(untidy_dir)
    monkeypatch.setattr(halves, "SPLIT_MIN_BLOCKS", 10)
    monkeypatch.setattr(halves, "FORK_MIN_BYTES", 0)
    monkeypatch.setattr(halves, "PORTION_BYTES", 1)
    one_pass = load_module(str(untidy_dir), files)
    here, made, pickled = os.getpid(), [], halves._pickled

    def dying(resources, first):
        if os.getpid() != here:  # in the child: it dies making its third portion
            made.append(first)
            if len(made) == 3:
                os._exit(1)
        return pickled(resources, first)

    monkeypatch.setattr(halves, "_pickled", dying)
    stopped = _stopped_with(monkeypatch)
    halved = load_module(str(untidy_dir), files, fork=forked.start)
    assert stopped == [2]  # two portions had arrived: dropped, the half redone here
    assert [repr(vars(r)) for r in halved.resources] == [repr(vars(r)) for r in one_pass.resources]
    assert halved.errors == one_pass.errors and halved.notes == one_pass.notes and halved.effort == one_pass.effort


class _Sizes:
    def __init__(self, sizes):
        self.sizes = sizes

    def size(self, path):
        return self.sizes[path]


def test_the_second_half_is_cut_into_portions_of_files_by_size(monkeypatch):
    monkeypatch.setattr(halves, "PORTION_BYTES", 100)
    sizes = _Sizes({"a.tf": 60, "b.tf": 60, "c.tf": 30, "d.tf": 200, "e.tf": 10})
    assert halves._portions(sizes, list(sizes.sizes)) == [["a.tf", "b.tf"], ["c.tf", "d.tf"], ["e.tf"]]
    assert halves._portions(sizes, ["d.tf"]) == [["d.tf"]]
    blocks = [object(), object()]
    assert halves._portions(sizes, blocks) == [blocks]  # blocks (the procedure with every file parsed first): one


def test_a_split_modules_resources_are_finished_as_one_pass_finishes_them(untidy_dir, monkeypatch):
    """`load_module(finish=...)` (the pipeline's normalization): the second half's resources
    are finished as their portions arrive, by the thread that takes them, while this process
    evaluates its own half; the first half's once every resource is evaluated. What comes
    out is the loaded module's resources normalized, with and without a child."""
    import threading

    from iaclint.normalize import normalize

    files = _files(untidy_dir)
    monkeypatch.setattr(halves, "SPLIT_MIN_BLOCKS", 10)
    monkeypatch.setattr(halves, "FORK_MIN_BYTES", 0)
    monkeypatch.setattr(halves, "PORTION_BYTES", 1)
    expected = [repr(vars(normalize(r))) for r in load_module(str(untidy_dir), files).resources]
    where = []

    def finish(resource):
        where.append(threading.current_thread().name)
        return normalize(resource)

    for fork in (None, forked.start):
        where.clear()
        finished = load_module(str(untidy_dir), files, fork=fork, finish=finish)
        assert [repr(vars(r)) for r in finished.resources] == expected
        assert len(where) == len(expected)
    assert 20 < where.count("iaclint-halves") < len(expected)  # the child's half, as it arrived


def test_a_split_module_that_reads_a_resources_instances_gives_one_passs_bytes(module_dir, tmp_path, monkeypatch):
    """The first pass does not parse resources, so a module built from it cannot say a
    resource's `count`/`for_each` (`Module.resource_instances`): asking for them, in this
    process or in the child that evaluates the second half, loads the module again with
    every file parsed first. The report is one pass's, instances expanded."""
    import shutil

    root = tmp_path / "root"
    shutil.copytree(module_dir, root)
    (root / "aa_roles.tf").write_text('resource "aws_iam_role" "agent" {\n  for_each = toset(["a", "b"])\n'
                                      '  name = "agent-${each.key}"\n}\n')
    (root / "zz_policies.tf").write_text(
        'resource "aws_iam_role_policy" "agent" {\n  for_each = aws_iam_role.agent\n  role = each.value.name\n'
        '  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "bedrock:*",'
        ' Resource = "*" }] })\n}\n')
    one_pass = _report(root)
    assert one_pass[0].count(b'aws_iam_role_policy.agent[\\"a\\"]') > 0
    monkeypatch.setattr(halves, "SPLIT_MIN_BLOCKS", 10)
    monkeypatch.setattr(halves, "FORK_MIN_BYTES", 0)
    answers = _forks(monkeypatch)
    assert _report(root, jobs=1) == one_pass and answers == []
    assert _report(root, jobs=2) == one_pass
