"""Checkov's custom-policy language: the grammar, every operator, paths, connections,
CloudFormation vocabulary, and the load errors that name what cannot run."""
from __future__ import annotations

import json
import textwrap

import pytest
from conftest import ROOT, make_resource

from iaclint.engine import operators
from iaclint.engine.grammar import GrammarError
from iaclint.engine.policy import Context, Verdict
from iaclint.engine.registry import PolicyLoadError, load_policies
from iaclint.engine.yaml_policy import YamlPolicy
from iaclint.model.project import Project
from iaclint.model.resource import Reference
from iaclint.model.unknown import Unknown

NB = "aws_sagemaker_notebook_instance"

# Checkov 3.3.30's `operators_to_attributes_solver_classes`, by name.
CHECKOV_OPERATORS = """
equals not_equals regex_match not_regex_match exists any contains not_exists within not_within
not_contains starting_with not_starting_with ending_with not_ending_with greater_than
greater_than_or_equal less_than less_than_or_equal subset not_subset is_empty is_not_empty
length_equals length_not_equals length_greater_than length_greater_than_or_equal length_less_than
length_less_than_or_equal is_true is_false intersects not_intersects equals_ignore_case
not_equals_ignore_case range_includes range_not_includes number_of_words_equals
number_of_words_not_equals number_of_words_greater_than number_of_words_greater_than_or_equal
number_of_words_less_than_or_equal number_of_words_less_than cidr_range_subset cidr_range_not_subset
""".split()


def policy(definition: dict) -> YamlPolicy:
    return YamlPolicy({"metadata": {"id": "CKV2_T_1", "name": "t", "category": "GENERAL_SECURITY"},
                       "definition": definition}, "test.yaml")


def verdict(definition: dict, resource, project=None):
    results = list(policy(definition).check(resource, Context(project or Project([resource]))))
    return results[0].verdict if results else None


def attr(attribute, operator, value=None, types=(NB,)):
    node = {"cond_type": "attribute", "resource_types": list(types), "attribute": attribute, "operator": operator}
    if value is not None:
        node["value"] = value
    return node


def test_every_checkov_operator_and_its_jsonpath_twin_is_known():
    assert sorted(CHECKOV_OPERATORS) == sorted(operators.OPERATORS)
    assert len(operators.all_names()) == 2 * 45
    for name in CHECKOV_OPERATORS:
        policy(attr("x", name, "1"))
        policy(attr("$.x", "jsonpath_" + name, "1"))


@pytest.mark.parametrize("operator,value,actual,expected", [
    ("equals", "true", True, True), ("equals", 5, "5", True), ("equals", ["a"], ["a"], True),
    ("equals", "a", ["a"], False), ("not_equals", "a", None, True), ("equals_ignore_case", "ABC", "abc", True),
    ("exists", None, None, False), ("not_exists", None, None, True), ("any", None, None, True),
    ("contains", "x", ["x", "y"], True), ("contains", "team", {"team": "a"}, True), ("contains", "ab", "xaby", True),
    ("contains", "a", '{"a": 1}', True), ("not_contains", "z", None, True), ("within", ["a", "b"], "b", True),
    ("not_within", ["a"], None, True), ("starting_with", "arn:", "arn:aws", True), ("starting_with", "a", 5, False),
    ("not_starting_with", "a", None, True), ("ending_with", ".tf", "x.tf", True), ("not_ending_with", "x", None, True),
    ("regex_match", "^sg-", "sg-1", True), ("regex_match", ".*", None, True), ("not_regex_match", "^a", None, True),
    ("greater_than", 3, 5, True), ("greater_than", 3, "5", True), ("greater_than", 0, 1, True),
    ("greater_than", 3, None, False), ("greater_than_or_equal", 5, 5, True), ("less_than", 3, None, False),
    ("less_than", 10, 5, True), ("less_than_or_equal", 5, 5, True), ("subset", ["a", "b"], ["a"], True),
    ("subset", ["a"], ["a", "c"], False), ("not_subset", ["a"], ["c"], True), ("is_empty", None, [], True),
    ("is_empty", None, None, False), ("is_not_empty", None, None, True), ("is_not_empty", None, "", False),
    ("length_equals", 2, ["a", "b"], True), ("length_equals", 1, {"k": 1, "j": 2}, True),
    ("length_not_equals", 2, None, True), ("length_greater_than", 1, "ab", True),
    ("length_greater_than_or_equal", 2, "ab", True), ("length_less_than", 3, "ab", True),
    ("length_less_than_or_equal", 2, "abc", False), ("is_true", None, True, True), ("is_true", None, "TRUE", True),
    ("is_true", None, None, False), ("is_false", None, None, True), ("is_false", None, False, True),
    ("intersects", ["a", "z"], ["a", "b"], True), ("intersects", "a", ["a"], True),
    ("not_intersects", ["z"], ["a"], True), ("range_includes", 22, "0-100", True),
    ("range_includes", "20-30", [22], True), ("range_includes", 22, "*", True), ("range_not_includes", 443, 22, True),
    ("number_of_words_equals", 2, "a b", True), ("number_of_words_not_equals", 2, None, True),
    ("number_of_words_greater_than", 1, "a b", True), ("number_of_words_greater_than_or_equal", 3, "a b", False),
    ("number_of_words_less_than", 3, "a b", True), ("number_of_words_less_than_or_equal", 2, "a b", True),
    ("cidr_range_subset", ["10.0.0.0/8"], "10.1.0.0/16", True), ("cidr_range_subset", "10.0.0.0/8", "0.0.0.0/0", False),
    ("cidr_range_not_subset", "10.0.0.0/8", ["0.0.0.0/0"], True), ("cidr_range_not_subset", "10.0.0.0/8", None, True),
])
def test_operator_answers_as_checkov(operator, value, actual, expected):
    assert operators.apply(operator, actual, value) is expected


