"""Suppressions (DESIGN section 6): inline comments in HCL and YAML, CloudFormation
Metadata (JSON too), Checkov's skip comments, and the findings about suppressions
themselves (IAC002 without a reason, IAC003 matched nothing). Every test asserts the exact
findings: policy, file, line, and whether it is suppressed."""
from __future__ import annotations

import json
import textwrap

import pytest

from iaclint.api import scan
from iaclint.faces.cli import main

# Notebook policies with stable lines: IAC201 points at the header when
# direct_internet_access is unset, IAC305 at `root_access`. IAC002/IAC003 are the
# suppression problems.
SELECT = ("IAC201", "IAC305", "IAC002", "IAC003")
ROLE = 'role_arn      = "arn:aws:iam::123456789012:role/sm"'


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def rows(result, select=None):
    """(policy, file, line, suppressed) of every finding, sorted."""
    return sorted((f.policy_id, f.file, f.line, f.suppressed) for f in result.findings
                  if select is None or f.policy_id in select)


def notebook(name: str, body: str = "", header_comment: str = "") -> str:
    text = f'resource "aws_sagemaker_notebook_instance" "{name}" {{\n'
    text += f'  name          = "{name}"\n  {ROLE}\n  instance_type = "ml.t3.medium"\n'
    text += '  root_access   = "Disabled"\n'
    return header_comment + text + body + "}\n"


# --- Terraform comments -----------------------------------------------------------------

def test_comment_above_the_header_suppresses_the_whole_resource(workdir):
    write(workdir, "main.tf", '''\
        # iaclint:ignore IAC201 -- lab notebook in the sandbox account
        resource "aws_sagemaker_notebook_instance" "lab" {
          name          = "lab"
          role_arn      = "arn:aws:iam::123456789012:role/sm"
          instance_type = "ml.t3.medium"
          root_access   = "Enabled"
        }
        ''')
    result = scan(["."], select=SELECT)
    assert rows(result) == [("IAC201", "main.tf", 2, True), ("IAC305", "main.tf", 6, False)]
    suppressed = next(f for f in result.findings if f.suppressed)
    assert suppressed.suppression_reason == "lab notebook in the sandbox account"


def test_by_name_several_ids_and_slash_comments(workdir):
    write(workdir, "main.tf", '''\
        // iaclint:ignore sagemaker-notebook-direct-internet-access, IAC305 -- throwaway demo
        resource "aws_sagemaker_notebook_instance" "demo" {
          name          = "demo"
          role_arn      = "arn:aws:iam::123456789012:role/sm"
          instance_type = "ml.t3.medium"
          root_access   = "Enabled"
        }
        ''')
    assert rows(scan(["."], select=SELECT)) == [("IAC201", "main.tf", 2, True), ("IAC305", "main.tf", 6, True)]


def test_comment_above_an_attribute_covers_only_that_attribute(workdir):
    write(workdir, "main.tf", '''\
        resource "aws_sagemaker_notebook_instance" "attr" {
          name          = "attr"
          role_arn      = "arn:aws:iam::123456789012:role/sm"
          instance_type = "ml.t3.medium"
          # iaclint:ignore IAC305 -- admins need root for the GPU driver
          root_access   = "Enabled"
          # iaclint:ignore IAC201 -- only on this attribute, and IAC201 points at the header
          name_prefix   = "x"
        }
        ''')
    assert rows(scan(["."], select=SELECT)) == [
        ("IAC003", "main.tf", 7, False),  # the IAC201 comment covers `name_prefix` only
        ("IAC201", "main.tf", 1, False),
        ("IAC305", "main.tf", 6, True),
    ]


