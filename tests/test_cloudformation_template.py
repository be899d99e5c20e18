"""load_template: sniffing, bad input as ParseErrors, resource-level problems, metadata."""
from __future__ import annotations

import codecs

import pytest
from conftest import FIXTURES

from iaclint.frontends.cloudformation.sniff import is_template, looks_like_template
from iaclint.frontends.cloudformation.template import TemplateResult, load_template
from iaclint.model.resource import ParseError

CFN = FIXTURES / "parsers" / "cloudformation"


def load_fixture(*parts, parameters=None):
    path = CFN.joinpath(*parts)
    return load_template(path.name, path.read_bytes(), parameters)


@pytest.mark.parametrize("name", ["workflow.yaml", "deployment.yaml", "package.json",
                                  "resources-without-aws-types.yaml"])
def test_other_yaml_and_json_are_skipped_silently(name):
    assert load_fixture("not-templates", name) is None


@pytest.mark.parametrize("data", [b"", b"   \n", b"# nothing\n", b"[1, 2]", b"just text",
                                  b"AWS::S3::Bucket Resources", b"Resources: {}\n# AWS::",
                                  b"\x00\x01binary AWS::", b"\xff\xfe\x00garbage"])
def test_non_templates_return_none(data):
    assert load_template("f.yaml", data) is None


@pytest.mark.parametrize("name,line,column,message", [
    ("syntax-error.yaml", 7, 1, "YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence)"),
    ("missing-colon.json", 4, 23, "JSON syntax error: expected ':'"),
    ("latin1.yaml", 2, 17, "not valid UTF-8 (byte 0xe9)"),
    ("nul-bytes.yaml", 4, 26, "NUL byte in template (binary file?)"),
    ("alias-bomb.yaml", 3, 38, "alias expansion limit exceeded (YAML alias bomb?)"),
])
def test_bad_input_is_a_parse_error_with_its_line(name, line, column, message):
    result = load_fixture("bad", name)
    assert result == TemplateResult([], [ParseError(name, line, column, message)])


def test_resources_without_type_or_body_are_skipped_and_reported():
    result = load_fixture("bad", "resource-problems.yaml")
    assert [r.address for r in result.resources] == ["Good"]
    assert [(e.line, e.message) for e in result.errors] == [
        (3, "resource NoType has no Type"),
        (6, "resource NotAMapping is not a mapping"),
        (9, "resource TypeNotString has no Type"),
    ]


def test_duplicate_keys_keep_the_last_and_are_reported():
    """CloudFormation deploys the last of two equal keys; each repeat is an IAC004 problem
    at the repeat, naming the first, and the template is still scanned."""
    result = load_fixture("bad", "duplicate-keys.yaml")
    assert [(r.address, r.native_type, r.attributes, r.header.line) for r in result.resources] == [
        ("Bucket", "AWS::KMS::Key", {"EnableKeyRotation": True}, 8)]
    assert result.errors == [
        ParseError("duplicate-keys.yaml", 7, 7, "duplicate key `BucketName` in `Resources.Bucket.Properties` "
                   "(first at line 6): CloudFormation uses only the last one", "IAC004"),
        ParseError("duplicate-keys.yaml", 8, 3, "duplicate key `Bucket` in `Resources` "
                   "(first at line 3): CloudFormation uses only the last one", "IAC004"),
    ]


@pytest.mark.parametrize("text", [
    # libyaml reads this JSON ...
    '{"Resources": {"K": {"Type": "AWS::KMS::Key",\n "Properties": {"EnableKeyRotation": true,\n'
    '  "EnableKeyRotation": false}}}}',
    # ... and the position-keeping JSON reader this one (a key over 1,024 characters).
    '{"Resources": {"K": {"Type": "AWS::KMS::Key",\n "Properties": {"EnableKeyRotation": true,\n'
    '  "EnableKeyRotation": false}}}, "Metadata": {"' + "k" * 1100 + '": 1}}',
])
def test_duplicate_keys_in_json_templates_are_reported(text):
    result = load_template("t.json", text.encode())
    assert [r.attributes for r in result.resources] == [{"EnableKeyRotation": False}]
    assert result.errors == [ParseError("t.json", 3, 3, "duplicate key `EnableKeyRotation` in "
                                        "`Resources.K.Properties` (first at line 2): CloudFormation "
                                        "uses only the last one", "IAC004")]


