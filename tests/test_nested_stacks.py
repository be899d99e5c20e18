"""Nested CloudFormation stacks with a local `TemplateURL` (fixtures/nested-stacks): each
child is evaluated with the parameters its parent passes, the parent reads the child's
outputs, the stand-alone results of the children are dropped, and a hostile tree cannot
make a parent read outside the tree, nest itself or nest without end. The one
implementation is `iaclint.frontends.cloudformation.nested`."""
from __future__ import annotations

import os
import shutil

import pytest
from conftest import FIXTURES

from iaclint.api import scan
from iaclint.frontends.cloudformation.nested import MAX_DEPTH, MAX_STACKS, local_template
from iaclint.frontends.cloudformation.template import load_template
from iaclint.gate.reads import Tree
from iaclint.model.unknown import Unknown

NESTED = FIXTURES / "nested-stacks"


def found(result):
    return sorted((f.policy_id, os.path.relpath(f.file, NESTED), f.line, f.resource, f.verdict)
                  for f in result.findings)


def test_children_are_evaluated_with_what_the_parent_passes():
    result = scan([str(NESTED)], strict=True)
    assert found(result) == [
        ("IAC201", "notebooks.yaml", 14, "Notebooks.Notebook", "FAIL"),  # InternetAccess: the parent's Enabled
        ("IAC202", "notebooks.yaml", 9, "Notebooks.Notebook", "FAIL"),
        ("IAC203", "notebooks.yaml", 9, "Notebooks.Notebook", "FAIL"),
        ("IAC211", "search/collection.yaml", 28, "Search.Network", "FAIL"),
        ("IAC602", "notebooks.yaml", 13, "Notebooks.Notebook", "UNKNOWN"),
    ]
    iac201 = next(f for f in result.findings if f.policy_id == "IAC201")
    assert "parameter InternetAccess = Enabled (set by stack Notebooks in parent.yaml)" in iac201.message
    assert result.files == 3


def test_a_child_scanned_alone_does_not_know_its_parameters():
    result = scan([str(NESTED / "notebooks.yaml")], strict=True, select=["IAC201"])
    assert [(f.policy_id, f.line, f.resource, f.verdict) for f in result.findings] == [
        ("IAC201", 14, "Notebook", "UNKNOWN")]
    assert "parameter InternetAccess has no default" in result.findings[0].message


def test_a_parent_named_alone_reports_its_children():
    result = scan([str(NESTED / "parent.yaml")], select=["IAC201", "IAC211"])
    assert found(result) == [("IAC201", "notebooks.yaml", 14, "Notebooks.Notebook", "FAIL"),
                             ("IAC211", "search/collection.yaml", 28, "Search.Network", "FAIL")]


def test_outputs_flow_to_the_parent_and_keep_their_references():
    parent = NESTED / "parent.yaml"
    result = load_template(str(parent), parent.read_bytes(), tree=Tree.of([str(NESTED)]))
    by_address = {r.address: r for r in result.resources}
    assert sorted(by_address) == ["Archive", "Notebooks", "Notebooks.Notebook", "Search", "Search.Collection",
                                  "Search.Key", "Search.Network"]
    key = by_address["Notebooks.Notebook"].attributes["KmsKeyId"]  # !Ref KmsKeyArn <- !GetAtt Search.Outputs.KeyArn
    assert isinstance(key, Unknown) and key.refs == ("Search.Key",)
    # ... and the notebook refers to that key at KmsKeyId, as if its template named it
    # (the inventory's encrypts-with edge, the policies that follow references).
    assert [(r.path, r.target) for r in by_address["Notebooks.Notebook"].references] == [
        (("KmsKeyId",), "Search.Key")]
    assert by_address["Search.Collection"].unit == str(parent)
    assert {r.file for r in result.resources} == {str(parent), str(NESTED / "notebooks.yaml"),
                                                  str(NESTED / "search" / "collection.yaml")}
    assert sorted(os.path.relpath(f, NESTED) for f in result.nested) == ["notebooks.yaml", "search/collection.yaml"]


