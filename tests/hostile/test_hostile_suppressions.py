"""Suppressions count only in comments (`iaclint.frontends.comments`): text that reads like
`# iaclint:ignore` inside a heredoc, a YAML block scalar, a quoted string or a JSON string
is data, and a repository cannot hide a finding in a value. Each attack comes with its
control: the same suppression as a real comment does suppress."""
from __future__ import annotations

import json

import pytest
from harness import assert_inert, iaclint, repository

HCL = '''resource "aws_sagemaker_notebook_instance" "nb" {{
  name          = "nb"
  role_arn      = "arn:aws:iam::123456789012:role/sm"
  instance_type = "ml.t3.medium"
{hide}
}}
'''
HCL_ATTACKS = {
    "heredoc": '  lifecycle_config_name = <<EOT\n# {marker}\nEOT\n  direct_internet_access = "Enabled"',
    "indented-heredoc": '  lifecycle_config_name = <<-EOT\n    // {marker}\n    EOT\n  direct_internet_access = "Enabled"',
    "quoted-string": '  direct_internet_access = lookup({{ x = "# {marker}" }}, "y", "Enabled")',
    "template": '  direct_internet_access = "${{"Enabled"}}" != "" ? "Enabled" : "# {marker}"',
}
HCL_CONTROL = '  # {marker}\n  direct_internet_access = "Enabled"'

YAML = '''AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Notebook:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: arn:aws:iam::123456789012:role/sm
{hide}
'''
YAML_ATTACKS = {
    "block-scalar": '      Tags:\n        - Key: note\n          Value: |\n            # {marker}\n'
                    '      DirectInternetAccess: Enabled',
    "folded-scalar": '      Tags:\n        - Key: note\n          Value: >-\n            # {marker}\n'
                     '      DirectInternetAccess: Enabled',
    "quoted-string": '      DirectInternetAccess: !If [Always, Enabled, "x # {marker}"]',
    "single-quoted": "      Tags: [{{Key: a, Value: ' # {marker}'}}]\n      DirectInternetAccess: Enabled",
}
YAML_CONTROL = '      # {marker}\n      DirectInternetAccess: Enabled'
MARKERS = {"iaclint": "iaclint:ignore IAC201 -- hidden in data", "checkov": "checkov:skip=CKV_AWS_122:hidden in data"}


def findings(tmp_path, name: str, text: str) -> tuple:
    repo = repository(tmp_path / "repo")
    (repo / name).write_text(text)
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    run = iaclint("scan", ".", "--no-cache", "--select", "IAC201,IAC002,IAC003", "--format", "json",
                  "--show-suppressed", cwd=repo, home=home)
    assert_inert(run, code=(0, 1))
    report = json.loads(run.out)
    return run, {(f["policy_id"], f["suppressed"]) for f in report["findings"]}


@pytest.mark.parametrize("marker", sorted(MARKERS))
@pytest.mark.parametrize("attack", sorted(HCL_ATTACKS))
def test_hcl_data_does_not_suppress(tmp_path, attack, marker):
    run, seen = findings(tmp_path, "main.tf", HCL.format(hide=HCL_ATTACKS[attack].format(marker=MARKERS[marker])))
    assert ("IAC201", False) in seen, (attack, seen)
    assert run.code == 1


@pytest.mark.parametrize("marker", sorted(MARKERS))
def test_an_hcl_comment_still_suppresses(tmp_path, marker):
    _, seen = findings(tmp_path, "main.tf", HCL.format(hide=HCL_CONTROL.format(marker=MARKERS[marker])))
    assert ("IAC201", True) in seen and ("IAC201", False) not in seen


@pytest.mark.parametrize("marker", sorted(MARKERS))
@pytest.mark.parametrize("attack", sorted(YAML_ATTACKS))
def test_yaml_data_does_not_suppress(tmp_path, attack, marker):
    text = YAML.format(hide=YAML_ATTACKS[attack].format(marker=MARKERS[marker]))
    if "!If" in text:
        text = text.replace("Resources:", "Conditions:\n  Always: !Equals [a, a]\nResources:")
    _, seen = findings(tmp_path, "stack.yaml", text)
    assert ("IAC201", False) in seen, (attack, seen)


@pytest.mark.parametrize("marker", sorted(MARKERS))
def test_a_yaml_comment_still_suppresses(tmp_path, marker):
    _, seen = findings(tmp_path, "stack.yaml", YAML.format(hide=YAML_CONTROL.format(marker=MARKERS[marker])))
    assert ("IAC201", True) in seen and ("IAC201", False) not in seen


def test_a_comment_after_a_block_scalar_indicator_is_a_comment(tmp_path):
    text = YAML.format(hide="      DirectInternetAccess: Enabled  # " + MARKERS["iaclint"]
                       + "\n      Tags:\n        - Key: a\n          Value: |  # just a comment\n            text")
    _, seen = findings(tmp_path, "stack.yaml", text)
    assert ("IAC201", True) in seen


def test_json_strings_do_not_suppress(tmp_path):
    """JSON has no comments: a template (or .tf.json) whose strings read like suppressions
    suppresses nothing."""
    marker = MARKERS["iaclint"]
    template = ('{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"Nb": {"Type": '
                '"AWS::SageMaker::NotebookInstance", "Properties": {"InstanceType": "ml.t3.medium", '
                f'"RoleArn": "arn:aws:iam::1:role/r", "DirectInternetAccess": "Enabled", "X": "# {marker}"}}}}}}}}\n')
    _, seen = findings(tmp_path, "stack.json", template)
    assert ("IAC201", False) in seen
    tf_json = json.dumps({"resource": {"aws_sagemaker_notebook_instance": {"nb": {
        "name": "nb", "role_arn": "arn:aws:iam::1:role/r", "instance_type": "ml.t3.medium",
        "direct_internet_access": "Enabled", "//": f"# {marker}"}}}}).replace(", ", ",\n")
    _, seen = findings(tmp_path / "j", "main.tf.json", tf_json)
    assert ("IAC201", False) in seen