def test_comment_above_a_nested_block_covers_the_block(workdir):
    write(workdir, "main.tf", '''\
        resource "aws_sagemaker_notebook_instance" "nested" {
          name          = "nested"
          role_arn      = "arn:aws:iam::123456789012:role/sm"
          root_access   = "Disabled"
          # iaclint:ignore IAC203 -- the image needs IMDSv1 until its next release
          # (a second comment line between the suppression and the block is fine)
          instance_metadata_service_configuration {
            minimum_instance_metadata_service_version = "1"
          }
        }
        ''')
    result = scan(["."], select=SELECT + ("IAC203",))  # IAC203 points inside the IMDS block
    assert rows(result) == [("IAC201", "main.tf", 1, False), ("IAC203", "main.tf", 8, True)]


def test_comment_inside_the_block_elsewhere_covers_the_resource(workdir):
    write(workdir, "main.tf", '''\
        resource "aws_sagemaker_notebook_instance" "inside" {
          # iaclint:ignore IAC201,IAC305 -- sandbox

          name          = "inside"
          role_arn      = "arn:aws:iam::123456789012:role/sm"
          instance_type = "ml.t3.medium"
          root_access   = "Enabled"
        }
        ''')
    assert rows(scan(["."], select=SELECT)) == [("IAC201", "main.tf", 1, True), ("IAC305", "main.tf", 7, True)]


def test_trailing_comment_covers_its_line(workdir):
    write(workdir, "main.tf", '''\
        resource "aws_sagemaker_notebook_instance" "trailing" { # iaclint:ignore IAC201 -- sandbox
          name          = "trailing"
          role_arn      = "arn:aws:iam::123456789012:role/sm"
          instance_type = "ml.t3.medium"
          root_access   = "Enabled" # iaclint:ignore IAC305 -- sandbox
        }
        ''')
    assert rows(scan(["."], select=SELECT)) == [("IAC201", "main.tf", 1, True), ("IAC305", "main.tf", 5, True)]


def test_every_counted_instance_is_covered(workdir):
    write(workdir, "main.tf", '''\
        # iaclint:ignore IAC201 -- a pool of sandbox notebooks
        resource "aws_sagemaker_notebook_instance" "pool" {
          count         = 2
          name          = "pool-${count.index}"
          role_arn      = "arn:aws:iam::123456789012:role/sm"
          root_access   = "Disabled"
        }
        ''')
    result = scan(["."], select=SELECT)
    assert sorted((f.resource, f.line, f.suppressed) for f in result.findings) == [
        ("aws_sagemaker_notebook_instance.pool[0]", 2, True),
        ("aws_sagemaker_notebook_instance.pool[1]", 2, True),
    ]


# --- IAC002 and IAC003 -------------------------------------------------------------------

def test_suppression_without_reason_still_suppresses_and_is_reported(workdir):
    write(workdir, "main.tf", '''\
        # iaclint:ignore IAC201
        resource "aws_sagemaker_notebook_instance" "a" {
          name          = "a"
          role_arn      = "arn:aws:iam::123456789012:role/sm"
          instance_type = "ml.t3.medium"
          root_access   = "Enabled" # iaclint:ignore IAC305 because it is a lab
        }
        ''')
    result = scan(["."], select=SELECT)
    assert rows(result) == [
        ("IAC002", "main.tf", 1, False),
        ("IAC002", "main.tf", 6, False),
        ("IAC201", "main.tf", 2, True),
        ("IAC305", "main.tf", 6, True),
    ]
    problems = [f for f in result.findings if f.policy_id == "IAC002"]
    assert problems[0].column == 1 and problems[0].resource == "aws_sagemaker_notebook_instance.a"
    assert problems[1].column == 29
    assert "write it after `--`: `iaclint:ignore IAC305 -- because it is a lab`" in problems[1].message


