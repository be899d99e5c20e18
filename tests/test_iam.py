"""The IAM helper: where documents live, normalized statements, wildcard-aware matching,
three-valued answers, and the paths findings point at. Pure: hand-built resources and
CloudFormation templates parsed in memory."""
from __future__ import annotations

import textwrap

import pytest
from conftest import make_resource, pseudo, template

from iaclint.aws import iam
from iaclint.engine.policy import Context, Verdict
from iaclint.model.documents import EncodedJson
from iaclint.model.project import Project
from iaclint.model import symbolic
from iaclint.model.unknown import Unknown

PARTITION = pseudo("AWS::Partition", r"aws[a-z0-9-]*")
ACCOUNT = pseudo("AWS::AccountId", r"[0-9]{12}")

DS = "data.aws_iam_policy_document"


def role(*statements, trust=None, **kwargs):
    attrs = {"name": "r", "inline_policy": [{"name": "p", "policy": {"Version": "2012-10-17",
                                                                     "Statement": list(statements)}}]}
    if trust is not None:
        attrs["assume_role_policy"] = trust
    return make_resource("aws_iam_role", attrs, address="aws_iam_role.r", **kwargs)


def allow(action="s3:GetObject", resource="*", **extra):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def only_statement(resource, ctx=None):
    docs = iam.permission_documents(resource, ctx)
    assert len(docs) == 1 and len(docs[0].statements) == 1
    return docs[0].statements[0]


def cfn(text: str):
    """Canonical resources of a CloudFormation template given as YAML text."""
    from iaclint.frontends.cloudformation.template import load_template
    from iaclint.normalize import normalize

    result = load_template("t.yaml", textwrap.dedent(text).encode(), {})
    assert not result.errors, result.errors
    return {r.address: r for r in (normalize(raw) for raw in result.resources)}


# --- glob matching ----------------------------------------------------------------------

@pytest.mark.parametrize("pattern,name,expected", [
    ("bedrock:*", "bedrock:InvokeModel", True),
    ("bedrock:Invoke*", "bedrock:InvokeModelWithResponseStream", True),
    ("BEDROCK:invokemodel", "bedrock:InvokeModel", True),  # IAM compares actions case-insensitively
    ("bedrock:Invoke?odel", "bedrock:InvokeModel", True),
    ("bedrock:Invoke?odel", "bedrock:InvokeMmodel", False),
    ("bedrock:Invoke*", "bedrock:GetFoundationModel", False),
    ("*", "sagemaker:CreatePresignedDomainUrl", True),
    ("s3:*", "bedrock:InvokeModel", False),
])
def test_matches(pattern, name, expected):
    assert iam.matches(pattern, name) is expected


@pytest.mark.parametrize("pattern,query,expected", [
    ("*", "bedrock:*", True),
    ("*:*", "bedrock:*", True),
    ("bedrock:*", "bedrock:*", True),
    ("Bedrock:*", "bedrock:Invoke*", True),
    ("bed*", "bedrock:*", True),
    ("bedrock:Invoke*", "bedrock:*", False),
    ("bedrock:InvokeModel", "bedrock:InvokeModel*", False),
    ("bedrock:?*", "bedrock:*", False),  # `bedrock:` itself is matched by the query only
    ("iam:Pass*", "iam:PassRole", True),
    ("s3:*", "bedrock:*", False),
])
def test_covers(pattern, query, expected):
    assert iam.covers(pattern, query) is expected


@pytest.mark.parametrize("a,b,expected", [
    ("bedrock:Invoke*", "bedrock:InvokeModel*", True),
    ("bedrock:InvokeModel", "bedrock:InvokeModel*", True),
    ("bedrock:*Model*", "bedrock:InvokeModel*", True),
    ("bedrock:Get*", "bedrock:InvokeModel*", False),
    ("s3:*", "bedrock:*", False),
    ("*", "anything:AtAll", True),
    ("bedrock:Re*", "bedrock:Retrieve*", True),
    ("sagemaker:Create?", "sagemaker:CreateX*", True),
    ("sagemaker:Create?", "sagemaker:CreateXY*", False),
])
def test_overlaps(a, b, expected):
    assert iam.overlaps(a, b) is expected
    assert iam.overlaps(b, a) is expected


