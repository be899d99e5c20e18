"""Issue 7, determinism: the same input gives the same bytes (DESIGN section 10).

The JSON and SARIF reports of one tree must be byte-identical across runs (in one process
and in two processes with different hash seeds, so set and dict orders cannot leak into
the output), across `jobs` values (the tree has more units than
`iaclint.pipeline.loading.PARALLEL_MIN_FILES`, so `jobs=2` really loads in worker processes),
with and without the parse cache (cold and warm), and across the order in which the file
system lists directories. Elapsed-time fields, should a report ever carry one, are blanked
before comparing.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
from conftest import FIXTURES, ROOT, builtin_policies

from iaclint.api import scan
from iaclint.formatters import get_formatter
from iaclint.pipeline.cache import Cache
from iaclint.pipeline.loading import PARALLEL_MIN_FILES

_ELAPSED = re.compile(rb'"(elapsed|duration)[A-Za-z_]*"\s*:\s*[0-9.eE+-]+')

EXTRA_TF = '''
variable "names" {
  default = ["zeta", "alpha", "mu", "beta", "omega", "gamma"]
}

locals {
  buckets = { for n in toset(var.names) : n => "ml-${n}" }
}

resource "aws_s3_bucket" "data" {
  for_each = local.buckets
  bucket   = each.value
}

# iaclint:ignore IAC201 -- sandbox account
resource "aws_sagemaker_notebook_instance" "nb" {
  # iaclint:ignore IAC999 -- matches nothing: an IAC003 finding
  count         = 3
  name          = "nb-${count.index}"
  role_arn      = aws_iam_role.r.arn
  instance_type = "ml.t3.medium"
}

resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole",
    Principal = { Service = ["sagemaker.amazonaws.com", "bedrock.amazonaws.com"] } }] })
}

resource "aws_iam_role_policy" "p" {
  role   = aws_iam_role.r.id
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["s3:*", "iam:PassRole"], Resource = "*" }] })
}
'''


def _tree(root):
    """fixtures/examples and fixtures/policies (Terraform and CloudFormation, suppressions
    and UNKNOWNs), plus a module with for_each over a set, count and IAM documents, and
    two files that do not parse."""
    shutil.copytree(FIXTURES / "examples", root / "examples")
    shutil.copytree(FIXTURES / "policies", root / "policies")
    (root / "extra").mkdir()
    (root / "extra" / "main.tf").write_text(EXTRA_TF)
    (root / "extra" / "broken.tf").write_text('resource "aws_s3_bucket" "x" {\n  bucket = \n}\n')
    (root / "broken.yaml").write_text("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A: [\n")
    return root


@pytest.fixture(scope="module")
def shared_tree(tmp_path_factory):
    return _tree(tmp_path_factory.mktemp("determinism") / "repo")


@pytest.fixture
def tree(shared_tree, monkeypatch):
    monkeypatch.chdir(shared_tree)
    return shared_tree


@pytest.fixture(scope="module")
def serial(shared_tree):
    """The reports of a plain serial scan without cache: what every variant must match."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(shared_tree)
        return run()


def _units(paths=(".",)) -> int:
    from iaclint.pipeline.discover import discover

    found = discover(list(paths))
    return len(found.terraform_dirs) + len(found.cloudformation)


def reports(result) -> tuple[bytes, bytes]:
    out = []
    for fmt in ("json", "sarif"):
        text = get_formatter(fmt)(result, colour=False).encode("utf-8")
        out.append(_ELAPSED.sub(rb'"\1": 0', text))
    return tuple(out)


def run(paths=(".",), **kwargs):
    return reports(scan(list(paths), policies=list(builtin_policies()), **kwargs))


def test_the_tree_is_big_and_varied_enough(tree):
    assert _units() >= 2 * PARALLEL_MIN_FILES
    result = scan(["."], policies=list(builtin_policies()))
    assert len(result.findings) > 100 and result.unknowns and result.suppressed
    assert {f.policy_id for f in result.findings} >= {"IAC001", "IAC201"}
    assert {f.file.split(".")[-1] for f in result.findings} >= {"tf", "yaml"}


def test_same_input_same_bytes_across_runs(tree, serial):
    assert run() == serial


