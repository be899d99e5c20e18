"""IAC603: the vector store of a Bedrock knowledge base is not reachable from the internet.

A graph policy on `aws_bedrockagent_knowledge_base` / `AWS::Bedrock::KnowledgeBase`. It
follows `storage_configuration` to the vector store in the scan:
- an OpenSearch Serverless collection: a `network` security policy whose rules match the
  collection (or its dashboards) with `"AllowFromPublic": true` fails, as
  `opensearchserverless-network-public` reports on the policy itself; network policies add
  up, so one public match is enough;
- an OpenSearch domain: no `vpc_options` subnets (a public endpoint) fails, as
  `opensearch-domain-not-in-vpc` reports on the domain; the message says whether its access
  policy also allows everyone (`opensearch-domain-access-policy-public`).
A store outside the scan, or a collection no network policy in the scan matches, gives
UNKNOWN.
"""
from __future__ import annotations

from iaclint.aws import aoss, iam
from iaclint.engine.policy import Policy
from iaclint.model.unknown import is_unknown


def _collection_verdict(collection, ctx):
    """(verdict, detail): True when private, False when a matching network policy is public."""
    name = f"`{aoss.collection_name(collection)}`"
    public, private, unsure = [], [], []
    for policy, document, entries in aoss.policies_for(collection, ctx, "network"):
        if entries is None:
            unsure.append(policy)
            continue
        for _, entry, matched in entries:
            if matched is False:
                continue
            flag_key = aoss.key_of(entry, "AllowFromPublic") if isinstance(entry, dict) else None
            flag = aoss.flag(entry.get(flag_key)) if flag_key else False
            if flag is None and flag_key and entry.get(flag_key) is None:
                flag = False
            if matched is True and flag is True:
                public.append(policy)
            elif matched is True and flag is False:
                private.append(policy)
            elif flag is not False:
                unsure.append(policy)
    if public:
        names = ", ".join(dict.fromkeys(p.address for p in public))
        return False, f"network policy {names} sets `AllowFromPublic` to true for collection {name}"
    if unsure:
        return None, f"the network policies that may match collection {name} cannot all be read"
    if private:
        return True, ""
    return None, f"no network security policy in the scanned configuration matches collection {name}"


def _open_policy(domain, ctx) -> bool:
    """Does the domain's own access policy allow any principal without a narrowing condition?"""
    value = domain.attributes.get("access_policies")
    if value in (None, ""):
        return False
    document = iam.document_from_value(domain, ("access_policies",), value, ctx, follow=True)
    if document is None:
        return False
    narrowing = ("aws:SourceIp", "aws:SourceVpc", "aws:SourceVpce", "aws:VpcSourceIp", "aws:PrincipalOrgID",
                 "aws:PrincipalOrgPaths", "aws:PrincipalAccount", "aws:PrincipalArn")
    return any(iam.open_to_everyone(s, narrowing) is True for s in document.statements)


def _domain_verdict(domain, ctx):
    """(verdict, detail): True when the domain is in a VPC, False when its endpoint is public."""
    domain_name = domain.attributes.get("domain_name")
    name = f"`{domain_name if isinstance(domain_name, str) else domain.address}`"
    vpc = aoss.first(domain.attributes.get("vpc_options"))
    if is_unknown(vpc):
        return None, f"the VPC settings of domain {name} are unknown until deployment"
    subnets = vpc.get("subnet_ids") if isinstance(vpc, dict) else None
    if is_unknown(subnets):
        return None, f"the subnets of domain {name} are unknown until deployment"
    if isinstance(subnets, list) and subnets:
        return True, ""
    also = " and its access policy allows any principal" if _open_policy(domain, ctx) else ""
    spelt = domain.native_name(("vpc_options", "subnet_ids"))
    return False, f"domain {name} has a public endpoint (`{spelt}` is not set){also}"


class BedrockKbVectorStorePublic(Policy):
    id = "IAC603"
    name = "bedrock-kb-vector-store-public"
    title = "Bedrock knowledge base vector store is not reachable from the internet"
    severity = "high"
    category = "attack-paths"
    resource_types = (aoss.KNOWLEDGE_BASE,)
    checkov_ids = ()

    def check(self, resource, ctx):
        def verdict(target):
            return (_collection_verdict(target, ctx) if target.type == aoss.COLLECTION
                    else _domain_verdict(target, ctx))

        yield from aoss.judge_vector_stores(
            resource, ctx, verdict, "its network exposure",
            "Bedrock knowledge base's vector store is exposed to the internet",
            "Cannot tell statically whether the knowledge base's vector store is reachable from the internet")
