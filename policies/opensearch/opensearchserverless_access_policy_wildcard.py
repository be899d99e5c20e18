"""IAC311: OpenSearch Serverless data access policies do not grant wildcard access.

Runs on `aws_opensearchserverless_access_policy` / `AWS::OpenSearchServerless::AccessPolicy`
(`type = "data"`). The JSON `policy` is a list of rule sets, each with `Rules` (resource
type, resource patterns, `aoss:` permissions) and `Principal` (IAM ARNs, SAML users and
groups). A rule set is reported when a principal is `*` or an account root
(`arn:aws:iam::<account>:root`, which hands the grant to every IAM identity the account
lets call `aoss:APIAccessAll`), or when it grants `aoss:*` on `index/*/*` (every index of
every collection). Principals written as references to roles pass; unknown ones give
UNKNOWN.
"""
from __future__ import annotations

import json

from iaclint.documents import decode
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.iam import any3, covers, may_be_star, overlaps, value_glob
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


_ACCESS_POLICY = "aws_opensearchserverless_access_policy"
_ROOT = "arn:*:iam::*:root"


def _principal(value) -> "tuple[bool | None, str]":
    """Is the principal everyone (`*`) or an account root? With a phrase for the message."""
    glob = _glob(value)
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
    return (None if overlaps(_ROOT, glob) else False), ""


def _all_indexes(value) -> "bool | None":
    """Is the resource pattern every index of every collection (`index/*/*`)?"""
    if isinstance(value, str):
        return covers(value.strip(), "index/*/*")
    glob = _glob(value)
    if glob is None or covers(glob, "index/*/*") or overlaps(glob, "index/*/*"):
        return None
    return False


def _every_permission(value) -> "bool | None":
    if isinstance(value, str):
        return covers(value.strip(), "aoss:*")
    glob = _glob(value)
    return None if glob is None or overlaps(glob, "aoss:*") else False


class OpensearchserverlessAccessPolicyWildcard(Policy):
    id = "IAC311"
    name = "opensearchserverless-access-policy-wildcard"
    title = "OpenSearch Serverless data access policy does not grant wildcard access"
    severity = "high"
    category = "identity-and-access"
    resource_types = (_ACCESS_POLICY,)
    checkov_ids = ()
    what = (
        "An OpenSearch Serverless data access policy (`aws_opensearchserverless_access_policy`, "
        "`AWS::OpenSearchServerless::AccessPolicy`, `type = \"data\"`) with a rule set whose `Principal` "
        "contains `*` or an account root (`arn:aws:iam::<account>:root`), or which grants `aoss:*` on "
        "`index/*/*` (every index of every collection). Principals written as references to IAM roles pass; "
        "principals that cannot be known statically give UNKNOWN."
    )
    why = (
        "The data access policy is what decides who can read and write the documents of a vector index. "
        "A root principal delegates that decision to every IAM policy in the account: any role or user "
        "granted `aoss:APIAccessAll`, including roles of unrelated workloads, can dump the embedded corpus "
        "behind a RAG application or write poisoned chunks that the model later retrieves as trusted "
        "context (indirect prompt injection). `aoss:*` on `index/*/*` grants create, delete and write on "
        "every index of every collection matched, now and in the future, far beyond what a knowledge base "
        "needs (`aoss:ReadDocument`, `aoss:WriteDocument`, `aoss:DescribeIndex` on its own index)."
    )
    fix_terraform = """Name the roles that need access and grant only their permissions on their own index:

```hcl
resource "aws_opensearchserverless_access_policy" "kb_data" {
  name = "kb-data"
  type = "data"
  policy = jsonencode([{
    Rules = [{
      ResourceType = "index"
      Resource     = ["index/kb-vectors/*"]
      Permission   = ["aoss:CreateIndex", "aoss:DescribeIndex", "aoss:ReadDocument", "aoss:WriteDocument"]
    }]
    Principal = [aws_iam_role.kb.arn]
  }])
}
```"""
    fix_cloudformation = """Name the roles that need access and grant only their permissions on their own index:

```yaml
KbDataAccess:
  Type: AWS::OpenSearchServerless::AccessPolicy
  Properties:
    Name: kb-data
    Type: data
    Policy: !Sub '[{"Rules": [{"ResourceType": "index", "Resource": ["index/kb-vectors/*"], "Permission": ["aoss:ReadDocument", "aoss:WriteDocument"]}], "Principal": ["${KbRole.Arn}"]}]'
```"""
    references = (
        "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/serverless-data-access.html",
        "https://docs.aws.amazon.com/bedrock/latest/userguide/kb-permissions.html",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/opensearchserverless_access_policy",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-opensearchserverless-accesspolicy.html",
    )

    def check(self, resource, ctx):
        spelt = f"`{resource.native_name(('policy',))}`"
        kind = resource.attributes.get("type", "data")
        if isinstance(kind, str) and kind.lower() != "data":
            yield PASS()
            return
        document = _read_document(resource.attributes.get("policy"))
        if is_unknown(document):
            yield UNKNOWN(f"The data access policy {spelt} cannot be read statically ({document.reason})", ("policy",))
            return
        entries = document if isinstance(document, list) else [document] if isinstance(document, dict) else None
        if entries is None:
            yield UNKNOWN(f"{spelt} is not a JSON list of rule sets", ("policy",))
            return
        found = False
        for i, entry in enumerate(entries):
            base = ("policy", i) if isinstance(document, list) else ("policy",)
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
        key = _key(entry, "Principal")
        if key is None:
            return
        principals = entry[key]
        if is_unknown(principals):
            yield UNKNOWN(f"The principals of {label} are unknown until deployment ({principals.reason})", base + (key,))
            return
        for j, principal in enumerate(_as_list(principals)):
            path = base + (key, j) if isinstance(principals, list) else base + (key,)
            verdict, phrase = _principal(principal)
            if verdict is True:
                yield FAIL(f"OpenSearch Serverless data access policy grants {phrase} in {label}", path)
            elif verdict is None:
                yield UNKNOWN(f"Cannot tell statically whether principal `{getattr(principal, 'expr', principal)}` "
                              f"of {label} is `*` or an account root", path)

    def _permissions(self, entry, base, label):
        rules_key = _key(entry, "Rules")
        for k, rule in enumerate(_as_list(entry.get(rules_key) if rules_key else None)):
            if not isinstance(rule, dict):
                continue
            rule_path = base + (rules_key, k)
            kind = rule.get(_key(rule, "ResourceType"))
            if isinstance(kind, str) and kind.lower() != "index":
                continue
            res_key, perm_key = _key(rule, "Resource"), _key(rule, "Permission")
            if res_key is None or perm_key is None:
                continue
            everywhere = any3(_all_indexes(r) for r in _as_list(rule[res_key]))
            if everywhere is False:
                continue
            permissions = rule[perm_key]
            for m, permission in enumerate(_as_list(permissions)):
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