def test_an_operator_that_cannot_answer_gives_none():
    assert operators.apply("contains", 5, "x") is None  # `"x" in 5` raises in Checkov too


def test_nested_and_or_not_blocks_load_and_evaluate():
    # The report: nested blocks failed with `'resource_type' was expected`.
    definition = {"and": [
        {"or": [attr("root_access", "equals", "Disabled"), attr("tags.exempt", "equals", "yes")]},
        {"not": attr("direct_internet_access", "equals", "Enabled")},
        {"and": [attr("volume_size", "greater_than_or_equal", 5), {"or": [attr("kms_key_id", "exists")]}]},
    ]}
    good = make_resource(NB, {"root_access": "Disabled", "direct_internet_access": "Disabled",
                              "volume_size": 10, "kms_key_id": "k"})
    assert verdict(definition, good) is Verdict.PASS
    exempt = make_resource(NB, {"tags": {"exempt": "yes"}, "direct_internet_access": "Disabled",
                                "volume_size": 10, "kms_key_id": "k"})
    assert verdict(definition, exempt) is Verdict.PASS
    open_nb = make_resource(NB, {"root_access": "Disabled", "volume_size": 10, "kms_key_id": "k"})
    assert verdict(definition, open_nb) is Verdict.FAIL  # AWS defaults direct internet access to Enabled
    unknown = make_resource(NB, {"root_access": "Disabled", "direct_internet_access": "Disabled",
                                 "volume_size": Unknown("var.size", "no default"), "kms_key_id": "k"})
    assert verdict(definition, unknown) is Verdict.UNKNOWN
    assert verdict({"not": attr("volume_size", "equals", 1)}, unknown) is Verdict.UNKNOWN


@pytest.mark.parametrize("attribute,operator,value,expected", [
    ("rules.*.cidr", "equals", "0.0.0.0/0", Verdict.PASS),  # one match is enough
    ("rules.*.cidr", "not_equals", "10.0.0.0/8", Verdict.PASS),
    ("rules.*.cidr", "equals", "1.1.1.1/32", Verdict.FAIL),
    ("rules.*.ports", "not_contains", 22, Verdict.FAIL),  # not_contains: every match
    ("rules.*.ports", "not_contains", 8080, Verdict.PASS),
    ("rules.1.cidr", "equals", "10.0.0.0/8", Verdict.PASS),  # a list index
    ("rules.cidr", "equals", "0.0.0.0/0", Verdict.FAIL),  # no `*`: every block must pass
    ("tags.team", "equals", "ml", Verdict.PASS),
    ("tags.*", "length_equals", 1, Verdict.PASS),  # `*` on a mapping is skipped; Checkov counts a mapping as 1
    ("rules.*.missing", "exists", None, Verdict.FAIL),
])
def test_paths_read_as_checkov_reads_them(attribute, operator, value, expected):
    r = make_resource(NB, {"tags": {"team": "ml", "env": "prod"},
                           "rules": [{"cidr": "0.0.0.0/0", "ports": [22]}, {"cidr": "10.0.0.0/8", "ports": [443]}]})
    assert verdict(attr(attribute, operator, value), r) is expected


