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

import json

from iaclint import iam, paths
from iaclint.documents import decode
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.iam import any3, covers, overlaps, value_glob
from iaclint.unknown import Unknown, is_unknown

# --- OpenSearch Serverless documents and collection matching ---------------------------
# The same helpers live in opensearchserverless_encryption_aws_owned_key.py,
# opensearchserverless_network_public.py, opensearchserverless_access_policy_wildcard.py,
# bedrock_kb_vector_store_no_cmk.py and bedrock_kb_vector_store_public.py: policies import
# only the iaclint model modules, so they are repeated rather than shared. Keep them equal.

_COLLECTION = "aws_opensearchserverless_collection"
_SECURITY_POLICY = "aws_opensearchserverless_security_policy"
_KNOWLEDGE_BASE = "aws_bedrockagent_knowledge_base"
_MARK = "\x00"


def _read_document(value):
    """An OpenSearch Serverless policy document as plain data (Unknowns kept inside), an
    Unknown when it cannot be read, or None when it is not JSON.

    Besides what `decode` reads, a document written as a template with unknown parts (a
    CloudFormation `!Sub` naming a resource, a Terraform heredoc with an unknown
    interpolation) is parsed with each unknown part as an Unknown string."""
    decoded = decode(value)
    if not is_unknown(decoded):
        return decoded
    parsed = _from_template(decoded)
    return decoded if parsed is None else parsed


def _from_template(value):
    expr = value.expr.strip()
    cloudformation = expr.startswith("!Sub ")
    if cloudformation:
        body = expr[len("!Sub "):]
        if body.endswith("..."):
            return None  # the evaluator keeps only the first 200 characters
    elif expr.startswith("<<"):
        first, _, rest = expr.partition("\n")
        body, _, last = rest.rpartition("\n")
        if last.strip() != first.lstrip("<-").strip():
            return None
    else:
        return None
    holes: list = []
    text = _punch(body, holes, cloudformation)
    if text is None:
        return None
    try:
        data = json.loads(text, strict=False)
    except ValueError:
        return None
    return _fill(data, holes, value, cloudformation)


def _punch(body: str, holes: list, cloudformation: bool):
    """`a${X}b` -> `a<MARK>0<MARK>b`, remembering `X`; None when braces do not balance."""
    out, i = [], 0
    while i < len(body):
        if body.startswith("${!", i) and cloudformation:  # `${!X}` is a literal `${X}`
            out.append("${")
            i += 3
            continue
        if body.startswith("$${", i) and not cloudformation:  # Terraform's escape
            out.append("${")
            i += 3
            continue
        if body.startswith("${", i):
            depth, j = 0, i + 1
            while j < len(body):
                depth += {"{": 1, "}": -1}.get(body[j], 0)
                if depth == 0:
                    break
                j += 1
            if j >= len(body):
                return None
            out.append(f"{_MARK}{len(holes)}{_MARK}")
            holes.append(body[i + 2:j].strip())
            i = j + 1
            continue
        out.append(body[i])
        i += 1
    return "".join(out)


def _fill(data, holes: list, origin, cloudformation: bool):
    """Strings with holes become Unknowns: a lone `${X.Attr}` is the resource attribute it
    names (`!GetAtt X.Attr`, `aws_x.y.arn`), anything else a template."""
    if isinstance(data, dict):
        return {k: _fill(v, holes, origin, cloudformation) for k, v in data.items()}
    if isinstance(data, list):
        return [_fill(v, holes, origin, cloudformation) for v in data]
    if not isinstance(data, str) or _MARK not in data:
        return data
    pieces = data.split(_MARK)
    if len(pieces) == 3 and pieces[0] == pieces[2] == "" and pieces[1].isdigit():
        inner = holes[int(pieces[1])]
        refs = tuple(r for r in origin.refs if inner == r or inner.startswith(r + "."))
        if cloudformation and "." in inner and refs:
            return Unknown(f"!GetAtt {inner}", origin.reason, origin.span, refs)
        if not cloudformation and refs:
            return Unknown(inner, origin.reason, origin.span, refs)
    text = "".join("${" + holes[int(p)] + "}" if n % 2 else p for n, p in enumerate(pieces))
    return Unknown(text, origin.reason, origin.span, origin.refs)