# --- statements: shapes, NotAction, resources ------------------------------------------

def test_action_string_and_list_are_the_same():
    one = only_statement(role(allow("bedrock:*")))
    many = only_statement(role(allow(["s3:GetObject", "bedrock:*"])))
    assert one.actions == ["bedrock:*"]
    assert iam.actions_cover(one, "bedrock:*") is True
    assert iam.actions_cover(many, "bedrock:*") is True


def test_single_statement_object_and_its_paths():
    r = make_resource("aws_iam_policy", {"policy": {"Statement": allow("bedrock:*")}})
    stmt = only_statement(r)
    assert stmt.path == ("policy", "Statement")
    assert stmt.paths["actions"] == ("policy", "Statement", "Action")
    assert stmt.paths["resources"] == ("policy", "Statement", "Resource")
    assert stmt.label() == "statement 1"


def test_inline_policy_paths_and_sid_label():
    r = role(allow("s3:GetObject"), allow("bedrock:*", Sid="Models"))
    stmts = iam.permission_documents(r)[0].statements
    assert stmts[1].path_of("actions") == ("inline_policy", 0, "policy", "Statement", 1, "Action")
    assert stmts[1].label() == 'statement "Models"'


def test_not_action_grants_what_it_does_not_list():
    stmt = only_statement(role({"Effect": "Allow", "NotAction": ["s3:*"], "Resource": "*"}))
    assert iam.actions_cover(stmt, "bedrock:*") is True
    assert iam.actions_overlap(stmt, "s3:GetObject") is False
    excluded = only_statement(role({"Effect": "Allow", "NotAction": ["bedrock:*", "iam:*"], "Resource": "*"}))
    assert iam.actions_cover(excluded, "bedrock:*") is False
    assert iam.actions_overlap(excluded, "bedrock:InvokeModel*") is False
    partly = only_statement(role({"Effect": "Allow", "NotAction": "bedrock:Delete*", "Resource": "*"}))
    assert iam.actions_cover(partly, "bedrock:*") is False  # not all of Bedrock
    assert iam.actions_overlap(partly, "bedrock:InvokeModel*") is True


def test_effect_and_missing_elements():
    assert iam.is_allow(only_statement(role(allow()))) is True
    assert iam.is_allow(only_statement(role({"Effect": "Deny", "Action": "*", "Resource": "*"}))) is False
    no_effect = only_statement(role({"Action": "*", "Resource": "*"}))
    assert iam.is_allow(no_effect) is False  # invalid JSON statement: grants nothing
    no_action = only_statement(role({"Effect": "Allow", "Resource": "*"}))
    assert iam.actions_cover(no_action, "bedrock:*") is False


@pytest.mark.parametrize("statement,expected", [
    (allow(resource="*"), True),
    (allow(resource=["arn:aws:s3:::b", "*"]), True),
    (allow(resource="arn:aws:bedrock:*:*:foundation-model/*"), False),
    ({"Effect": "Allow", "Action": "bedrock:*", "NotResource": "arn:aws:bedrock:*:*:agent/prod"}, True),
    ({"Effect": "Allow", "Action": "bedrock:*", "NotResource": "*"}, False),
])
def test_resource_is_star(statement, expected):
    assert iam.resource_is_star(only_statement(role(statement))) is expected


def test_resources_cover():
    stmt = only_statement(role(allow(resource="arn:aws:iam::123456789012:role/ml-*")))
    assert iam.resources_cover(stmt, "arn:aws:iam::123456789012:role/ml-training") is True
    assert iam.resources_cover(stmt, "arn:aws:iam::123456789012:role/admin") is False


# --- principals and conditions ---------------------------------------------------------

