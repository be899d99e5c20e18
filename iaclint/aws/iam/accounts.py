"""Which AWS account a principal names, and which account a stack is deployed to.

Whether a trust policy lets *another* account in cannot be read from the policy alone:
`arn:aws:iam::111122223333:root` is the deploying account in one stack and a stranger in
the next. What the source does say is decided here, and nothing is guessed:

- A principal written as the deploying account is recognised by its expression:
  CloudFormation `${AWS::AccountId}` / `!Ref AWS::AccountId`, Terraform
  `data.aws_caller_identity.<name>.account_id`, and the ARN of a role or user the same
  stack or configuration defines (`!GetAtt Other.Arn`, `aws_iam_role.other.arn`). Those
  are `SELF`. (A Terraform resource created through a provider alias for another account
  is the exception this cannot see; it errs towards "same account", a missed finding
  rather than a false one.)
- The accounts a stack lives in are collected from the stack itself (`own_accounts`):
  12-digit account IDs in literal ARNs anywhere in the same Terraform module or
  CloudFormation template, and the values of conditions that name the caller's or the
  resource's account (`aws:SourceAccount`, `aws:ResourceAccount`, `kms:CallerAccount`,
  ...). Principal elements are never evidence: they are what is being judged.
- A literal account that matches that evidence is the stack's own; one that does not,
  while there is evidence, is another account; with no evidence at all the answer is
  unknown.
- Accounts the configuration names as trusted partners (`trusted-accounts`, read from
  `ctx.options` by `trusted_accounts`) are not evidence of where the stack lives: a
  policy that asks "is this another account?" lets them in, and still judges the rest.
"""
from __future__ import annotations

import weakref
from typing import Any

from iaclint.aws.iam.matching import is_resource_attribute, value_glob
from iaclint.model import documents as _documents
from iaclint.model import lazy_re
from iaclint.model import symbolic
from iaclint.model.symbolic import literal_text
from iaclint.model.project import kept_with
from iaclint.model.unknown import Unknown, is_unknown

SELF = "<deploying account>"  # what `account_of` returns for the account the stack is deployed to
PUBLIC = "*"

# Condition keys whose values are the account a request comes from or goes to: in the
# stack's own policies these name the stack's account (confused-deputy guards, key
# policies scoped to the caller's account). `aws:PrincipalAccount` is not one of them: in
# a trust policy it names who may come in, which is what is being judged.
OWN_ACCOUNT_CONDITION_KEYS = ("aws:SourceAccount", "aws:ResourceAccount", "aws:SourceOwner",
                              "kms:CallerAccount")
# Keys of a document whose values are principals, in IAM JSON and in the data source.
ACCOUNT_PRINCIPAL_KEYS = ("principal", "notprincipal", "principals", "not_principals")

_ACCOUNT_ID = lazy_re.compile(r"^\d{12}$")
_PRINCIPAL_ARN = lazy_re.compile(r"^arn:[^:]*:(?:iam|sts)::(?P<account>[^:]*):")
_ANY_ARN = lazy_re.compile(r"arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):")
_SELF_TOKEN = "\x01SELF\x01"
_TF_CALLER_EXPR = lazy_re.compile(r"^data\.aws_caller_identity\.[\w-]+\.account_id$")


def is_own_account_expression(value: Unknown) -> bool:
    """Is the Unknown the deploying account's ID itself (`!Ref AWS::AccountId`,
    `data.aws_caller_identity.current.account_id`)?"""
    expr = value.expr.strip()
    return expr == "!Ref AWS::AccountId" or bool(_TF_CALLER_EXPR.match(expr))


