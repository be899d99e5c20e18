"""The scan's notes in the machine-readable reports: the SARIF log's tool execution
notifications (`level: note`, with the line as a location when the note is about one)
and the JSON report's `notes`, the same notes as standard error says, from the cache
too (`iaclint.model.notes`, `formatters._common.report_notes`)."""
from __future__ import annotations

import json
import os
import shutil

import jsonschema
import pytest
from conftest import FIXTURES, ROOT
from test_uncreated_notes import CFN_HOW, TF_CHILD_NOTE, TF_ROOT_NOTE

from iaclint.api import scan_reports
from iaclint.faces.cli import main
from iaclint.pipeline.cache import Cache

SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
JSON_SCHEMA = json.loads((ROOT / "docs" / "schema" / "findings.json").read_text())
CFN_NOTE = ("template.yaml:13", "Notebook and SharedPolicy create nothing with this scan's values (Condition IsProd "
                                "is false or Condition IsShared is false): not checked; to check them, set `Stage` "
            + CFN_HOW)


def _at(file: str, line: int, message: str) -> dict:
    """The SARIF notification of a note about `file` at `line`."""
    return {"level": "note", "message": {"text": f"{file}:{line}: {message}"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": file, "uriBaseId": "%SRCROOT%"},
                                                "region": {"startLine": line}}}]}


def _reports(*argv, code: int = 0) -> tuple[dict, dict]:
    """(SARIF log, JSON report) of one `iaclint scan` run in the working directory,
    both valid against their schemas."""
    assert main(["scan", *argv, "-f", "sarif", "-o", "r.sarif", "-f", "json", "-o", "r.json"]) == code
    with open("r.sarif", encoding="utf-8") as sarif, open("r.json", encoding="utf-8") as report:
        log, document = json.load(sarif), json.load(report)
    os.remove("r.sarif")
    os.remove("r.json")
    jsonschema.validate(log, SARIF_SCHEMA)
    jsonschema.Draft202012Validator(JSON_SCHEMA).validate(document)
    return log, document


def _said(capsys) -> list:
    return [line for line in capsys.readouterr().err.splitlines() if line.startswith("iaclint: note: ")]


@pytest.fixture
def copied(tmp_path, monkeypatch):
    """A copy of a fixture directory as the working directory."""
    def copy(name: str):
        shutil.copytree(FIXTURES / "uncreated" / name, tmp_path / name)
        monkeypatch.chdir(tmp_path / name)
        return tmp_path / name
    return copy


def test_terraform_notes_are_sarif_notifications_and_json_notes(copied, capsys):
    copied("terraform")
    log, document = _reports("--no-cache", ".")
    (root_where, root_message), (child_where, child_message) = TF_ROOT_NOTE, TF_CHILD_NOTE
    assert log["runs"][0]["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": [
        _at("main.tf", 24, root_message), _at("notebooks/main.tf", 12, child_message)]}]
    assert root_where == "main.tf:24" and child_where == "notebooks/main.tf:12"
    assert document["notes"] == [{"path": "main.tf", "line": 24, "message": root_message},
                                 {"path": "notebooks/main.tf", "line": 12, "message": child_message}]
    assert _said(capsys) == [f"iaclint: note: {n['message']['text']}"
                             for n in log["runs"][0]["invocations"][0]["toolExecutionNotifications"]]


def test_cloudformation_notes_are_sarif_notifications_and_json_notes(copied, capsys):
    copied("cloudformation")
    log, document = _reports("--no-cache", ".")
    assert log["runs"][0]["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": [
        _at("template.yaml", 13, CFN_NOTE[1])]}]
    assert document["notes"] == [{"path": "template.yaml", "line": 13, "message": CFN_NOTE[1]}]
    assert _said(capsys) == [f"iaclint: note: {CFN_NOTE[0]}: {CFN_NOTE[1]}"]


def test_a_scan_without_notes_writes_none(copied):
    """The value that switches the nested stack's notebook on: no note, no notification,
    no `notes` key."""
    copied("cloudformation-nested")
    log, document = _reports("--no-cache", ".", "--parameter", "Stage=prod", code=1)
    assert log["runs"][0]["invocations"] == [{"executionSuccessful": True}]
    assert "notes" not in document