def _glob(value):
    """A glob every possible value matches: the string itself, the template of an Unknown
    with `*` for its unknown parts, or None when nothing is known of it."""
    if isinstance(value, str):
        return value
    if is_unknown(value):
        return value_glob(value)
    return None


def _key(mapping, name: str):
    """The key spelling `name` in a policy object (matched leniently on case)."""
    if not isinstance(mapping, dict):
        return None
    if name in mapping:
        return name
    return next((k for k in mapping if isinstance(k, str) and k.lower() == name.lower()), None)


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _rule_patterns(entry: dict, path: tuple, types: tuple) -> list:
    """(path, pattern) of every `Resource` pattern of the entry's `Rules` whose
    `ResourceType` is one of `types` (an unknown type counts)."""
    out = []
    rules_key = _key(entry, "Rules")
    rules = entry.get(rules_key) if rules_key else None
    if is_unknown(rules):
        return [(path + (rules_key,), rules)]
    for i, rule in enumerate(_as_list(rules)):
        rule_path = path + (rules_key, i)
        if is_unknown(rule):
            out.append((rule_path, rule))
            continue
        kind = rule.get(_key(rule, "ResourceType")) if isinstance(rule, dict) else None
        if not is_unknown(kind) and str(kind).lower() not in types:
            continue
        res_key = _key(rule, "Resource")
        resources = rule.get(res_key) if res_key else None
        if is_unknown(resources):
            out.append((rule_path + (res_key,), resources))
            continue
        for j, pattern in enumerate(_as_list(resources)):
            out.append((rule_path + (res_key, j), pattern))
    return out


def _pattern_matches(pattern, name) -> "bool | None":
    """Does a rule pattern (`collection/kb-*`) match the collection called `name`?"""
    pattern_glob, name_glob = _glob(pattern), _glob(name)
    if pattern_glob is None or name_glob is None:
        return None
    if not pattern_glob.lower().startswith("collection/") and not pattern_glob.startswith("*"):
        return False
    target = "collection/" + name_glob
    if isinstance(pattern, str) and covers(pattern, target):
        return True  # an unknown pattern could still be narrower than its glob
    return None if overlaps(pattern_glob, target) else False


def _matches(patterns: list, collection) -> "bool | None":
    name = collection.attributes.get("name")
    return any3(_pattern_matches(pattern, name) for _, pattern in patterns)


def _nearest_first(resources: list, origin) -> list:
    """`resources` in two groups: those of `origin`'s module or template, then the others.
    Names are unique per account and region, not per repository: a dev and a prod stack
    often reuse them, so a match in the same unit is preferred to one elsewhere."""
    return [[r for r in resources if r.unit == origin.unit], [r for r in resources if r.unit != origin.unit]]


def _collections(ctx, origin) -> list:
    """The collections of the scan, nearest first (see `_nearest_first`)."""
    return _nearest_first([r for r in ctx.project.resources if r.type == _COLLECTION], origin)


def _is_ai_collection(collection, ctx) -> "bool | None":
    """A vector collection (`type = VECTORSEARCH`) or one a knowledge base stores in."""
    if any(source.type == _KNOWLEDGE_BASE for source, _ in ctx.project.incoming(collection)):
        return True
    kind = collection.attributes.get("type", "TIMESERIES")  # the API's default type
    if is_unknown(kind):
        return None
    return str(kind).upper() == "VECTORSEARCH"


def _ai_collections_matched(patterns: list, ctx, origin) -> "tuple[list, list, bool]":
    """The AI collections the rule patterns match (certainly, possibly), and whether they
    match any collection at all; collections of `origin`'s own unit are preferred."""
    for group in _collections(ctx, origin):
        hits, unsure, matched_any = [], [], False
        for collection in group:
            verdict = _matches(patterns, collection)
            if verdict is False:
                continue
            matched_any = True
            ai = _is_ai_collection(collection, ctx)
            if verdict is True and ai is True:
                hits.append(collection)
            elif ai is not False:
                unsure.append(collection)
        if matched_any:
            return hits, unsure, True
    return [], [], False


