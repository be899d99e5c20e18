"""IAC311: OpenSearch Serverless data access policies do not grant wildcard access.

Runs on `aws_opensearchserverless_access_policy` / `AWS::OpenSearchServerless::AccessPolicy`
(`type = "data"`). The JSON `policy` is a list of rule sets, each with `Rules` (resource
type, resource patterns, `aoss:` permissions) and `Principal` (IAM ARNs, SAML users and
groups). A rule set is reported when a principal is `*` or an account root
(`arn:aws:iam::<account>:root`, which hands the grant to every IAM identity the account
lets call `aoss:APIAccessAll`), or when it grants `aoss:*` on `index/*/*` (every index of
every collection). Principals written as references to roles pass, and so do partly
known ones that cannot be a root (`_may_be_root`); the others unknown give UNKNOWN.
"""
from __future__ import annotations

from iaclint.aws import aoss
from iaclint.aws.iam import any3, covers, may_be_star, overlaps
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.model import strings, symbolic
from iaclint.model.unknown import is_unknown
from iaclint.model.work import spend

_ACCESS_POLICY = "aws_opensearchserverless_access_policy"
_ROOT = "arn:*:iam::*:root"
_ROOT_SHAPE = strings.pattern_tokens(r"arn:[^:]*:iam::[0-9]{12}:root")


def _principal(value) -> "tuple[bool | None, str]":
    """Is the principal everyone (`*`) or an account root? With a phrase for the message."""
    glob = aoss.glob_of(value)
    if isinstance(value, str):
        if value.strip() == "*":
            return True, "any principal (`*`)"
        if covers(_ROOT, value.strip()):
            return True, f"every IAM identity of the account (`{value.strip()}`)"
        return False, ""
    if not is_unknown(value):
        return False, ""
    if glob is None:
        return (None if may_be_star(value) else False), ""
    if set(glob) <= {"*"}:
        return None, ""
    if covers(_ROOT, glob):
        return True, f"every IAM identity of the account (`{value.expr}`)"
    return (None if overlaps(_ROOT, glob) and _may_be_root(value) else False), ""


def _may_be_root(value) -> bool:
    """Can some value of the partially known principal be an account root ARN, whose
    partition has no `:` and whose account is twelve digits? The glob `arn:*:iam::*:root`
    also matches `arn:aws:iam::${AWS::AccountId}:role/${Name}` when `Name` is
    `x:iam::123456789012:root`, which is no root; the holes' own shapes count too."""
    found = symbolic.tokens(value)
    if found is None:
        return True
    spend(20 + len(found) * len(_ROOT_SHAPE) // 64)  # the work budget of policy evaluation
    return strings.overlap(found, _ROOT_SHAPE) is not False


def _all_indexes(value) -> "bool | None":
    """Is the resource pattern every index of every collection (`index/*/*`)?"""
    if isinstance(value, str):
        return covers(value.strip(), "index/*/*")
    glob = aoss.glob_of(value)
    if glob is None or covers(glob, "index/*/*") or overlaps(glob, "index/*/*"):
        return None
    return False


def _every_permission(value) -> "bool | None":
    if isinstance(value, str):
        return covers(value.strip(), "aoss:*")
    glob = aoss.glob_of(value)
    return None if glob is None or overlaps(glob, "aoss:*") else False


class OpensearchserverlessAccessPolicyWildcard(Policy):
    id = "IAC311"
    name = "opensearchserverless-access-policy-wildcard"
    title = "OpenSearch Serverless data access policy does not grant wildcard access"
    severity = "high"
    category = "identity-and-access"
    resource_types = (_ACCESS_POLICY,)
    checkov_ids = ()

    def check(self, resource, ctx):
        spelt = f"`{resource.native_name(('policy',))}`"
        kind = resource.attributes.get("type", "data")
        if isinstance(kind, str) and kind.lower() != "data":
            yield PASS()
            return
        document = aoss.read_document(resource.attributes.get("policy"))
        if is_unknown(document):
            yield UNKNOWN(f"The data access policy {spelt} cannot be read statically ({document.reason})", ("policy",))
            return
        rule_sets = aoss.rule_sets(document)
        if rule_sets is None:
            yield UNKNOWN(f"{spelt} is not a JSON list of rule sets", ("policy",))
            return
        found = False
        for i, inner, entry in rule_sets:
            base = ("policy",) + inner
            label = f"rule set {i + 1} of {spelt}"
            if is_unknown(entry) or not isinstance(entry, dict):
                if is_unknown(entry):
                    found = True
                    yield UNKNOWN(f"The {label} is unknown until deployment ({entry.reason})", base)
                continue
            for result in self._principals(entry, base, label):
                found = True
                yield result
            for result in self._permissions(entry, base, label):
                found = True
                yield result
        if not found:
            yield PASS()

    def _principals(self, entry, base, label):
        key = aoss.key_of(entry, "Principal")
        if key is None:
            return
        principals = entry[key]
        if is_unknown(principals):
            yield UNKNOWN(f"The principals of {label} are unknown until deployment ({principals.reason})", base + (key,))
            return
        for j, principal in enumerate(aoss.as_list(principals)):
            path = base + (key, j) if isinstance(principals, list) else base + (key,)
            verdict, phrase = _principal(principal)
            if verdict is True:
                yield FAIL(f"OpenSearch Serverless data access policy grants {phrase} in {label}", path)
            elif verdict is None:
                yield UNKNOWN(f"Cannot tell statically whether principal `{getattr(principal, 'expr', principal)}` "
                              f"of {label} is `*` or an account root", path)

    def _permissions(self, entry, base, label):
        rules_key = aoss.key_of(entry, "Rules")
        for k, rule in enumerate(aoss.as_list(entry.get(rules_key) if rules_key else None)):
            if not isinstance(rule, dict):
                continue
            rule_path = base + (rules_key, k)
            kind = rule.get(aoss.key_of(rule, "ResourceType"))
            if isinstance(kind, str) and kind.lower() != "index":
                continue
            res_key, perm_key = aoss.key_of(rule, "Resource"), aoss.key_of(rule, "Permission")
            if res_key is None or perm_key is None:
                continue
            everywhere = any3(_all_indexes(r) for r in aoss.as_list(rule[res_key]))
            if everywhere is False:
                continue
            permissions = rule[perm_key]
            for m, permission in enumerate(aoss.as_list(permissions)):
                every = _every_permission(permission)
                if every is False:
                    continue
                path = rule_path + (perm_key, m) if isinstance(permissions, list) else rule_path + (perm_key,)
                if every is True and everywhere is True:
                    yield FAIL(f"OpenSearch Serverless data access policy grants `aoss:*` on every index of "
                               f"every collection (`index/*/*`) in {label}", path)
                else:
                    yield UNKNOWN(f"Cannot tell statically whether {label} grants `aoss:*` on `index/*/*`", path)
                break