def test_same_bytes_across_jobs(tree, serial, monkeypatch):
    import concurrent.futures

    pools = []

    class Spy(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            pools.append(kwargs.get("max_workers"))
            super().__init__(*args, **kwargs)

    assert run(jobs=1) == serial and pools == []
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Spy)
    assert run(jobs=2) == serial
    assert pools == [2], "jobs=2 did not load in worker processes"
    assert run(jobs=3) == serial


def test_same_bytes_when_large_units_are_checked_in_two_processes(tree, monkeypatch):
    """Units of fewer files than `PARALLEL_MIN_FILES` load in this process; a large one's
    policy groups are then checked in a forked process with jobs=2 (`iaclint.pipeline.
    unit_checks`) and one after the other with jobs=1: the same bytes as one pass over each
    unit."""
    import concurrent.futures

    from iaclint.engine import runner

    paths = ["examples/bedrock-insecure", "examples/mlops-pipeline", "extra"]
    from iaclint.pipeline.discover import discover

    found = discover(paths)
    assert len(found.cloudformation) + sum(len(f) for f in found.terraform_dirs.values()) < PARALLEL_MIN_FILES
    one_pass = run(paths)
    monkeypatch.setattr(runner, "SPLIT_MIN_RESOURCES", 5)
    pools = []

    class Spy(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            pools.append(kwargs.get("max_workers"))
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Spy)
    assert run(paths, jobs=1) == one_pass and pools == []
    assert run(paths, jobs=2) == one_pass
    assert pools and set(pools) == {1}, "no unit's policy groups were checked in a second process"


def test_same_bytes_with_and_without_the_cache(tree, serial, tmp_path):
    cache = Cache(tmp_path / "cache")
    cold = run(cache=cache)
    assert cache.hits == 0 and cache.misses > 0
    warm_cache = Cache(tmp_path / "cache")
    warm = run(cache=warm_cache)
    assert warm_cache.hits == 1  # the whole scan
    parallel_warm = run(cache=Cache(tmp_path / "cache"), jobs=2)
    units_only = Cache(tmp_path / "cache")
    other_policies = run(cache=units_only, select=["IAC001", "IAC201"])  # a new scan key: units reused
    assert units_only.hits >= _units() - 2  # everything but what cannot be cached
    assert other_policies == run(select=["IAC001", "IAC201"])
    assert serial == cold == warm == parallel_warm


def test_same_bytes_whatever_order_the_file_system_lists(tree, serial, monkeypatch):
    real_scandir, real_listdir = os.scandir, os.listdir

    class Reversed:
        def __init__(self, path):
            with real_scandir(path) as entries:
                self.entries = iter(sorted(entries, key=lambda e: e.name, reverse=True))

        def __iter__(self):
            return self

        def __next__(self):
            return next(self.entries)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def close(self):
            pass

    monkeypatch.setattr(os, "scandir", lambda path=".": Reversed(path))
    monkeypatch.setattr(os, "listdir", lambda path=".": sorted(real_listdir(path), reverse=True))
    assert os.listdir(".")[0] > os.listdir(".")[-1]
    assert run() == serial
    assert run(jobs=2) == serial


def test_same_bytes_whatever_order_the_paths_are_named(tree):
    paths = ["policies", "examples", "extra", "broken.yaml"]
    assert run(paths) == run(list(reversed(paths)))


def test_same_bytes_across_processes_with_different_hash_seeds(tree, serial, tmp_path):
    """Two CLI runs, other hash seeds (set order), other --jobs: the same report files."""
    outputs = []
    for seed, jobs in (("1", "1"), ("4242", "2")):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        out = tmp_path / f"out-{seed}"
        out.mkdir()
        process = subprocess.run(
            [sys.executable, "-m", "iaclint", "scan", ".", "--no-cache", "--jobs", jobs,
             "--format", "json", "--output", str(out / "r.json"), "--format", "sarif", "--output", str(out / "r.sarif")],
            env=env, capture_output=True, timeout=300)
        assert process.returncode == 1, process.stderr.decode()
        outputs.append(tuple(_ELAPSED.sub(rb'"\1": 0', (out / name).read_bytes()) for name in ("r.json", "r.sarif")))
    assert outputs[0] == outputs[1]
    assert outputs[0] == serial  # and the library gives the CLI's bytes