def _policy_kind(resource, document) -> "str | None":
    """`encryption` or `network` (from `type`, else from the document's shape)."""
    kind = resource.attributes.get("type")
    if isinstance(kind, str):
        return kind.lower()
    if isinstance(document, dict):
        return "encryption"
    if isinstance(document, list):
        return "network"
    return None


def _collection_name(collection) -> str:
    name = collection.attributes.get("name")
    return name if isinstance(name, str) else collection.address


def _uses_cmk(document) -> "tuple[bool | None, tuple]":
    """Does an encryption policy name a customer-managed key (`KmsARN`, a reference counts)?
    Without one the collection gets an AWS-owned key (`AWSOwnedKey: true`). The path is
    where to point, inside the document: `AWSOwnedKey` when written."""
    if not isinstance(document, dict):
        return None, ()
    kms = _key(document, "KmsARN")
    if kms is not None and (is_unknown(document[kms]) or document[kms] not in (None, "")):
        return True, ()
    owned = _key(document, "AWSOwnedKey")
    return False, ((owned,) if owned is not None else ())


def _policies_for(collection, ctx, kind: str) -> list:
    """Security policies of `kind` whose rules may match the collection, each with its
    document and its rule sets: [(policy, document, [(path, entry, matched)] or None when
    the document cannot be read)]. Policies of the collection's own module or template are
    preferred; the others are consulted only when none of those may match."""
    types = ("collection",) if kind == "encryption" else ("collection", "dashboard")
    policies = [r for r in ctx.project.resources if r.type == _SECURITY_POLICY]
    for group in _nearest_first(policies, collection):
        out = []
        for policy in group:
            document = _read_document(policy.attributes.get("policy"))
            policy_kind = _policy_kind(policy, document)
            if policy_kind is not None and policy_kind != kind:
                continue
            if is_unknown(document) or document is None or policy_kind is None:
                out.append((policy, document, None))
                continue
            entries = [((), document)] if isinstance(document, dict) else list(
                ((i,), e) for i, e in enumerate(document))
            matched = []
            for path, entry in entries:
                if isinstance(entry, dict):
                    matched.append((path, entry, _matches(_rule_patterns(entry, path, types), collection)))
                elif is_unknown(entry):
                    matched.append((path, entry, None))
            if any(m is not False for _, _, m in matched):
                out.append((policy, document, matched))
        if out:
            return out
    return []


# --- From a knowledge base to its vector store (same in bedrock_kb_vector_store_no_cmk.py
# and bedrock_kb_vector_store_public.py) --------------------------------------------------

_DOMAINS = ("aws_opensearch_domain", "aws_elasticsearch_domain")
_STORES = {
    "opensearch_serverless_configuration": ("collection_arn", (_COLLECTION,)),
    "opensearch_managed_cluster_configuration": ("domain_arn", _DOMAINS),
}


def _vector_stores(resource, ctx):
    """(kind, path of the ARN attribute, target resource or None, ARN value) for each
    OpenSearch vector store the knowledge base names in `storage_configuration`."""
    out = []
    for kind, (attribute, types) in _STORES.items():
        for path, value, complete in paths.find_detailed(resource.attributes,
                                                         ("storage_configuration", kind, attribute)):
            if not complete:
                out.append((kind, path, None, value))
                continue
            target = None
            for ref, found in ctx.project.outgoing(resource, path):
                if found is not None and found.type in types:
                    target = found
            out.append((kind, path, target, value))
    return out


