"""No tracebacks, nothing lost silently: bad input from the tree or the command line ends
as a message and exit code 2, or a note naming what was skipped."""
from __future__ import annotations

import subprocess

import pytest
from harness import PYTHON, TIMEOUT, assert_inert, environment, iaclint, layout

NOTEBOOK = ('resource "aws_sagemaker_notebook_instance" "nb" {\n  name = "nb"\n'
            '  role_arn = "arn:aws:iam::123456789012:role/sm"\n  instance_type = "ml.t3.medium"\n'
            '  direct_internet_access = "Enabled"\n}\n')


@pytest.fixture
def world(tmp_path):
    repo, home, _ = layout(tmp_path, NOTEBOOK)
    return repo, home


@pytest.mark.parametrize("argv", [["scan", ".", "--no-cache", "--format", "json"], ["explain", "IAC201"],
                                  ["rules"], ["scan", ".", "--no-cache"], ["--help"]])
def test_a_closed_pipe_is_no_traceback(world, argv):
    """`iaclint ... | head -1`: the reader goes away; iaclint says so and exits 2."""
    repo, home = world
    for i in range(30):  # a report larger than the pipe's buffer
        (repo / f"m{i}.tf").write_text(NOTEBOOK.replace('"nb"', f'"nb{i}"'))
    # `true` reads nothing and is gone before iaclint writes: every write meets a closed pipe.
    script = f"{PYTHON} -I -m iaclint {' '.join(argv)} | true; echo ${{PIPESTATUS[0]}}"
    proc = subprocess.run(["bash", "-c", script], cwd=repo, env=environment(home), capture_output=True, text=True,
                          timeout=TIMEOUT)
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr, proc.stderr
    assert proc.stdout.strip() == "2", proc.stderr
    assert "standard output was closed before the output was written" in proc.stderr


