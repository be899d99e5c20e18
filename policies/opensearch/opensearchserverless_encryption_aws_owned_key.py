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

from iaclint.aws import aoss
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.model.unknown import is_unknown


class OpensearchserverlessEncryptionAwsOwnedKey(Policy):
    id = "IAC124"
    name = "opensearchserverless-encryption-aws-owned-key"
    title = "OpenSearch Serverless vector collection is encrypted with a customer-managed KMS key"
    severity = "medium"
    category = "data-protection"
    resource_types = (aoss.SECURITY_POLICY, aoss.COLLECTION)
    checkov_ids = ()

    def check(self, resource, ctx):
        if resource.type == aoss.COLLECTION:
            yield from self._inline(resource, ctx)
            return
        document = aoss.read_document(resource.attributes.get("policy"))
        kind = aoss.policy_kind(resource, document)
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
        cmk, where = aoss.uses_cmk(document)
        if cmk:
            yield PASS()
            return
        patterns = aoss.rule_patterns(document, (), ("collection",))
        hits, unsure, matched_any = aoss.ai_collections_matched(patterns, ctx, resource)
        path = ("policy",) + where
        spelt = f"`{resource.native_name(('policy',))}`"
        if hits:
            yield FAIL(f"OpenSearch Serverless encryption policy gives vector collection {aoss.describe(hits)} an "
                       f"AWS-owned key: {spelt} has no `KmsARN`", path)
        elif unsure:
            yield UNKNOWN(f"OpenSearch Serverless encryption policy {spelt} uses an AWS-owned key and may cover "
                          f"AI collection {aoss.describe(unsure)} (unknown name, pattern or type)", path)
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
        ai = aoss.is_ai_collection(collection, ctx)
        path = base + ("aws_owned_key",) if isinstance(config, dict) and "aws_owned_key" in config else base
        if ai is False:
            yield PASS()
        elif ai is None:
            yield UNKNOWN(f"Collection uses an AWS-owned key (`{collection.native_name(path)}`), and whether it is a "
                          f"vector collection is unknown", path)
        else:
            yield FAIL(f"Vector collection uses an AWS-owned key: `{collection.native_name(base + ('kms_key_arn',))}` "
                       f"is not set", path)
