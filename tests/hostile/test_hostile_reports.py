"""Reports are inert (`iaclint.gate.text`, `formatters._common.inert_result`): file names,
module sources, values and logical IDs from the tree cannot print GitHub workflow
commands or terminal escapes, break the Markdown table, or crash a format."""
from __future__ import annotations

import json
import os
import re

import pytest
from harness import assert_inert, iaclint, repository

from iaclint.formatters import FORMATS, INVENTORY_FORMATS  # noqa: E402 - every format, new ones too
NOTEBOOK = ('resource "aws_sagemaker_notebook_instance" "nb" {{\n  name = "nb"\n'
            '  role_arn = "arn:aws:iam::123456789012:role/sm"\n  instance_type = "ml.t3.medium"\n'
            '  direct_internet_access = "Enabled"\n}}\n{extra}')
TEMPLATE = ('AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  {id}:\n'
            '    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n      InstanceType: ml.t3.medium\n'
            '      RoleArn: arn:aws:iam::123456789012:role/sm\n      DirectInternetAccess: Enabled\n')
HOSTILE_NAMES = ["x\n::error file=a.tf::forged.tf", "::stop-commands::pwned.tf", "esc\x1b]0;owned\x07.tf",
                 "bidi\u202eft.tf", "##[error]forged.tf"]


@pytest.fixture
def world(tmp_path):
    repo = repository(tmp_path / "repo")
    directory = repo / "files"
    directory.mkdir()
    for i, name in enumerate(HOSTILE_NAMES):
        sub = directory / f"d{i}"
        sub.mkdir()
        (sub / name).write_text(NOTEBOOK.format(extra=""))
    latin1 = os.fsencode(str(directory / "d9")) + b"/caf\xe9.tf"
    os.mkdir(os.path.dirname(latin1))
    with open(latin1, "wb") as handle:
        handle.write(NOTEBOOK.format(extra="").encode())
    (repo / "mod").mkdir()
    (repo / "mod" / "main.tf").write_text('module "m" {\n  source = "evil\\n::error::from-a-module-source"\n}\n'
                                          'module "n" {\n  source = "evil\\u001b[2J"\n}\n')
    (repo / "stack.yaml").write_text(TEMPLATE.format(id='"Pwn|<img src=x onerror=alert(1)>\\n::error::id"'))
    (repo / "stack2.yaml").write_text(TEMPLATE.format(id='"Nb\\e]0;title\\a`code`|"'))
    home = tmp_path / "home"
    home.mkdir()
    return repo, home


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_is_inert_on_stdout_and_in_a_file(world, fmt):
    repo, home = world
    run = iaclint("scan", ".", "--no-cache", "--format", fmt, cwd=repo, home=home)
    assert_inert(run, code=1, github=fmt == "github")
    to_file = iaclint("scan", ".", "--no-cache", "--format", fmt, "--output", "report.out", cwd=repo, home=home)
    assert_inert(to_file, code=1, files=[repo / "report.out"], github=fmt == "github")
    timing = re.compile(r" in \d+\.\d\ds:|\d{4}-\d\d-\d\dT[0-9:]+")
    assert timing.sub("", (repo / "report.out").read_text()) == timing.sub("", run.out)
    lines = run.out.splitlines()
    if fmt == "github":
        assert all(re.match(r"::(error|warning|notice) file=", line) for line in lines if line.startswith("::"))
        assert sum(line.startswith("::") for line in lines) >= 8
    if fmt in ("json", "sarif", "gitlab", "checkov-json"):
        json.loads(run.out)
    if fmt == "sarif":
        import jsonschema
        from conftest import ROOT

        jsonschema.validate(json.loads(run.out), json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json")
                                                            .read_text()))
    if fmt == "markdown":
        rows = [line for line in lines if line.startswith("| ") and "|" in line[1:]]
        table = [r for r in rows if r.count(" | ") >= 3]
        assert all(len(re.findall(r"(?<!\\)\|", r)) == 6 for r in table[2:]), table
        assert "<img" not in re.sub(r"`[^`]*`", "", run.out)  # HTML only as text: escaped, or in a code span
    if fmt == "text":
        assert "caf\\xe9.tf" in run.out  # an undecodable name, shown by its bytes


