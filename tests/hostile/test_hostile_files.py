"""Reads and writes go through the gate (`iaclint.gate`): nothing outside the scanned tree
is read, nothing that is not a regular file is opened for reading, nothing is written
through a committed symlink or out of the tree."""
from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest
from harness import NOTEBOOK, PYTHON, SECRET, TEMPLATE, TIMEOUT, assert_inert, environment, iaclint, layout, repository

fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")


@pytest.fixture
def world(tmp_path):
    repo, home, outside = layout(tmp_path, NOTEBOOK)
    (outside / "secret.tf").write_text(NOTEBOOK.replace('"nb"', f'"{SECRET}"'))
    return repo, home, outside


def scan_json(repo, home, *args):
    run = iaclint("scan", ".", "--no-cache", "--format", "json", "--strict", *args, cwd=repo, home=home)
    return run, (json.loads(run.out) if run.out.startswith("{") else None)


@pytest.mark.parametrize("name", ["terraform.tfvars", "prod.auto.tfvars", "terraform.tfvars.json"])
def test_a_variables_file_symlinked_out_of_the_tree_is_not_read(world, name):
    repo, home, outside = world
    source = outside / ("secret.tfvars" if not name.endswith(".json") else "secret.json")
    if name.endswith(".json"):
        source.write_text(json.dumps({"internet": SECRET}))
    os.symlink(source, repo / name)
    run, report = scan_json(repo, home)
    assert_inert(run, code=1)
    assert f"iaclint: note: {name}: symlink to a file outside the scanned tree: not followed" in run.err
    assert report["findings"]  # the rest was scanned


def test_a_variables_file_symlinked_to_dev_zero_ends(world):
    repo, home, _ = world
    os.symlink("/dev/zero", repo / "terraform.tfvars")
    os.symlink("/dev/zero", repo / "zero.tf")
    run, _ = scan_json(repo, home)
    assert_inert(run, code=1)


@fifo
@pytest.mark.parametrize("where", ["terraform.tfvars", ".terraform/modules/modules.json", "policy.json",
                                   "stack.yaml", "plan.json"])
def test_fifos_never_block(world, where):
    repo, home, _ = world
    (repo / ".terraform" / "modules").mkdir(parents=True)
    (repo / "iam.tf").write_text('resource "aws_iam_policy" "p" {\n  policy = file("policy.json")\n}\n'
                                 'module "remote" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n')
    os.mkfifo(repo / where)
    run, _ = scan_json(repo, home)
    assert_inert(run, code=(0, 1))


@pytest.mark.parametrize("call", ['file("../outside/secret.txt")', 'file("{outside}/secret.txt")',
                                  'templatefile("../outside/secret.txt", {{}})', 'file("link.txt")'])
def test_file_reads_nothing_outside_the_tree_even_under_the_working_directory(world, call):
    """The scan runs in the directory above the repository: `../outside` is under the
    working directory but outside the scanned tree (the git work tree `repo/`)."""
    repo, home, outside = world
    os.symlink(outside / "secret.txt", repo / "link.txt")
    (repo / "iam.tf").write_text('resource "aws_iam_policy" "p" {\n  name = "p"\n  policy = '
                                 + call.format(outside=outside) + "\n}\n")
    run = iaclint("scan", "repo", "--no-cache", "--format", "json", "--strict", cwd=repo.parent, home=home)
    assert_inert(run, code=(0, 1))


def test_a_named_file_symlinked_out_of_the_tree_is_not_read(world):
    """A pre-commit hook names the files git tracks, and git tracks symlinks."""
    repo, home, outside = world
    os.symlink(outside / "secret.tf", repo / "linked.tf")
    os.symlink(outside / "secret.tfvars", repo / "linked.tfvars")
    run = iaclint("scan", "linked.tf", "linked.tfvars", "--no-cache", "--format", "json", cwd=repo, home=home)
    assert_inert(run, code=(0, 1))
    assert "linked.tf: symlink to a file outside the scanned tree: not followed" in run.err


@pytest.mark.parametrize("source", ["../outside", "{outside}", "./link"])
def test_a_module_source_outside_the_tree_is_a_note(world, source):
    repo, home, outside = world
    os.symlink(outside, repo / "link")
    (repo / "mod.tf").write_text(f'module "m" {{\n  source = "{source.format(outside=outside)}"\n}}\n')
    run, report = scan_json(repo, home)
    assert_inert(run, code=(0, 1))
    # (an absolute source is not a local path to Terraform: a module that is not downloaded)
    expected = "is not downloaded" if source.startswith("{") else "lies outside the scanned tree"
    assert f"{expected}: its resources are not scanned" in run.err
    assert report["findings"] and not any(SECRET in f["resource"] for f in report["findings"])


def test_a_module_manifest_pointing_out_of_the_tree_is_a_note(world):
    repo, home, outside = world
    (repo / ".terraform" / "modules").mkdir(parents=True)
    (repo / ".terraform" / "modules" / "modules.json").write_text(json.dumps(
        {"Modules": [{"Key": "m", "Source": "x", "Dir": str(outside)}]}))
    (repo / "mod.tf").write_text('module "m" {\n  source = "registry.example/x/y"\n}\n')
    run, _ = scan_json(repo, home)
    assert_inert(run, code=(0, 1))
    assert "lies outside the scanned tree" in run.err


