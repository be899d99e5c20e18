"""Who else may act: principals a role trusts (`assumes` edges into the role), and
principals a bucket policy or a model registry's policy lets in.

Principals are sorted as IAM reads them, with `iaclint.aws.iam.accounts`: `*` is any AWS
account; an account or an ARN in an account the unit does not show it lives in is another
account (an `external:account:<id>` pseudo asset); with no evidence of the unit's own
account, that edge is unknown; a role of the unit is that role's asset. A statement
guarded by `sts:ExternalId`, `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths` (and, for `*`,
`aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:SourceArn`, `aws:SourceAccount`,
`aws:SourceVpce`) lets no stranger in and makes no edge. Accounts the configuration
trusts (`trusted-accounts`) are the unit's own.
"""
from __future__ import annotations

from iaclint.aws import iam
from iaclint.inventory import kinds
from iaclint.inventory.unit import Builder
from iaclint.inventory.model import Asset
from iaclint.model.unknown import is_unknown

GUARDS = ("sts:ExternalId", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths")
PUBLIC_GUARDS = GUARDS + ("aws:PrincipalAccount", "aws:PrincipalArn", "aws:SourceArn", "aws:SourceAccount",
                          "aws:SourceVpce", "aws:SourceVpc", "aws:SourceIp")
ASSUME_COST = 2
# resource policy holder type -> (attribute naming the asset, document attributes, [(edge kind, actions)])
RESOURCE_POLICIES = {
    "aws_s3_bucket_policy": ("bucket", ("policy",), (("reads", ("s3:GetObject",)),
                                                     ("writes", ("s3:PutObject", "s3:DeleteObject")))),
    "aws_sagemaker_model_package_group_policy": (
        "model_package_group_name", ("resource_policy",),
        (("reads", ("sagemaker:DescribeModelPackage", "sagemaker:DescribeModelPackageGroup")),
         ("writes", ("sagemaker:CreateModelPackage", "sagemaker:UpdateModelPackage")))),
    "aws_sagemaker_model_package_group": (None, ("model_package_group_policy",), (
        ("reads", ("sagemaker:DescribeModelPackage",)), ("writes", ("sagemaker:CreateModelPackage",)))),
}


def extract(b: Builder) -> None:
    for role in b.graph.of_kind("role"):
        if role.resource is not None:
            _trust(b, role)
    for rtype, (attribute, documents, classes) in RESOURCE_POLICIES.items():
        for holder in b.of_type(rtype):
            targets = [b.asset(holder)] if attribute is None else \
                [a for _, a in b.target_assets(holder, (attribute,))] or _named(b, holder, attribute)
            targets = [t for t in targets if t is not None]
            if targets:
                _resource_policy(b, holder, documents, classes, targets)


def _named(b: Builder, holder, attribute: str) -> list:
    value = holder.attributes.get(attribute)
    if not isinstance(value, str):
        return []
    return [b.asset(r) for r in b.of_type("aws_sagemaker_model_package_group")
            if r.attributes.get("model_package_group_name") == value]


def _trust(b: Builder, role: Asset) -> None:
    for doc in iam.trust_documents(role.resource, b.ctx):
        for stmt in doc.statements:
            if iam.all3(iam.is_allow(stmt), iam.actions_overlap(stmt, "sts:AssumeRole*")) is False:
                continue
            for source, known, reason in sources(b, role.resource, stmt):
                b.link(source, role, "assumes", "trust policy", (kinds.location(stmt.resource, stmt.path_of(
                    "principals", "not_principals")),), known=known, reason=reason, cost=ASSUME_COST,
                    fix=f"remove the principal from the trust policy of `{role.name}`, or require an "
                        "`sts:ExternalId` or `aws:PrincipalOrgID` condition")


def _resource_policy(b: Builder, holder, documents: tuple, classes: tuple, targets: list) -> None:
    for attribute in documents:
        value = holder.attributes.get(attribute)
        if value is None:
            continue
        doc = iam.document_from_value(holder, (attribute,), value, b.ctx, follow=True)
        for stmt in doc.statements if doc is not None else ():
            if iam.is_allow(stmt) is False:
                continue
            for kind, actions in classes:
                if iam.any3(iam.actions_cover(stmt, a) for a in actions) is False:
                    continue
                for source, known, reason in sources(b, holder, stmt):
                    for target in targets:
                        b.link(source, target, kind, f"resource policy `{holder.address}`",
                               (kinds.location(stmt.resource, stmt.path_of("principals", "not_principals")),),
                               known=known, reason=reason, cost=ASSUME_COST,
                               fix=f"remove the principal from `{holder.address}` or add an "
                                   "`aws:PrincipalOrgID` condition")


def sources(b: Builder, resource, stmt) -> list:
    """(asset, known, reason) for each principal of `stmt` that is another account,
    anyone, or a role or user of the unit."""
    guarded = iam.has_condition(stmt, GUARDS)
    public_guarded = iam.has_condition(stmt, PUBLIC_GUARDS)
    out = []
    if stmt.not_principals or "not_principals" in stmt.paths:
        if public_guarded is not True:
            out.append((b.pseudo(kinds.anyone()), public_guarded is False, "a condition may narrow it"))
        return out
    for principal in stmt.principals:
        kind, identifier = principal.type, principal.identifier
        if is_unknown(kind) or str(kind).upper() not in ("AWS", "*"):
            continue
        if str(kind) == "*" or (not is_unknown(identifier) and str(identifier).strip() == "*"):
            if public_guarded is not True:
                out.append((b.pseudo(kinds.anyone()), public_guarded is False, "a condition may narrow it"))
            continue
        local = _local_principal(b, resource, identifier)
        if local is not None:
            out.append((local, True, ""))
            continue
        account = iam.account_of(identifier)
        if account in (None, iam.SELF) or guarded is True:
            continue
        if account == iam.PUBLIC:
            out.append((b.pseudo(kinds.anyone()), public_guarded is False, "a condition may narrow it"))
            continue
        own = iam.own_accounts(resource, b.ctx)
        if account in iam.trusted_accounts(b.ctx) or account in own:
            continue
        known = bool(own) and guarded is False
        reason = "" if known else (f"the scanned files do not show whether account {account} is the stack's own"
                                   if not own else "a condition may narrow it")
        out.append((b.pseudo(kinds.account(account)), known, reason))
    return out


def _local_principal(b: Builder, resource, identifier):
    """The role or user asset of the unit a principal names (by reference or ARN)."""
    if is_unknown(identifier):
        for ref in identifier.refs:
            target = b.asset(b.lookup(resource, ref))
            if target is not None and target.kind in ("role", "user"):
                return target
        return None
    text = str(identifier)
    for r in b.of_type("aws_iam_role", "aws_iam_user"):
        name = r.attributes.get("name")
        kind = "role" if r.type == "aws_iam_role" else "user"
        if isinstance(name, str) and name and text.endswith(f":{kind}/{name}"):
            return b.asset(r)
    return None