def test_unused_suppressions_are_reported(workdir):
    write(workdir, "main.tf", '''\
        # iaclint:ignore IAC305 -- root access was removed since
        resource "aws_sagemaker_notebook_instance" "fixed" {
          name                   = "fixed"
          role_arn               = "arn:aws:iam::123456789012:role/sm"
          instance_type          = "ml.t3.medium"
          root_access            = "Disabled"
          direct_internet_access = "Disabled" # iaclint:ignore IAC999, IAC201 -- typo, and it passes
        }

        # iaclint:ignore IAC201 -- above a variable, not a resource
        variable "x" {}
        ''')
    result = scan(["."], select=SELECT)
    assert rows(result) == [("IAC003", "main.tf", 1, False), ("IAC003", "main.tf", 7, False),
                            ("IAC003", "main.tf", 7, False), ("IAC003", "main.tf", 10, False)]
    messages = [f.message for f in result.findings]
    assert messages == [
        "suppression of IAC305 matches nothing: IAC305 has no finding on that resource",
        "suppression of IAC999 matches nothing: IAC999 is not a policy (see `iaclint rules`)",
        "suppression of IAC201 matches nothing: IAC201 has no finding on that attribute",
        "suppression of IAC201 matches nothing: it is not on or above a resource, or inside one",
    ]


def test_a_suppression_for_a_policy_that_did_not_run_is_not_unused(workdir):
    write(workdir, "main.tf", notebook("n", header_comment="# iaclint:ignore IAC305 -- not run today\n"))
    assert rows(scan(["."], select=("IAC201", "IAC003"))) == [("IAC201", "main.tf", 2, False)]
    assert rows(scan(["."], ignore=("IAC003",), select=SELECT)) == [("IAC201", "main.tf", 2, False)]


def test_suppressing_an_unknown_verdict_counts_as_used(workdir):
    write(workdir, "main.tf", '''\
        variable "internet" {}

        resource "aws_sagemaker_notebook_instance" "u" {
          name                   = "u"
          role_arn               = "arn:aws:iam::123456789012:role/sm"
          root_access            = "Disabled"
          # iaclint:ignore IAC201 -- set per environment, disabled in prod
          direct_internet_access = var.internet
        }
        ''')
    assert rows(scan(["."], select=SELECT)) == []
    strict = scan(["."], select=SELECT, strict=True)
    assert rows(strict) == [("IAC201", "main.tf", 8, True)]
    assert strict.unknowns[0].suppressed


# --- CloudFormation ------------------------------------------------------------------------

CFN_YAML = '''\
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      # iaclint:ignore IAC201 -- lab account
      Lab:
        Type: AWS::SageMaker::NotebookInstance
        Properties:
          InstanceType: ml.t3.medium
          RoleArn: arn:aws:iam::123456789012:role/sm
          # iaclint:ignore sagemaker-notebook-root-access -- GPU driver install
          RootAccess: Enabled
      Other:
        Type: AWS::SageMaker::NotebookInstance
        Properties:
          InstanceType: ml.t3.medium
          RoleArn: arn:aws:iam::123456789012:role/sm
          RootAccess: Enabled
    '''


def test_yaml_comments_above_logical_id_and_property(workdir):
    write(workdir, "stack.yaml", CFN_YAML)
    assert rows(scan(["."], select=SELECT)) == [
        ("IAC201", "stack.yaml", 4, True), ("IAC201", "stack.yaml", 11, False),
        ("IAC305", "stack.yaml", 10, True), ("IAC305", "stack.yaml", 16, False),
    ]


CFN_JSON = '''\
    {
      "Resources": {
        "Lab": {
          "Type": "AWS::SageMaker::NotebookInstance",
          "Metadata": {
            "iaclint": {
              "ignore": [
                {"id": "IAC201", "reason": "lab account without data"},
                {"id": "sagemaker-notebook-root-access"}
              ]
            }
          },
          "Properties": {
            "InstanceType": "ml.t3.medium",
            "RoleArn": "arn:aws:iam::123456789012:role/sm",
            "RootAccess": "Enabled"
          }
        },
        "Closed": {
          "Type": "AWS::SageMaker::NotebookInstance",
          "Metadata": {"iaclint": {"ignore": [{"id": "IAC201", "reason": "it was open once"}]}},
          "Properties": {
            "InstanceType": "ml.t3.medium",
            "RoleArn": "arn:aws:iam::123456789012:role/sm",
            "DirectInternetAccess": "Disabled",
            "RootAccess": "Disabled"
          }
        }
      }
    }
    '''


