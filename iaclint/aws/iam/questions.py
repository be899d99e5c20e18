"""Three-valued questions about one statement.

Each function answers one thing a policy wants to know (is it an Allow, does it grant
`bedrock:*`, does it apply to every resource, is it open to everyone, is a narrowing
condition present) with `True`, `False` or `None`, and knows the IAM rules that make the
naive reading wrong: `NotAction` grants what it does not list, `NotResource` applies to
everything else, `NotPrincipal` with Allow means everyone, `Null` and `ForAllValues:`
conditions do not narrow a grant. Policies combine the answers with `all3`/`any3`.
"""
from __future__ import annotations

import re
from itertools import repeat
from typing import Any, Iterable

from iaclint.aws.iam.logic import Tri, all3, any3, not3
from iaclint.aws.iam.matching import (
    covers,
    is_resource_attribute,
    literal_star,
    matches,
    may_be_star,
    overlaps,
    unknown_covers,
    unknown_overlaps,
    value_glob,
)
from iaclint.aws.iam.model import Condition, Principal, Statement
from iaclint.aws.iam.statements import JSON_FIELDS
from iaclint.model import lazy_re
from iaclint.model import symbolic
from iaclint.model.unknown import Unknown, is_unknown


def is_allow(stmt: Statement) -> Tri:
    """Is the statement an Allow? A missing JSON `Effect` is invalid and grants nothing."""
    if is_unknown(stmt.effect):
        return None
    return isinstance(stmt.effect, str) and stmt.effect.strip().lower() == "allow"


def is_deny(stmt: Statement) -> Tri:
    if is_unknown(stmt.effect):
        return None
    return isinstance(stmt.effect, str) and stmt.effect.strip().lower() == "deny"


def has_principals(stmt: Statement) -> bool:
    """Statements with a Principal belong to resource-based or trust policies; an identity
    policy cannot have one, so permission checks leave them out."""
    return bool(stmt.principals or stmt.not_principals or "principals" in stmt.paths
                or "not_principals" in stmt.paths)


def actions_cover(stmt: Statement, query: str) -> Tri:
    """Does the statement's action list name every action `query` matches? For `Action`,
    some element must cover the query (`bedrock:*` and `*` cover `bedrock:*`;
    `bedrock:Invoke*` does not). For `NotAction` (everything not listed), no listed element
    may touch the query: `NotAction: ["s3:*"]` covers `bedrock:*`."""
    if "actions" in stmt.paths:
        return _any_element(stmt.actions, query, covers, unknown_covers)
    if "not_actions" in stmt.paths:
        return not3(_any_element(stmt.not_actions, query, overlaps, unknown_overlaps))
    return False


def actions_overlap(stmt: Statement, query: str) -> Tri:
    """Does the statement's action list name at least one action `query` matches?
    (`bedrock:*` and `bedrock:InvokeModel` both overlap `bedrock:InvokeModel*`.) With
    `NotAction`, only an element covering the whole query leaves nothing of it."""
    if "actions" in stmt.paths:
        return _any_element(stmt.actions, query, overlaps, unknown_overlaps)
    if "not_actions" in stmt.paths:
        return not3(_any_element(stmt.not_actions, query, covers, unknown_covers))
    return False


def actions_overlap_any(stmt: Statement, queries: Iterable[str]) -> Tri:
    """Does the statement name at least one action of any of `queries`? (`any3` of a
    `map`: the queries in order, none after the first True, and no generator frame.)"""
    return any3(map(actions_overlap, repeat(stmt), queries))


def _any_element(elements: list, query: str, known, unknown) -> Tri:
    """`any3` of `known(element, query)` over the elements (`unknown(...)` for an
    Unknown), in order, stopping at the first True as `any3` does: the elements after it
    are not compared, nor charged to the work budget. A loop rather than `any3` of a
    generator: every IAM policy asks this of every statement, once per query."""
    seen_unknown = False
    for element in elements:
        answer = unknown(element, query) if isinstance(element, Unknown) else known(element, query)
        if answer is True:
            return True
        if answer is None:
            seen_unknown = True
    return None if seen_unknown else False


def describe_grant(stmt: Statement, queries: Iterable[str], cover: bool = False) -> str:
    """How the statement reaches `queries`, for messages: the `Action` elements that match
    (covering each query when `cover`), or its `NotAction`, which grants what it leaves out."""
    queries = tuple(queries)
    test = covers if cover else overlaps
    if "actions" in stmt.paths:
        hits = [a for a in stmt.actions if isinstance(a, str) and any(test(a, q) for q in queries)]
        return ", ".join(f"`{a}`" for a in hits) if hits else "`Action`"
    if "not_actions" in stmt.paths:
        listed = ", ".join(f"`{a}`" for a in stmt.not_actions if isinstance(a, str))
        return f"`NotAction` [{listed}], which grants every action it does not list"
    return "no action"


