"""Bad input never crashes the scan and never hides the other files (issue: scanner core)."""
from __future__ import annotations

import json
import os

import pytest

from iaclint.api import scan
from iaclint.faces.cli import main

GOOD_TF = ('resource "aws_sagemaker_notebook_instance" "nb" {\n'
           '  name = "nb"\n  role_arn = "arn:aws:iam::1:role/r"\n  instance_type = "ml.t3.medium"\n}\n')


def _good(tmp_path):
    good = tmp_path / "good"
    good.mkdir()
    (good / "main.tf").write_text(GOOD_TF)
    return good


def _ids(result):
    return sorted((f.policy_id, os.path.basename(f.file), f.line) for f in result.findings
                  if f.policy_id in ("IAC001", "IAC201"))


@pytest.mark.parametrize("name,content,line", [
    ("broken.tf", b'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n  acl = \n}\n', 3),
    ("binary.tf", b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00", 1),
    ("latin1.tf", b'# caf\xe9\nresource "aws_s3_bucket" "b" {}\n', 1),
    ("broken.yaml", b"AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A: [\n", 4),
    ("utf16.tf.json", "{\"resource\": {}}".encode("utf-16"), 1),
])
def test_bad_file_is_an_iac001_finding_and_others_are_scanned(tmp_path, monkeypatch, name, content, line):
    monkeypatch.chdir(tmp_path)
    _good(tmp_path)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / name).write_bytes(content)
    result = scan(["bad", "good"], select=["IAC001", "IAC201"])
    found = _ids(result)
    assert ("IAC201", "main.tf", 1) in found, "the good file was still scanned"
    errors = [f for f in result.findings if f.policy_id == "IAC001"]
    assert [(os.path.basename(f.file), f.line) for f in errors] == [(name, line)]
    assert errors[0].message


@pytest.mark.parametrize("name", ["empty.tf", "empty.yaml", "empty.json", "notes.yaml"])
def test_empty_or_unrelated_files_are_quiet(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    (tmp_path / name).write_text("" if name.startswith("empty") else "on: push\njobs: {}\n")
    result = scan(["."])
    assert result.findings == []


def test_kubernetes_and_workflow_yaml_are_skipped(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "deploy.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n")
    (tmp_path / "package.json").write_text('{"name": "x"}')
    result = scan(["."])
    assert result.findings == [] and result.files == 0


def test_a_vocabulary_naming_template_keys_is_not_a_template(tmp_path, monkeypatch):
    """A tokenizer's `vocab.json` trained on AWS documents maps the words
    `AWSTemplateFormatVersion` and `Resources` to token ids: a format version that is a
    number is no template's, so the file is skipped, not an IAC001 "Resources must be a
    mapping". A template whose version is text still has its bad `Resources` reported."""
    monkeypatch.chdir(tmp_path)
    _good(tmp_path)
    (tmp_path / "vocab.json").write_text(
        '{"<s>": 0, "AWS::": 1, "Resources": 2, "sagemaker": 3, "AWSTemplateFormatVersion": 4}')
    (tmp_path / "stack.json").write_text('{"AWSTemplateFormatVersion": "2010-09-09",\n "Resources": []}')
    result = scan(["."], select=["IAC001", "IAC201"])
    assert _ids(result) == [("IAC001", "stack.json", 2), ("IAC201", "main.tf", 1)]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _good(tmp_path)
    secret = tmp_path / "secret.yaml"
    secret.write_text("AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n")
    secret.chmod(0)
    result = scan(["."], select=["IAC001", "IAC201"])
    assert ("IAC001", "secret.yaml", 1) in _ids(result)


def test_cli_exit_code_is_1_for_parse_errors(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "broken.tf").write_text('resource "x" "y" {\n')
    assert main(["scan", ".", "--format", "json", "--fail-on", "critical"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [f["policy_id"] for f in data["findings"]] == ["IAC001"]


def test_duplicate_keys_are_iac004_findings_and_the_file_is_still_judged(tmp_path, monkeypatch):
    """A key written twice is reported where it is repeated; the file is scanned with the
    last value (what CloudFormation deploys), and its suppression comments still count."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text(
        'resource "aws_kms_key" "k" {\n  enable_key_rotation = true\n  enable_key_rotation = false\n}\n')
    (tmp_path / "stack.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  K:\n    Type: AWS::KMS::Key\n"
        "    Properties:\n      EnableKeyRotation: true\n"
        "      # iaclint:ignore IAC106 -- rotation is done by the key's owner\n"
        "      EnableKeyRotation: false\n")
    result = scan(["."], select=("IAC004", "IAC106", "IAC003"))
    assert [(f.policy_id, f.file, f.line, f.suppressed) for f in result.findings] == [
        ("IAC004", "main.tf", 3, False), ("IAC106", "main.tf", 3, False),
        ("IAC004", "stack.yaml", 8, False), ("IAC106", "stack.yaml", 8, True)]
    assert [f.policy_id for f in scan(["."], select=("IAC004", "IAC106"), ignore=("IAC004",)).findings] == [
        "IAC106", "IAC106"]
