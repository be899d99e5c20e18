"""`--format checkov-json`: Checkov's JSON report structure, checked against a schema taken
from real Checkov 3.3.30 output and read back by Checkov's own report classes."""
from __future__ import annotations

import json
import subprocess
import textwrap

import checkov_oracle
import pytest
from conftest import ROOT

from iaclint.api import scan
from iaclint.formatters import get_formatter

# The keys of a record and of a report in `checkov -o json` (3.3.30), captured from a real
# run over fixtures/policies/sagemaker-notebook-root-access; the live test below derives
# them again from Checkov and compares.
RECORD_KEYS = {
    "check_id", "bc_check_id", "check_name", "check_result", "code_block", "file_path", "file_abs_path",
    "repo_file_path", "file_line_range", "resource", "evaluations", "check_class", "fixed_definition",
    "entity_tags", "caller_file_path", "caller_file_line_range", "resource_address", "severity", "bc_category",
    "benchmarks", "description", "short_description", "vulnerability_details", "connected_node", "guideline",
    "details", "check_len", "definition_context_file_path",
}
SUMMARY_KEYS = {"passed", "failed", "skipped", "parsing_errors", "resource_count", "checkov_version"}

NOTEBOOKS = textwrap.dedent("""\
    resource "aws_sagemaker_notebook_instance" "open" {
      name          = "open"
      role_arn      = "arn:aws:iam::123456789012:role/r"
      instance_type = "ml.t3.medium"
      root_access   = "Enabled"
    }

    resource "aws_sagemaker_notebook_instance" "accepted" {
      # checkov:skip=CKV_AWS_122:research sandbox, approved in SEC-42
      name                   = "accepted"
      role_arn               = "arn:aws:iam::123456789012:role/r"
      instance_type          = "ml.t3.medium"
      root_access            = "Disabled"
      subnet_id              = "subnet-1"
      security_groups        = ["sg-1"]
      kms_key_id             = "arn:aws:kms:us-east-1:123456789012:key/k"
      instance_metadata_service_configuration {
        minimum_instance_metadata_service_version = "2"
      }
    }
    """)
TEMPLATE = textwrap.dedent("""\
    Resources:
      Notebook:
        Type: AWS::SageMaker::NotebookInstance
        Properties:
          InstanceType: ml.t3.medium
          RoleArn: arn:aws:iam::123456789012:role/r
          RootAccess: Enabled
    """)


@pytest.fixture
def stack(tmp_path, monkeypatch):
    (tmp_path / "main.tf").write_text(NOTEBOOKS)
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def report(paths=(".",)):
    return json.loads(get_formatter("checkov-json")(scan(list(paths))))


def test_reports_per_framework_with_checkov_keys(stack):
    reports = report()
    assert [r["check_type"] for r in reports] == ["terraform", "cloudformation"]
    for r in reports:
        assert set(r) == {"check_type", "results", "summary", "url"}
        assert set(r["results"]) == {"passed_checks", "failed_checks", "skipped_checks", "parsing_errors"}
        assert set(r["summary"]) == SUMMARY_KEYS
        for record in r["results"]["failed_checks"] + r["results"]["skipped_checks"]:
            assert set(record) == RECORD_KEYS
    terraform, cloudformation = reports
    root = [c for c in terraform["results"]["failed_checks"] if c["check_id"] == "IAC305"]
    assert root == [{**root[0], "check_name": root[0]["check_name"]}]
    record = root[0]
    assert (record["resource"], record["file_path"], record["file_line_range"], record["severity"],
            record["check_result"]) == ("aws_sagemaker_notebook_instance.open", "/main.tf", [5, 5], "HIGH",
                                        {"result": "FAILED", "evaluated_keys": ["root_access"]})
    assert record["file_abs_path"] == str(stack / "main.tf") and record["guideline"].startswith("https://")
    cfn = [c for c in cloudformation["results"]["failed_checks"] if c["check_id"] == "IAC305"]
    assert [c["resource"] for c in cfn] == ["AWS::SageMaker::NotebookInstance.Notebook"]
    assert cfn[0]["check_result"]["evaluated_keys"] == ["RootAccess"]