def test_an_uninitialised_submodule_is_a_note_not_a_finding(world):
    repo, home, _ = world
    (repo / "vendor" / "notebook").mkdir(parents=True)  # what `git clone` leaves of a submodule
    (repo / "mod.tf").write_text('module "nb" {\n  source = "./vendor/notebook"\n}\n')
    run, report = scan_json(repo, home)
    assert_inert(run, code=1)
    assert not [f for f in report["findings"] if f["policy_id"] == "IAC001"]
    assert ("mod.tf:1: module module.nb (./vendor/notebook) has no Terraform files (a git submodule that is not "
            "checked out?): its resources are not scanned") in run.err


def test_stdin_larger_than_a_file_is_refused(world):
    repo, home, _ = world
    run = iaclint("scan", "--stdin", "--stdin-filename", "main.tf", cwd=repo, home=home,
                  stdin=b"#" * (21 * 1024 * 1024))
    assert_inert(run, code=2)
    assert "standard input is larger than 20 MB" in run.err


# --- writes ---------------------------------------------------------------------------------

def test_reports_never_write_through_a_committed_symlink(world):
    repo, home, outside = world
    target = outside / "bashrc"
    target.write_text("untouched\n")
    os.symlink(target, repo / "report.sarif")
    os.symlink(target, repo / ".iaclint-baseline.json")
    run = iaclint("scan", ".", "--no-cache", "-f", "sarif", "-o", "report.sarif", cwd=repo, home=home)
    assert_inert(run, code=1)
    assert target.read_text() == "untouched\n"
    assert not (repo / "report.sarif").is_symlink() and json.loads((repo / "report.sarif").read_text())["runs"]
    run = iaclint("baseline", "create", "--no-cache", cwd=repo, home=home)
    assert_inert(run, code=0)
    assert target.read_text() == "untouched\n"
    assert json.loads((repo / ".iaclint-baseline.json").read_text())["tool"] == "iaclint"


def test_reports_never_leave_the_tree_through_a_symlinked_directory(world):
    repo, home, outside = world
    os.symlink(outside, repo / "reports")
    run = iaclint("scan", ".", "--no-cache", "-f", "sarif", "-o", "reports/x.sarif", cwd=repo, home=home)
    assert_inert(run, code=2)
    assert "cannot write reports/x.sarif: outside the scanned tree" in run.err
    assert not (outside / "x.sarif").exists()
    run = iaclint("baseline", "create", "--no-cache", "--output", "reports/b.json", cwd=repo, home=home)
    assert_inert(run, code=2)
    assert not (outside / "b.json").exists()
    # A path outside the tree that the user names is theirs to choose.
    run = iaclint("scan", ".", "--no-cache", "-f", "sarif", "-o", outside / "mine.sarif", cwd=repo, home=home)
    assert_inert(run, code=1)
    assert (outside / "mine.sarif").exists()


def test_cdk_marker_does_not_hide_templates(world):
    """A `cdk.out` marker file (empty, or even a real one) with a manifest at the root must
    not hide the templates and Terraform below it."""
    repo, home, _ = world
    (repo / "stack.yaml").write_text(TEMPLATE)
    (repo / "sub").mkdir()
    (repo / "sub" / "stack.yaml").write_text(TEMPLATE)
    (repo / "manifest.json").write_text("{}")
    for marker in ("", '{"version": "36.0.0"}'):
        (repo / "cdk.out").write_text(marker)
        run, report = scan_json(repo, home)
        assert_inert(run, code=1)
        assert {f["file"] for f in report["findings"] if f["policy_id"] == "IAC201"} == {
            "stack.yaml", "sub/stack.yaml"}, marker


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_huge_file_in_the_base_commit_is_never_read(tmp_path):
    """`inventory --diff`: the base commit's files come from git's object store. 300 MB of
    `#` cost the repository 300 KB, and were read whole into memory (by git, and then by
    iaclint, twice) before the 20 MB cap was checked; now the listing's sizes decide and
    each blob is streamed to disk. Peak memory of every process stays far below the file."""
    repo = repository(tmp_path / "repo")
    shutil.rmtree(repo / ".git")
    home = tmp_path / "home"
    home.mkdir()
    env = environment(home, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
                      GIT_COMMITTER_EMAIL="t@example.com")
    (repo / "main.tf").write_text(NOTEBOOK)
    with open(repo / "big.tf", "wb") as handle:
        for _ in range(300):
            handle.write(b"#" * (1 << 20))
    for args in (["init", "-q", "-b", "main"], ["add", "."], ["commit", "-q", "-m", "base"], ["rm", "-q", "big.tf"],
                 ["commit", "-q", "-m", "head"]):
        subprocess.run(["git", "-c", "commit.gpgsign=false", *args], cwd=repo, env=env, check=True, capture_output=True)
    measure = ("import resource, subprocess, sys; code = subprocess.run(sys.argv[1:]).returncode; "
               "print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)")
    proc = subprocess.run([PYTHON, "-I", "-c", measure, PYTHON, "-I", "-m", "iaclint", "inventory", ".", "--diff",
                           "HEAD~1", "--no-cache", "--format", "json"], cwd=repo, env=env, capture_output=True,
                          text=True, timeout=TIMEOUT)
    code, peak_kb = map(int, proc.stderr.split()[-2:])
    assert code in (0, 1) and "Traceback" not in proc.stderr, proc.stderr
    assert json.loads(proc.stdout)["diff"]["ref"] == "HEAD~1"
    assert peak_kb < 200 * 1024, f"a process peaked at {peak_kb // 1024} MB"