@pytest.mark.parametrize("principal,expected", [
    ("*", True),
    ({"AWS": "*"}, True),
    ({"AWS": ["arn:aws:iam::123456789012:root", "*"]}, True),
    ({"AWS": "arn:aws:iam::123456789012:root"}, False),
    ({"Service": "sagemaker.amazonaws.com"}, False),
    ({"AWS": Unknown("var.p", "no default")}, None),
    ({"AWS": Unknown("!GetAtt Role.Arn", "attribute", refs=("Role",))}, False),
    ({"AWS": template("arn:", PARTITION, ":iam::", ACCOUNT, ":root")}, False),
])
def test_principal_is_public(principal, expected):
    r = make_resource("aws_kms_key", {"policy": {"Statement": [allow(Principal=principal)]}})
    stmt = iam.resource_policy_documents(r)[0].statements[0]
    assert iam.principal_is_public(stmt) is expected


def test_not_principal_with_allow_is_public():
    r = make_resource("aws_kms_key", {"policy": {"Statement": [
        {"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*",
         "Resource": "*"}]}})
    assert iam.principal_is_public(iam.resource_policy_documents(r)[0].statements[0]) is True


def test_principal_accounts():
    r = make_resource("aws_kms_key", {"policy": {"Statement": [allow(Principal={"AWS": [
        "arn:aws:iam::111111111111:root", "222222222222", "arn:aws:iam::333333333333:role/x"]})]}})
    stmt = iam.resource_policy_documents(r)[0].statements[0]
    assert iam.principal_accounts(stmt) == ["111111111111", "222222222222", "333333333333"]
    assert iam.principal_other_accounts(stmt, ["111111111111"]) is True
    assert iam.principal_other_accounts(stmt, ["111111111111", "222222222222", "333333333333"]) is False


