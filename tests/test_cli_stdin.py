"""`iaclint scan --stdin --stdin-filename PATH` (editors that lint a buffer through a
command) and `--whole-module` (the per-directory pre-commit hook), run as real processes."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

OPEN_NOTEBOOK = textwrap.dedent('''\
    resource "aws_sagemaker_notebook_instance" "nb" {
      name                   = "nb"
      role_arn               = "arn:aws:iam::123456789012:role/sm"
      instance_type          = "ml.t3.medium"
      direct_internet_access = var.internet
    }
    ''')
CLOSED_NOTEBOOK = OPEN_NOTEBOOK.replace("var.internet", '"Disabled"')
VARIABLES = 'variable "internet" {\n  default = "Enabled"\n}\n'
OTHER = 'resource "aws_sagemaker_notebook_instance" "other" {\n  name = "other"\n}\n'

TEMPLATE_YAML = textwrap.dedent('''\
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      Notebook:
        Type: AWS::SageMaker::NotebookInstance
        Properties:
          InstanceType: ml.t3.medium
          RoleArn: arn:aws:iam::123456789012:role/sm
          DirectInternetAccess: Enabled
    ''')


def iaclint(*args, stdin: bytes | str | None = None, cwd=None):
    data = stdin.encode() if isinstance(stdin, str) else stdin
    proc = subprocess.run([sys.executable, "-m", "iaclint", *args], input=data, capture_output=True, cwd=cwd,
                          timeout=60)
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def findings(out: str) -> list[tuple]:
    return [(f["policy_id"], f["file"], f["line"], f["resource"]) for f in json.loads(out)["findings"]]


@pytest.fixture
def module(tmp_path):
    (tmp_path / "main.tf").write_text(CLOSED_NOTEBOOK)
    (tmp_path / "variables.tf").write_text(VARIABLES)
    (tmp_path / "other.tf").write_text(OTHER)
    return tmp_path


def test_stdin_replaces_the_file_and_uses_the_module_from_disk(module):
    # On disk main.tf is clean; the buffer reads the variable whose default (in
    # variables.tf, on disk) enables internet access.
    code, out, err = iaclint("scan", "--stdin", "--stdin-filename", "main.tf", "--select", "IAC201", "-f", "json",
                             stdin=OPEN_NOTEBOOK, cwd=module)
    assert code == 1, err
    # Only the buffer's findings: other.tf (also flagged by IAC201) is evaluated, not reported.
    assert findings(out) == [("IAC201", "main.tf", 5, "aws_sagemaker_notebook_instance.nb")]
    assert (module / "main.tf").read_text() == CLOSED_NOTEBOOK  # the disk is never written


def test_stdin_clean_buffer_passes_even_if_the_disk_file_fails(module):
    (module / "main.tf").write_text(OPEN_NOTEBOOK)
    code, out, _ = iaclint("scan", "--stdin", "--stdin-filename", "main.tf", "--select", "IAC201",
                           stdin=CLOSED_NOTEBOOK, cwd=module)
    assert code == 0
    assert out.startswith("Scanned 1 file, 1 resource")


def test_stdin_file_that_is_not_on_disk_yet(module):
    code, out, _ = iaclint("scan", "--stdin", "--stdin-filename", "new.tf", "--select", "IAC201", "-f", "json",
                           stdin=OPEN_NOTEBOOK, cwd=module)
    assert code == 1
    assert findings(out) == [("IAC201", "new.tf", 5, "aws_sagemaker_notebook_instance.nb")]


def test_stdin_absolute_path_in_another_directory(module, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    code, out, _ = iaclint("scan", "--stdin", "--stdin-filename", str(module / "main.tf"), "--select", "IAC201",
                           "-f", "json", stdin=OPEN_NOTEBOOK, cwd=elsewhere)
    assert code == 1
    assert [(pid, line) for pid, _, line, _ in findings(out)] == [("IAC201", 5)]


@pytest.mark.parametrize("name", ["stack.yaml", "stack.template.json"])
def test_stdin_cloudformation(tmp_path, name):
    import yaml

    text = TEMPLATE_YAML if name.endswith(".yaml") else json.dumps(yaml.safe_load(TEMPLATE_YAML), indent=2)
    code, out, _ = iaclint("scan", "--stdin", "--stdin-filename", f"templates/{name}", "--select", "IAC201",
                           "-f", "json", stdin=text, cwd=tmp_path)
    assert code == 1
    [(pid, file, line, resource)] = findings(out)
    assert (pid, file, resource) == ("IAC201", f"templates/{name}", "Notebook")
    assert line == (8 if name.endswith(".yaml") else text.splitlines().index(
        next(l for l in text.splitlines() if "DirectInternetAccess" in l)) + 1)


def test_stdin_parse_error_is_a_finding(tmp_path):
    code, out, _ = iaclint("scan", "--stdin", "--stdin-filename", "main.tf", "--select", "IAC001",
                           stdin='resource "x" "y" {\n  a = \n', cwd=tmp_path)
    assert code == 1 and out.startswith("main.tf:") and "IAC001" in out


def test_stdin_non_template_yaml_is_skipped(tmp_path):
    code, out, _ = iaclint("scan", "--stdin", "--stdin-filename", ".github/workflows/ci.yml",
                           stdin="on: push\njobs: {}\n", cwd=tmp_path)
    assert code == 0 and "0 findings" in out


@pytest.mark.parametrize("args,message", [
    (["--stdin"], "--stdin needs --stdin-filename"),
    (["--stdin-filename", "main.tf"], "--stdin-filename needs --stdin"),
    (["other.tf", "--stdin", "--stdin-filename", "main.tf"], "name no other paths"),
])
def test_stdin_usage_errors(tmp_path, args, message):
    code, _, err = iaclint("scan", *args, stdin="", cwd=tmp_path)
    assert code == 2 and message in err


def test_whole_module_reports_every_file_of_the_directory(module):
    (module / "main.tf").write_text(OPEN_NOTEBOOK)
    (module / "sub").mkdir()
    (module / "sub" / "nested.tf").write_text(OTHER)  # another module: not reported
    (module / "terraform.tfvars").write_text("internet = = =\n")
    per_file = iaclint("scan", "main.tf", "--select", "IAC001,IAC201", "-f", "json", cwd=module)
    assert findings(per_file[1]) == [("IAC201", "main.tf", 5, "aws_sagemaker_notebook_instance.nb")]
    code, out, _ = iaclint("scan", "--whole-module", "variables.tf", "--select", "IAC001,IAC201", "-f", "json",
                           cwd=module)
    assert code == 1
    assert sorted((pid, file) for pid, file, _, _ in findings(out)) == [
        ("IAC001", "terraform.tfvars"), ("IAC201", "main.tf"), ("IAC201", "other.tf")]


def test_whole_module_keeps_templates_single(tmp_path):
    (tmp_path / "a.yaml").write_text(TEMPLATE_YAML)
    (tmp_path / "b.yaml").write_text(TEMPLATE_YAML)
    code, out, _ = iaclint("scan", "--whole-module", "a.yaml", "--select", "IAC201", "-f", "json", cwd=tmp_path)
    assert code == 1 and [file for _, file, _, _ in findings(out)] == ["a.yaml"]


def test_tfvars_parse_error_reported_when_the_tfvars_file_is_named(module):
    (module / "terraform.tfvars").write_text("internet = = =\n")
    code, out, _ = iaclint("scan", "terraform.tfvars", "--select", "IAC001", cwd=module)
    assert code == 1 and out.startswith("terraform.tfvars:1:")