def test_wildcard_with_an_unknown_match_is_unknown_unless_another_passes():
    r = make_resource(NB, {"rules": [{"cidr": Unknown("var.c", "no default")}, {"cidr": "10.0.0.0/8"}]})
    assert verdict(attr("rules.*.cidr", "equals", "10.0.0.0/8"), r) is Verdict.PASS
    assert verdict(attr("rules.*.cidr", "equals", "1.1.1.1/32"), r) is Verdict.UNKNOWN


def test_jsonpath_operators_need_every_match_and_see_blocks_as_checkov_does():
    r = make_resource(NB, {"instance_metadata_service_configuration": [{"minimum_instance_metadata_service_version": "2"}],
                           "statements": [{"Effect": "Allow", "Action": "s3:*"}, {"Effect": "Deny", "Action": "*"}]})
    # A block written once is a mapping in Checkov's view: no `[0]` needed.
    assert verdict(attr("$.instance_metadata_service_configuration.minimum_instance_metadata_service_version",
                        "jsonpath_equals", "2"), r) is Verdict.PASS
    allow = '$.statements[?(@.Effect == "Allow")].Action'
    assert verdict(attr(allow, "jsonpath_equals", "s3:*"), r) is Verdict.PASS
    assert verdict(attr("$.statements[*].Action", "jsonpath_equals", "s3:*"), r) is Verdict.FAIL
    assert verdict(attr("$.nothing", "jsonpath_exists"), r) is Verdict.FAIL  # no match: the value is unset
    hidden = make_resource(NB, {"tags": Unknown("var.tags", "no default")})
    assert verdict(attr("$.tags.team", "jsonpath_equals", "ml"), hidden) is Verdict.UNKNOWN


def test_resource_condition_allows_or_forbids_types():
    allow = {"cond_type": "resource", "resource_types": [NB], "operator": "exists"}
    assert policy(allow).resource_types == ("all",)
    assert verdict(allow, make_resource(NB, {})) is Verdict.PASS
    assert verdict(allow, make_resource("aws_s3_bucket", {})) is Verdict.FAIL
    deny = {"cond_type": "resource", "resource_types": ["aws_s3_bucket"], "operator": "not_exists"}
    assert policy(deny).resource_types == ("aws_s3_bucket",)
    assert verdict(deny, make_resource("aws_s3_bucket", {})) is Verdict.FAIL


def test_cloudformation_vocabulary_is_translated_and_runs_on_terraform_too():
    definition = {"cond_type": "attribute", "resource_types": ["AWS::SageMaker::EndpointConfig"],
                  "attribute": "KmsKeyId", "operator": "exists"}
    p = policy(definition)
    assert p.resource_types == ("aws_sagemaker_endpoint_configuration",)
    assert p.tree.attribute == "kms_key_arn"  # the table's rename, not plain snake_case
    assert verdict(definition, make_resource("aws_sagemaker_endpoint_configuration", {"kms_key_arn": "k"})) \
        is Verdict.PASS
    assert verdict(definition, make_resource("aws_sagemaker_endpoint_configuration", {})) is Verdict.FAIL


