"""OpenSearch Serverless (AOSS): its policy documents, and which collections they govern.

An OpenSearch Serverless collection is not configured on the collection itself. Its
encryption key, its network exposure and who may read its indexes are set by separate
resources (`aws_opensearchserverless_security_policy` of type `encryption` or `network`,
`aws_opensearchserverless_access_policy`) whose JSON documents name collections by pattern:
`Rules[].Resource` = `collection/<name>` or `collection/<prefix>*`. No reference links a
policy to its collections, so the policies about AOSS (and about the Bedrock knowledge
bases that store their vectors in it) all ask the same questions, answered once here:

- reading a policy document in any form, including templates with unknown parts
  (`read_document`), walking its rule sets (`rule_sets`) and looking its keys up
  leniently (`key_of`, `as_list`);
- which rule patterns a document has and whether one matches a collection name, with
  unknown parts of a name or pattern treated as wildcards, so a possible match is `None`
  (UNKNOWN), never True (`rule_patterns`, `pattern_matches`, `matches`);
- whether a collection is an AI collection: of type `VECTORSEARCH`, or used by a Bedrock
  knowledge base (`is_ai_collection`, `ai_collections_matched`);
- from a collection back to the security policies that govern it (`policies_for`), and
  from a knowledge base forward to its vector stores (`vector_stores`).

Collection names are unique per account and region, not per repository: a dev and a prod
stack often reuse them, so a match in the same module or template is preferred to one
elsewhere (`nearest_first`).

Answers are three-valued: True, False, None for "cannot be known statically". Only plain
data, `Unknown`, the documents helper, the IAM glob matching and the resource model are
used here.
"""
from __future__ import annotations


from iaclint.aws.iam import any3
from iaclint.model import paths, symbolic
from iaclint.model.documents import decode
from iaclint.model.unknown import is_unknown

COLLECTION = "aws_opensearchserverless_collection"
SECURITY_POLICY = "aws_opensearchserverless_security_policy"
KNOWLEDGE_BASE = "aws_bedrockagent_knowledge_base"
DOMAINS = ("aws_opensearch_domain", "aws_elasticsearch_domain")



# --- Reading policy documents -------------------------------------------------------------

def read_document(value):
    """An OpenSearch Serverless policy document as plain data (Unknowns kept inside), an
    Unknown when it cannot be read, or None when it is not JSON. A document written as a
    template with unknown parts (a CloudFormation `!Sub` naming a collection or a key, a
    Terraform heredoc with an unknown interpolation) is read with each hole as an Unknown
    (`iaclint.model.documents.decode`): AOSS documents are usually written that way."""
    return decode(value)


def glob_of(value):
    """A glob every possible value matches: the string itself, the template of an Unknown
    with `*` for its unknown parts, or None when nothing is known of it."""
    return symbolic.glob(value)


def key_of(mapping, name: str):
    """The key spelling `name` in a policy object (matched leniently on case): AWS accepts
    `Rules` and `rules` alike, and hand-written documents use both."""
    if not isinstance(mapping, dict):
        return None
    if name in mapping:
        return name
    return next((k for k in mapping if isinstance(k, str) and k.lower() == name.lower()), None)