@pytest.mark.parametrize("content,message", [
    ('{"version": 1, "tool": "iaclint", "findings": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
    ("[" * 100_000, "nested too deeply"),
    ('{"version": 1, "tool": "iaclint", "findings": [{"fingerprint": ["x"]}]}', "has no fingerprint"),
    ("\xff\xfe not json", "not valid JSON"),
])
def test_a_hostile_baseline_is_a_message(world, content, message):
    repo, home = world
    (repo / "base.json").write_text(content, errors="surrogateescape") if isinstance(content, str) else None
    run = iaclint("scan", ".", "--no-cache", "--baseline", "base.json", cwd=repo, home=home)
    assert_inert(run, code=2)
    assert message in run.err, run.err


@pytest.mark.parametrize("glob", ["[z-a]", "a[b-", "[[:alpha:]]x", "**/[9-0]*"])
def test_an_invalid_exclude_glob_is_a_message_or_a_plain_pattern(world, glob):
    repo, home = world
    run = iaclint("scan", ".", "--no-cache", "--exclude", glob, cwd=repo, home=home)
    assert_inert(run, code=(1, 2))
    assert "Warning" not in run.err  # no FutureWarning from a regular expression either
    if run.code == 2:
        assert f"invalid glob {glob!r}" in run.err
    (repo / ".iaclint.yaml").write_text(f"exclude: ['{glob}']\n")
    assert_inert(iaclint("scan", ".", "--no-cache", cwd=repo, home=home), code=run.code)


@pytest.mark.parametrize("argv,message", [
    (["--select", "IAC2O1"], "select: unknown policy 'IAC2O1' (did you mean IAC201?)"),
    (["--ignore", "sagemaker-notebook-direct-internet-acess"],
     "ignore: unknown policy 'sagemaker-notebook-direct-internet-acess' (did you mean "
     "sagemaker-notebook-direct-internet-access?)"),
    (["--severity", "iac20l=low"], "severity: unknown policy 'iac20l' (did you mean IAC201?)"),
    (["--per-path-ignore", "x/**=IAC9999"], "per-path-ignores: unknown policy 'IAC9999'"),
])
def test_unknown_policy_ids_are_an_error(world, argv, message):
    repo, home = world
    run = iaclint("scan", ".", "--no-cache", *argv, cwd=repo, home=home)
    assert_inert(run, code=2)
    assert message in run.err, run.err
    run = iaclint("baseline", "create", "--no-cache", *argv, cwd=repo, home=home)
    assert_inert(run, code=2)
    assert not (repo / ".iaclint-baseline.json").exists()


def test_unknown_policy_ids_in_the_configuration_are_an_error(world):
    repo, home = world
    (repo / ".iaclint.yaml").write_text("ignore: [sagemaker-notebook-root-acess]\n")
    run = iaclint("scan", ".", "--no-cache", cwd=repo, home=home)
    assert_inert(run, code=2)
    assert "did you mean sagemaker-notebook-root-access?" in run.err


@pytest.mark.parametrize("block,what", [
    ('resource "aws_sagemaker_notebook_instance" "many" {{\n  count = {n}\n  name = "x"\n}}\n',
     "aws_sagemaker_notebook_instance.many: count asks for {n:,} instances: only the first 10,000 are scanned"),
    ('resource "aws_s3_bucket" "many" {{\n  for_each = toset([for i in range({n}) : tostring(i)])\n}}\n',
     "aws_s3_bucket.many: for_each asks for {n:,} instances: only the first 10,000 are scanned"),
])
def test_a_cap_that_drops_instances_says_so(world, block, what):
    repo, home = world
    n = 10_005
    (repo / "many.tf").write_text(block.format(n=n))
    run = iaclint("scan", ".", "--no-cache", "--select", "IAC201", cwd=repo, home=home)
    assert_inert(run, code=(0, 1))
    assert "many.tf:1: " + what.format(n=n) in run.err, run.err


def test_a_cloudformation_loop_that_is_not_expanded_says_so(world):
    """`Fn::ForEach` (AWS::LanguageExtensions) is not expanded: a notebook with internet
    access inside one used to vanish with exit code 0 and no word."""
    repo, home = world
    (repo / "main.tf").unlink()
    (repo / "loop.yaml").write_text("AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::LanguageExtensions\n"
                                    "Resources:\n  Fn::ForEach::Notebooks:\n    - Team\n    - [a, b]\n"
                                    "    - Notebook${Team}:\n        Type: AWS::SageMaker::NotebookInstance\n"
                                    "        Properties:\n          InstanceType: ml.t3.medium\n"
                                    "          DirectInternetAccess: Enabled\n")
    for _ in range(2):  # the second run reads the cache: the note is kept with the result
        run = iaclint("scan", ".", cwd=repo, home=home)
        assert_inert(run, code=0)
        assert ("iaclint: note: loop.yaml:4: Fn::ForEach::Notebooks: Fn::ForEach loops are not expanded: "
                "the resources it makes are not scanned") in run.err, run.err


def test_remote_modules_are_one_short_line_each(world):
    repo, home = world
    (repo / "mods.tf").write_text("".join(f'module "m{i}" {{\n  source = "registry.example/org/mod{i}/aws"\n}}\n'
                                          for i in range(35)))
    run = iaclint("scan", ".", "--no-cache", cwd=repo, home=home)
    assert_inert(run, code=1)
    notes = [line for line in run.err.splitlines() if "is not downloaded" in line]
    assert len(notes) == 35 and max(map(len, notes)) < 200


@pytest.mark.skipif(subprocess.run(["git", "--version"], capture_output=True).returncode != 0, reason="no git")
def test_diff_never_runs_commands_from_the_repositorys_git_config(world, tmp_path):
    """An archive of a repository carries its `.git/config`; `git diff` would run its
    `core.fsmonitor` command."""
    repo, home = world
    (repo / ".git").rmdir()
    marker = tmp_path / "PWNED"
    env = environment(home, GIT_AUTHOR_NAME="a", GIT_AUTHOR_EMAIL="a@b", GIT_COMMITTER_NAME="a",
                      GIT_COMMITTER_EMAIL="a@b")
    for argv in (["init", "-q"], ["add", "."], ["commit", "-qm", "base"],
                 ["config", "core.fsmonitor", f"touch {marker}; false"]):
        subprocess.run(["git", *argv], cwd=repo, env=env, check=True, capture_output=True)
    (repo / "main.tf").write_text(NOTEBOOK + "\n")
    run = iaclint("scan", ".", "--no-cache", "--diff", "HEAD", cwd=repo, home=home, env=env)
    assert_inert(run, code=(0, 1), markers=[marker])


HUGE = "x" * 800_000
LONG = "x" * 100_000  # one argument may hold at most 128 KB


@pytest.mark.parametrize("config,argv", [
    (f"select:\n  - IAC{HUGE}\n", []),  # schema: not a policy ID
    (f"fail-on: {HUGE}\n", []),  # schema: not one of
    (f"severity:\n  ? IAC{HUGE}\n  : high\n", []),  # unknown policy, a key
    ("select: [" + ", ".join(f"IAC9{i % 100:02d}" for i in range(5000)) + "]\n", []),  # 5,000 problems
    (None, ["--select", LONG]),
    (None, ["--severity", f"IAC201={LONG}"]),
    (None, ["--fail-on", LONG]),  # argparse's own message
    (None, ["--exclude", f"[z-a]{LONG}"]),
    (None, ["--var", LONG]),
    (None, ["--env", LONG]),
])
def test_an_error_echoes_a_huge_value_shortened(world, config, argv):
    """An 800 KB configuration value used to be printed whole in its error message."""
    repo, home = world
    if config is not None:
        (repo / ".iaclint.yaml").write_text(config)
    run = iaclint("scan", ".", "--no-cache", *argv, cwd=repo, home=home)
    assert_inert(run, code=2)
    assert "error:" in run.err
    assert len(run.err) < 3000, run.err[:3000]
    assert "characters)" in run.err or "more" in run.err, run.err