def test_checkov_skip_comments_become_skipped_checks(stack):
    terraform = report()[0]
    skipped = terraform["results"]["skipped_checks"]
    assert [(c["check_id"], c["resource"], c["check_result"]) for c in skipped] == [
        ("IAC201", "aws_sagemaker_notebook_instance.accepted",
         {"result": "SKIPPED", "evaluated_keys": ["direct_internet_access"],
          "suppress_comment": "research sandbox, approved in SEC-42"})]
    assert terraform["summary"]["skipped"] == 1
    assert not [c for c in terraform["results"]["failed_checks"] if c["check_id"] == "IAC201" and "accepted" in c["resource"]]


def test_nothing_to_list_is_checkovs_bare_summary(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty.tf").write_text('variable "x" {}\n')
    assert report() == {"passed": 0, "failed": 0, "skipped": 0, "parsing_errors": 0, "resource_count": 0,
                        "checkov_version": "3.3.30"}


def test_control_characters_from_the_tree_are_replaced(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = "bad\x1b[31mname\x07.tf"
    (tmp_path / name).write_text('resource "aws_sagemaker_notebook_instance" "n" {\n  root_access = "Enabled"\n}\n')
    text = get_formatter("checkov-json")(scan(["."]))
    assert "\x1b" not in text and "\\u001b" not in text and "\\u0007" not in text
    assert "bad\\\\x1b[31mname\\\\x07.tf" in text  # shown as escapes (formatters._common.inert_result)


def test_cli_writes_it(stack, capsys):
    from iaclint.faces.cli import main

    assert main(["scan", "--format", "checkov-json", "."]) == 1
    assert json.loads(capsys.readouterr().out)[0]["check_type"] == "terraform"


# --- against the real Checkov ---------------------------------------------------------

def test_keys_match_real_checkov_output_and_checkovs_classes_read_it(stack, tmp_path_factory):
    checkov_python = checkov_oracle.require()
    work = tmp_path_factory.mktemp("checkov-json")
    reports, attempts = checkov_oracle.run(checkov_python, [str(ROOT / "fixtures/policies/sagemaker-notebook-root-access")],
                                           work, checks=["CKV_AWS_307"], frameworks=("terraform",))
    assert attempts == []
    theirs = reports[0]
    assert set(theirs) == {"check_type", "results", "summary", "url"} and set(theirs["summary"]) == SUMMARY_KEYS
    their_record = theirs["results"]["failed_checks"][0]
    their_keys = set(their_record) - {"breadcrumbs"}  # Checkov adds breadcrumbs when a value came through a variable
    assert their_keys == RECORD_KEYS
    ours = report()
    for mine in ours[0]["results"]["failed_checks"]:
        for key in RECORD_KEYS:  # the same JSON type, or null
            if mine[key] is not None and their_record.get(key) is not None:
                assert type(mine[key]) is type(their_record[key]), key
    # Checkov's own classes read the records back and write every report from them.
    (work / "ours.json").write_text(json.dumps(ours))
    script = textwrap.dedent("""\
        import json, sys
        from checkov.common.bridgecrew.severities import get_severity
        from checkov.common.output.record import Record
        from checkov.common.output.report import Report
        out = []
        for raw in json.load(open(sys.argv[1])):
            report = Report(raw["check_type"])
            for kind in ("failed_checks", "skipped_checks"):
                for item in raw["results"][kind]:
                    record = Record.from_reduced_json(item)
                    record.severity = get_severity(item["severity"])
                    record.set_guideline(item["guideline"])
                    report.add_record(record)
            for path in raw["results"]["parsing_errors"]:
                report.add_parsing_error(path)
            again = json.loads(report.get_json())
            report.get_junit_xml_string([report.get_test_suite()])
            report.print_console(is_quiet=False, is_compact=True)
            out.append([raw["check_type"], again["summary"]["failed"], again["summary"]["skipped"],
                        sorted({c["check_id"] for c in again["results"]["failed_checks"]}),
                        [c["severity"] for c in again["results"]["failed_checks"]][:1]])
        print(json.dumps(out))
        """)
    (work / "read.py").write_text(script)
    done = subprocess.run([checkov_python, str(work / "read.py"), str(work / "ours.json")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    read = json.loads(done.stdout.strip().splitlines()[-1])
    assert [(r[0], r[1], r[2]) for r in read] == [(o["check_type"], o["summary"]["failed"], o["summary"]["skipped"])
                                                  for o in ours]
    assert "IAC305" in read[0][3]
