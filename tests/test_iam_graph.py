"""The graph side of the IAM helper: everything a principal is granted (attachments,
groups, managed policies, boundaries, denies), the roles AI resources run as, which
account a principal names, and the per-statement questions the graph policies add.
Hand-built resources; the policies themselves are covered by their fixtures."""
from __future__ import annotations

import pytest
from conftest import make_resource, pseudo, template

from iaclint.aws import iam
from iaclint.engine.policy import Context
from iaclint.model.project import Project
from iaclint.model.resource import Reference
from iaclint.model.unknown import Unknown

PASS_ANY = {"Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]}


def ref(expr: str, target: str) -> Unknown:
    return Unknown(expr, "known after apply", refs=(target,))


def stmt_of(statement: dict) -> iam.Statement:
    r = make_resource("aws_iam_policy", {"policy": {"Statement": [statement]}})
    return iam.permission_documents(r)[0].statements[0]


# --- accounts ---------------------------------------------------------------------------

@pytest.mark.parametrize("identifier,expected", [
    ("123456789012", "123456789012"),
    ("arn:aws:iam::123456789012:root", "123456789012"),
    ("arn:aws-us-gov:sts::123456789012:assumed-role/x/y", "123456789012"),
    ("*", iam.PUBLIC),
    ("AIDAEXAMPLEUNIQUEID", None),
    (template("arn:", pseudo("AWS::Partition"), ":iam::", pseudo("AWS::AccountId"), ":root"), iam.SELF),
    (Unknown("!Ref AWS::AccountId", "pseudo"), iam.SELF),
    (template("arn:aws:iam::", Unknown("data.aws_caller_identity.current.account_id", "after apply",
                                       refs=("data.aws_caller_identity.current",)), ":role/x"), iam.SELF),
    (Unknown("!GetAtt Admin.Arn", "attribute", refs=("Admin",)), iam.SELF),
    (template("arn:aws:iam::", Unknown("!Ref Partner", "no default"), ":root"), None),
    (Unknown("var.principal", "no default"), None),
])
def test_account_of(identifier, expected):
    assert iam.account_of(identifier) == expected


def test_own_accounts_come_from_the_unit_but_never_from_principals():
    role = make_resource("aws_iam_role", {"assume_role_policy": {"Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"}, "Action": "sts:AssumeRole",
         "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}}]}}, address="aws_iam_role.r")
    key = make_resource("aws_sagemaker_notebook_instance",
                        {"kms_key_id": "arn:aws:kms:us-east-1:222233334444:key/abc"}, address="n")
    elsewhere = make_resource("aws_sagemaker_notebook_instance",
                              {"kms_key_id": "arn:aws:kms:us-east-1:555566667777:key/abc"}, address="m", unit="other")
    ctx = Context(Project([role, key, elsewhere]))
    assert iam.own_accounts(role, ctx) == {"111122223333", "222233334444"}


# --- statement questions -----------------------------------------------------------------

@pytest.mark.parametrize("condition,expected", [
    (None, True),
    ({"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}, True),
    ({"StringEquals": {"iam:PassedToService": ["glue.amazonaws.com", "states.amazonaws.com"]}}, False),
    ({"StringLike": {"iam:PassedToService": "sage*"}}, True),
    ({"StringNotEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}, False),
    ({"StringEquals": {"iam:PassedToService": Unknown("var.s", "no default")}}, None),
    ({"Bool": {"aws:MultiFactorAuthPresent": "true"}}, True),  # another key: not what is reached
    (Unknown("var.c", "no default"), None),
])
def test_condition_allows(condition, expected):
    statement = {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}
    if condition is not None:
        statement["Condition"] = condition
    assert iam.condition_allows(stmt_of(statement), "iam:PassedToService", "sagemaker.amazonaws.com") is expected


@pytest.mark.parametrize("resource,expected", [
    ("*", True),
    ("arn:aws:iam::123456789012:role/*", True),
    ("arn:aws:iam::*:*", True),
    (template("arn:", pseudo("AWS::Partition"), ":iam::", pseudo("AWS::AccountId"), ":role/*"), True),
    ("arn:aws:iam::123456789012:role/service-role/*", False),
    ("arn:aws:iam::123456789012:role/churn-training", False),
    (Unknown("aws_iam_role.r.arn", "after apply", refs=("aws_iam_role.r",)), False),
    (Unknown("var.roles", "no default"), None),
])
def test_resource_is_every_role(resource, expected):
    stmt = stmt_of({"Effect": "Allow", "Action": "iam:PassRole", "Resource": resource})
    assert iam.resource_is_every_role(stmt) is expected


@pytest.mark.parametrize("resource,expected", [
    ("*", True),
    ("arn:aws:s3:::*", True),
    ("arn:aws:s3:::*/*", True),
    (template("arn:", pseudo("AWS::Partition"), ":s3:::*/*"), True),
    ("arn:aws:s3:::acme-ml-*/*", False),
    ("arn:aws:s3:::acme-ml-data/*", False),
    ("arn:aws:s3:::*/notebooks/*", False),
    (template("arn:aws:s3:::", pseudo("AWS::AccountId"), "-*/*"), False),
    (Unknown("aws_s3_bucket.b.arn", "after apply", refs=("aws_s3_bucket.b",)), False),
    (Unknown("var.buckets", "no default"), None),
])
def test_resource_is_every_object(resource, expected):
    """A hole in the partition reaches every bucket of the caller's partition; a hole in
    the bucket name does not make it every bucket."""
    stmt = stmt_of({"Effect": "Allow", "Action": "s3:GetObject", "Resource": resource})
    assert iam.resource_is_every_object(stmt) is expected


# --- principal_policies ------------------------------------------------------------------

def test_attachments_by_reference_and_by_literal_name():
    role = make_resource("aws_iam_role", {"name": "ml"}, address="aws_iam_role.ml")
    policy = make_resource("aws_iam_policy", {"policy": PASS_ANY}, address="aws_iam_policy.p")
    attach = make_resource("aws_iam_role_policy_attachment",
                           {"role": ref("aws_iam_role.ml.name", "aws_iam_role.ml"),
                            "policy_arn": ref("aws_iam_policy.p.arn", "aws_iam_policy.p")},
                           address="aws_iam_role_policy_attachment.a",
                           references=[Reference(("role",), "aws_iam_role.ml", "name"),
                                       Reference(("policy_arn",), "aws_iam_policy.p", "arn")])
    by_name = make_resource("aws_iam_role_policy", {"role": "ml", "policy": {"Statement": [
        {"Effect": "Allow", "Action": "sagemaker:CreateTrainingJob", "Resource": "*"}]}},
                            address="aws_iam_role_policy.inline")
    other = make_resource("aws_iam_role_policy", {"role": "someone-else", "policy": PASS_ANY},
                          address="aws_iam_role_policy.other")
    ctx = Context(Project([role, policy, attach, by_name, other]))
    grants = iam.principal_policies(role, ctx)
    assert [g.holder.address for g in grants.grants] == ["aws_iam_policy.p", "aws_iam_role_policy.inline"]
    grant, stmt = next(grants.statements())
    assert grant.point(stmt, "actions") == ()  # written elsewhere: the role's header
    assert grant.describe(stmt) == ("statement 1 of `aws_iam_policy.p` "
                                    "(attached through `aws_iam_role_policy_attachment.a`)")
    assert not grants.unknown_parts()


def test_managed_policy_arns_aws_managed_and_unknown():
    role = make_resource("aws_iam_role", {"name": "r", "managed_policy_arns": [
        "arn:aws:iam::aws:policy/AdministratorAccess",
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",  # not modelled: left out
        Unknown("var.extra", "no default"),
    ]}, address="aws_iam_role.r")
    grants = iam.principal_policies(role, Context(Project([role])))
    assert [(g.managed, g.path) for g in grants.grants] == [("AdministratorAccess", ("managed_policy_arns", 0))]
    hits = grants.allows("iam:PassRole", lambda s: iam.all3(iam.is_allow(s), iam.actions_overlap(s, "iam:PassRole")))
    assert [v for _, _, v in hits] == [True]
    assert grants.unknown_parts()[0][0] == ("managed_policy_arns", 2)


def test_user_gets_its_groups_policies():
    user = make_resource("aws_iam_user", {"name": "ana"}, address="aws_iam_user.ana")
    group = make_resource("aws_iam_group", {"name": "ml", "inline_policy": [{"name": "p", "policy": PASS_ANY}]},
                          address="aws_iam_group.ml")
    membership = make_resource("aws_iam_user_group_membership", {"user": "ana", "groups": ["ml"]},
                               address="aws_iam_user_group_membership.m")
    ctx = Context(Project([user, group, membership]))
    grants = iam.principal_policies(user, ctx)
    assert [g.group for g in grants.grants] == [group]
    grant, stmt = next(grants.statements())
    assert grant.describe(stmt) == "statement 1 in `inline_policy.policy` of group `aws_iam_group.ml`"


def test_deny_and_boundary_cap_what_is_allowed():
    def passes(s):
        return iam.all3(iam.is_allow(s), iam.actions_overlap(s, "iam:PassRole"))

    denied = make_resource("aws_iam_role", {"inline_policy": [{"name": "p", "policy": {"Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]}}]})
    assert iam.principal_policies(denied, None).allows("iam:PassRole", passes) == []
    bounded = make_resource("aws_iam_role", {"permissions_boundary": Unknown("var.boundary", "no default"),
                                             "inline_policy": [{"name": "p", "policy": PASS_ANY}]})
    assert [v for _, _, v in iam.principal_policies(bounded, None).allows("iam:PassRole", passes)] == [None]
    admin_bound = make_resource("aws_iam_role", {
        "permissions_boundary": "arn:aws:iam::aws:policy/AdministratorAccess",
        "inline_policy": [{"name": "p", "policy": PASS_ANY}]})
    assert [v for _, _, v in iam.principal_policies(admin_bound, None).allows("iam:PassRole", passes)] == [True]


# --- the roles AI resources run as ---------------------------------------------------------

def test_role_of_reference_by_graph_literal_arn_and_outside():
    role = make_resource("aws_iam_role", {"name": "platform"}, address="aws_iam_role.platform")
    by_ref = make_resource("aws_sagemaker_domain", {"default_user_settings": [
        {"execution_role": ref("aws_iam_role.platform.arn", "aws_iam_role.platform")}]}, address="d",
        references=[Reference(("default_user_settings", 0, "execution_role"), "aws_iam_role.platform", "arn")])
    literal = make_resource("aws_sagemaker_notebook_instance",
                            {"role_arn": "arn:aws:iam::111122223333:role/platform"}, address="n")
    outside = make_resource("aws_sagemaker_notebook_instance",
                            {"role_arn": ref("aws_iam_role.gone.arn", "aws_iam_role.gone")}, address="o",
                            references=[Reference(("role_arn",), "aws_iam_role.gone", "arn")])
    ctx = Context(Project([role, by_ref, literal, outside]))
    assert iam.role_of_reference(by_ref, ("default_user_settings", "execution_role"), ctx) == [
        (("default_user_settings", 0, "execution_role"), role, "")]
    assert iam.role_of_reference(literal, ("role_arn",), ctx) == [(("role_arn",), role, "")]
    [(path, found, reason)] = iam.role_of_reference(outside, ("role_arn",), ctx)
    assert found is None and "aws_iam_role.gone" in reason
    assert [(r.address, p) for r, p in iam.execution_role_users(role, ctx)] == [
        ("d", ("default_user_settings", 0, "execution_role")), ("n", ("role_arn",))]
