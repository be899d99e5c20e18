"""Nested stacks: a child template with a local `TemplateURL` is evaluated with the
parameters its parent passes (issue 12, `iaclint.pipeline.nested_stacks`)."""
from __future__ import annotations

import textwrap

from test_environments import TEMPLATE as CHILD  # the notebook whose access is a parameter

from iaclint.api import scan


def _parent(*stacks) -> str:
    text = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n'
    for name, url, access in stacks:
        text += f"  {name}:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: {url}\n"
        text += f"      Parameters:\n        Access: {access}\n"
    return text


def _scan(tmp_path, parent: str):
    (tmp_path / "stacks").mkdir(exist_ok=True)
    (tmp_path / "stacks/notebook.yaml").write_text(CHILD)
    (tmp_path / "parent.yaml").write_text(textwrap.dedent(parent))
    result = scan([str(tmp_path)], select=["IAC201"], strict=True)
    assert not result.errors
    return [(f.file.rsplit("/", 1)[1], f.resource, f.line, f.verdict, f.environments) for f in result.findings]


def test_a_child_stack_takes_the_parameters_its_parent_passes(tmp_path):
    assert _scan(tmp_path, _parent(("Nb", "./stacks/notebook.yaml", "Enabled"))) == [
        ("notebook.yaml", "Nb", 10, "FAIL", ("stack Nb (parent.yaml)",))]


def test_a_child_called_twice_is_evaluated_for_each_call(tmp_path):
    found = _scan(tmp_path, _parent(("Open", "stacks/notebook.yaml", "Enabled"),
                                    ("Closed", "stacks/notebook.yaml", "Disabled"),
                                    ("Again", "stacks/notebook.yaml", "Enabled")))
    assert found == [("notebook.yaml", "Nb", 10, "FAIL", ("stack Open (parent.yaml)", "stack Again (parent.yaml)"))]


def test_an_unknown_value_or_a_remote_template_leaves_the_child_as_it_is(tmp_path):
    parent = _parent(("Nb", "./stacks/notebook.yaml", "!GetAtt Other.Outputs.Access"),
                     ("Other", "https://example.com/other.yaml", "x"))
    assert _scan(tmp_path, parent) == [("notebook.yaml", "Nb", 10, "UNKNOWN", ("stack Nb (parent.yaml)",))]


def test_a_remote_template_url_is_not_followed(tmp_path):
    assert _scan(tmp_path, _parent(("Nb", "https://example.com/stacks/notebook.yaml", "Enabled"))) == [
        ("notebook.yaml", "Nb", 10, "UNKNOWN", ())]


def test_a_sibling_stacks_output_is_the_value_its_template_computes(tmp_path):
    (tmp_path / "stacks").mkdir()  # `_scan` adds the notebook template
    (tmp_path / "stacks/settings.yaml").write_text(textwrap.dedent("""\
        AWSTemplateFormatVersion: "2010-09-09"
        Parameters:
          Mode: {Type: String, Default: Disabled}
        Resources:
          Topic: {Type: AWS::SNS::Topic}
        Outputs:
          Access: {Value: !Ref Mode}
          TopicArn: {Value: !Ref Topic}
        """))
    parent = _parent(("Nb", "./stacks/notebook.yaml", "!GetAtt Settings.Outputs.Access"),
                     ("Settings", "./stacks/settings.yaml", "x"),
                     ("Other", "./stacks/notebook.yaml", "!GetAtt Settings.Outputs.TopicArn"))
    parent = parent.replace("Access: x", "Mode: Enabled")
    assert _scan(tmp_path, parent) == [("notebook.yaml", "Nb", 10, "FAIL", ("stack Nb (parent.yaml)",)),
                                       ("notebook.yaml", "Nb", 10, "UNKNOWN", ("stack Other (parent.yaml)",))]
