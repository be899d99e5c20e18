"""The GitHub Action (`action.yml`) on a hostile checkout: its scan step runs with the
checkout as the working directory, so modules planted at the root of the checkout, a
PYTHONPATH pointing into it, the checkout's configuration and a committed symlink named
like the SARIF report must all come to nothing."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
import yaml
from conftest import ROOT
from harness import MARKER, NOTEBOOK, TIMEOUT, planted_python, repository

ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
SCAN = next(s for s in ACTION["runs"]["steps"] if s.get("name") == "Scan")


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_the_scan_step_on_a_hostile_checkout(tmp_path):
    checkout = repository(tmp_path / "checkout")
    marker = tmp_path / MARKER
    (checkout / "main.tf").write_text(NOTEBOOK.replace('"Disabled"', '"Enabled"'))
    for planted in ("jsonschema.py", "yaml.py", "iaclint.py", "tree_sitter_hcl.py", "sitecustomize.py"):
        (checkout / planted).write_text(planted_python(marker))
    (checkout / "pol").mkdir()
    (checkout / "pol" / "evil.py").write_text(planted_python(marker))
    (checkout / ".iaclint.yaml").write_text("policy-dirs: [pol]\ncache-dir: .cache\n")
    target = tmp_path / "bashrc"
    target.write_text("untouched\n")
    os.symlink(target, checkout / "iaclint.sarif")
    runner = tmp_path / "runner"
    runner.mkdir()
    output, summary = runner / "output", runner / "summary"
    output.write_text("")
    summary.write_text("")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(runner), "RUNNER_TEMP": str(runner),
           "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary), "IACLINT_PYTHON": sys.executable,
           "IACLINT_PATHS": ".", "IACLINT_ARGS": "--no-cache", "IACLINT_SARIF": "iaclint.sarif",
           "IACLINT_SUMMARY": "true", "PYTHONPATH": str(checkout), "XDG_CONFIG_HOME": str(runner / "config")}
    proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", SCAN["run"]], cwd=checkout,
                          env=env, capture_output=True, text=True, timeout=TIMEOUT)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not marker.exists(), "code planted in the checkout ran"
    assert target.read_text() == "untouched\n"
    assert json.loads((checkout / "iaclint.sarif").read_text())["runs"][0]["results"]
    assert "exit-code=1" in output.read_text()
    assert summary.read_text().startswith("## iaclint report")
    assert "`policy-dirs` ignored" in proc.stderr and not (checkout / ".cache").exists()


INSTALL = next(s for s in ACTION["runs"]["steps"] if s.get("name") == "Install iaclint")


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
@pytest.mark.parametrize("package", ["", "iaclint==0.1.0"])
def test_the_install_step_runs_python_isolated_and_away_from_the_checkout(tmp_path, package):
    """The install step starts Python three times (venv, pip, --version); a stand-in
    `python` records where and how. Each must be isolated (`-I`) and run outside the
    checkout, or a `venv/`, `pip/` or `ensurepip.py` planted at its root would be imported."""
    checkout = repository(tmp_path / "checkout")
    runner, shims = tmp_path / "runner", tmp_path / "shims"
    runner.mkdir()
    shims.mkdir()
    log = tmp_path / "calls.log"
    shim = shims / "python"
    shim.write_text('#!/bin/bash\necho "$PWD|$*" >> "$IACLINT_TEST_LOG"\n'
                    'if [ "$2 $3" = "-m venv" ]; then mkdir -p "$4/bin" && cp "$0" "$4/bin/python"; fi\n')
    shim.chmod(0o755)
    env = {"PATH": f"{shims}:{os.environ.get('PATH', '/usr/bin:/bin')}", "HOME": str(runner),
           "RUNNER_TEMP": str(runner), "GITHUB_ENV": str(runner / "env"), "IACLINT_PACKAGE": package,
           "IACLINT_ACTION_PATH": str(ROOT), "IACLINT_TEST_LOG": str(log)}
    proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", INSTALL["run"]], cwd=checkout,
                          env=env, capture_output=True, text=True, timeout=TIMEOUT)
    assert proc.returncode == 0, proc.stderr
    calls = [line.split("|", 1) for line in log.read_text().splitlines()]
    assert [args.split()[:3] for _, args in calls] == [["-I", "-m", "venv"], ["-I", "-m", "pip"],
                                                       ["-I", "-m", "iaclint"]]
    assert all(cwd == str(runner) for cwd, _ in calls)
    assert calls[1][1].endswith(package or str(ROOT))
    assert f"IACLINT_PYTHON={runner}/iaclint-venv/bin/python" in (runner / "env").read_text()
