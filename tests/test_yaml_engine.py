"""The declarative policy grammar: operators, three-valued logic, defaults, lines."""
from __future__ import annotations

import pytest
from conftest import make_resource

from iaclint.engine.policy import Context, Verdict
from iaclint.engine.yaml_policy import YamlPolicy
from iaclint.model.project import Project
from iaclint.model.resource import Reference, Span
from iaclint.model.unknown import ABSENT, Unknown, branches

NB = "aws_sagemaker_notebook_instance"


def policy(definition: dict) -> YamlPolicy:
    return YamlPolicy({"metadata": {"id": "IAC999", "name": "t", "message": "bad"},
                       "definition": definition}, "test.yaml")


def verdict(definition: dict, resource, project=None):
    ctx = Context(project or Project([resource]))
    results = list(policy(definition).check(resource, ctx))
    assert len(results) == 1
    return results[0]


def attr(attribute, operator, value=None, types=(NB,)):
    node = {"cond_type": "attribute", "resource_types": list(types), "attribute": attribute, "operator": operator}
    if value is not None:
        node["value"] = value
    return node


@pytest.mark.parametrize("operator,value,actual,expected", [
    ("equals", "Disabled", "Disabled", Verdict.PASS),
    ("equals", "Disabled", "Enabled", Verdict.FAIL),
    ("not_equals", "Enabled", "Disabled", Verdict.PASS),
    ("within", ["a", "b"], "b", Verdict.PASS),
    ("within", ["a", "b"], "c", Verdict.FAIL),
    ("not_within", ["a", "b"], "c", Verdict.PASS),
    ("contains", "x", ["x", "y"], Verdict.PASS),
    ("contains", "z", ["x", "y"], Verdict.FAIL),
    ("not_contains", "z", ["x", "y"], Verdict.PASS),
    ("regex_match", "^arn:aws:kms:", "arn:aws:kms:us-east-1:1:key/x", Verdict.PASS),
    ("regex_match", "^arn:aws:kms:", "alias/aws/s3", Verdict.FAIL),
    ("is_true", None, True, Verdict.PASS),
    ("is_true", None, "true", Verdict.PASS),
    ("is_true", None, False, Verdict.FAIL),
    ("is_false", None, "false", Verdict.PASS),
    ("is_false", None, True, Verdict.FAIL),
    ("exists", None, "k", Verdict.PASS),
    ("not_exists", None, "k", Verdict.FAIL),
    ("equals", 1, "1", Verdict.PASS),
])
def test_operators(operator, value, actual, expected):
    r = make_resource(NB, {"x": actual})
    assert verdict(attr("x", operator, value), r).verdict is expected


@pytest.mark.parametrize("operator,expected", [
    ("exists", Verdict.FAIL), ("not_exists", Verdict.PASS), ("equals", Verdict.FAIL),
    ("not_equals", Verdict.PASS), ("within", Verdict.FAIL), ("not_within", Verdict.PASS),
])
def test_missing_attribute(operator, expected):
    r = make_resource(NB, {})
    assert verdict(attr("nothing", operator, ["a"]), r).verdict is expected


def test_unknown_value_is_unknown_not_fail():
    r = make_resource(NB, {"direct_internet_access": Unknown("var.x", "no default")})
    assert verdict(attr("direct_internet_access", "equals", "Disabled"), r).verdict is Verdict.UNKNOWN


def test_unresolved_reference_counts_as_set_for_exists():
    r = make_resource(NB, {"kms_key_id": Unknown("aws_kms_key.k.arn", "resource attribute", refs=("aws_kms_key.k",))})
    assert verdict(attr("kms_key_id", "exists"), r).verdict is Verdict.PASS


def test_default_fills_unset_notebook_attribute_and_points_at_header():
    r = make_resource(NB, {"name": "n"})
    result = verdict(attr("direct_internet_access", "equals", "Disabled"), r)
    assert result.verdict is Verdict.FAIL
    assert result.path == ("direct_internet_access",)
    assert "not set, and AWS defaults it to `Enabled`" in result.message
    assert r.span_for(result.path) == r.header