def as_list(value) -> list:
    """A document value that may be one item or a list of them, as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def rule_sets(document) -> "list | None":
    """The rule sets of a policy document as (index, path inside the document, rule set):
    a network or data access policy is a list of them, an encryption policy one object
    (read as a single rule set at the document's root). None when the document is neither."""
    if isinstance(document, list):
        return [(i, (i,), entry) for i, entry in enumerate(document)]
    if isinstance(document, dict):
        return [(0, (), document)]
    return None


def policy_kind(resource, document) -> "str | None":
    """`encryption` or `network` (from `type`, else from the document's shape: an encryption
    policy is one object, a network policy a list of rule sets)."""
    kind = resource.attributes.get("type")
    if isinstance(kind, str):
        return kind.lower()
    if isinstance(document, dict):
        return "encryption"
    if isinstance(document, list):
        return "network"
    return None


def uses_cmk(document) -> "tuple[bool | None, tuple]":
    """Does an encryption policy name a customer-managed key (`KmsARN`, a reference counts)?
    Without one the collection gets an AWS-owned key (`AWSOwnedKey: true`). The path is
    where to point, inside the document: `AWSOwnedKey` when written."""
    if not isinstance(document, dict):
        return None, ()
    kms = key_of(document, "KmsARN")
    if kms is not None and (is_unknown(document[kms]) or document[kms] not in (None, "")):
        return True, ()
    owned = key_of(document, "AWSOwnedKey")
    return False, ((owned,) if owned is not None else ())


# --- Matching rule patterns to collections ------------------------------------------------

def rule_patterns(entry: dict, path: tuple, types: tuple) -> list:
    """(path, pattern) of every `Resource` pattern of the entry's `Rules` whose
    `ResourceType` is one of `types` (an unknown type counts)."""
    out = []
    rules_key = key_of(entry, "Rules")
    rules = entry.get(rules_key) if rules_key else None
    if is_unknown(rules):
        return [(path + (rules_key,), rules)]
    for i, rule in enumerate(as_list(rules)):
        rule_path = path + (rules_key, i)
        if is_unknown(rule):
            out.append((rule_path, rule))
            continue
        kind = rule.get(key_of(rule, "ResourceType")) if isinstance(rule, dict) else None
        if not is_unknown(kind) and str(kind).lower() not in types:
            continue
        res_key = key_of(rule, "Resource")
        resources = rule.get(res_key) if res_key else None
        if is_unknown(resources):
            out.append((rule_path + (res_key,), resources))
            continue
        for j, pattern in enumerate(as_list(resources)):
            out.append((rule_path + (res_key, j), pattern))
    return out


def pattern_matches(pattern, name) -> "bool | None":
    """Does a rule pattern (`collection/kb-*`) match the collection called `name`, whatever
    their unknown parts are? A pattern written around the very value that names the
    collection (`collection/${CollectionName}` and `Name: !Ref CollectionName` of one
    template, `collection/${var.name}` and `name = var.name` of one module) matches it:
    a hole is equal to itself (symbols are per unit, so never across units)."""
    if name is None or (not isinstance(name, str) and not is_unknown(name)):
        return None
    return symbolic.covers(pattern, symbolic.concat("collection/", name))


def matches(patterns: list, collection, ctx=None) -> "bool | None":
    """Does any of the (path, pattern) pairs of `rule_patterns` match the collection? A
    pattern that names, letter for letter, another collection of the same module or
    template does not name this one, whatever its unknown name is: names are unique in an
    account and region, and a unit deploys to one."""
    name = collection.attributes.get("name")
    taken = _sibling_names(collection, ctx) if ctx is not None and not isinstance(name, str) else ()
    return any3(False if _names_sibling(pattern, taken) else pattern_matches(pattern, name)
                for _, pattern in patterns)


def _sibling_names(collection, ctx) -> set:
    return {c.attributes.get("name").lower() for c in ctx.project.unit_resources(collection.unit)
            if c.type == COLLECTION and c is not collection and isinstance(c.attributes.get("name"), str)}


def _names_sibling(pattern, taken) -> bool:
    if not taken or not isinstance(pattern, str) or "*" in pattern or "?" in pattern:
        return False
    text = pattern.lower()
    return text.startswith("collection/") and text[len("collection/"):] in taken


def nearest_first(resources: list, origin) -> list:
    """`resources` in two groups: those of `origin`'s module or template, then the others.
    Names are unique per account and region, not per repository: a dev and a prod stack
    often reuse them, so a match in the same unit is preferred to one elsewhere."""
    return [[r for r in resources if r.unit == origin.unit], [r for r in resources if r.unit != origin.unit]]


def collections(ctx, origin) -> list:
    """The collections of the scan, nearest first (see `nearest_first`)."""
    return nearest_first(ctx.project.of_type(COLLECTION), origin)


def is_ai_collection(collection, ctx) -> "bool | None":
    """A vector collection (`type = VECTORSEARCH`) or one a knowledge base stores in: the
    policies report only those, the collections that hold embedded private documents."""
    if any(source.type == KNOWLEDGE_BASE for source, _ in ctx.project.incoming(collection)):
        return True
    kind = collection.attributes.get("type", "TIMESERIES")  # the API's default type
    if is_unknown(kind):
        return None
    return str(kind).upper() == "VECTORSEARCH"


def ai_collections_matched(patterns: list, ctx, origin) -> "tuple[list, list, bool]":
    """The AI collections the rule patterns match (certainly, possibly), and whether they
    match any collection at all; collections of `origin`'s own unit are preferred. A policy
    that matches nothing in the scan governs collections defined elsewhere: UNKNOWN."""
    for group in collections(ctx, origin):
        hits, unsure, matched_any = [], [], False
        for collection in group:
            verdict = matches(patterns, collection, ctx)
            if verdict is False:
                continue
            matched_any = True
            ai = is_ai_collection(collection, ctx)
            if verdict is True and ai is True:
                hits.append(collection)
            elif ai is not False:
                unsure.append(collection)
        if matched_any:
            return hits, unsure, True
    return [], [], False


def policies_for(collection, ctx, kind: str) -> list:
    """Security policies of `kind` whose rules may match the collection, each with its
    document and its rule sets: [(policy, document, [(path, entry, matched)] or None when
    the document cannot be read)]. Policies of the collection's own module or template are
    preferred; the others are consulted only when none of those may match."""
    types = ("collection",) if kind == "encryption" else ("collection", "dashboard")
    policies = ctx.project.of_type(SECURITY_POLICY)
    for group in nearest_first(policies, collection):
        out = []
        for policy in group:
            document = read_document(policy.attributes.get("policy"))
            found_kind = policy_kind(policy, document)
            if found_kind is not None and found_kind != kind:
                continue
            if is_unknown(document) or document is None or found_kind is None:
                out.append((policy, document, None))
                continue
            matched = []
            for _, path, entry in rule_sets(document) or ():
                if isinstance(entry, dict):
                    matched.append((path, entry, matches(rule_patterns(entry, path, types), collection, ctx)))
                elif is_unknown(entry):
                    matched.append((path, entry, None))
            if any(m is not False for _, _, m in matched):
                out.append((policy, document, matched))
        if out:
            return out
    return []


def collection_name(collection) -> str:
    """The collection's name for a message, or its address when the name is unknown."""
    name = collection.attributes.get("name")
    return name if isinstance(name, str) else collection.address


def describe(found: list) -> str:
    """Up to three collection names for a message: "`a`, `b`, `c` and 2 more"."""
    names = list(dict.fromkeys(collection_name(c) for c in found))
    more = f" and {len(names) - 3} more" if len(names) > 3 else ""
    return ", ".join(f"`{n}`" for n in names[:3]) + more


# --- From a Bedrock knowledge base to its OpenSearch vector store -------------------------

# `storage_configuration.<kind>.<attribute>` names the store; its target is one of `types`.
_STORES = {
    "opensearch_serverless_configuration": ("collection_arn", (COLLECTION,)),
    "opensearch_managed_cluster_configuration": ("domain_arn", DOMAINS),
}


def vector_stores(resource, ctx):
    """(kind, path of the ARN attribute, target resource or None, ARN value) for each
    OpenSearch vector store the knowledge base names in `storage_configuration`. The
    target is None when the store is outside the scan (a literal ARN, a variable): the
    knowledge-base policies then answer UNKNOWN."""
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


def judge_vector_stores(resource, ctx, verdict, subject: str, failing: str, undecided: str):
    """The results of a knowledge-base policy that judges each OpenSearch vector store with
    `verdict(target) -> (True | False | None, detail)`: a PASS when the knowledge base has
    none; per store a PASS, a FAIL starting `failing`, an UNKNOWN starting `undecided`, or
    an UNKNOWN saying `subject` cannot be checked when the store is not in the scan."""
    from iaclint.engine.policy import FAIL, PASS, UNKNOWN

    stores = vector_stores(resource, ctx)
    if not stores:
        yield PASS()  # another store type, or a managed or Kendra knowledge base
        return
    for _kind, path, target, value in stores:
        if target is None:
            spelt = f"`{resource.native_name(path)}`"
            shown = value.expr if is_unknown(value) else value
            yield UNKNOWN(f"The knowledge base's vector store {spelt} (`{shown}`) is not in the scanned "
                          f"configuration, so {subject} cannot be checked", path)
            continue
        judged, detail = verdict(target)
        if judged is True:
            yield PASS()
        elif judged is False:
            yield FAIL(f"{failing}: {detail}", path)
        else:
            yield UNKNOWN(f"{undecided}: {detail}", path)


def flag(value):
    """True/False for a boolean written either way (`true`, `"true"`); None when unknown or
    not set. JSON documents and CloudFormation both carry booleans as strings at times."""
    if is_unknown(value) or value is None:
        return None
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def first(value):
    """A TF block (a list of one dict) or a CFN object, as a dict (or an Unknown, or None)."""
    if isinstance(value, list):
        return value[0] if value else None
    return value
