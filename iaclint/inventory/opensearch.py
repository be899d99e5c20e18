"""OpenSearch Serverless collections: their network exposure, their key and who may read
and write their indexes, from the unit's security and data access policies.

The policies name collections by pattern (`collection/kb-*`, `index/kb-vectors/*`), read
with `iaclint.aws.aoss`. Only the policies of the collection's own unit count here (the
graph never leaves a unit); a collection no policy of its unit matches has an unknown
exposure or key, never a guessed one.
"""
from __future__ import annotations

from iaclint.aws import aoss, iam
from iaclint.inventory.unit import Builder
from iaclint.inventory.model import AWS_KEY, CUSTOMER_KEY, INTERNET, PRIVATE, Unknowable
from iaclint.model.unknown import is_unknown

READ = ("aoss:readdocument", "aoss:describeindex", "aoss:*")
WRITE = ("aoss:writedocument", "aoss:createindex", "aoss:updateindex", "aoss:deleteindex", "aoss:*")


def extract(b: Builder) -> None:
    collections = b.of_type(aoss.COLLECTION)
    if not collections:
        return
    for c in collections:
        asset = b.asset(c)
        kind = c.attributes.get("type")
        if isinstance(kind, str) and kind.upper() == "VECTORSEARCH":
            asset.tag("ai")
        asset.exposure = Unknowable("no network policy of the scanned stack names the collection")
        asset.encryption = Unknowable("no encryption policy of the scanned stack names the collection")
    for policy in b.of_type(aoss.SECURITY_POLICY):
        document = aoss.read_document(policy.attributes.get("policy"))
        kind = aoss.policy_kind(policy, document)
        for path, entry, collection, matched in _matches(document, collections, ("collection", "dashboard")):
            asset = b.asset(collection)
            if kind == "network":
                _network(asset, policy, path, entry, matched)
            elif kind == "encryption":
                _encryption(asset, policy, entry, matched)
    for policy in b.of_type("aws_opensearchserverless_access_policy"):
        document = aoss.read_document(policy.attributes.get("policy"))
        for path, entry, collection, matched in _matches(document, collections, ("collection", "index")):
            _access(b, b.asset(collection), policy, path, entry, matched)


def _matches(document, collections: list, types: tuple):
    """(path, rule set, collection, matched True/None) for each rule set and collection it
    may govern."""
    for _, path, entry in aoss.rule_sets(document) or ():
        if not isinstance(entry, dict):
            continue
        patterns = [(p, _as_collection(x)) for p, x in aoss.rule_patterns(entry, path, types)]
        for collection in collections:
            matched = aoss.matches(patterns, collection)
            if matched is not False:
                yield path, entry, collection, matched


def _as_collection(pattern):
    """`index/kb-vectors/*` governs the collection `kb-vectors`: read it as
    `collection/kb-vectors`."""
    if isinstance(pattern, str) and pattern.lower().startswith("index/"):
        return "collection/" + pattern[len("index/"):].split("/")[0]
    return pattern


def _network(asset, policy, path, entry, matched) -> None:
    public = aoss.flag(entry.get(aoss.key_of(entry, "AllowFromPublic")))
    if matched is None or public is None:
        if not isinstance(asset.exposure, str):
            asset.exposure = Unknowable(f"whether network policy `{policy.address}` opens the collection cannot be known")
        return
    if public:
        asset.exposure, asset.exposure_detail = INTERNET, f"network policy `{policy.address}` allows public access"
    elif asset.exposure != INTERNET:
        asset.exposure, asset.exposure_detail = PRIVATE, f"network policy `{policy.address}`"


def _encryption(asset, policy, entry, matched) -> None:
    cmk, _ = aoss.uses_cmk(entry)
    if matched is None or cmk is None:
        return
    asset.encryption = CUSTOMER_KEY if cmk else AWS_KEY


def _access(b: Builder, asset, policy, path, entry, matched) -> None:
    permissions = []
    for rule in aoss.as_list(entry.get(aoss.key_of(entry, "Rules"))):
        if isinstance(rule, dict):
            permissions += [p.lower() for p in aoss.as_list(rule.get(aoss.key_of(rule, "Permission")))
                            if isinstance(p, str)]
    kinds = [k for k, allowed in (("reads", READ), ("writes", WRITE)) if any(p in allowed for p in permissions)]
    key = aoss.key_of(entry, "Principal")
    for i, principal in enumerate(aoss.as_list(entry.get(key))):
        where = path + (key, i) if isinstance(entry.get(key), list) else path + (key,)
        for role in _principals(b, policy, where, principal):
            for kind in kinds:
                b.link(role, asset, kind, f"data access policy `{policy.address}`",
                       (b.at(policy, ("policy",) + where),), known=matched is True,
                       reason="" if matched else "the policy's collection pattern cannot be compared",
                       cost=3, fix=f"remove the principal from `{policy.address}` or narrow its permissions")


def _principals(b: Builder, policy, where, principal) -> list:
    if is_unknown(principal):
        found = [b.asset(b.lookup(policy, ref)) for ref in principal.refs]
        if not found:  # a jsonencode() document: the reference is an edge of the policy
            found = [a for _, a in b.target_assets(policy, ("policy",)) if a.kind in ("role", "user")]
        return [a for a in found if a is not None and a.kind in ("role", "user")]
    if isinstance(principal, str):
        return [b.asset(r) for r in b.of_type("aws_iam_role", "aws_iam_user")
                if isinstance(r.attributes.get("name"), str) and principal.endswith("/" + r.attributes["name"])
                and iam.account_of(principal) is not None]
    return []
