"""The pre-commit hooks, run by the real pre-commit against a copy of this checkout.

pre-commit installs a hook repository by cloning it at a commit and building a virtual
environment with `pip install .`; the checkout under test may have uncommitted work, so
the package files are copied into a temporary repository with one commit. The hook's
environment is built once per test session (PRE_COMMIT_HOME in a temporary directory)
and needs the package index that pip uses here; when it cannot be built (no index
reachable) the tests are skipped and say so.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT

pytest.importorskip("pre_commit", reason="pre-commit is not installed (it is in the test extra)")
if shutil.which("git") is None:
    pytest.skip("git is not installed", allow_module_level=True)

# What `pip install .` needs from the checkout; everything else stays out of the copy.
PACKAGE_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "iaclint", "policies")
NETWORK_ERRORS = ("No matching distribution", "Could not find a version", "NewConnectionError",
                  "Temporary failure in name resolution", "Network is unreachable", "ConnectTimeout",
                  "ReadTimeoutError", "Max retries exceeded")

OPEN_NOTEBOOK = textwrap.dedent('''\
    resource "aws_sagemaker_notebook_instance" "nb" {
      name                   = "nb"
      direct_internet_access = var.internet
    }
    ''')
VARIABLES = 'variable "internet" {\n  default = "%s"\n}\n'
TEMPLATE = textwrap.dedent('''\
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      Notebook:
        Type: AWS::SageMaker::NotebookInstance
        Properties:
          InstanceType: ml.t3.medium
          RoleArn: arn:aws:iam::123456789012:role/sm
          DirectInternetAccess: %s
    ''')


@pytest.fixture(scope="session")
def git_env(tmp_path_factory):
    """Git and pre-commit isolated from the user's configuration and caches."""
    base = tmp_path_factory.mktemp("precommit-env")
    gitconfig = base / "gitconfig"
    gitconfig.write_text("[user]\n\tname = iaclint tests\n\temail = tests@iaclint.invalid\n"
                         "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(GIT_CONFIG_GLOBAL=str(gitconfig), GIT_CONFIG_NOSYSTEM="1", PRE_COMMIT_HOME=str(base / "cache"),
               PRE_COMMIT_COLOR="never", NO_COLOR="1")
    if "GIT_SSL_CAINFO" in os.environ:
        env["GIT_SSL_CAINFO"] = os.environ["GIT_SSL_CAINFO"]
    return env


def git(cwd, env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True, timeout=60)


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory, git_env) -> Path:
    """A git repository holding this checkout's package files, committed."""
    repo = tmp_path_factory.mktemp("iaclint-hook-repo")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    names = list(PACKAGE_FILES) + [p.name for p in ROOT.glob("LICENSE*")]
    for name in names:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=ignore)
        else:
            shutil.copy2(source, repo / name)
    git(repo, git_env, "init", "-q")
    git(repo, git_env, "add", "-A")
    git(repo, git_env, "commit", "-q", "-m", "iaclint under test")
    return repo


@pytest.fixture
def project(tmp_path, git_env) -> Path:
    """An empty git repository: the user's infrastructure code."""
    git(tmp_path, git_env, "init", "-q")
    return tmp_path


def pre_commit(cwd, env, *args) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)
    _skip_if_offline(proc, env)
    return proc


def _skip_if_offline(proc, env) -> None:
    if proc.returncode != 3:  # pre-commit's code for an error of its own (not a hook's)
        return
    log = Path(env["PRE_COMMIT_HOME"]) / "pre-commit.log"
    text = proc.stdout + proc.stderr + (log.read_text(errors="replace") if log.exists() else "")
    if "pip" in text and any(marker in text for marker in NETWORK_ERRORS):
        pytest.skip("pre-commit could not build the hook's environment: the package index is not reachable")


def try_repo(project, env, hook_repo, hook: str) -> subprocess.CompletedProcess:
    """`pre-commit try-repo`: runs `hook` from `hook_repo` on the staged files."""
    return pre_commit(project, env, "try-repo", str(hook_repo), hook)


def run_hook(project, env, hook_repo, hook: str) -> subprocess.CompletedProcess:
    """`pre-commit run` with a configuration naming `hook` at the hook repository's commit:
    the hook's environment is built once per session (try-repo builds it every time)."""
    sha = git(hook_repo, env, "rev-parse", "HEAD").stdout.strip()
    config = Path(env["PRE_COMMIT_HOME"]).parent / f"config-{hook}.yaml"
    config.write_text(f"repos:\n  - repo: {hook_repo}\n    rev: {sha}\n    hooks:\n      - id: {hook}\n")
    return pre_commit(project, env, "run", "--config", str(config))


def stage(project, env, files: dict) -> None:
    for name, text in files.items():
        path = project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    git(project, env, "add", *files)


