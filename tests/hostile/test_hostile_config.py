"""A repository's configuration is data (docs/security.md, `iaclint.pipeline.trust`):
it cannot load code, choose the cache, name files outside itself or raise limits, unless
the user opts in from outside the repository."""
from __future__ import annotations

import os

import pytest
from harness import (
    MARKER,
    NOTEBOOK,
    SECRET,
    assert_inert,
    environment,
    iaclint,
    layout,
    planted_python,
)


@pytest.fixture
def world(tmp_path):
    """A repository `repo/` with a notebook, a home directory, and `outside/` holding a secret."""
    return layout(tmp_path, NOTEBOOK)


def plant_policy(repo, marker) -> None:
    (repo / "pol").mkdir()
    (repo / "pol" / "evil.py").write_text(planted_python(marker))


@pytest.mark.parametrize("where", [".iaclint.yaml", "pyproject.toml"])
def test_policy_dirs_of_a_repository_configuration_never_run(world, where):
    repo, home, _ = world
    marker = repo.parent / MARKER
    plant_policy(repo, marker)
    if where == "pyproject.toml":
        (repo / where).write_text('[tool.iaclint]\npolicy-dirs = ["pol"]\n')
    else:
        (repo / where).write_text("policy-dirs: [pol]\n")
    run = iaclint("scan", ".", "--no-cache", cwd=repo, home=home)
    assert_inert(run, code=1, markers=[marker])
    assert "`policy-dirs` ignored: a configuration in the scanned tree cannot load policies" in run.err
    # Scanning from elsewhere, or one file, finds the same configuration and refuses it the same way.
    assert_inert(iaclint("scan", "repo/main.tf", "--no-cache", cwd=repo.parent, home=home), code=1, markers=[marker])
    # The opt-ins work (so this test can fail): the flag, and the user's own trusted directories.
    run = iaclint("scan", ".", "--no-cache", "--trust-config", cwd=repo, home=home)
    assert marker.exists(), run.err
    marker.unlink()
    (home / ".config" / "iaclint").mkdir(parents=True)
    (home / ".config" / "iaclint" / "config.yaml").write_text(f"trusted-directories: [{repo}]\n")
    iaclint("scan", ".", "--no-cache", cwd=repo, home=home)
    assert marker.exists()


def test_a_user_configuration_others_may_write_is_not_trusted(world):
    repo, home, _ = world
    marker = repo.parent / MARKER
    plant_policy(repo, marker)
    (repo / ".iaclint.yaml").write_text("policy-dirs: [pol]\n")
    (home / ".config" / "iaclint").mkdir(parents=True)
    user = home / ".config" / "iaclint" / "config.yaml"
    user.write_text("trusted-directories: ['*']\n")
    user.chmod(0o666)
    run = iaclint("scan", ".", "--no-cache", cwd=repo, home=home)
    assert_inert(run, code=1, markers=[marker])
    assert "others may write it: ignored" in run.err


def test_config_named_with_config_inside_the_tree_is_data_too(world):
    repo, home, _ = world
    marker = repo.parent / MARKER
    plant_policy(repo, marker)
    (repo / "ci.yaml").write_text("policy-dirs: [pol]\n")
    assert_inert(iaclint("scan", ".", "--no-cache", "--config", "ci.yaml", cwd=repo, home=home), code=1,
                 markers=[marker])


def test_cache_dir_of_a_repository_configuration_is_ignored(world):
    repo, home, _ = world
    (repo / ".iaclint.yaml").write_text("cache-dir: .cache-in-repo\n")
    run = iaclint("scan", ".", cwd=repo, home=home)
    assert_inert(run, code=1)
    assert not (repo / ".cache-in-repo").exists()
    assert any((home / ".cache" / "iaclint").rglob("*"))  # the user's cache was used instead


@pytest.mark.parametrize("value", ["../outside/secret.tfvars", "{outside}/secret.tfvars", "link.tfvars"])
def test_var_files_outside_the_tree_are_not_read(world, value):
    repo, home, outside = world
    os.symlink(outside / "secret.tfvars", repo / "link.tfvars")
    (repo / ".iaclint.yaml").write_text(f"var-files: ['{value.format(outside=outside)}']\n")
    run = iaclint("scan", ".", "--no-cache", "--format", "json", "--strict", cwd=repo, home=home)
    assert_inert(run, code=(0, 1))
    assert "var-files entry" in run.err and "outside the scanned tree" in run.err
    # The user may name it on the command line: then it is read.
    named = iaclint("scan", ".", "--no-cache", "--format", "json", "--var-file", outside / "secret.tfvars",
                    cwd=repo, home=home)
    assert SECRET in named.out


def test_baseline_paths_of_a_repository_configuration_stay_in_the_tree(world):
    repo, home, outside = world
    target = outside / "baseline.json"
    for value in ("../outside/baseline.json", "~/.bashrc", str(target)):
        (repo / ".iaclint.yaml").write_text(f"baseline: '{value}'\n")
        run = iaclint("baseline", "create", "--no-cache", cwd=repo, home=home)
        assert_inert(run, code=0)
        assert "`baseline` ignored" in run.err
        assert not target.exists() and not (home / ".bashrc").exists()
        assert (repo / ".iaclint-baseline.json").exists()  # the default, inside the tree