@pytest.mark.parametrize("condition,expected", [
    ({"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}, True),
    ({"StringEquals": {"IAM:passedtoservice": ["a", "b"]}}, True),  # keys are case-insensitive
    ({"StringLike": {"iam:PassedToService": Unknown("var.s", "no default")}}, True),  # the key counts
    ({"Bool": {"aws:MultiFactorAuthPresent": "true"}}, False),
    ({"Null": {"iam:PassedToService": "false"}}, False),  # presence only
    ({"ForAllValues:StringEquals": {"iam:PassedToService": "x"}}, False),  # true when absent
    (Unknown("var.condition", "no default"), None),
])
def test_has_condition(condition, expected):
    stmt = only_statement(role(allow("iam:PassRole", Condition=condition)))
    assert iam.has_condition(stmt, ["iam:PassedToService"]) is expected


def test_trust_documents_are_separate_from_permissions():
    trust = {"Statement": [{"Effect": "Allow", "Principal": {"Service": "bedrock.amazonaws.com"},
                            "Action": "sts:AssumeRole"}]}
    r = role(allow("s3:GetObject"), trust=trust)
    permissions = iam.permission_documents(r)
    assert [d.path for d in permissions] == [("inline_policy", 0, "policy")]
    trusts = iam.trust_documents(r)
    assert [d.path for d in trusts] == [("assume_role_policy",)]
    assert iam.service_principals(trusts[0].statements[0]) == ["bedrock.amazonaws.com"]


# --- Unknown values ---------------------------------------------------------------------

def test_unknown_action_is_unknown_but_known_wildcard_decides():
    unknown = Unknown("var.actions", "no default")
    assert iam.actions_cover(only_statement(role(allow(unknown))), "bedrock:*") is None
    assert iam.actions_cover(only_statement(role(allow(["bedrock:*", unknown]))), "bedrock:*") is True


def test_template_unknown_keeps_its_literal_text():
    # A Terraform template keeps `${...}` for its unknown parts; a CFN !Sub keeps its body.
    tf = template("s3:", Unknown("var.kind", "no default"), "*")
    assert iam.actions_overlap(only_statement(role(allow([tf]))), "bedrock:*") is False
    assert iam.actions_overlap(only_statement(role(allow([tf]))), "s3:GetObject") is None
    arn = template("arn:aws:s3:::", Unknown("var.bucket", "no default"), "/*")
    assert iam.resource_is_star(only_statement(role(allow(resource=arn)))) is False
    star = template(Unknown("var.prefix", "no default"), "*")
    assert iam.resource_is_star(only_statement(role(allow(resource=star)))) is None
    conditional = symbolic.choice([Unknown("var.a", "no default"), "*"], 'var.c ? var.a : "*"', "no default")
    assert iam.resource_is_star(only_statement(role(allow(resource=conditional)))) is None
    region = pseudo("AWS::Region", r"[a-z0-9-]+")
    sub = template("arn:", PARTITION, ":bedrock:", region, "::foundation-model/*")
    assert iam.resource_is_star(only_statement(role(allow(resource=sub)))) is False
    ref = Unknown("aws_s3_bucket.b.arn", "after apply", refs=("aws_s3_bucket.b",))
    assert iam.resource_is_star(only_statement(role(allow(resource=ref)))) is False
    variable = Unknown("var.resource", "no default")
    assert iam.resource_is_star(only_statement(role(allow(resource=variable)))) is None


@pytest.mark.parametrize("expr, refs, expected", [
    ("aws_sagemaker_endpoint.e[count.index].arn", ("aws_sagemaker_endpoint.e",), False),
    ("aws_kms_key.k[each.key].arn", ("aws_kms_key.k",), False),
    ("data.aws_bedrock_foundation_model.m[id].model_arn", ("data.aws_bedrock_foundation_model.m",), False),
    ("aws_kms_key.k[local.names[0]].arn", ("aws_kms_key.k",), None),  # an index with brackets: not read
    ("var.arns[each.key]", (), None),  # a value, not a resource: it may be `*`
    ("local.arns[id]", ("aws_kms_key.k",), None),
])
def test_an_indexed_resource_attribute_is_never_star(expr, refs, expected):
    """The Unknown of `aws_x.y[each.key].arn` keeps the index as written (`each.key`, a
    `for` variable), not its value: it is still an attribute of a resource instance."""
    value = Unknown(expr, "known only after apply", refs=refs)
    assert iam.resource_is_star(only_statement(role(allow(resource=value)))) is expected


def test_unknown_effect():
    stmt = only_statement(role({"Effect": Unknown("var.e", "no default"), "Action": "*", "Resource": "*"}))
    assert iam.is_allow(stmt) is None
    assert iam.all3(iam.is_allow(stmt), iam.actions_cover(stmt, "bedrock:*")) is None


def test_unknown_document_not_in_project_is_unknown():
    doc_value = Unknown("var.policy_json", "no default")
    r = make_resource("aws_iam_policy", {"policy": doc_value})
    docs = iam.permission_documents(r, Context(Project([r])))
    assert len(docs) == 1 and docs[0].statements == []
    assert docs[0].unknowns[0][0] == ("policy",)
    assert docs[0].unknowns[0][1] is doc_value


def test_document_from_project_data_source_is_skipped_then_followed():
    ds = make_resource(DS, {"statement": [{"actions": ["bedrock:*"], "resources": ["*"]}]},
                       address="data.aws_iam_policy_document.d")
    ref = Unknown("data.aws_iam_policy_document.d.json", "after read", refs=("data.aws_iam_policy_document.d",))
    policy = make_resource("aws_iam_policy", {"policy": ref}, address="aws_iam_policy.p")
    key = make_resource("aws_kms_key", {"policy": ref}, address="aws_kms_key.k")
    ctx = Context(Project([ds, policy, key]))
    assert iam.permission_documents(policy, ctx) == []  # the data source is checked on its own
    followed = iam.resource_policy_documents(key, ctx)
    assert len(followed) == 1 and followed[0].source is ds
    assert followed[0].statements[0].resource is ds
    # Without the data source in the project, the same reference is unknown.
    alone = iam.permission_documents(policy, Context(Project([policy])))
    assert alone[0].unknowns and not alone[0].statements


def test_unknown_statement_list_and_item():
    r = make_resource("aws_iam_policy", {"policy": {"Statement": [allow("bedrock:*"), Unknown("local.s", "x")]}})
    doc = iam.permission_documents(r)[0]
    assert len(doc.statements) == 1
    assert doc.unknowns[0][0] == ("policy", "Statement", 1)


def test_json_string_and_encoded_json_documents():
    text = '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "bedrock:*", "Resource": "*"}}'
    for value in (text, EncodedJson({"Statement": [allow("bedrock:*")]})):
        r = make_resource("aws_iam_policy", {"policy": value})
        assert iam.actions_cover(only_statement(r), "bedrock:*") is True
    broken = make_resource("aws_iam_policy", {"policy": "not json"})
    assert iam.permission_documents(broken)[0].unknowns


# --- data "aws_iam_policy_document" ------------------------------------------------------

def test_data_source_statements():
    ds = make_resource(DS, {"statement": [
        {"sid": "A", "actions": ["bedrock:*"], "resources": ["*"]},
        {"effect": "Deny", "not_actions": ["s3:*"], "not_resources": ["arn:aws:s3:::b"],
         "principals": [{"type": "AWS", "identifiers": ["*"]}],
         "condition": [{"test": "StringEquals", "variable": "aws:SourceVpc", "values": ["vpc-1"]}]},
    ]}, address="data.aws_iam_policy_document.d")
    a, b = iam.permission_documents(ds)[0].statements
    assert iam.is_allow(a) is True  # effect defaults to Allow
    assert a.path_of("actions") == ("statement", 0, "actions")
    assert a.label() == 'statement "A"'
    assert iam.is_deny(b) is True
    assert b.paths["not_actions"] == ("statement", 1, "not_actions")
    assert b.principals == [iam.Principal("AWS", "*")]
    assert iam.principal_is_public(b) is True
    assert iam.has_condition(b, ["aws:SourceVpc"]) is True
    assert b.paths["conditions"] == ("statement", 1, "condition")


def test_data_source_star_principal_type():
    ds = make_resource(DS, {"statement": [{"actions": ["kms:*"], "resources": ["*"],
                                           "principals": [{"type": "*", "identifiers": ["*"]}]}]})
    assert iam.principal_is_public(iam.permission_documents(ds)[0].statements[0]) is True


def test_data_source_override_replaces_statement_with_same_sid():
    ds = make_resource(DS, {
        "statement": [{"sid": "Models", "actions": ["bedrock:*"], "resources": ["*"]}],
        "override_policy_documents": [EncodedJson({"Statement": [
            {"Sid": "Models", "Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": "*"}]})],
    })
    stmts = iam.permission_documents(ds)[0].statements
    assert len(stmts) == 1
    assert stmts[0].actions == ["bedrock:InvokeModel"]
    assert stmts[0].path == ("override_policy_documents", 0, "Statement", 0)


def test_data_source_unknown_statement_blocks():
    ds = make_resource(DS, {"statement": Unknown("dynamic statement", "for_each unknown")})
    doc = iam.permission_documents(ds)[0]
    assert doc.unknowns and doc.unknowns[0][0] == ("statement",)


# --- results -----------------------------------------------------------------------------

def _bedrock_star(stmt):
    verdict = iam.all3(iam.is_allow(stmt), iam.actions_cover(stmt, "bedrock:*"))
    return iam.Outcome(verdict, stmt.path_of("actions", "not_actions"), "allows bedrock:*")


def test_check_statements_one_result_per_offending_statement():
    r = role(allow("bedrock:*"), allow("s3:GetObject"), allow(["*"]),
             allow(Unknown("var.a", "no default")))
    results = list(iam.check_statements(r, Context(Project([r])), _bedrock_star))
    assert [x.verdict for x in results] == [Verdict.FAIL, Verdict.FAIL, Verdict.UNKNOWN]
    assert results[0].path == ("inline_policy", 0, "policy", "Statement", 0, "Action")
    assert results[1].path == ("inline_policy", 0, "policy", "Statement", 2, "Action")
    assert results[0].message.startswith("Statement 1 in `inline_policy.policy` allows")
    assert "var.a" in results[2].message


def test_check_statements_pass_and_principal_statements_skipped():
    clean = role(allow("s3:GetObject"))
    assert [x.verdict for x in iam.check_statements(clean, None, _bedrock_star)] == [Verdict.PASS]
    ds = make_resource(DS, {"statement": [{"actions": ["*"], "resources": ["*"],
                                           "principals": [{"type": "AWS", "identifiers": ["arn:aws:iam::1:root"]}]}]})
    assert [x.verdict for x in iam.check_statements(ds, None, _bedrock_star)] == [Verdict.PASS]


def test_followed_statement_points_at_the_document_attribute():
    ds = make_resource(DS, {"statement": [{"actions": ["bedrock:*"], "resources": ["*"]}]},
                       address="data.aws_iam_policy_document.d")
    ref = Unknown("data.aws_iam_policy_document.d.json", "after read", refs=("data.aws_iam_policy_document.d",))
    key = make_resource("aws_kms_key", {"policy": ref}, address="aws_kms_key.k")
    ctx = Context(Project([ds, key]))
    results = list(iam.check_statements(key, ctx, _bedrock_star, iam.resource_policy_documents(key, ctx)))
    assert [(x.verdict, x.path) for x in results] == [(Verdict.FAIL, ("policy",))]
    assert "data.aws_iam_policy_document.d" in results[0].message


# --- parsed CloudFormation: canonical paths have spans ----------------------------------

TEMPLATE = """
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: sagemaker.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: s3:GetObject
                Resource: arn:aws:s3:::b/*
              - Effect: Allow
                Action: [bedrock:*]
                Resource: "*"
  Managed:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          Effect: Allow
          NotAction: s3:*
          Resource: !GetAtt Role.Arn
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Statement:
          - Effect: Allow
            Principal: {AWS: "*"}
            Action: kms:Decrypt
            Resource: "*"
"""


def test_cloudformation_paths_and_spans():
    resources = cfn(TEMPLATE)
    role_ = resources["Role"]
    stmt = iam.permission_documents(role_)[0].statements[1]
    assert stmt.paths["actions"] == ("inline_policy", 0, "policy", "Statement", 1, "Action")
    assert role_.span_for(stmt.paths["actions"]).line == 20
    assert role_.span_for(stmt.paths["resources"]).line == 21
    assert role_.native_name(("inline_policy", 0, "policy")) == "Policies.PolicyDocument"
    assert iam.trust_documents(role_)[0].statements[0].principals == [
        iam.Principal("Service", "sagemaker.amazonaws.com")]

    managed = resources["Managed"]
    m = iam.permission_documents(managed)[0].statements[0]
    assert m.path == ("policy", "Statement")
    assert managed.span_for(m.paths["not_actions"]).line == 28
    assert iam.actions_cover(m, "bedrock:*") is True
    assert iam.resource_is_star(m) is False  # a GetAtt ARN is never `*`

    key = resources["Key"]
    k = iam.resource_policy_documents(key)[0].statements[0]
    assert iam.principal_is_public(k) is True
    assert key.span_for(k.paths["principals"]).line == 36


# --- roles: trust and AWS managed policies ----------------------------------------------

def _trust(principal, **extra):
    return {"Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole", **extra}]}