def test_errors_come_first_and_notes_never_fail_the_run(copied):
    copied("cloudformation")
    log, document = _reports("--no-cache", ".", "missing.yaml", code=2)
    assert log["runs"][0]["invocations"] == [{"executionSuccessful": False, "toolExecutionNotifications": [
        {"level": "error", "message": {"text": "path not found: missing.yaml"}},
        _at("template.yaml", 13, CFN_NOTE[1])]}]
    assert document["errors"] == ["path not found: missing.yaml"] and len(document["notes"]) == 1


def test_a_note_about_a_path_has_no_location_and_its_name_is_not_split(copied, tmp_path):
    """A symlinked directory that leads out of the tree is noted by its path; a name that
    ends like a line (`:7`) stays the whole path, never `evil` at line 7."""
    root = copied("cloudformation")
    (root / ".git").mkdir()
    (tmp_path / "outside").mkdir()
    os.symlink(tmp_path / "outside", root / "evil:7")
    log, document = _reports("--no-cache", ".")
    reason = "symlink to a directory outside the scanned tree: not followed"
    notifications = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notifications == [{"level": "note", "message": {"text": f"evil:7: {reason}"}},
                             _at("template.yaml", 13, CFN_NOTE[1])]
    assert document["notes"] == [{"path": "evil:7", "message": reason},
                                 {"path": "template.yaml", "line": 13, "message": CFN_NOTE[1]}]


def test_ai_resources_no_policy_checks_are_notes_under_strict_only(tmp_path, monkeypatch, capsys):
    """As on standard error: said under --strict, after the notes of what was left out."""
    (tmp_path / "main.tf").write_text('resource "aws_rekognition_collection" "faces" {\n  collection_id = "f"\n}\n'
                                      'resource "aws_rekognition_collection" "more" {\n  collection_id = "m"\n}\n')
    monkeypatch.chdir(tmp_path)
    log, document = _reports("--no-cache", ".")
    assert log["runs"][0]["invocations"] == [{"executionSuccessful": True}] and "notes" not in document
    log, document = _reports("--no-cache", "--strict", ".")
    message = ("aws_rekognition_collection.faces and 1 more: in scope (Rekognition), but no policy checks "
               "aws_rekognition_collection")
    assert log["runs"][0]["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": [
        _at("main.tf", 1, message)]}]
    assert document["notes"] == [{"path": "main.tf", "line": 1, "message": message}]
    assert _said(capsys) == [f"iaclint: note: main.tf:1: {message}"]


FORMATS = [("sarif", False), ("json", False)]


def _texts(scanned) -> list:
    return ["".join(pieces) for pieces in scanned.pieces]


def test_a_warm_scan_writes_the_same_notes(copied, tmp_path):
    """Cold, from the whole-scan entry (another format asked first), from the stored
    report, and after another unit changed (the notes' units from the unit cache): the
    same bytes as a scan without a cache, notes and their lines included."""
    root = copied("terraform")
    (root / "other").mkdir()
    (root / "other" / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n')
    cache = Cache(tmp_path / "cache")
    fresh = _texts(scan_reports(["."], FORMATS))
    assert '"startLine": 24' in fresh[0] and '"line": 24' in fresh[1]
    _texts(scan_reports(["."], [("markdown", False)], cache=cache))  # the whole-scan entry
    from_entry = scan_reports(["."], FORMATS, cache=cache)
    assert from_entry.result is not None and from_entry.result.files == 4
    assert _texts(from_entry) == fresh
    stored = scan_reports(["."], FORMATS, cache=cache)
    assert stored.result is None and _texts(stored) == fresh  # the reports from the cache
    (root / "other" / "main.tf").write_text('resource "aws_s3_bucket" "c" {\n  bucket = "c"\n}\n')
    fresh = _texts(scan_reports(["."], FORMATS))
    changed = scan_reports(["."], FORMATS, cache=cache)
    assert changed.result is not None and _texts(changed) == fresh
    assert json.loads(fresh[1])["notes"][0] == {"path": "main.tf", "line": 24, "message": TF_ROOT_NOTE[1]}


def test_the_command_line_warm_writes_the_cold_reports(copied, tmp_path, capsys):
    copied("terraform")
    runs = []
    for cache in (None, "cache", "cache"):
        argv = ["scan", ".", "-f", "sarif", "-o", "r.sarif", "-f", "json", "-o", "r.json"]
        argv += ["--cache-dir", str(tmp_path / cache)] if cache else ["--no-cache"]
        assert main(argv) == 0
        with open("r.sarif", "rb") as sarif, open("r.json", "rb") as report:
            runs.append((sarif.read(), report.read(), _said(capsys)))
    assert runs[0] == runs[1] == runs[2] and len(runs[0][2]) == 2