def test_jobs_above_the_cores_are_lowered(world):
    repo, home, _ = world
    (repo / ".iaclint.yaml").write_text("jobs: 2000\n")
    for i in range(20):  # enough units to load in parallel
        (repo / f"m{i}").mkdir()
        (repo / f"m{i}" / "main.tf").write_text(NOTEBOOK)
    run = iaclint("scan", ".", "--no-cache", cwd=repo, home=home)
    assert_inert(run, code=1)
    assert f"`jobs: 2000` lowered to {os.cpu_count()}" in run.err
    run = iaclint("scan", ".", "--no-cache", "--jobs", "500", cwd=repo, home=home)
    assert_inert(run, code=1)
    assert f"500 is more than the {os.cpu_count()} cores" in run.err


BOMB = "\n".join(["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
                 + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]) + "\n"


@pytest.mark.parametrize("text,message", [
    (BOMB, "alias bomb"),
    ("exclude: " + "[" * 5000 + "]" * 5000 + "\n", "nesting depth"),
    ("select: [" + ", ".join(["IAC201"] * 20000) + "]\n", "more than 10000 values"),
    ("a: &a [*a]\n", "nested deeper than 32 levels"),
])
def test_hostile_yaml_in_the_configuration_is_a_clear_error(world, text, message):
    repo, home, _ = world
    (repo / ".iaclint.yaml").write_text(text)
    run = iaclint("scan", ".", "--no-cache", cwd=repo, home=home)
    assert_inert(run, code=2)
    assert message in run.err, run.err


@pytest.mark.parametrize("key", ["exclude", "per-path-ignores"])
def test_globs_that_would_backtrack_end(world, key):
    """Globs are regular expressions once translated; `**/` forty times, matched against a
    path thirty directories deep, backtracked for minutes in Python's `re` (RE2 now)."""
    repo, home, _ = world
    deep = repo.joinpath(*["aaaaaaaa"] * 30)
    deep.mkdir(parents=True)
    (deep / "main.tf").write_text(NOTEBOOK.replace('"Disabled"', '"Enabled"'))
    glob = "**/" * 40 + "b"
    (repo / ".iaclint.yaml").write_text(f"exclude: ['{glob}']\n" if key == "exclude"
                                        else f"per-path-ignores:\n  '{glob}': [IAC201]\n")
    run = iaclint("scan", ".", "--no-cache", "--select", "IAC201", cwd=repo, home=home, timeout=30)
    assert_inert(run, code=1)
    assert run.out.count("IAC201") == 1, run.out  # the deep file (main.tf at the root is Disabled)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_named_like_the_configuration_does_not_block(world):
    repo, home, _ = world
    os.mkfifo(repo / ".iaclint.yaml")
    run = iaclint("scan", ".", "--no-cache", cwd=repo, home=home)
    assert_inert(run, code=2)
    assert "not a regular file" in run.err


def test_a_config_with_policy_dirs_in_the_language_server_needs_trust(world):
    """Covered end to end in test_hostile_lsp.py; here: the editor settings' own
    `policyDirs` are the user's, the configuration file's are not."""
    from iaclint.pipeline.trust import UserConfig, effective_config

    repo, home, _ = world
    (repo / ".iaclint.yaml").write_text("policy-dirs: [pol]\nselect: [IAC201]\n")
    config, notes = effective_config([str(repo / "main.tf")], user=UserConfig("u"))
    assert "policy-dirs" not in config.values and config.values["select"] == ["IAC201"]
    assert [m.split(":")[0] for _, m in notes] == ["`policy-dirs` ignored"]
    trusted, _ = effective_config([str(repo / "main.tf")], trust_flag=True, user=UserConfig("u"))
    assert trusted.values["policy-dirs"] == ["pol"]


def test_a_configuration_symlinked_out_of_the_tree_is_not_read(world):
    """Its content would be quoted by the error about unknown keys."""
    repo, home, outside = world
    (outside / "passwd").write_text(f"{SECRET}: x\n")
    os.symlink(outside / "passwd", repo / ".iaclint.yaml")
    run = iaclint("scan", ".", "--no-cache", cwd=repo, home=home)
    assert_inert(run, code=2)
    assert ".iaclint.yaml: cannot read: outside the scanned tree" in run.err


def test_environment_is_the_users_not_the_trees(world):
    """PYTHONPATH and friends come from the user's environment; a hostile tree cannot set
    them, and the isolated runs the Action uses ignore them anyway."""
    repo, home, _ = world
    marker = repo.parent / MARKER
    (repo / "jsonschema.py").write_text(planted_python(marker))
    (repo / "yaml.py").write_text(planted_python(marker))
    (repo / ".iaclint.yaml").write_text("select: [IAC201]\n")  # makes iaclint import jsonschema and PyYAML
    run = iaclint("scan", ".", "--no-cache", cwd=repo, home=home,
                  env=environment(home, PYTHONPATH=repo))
    assert_inert(run, code=0, markers=[marker])


def test_a_trusted_configuration_may_keep_its_baseline_outside_the_tree(world):
    repo, home, outside = world
    (repo / ".iaclint.yaml").write_text(f"baseline: '{outside / 'shared-baseline.json'}'\n")
    run = iaclint("baseline", "create", "--no-cache", "--trust-config", cwd=repo, home=home)
    assert_inert(run, code=0)
    assert (outside / "shared-baseline.json").exists()
    assert_inert(iaclint("scan", ".", "--no-cache", "--trust-config", cwd=repo, home=home), code=0)