def is_star(value: Any) -> Tri:
    """`*` (or `**`...): True; an Unknown that may still be `*`: None; anything else: False.
    A choice is `*` when every alternative is."""
    if not isinstance(value, Unknown):  # no choice to decide (`symbolic.decide` would test it as is)
        return literal_star(value)
    return symbolic.decide(value, _is_star, absent=False)


def _is_star(value: Any) -> Tri:
    if is_unknown(value):
        return None if may_be_star(value) else False
    return literal_star(value)


def resource_is_star(stmt: Statement) -> Tri:
    """Does the statement apply to every resource? `Resource: "*"` (alone or in a list)
    does; `arn:aws:bedrock:*:*:foundation-model/*` does not. `NotResource` applies to
    everything except what it lists, so it counts as `*` unless it excludes `*` itself."""
    if "resources" in stmt.paths:
        return any3(map(is_star, stmt.resources))  # (a `map`: no generator frame, stops at the first True)
    if "not_resources" in stmt.paths:
        return not3(any3(map(is_star, stmt.not_resources)))
    return False


def resources_cover(stmt: Statement, arn: str) -> Tri:
    """Does the statement apply to `arn` (which may be a glob, e.g. `arn:aws:iam::*:role/*`)?"""
    if "resources" in stmt.paths:
        return any3(unknown_covers(r, arn, False) if is_unknown(r) else covers(r, arn) for r in stmt.resources)
    if "not_resources" in stmt.paths:
        return not3(any3(unknown_overlaps(r, arn, False) if is_unknown(r) else overlaps(r, arn)
                         for r in stmt.not_resources))
    return False



_ROLE_ARN = re.compile(r"^arn:[^:]*:iam::[^:]*:(?P<rest>.*)$")


def _every_role(value: Any) -> Tri:
    if is_unknown(value):
        glob = value_glob(value)
        if glob is None:
            return None if may_be_star(value) else False
        value = glob
    return _names_every(value, _ROLE_ARN, "role/*")


def _names_every(value: Any, arn: re.Pattern, rest: str) -> bool:
    """Is `value` `*`, or an ARN of `arn`'s shape whose `rest` group covers `rest`?"""
    if not isinstance(value, str):
        return False
    text = value.strip()
    if text and set(text) == {"*"}:
        return True
    match = arn.match(text)
    return bool(match) and covers(match.group("rest"), rest)


def resource_is_every_role(stmt: Statement) -> Tri:
    """Does the statement apply to every IAM role? `*` does, and so does a role ARN whose
    name is a bare wildcard (`arn:aws:iam::123456789012:role/*`, `arn:${AWS::Partition}:
    iam::${AWS::AccountId}:role/*`): `iam:PassRole` only ever reaches roles of the caller's
    own account, so the account part does not narrow it. `role/service-role/*` does."""
    if "resources" in stmt.paths:
        return any3(_every_role(r) for r in stmt.resources)
    return resource_is_star(stmt)


_S3_ARN = lazy_re.compile(r"^arn:[^:]+:s3:::(?P<rest>.*)$")


def _every_object(value: Any) -> Tri:
    if is_unknown(value):
        if value.parts is None:
            return None if may_be_star(value) else False
        text = ""
        for part in value.parts:  # a hole only in the partition (`${AWS::Partition}`) is any partition
            if not isinstance(part, str) and text != "arn:":
                return None if may_be_star(value) else False
            text += part if isinstance(part, str) else "aws"
        value = text
    return _names_every(value, _S3_ARN, "*/*")


def resource_is_every_object(stmt: Statement) -> Tri:
    """Does the statement apply to every object of every S3 bucket? `*`, `arn:aws:s3:::*`
    and `arn:${AWS::Partition}:s3:::*/*` do (a partition is the caller's own);
    `arn:aws:s3:::acme-*/*` does not."""
    if "resources" in stmt.paths:
        return any3(_every_object(r) for r in stmt.resources)
    return resource_is_star(stmt)


def _principal_public(p: Principal) -> Tri:
    kind = p.type
    if is_unknown(kind):
        return None
    kind = str(kind)
    if kind == "*":
        return is_star(p.identifier) if not is_unknown(p.identifier) else None
    if kind.upper() == "AWS":
        return is_star(p.identifier)
    return False


def principal_is_public(stmt: Statement) -> Tri:
    """Is the statement open to everyone? `Principal: "*"`, `{"AWS": "*"}` (or a list with
    `*`), the data source's `type = "*"` or `"AWS"` with identifier `*`, and any
    `NotPrincipal` (with Allow it means everyone except the listed principals)."""
    if stmt.not_principals:
        return True
    return any3(_principal_public(p) for p in stmt.principals)


def open_to_everyone(stmt: Statement, narrowing_keys: Iterable[str]) -> Tri:
    """Does the statement allow every principal (`*`, or a `NotPrincipal`) with no condition
    on `narrowing_keys` (the keys that confine it to a network, an account or an
    organization)? The question of every "public resource policy" check."""
    return all3(is_allow(stmt), principal_is_public(stmt), not3(has_condition(stmt, narrowing_keys)))


