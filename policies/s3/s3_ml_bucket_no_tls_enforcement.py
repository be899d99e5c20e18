"""IAC115: an ML bucket's policy denies requests that do not use TLS.

The bucket policies are the Terraform `aws_s3_bucket_policy` resources and CloudFormation
`AWS::S3::BucketPolicy` resources that point at the bucket (by reference or by its name),
and the legacy inline `policy` of a Terraform `aws_s3_bucket`. A policy written as a
`data "aws_iam_policy_document"` is followed.
"""
from __future__ import annotations

import re

from iaclint.aws import iam, s3
from iaclint.aws.scoped import scoped_verdict
from iaclint.aws.verdicts import Check
from iaclint.engine.policy import Policy
from iaclint.model.unknown import is_unknown

_PARTITION = re.compile(r"^arn:aws[a-z-]*:", re.IGNORECASE)
_ACTIONS = ("s3:GetObject", "s3:PutObject")


def _covers_objects(stmt: iam.Statement, bucket) -> iam.Tri:
    """Does the statement's `Resource` cover every object of `bucket` (`arn:aws:s3:::name/*`)?"""
    if "resources" not in stmt.paths:
        return None if "not_resources" in stmt.paths else False
    name = s3.bucket_name(bucket)
    answers = []
    for element in stmt.resources:
        if is_unknown(element):
            if bucket.address in element.refs:
                answers.append(element.expr.rstrip().rstrip("\"'").endswith("*"))
            elif element.refs:
                answers.append(False)  # another resource's ARN
            else:
                answers.append(None)
        elif isinstance(element, str):
            text = _PARTITION.sub("arn:aws:", element.strip())
            if iam.covers(text, "arn:aws:s3:::*/*"):
                answers.append(True)
            elif isinstance(name, str):
                answers.append(iam.covers(text, f"arn:aws:s3:::{name}/*"))
            else:
                answers.append(None if text.lower().startswith("arn:aws:s3:::") else False)
    return iam.any3(answers)


def _denies_plain_http(condition: iam.Condition) -> iam.Tri:
    if is_unknown(condition.test) or is_unknown(condition.variable):
        return None
    if not isinstance(condition.variable, str) or condition.variable.strip().lower() != "aws:securetransport":
        return False
    if str(condition.test).strip().lower() not in ("bool", "boolifexists"):
        return False
    values = [v for v in condition.values]
    if any(is_unknown(v) for v in values):
        return None
    return any(str(v).strip().lower() == "false" for v in values)


def _tls_statement(stmt: iam.Statement, bucket) -> iam.Tri:
    return iam.all3(
        iam.is_deny(stmt),
        iam.principal_is_public(stmt),
        *(iam.actions_cover(stmt, action) for action in _ACTIONS),
        _covers_objects(stmt, bucket),
        iam.any3(_denies_plain_http(c) for c in stmt.conditions),
    )


def tls_check(bucket, ctx) -> Check:
    linked, maybe = s3.attached(bucket, ctx, s3.POLICY_TYPE)
    sources = [(r, ("policy",)) for r in linked]
    if bucket.attributes.get("policy") is not None:  # Terraform provider v3 inline policy
        sources.append((bucket, ("policy",)))
    if not sources:
        if maybe:
            return s3.maybe_configured(maybe, "The bucket policy")
        return Check(True, "no bucket policy refers to it, so requests over plain HTTP are allowed")
    answers, unknown_reason = [], ""
    for owner, path in sources:
        doc = iam.document_from_value(owner, path, owner.attributes.get(path[0]), ctx, follow=True)
        if doc is None:
            continue
        for _, _, reason in doc.unknowns:
            answers.append(None)
            unknown_reason = unknown_reason or f"the policy of `{owner.address}` cannot be analysed: {reason}"
        for stmt in doc.statements:
            answer = _tls_statement(stmt, bucket)
            answers.append(answer)
            if answer is None and not unknown_reason:
                unknown_reason = (f"{stmt.label()} of `{owner.address}` may deny plain HTTP, but parts of it "
                                  f"cannot be known statically")
    verdict = iam.any3(answers)
    if verdict is True:
        return Check(False)
    if verdict is None:
        return Check(None, unknown_reason or "the bucket policy cannot be analysed")
    names = ", ".join(f"`{owner.address}`" if owner is not bucket else f"`{bucket.native_name(path)}`"
                      for owner, path in sources)
    return Check(True, f"{names} has no statement that denies `s3:*` on the bucket's objects to every principal "
                       f"when `aws:SecureTransport` is `false`, so requests over plain HTTP are allowed")


class S3MlBucketNoTlsEnforcement(Policy):
    id = "IAC115"
    name = "s3-ml-bucket-no-tls-enforcement"
    title = "ML bucket policy does not deny requests without TLS"
    severity = "medium"
    category = "data-protection"
    resource_types = ("aws_s3_bucket",)
    checkov_ids = ()

    def check(self, resource, ctx):
        yield from scoped_verdict(
            tls_check(resource, ctx), lambda: s3.is_ml_bucket(resource, ctx),
            subject="ML bucket", out_of_scope="not an ML bucket",
            question="whether the bucket policy denies plain HTTP", scope_question="whether it is an ML bucket")