def _flag(value):
    """True/False for a boolean written either way; None when unknown or not set."""
    if is_unknown(value) or value is None:
        return None
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def _first(value):
    """A TF block (a list of one dict) or a CFN object, as a dict (or an Unknown, or None)."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _collection_verdict(collection, ctx):
    """(verdict, detail): True when private, False when a matching network policy is public."""
    name = f"`{_collection_name(collection)}`"
    public, private, unsure = [], [], []
    for policy, document, entries in _policies_for(collection, ctx, "network"):
        if entries is None:
            unsure.append(policy)
            continue
        for _, entry, matched in entries:
            if matched is False:
                continue
            flag_key = _key(entry, "AllowFromPublic") if isinstance(entry, dict) else None
            flag = _flag(entry.get(flag_key)) if flag_key else False
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
    return any(iam.all3(iam.is_allow(s), iam.principal_is_public(s), iam.not3(iam.has_condition(s, narrowing)))
               is True for s in document.statements)


def _domain_verdict(domain, ctx):
    """(verdict, detail): True when the domain is in a VPC, False when its endpoint is public."""
    domain_name = domain.attributes.get("domain_name")
    name = f"`{domain_name if isinstance(domain_name, str) else domain.address}`"
    vpc = _first(domain.attributes.get("vpc_options"))
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
    resource_types = (_KNOWLEDGE_BASE,)
    checkov_ids = ()
    what = (
        "A Bedrock knowledge base (`aws_bedrockagent_knowledge_base`, `AWS::Bedrock::KnowledgeBase`) whose vector "
        "store in the scan is reachable from the internet: an OpenSearch Serverless collection "
        "(`storage_configuration.opensearch_serverless_configuration.collection_arn`) matched by a `network` "
        "security policy with `\"AllowFromPublic\": true`, or an OpenSearch domain "
        "(`opensearch_managed_cluster_configuration.domain_arn`) with a public endpoint (no `vpc_options` "
        "subnets). A store that is not in the scan, or a collection no network policy in the scan matches, gives "
        "UNKNOWN."
    )
    why = (
        "This is the path from the internet to the private corpus behind a RAG assistant: the vector store holds "
        "the embedded text of every document the knowledge base ingested. Once its endpoint is public, any leaked "
        "credential, over-broad data access policy or open domain policy lets an attacker dump the corpus or, "
        "with write access, insert poisoned chunks that the knowledge base retrieves and the model follows as "
        "trusted context (indirect prompt injection reaching every user of the assistant). Bedrock reaches a "
        "collection through the `bedrock.amazonaws.com` source service, so the store never needs a public "
        "endpoint."
    )
    fix_terraform = """Let only Bedrock (and your VPC endpoints) reach the collection:

```hcl
resource "aws_opensearchserverless_security_policy" "kb_network" {
  name = "kb-network"
  type = "network"
  policy = jsonencode([{
    Rules           = [{ ResourceType = "collection", Resource = ["collection/kb-vectors"] }]
    AllowFromPublic = false
    SourceServices  = ["bedrock.amazonaws.com"]
  }])
}
```

For an OpenSearch domain, create it with `vpc_options { subnet_ids = [...], security_group_ids = [...] }`."""
    fix_cloudformation = """Let only Bedrock (and your VPC endpoints) reach the collection:

```yaml
KbNetwork:
  Type: AWS::OpenSearchServerless::SecurityPolicy
  Properties:
    Name: kb-network
    Type: network
    Policy: '[{"Rules": [{"ResourceType": "collection", "Resource": ["collection/kb-vectors"]}], "AllowFromPublic": false, "SourceServices": ["bedrock.amazonaws.com"]}]'
```

For an OpenSearch domain, create it with `VPCOptions: {SubnetIds: [...], SecurityGroupIds: [...]}`."""
    references = (
        "https://docs.aws.amazon.com/bedrock/latest/userguide/knowledge-base-setup.html",
        "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/serverless-network.html",
        "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/vpc.html",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/bedrockagent_knowledge_base",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-bedrock-knowledgebase.html",
    )

    def check(self, resource, ctx):
        stores = _vector_stores(resource, ctx)
        if not stores:
            yield PASS()  # another store type, or a managed or Kendra knowledge base
            return
        for kind, path, target, value in stores:
            spelt = f"`{resource.native_name(path)}`"
            if target is None:
                shown = value.expr if is_unknown(value) else value
                yield UNKNOWN(f"The knowledge base's vector store {spelt} (`{shown}`) is not in the scanned "
                              f"configuration, so its network exposure cannot be checked", path)
                continue
            verdict, detail = (_collection_verdict(target, ctx) if target.type == _COLLECTION
                               else _domain_verdict(target, ctx))
            if verdict is True:
                yield PASS()
            elif verdict is False:
                yield FAIL(f"Bedrock knowledge base's vector store is exposed to the internet: {detail}", path)
            else:
                yield UNKNOWN(f"Cannot tell statically whether the knowledge base's vector store is reachable "
                              f"from the internet: {detail}", path)