def test_notes_and_errors_are_inert(world):
    repo, home = world
    run = iaclint("scan", ".", "--no-cache", "--format", "json", cwd=repo, home=home)
    assert_inert(run, code=1)
    assert "evil\\n::error::from-a-module-source" in run.err and "evil\\x1b[2J" in run.err
    missing = iaclint("scan", "no\n::error::such-path", "--no-cache", cwd=repo, home=home)
    assert_inert(missing, code=2)
    assert "path not found: no\\n::error::such-path" in missing.err


@pytest.mark.parametrize("fmt", INVENTORY_FORMATS)
def test_every_inventory_format_is_inert(world, fmt):
    repo, home = world
    run = iaclint("inventory", ".", "--no-cache", "--format", fmt, cwd=repo, home=home)
    assert_inert(run, code=(0, 1))
    if fmt == "html":
        assert "<img" not in run.out.split("<script", 1)[0]


def _switched_off(tmp_path):
    """(repository, home) whose notes on switched-off resources name a condition, a
    logical ID, a resource label and an environment's file name from the tree, each with a
    newline and a CI log command or a terminal escape in it."""
    repo = repository(tmp_path / "repo")
    (repo / "stack.yaml").write_text(
        'Parameters:\n  Stage:\n    Type: String\n    Default: dev\n'
        'Conditions:\n  "Is\\n::error::condition": !Equals [!Ref Stage, prod]\n'
        'Resources:\n  "Nb\\n::error::id\\e[2J":\n    Type: AWS::SageMaker::NotebookInstance\n'
        '    Condition: "Is\\n::error::condition"\n'
        '    Properties:\n      InstanceType: ml.t3.medium\n      RoleArn: arn:aws:iam::123456789012:role/r\n')
    (repo / "tf").mkdir()
    (repo / "tf" / "main.tf").write_text(
        'variable "on" {\n  default = false\n}\n'
        'resource "aws_sagemaker_domain" "d\\n::error::label" {\n  count = var.on ? 1 : 0\n  domain_name = "d"\n}\n')
    (repo / "tf" / "env").mkdir()
    (repo / "tf" / "env" / "dev\n::error::env.tfvars").write_text("on = false\n")
    home = tmp_path / "home"
    home.mkdir()
    return repo, home


def test_notes_on_switched_off_resources_are_inert(tmp_path):
    repo, home = _switched_off(tmp_path)
    run = iaclint("scan", ".", "--no-cache", cwd=repo, home=home)
    assert_inert(run, code=0)
    notes = [line for line in run.err.splitlines() if "creates nothing" in line]
    assert len(notes) == 2, run.err
    assert "Is\\n::error::condition is false" in run.err and "\\n::error::env" in run.err


def test_notes_in_the_sarif_and_json_reports_are_inert(tmp_path):
    """The reports carry the notes standard error says, made inert the same way: the
    decoded texts hold no control character, only its escape."""
    repo, home = _switched_off(tmp_path)
    run = iaclint("scan", ".", "--no-cache", "-f", "sarif", "-o", "r.sarif", "-f", "json", "-o", "r.json",
                  cwd=repo, home=home)
    assert_inert(run, code=0, files=[repo / "r.sarif", repo / "r.json"])
    said = [line.removeprefix("iaclint: note: ") for line in run.err.splitlines() if "creates nothing" in line]
    log = json.loads((repo / "r.sarif").read_text())
    texts = [n["message"]["text"] for n in log["runs"][0]["invocations"][0]["toolExecutionNotifications"]]
    notes = json.loads((repo / "r.json").read_text())["notes"]
    assert texts == said and len(texts) == 2
    assert [f"{n['path']}:{n['line']}: {n['message']}" for n in notes] == said
    assert all(text.isprintable() for text in texts + [n["message"] for n in notes])
    assert "Is\\n::error::condition is false" in texts[0] + texts[1] and "\\n::error::env" in texts[0] + texts[1]