def test_json_metadata_suppressions(workdir):
    write(workdir, "stack.json", CFN_JSON)
    result = scan(["."], select=SELECT)
    assert rows(result) == [
        ("IAC002", "stack.json", 9, False),  # the entry without a reason (it did suppress IAC305)
        ("IAC003", "stack.json", 21, False),  # Closed passes IAC201: nothing to suppress
        ("IAC201", "stack.json", 3, True),
        ("IAC305", "stack.json", 16, True),
    ]
    assert next(f for f in result.findings if f.policy_id == "IAC201").suppression_reason == \
        "lab account without data"
    unused = next(f for f in result.findings if f.policy_id == "IAC003")
    assert (unused.resource, unused.message) == (
        "Closed", "suppression of IAC201 matches nothing: IAC201 has no finding on that resource")


def test_checkov_skip_comments_and_metadata(workdir):
    write(workdir, "main.tf", '''\
        resource "aws_sagemaker_notebook_instance" "ckv" {
          # checkov:skip=CKV_AWS_122:lab notebook, no data
          # checkov:skip=CKV_AWS_999:a Checkov-only check, not iaclint's business
          name          = "ckv"
          role_arn      = "arn:aws:iam::123456789012:role/sm"
          instance_type = "ml.t3.medium"
          root_access   = "Enabled"
          # checkov:skip=CKV_AWS_307
        }
        ''')
    write(workdir, "stack.yaml", '''\
        Resources:
          Nb:
            Type: AWS::SageMaker::NotebookInstance
            Metadata:
              checkov:
                skip:
                  - id: CKV_AWS_122
                    comment: lab account
            Properties:
              InstanceType: ml.t3.medium
              RoleArn: arn:aws:iam::123456789012:role/sm
              RootAccess: Disabled
        ''')
    result = scan(["."], select=SELECT)
    assert rows(result) == [
        ("IAC002", "main.tf", 8, False),  # it suppressed IAC305 (CKV_AWS_307) without a reason
        ("IAC201", "main.tf", 1, True),
        ("IAC201", "stack.yaml", 2, True),
        ("IAC305", "main.tf", 7, True),
    ]
    reasons = {f.file: f.suppression_reason for f in result.findings if f.policy_id == "IAC201"}
    assert reasons == {"main.tf": "lab notebook, no data", "stack.yaml": "lab account"}


def test_comments_in_an_unsaved_buffer_are_read(workdir):
    write(workdir, "main.tf", notebook("n"))
    buffer = notebook("n", header_comment="# iaclint:ignore IAC201 -- typed in the editor\n").encode()
    result = scan(["main.tf"], select=SELECT, overlay={"main.tf": buffer})
    assert rows(result) == [("IAC201", "main.tf", 2, True)]


def test_a_file_that_does_not_parse_reports_no_unused_suppression(workdir):
    write(workdir, "main.tf", '# iaclint:ignore IAC201 -- x\nresource "aws_sagemaker_notebook_instance" "b" {\n')
    assert rows(scan(["."], select=SELECT + ("IAC001",))) == [("IAC001", "main.tf", 3, False)]


# --- what the reports and the exit code do with them ----------------------------------------

@pytest.fixture
def suppressed_stack(workdir):
    write(workdir, "main.tf", notebook("lab", header_comment="# iaclint:ignore IAC201 -- sandbox\n"))
    return workdir


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_text_hides_suppressed_findings_and_exit_code_ignores_them(suppressed_stack, capsys):
    code, out, _ = run(capsys, "scan", ".", "--select", ",".join(SELECT))
    assert code == 0
    assert out.splitlines()[-1].endswith(
        "0 findings, 0 unknown, 1 suppressed (--show-suppressed shows them), 1 passed.")
    code, out, _ = run(capsys, "scan", ".", "--select", ",".join(SELECT), "--show-suppressed")
    assert code == 0
    assert out.splitlines()[0] == (
        "main.tf:2:1: IAC201 [high] [suppressed: sandbox] SageMaker notebook instance has direct internet "
        "access: `direct_internet_access` is not set, and AWS defaults it to `Enabled` "
        "(aws_sagemaker_notebook_instance.lab)")