def test_the_same_unknown_on_both_sides_of_a_stack_boundary():
    """CollectionName has no default in the parent: passed down, it is one value, so the
    public network policy covers exactly the collection named by it."""
    result = scan([str(NESTED)], select=["IAC211"])
    assert [f.message for f in result.findings] == [
        "OpenSearch Serverless network policy makes vector collection `Search.Collection` reachable from the "
        "internet: `AllowFromPublic` is true in `Policy`"]


_ROLE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  ExecRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: sagemaker.amazonaws.com}, Action: sts:AssumeRole}]
      Policies:
        - PolicyName: all
          PolicyDocument:
            Statement: [{Effect: Allow, Action: "s3:GetObject", Resource: "*"}]
"""
_DOMAIN = """\
  Domain:
    Type: AWS::SageMaker::Domain
    Properties:
      DomainName: d
      AuthMode: SSO
      AppNetworkAccessType: VpcOnly
      VpcId: vpc-1
      SubnetIds: [subnet-1]
      DefaultUserSettings:
        ExecutionRole: %s
"""


def test_a_resource_of_a_sibling_stack_passed_through_outputs_is_found_as_in_one_template(tmp_path):
    """A role made by one nested stack and passed to another through the parent (a
    common layout: an IAM stack, then a Studio stack): the policies that follow the
    reference find the role as they do when both are in one template (it was UNKNOWN:
    the role "cannot be known statically")."""
    (tmp_path / "flat").mkdir()
    (tmp_path / "flat" / "one.yaml").write_text(_ROLE + _DOMAIN % "!GetAtt ExecRole.Arn")
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "iam.yaml").write_text(_ROLE + "Outputs:\n  RoleArn: {Value: !GetAtt ExecRole.Arn}\n")
    (tmp_path / "nested" / "studio.yaml").write_text(
        'AWSTemplateFormatVersion: "2010-09-09"\nParameters:\n  RoleArn: {Type: String}\nResources:\n'
        + _DOMAIN % "!Ref RoleArn")
    (tmp_path / "nested" / "parent.yaml").write_text("""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Iam:
    Type: AWS::CloudFormation::Stack
    Properties: {TemplateURL: iam.yaml}
  Studio:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: studio.yaml
      Parameters: {RoleArn: !GetAtt Iam.Outputs.RoleArn}