def test_hooks_file_declares_both_hooks():
    import re

    import yaml

    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"iaclint", "iaclint-dir"}
    assert hooks["iaclint"]["entry"] == "iaclint scan"
    assert hooks["iaclint-dir"]["entry"] == "iaclint scan --whole-module"
    assert hooks["iaclint-dir"]["require_serial"] is True
    for hook in hooks.values():
        assert hook["language"] == "python" and hook.get("pass_filenames", True)
        pattern = re.compile(hook["files"])
        for name in ("main.tf", "main.tf.json", "terraform.tfvars", "prod.auto.tfvars", "x.tfvars.json",
                     "stack.yaml", "stack.yml", "stack.json", "stack.template", "cdk.out/App.template.json"):
            assert pattern.search(name), (hook["id"], name)
        for name in ("README.md", "main.py", "Dockerfile", "main.tf.bak"):
            assert not pattern.search(name), (hook["id"], name)


def test_per_file_hook_blocks_a_bad_terraform_file_and_passes_a_good_one(project, git_env, hook_repo):
    stage(project, git_env, {"infra/main.tf": OPEN_NOTEBOOK, "infra/variables.tf": VARIABLES % "Enabled"})
    proc = try_repo(project, git_env, hook_repo, "iaclint")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Failed" in proc.stdout
    assert "infra/main.tf:3:3: IAC201 [high] SageMaker notebook instance has direct internet access" in proc.stdout

    stage(project, git_env, {"infra/variables.tf": VARIABLES % "Disabled"})
    proc = try_repo(project, git_env, hook_repo, "iaclint")
    assert "IAC201" not in proc.stdout, proc.stdout
    # Other policies may still flag this minimal notebook (no KMS key, no VPC): a clean
    # run needs them ignored, which the hook's `args` can do.


def test_hook_blocks_the_commit_and_lets_a_good_one_through(project, git_env, hook_repo):
    """The real flow: `pre-commit install`, then `git commit`."""
    sha = git(hook_repo, git_env, "rev-parse", "HEAD").stdout.strip()
    config = textwrap.dedent(f'''\
        repos:
          - repo: {hook_repo}
            rev: {sha}
            hooks:
              - id: iaclint
                args: [--select, IAC201]
        ''')
    stage(project, git_env, {".pre-commit-config.yaml": config})
    install = pre_commit(project, git_env, "install")
    assert install.returncode == 0, install.stdout + install.stderr

    stage(project, git_env, {"stack.yaml": TEMPLATE % "Enabled", "notes.yaml": "not: [a, template]\n"})
    commit = subprocess.run(["git", "commit", "-m", "open notebook"], cwd=project, env=git_env,
                            capture_output=True, text=True, timeout=600)
    _skip_if_offline(commit, git_env)
    assert commit.returncode != 0, commit.stdout + commit.stderr
    output = commit.stdout + commit.stderr
    assert "stack.yaml:8:7: IAC201 [high]" in output
    assert subprocess.run(["git", "rev-parse", "--verify", "-q", "HEAD"], cwd=project, env=git_env,
                          capture_output=True).returncode != 0  # nothing was committed

    stage(project, git_env, {"stack.yaml": TEMPLATE % "Disabled"})
    commit = subprocess.run(["git", "commit", "-m", "closed notebook"], cwd=project, env=git_env,
                            capture_output=True, text=True, timeout=600)
    assert commit.returncode == 0, commit.stdout + commit.stderr
    assert "Passed" in commit.stdout + commit.stderr


def test_dir_hook_reports_the_whole_module_of_a_staged_file(project, git_env, hook_repo):
    # main.tf is committed and unchanged; the staged change is to variables.tf, which
    # opens the notebook up. The per-file hook reports findings in staged files only; the
    # per-directory hook reports the whole module and catches it.
    stage(project, git_env, {"infra/main.tf": OPEN_NOTEBOOK, "infra/variables.tf": VARIABLES % "Disabled"})
    git(project, git_env, "commit", "-q", "--no-verify", "-m", "closed")
    stage(project, git_env, {"infra/variables.tf": VARIABLES % "Enabled"})

    per_file = run_hook(project, git_env, hook_repo, "iaclint")
    assert "IAC201" not in per_file.stdout, per_file.stdout

    per_dir = try_repo(project, git_env, hook_repo, "iaclint-dir")
    assert per_dir.returncode == 1, per_dir.stdout + per_dir.stderr
    assert "infra/main.tf:3:3: IAC201 [high]" in per_dir.stdout


def test_tfvars_change_reaches_the_hook(project, git_env, hook_repo):
    stage(project, git_env, {"main.tf": OPEN_NOTEBOOK, "variables.tf": VARIABLES % "Disabled"})
    git(project, git_env, "commit", "-q", "--no-verify", "-m", "closed")
    stage(project, git_env, {"terraform.tfvars": 'internet = "Enabled"\n'})
    proc = run_hook(project, git_env, hook_repo, "iaclint")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "main.tf:3:3: IAC201 [high]" in proc.stdout
