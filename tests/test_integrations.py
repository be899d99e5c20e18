"""The GitHub Action (`action.yml` at the repository root, where `uses: owner/iaclint@ref`
finds it, and its copy at the old path docs/integrations/github-action/action.yml) and
the copy-paste CI snippets in the docs.

GitHub's runner is not available here, so the action's scan step, the part with logic,
is run with bash exactly as written, in an environment laid out as the runner lays it
(`GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`, `RUNNER_TEMP`, inputs passed through `env:`).
"""
from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys

import jsonschema
import pytest
import yaml
from conftest import ROOT

ACTION = ROOT / "action.yml"
OLD_ACTION = ROOT / "docs" / "integrations" / "github-action" / "action.yml"
DOCS = [ROOT / "docs" / "integrations.md", ROOT / "docs" / "editors.md"]
SARIF_SCHEMA = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def action() -> dict:
    return yaml.safe_load(ACTION.read_text())


def step(action: dict, name: str) -> dict:
    return next(s for s in action["runs"]["steps"] if s.get("name") == name)


def test_action_is_a_composite_action_with_documented_inputs(action):
    assert action["runs"]["using"] == "composite"
    assert {"paths", "args", "package", "python-version", "sarif-file", "upload-sarif", "category", "summary",
            "fail"} <= set(action["inputs"])
    assert all(i.get("description") for i in action["inputs"].values())
    upload = step(action, "Upload SARIF to code scanning")
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["sarif_file"] == "${{ inputs.sarif-file }}"
    # The default install looks for pyproject.toml upwards from the action's directory: this repository.
    assert "pyproject.toml" in step(action, "Install iaclint")["run"]


def test_the_old_action_path_keeps_working():
    """Workflows written for `uses: owner/iaclint/docs/integrations/github-action@ref` run the
    same action (its install step finds the package by walking up to pyproject.toml)."""
    assert OLD_ACTION.read_text() == ACTION.read_text()


def test_every_python_the_action_runs_is_isolated(action):
    """The working directory is the checkout: without -I a `jsonschema.py`, `pip/` or
    `venv/` at its root is imported instead of the real module (docs/security.md)."""
    runs = [line for s in action["runs"]["steps"] for line in s.get("run", "").splitlines()
            if "python" in line.lower() and " -m " in line]
    assert len(runs) == 5  # venv, pip (twice), iaclint --version, iaclint scan
    assert all(" -I -m " in line for line in runs), runs


def test_action_scripts_take_inputs_through_env_only(action):
    for s in action["runs"]["steps"]:
        if "run" in s:
            assert "${{" not in s["run"], f"expression inside the script of step {s.get('name')!r}"
            assert s["shell"] == "bash"
        for value in (s.get("env") or {}).values():
            m = re.fullmatch(r"\$\{\{ (inputs|github)\.([a-z_-]+) \}\}", value)
            assert m, value
            if m.group(1) == "inputs":
                assert m.group(2) in action["inputs"]


def run_scan_step(action, tmp_path, paths: str, args: str = "") -> tuple[subprocess.CompletedProcess, dict, str]:
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    output, summary = tmp_path / "github_output", tmp_path / "step_summary"
    output.write_text("")
    summary.write_text("")
    env = {
        "PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "RUNNER_TEMP": str(tmp_path),
        "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary), "IACLINT_PYTHON": sys.executable,
        "IACLINT_PATHS": paths, "IACLINT_ARGS": args, "IACLINT_SARIF": str(tmp_path / "iaclint.sarif"),
        "IACLINT_SUMMARY": "true",
    }
    assert set(step(action, "Scan")["env"]) <= set(env)
    # As GitHub runs a `shell: bash` step: bash --noprofile --norc -eo pipefail.
    proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step(action, "Scan")["run"]],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
    return proc, outputs, summary.read_text()


def test_action_scan_step_reports_findings_without_failing_before_the_upload(action, tmp_path):
    proc, outputs, summary = run_scan_step(action, tmp_path, "fixtures/examples/bedrock-insecure/terraform",
                                           "--fail-on low")
    assert proc.returncode == 0, proc.stderr  # the upload step still runs
    assert outputs["exit-code"] == "1"
    assert summary.startswith("## iaclint report") and "| Severity | ID | Resource | Location | Message |" in summary
    assert "Scanned 2 files" in proc.stdout  # the text report in the log
    log = json.loads((tmp_path / "iaclint.sarif").read_text())
    jsonschema.validate(log, json.loads(SARIF_SCHEMA.read_text()))
    assert log["runs"][0]["results"]


def test_action_scan_step_clean_and_error_runs(action, tmp_path):
    proc, outputs, summary = run_scan_step(action, tmp_path, "fixtures/examples/bedrock-secure/terraform")
    assert proc.returncode == 0 and outputs["exit-code"] == "0"
    assert summary.startswith("## iaclint report\n\nNo findings")
    proc, outputs, _ = run_scan_step(action, tmp_path, "does/not/exist")
    assert proc.returncode == 2 and outputs["exit-code"] == "2"
    assert "::error title=iaclint::" in proc.stdout


def yaml_blocks(text: str) -> list[str]:
    return re.findall(r"^```ya?ml\n(.*?)^```", text, flags=re.S | re.M)


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_yaml_and_json_snippets_in_the_docs_parse(doc):
    text = doc.read_text()
    blocks = yaml_blocks(text)
    for block in blocks:
        yaml.safe_load(block)
    for block in re.findall(r"^```json\n(.*?)^```", text, flags=re.S | re.M):
        json.loads(block)
        blocks.append(block)
    assert blocks


@pytest.mark.parametrize("doc", DOCS + [ROOT / "README.md", ROOT / "docs" / "outputs.md"], ids=lambda p: p.name)
def test_iaclint_commands_in_the_docs_are_valid(doc):
    """Every `iaclint scan ...` command shown in the docs parses with the real CLI."""
    from iaclint.faces.cli import build_parser

    commands = re.findall(r"(?:^|[\s`\"'(-])iaclint (scan\b[^\n`]*)", doc.read_text(), flags=re.M)
    assert commands or doc.name == "editors.md"
    for command in commands:
        for end in (" #", " ||", " |", " &&", " <", " >"):
            command = command.split(end)[0]
        command = command.rstrip("\\ ")
        try:
            argv = shlex.split(command.replace("$", ""))
        except ValueError:  # the command sat inside a quoted string: drop its closing quote
            argv = shlex.split(command.replace("$", "").rstrip("\"'"))
        argv = [a for a in argv if a != "..."]
        if any(a.startswith("[") or a.isupper() for a in argv[1:]):  # a synopsis: `scan [PATHS...]`
            continue
        try:
            build_parser().parse_args(argv)
        except SystemExit as exc:  # argparse exits on an unknown option
            pytest.fail(f"{doc.name}: `iaclint {command}` does not parse (exit {exc.code})")


def test_gitlab_job_in_the_docs_uses_the_reports_gitlab_reads():
    text = (ROOT / "docs" / "integrations.md").read_text()
    jobs = [yaml.safe_load(b) for b in yaml_blocks(text)]
    job = next(j["iaclint"] for j in jobs if isinstance(j, dict) and "iaclint" in j and "script" in j["iaclint"])
    script = " ".join(job["script"])
    assert "-f gitlab -o gl-sast-report.json" in script and "-f junit -o iaclint.xml" in script
    assert job["artifacts"]["reports"] == {"sast": "gl-sast-report.json", "junit": "iaclint.xml"}
    assert job["artifacts"]["when"] == "always"