def test_failing_attribute_line_is_the_attribute():
    span = Span("f.tf", 7, 3, 7, 40)
    r = make_resource(NB, {"direct_internet_access": "Enabled"}, spans={("direct_internet_access",): span})
    result = verdict(attr("direct_internet_access", "equals", "Disabled"), r)
    assert r.span_for(result.path) == span


def test_lists_of_blocks_fan_out_and_all_must_pass():
    r = make_resource("aws_sagemaker_endpoint_configuration",
                      {"production_variants": [{"enable_ssm_access": False}, {"enable_ssm_access": True}]})
    result = verdict(attr("production_variants.enable_ssm_access", "is_false",
                          types=("aws_sagemaker_endpoint_configuration",)), r)
    assert result.verdict is Verdict.FAIL
    assert result.path == ("production_variants", 1, "enable_ssm_access")


@pytest.mark.parametrize("a,b,expected", [
    ("Disabled", "Disabled", Verdict.PASS),
    ("Disabled", "Enabled", Verdict.FAIL),
    ("Disabled", None, Verdict.UNKNOWN),
    ("Enabled", None, Verdict.FAIL),  # False and Unknown is False
])
def test_and_is_kleene(a, b, expected):
    attrs = {"a": a, "b": Unknown("var.b", "no default") if b is None else b}
    r = make_resource(NB, attrs)
    d = {"and": [attr("a", "equals", "Disabled"), attr("b", "equals", "Disabled")]}
    assert verdict(d, r).verdict is expected


@pytest.mark.parametrize("a,b,expected", [
    ("Disabled", None, Verdict.PASS),  # True or Unknown is True
    ("Enabled", None, Verdict.UNKNOWN),
    ("Enabled", "Enabled", Verdict.FAIL),
])
def test_or_is_kleene(a, b, expected):
    attrs = {"a": a, "b": Unknown("var.b", "no default") if b is None else b}
    r = make_resource(NB, attrs)
    d = {"or": [attr("a", "equals", "Disabled"), attr("b", "equals", "Disabled")]}
    assert verdict(d, r).verdict is expected


def test_condition_for_other_type_is_false_as_in_checkov():
    # Checkov: an attribute condition on a resource not of its types is False, so an
    # `and` across types fails every resource and an `or` picks the resource's own branch.
    r = make_resource(NB, {"a": "Disabled"})
    other = attr("zzz", "exists", types=("aws_other",))
    assert verdict({"and": [attr("a", "equals", "Disabled"), other]}, r).verdict is Verdict.FAIL
    assert verdict({"or": [other, attr("a", "equals", "Disabled")]}, r).verdict is Verdict.PASS
    failing = verdict({"or": [other, attr("a", "equals", "Enabled")]}, r)
    assert failing.verdict is Verdict.FAIL and failing.path == ("a",)  # points at the branch that applies


def test_filter_in_a_block_without_connections_is_a_type_test():
    d = {"and": [{"cond_type": "filter", "attribute": "resource_type", "operator": "within", "value": [NB]},
                 attr("a", "exists", types=(NB, "aws_x"))]}
    assert policy(d).resource_types == (NB, "aws_x")  # Checkov: the union of the conditions' types
    assert verdict(d, make_resource(NB, {"a": 1})).verdict is Verdict.PASS
    assert verdict(d, make_resource("aws_x", {"a": 1})).verdict is Verdict.FAIL


def test_connection_exists_and_unknown_target():
    key = make_resource("aws_kms_key", {}, address="aws_kms_key.k")
    nb = make_resource(NB, {"kms_key_id": Unknown("aws_kms_key.k.arn", "ref", refs=("aws_kms_key.k",))},
                       address=f"{NB}.n", references=[Reference(("kms_key_id",), "aws_kms_key.k", "arn")])
    d = {"cond_type": "connection", "resource_types": [NB], "connected_resource_types": ["aws_kms_key"],
         "operator": "exists"}
    assert verdict(d, nb, Project([key, nb])).verdict is Verdict.PASS
    assert verdict(d, nb, Project([nb])).verdict is Verdict.UNKNOWN  # the key is not in the scan
    lone = make_resource(NB, {}, address=f"{NB}.m")
    assert verdict(d, lone, Project([lone])).verdict is Verdict.FAIL