def account_of(identifier: Any) -> str | None:
    """The account an `AWS` principal identifier names: a 12-digit ID, `SELF` for the
    deploying account, `PUBLIC` for `*`, or None when it cannot be told (a variable, a
    unique ID such as `AIDA...`, a template whose account part is not known)."""
    if is_unknown(identifier):
        if is_own_account_expression(identifier) or is_resource_attribute(identifier):
            return SELF
        text = _template_text(identifier)
        if text is None:
            return None
    elif isinstance(identifier, str):
        text = identifier.strip()
    else:
        return None
    if text and set(text) == {"*"}:
        return PUBLIC
    if text == _SELF_TOKEN:
        return SELF
    if _ACCOUNT_ID.match(text):
        return text
    match = _PRINCIPAL_ARN.match(text)
    if match is None:
        return None
    account = match.group("account")
    if account == _SELF_TOKEN:
        return SELF
    return account if _ACCOUNT_ID.match(account) else None


def _template_text(value: Unknown) -> str | None:
    """The Unknown's template with the deploying account marked and every other hole a
    `*`, e.g. `arn:*:iam::<SELF>:root`; None when it is not a partially known string."""
    if value.parts is None:
        return None
    return "".join(p if isinstance(p, str) else _SELF_TOKEN if is_own_account_expression(p) else "*"
                   for p in symbolic.flatten(value.parts))


# --------------------------------------------------------------------------------------
# What the stack says about its own account

_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def trusted_accounts(ctx) -> frozenset:
    """The account IDs the configuration trusts (`trusted-accounts`, `--trusted-account`)."""
    options = getattr(ctx, "options", None) or {}
    return frozenset(str(a) for a in options.get("trusted_accounts", ()))


def own_accounts(resource, ctx) -> frozenset:
    """Account IDs the stack (Terraform module or CloudFormation template) of `resource`
    shows it lives in: literal ARNs and own-account condition values found anywhere in
    that unit, principals excluded. Empty when the source says nothing, or without a
    project. Computed once per project and unit."""
    if ctx is None or getattr(ctx, "project", None) is None:
        return frozenset(_evidence([resource]))
    project = ctx.project
    per_unit = kept_with(_CACHE, project)
    if resource.unit not in per_unit:
        per_unit[resource.unit] = frozenset(_evidence(project.unit_resources(resource.unit)))
    return per_unit[resource.unit]


def _evidence(resources) -> set:
    found: set = set()
    for r in resources:
        _walk(r.attributes, found, 0)
    return found


_OWN_KEYS = {k.lower() for k in OWN_ACCOUNT_CONDITION_KEYS}


def _walk(value: Any, found: set, depth: int) -> None:
    if depth > 64:
        return
    if isinstance(value, _documents.EncodedJson):
        _walk(value.value, found, depth + 1)
        return
    if isinstance(value, str):
        if value.lstrip()[:1] in ("{", "["):  # a JSON document written as a string
            decoded = _documents.decode(value)
            if isinstance(decoded, (dict, list)):
                _walk(decoded, found, depth + 1)
                return
        if "arn:" in value:
            found.update(_ANY_ARN.findall(value))
        return
    if isinstance(value, Unknown):
        for piece in literal_text(value):
            found.update(_ANY_ARN.findall(piece))
        glob = value_glob(value)
        if glob:
            found.update(_ANY_ARN.findall(glob))
        return
    if isinstance(value, list):
        for item in value:
            _walk(item, found, depth + 1)
        return
    if not isinstance(value, dict):
        return
    for key, item in value.items():
        lowered = key.lower() if isinstance(key, str) else key
        if lowered in ACCOUNT_PRINCIPAL_KEYS:
            continue
        if lowered in _OWN_KEYS:
            for v in item if isinstance(item, list) else [item]:
                if isinstance(v, str) and _ACCOUNT_ID.match(v.strip()):
                    found.add(v.strip())
        elif lowered == "variable" and isinstance(item, str) and item.lower() in _OWN_KEYS:
            # a data source `condition` block: {test, variable, values}
            for v in value.get("values") or []:
                if isinstance(v, str) and _ACCOUNT_ID.match(v.strip()):
                    found.add(v.strip())
        _walk(item, found, depth + 1)