@pytest.mark.parametrize("types,attribute,translated", [
    # renamed keys (the table's), plain snake_case, filters renamed in their context
    (["AWS::SageMaker::NotebookInstance"], "$.SecurityGroupIds[*]", "$.security_groups[*]"),
    (["AWS::S3::Bucket"], "$.BucketEncryption.ServerSideEncryptionConfiguration[?(@.BucketKeyEnabled == true & "
     "@.ServerSideEncryptionByDefault.SSEAlgorithm == 'aws:kms')].ServerSideEncryptionByDefault.KMSMasterKeyID",
     '$.server_side_encryption_configuration.rule[?(@.bucket_key_enabled == true & @.apply_server_side_encryption_by_default'
     '.sse_algorithm == "aws:kms")].apply_server_side_encryption_by_default.kms_master_key_id'),
    (["AWS::IAM::Role"], '$.Policies[?(@.PolicyName == "ml")].PolicyDocument.Statement[*].Action',
     '$.inline_policy[?(@.name == "ml")].policy.Statement[*].Action'),
    (["AWS::ECR::Repository"], "$.ImageScanningConfiguration.ScanOnPush", "$.image_scanning_configuration.scan_on_push"),
    # an IAM document keeps its keys, in a JSONPath and in a plain path
    (["AWS::IAM::Role"], "$.AssumeRolePolicyDocument.Statement[?(@.Effect == 'Allow')].Principal",
     '$.assume_role_policy.Statement[?(@.Effect == "Allow")].Principal'),
    (["AWS::IAM::Role"], "AssumeRolePolicyDocument.Statement.*.Effect", "assume_role_policy.Statement.*.Effect"),
    (["AWS::IAM::Role"], "Policies.*.PolicyDocument.Statement", "inline_policy.*.policy.Statement"),
])
def test_cloudformation_paths_and_jsonpaths_are_translated(types, attribute, translated):
    operator = "jsonpath_exists" if attribute.startswith("$") else "exists"
    assert policy(attr(attribute, operator, types=types)).tree.attribute == translated


def test_a_cloudformation_jsonpath_runs_on_templates_and_terraform():
    definition = attr('$.SecurityGroupIngress[?(@.IpProtocol == "tcp")].CidrIp', "jsonpath_not_equals", "0.0.0.0/0",
                      types=("AWS::EC2::SecurityGroup",))
    sg = "aws_ec2_security_group"  # the canonical name of an untabled type
    assert policy(definition).resource_types == (sg,)
    rules = lambda tcp, udp: {"security_group_ingress": [{"ip_protocol": "tcp", "cidr_ip": tcp},
                                                         {"ip_protocol": "udp", "cidr_ip": udp}]}
    assert verdict(definition, make_resource(sg, rules("0.0.0.0/0", "10.0.0.0/8"))) is Verdict.FAIL
    assert verdict(definition, make_resource(sg, rules("10.0.0.0/8", "0.0.0.0/0"))) is Verdict.PASS


@pytest.mark.parametrize("definition,message", [
    ({"and": [attr("a", "equalz", "x")]}, "definition/and/0/operator: 'equalz' is not one of Checkov's"),
    ({"resource_types": [NB], "attribute": "a", "operator": "exists"}, "definition: a condition needs `cond_type`"),
    ({"or": [{"cond_type": "attribute", "resource_types": [NB], "attribute": "a", "operator": "exists",
              "valeu": 1}]}, "definition/or/0: unknown key 'valeu'"),
    ({"and": []}, "definition/and: needs a list of conditions"),
    ({"not": [attr("a", "exists"), attr("b", "exists")]}, "definition/not: takes exactly one condition"),
    ({"not": {"cond_type": "connection", "resource_types": [NB], "connected_resource_types": ["aws_kms_key"],
              "operator": "exists"}}, "definition/not: Checkov cannot negate a block with a connection"),
    (attr("tags", "exists", types=("taggable",)), "`taggable` is not supported"),
    (attr("$.a[", "jsonpath_exists"), "definition/attribute: not a JSONPath"),
    ({"cond_type": "connection", "resource_types": [NB], "connected_resource_types": ["aws_kms_key"],
      "operator": "linked"}, "a connection's operator is exists, not_exists or one_exists"),
    ({"cond_type": "connection", "resource_types": [NB], "connected_resource_types": "all", "operator": "exists"},
     "definition/connected_resource_types: `all` is not supported in a connection"),
    ({"cond_type": "connection", "resource_types": ["All"], "connected_resource_types": [NB], "operator": "exists"},
     "definition/resource_types: `all` is not supported in a connection"),
    ({"cond_type": "connection", "resource_types": [NB], "operator": "exists"},
     "definition: a connection names its `resource_types` and `connected_resource_types`"),
    ({"cond_type": "filter", "attribute": "resource_type", "operator": "equals", "value": [NB]},
     "a filter's operator is `within`"),
    ({"and": [attr("a", "exists"), {"cond_type": "resource", "resource_types": [NB], "operator": "exists"}]},
     "a `resource` condition stands alone"),
    ({"and": [attr("a", "exists")], "or": [attr("b", "exists")]}, "an `and` block stands alone"),
    (attr("$.VolumeSizeInGB.`len`", "jsonpath_exists", types=("AWS::SageMaker::NotebookInstance",)),
     "definition/attribute: JSONPath `$.VolumeSizeInGB.`len`` in CloudFormation names: its `Len` step cannot"),
    (attr("$..Effect", "jsonpath_exists", types=("AWS::IAM::Role",)),
     "`..Effect` cannot be translated for AWS::IAM::Role"),
])
def test_what_cannot_run_fails_to_load_naming_it(definition, message):
    with pytest.raises(GrammarError, match=None) as info:
        policy(definition)
    assert message in str(info.value)