def test_json_and_sarif_list_suppressed_findings(suppressed_stack, capsys):
    code, out, _ = run(capsys, "scan", ".", "--select", "IAC201", "--format", "json")
    data = json.loads(out)
    assert data["summary"]["findings"] == 0 and data["summary"]["suppressed"] == 1
    assert [(f["policy_id"], f["line"], f["suppressed"], f["suppression_reason"]) for f in data["findings"]] == [
        ("IAC201", 2, True, "sandbox")]
    code, out, _ = run(capsys, "scan", ".", "--select", "IAC201", "--format", "sarif")
    results = json.loads(out)["runs"][0]["results"]
    assert [r["suppressions"] for r in results] == [[{"kind": "inSource", "justification": "sandbox"}]]


def test_the_quick_fix_placeholder_is_not_a_reason(workdir):
    """The editor's quick fix writes `-- <reason>`; accepted unedited, it must not pass as one."""
    write(workdir, "main.tf", '''\
        # iaclint:ignore IAC201 -- <reason>
        resource "aws_sagemaker_notebook_instance" "a" {
          name          = "a"
          role_arn      = "arn:aws:iam::123456789012:role/sm"
          instance_type = "ml.t3.medium"
          root_access   = "Disabled"
        }
        ''')
    result = scan(["."], select=SELECT)
    assert rows(result) == [("IAC002", "main.tf", 1, False), ("IAC201", "main.tf", 2, True)]
    assert "replace the placeholder <reason>" in result.findings[0].message


# --- the text read again only where a suppression may be ----------------------------------

@pytest.mark.parametrize("jobs", [1, 2])
def test_only_files_with_a_marker_are_read_again_for_suppressions(workdir, monkeypatch, jobs):
    """The process that loads a unit says which of its files hold a suppression marker
    (`suppress.marked`); the suppressions read only those again. Units past the parallel
    threshold so that, with two jobs, the marks come back from worker processes."""
    from iaclint.pipeline import filters, loading

    monkeypatch.setattr(loading, "PARALLEL_MIN_FILES", 2)
    write(workdir, "a/main.tf", "# iaclint:ignore IAC201 -- lab notebook\n" + notebook("lab"))
    write(workdir, "a/other.tf", notebook("other"))
    write(workdir, "b/main.tf", notebook("plain") + "# checkov:skip=CKV_AWS_1:outside any resource\n")
    write(workdir, "b/quiet.tf", notebook("quiet"))
    read = []
    real = filters._read_text
    monkeypatch.setattr(filters, "_read_text", lambda file, options: read.append(file) or real(file, options))
    result = scan(["."], select=SELECT, jobs=jobs)
    assert sorted(read) == ["a/main.tf", "b/main.tf"]
    assert rows(result, ("IAC201",)) == [("IAC201", "a/main.tf", 2, True), ("IAC201", "a/other.tf", 1, False),
                                        ("IAC201", "b/main.tf", 1, False), ("IAC201", "b/quiet.tf", 1, False)]


@pytest.mark.parametrize("data", [b"# iaclint:ignore IAC1", b"\xff\xfe# checkov:skip=X", b"iaclint:\xffignore",
                                  "# iaclint:ignore caf\u00e9".encode(), b"checkov:ski", b"\xe2\x80iaclint:ignore"])
def test_a_marker_in_the_bytes_is_a_marker_in_the_text(data):
    from iaclint.pipeline.suppress import MARKERS, marked

    assert marked(data) == any(m in data.decode("utf-8", "replace") for m in MARKERS)