def test_keys_overriding_a_yaml_merge_are_not_duplicates():
    result = load_fixture("yaml-anchors-and-merge-keys", "template.yaml")
    assert result.errors == []


def test_utf8_bom_is_accepted_and_utf16_is_reported():
    text = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B:\n    Type: AWS::S3::Bucket\n"
    result = load_template("t.yaml", codecs.BOM_UTF8 + text.encode())
    assert [(r.address, r.header.line, r.header.column) for r in result.resources] == [("B", 3, 3)]
    result = load_template("t.yaml", text.encode("utf-16"))
    assert result.errors == [ParseError("t.yaml", 1, 1,
                                        "template is UTF-16 encoded; CloudFormation requires UTF-8")]


def test_template_without_resources_and_malformed_resources_section():
    assert load_template("t.yaml", b"AWSTemplateFormatVersion: '2010-09-09'\n") == TemplateResult()
    result = load_template("t.yaml", b"AWSTemplateFormatVersion: '2010-09-09'\nResources: [1]\n")
    assert result.errors == [ParseError("t.yaml", 2, 1, "Resources must be a mapping")]


def test_metadata_header_and_whole_span():
    result = load_fixture("json-long-forms", "template.json")
    notebook = result.resources[1]
    assert notebook.metadata == {"iaclint": {"ignore": [{"id": "IAC101", "reason": "test"}]}}
    assert (notebook.header.line, notebook.header.column, notebook.header.end_column) == (15, 3, 13)
    assert (notebook.span.line, notebook.span.end_line) == (15, 33)


def test_json_policy_strings_stay_strings():
    result = load_fixture("json-long-forms", "template.json")
    assert result.resources[1].attributes["Policy"].startswith('{"Statement"')


def test_sam_template_is_recognised():
    result = load_fixture("sam", "template.yaml")
    assert [(r.address, r.native_type) for r in result.resources] == [
        ("Inference", "AWS::Serverless::Function"), ("InferenceRole", "AWS::IAM::Role")]  # the role SAM creates


def test_parameter_override_flips_conditions():
    without = load_fixture("parameter-overrides", "template.yaml")
    assert without.resources == []  # ProdOnly's condition is false with the defaults
    with_params = load_fixture("parameter-overrides", "template.yaml", parameters={"Env": "prod"})
    assert with_params.resources[0].attributes["Mode"] == "strict"


def test_sniffing_rules():
    assert looks_like_template("AWSTemplateFormatVersion: x")
    assert not looks_like_template("on: push\njobs: {}\n")
    assert is_template({"AWSTemplateFormatVersion": "2010-09-09"})
    assert is_template({"Resources": {"A": {"Type": "AWS::S3::Bucket"}}})
    assert is_template({"Transform": "AWS::Serverless-2016-10-31", "Resources": {}})
    assert not is_template({"Resources": {"A": {"Type": "Custom::X"}}})
    assert not is_template({"Resources": "AWS::S3::Bucket"})
    assert not is_template(["AWSTemplateFormatVersion"])
    assert not is_template({"AWSTemplateFormatVersion": 4, "Resources": 2})  # a vocabulary's token ids


def test_example_templates_load_without_errors():
    for path in sorted((FIXTURES / "examples").glob("*/cloudformation/*.yaml")):
        result = load_template(str(path), path.read_bytes())
        assert result is not None and result.errors == [], path
        assert result.resources
