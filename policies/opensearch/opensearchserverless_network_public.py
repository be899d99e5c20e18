"""IAC211: OpenSearch Serverless network policies do not open AI collections to the internet.

Runs on `network` security policies (`aws_opensearchserverless_security_policy`,
`AWS::OpenSearchServerless::SecurityPolicy`). The JSON `policy` is a list of rule sets;
one with `"AllowFromPublic": true` makes the collection endpoint (`ResourceType:
collection`) or its OpenSearch Dashboards (`ResourceType: dashboard`) reachable from the
internet for the collections its `Rules[].Resource` patterns match. It is reported when
a matched collection in the scan is an AI collection: of type `VECTORSEARCH`, or used by a
Bedrock knowledge base. Unknown names, patterns or flags give UNKNOWN, as does a public
rule set that matches no collection in the scan.
"""
from __future__ import annotations

from iaclint.aws import aoss
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.model.unknown import is_unknown


class OpensearchserverlessNetworkPublic(Policy):
    id = "IAC211"
    name = "opensearchserverless-network-public"
    title = "OpenSearch Serverless network policy does not expose an AI collection to the internet"
    severity = "high"
    category = "network-exposure"
    resource_types = (aoss.SECURITY_POLICY,)
    checkov_ids = ()

    def check(self, resource, ctx):
        document = aoss.read_document(resource.attributes.get("policy"))
        kind = aoss.policy_kind(resource, document)
        spelt = f"`{resource.native_name(('policy',))}`"
        if kind is not None and kind != "network":
            yield PASS()
            return
        if is_unknown(document) or kind is None:
            reason = document.reason if is_unknown(document) else "its type is unknown"
            yield UNKNOWN(f"The network policy {spelt} cannot be read statically ({reason})", ("policy",))
            return
        rule_sets = aoss.rule_sets(document)
        if rule_sets is None:
            yield UNKNOWN(f"{spelt} is not a JSON list of rule sets", ("policy",))
            return
        found = False
        for i, inner, entry in rule_sets:
            base = ("policy",) + inner
            if is_unknown(entry):
                found = True
                yield UNKNOWN(f"Rule set {i + 1} of {spelt} is unknown until deployment ({entry.reason})", base)
                continue
            if not isinstance(entry, dict):
                continue
            flag_key = aoss.key_of(entry, "AllowFromPublic")
            public = entry.get(flag_key) if flag_key else False
            path = base + (flag_key,) if flag_key else base
            if isinstance(public, str):
                public = public.strip().lower() == "true"
            if public is False or public is None:
                continue
            patterns = aoss.rule_patterns(entry, inner, ("collection", "dashboard"))
            hits, unsure, matched_any = aoss.ai_collections_matched(patterns, ctx, resource)
            if public is not True:  # an unknown flag: a match is only possible
                hits, unsure = [], hits + unsure
            if hits:
                found = True
                yield FAIL(f"OpenSearch Serverless network policy makes vector collection {aoss.describe(hits)} "
                           f"reachable from the internet: `AllowFromPublic` is true in {spelt}", path)
            elif unsure:
                found = True
                yield UNKNOWN(f"OpenSearch Serverless network policy {spelt} may make AI collection "
                              f"{aoss.describe(unsure)} public (unknown name, pattern, type or "
                              f"`AllowFromPublic`)", path)
            elif not matched_any:
                found = True
                yield UNKNOWN(f"OpenSearch Serverless network policy {spelt} allows public access, but its rules "
                              f"match no collection in the scanned configuration", path)
        if not found:
            yield PASS()
