"""IAC122: the vector store of a Bedrock knowledge base is encrypted with a customer-managed key.

A graph policy on `aws_bedrockagent_knowledge_base` / `AWS::Bedrock::KnowledgeBase`. It
follows `storage_configuration` to the vector store in the scan:
- an OpenSearch Serverless collection (`opensearch_serverless_configuration.collection_arn`):
  its own CloudFormation `EncryptionConfig`, else the `encryption` security policies whose
  rules match its name; an AWS-owned key (no `KmsARN`) fails, as
  `opensearchserverless-encryption-aws-owned-key` reports on the policy itself;
- an OpenSearch domain (`opensearch_managed_cluster_configuration.domain_arn`): encryption
  at rest off, or on with the AWS-managed `aws/es` key (no `kms_key_id`), fails.
A store outside the scan (a literal ARN, a variable), or a collection no policy in the scan
matches, gives UNKNOWN. Other store types (RDS, Pinecone, MongoDB Atlas, Neptune Analytics,
S3 Vectors) and managed or Kendra knowledge bases are not covered here.
"""
from __future__ import annotations

from iaclint.aws import aoss
from iaclint.aws.iam import any3
from iaclint.engine.policy import Policy
from iaclint.model.unknown import is_unknown


def _collection_verdict(collection, ctx):
    """(verdict, detail): is the collection under a customer-managed key?"""
    name = f"`{aoss.collection_name(collection)}`"
    config = collection.attributes.get("encryption_config")
    if is_unknown(config):
        return None, f"the `EncryptionConfig` of collection {name} is unknown until deployment"
    if isinstance(config, dict):
        key = config.get("kms_key_arn")
        if is_unknown(key) or key not in (None, ""):
            return True, ""
        return False, f"collection {name} sets an AWS-owned key in `EncryptionConfig`"
    owned, cmk, unsure = [], [], []
    for policy, document, entries in aoss.policies_for(collection, ctx, "encryption"):
        if entries is None:
            unsure.append(policy)
            continue
        matched = any3(m for _, _, m in entries)
        if matched is False:
            continue
        uses_cmk, _ = aoss.uses_cmk(document)
        if matched is None:
            unsure.append(policy)
        elif uses_cmk:
            cmk.append(policy)
        else:
            owned.append(policy)
    if owned and not cmk and not unsure:
        names = ", ".join(p.address for p in owned)
        return False, f"collection {name} gets an AWS-owned key from encryption policy {names} (no `KmsARN`)"
    if cmk and not owned and not unsure:
        return True, ""
    if owned or cmk or unsure:
        return None, f"the encryption policies that may match collection {name} cannot all be read or disagree"
    return None, f"no encryption security policy in the scanned configuration matches collection {name}"


def _domain_verdict(domain):
    """(verdict, detail): is the domain encrypted at rest with a customer-managed key?"""
    domain_name = domain.attributes.get("domain_name")
    name = f"`{domain_name if isinstance(domain_name, str) else domain.address}`"
    block = aoss.first(domain.attributes.get("encrypt_at_rest"))
    if is_unknown(block):
        return None, f"the encryption settings of domain {name} are unknown until deployment"
    # An absent block, or one without `enabled` (filled from the table DEFAULTS), is off.
    enabled = aoss.flag(block.get("enabled")) if isinstance(block, dict) and "enabled" in block else False
    if enabled is None:
        return None, f"whether domain {name} is encrypted at rest is unknown until deployment"
    if not enabled:
        return False, f"domain {name} is not encrypted at rest (`{domain.native_name(('encrypt_at_rest', 'enabled'))}`)"
    key = block.get("kms_key_id")
    if is_unknown(key) or key not in (None, ""):
        return True, ""
    spelt = domain.native_name(("encrypt_at_rest", "kms_key_id"))
    return False, f"domain {name} is encrypted with the AWS-managed `aws/es` key (`{spelt}` is not set)"


class BedrockKbVectorStoreNoCmk(Policy):
    id = "IAC122"
    name = "bedrock-kb-vector-store-no-cmk"
    title = "Bedrock knowledge base vector store is encrypted with a customer-managed KMS key"
    severity = "medium"
    category = "data-protection"
    resource_types = (aoss.KNOWLEDGE_BASE,)
    checkov_ids = ()

    def check(self, resource, ctx):
        def verdict(target):
            return _collection_verdict(target, ctx) if target.type == aoss.COLLECTION else _domain_verdict(target)

        yield from aoss.judge_vector_stores(
            resource, ctx, verdict, "its encryption",
            "Bedrock knowledge base stores its vectors without a customer-managed KMS key",
            "Cannot tell statically whether the knowledge base's vector store uses a customer-managed KMS key")