@pytest.mark.parametrize("trust,expected", [
    (_trust({"Service": "sagemaker.amazonaws.com"}), True),
    (_trust({"Service": ["lambda.amazonaws.com", "Bedrock.amazonaws.com"]}), True),
    (_trust({"Service": "lambda.amazonaws.com"}), False),
    (_trust({"AWS": "arn:aws:iam::123456789012:root"}), False),
    (_trust({"Service": Unknown("var.service", "no default")}), None),
    (Unknown("var.trust", "no default"), None),
])
def test_trusts_service(trust, expected):
    r = role(allow(), trust=trust)
    assert iam.trusts_service(r, ["sagemaker.amazonaws.com", "bedrock.amazonaws.com"]) is expected


@pytest.mark.parametrize("value,expected", [
    ("arn:aws:iam::aws:policy/AmazonSageMakerFullAccess", True),
    ("arn:aws-us-gov:iam::aws:policy/AdministratorAccess", True),
    ("arn:aws:iam::aws:policy/AmazonSageMakerReadOnly", False),
    ("arn:aws:iam::123456789012:policy/AmazonSageMakerFullAccess", False),  # customer managed
    (template("arn:", PARTITION, ":iam::aws:policy/AmazonSageMakerFullAccess"), True),
    (template("arn:", Unknown("data.aws_partition.p.partition", "x"), ":iam::aws:policy/ReadOnlyAccess"), False),
    # a choice: every branch is a broad policy, or one of them is not
    (symbolic.choice(["arn:aws:iam::aws:policy/AdministratorAccess",
                      template("arn:", PARTITION, ":iam::aws:policy/AmazonSageMakerFullAccess")], "c", "r"), True),
    (symbolic.choice(["arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/ReadOnlyAccess"],
                     "c", "r"), None),
    (Unknown("var.arn", "no default"), None),
    (Unknown("aws_iam_policy.p.arn", "after apply", refs=("aws_iam_policy.p",)), False),
])
def test_aws_managed_policy(value, expected):
    names = ["AmazonSageMakerFullAccess", "AdministratorAccess"]
    assert iam.aws_managed_policy(value, names) is expected


