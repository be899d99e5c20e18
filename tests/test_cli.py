"""The command line: output formats, selection, thresholds, exit codes, user policies."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from iaclint.faces.cli import main

NOTEBOOK_TF = textwrap.dedent('''\
    variable "internet" {}

    resource "aws_sagemaker_notebook_instance" "open" {
      name          = "open"
      role_arn      = "arn:aws:iam::123456789012:role/sm"
      instance_type = "ml.t3.medium"
      root_access   = "Disabled"
    }

    resource "aws_sagemaker_notebook_instance" "unknown" {
      name                   = "unknown"
      role_arn               = "arn:aws:iam::123456789012:role/sm"
      instance_type          = "ml.t3.medium"
      direct_internet_access = var.internet
    }
    ''')


@pytest.fixture
def stack(tmp_path, monkeypatch):
    (tmp_path / "main.tf").write_text(NOTEBOOK_TF)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_text_line_format_and_summary(stack, capsys):
    code, out, _ = run(capsys, "scan", ".", "--select", "IAC201")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == ("main.tf:3:1: IAC201 [high] SageMaker notebook instance has direct internet access: "
                        "`direct_internet_access` is not set, and AWS defaults it to `Enabled` "
                        "(aws_sagemaker_notebook_instance.open)")
    assert lines[-1].startswith("Scanned 1 file, 2 resources in ")
    assert lines[-1].endswith(": 1 finding (1 high), 1 unknown (--strict shows them), 0 passed.")


def test_scan_is_the_default_command(stack, capsys):
    code, out, _ = run(capsys, ".", "--select", "sagemaker-notebook-direct-internet-access")
    assert code == 1 and "IAC201" in out


def test_strict_reports_unknown(stack, capsys):
    code, out, _ = run(capsys, "scan", "--strict", "--select", "IAC201", "--format", "json")
    data = json.loads(out)
    assert [(f["resource"], f["verdict"]) for f in data["findings"]] == [
        ("aws_sagemaker_notebook_instance.open", "FAIL"),
        ("aws_sagemaker_notebook_instance.unknown", "UNKNOWN"),
    ]


def test_json_lists_unknowns_with_reason(stack, capsys):
    code, out, _ = run(capsys, "scan", "--select", "IAC201", "--format", "json")
    data = json.loads(out)
    assert data["version"] == "1.0"
    assert data["summary"]["findings"] == 1 and data["summary"]["unknown"] == 1
    finding = data["findings"][0]
    assert (finding["policy_id"], finding["file"], finding["line"], finding["resource"]) == (
        "IAC201", "main.tf", 3, "aws_sagemaker_notebook_instance.open")
    unknown = data["unknowns"][0]
    assert unknown["resource"] == "aws_sagemaker_notebook_instance.unknown"
    assert unknown["line"] == 14 and "var.internet" in unknown["message"]


def test_var_overrides_make_unknown_known(stack, capsys):
    code, out, _ = run(capsys, "scan", "--select", "IAC201", "--format", "json", "--var", "internet=Enabled")
    assert [f["line"] for f in json.loads(out)["findings"]] == [3, 14]


def test_fail_on_threshold(stack, capsys):
    assert run(capsys, "scan", "--select", "IAC201", "--fail-on", "critical")[0] == 0
    assert run(capsys, "scan", "--select", "IAC201", "--fail-on", "high")[0] == 1


def test_ignore_by_name(stack, capsys):
    code, out, _ = run(capsys, "scan", "--ignore", "sagemaker-notebook-direct-internet-access", "--format", "json")
    assert "IAC201" not in {f["policy_id"] for f in json.loads(out)["findings"]}


def test_output_file(stack, capsys):
    code, out, _ = run(capsys, "scan", "--select", "IAC201", "--format", "json", "--output", "r.json")
    assert code == 1 and out == ""
    assert json.loads((stack / "r.json").read_text())["summary"]["findings"] == 1


def test_missing_path_is_a_usage_error(stack, capsys):
    code, _, err = run(capsys, "scan", "nope/")
    assert code == 2 and "path not found: nope/" in err


def test_missing_path_does_not_stop_other_paths(stack, capsys):
    code, out, err = run(capsys, "scan", "nope", "main.tf", "--select", "IAC201")
    assert code == 2 and "main.tf:3:1: IAC201" in out


def test_rules_and_explain(capsys):
    code, out, _ = run(capsys, "rules")
    assert code == 0 and "IAC201" in out and "sagemaker-notebook-direct-internet-access" in out
    code, out, _ = run(capsys, "explain", "IAC201")
    assert code == 0 and "Fix in Terraform" in out and "Fix in CloudFormation" in out
    code, out, _ = run(capsys, "explain", "sagemaker-notebook-direct-internet-access")
    assert code == 0 and out.startswith("IAC201 ")
    assert run(capsys, "explain", "IAC999")[0] == 2



def test_explain_names_the_resource_in_every_dialect(capsys):
    """`explain` says where a policy applies in each dialect, `-` where it has no resource."""
    code, out, _ = run(capsys, "explain", "bedrock-prompt-no-cmk")
    assert code == 0
    assert "Terraform (aws): aws_bedrockagent_prompt\n" in out
    assert "Terraform (awscc): awscc_bedrock_prompt\n" in out
    assert "CloudFormation: AWS::Bedrock::Prompt\n" in out
    code, out, _ = run(capsys, "explain", "bedrock-api-key-long-term")
    assert "Terraform (awscc): -\n" in out and "CloudFormation: -\n" in out


def test_rules_json(capsys):
    code, out, _ = run(capsys, "rules", "--format", "json")
    ids = [p["id"] for p in json.loads(out)]
    assert ids == sorted(ids) and "IAC001" in ids


def test_user_policy_dir(stack, tmp_path, capsys):
    policies = tmp_path / "my"
    policies.mkdir()
    (policies / "p.yaml").write_text(textwrap.dedent('''\
        metadata:
          id: IAC901
          name: approved-instance-family
          severity: low
          message: Notebook uses an unapproved instance type
        definition:
          cond_type: attribute
          resource_types: [aws_sagemaker_notebook_instance]
          attribute: instance_type
          operator: regex_match
          value: '^ml\\.m5\\.'
        '''))
    code, out, _ = run(capsys, "scan", ".", "--policy-dir", str(policies), "--select", "IAC901")
    assert code == 1
    assert [line.split(": ")[0] for line in out.splitlines() if "IAC901" in line] == ["main.tf:6:3", "main.tf:13:3"]


@pytest.mark.parametrize("content,reason", [
    ("metadata: {id: IAC901}\n", "definition"),
    ("metadata: {id: IAC901}\ndefinition: {cond_type: attribute, resource_types: [x], attribute: a, operator: bogus}\n",
     "definition"),
    ("metadata: [\n", "invalid YAML"),
])
def test_malformed_user_policy_exits_2_naming_the_file(stack, tmp_path, capsys, content, reason):
    policies = tmp_path / "bad"
    policies.mkdir()
    (policies / "broken.yaml").write_text(content)
    code, out, err = run(capsys, "scan", ".", "--policy-dir", str(policies))
    assert code == 2
    assert "broken.yaml" in err and reason in err


def test_malformed_python_policy(stack, tmp_path, capsys):
    policies = tmp_path / "bad"
    policies.mkdir()
    (policies / "broken.py").write_text("raise RuntimeError('boom')\n")
    code, _, err = run(capsys, "scan", ".", "--policy-dir", str(policies))
    assert code == 2 and "broken.py" in err and "boom" in err


def test_version_imports_nothing_heavy():
    code = ("import sys, iaclint.faces.cli as c\n"
            "try:\n    c.main(['--version'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('cfnlint', 'checkov', 'pygls', 'jsonschema', 'tree_sitter', 'yaml') if m in sys.modules]\n"
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("[]")


def test_python_dash_m(stack):
    proc = subprocess.run([sys.executable, "-m", "iaclint", "scan", ".", "--select", "IAC201"],
                          capture_output=True, text=True)
    assert proc.returncode == 1 and "main.tf:3:1: IAC201" in proc.stdout


def test_the_command_ends_at_once_with_its_output_whole(stack, capsys):
    """`console` (the `iaclint` script, `python -m iaclint`) ends the process with `os._exit`
    once `main()` returned: no atexit handler runs, yet the report and the notes on
    standard error are whole and the exit code is `main()`'s."""
    code = ("import atexit, sys\n"
            "atexit.register(lambda: print('ATEXIT RAN', file=sys.stderr))\n"
            "from iaclint.faces.cli import console\n"
            "sys.argv = ['iaclint', 'scan', '.', '--format', 'json', '--strict', '--select', 'IAC201']\n"
            "sys.exit(console())\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True)
    assert b"ATEXIT RAN" not in proc.stderr
    assert main(["scan", ".", "--format", "json", "--strict", "--select", "IAC201"]) == proc.returncode == 1
    out = capsys.readouterr()
    assert proc.stdout.decode() == out.out and json.loads(out.out)["findings"]
    assert proc.stderr.decode() == out.err


def test_only_the_command_keeps_a_scans_resources(stack, monkeypatch):
    """A library scan (or the editor server's) keeps nothing once it is done; the command
    line's process, which ends without freeing (`console`), keeps each scan's resources."""
    from iaclint import api
    from iaclint.pipeline import scan

    assert scan.UNTIL_EXIT is None
    api.scan(["."])
    assert scan.UNTIL_EXIT is None
    monkeypatch.setattr(scan, "UNTIL_EXIT", [])
    api.scan(["."], cache=None)
    assert [[r.address for r in kept] for kept in scan.UNTIL_EXIT] == [[
        "aws_sagemaker_notebook_instance.open", "aws_sagemaker_notebook_instance.unknown"]]
