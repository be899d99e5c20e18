"""IAC313: the resource policy of a SageMaker model registry (model package group) lets no one
outside the account change it, and no one at all in.

The policy is `aws_sagemaker_model_package_group_policy.resource_policy` (Terraform, any
document form, `data.aws_iam_policy_document` followed) or the inline
`AWS::SageMaker::ModelPackageGroup.ModelPackageGroupPolicy` (an object or a string). An
`Allow` statement fails when its principal is everyone (`*`, `{"AWS": "*"}`, `NotPrincipal`)
without an `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths` or `aws:PrincipalAccount`
condition, whatever the actions; or when it names an account the stack does not live in
(`iaclint.aws.iam.own_accounts`; accounts the configuration trusts pass) with actions that
create, change or delete model packages. Cross-account read access (a central registry
shared with deployment accounts) passes.
"""
from __future__ import annotations

from iaclint.aws import iam
from iaclint.engine.policy import PASS, Policy
from iaclint.model.unknown import is_unknown

# Where the document lives, per canonical type.
_DOCUMENTS = {
    "aws_sagemaker_model_package_group_policy": ("resource_policy",),
    "aws_sagemaker_model_package_group": ("model_package_group_policy",),
}
WRITE_ACTIONS = (
    "sagemaker:CreateModelPackage", "sagemaker:UpdateModelPackage", "sagemaker:DeleteModelPackage",
    "sagemaker:PutModelPackageGroupPolicy", "sagemaker:DeleteModelPackageGroupPolicy",
    "sagemaker:DeleteModelPackageGroup",
)
ORG_GUARDS = ("aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:PrincipalAccount")
_FIELDS = ("effect", "actions", "not_actions", "principals", "not_principals", "conditions")


def _outside(stmt, own: frozenset, trusted: frozenset) -> tuple[list, list]:
    """(accounts outside the stack, principals whose account cannot be told), as labels."""
    outside, undecided = [], []
    for identifier in iam.principal_accounts(stmt):
        account = iam.account_of(identifier) if is_unknown(identifier) else identifier
        if account in (iam.SELF, iam.PUBLIC) or account in own or account in trusted:
            continue
        if account is None:
            undecided.append(f"`{identifier.expr}`" if is_unknown(identifier) else f"`{identifier}`")
        else:
            (outside if own else undecided).append(f"account `{account}`")
    return outside, undecided


def _judge(stmt, own: frozenset, trusted: frozenset = frozenset()) -> iam.Outcome:
    allow = iam.is_allow(stmt)
    public = iam.open_to_everyone(stmt, ORG_GUARDS)
    outside, undecided = _outside(stmt, own, trusted)
    writes = iam.actions_overlap_any(stmt, WRITE_ACTIONS)
    foreign = iam.all3(allow, True if outside else (None if undecided else False), writes)
    path = stmt.path_of("principals", "not_principals")
    if public is True:
        return iam.Outcome(True, path, f"lets any AWS principal call {iam.describe_grant(stmt, ('sagemaker:*',))} on "
                                       f"the model registry without an `aws:PrincipalOrgID` condition: anyone can read "
                                       f"(or change) the registered models", _FIELDS)
    if foreign is True:
        return iam.Outcome(True, path, f"lets {', '.join(outside)}, which the scanned stack does not live in, call "
                                       f"{iam.describe_grant(stmt, WRITE_ACTIONS)}: another account can register, "
                                       f"approve or replace the models this registry serves", _FIELDS)
    verdict = iam.any3([public, foreign])
    context = "" if own else "; the scanned files do not show which account the stack is deployed to"
    who = ", ".join(outside + undecided) or "its principals"
    return iam.Outcome(verdict, path, f"lets another AWS account ({who}) change model packages or lets everyone "
                                      f"in{context}", _FIELDS)


class SagemakerModelPackageGroupPolicyCrossAccount(Policy):
    id = "IAC313"
    name = "sagemaker-model-package-group-policy-cross-account"
    title = "SageMaker model registry policy grants no public access and no cross-account write access"
    severity = "high"
    category = "identity-and-access"
    resource_types = tuple(sorted(_DOCUMENTS))
    checkov_ids = ()

    def check(self, resource, ctx):
        path = _DOCUMENTS[resource.type]
        value = resource.attributes.get(path[0])
        if value is None:
            yield PASS()  # no policy: the registry is private to its account
            return
        doc = iam.document_from_value(resource, path, value, ctx, follow=True)
        own, trusted = iam.own_accounts(resource, ctx), iam.trusted_accounts(ctx)
        yield from iam.check_statements(resource, ctx, lambda stmt: _judge(stmt, own, trusted),
                                        documents=[doc] if doc is not None else [], identity_only=False)