def test_unknown_inline_policy_blocks_are_unknown_not_pass():
    r = make_resource("aws_iam_role", {"inline_policy": Unknown("dynamic inline_policy", "for_each unknown")})
    docs = iam.permission_documents(r)
    assert docs and docs[0].unknowns and docs[0].path == ("inline_policy",)
    item = make_resource("aws_iam_role", {"inline_policy": [{"name": "a", "policy": {"Statement": []}},
                                                            Unknown("!If C", "condition unknown")]})
    assert [d.path for d in iam.permission_documents(item)] == [("inline_policy", 0, "policy"), ("inline_policy", 1)]


def test_glob_matching_stays_fast_and_safe_on_hostile_input():
    pattern = "a*" * 400 + "b"
    text = "a" * 3000
    assert iam.matches(pattern, text) is False
    assert iam.covers("*", "x" * 5000) is True
    assert iam.covers("*" * 1200, "x" * 1200) is None  # beyond the size cap: "cannot tell", never a guess
    assert iam.overlaps("a?" * 600, "a?" * 600 + "c") is None
    assert iam.overlaps(pattern, "a*" * 300 + "c") is False


def test_an_elements_key_is_found_as_key_finds_it_from_the_folded_keys():
    import itertools

    from iaclint.aws.iam.statements import JSON_FIELDS, _key, _keys_of

    spellings = ["Action", "action", "ACTION", "NotAction", "notaction", "Resource", "resource", "Effect",
                 "effect", 3, "Sid", "sid", "Condition"]
    for size in (0, 1, 2, 3):
        for keys in itertools.permutations(spellings, size):
            mapping = dict.fromkeys(keys, "x")
            find = _keys_of(mapping)
            for name in list(JSON_FIELDS.values()) + ["Missing"]:
                assert find(mapping, name) == _key(mapping, name), (keys, name)