""")
    flat = scan([str(tmp_path / "flat")], strict=True, select=["IAC602"])
    nested = scan([str(tmp_path / "nested")], strict=True, select=["IAC602"])
    assert [(f.resource, f.verdict) for f in flat.findings] == [("Domain", "FAIL")]
    assert [(f.resource, f.verdict, os.path.basename(f.file)) for f in nested.findings] == [
        ("Studio.Domain", "FAIL", "studio.yaml")]
    assert nested.findings[0].message.split(" runs as ")[1] == flat.findings[0].message.split(" runs as ")[1].replace(
        "`ExecRole`", "`Iam.ExecRole`")


@pytest.mark.parametrize("url, expected", [
    ("child.yaml", "dir/child.yaml"), ("./a/../child.yaml", "dir/child.yaml"), ("../up.yaml", "up.yaml"),
    ("https://s3.amazonaws.com/b/child.yaml", None), ("s3://bucket/child.yaml", None), ("/etc/passwd", None),
    ("", None), (None, None), ({"Fn::Sub": "x"}, None),
])
def test_which_template_urls_are_local(url, expected):
    assert local_template(url, "dir/parent.yaml") == (os.path.normpath(expected) if expected else None)


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def stack(logical_id, url, extra=""):
    return f"  {logical_id}:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: {url}\n{extra}"


NOTEBOOK = ("  Notebook:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n"
            "      InstanceType: ml.t3.medium\n      RoleArn: arn:aws:iam::123456789012:role/x\n"
            "      DirectInternetAccess: !Ref Access\n")


def test_a_template_outside_the_tree_is_never_read(tmp_path):
    outside = tmp_path / "outside"
    write(outside / "secret.yaml", "Parameters:\n  Access: {Type: String}\nResources:\n" + NOTEBOOK)
    repo = tmp_path / "repo"
    write(repo / "parent.yaml", "Resources:\n" + stack("Escape", "../outside/secret.yaml", "      Parameters:\n"
                                                        "        Access: Enabled\n")
          + stack("Linked", "link.yaml", "      Parameters:\n        Access: Enabled\n"))
    os.symlink(outside / "secret.yaml", repo / "link.yaml")
    result = scan([str(repo)], strict=True)
    assert not any("outside" in f.file or "Notebook" in f.resource for f in result.findings)
    assert {r for f in result.findings for r in [f.resource]} <= {"Escape", "Linked"}


def test_a_template_that_nests_itself_is_said_and_not_followed(tmp_path):
    write(tmp_path / "loop.yaml", "Resources:\n" + stack("Self", "loop.yaml") + stack("Back", "other.yaml"))
    write(tmp_path / "other.yaml", "Resources:\n" + stack("Again", "loop.yaml"))
    result = scan([str(tmp_path / "loop.yaml")])
    assert [r for _, r in result.skipped] == [
        "nested stack Self includes loop.yaml, which includes it: not followed",
        "nested stack Again includes loop.yaml, which includes it: not followed"]


def test_nesting_is_bounded_in_depth_and_in_count(tmp_path):
    for level in range(MAX_DEPTH + 3):
        write(tmp_path / f"level{level}.yaml", "Resources:\n" + stack("Next", f"level{level + 1}.yaml"))
    result = scan([str(tmp_path / "level0.yaml")])
    assert any(r.startswith("nested stack Next") and f"more than {MAX_DEPTH} levels" in r for _, r in result.skipped)
    wide = tmp_path / "wide"
    write(wide / "child.yaml", "Parameters:\n  Access: {Type: String}\nResources:\n" + NOTEBOOK)
    write(wide / "parent.yaml", "Resources:\n" + "".join(
        stack(f"S{i}", "child.yaml", "      Parameters:\n        Access: Enabled\n") for i in range(MAX_STACKS + 5)))
    result = scan([str(wide)], select=["IAC201"])
    assert len(result.findings) == MAX_STACKS
    assert sum(1 for _, r in result.skipped if f"{MAX_STACKS} nested stacks" in r) == 5


def test_a_changed_child_is_not_answered_from_the_cache(tmp_path):
    from iaclint.pipeline.cache import Cache

    repo = tmp_path / "repo"
    shutil.copytree(NESTED, repo)
    cache = Cache(str(tmp_path / "cache"))
    assert [f.policy_id for f in scan([str(repo)], select=["IAC201"], cache=cache).findings] == ["IAC201"]
    child = repo / "notebooks.yaml"
    child.write_text(child.read_text().replace("DirectInternetAccess: !Ref InternetAccess",
                                               "DirectInternetAccess: Disabled"))
    assert scan([str(repo)], select=["IAC201"], cache=cache).findings == []


def test_a_nested_templates_own_problems_are_still_reported(tmp_path):
    """Its stand-alone result is dropped, so the parent's load says what it would have."""
    write(tmp_path / "child.yaml", "Parameters:\n  Access: {Type: String}\nResources:\n" + NOTEBOOK
          + "      DirectInternetAccess: Disabled\n")
    write(tmp_path / "parent.yaml", "Resources:\n" + stack("A", "child.yaml", "      Parameters:\n        Access: x\n")
          + stack("B", "child.yaml", "      Parameters:\n        Access: y\n"))
    result = scan([str(tmp_path)], select=["IAC004"])
    assert [(f.policy_id, os.path.basename(f.file), f.line) for f in result.findings] == [("IAC004", "child.yaml", 10)]


def test_a_template_deployed_by_many_stacks_is_read_and_parsed_once(tmp_path, monkeypatch):
    from iaclint.frontends.cloudformation import parser

    write(tmp_path / "child.yaml", "Parameters:\n  Access: {Type: String}\nResources:\n" + NOTEBOOK)
    write(tmp_path / "parent.yaml", "Resources:\n" + "".join(
        stack(f"S{i}", "child.yaml", "      Parameters:\n        Access: Enabled\n") for i in range(20)))
    parsed = []
    real = parser.parse
    monkeypatch.setattr(parser, "parse", lambda text, is_json=False: parsed.append(len(text)) or real(text, is_json))
    result = scan([str(tmp_path / "parent.yaml")], select=["IAC201"], jobs=1)
    assert len(result.findings) == 20
    assert len(parsed) == 2  # the parent, and the child once
