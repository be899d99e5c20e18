"""Baselines (line-independent fingerprints of today's findings) and `--diff REF` (only
findings on lines or resources changed since a git ref), through the real CLI; the diff
tests build a real git repository in a temporary directory."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap

import pytest

from iaclint.faces.cli import main
from iaclint.pipeline.gitdiff import parse_diff

SELECT = ("--select", "IAC201,IAC305,IAC002,IAC003")


def notebook(name: str, *lines: str) -> str:
    body = "".join(f"  {line}\n" for line in lines)
    return (f'resource "aws_sagemaker_notebook_instance" "{name}" {{\n'
            f'  name          = "{name}"\n'
            '  role_arn      = "arn:aws:iam::123456789012:role/sm"\n'
            '  instance_type = "ml.t3.medium"\n' + body + "}\n")


OPEN = notebook("open", 'root_access   = "Enabled"')  # IAC201 at its header, IAC305 at line 5
CLOSED = notebook("closed", 'root_access   = "Disabled"', 'direct_internet_access = "Disabled"')


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    return tmp_path


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def scan_json(capsys, *argv):
    code, out, err = run(capsys, "scan", ".", *SELECT, "--format", "json", *argv)
    assert code != 2, err
    data = json.loads(out)
    return code, [(f["policy_id"], f["file"], f["line"]) for f in data["findings"]], data["summary"]


# --- baseline -----------------------------------------------------------------------------------

def test_baseline_create_writes_sorted_fingerprints_without_lines(workdir, capsys):
    (workdir / "main.tf").write_text(OPEN + "\n" + CLOSED)
    code, out, _ = run(capsys, "baseline", "create", ".", *SELECT)
    assert code == 0
    assert out == ("Wrote 2 findings to .iaclint-baseline.json; "
                   "`iaclint scan --baseline .iaclint-baseline.json` now reports only new ones.\n")
    document = json.loads((workdir / ".iaclint-baseline.json").read_text())
    assert document["version"] == 1 and document["tool"] == "iaclint"
    assert [{k: v for k, v in e.items() if k != "fingerprint"} for e in document["findings"]] == [
        {"policy_id": "IAC201", "file": "main.tf", "resource": "aws_sagemaker_notebook_instance.open",
         "attribute": "direct_internet_access"},
        {"policy_id": "IAC305", "file": "main.tf", "resource": "aws_sagemaker_notebook_instance.open",
         "attribute": "root_access"},
    ]
    assert all(len(e["fingerprint"]) == 16 for e in document["findings"])


def test_scan_with_baseline_reports_only_new_findings_and_survives_moved_lines(workdir, capsys):
    (workdir / "main.tf").write_text(OPEN)
    assert run(capsys, "baseline", "create", ".", *SELECT)[0] == 0
    code, rows, summary = scan_json(capsys, "--baseline", ".iaclint-baseline.json")
    assert (code, rows, summary["baselined"], summary["findings"]) == (0, [], 2, 0)

    # Lines move (a comment and a new resource above); the old findings stay baselined.
    (workdir / "main.tf").write_text("# moved down\n\n" + notebook("new") + "\n" + OPEN)
    code, rows, summary = scan_json(capsys, "--baseline", ".iaclint-baseline.json")
    assert code == 1
    assert rows == [("IAC201", "main.tf", 3), ("IAC305", "main.tf", 3)]  # `new`: header findings
    assert summary["baselined"] == 2
    code, out, _ = run(capsys, "scan", ".", *SELECT, "--baseline", ".iaclint-baseline.json")
    assert out.splitlines()[-1].endswith(": 2 findings (2 high), 0 unknown, 2 baselined, 0 passed.")


def test_baseline_output_option_and_config_key(workdir, capsys):
    (workdir / ".git").mkdir()
    (workdir / "main.tf").write_text(OPEN)
    (workdir / ".iaclint.yaml").write_text("baseline: ci/baseline.json\n")
    (workdir / "ci").mkdir()
    code, out, _ = run(capsys, "baseline", "create", *SELECT)  # the configuration names the file
    assert code == 0 and "to ci/baseline.json" in out
    assert scan_json(capsys)[0] == 0  # ... and scans read it
    assert scan_json(capsys, "--no-baseline")[1] == [("IAC201", "main.tf", 1), ("IAC305", "main.tf", 5)]
    code, out, _ = run(capsys, "baseline", "create", *SELECT, "--output", "other.json")
    assert code == 0 and (workdir / "other.json").exists()


def test_suppressed_findings_are_not_baselined(workdir, capsys):
    (workdir / "main.tf").write_text("# iaclint:ignore IAC201 -- sandbox\n" + OPEN)
    run(capsys, "baseline", "create", ".", *SELECT)
    entries = json.loads((workdir / ".iaclint-baseline.json").read_text())["findings"]
    assert [e["policy_id"] for e in entries] == ["IAC305"]


@pytest.mark.parametrize("content,message", [
    (None, "baseline missing.json not found (create it with `iaclint baseline create`)"),
    ("{", "baseline missing.json is not valid JSON: Expecting property name enclosed in double quotes: "
          "line 1 column 2 (char 1)"),
    ('{"findings": []}', "missing.json is not an iaclint baseline (expected `tool: iaclint` and a `findings` list)"),
    ('{"tool": "iaclint", "version": 9, "findings": []}',
     "baseline missing.json has version 9; this iaclint reads version 1 (recreate it with `iaclint baseline create`)"),
    ('{"tool": "iaclint", "version": 1, "findings": [{}]}', "baseline missing.json: findings[0] has no fingerprint"),
])
def test_bad_baseline_is_a_usage_error(workdir, capsys, content, message):
    (workdir / "main.tf").write_text(OPEN)
    if content is not None:
        (workdir / "missing.json").write_text(content)
    code, out, err = run(capsys, "scan", ".", "--baseline", "missing.json")
    assert (code, out, err) == (2, "", f"iaclint: error: {message}\n")


def test_baseline_create_rejects_report_options(workdir, capsys):
    (workdir / "main.tf").write_text(OPEN)
    code, _, err = run(capsys, "baseline", "create", ".", "--format", "json")
    assert code == 2 and "give --output FILE and no --format" in err
    code, _, err = run(capsys, "baseline", "create", ".", "--diff", "HEAD")
    assert code == 2 and "--diff and --baseline do not apply" in err


# --- diff -----------------------------------------------------------------------------------------

def git(cwd, *args):
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    subprocess.run(["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args], cwd=cwd,
                   env=env, check=True, capture_output=True)


@pytest.fixture
def repo(workdir):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    a = notebook("a", 'root_access   = "Disabled"', 'direct_internet_access = "Disabled"')
    b = notebook("b", 'root_access   = "Disabled"')  # IAC201 at its header (line 9)
    c = notebook("c", 'root_access   = "Enabled"')  # IAC201 (line 16) and IAC305 (line 20)
    (workdir / "main.tf").write_text(a + "\n" + b + "\n" + c)
    git(workdir, "init", "-q")
    git(workdir, "add", ".")
    git(workdir, "commit", "-q", "-m", "base")
    git(workdir, "checkout", "-q", "-b", "feature")
    return workdir


def test_diff_reports_changed_lines_and_resources_only(repo, capsys):
    before = (repo / "main.tf").read_text()
    assert scan_json(capsys)[1] == [("IAC201", "main.tf", 9), ("IAC201", "main.tf", 16), ("IAC305", "main.tf", 20)]
    lines = before.splitlines(keepends=True)
    # a: delete `direct_internet_access = "Disabled"` (line 6): a now fails at its header,
    # and the deletion lies inside it. b: untouched. c: unchanged too.
    del lines[5]
    (repo / "main.tf").write_text("".join(lines))
    (repo / "new.tf").write_text(notebook("n", 'root_access   = "Disabled"'))  # untracked: all new
    code, rows, summary = scan_json(capsys, "--diff", "main")
    assert code == 1
    assert rows == [("IAC201", "main.tf", 1), ("IAC201", "new.tf", 1)]
    assert summary["outside_diff"] == 3
    _, out, _ = run(capsys, "scan", ".", *SELECT, "--diff", "main")
    assert out.splitlines()[-1].endswith(": 2 findings (2 high), 0 unknown, 3 outside the diff, 3 passed.")


def test_diff_counts_a_changed_attribute_and_its_resource(repo, capsys):
    text = (repo / "main.tf").read_text()
    text = text.replace('"c"\n  role_arn', '"c"\n  # a comment inside c\n  role_arn')  # a line inside c
    (repo / "main.tf").write_text(text)
    git(repo, "commit", "-q", "-am", "touch c")  # committed changes count as well as uncommitted ones
    assert scan_json(capsys, "--diff", "main")[1] == [("IAC201", "main.tf", 16), ("IAC305", "main.tf", 21)]


def test_diff_is_against_the_merge_base(repo, capsys):
    # A commit on main after the branch point changes b; this branch did not touch it.
    git(repo, "checkout", "-q", "main")
    (repo / "main.tf").write_text((repo / "main.tf").read_text().replace('"b"', '"b2"'))
    git(repo, "commit", "-q", "-am", "on main")
    git(repo, "checkout", "-q", "feature")
    assert scan_json(capsys, "--diff", "main")[1] == []


def test_diff_errors(repo, capsys, tmp_path_factory, monkeypatch):
    code, out, err = run(capsys, "scan", ".", "--diff", "no-such-branch")
    assert (code, out) == (2, "")
    assert err == ("iaclint: error: unknown git ref 'no-such-branch' "
                   "(is it fetched? in CI, fetch the base branch first)\n")
    elsewhere = tmp_path_factory.mktemp("not-a-repo")
    (elsewhere / "main.tf").write_text(OPEN)
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(elsewhere.parent))
    code, out, err = run(capsys, "scan", ".", "--diff", "main")
    assert (code, out) == (2, "")
    assert err == f"iaclint: error: not inside a git repository: {elsewhere} (--diff needs one)\n"


def test_parse_diff_hunks_deletions_and_quoted_names(tmp_path):
    text = textwrap.dedent('''\
        diff --git a/main.tf b/main.tf
        --- a/main.tf
        +++ b/main.tf
        @@ -5 +4,0 @@ resource "x" "y" {
        @@ -13 +12 @@
        @@ -20,0 +21,3 @@
        diff --git "a/caf\\303\\251.tf" "b/caf\\303\\251.tf"
        --- "a/caf\\303\\251.tf"
        +++ "b/caf\\303\\251.tf"
        @@ -1 +1 @@
        diff --git a/gone.tf b/gone.tf
        --- a/gone.tf
        +++ /dev/null
        @@ -1,3 +0,0 @@
        ''')
    files = parse_diff(text, str(tmp_path))
    main_tf = files[os.path.realpath(tmp_path / "main.tf")]
    assert (main_tf.added, main_tf.deleted_after) == ({12, 21, 22, 23}, {4})
    assert main_tf.touches(1, 5) and not main_tf.touches(5, 11) and not main_tf.touches(4, 4)
    assert files[os.path.realpath(tmp_path / "café.tf")].added == {1}
    assert len(files) == 2