@pytest.mark.parametrize("effect", ["Allow", "Deny", "deny", Unknown("var.effect", "a variable")])
@pytest.mark.parametrize("conditions", [None, {"StringEquals": {"aws:SourceVpc": "vpc-1"}}])
def test_denies_answers_the_whole_test_and_compares_actions_only_for_a_deny(effect, conditions):
    from iaclint.model.work import Meter, metered

    extra = {"Condition": conditions} if conditions else {}
    r = role({"Effect": effect, "Action": ["bedrock:*", "s3:GetObject"], "Resource": "*", **extra})
    granted = iam.principal_policies(r, None)
    for action in ("bedrock:InvokeModel", "s3:PutObject", "iam:PassRole"):
        stmt = only_statement(r)
        whole = iam.all3(iam.is_deny(stmt), iam.actions_cover(stmt, action), iam.resource_is_star(stmt),
                         not stmt.conditions and "conditions" not in stmt.paths)
        with metered(Meter(10 ** 6, "test")) as meter:
            assert granted.denies(action) == whole
        compared = meter.left < 10 ** 6
        assert compared == (iam.is_deny(stmt) is not False)


def _any3_reference(stmt, query, cover: bool):
    """`actions_cover` (`cover`) / `actions_overlap` as any3 over a generator, as they were
    written before `_any_element`: what the loop must answer, and charge, exactly."""
    from iaclint.aws.iam.matching import covers, overlaps, unknown_covers, unknown_overlaps
    from iaclint.model.unknown import is_unknown

    first, second = (covers, unknown_covers) if cover else (overlaps, unknown_overlaps)
    if "actions" in stmt.paths:
        return iam.any3(second(a, query) if is_unknown(a) else first(a, query) for a in stmt.actions)
    first, second = (overlaps, unknown_overlaps) if cover else (covers, unknown_covers)
    if "not_actions" in stmt.paths:
        return iam.not3(iam.any3(second(a, query) if is_unknown(a) else first(a, query) for a in stmt.not_actions))
    return False