_ACCOUNT = lazy_re.compile(r"^(?:arn:[^:]*:(?:iam|sts)::(\d{12}):.*|(\d{12}))$")


def principal_accounts(stmt: Statement) -> list:
    """Account IDs of the `AWS` principals (`123456789012`, `arn:aws:iam::123456789012:root`,
    role or user ARNs); an Unknown identifier is kept as the Unknown. `*` is left out:
    ask `principal_is_public` about it."""
    out = []
    for p in stmt.principals:
        if is_unknown(p.type) or is_unknown(p.identifier):
            if is_unknown(p.type) or str(p.type).upper() == "AWS":
                out.append(p.identifier)
            continue
        if str(p.type).upper() != "AWS":
            continue
        match = _ACCOUNT.match(str(p.identifier).strip())
        if match:
            out.append(match.group(1) or match.group(2))
    return out


def principal_other_accounts(stmt: Statement, own_accounts: Iterable[str]) -> Tri:
    """Does an `AWS` principal name an account outside `own_accounts`?"""
    own = {str(a) for a in own_accounts}
    return any3(None if is_unknown(a) else a not in own for a in principal_accounts(stmt))


def service_principals(stmt: Statement) -> list:
    """`Service` principal identifiers (`sagemaker.amazonaws.com`), Unknowns kept."""
    out = []
    for p in stmt.principals:
        if is_unknown(p.type):
            out.append(p.type)
        elif str(p.type).lower() == "service":
            out.append(p.identifier)
    return out


def _narrowing_test(test: Any) -> Tri:
    """Operators that constrain a present key. `Null` only tests presence, and
    `ForAllValues:` is true when the key is absent, so neither narrows a grant."""
    if is_unknown(test):
        return None
    test = str(test).lower()
    return not (test == "null" or test.startswith("forallvalues:"))


def has_condition(stmt: Statement, keys: Iterable[str]) -> Tri:
    """Is there a condition on one of `keys` (case-insensitive, e.g. `aws:SourceVpc`) with
    an operator that narrows the grant? The values may be unknown: the key is what counts.
    An unknown condition block makes the answer unknown unless a known one narrows."""
    wanted = {k.lower() for k in keys}

    def one(c: Condition) -> Tri:
        if is_unknown(c.variable):
            return None
        if not isinstance(c.variable, str) or c.variable.lower() not in wanted:
            return False
        return _narrowing_test(c.test)

    return any3(one(c) for c in stmt.conditions)



_STRING_TESTS = {"stringequals": (False, False), "stringequalsignorecase": (False, False),
                 "stringlike": (True, False), "stringnotequals": (False, True),
                 "stringnotequalsignorecase": (False, True), "stringnotlike": (True, True)}


def condition_allows(stmt: Statement, key: str, value: str) -> Tri:
    """Would a request whose condition key `key` is `value` satisfy the statement's
    conditions on that key? (`iam:PassedToService` = `sagemaker.amazonaws.com` against
    `StringEquals {"iam:PassedToService": "glue.amazonaws.com"}` is False.) Conditions on
    other keys are ignored: they narrow *when* the grant applies, not *what* it reaches.
    Operators other than the string ones, and unknown values or blocks, give None."""
    wanted = key.lower()
    answers = []
    for c in stmt.conditions:
        if is_unknown(c.variable) or is_unknown(c.test):
            answers.append(None)
            continue
        if not isinstance(c.variable, str) or c.variable.lower() != wanted or not _narrowing_test(c.test):
            continue
        test = str(c.test).lower()
        test = test.split(":", 1)[1] if test.startswith("foranyvalue:") else test
        test = test[:-len("ifexists")] if test.endswith("ifexists") else test
        if test not in _STRING_TESTS:
            answers.append(None)
            continue
        glob, negated = _STRING_TESTS[test]
        hit = any3(None if is_unknown(v) else (matches(v, value) if glob else str(v).lower() == value.lower())
                   for v in c.values)
        answers.append(not3(hit) if negated else hit)
    return all3(*answers)

def first_unknown(stmt: Statement, names: Iterable[str] = ()) -> Unknown | None:
    """The first Unknown among the statement fields `names` (all fields when empty), for
    explaining an UNKNOWN verdict."""
    names = tuple(names) or tuple(JSON_FIELDS)
    found = []
    for name in names:
        value = getattr(stmt, name, None)
        items = value if isinstance(value, list) else [value]
        for item in items:
            for part in ((item.type, item.identifier) if isinstance(item, Principal)
                         else (item.test, item.variable, *item.values) if isinstance(item, Condition)
                         else (item,)):
                if isinstance(part, Unknown):
                    found.append(part)
    # Prefer an Unknown that could be anything over a template or an ARN reference, which
    # rarely is what left the question open.
    for part in found:
        if value_glob(part) is None and not is_resource_attribute(part):
            return part
    return found[0] if found else None
