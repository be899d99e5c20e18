"""IAC124: OpenSearch Serverless vector collections are encrypted with a customer-managed key.

Runs on `encryption` security policies (`aws_opensearchserverless_security_policy`,
`AWS::OpenSearchServerless::SecurityPolicy`) and on CloudFormation collections that carry
their own `EncryptionConfig`. A policy without `KmsARN` gives its collections an AWS-owned
key. It is reported when its `Rules[].Resource` patterns (`collection/<name>` or
`collection/<prefix>*`) match an AI collection in the scan: one of type `VECTORSEARCH`, or
one a Bedrock knowledge base stores its vectors in. Patterns are matched against collection
names, with unknown parts of a name or pattern treated as wildcards (a possible match is
UNKNOWN, never FAIL). A policy that matches no collection in the scan is UNKNOWN: the
collections it governs are defined elsewhere.
"""
from __future__ import annotations

import json

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


def _describe(collections: list) -> str:
    names = list(dict.fromkeys(_collection_name(c) for c in collections))
    more = f" and {len(names) - 3} more" if len(names) > 3 else ""
    return ", ".join(f"`{n}`" for n in names[:3]) + more


class OpensearchserverlessEncryptionAwsOwnedKey(Policy):
    id = "IAC124"
    name = "opensearchserverless-encryption-aws-owned-key"
    title = "OpenSearch Serverless vector collection is encrypted with a customer-managed KMS key"
    severity = "medium"
    category = "data-protection"
    resource_types = (_SECURITY_POLICY, _COLLECTION)
    checkov_ids = ()
    what = (
        "An OpenSearch Serverless `encryption` security policy (`aws_opensearchserverless_security_policy`, "
        "`AWS::OpenSearchServerless::SecurityPolicy`) whose JSON `policy` / `Policy` has no `KmsARN` "
        "(`\"AWSOwnedKey\": true`), when its `Rules[].Resource` patterns (`collection/<name>` or "
        "`collection/<prefix>*`) match an AI collection in the scan: a collection of type `VECTORSEARCH`, or one "
        "a Bedrock knowledge base uses as its vector store. A CloudFormation collection that sets its own "
        "`EncryptionConfig` without `KmsKeyArn` is reported too. A key written as a reference counts as set. "
        "Patterns and names with unknown parts give UNKNOWN, as does a policy that matches no collection in the "
        "scan."
    )
    why = (
        "A vector collection holds the embeddings and the chunk text of every document a RAG application "
        "indexed: contracts, tickets, source code, personal data. Embeddings can be inverted back into "
        "close approximations of that text, so they are as sensitive as the documents. With an AWS-owned key "
        "you cannot see each decryption in CloudTrail, cannot restrict decryption with a key policy, and cannot "
        "cut off access by disabling the key after a leaked role or an exfiltrated snapshot. The key is chosen "
        "when the collection is created and cannot be changed afterwards."
    )
    fix_terraform = """Create a symmetric KMS key and name it in the encryption policy (before the collection is created):

```hcl
resource "aws_opensearchserverless_security_policy" "kb_encryption" {
  name = "kb-encryption"
  type = "encryption"
  policy = jsonencode({
    Rules       = [{ ResourceType = "collection", Resource = ["collection/kb-vectors"] }]
    AWSOwnedKey = false
    KmsARN      = aws_kms_key.vectors.arn
  })
}
```"""
    fix_cloudformation = """Create an `AWS::KMS::Key` and name it in the encryption policy, or in the collection's `EncryptionConfig`:

```yaml
KbEncryption:
  Type: AWS::OpenSearchServerless::SecurityPolicy
  Properties:
    Name: kb-encryption
    Type: encryption
    Policy: !Sub '{"Rules": [{"ResourceType": "collection", "Resource": ["collection/kb-vectors"]}], "AWSOwnedKey": false, "KmsARN": "${VectorsKey.Arn}"}'
```"""
    references = (
        "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/serverless-encryption.html",
        "https://docs.aws.amazon.com/bedrock/latest/userguide/knowledge-base-setup.html",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/opensearchserverless_security_policy",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-opensearchserverless-securitypolicy.html",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-opensearchserverless-collection-encryptionconfig.html",
    )

    def check(self, resource, ctx):
        if resource.type == _COLLECTION:
            yield from self._inline(resource, ctx)
            return
        document = _read_document(resource.attributes.get("policy"))
        kind = _policy_kind(resource, document)
        if kind is not None and kind != "encryption":
            yield PASS()
            return
        if is_unknown(document) or kind is None:
            reason = document.reason if is_unknown(document) else "its type is unknown"
            yield UNKNOWN(f"The encryption policy `{resource.native_name(('policy',))}` cannot be read "
                          f"statically ({reason})", ("policy",))
            return
        if not isinstance(document, dict):
            yield UNKNOWN(f"`{resource.native_name(('policy',))}` is not a JSON object", ("policy",))
            return
        cmk, where = _uses_cmk(document)
        if cmk:
            yield PASS()
            return
        patterns = _rule_patterns(document, (), ("collection",))
        hits, unsure, matched_any = _ai_collections_matched(patterns, ctx, resource)
        path = ("policy",) + where
        spelt = f"`{resource.native_name(('policy',))}`"
        if hits:
            yield FAIL(f"OpenSearch Serverless encryption policy gives vector collection {_describe(hits)} an "
                       f"AWS-owned key: {spelt} has no `KmsARN`", path)
        elif unsure:
            yield UNKNOWN(f"OpenSearch Serverless encryption policy {spelt} uses an AWS-owned key and may cover "
                          f"AI collection {_describe(unsure)} (unknown name, pattern or type)", path)
        elif not matched_any:
            yield UNKNOWN(f"OpenSearch Serverless encryption policy {spelt} uses an AWS-owned key, but its rules "
                          f"match no collection in the scanned configuration", path)
        else:
            yield PASS()

    def _inline(self, collection, ctx):
        """CloudFormation `EncryptionConfig` on the collection itself (no Terraform twin)."""
        config = collection.attributes.get("encryption_config")
        if config is None:
            yield PASS()  # encrypted by a matching encryption policy, checked on the policy
            return
        base = ("encryption_config",)
        if is_unknown(config):
            yield UNKNOWN(f"`{collection.native_name(base)}` is unknown until deployment ({config.reason})", base)
            return
        key = config.get("kms_key_arn") if isinstance(config, dict) else None
        if is_unknown(key) or key not in (None, ""):
            yield PASS()
            return
        ai = _is_ai_collection(collection, ctx)
        path = base + ("aws_owned_key",) if isinstance(config, dict) and "aws_owned_key" in config else base
        if ai is False:
            yield PASS()
        elif ai is None:
            yield UNKNOWN(f"Collection uses an AWS-owned key (`{collection.native_name(path)}`), and whether it is a "
                          f"vector collection is unknown", path)
        else:
            yield FAIL(f"Vector collection uses an AWS-owned key: `{collection.native_name(base + ('kms_key_arn',))}` "
                       f"is not set", path)