# --- conditional values (an undecidable Fn::If): every branch is evaluated ---------------

def branch(*alternatives, reason="condition IsProd is unknown: parameter Env has no default"):
    return Unknown("!If IsProd", reason, alternatives=alternatives)


@pytest.mark.parametrize("alternatives,expected", [
    (("Disabled", "Disabled"), Verdict.PASS),  # every branch passes
    (("Enabled", "Enabled"), Verdict.FAIL),  # every branch fails
    (("Disabled", "Enabled"), Verdict.UNKNOWN),  # it depends on the condition
    (("Disabled", Unknown("var.x", "no default")), Verdict.UNKNOWN),
    (("Enabled", Unknown("var.x", "no default")), Verdict.UNKNOWN),
])
def test_if_branches_all_fail_all_pass_or_unknown(alternatives, expected):
    r = make_resource(NB, {"x": branch(*alternatives)})
    assert verdict(attr("x", "equals", "Disabled"), r).verdict is expected


def test_failing_if_points_at_the_if_and_names_the_branches():
    span = Span("t.yaml", 9, 7, 9, 52)
    r = make_resource(NB, {"x": branch("Enabled", "Enabled")}, spans={("x",): span})
    result = verdict(attr("x", "equals", "Disabled"), r)
    assert result.path == ("x",) and r.span_for(result.path) == span
    assert result.message == "bad: `x` is `Enabled` in every branch of `!If IsProd`"
    mixed = verdict(attr("x", "equals", "Disabled"), make_resource(NB, {"x": branch("Disabled", "Enabled")}))
    assert mixed.message == ("bad: `x` is `Disabled` or `Enabled` (`!If IsProd`) (condition IsProd is unknown: "
                             "parameter Env has no default): branch 1 passes, branch 2 fails")


def test_absent_branch_gets_the_aws_default():
    # DirectInternetAccess: !If [IsProd, Disabled, !Ref AWS::NoValue] -> the else branch is
    # AWS's default, Enabled: not every branch passes.
    r = make_resource(NB, {"direct_internet_access": branch("Disabled", ABSENT)})
    assert r.attributes["direct_internet_access"].alternatives == ("Disabled", "Enabled")
    assert verdict(attr("direct_internet_access", "equals", "Disabled"), r).verdict is Verdict.UNKNOWN
    both = make_resource(NB, {"direct_internet_access": branch("Enabled", ABSENT)})
    assert verdict(attr("direct_internet_access", "equals", "Disabled"), both).verdict is Verdict.FAIL


@pytest.mark.parametrize("operator,alternatives,expected", [
    ("exists", ("k", ABSENT), Verdict.UNKNOWN),  # set in one branch only
    ("exists", ("k", "j"), Verdict.PASS),
    ("not_exists", (ABSENT, ABSENT), Verdict.PASS),
    ("exists", (ABSENT, ABSENT), Verdict.FAIL),
])
def test_absent_branch_without_default_is_missing(operator, alternatives, expected):
    r = make_resource(NB, {"kms_key_id": branch(*alternatives)})
    assert verdict(attr("kms_key_id", operator), r).verdict is expected


def test_path_is_followed_into_object_branches():
    vpc = branch({"subnet_ids": ["s-1"], "security_group_ids": ["sg-1"]}, {"subnet_ids": ["s-2"]})
    r = make_resource(NB, {"vpc_config": vpc})
    assert verdict(attr("vpc_config.subnet_ids", "exists"), r).verdict is Verdict.PASS
    assert verdict(attr("vpc_config.security_group_ids", "exists"), r).verdict is Verdict.UNKNOWN
    assert verdict(attr("vpc_config.other", "exists"), r).verdict is Verdict.FAIL
    nested = make_resource(NB, {"vpc_config": branch({"subnet_ids": branch(["a"], ["b"])}, {"subnet_ids": ["c"]})})
    assert verdict(attr("vpc_config.subnet_ids", "is_not_empty"), nested).verdict is Verdict.PASS