# --- connections ---------------------------------------------------------------------

def _graph():
    key = make_resource("aws_kms_key", {"enable_key_rotation": True}, address="aws_kms_key.good")
    bad_key = make_resource("aws_kms_key", {"enable_key_rotation": False}, address="aws_kms_key.bad")
    lonely_key = make_resource("aws_kms_key", {"enable_key_rotation": True}, address="aws_kms_key.lonely")
    nb = make_resource(NB, {"kms_key_id": Unknown("aws_kms_key.good.arn", "ref", refs=("aws_kms_key.good",))},
                       address=f"{NB}.good", references=[Reference(("kms_key_id",), "aws_kms_key.good", "arn")])
    nb_bad = make_resource(NB, {"kms_key_id": Unknown("aws_kms_key.bad.arn", "ref", refs=("aws_kms_key.bad",))},
                           address=f"{NB}.bad", references=[Reference(("kms_key_id",), "aws_kms_key.bad", "arn")])
    nb_none = make_resource(NB, {}, address=f"{NB}.none")
    nb_outside = make_resource(NB, {}, address=f"{NB}.outside",
                               references=[Reference(("kms_key_id",), "aws_kms_key.elsewhere", "arn")])
    resources = [key, bad_key, lonely_key, nb, nb_bad, nb_none, nb_outside]
    return {r.address: r for r in resources}, Project(resources)


CONNECTED = {"cond_type": "connection", "resource_types": [NB], "connected_resource_types": ["aws_kms_key"],
             "operator": "exists"}


def verdicts(definition):
    resources, project = _graph()
    p = policy(definition)
    ctx = Context(project)
    out = {}
    for address, r in resources.items():
        if "all" in p.resource_types or r.type in p.resource_types:
            results = list(p.check(r, ctx))
            out[address] = results[0].verdict.value if results else None
    return out


def test_connection_exists_judges_both_ends():
    assert verdicts(CONNECTED) == {
        "aws_kms_key.good": "PASS", "aws_kms_key.bad": "PASS", "aws_kms_key.lonely": "FAIL",
        f"{NB}.good": "PASS", f"{NB}.bad": "PASS", f"{NB}.none": "FAIL",
        f"{NB}.outside": "UNKNOWN",  # its key is not in the scan: iaclint does not guess
    }


def test_connection_not_exists_swaps():
    got = verdicts({**CONNECTED, "operator": "not_exists"})
    assert got["aws_kms_key.lonely"] == "PASS" and got[f"{NB}.good"] == "FAIL" and got[f"{NB}.none"] == "PASS"


def test_and_with_attributes_excludes_failing_ends_and_filter_keeps_the_subject():
    definition = {"and": [
        {"cond_type": "filter", "attribute": "resource_type", "operator": "within", "value": [NB]},
        CONNECTED,
        attr("enable_key_rotation", "is_true", types=("aws_kms_key",)),
    ]}
    assert policy(definition).resource_types == (NB,)
    assert verdicts(definition) == {f"{NB}.good": "PASS", f"{NB}.bad": "FAIL", f"{NB}.none": "FAIL",
                                    f"{NB}.outside": "UNKNOWN"}