@pytest.mark.parametrize("element", ["Action", "NotAction"])
@pytest.mark.parametrize("actions", [
    ["bedrock:*", "s3:GetObject"], ["s3:GetObject", "bedrock:InvokeModel*", "*"], [],
    [Unknown("var.action", "a variable"), "bedrock:InvokeModel"],
    ["sagemaker:Create*", Unknown("var.action", "a variable"), "bedrock:Converse"],
])
def test_action_questions_answer_and_charge_as_any3_did(element, actions):
    from iaclint.model.work import Meter, metered

    r = role({"Effect": "Allow", element: actions, "Resource": "*"})
    stmt = only_statement(r)
    for query in ("bedrock:InvokeModel", "bedrock:*", "s3:GetObject", "iam:PassRole"):
        for question, cover in ((iam.actions_cover, True), (iam.actions_overlap, False)):
            with metered(Meter(10 ** 6, "reference")) as expected:
                answer = _any3_reference(stmt, query, cover)
            with metered(Meter(10 ** 6, "loop")) as meter:
                assert question(stmt, query) is answer
            assert meter.left == expected.left, (question.__name__, query)
    queries = ("s3:PutObject", "bedrock:InvokeModel*", "sagemaker:CreateTrainingJob")
    with metered(Meter(10 ** 6, "reference")) as expected:
        answer = iam.any3(_any3_reference(stmt, q, False) for q in queries)
    with metered(Meter(10 ** 6, "loop")) as meter:
        assert iam.actions_overlap_any(stmt, queries) is answer
    assert meter.left == expected.left


def test_a_true_action_stops_the_comparisons_and_their_charges():
    from iaclint.model.work import Meter, metered

    stmt = only_statement(role({"Effect": "Allow", "Action": ["bedrock:*", "s3:GetObject"], "Resource": "*"}))
    with metered(Meter(1000, "test")) as meter:
        assert iam.actions_overlap(stmt, "bedrock:InvokeModel") is True
    assert 1000 - meter.left == 2 + len("bedrock:*") * len("bedrock:InvokeModel") // 64  # the first element only
    with metered(Meter(1000, "test")) as meter:
        assert iam.actions_overlap(stmt, "iam:PassRole") is False
    assert 1000 - meter.left == (2 + len("bedrock:*") * len("iam:PassRole") // 64) + \
        (2 + len("s3:GetObject") * len("iam:PassRole") // 64)


def test_principal_statements_are_listed_once_and_read_again():
    r = role({"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
             {"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"},
             {"Effect": "Deny", "Action": "iam:PassRole", "Resource": "*"})
    granted = iam.principal_policies(r, None)
    first = [stmt.effect for _, stmt in granted.statements()]
    assert first == ["Allow", "Deny"]  # the statement with a Principal grants nothing
    assert [stmt.effect for _, stmt in granted.statements()] == first
    grant, stmt = next(granted.statements())
    assert stmt.effect == "Allow"
    assert granted.denies("iam:PassRole") is True
    assert granted.denies("s3:GetObject") is False
    assert granted.allows("iam:PassRole", iam.is_allow) == []  # the unconditional Deny removes it
    assert granted.allows("s3:GetObject", iam.is_allow) == [(grant, stmt, True)]


@pytest.mark.parametrize("value", ["*", " * ", "**", "", " ", "a*", "arn:aws:s3:::*", 3, None, True, ["*"],
                                   Unknown("var.resource", "a variable"),
                                   Unknown('var.x ? "*" : "a"', "a choice", alternatives=("*", "a")),
                                   Unknown('var.x ? "*" : "**"', "a choice", alternatives=("*", "**"))])
def test_is_star_answers_as_deciding_every_value_did(value):
    from iaclint.aws.iam.questions import _is_star

    assert iam.is_star(value) is symbolic.decide(value, _is_star, absent=False)
    stmt = only_statement(role({"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::b", value]}))
    assert iam.resource_is_star(stmt) is iam.any3([False, symbolic.decide(value, _is_star, absent=False)])