def test_conditional_list_items():
    r = make_resource(NB, {"groups": ["sg-1", branch("sg-2", ABSENT)]})
    assert verdict(attr("groups", "contains", "sg-1"), r).verdict is Verdict.PASS
    assert verdict(attr("groups", "contains", "sg-2"), r).verdict is Verdict.UNKNOWN
    assert verdict(attr("groups", "contains", "sg-3"), r).verdict is Verdict.FAIL
    assert verdict(attr("groups", "length_greater_than", 0), r).verdict is Verdict.PASS


def test_python_policies_keep_seeing_an_unknown():
    value = branch("Enabled", branch("Disabled", ABSENT))
    assert isinstance(value, Unknown)
    assert branches(value) == ["Enabled", "Disabled", ABSENT]
    assert branches("Enabled") is None and branches(Unknown("x", "y")) is None


# --- shapes: pseudo parameters and Fn::Sub text decide what a value cannot be ------------

def sub(*parts):
    return Unknown("!Sub ...", "pseudo parameter AWS::Partition", parts=parts)


PARTITION = Unknown("!Ref AWS::Partition", "pseudo parameter AWS::Partition", pattern=r"aws[a-z0-9-]*")
ACCOUNT = Unknown("!Ref AWS::AccountId", "pseudo parameter AWS::AccountId", pattern=r"[0-9]{12}")
BUCKET = Unknown("!GetAtt Bucket.Arn", "attribute Arn of resource Bucket", refs=("Bucket",))


@pytest.mark.parametrize("value,operator,expected_value,expected", [
    (sub("arn:", PARTITION, ":s3:::b/*"), "not_equals", "*", Verdict.PASS),  # never `*`
    (sub("arn:", PARTITION, ":s3:::b/*"), "equals", "*", Verdict.FAIL),
    (sub("arn:", PARTITION, ":s3:::b/*"), "equals", "arn:aws:s3:::b/*", Verdict.UNKNOWN),  # may be
    (sub("arn:", PARTITION, ":s3:::b/*"), "equals", "arn:aws-cn:s3:::b/*", Verdict.UNKNOWN),
    (sub(BUCKET, "/*"), "not_equals", "*", Verdict.PASS),  # an ARN followed by `/*` is not `*`
    (sub(BUCKET, "/*"), "equals", "x/*", Verdict.UNKNOWN),  # the hole may be anything
    (ACCOUNT, "equals", "none", Verdict.FAIL),  # twelve digits
    (ACCOUNT, "equals", "123456789012", Verdict.UNKNOWN),
    (ACCOUNT, "not_within", ["*", ""], Verdict.PASS),
    (sub("arn:", PARTITION, ":kms:"), "contains", ":kms:", Verdict.PASS),
    (sub("arn:", PARTITION, ":kms:"), "not_contains", ":kms:", Verdict.FAIL),
    # the partition never holds a `:`, so `:s3:` cannot appear anywhere in this text
    (sub("arn:", PARTITION, ":kms:"), "contains", ":s3:", Verdict.FAIL),
    (sub(BUCKET, ":kms:"), "contains", ":s3:", Verdict.UNKNOWN),  # the bucket's hole may hold it
    (sub("arn:", PARTITION), "is_not_empty", None, Verdict.PASS),
    (sub("arn:", PARTITION), "regex_match", "^arn:aws:", Verdict.UNKNOWN),  # never guessed
    (Unknown("var.x", "no default"), "not_equals", "*", Verdict.UNKNOWN),  # nothing known
])
def test_shapes_decide_only_what_every_value_shares(value, operator, expected_value, expected):
    r = make_resource(NB, {"x": value})
    assert verdict(attr("x", operator, expected_value), r).verdict is expected