def test_or_with_connections_passes_on_any_part():
    definition = {"or": [CONNECTED, attr("kms_key_id", "exists")]}
    got = verdicts(definition)
    assert got[f"{NB}.none"] == "FAIL" and got[f"{NB}.good"] == "PASS" and got["aws_kms_key.lonely"] == "FAIL"


# --- loading: directories in Checkov's layout -----------------------------------------

def test_external_checks_dir_layout_yaml_json_and_python_checks(tmp_path):
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "a.yaml").write_text(textwrap.dedent("""\
        metadata:
          id: CKV2_ACME_1
          name: Ensure notebooks have a KMS key
          category: ENCRYPTION
          severity: HIGH
          guideline: https://example.com/acme/1
        definition:
          and:
            - cond_type: attribute
              resource_types: [aws_sagemaker_notebook_instance]
              attribute: kms_key_id
              operator: exists
            - or:
                - cond_type: attribute
                  resource_types: [aws_sagemaker_notebook_instance]
                  attribute: root_access
                  operator: equals
                  value: Disabled
        """))
    (tmp_path / "b.json").write_text(json.dumps({
        "metadata": {"id": "CKV2_ACME_2", "name": "json policy", "category": "GENERAL_SECURITY"},
        "definition": attr("name", "exists")}))
    loaded = {p.id: p for p in load_policies([str(tmp_path)])}
    assert loaded["CKV2_ACME_1"].severity == "high" and loaded["CKV2_ACME_1"].guideline == "https://example.com/acme/1"
    assert loaded["CKV2_ACME_2"].resource_types == (NB,)
    (tmp_path / "check.py").write_text("from checkov.common.models.enums import CheckResult\n")
    with pytest.raises(PolicyLoadError, match="a Checkov Python check"):
        load_policies([str(tmp_path)])


def test_cli_names_the_unsupported_part(tmp_path, capsys):
    from iaclint.faces.cli import main

    (tmp_path / "p.yaml").write_text(json.dumps({
        "metadata": {"id": "CKV2_X", "name": "x", "category": "C"},
        "definition": {"and": [attr("a", "exists"), attr("b", "matches", "x")]}}))
    assert main(["scan", "--external-checks-dir", str(tmp_path), str(ROOT / "fixtures/examples/bedrock-secure")]) == 2
    err = capsys.readouterr().err
    assert "definition/and/1/operator: 'matches' is not one of Checkov's attribute operators" in err


def test_a_checkov_terraform_policy_runs_on_cloudformation(tmp_path):
    """A policy in Terraform names, through the canonical model, on a template."""
    from iaclint.api import scan

    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "policy.yaml").write_text(json.dumps({
        "metadata": {"id": "CKV2_ACME_3", "name": "notebook root access disabled", "category": "IAM"},
        "definition": {"and": [attr("root_access", "equals", "Disabled"),
                               attr("direct_internet_access", "equals", "Disabled")]}}))
    (tmp_path / "t.yaml").write_text(textwrap.dedent("""\
        Resources:
          Open:
            Type: AWS::SageMaker::NotebookInstance
            Properties:
              InstanceType: ml.t3.medium
              RoleArn: arn:aws:iam::123456789012:role/r
              RootAccess: Disabled
          Closed:
            Type: AWS::SageMaker::NotebookInstance
            Properties:
              InstanceType: ml.t3.medium
              RoleArn: arn:aws:iam::123456789012:role/r
              RootAccess: Disabled
              DirectInternetAccess: Disabled
        """))
    result = scan([str(tmp_path / "t.yaml")], policy_dirs=[str(tmp_path / "policies")], select=["CKV2_ACME_3"])
    got = [(f.resource, f.line, f.message) for f in result.findings if f.policy_id == "CKV2_ACME_3"]
    # DirectInternetAccess is unset: AWS's default (Enabled) fails it, at the resource's logical ID.
    assert got == [("Open", 2, "notebook root access disabled: `DirectInternetAccess` is not set, "
                               "and AWS defaults it to `Enabled`")]
