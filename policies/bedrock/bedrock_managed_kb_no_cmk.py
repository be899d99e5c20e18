"""IAC121: a Bedrock-managed knowledge base (type `MANAGED`) is encrypted with a CMK.

Python rather than YAML so that a finding on a Terraform configuration points at the
innermost written block (`managed_knowledge_base_configuration`), not at the outer one.
"""
from __future__ import annotations

from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.model import paths
from iaclint.model.unknown import is_unknown

_CONFIG = ("knowledge_base_configuration",)
_KEY = ("managed_knowledge_base_configuration", "server_side_encryption_configuration", "kms_key_arn")


def _instances(value, path):
    """Each written instance of a nested block: a TF list of blocks or a CFN object."""
    if isinstance(value, dict) or is_unknown(value):
        return [(path, value)]
    if isinstance(value, list):
        return [(path + (i,), item) for i, item in enumerate(value)]
    return []


class BedrockManagedKbNoCmk(Policy):
    id = "IAC121"
    name = "bedrock-managed-kb-no-cmk"
    title = "Bedrock-managed knowledge base is encrypted with a customer-managed KMS key"
    severity = "medium"
    category = "data-protection"
    resource_types = ("aws_bedrockagent_knowledge_base",)
    checkov_ids = ()
    what = (
        "A Bedrock knowledge base of type `MANAGED` (`aws_bedrockagent_knowledge_base`, "
        "`AWS::Bedrock::KnowledgeBase`: `knowledge_base_configuration.type` / "
        "`KnowledgeBaseConfiguration.Type`), where Bedrock runs the vector store itself, without "
        "`knowledge_base_configuration.managed_knowledge_base_configuration.server_side_encryption_configuration.kms_key_arn` "
        "/ "
        "`KnowledgeBaseConfiguration.ManagedKnowledgeBaseConfiguration.ServerSideEncryptionConfiguration.KmsKeyArn`. "
        "The managed store is then encrypted with an AWS-owned key. Knowledge bases of the other types keep "
        "their vectors in a store you own and pass here (see `bedrock-kb-vector-store-no-cmk`). A key written "
        "as a reference counts as set; a type that cannot be known statically gives UNKNOWN."
    )
    why = (
        "A managed knowledge base holds the embeddings and the chunk text of every document ingested into it, "
        "and there is no collection or domain of yours in between on which to set a key. Embeddings can be "
        "inverted back into close approximations of the source text, so they are as sensitive as the "
        "documents. With an AWS-owned key you cannot see each decryption in CloudTrail, restrict it with a "
        "key policy, or revoke access by disabling the key; the key is chosen when the knowledge base is "
        "created."
    )
    fix_terraform = """Set a customer-managed key in the managed configuration (it forces a new knowledge base):

```hcl
resource "aws_bedrockagent_knowledge_base" "docs" {
  name     = "docs"
  role_arn = aws_iam_role.kb.arn

  knowledge_base_configuration {
    type = "MANAGED"
    managed_knowledge_base_configuration {
      embedding_model_type = "MANAGED"
      server_side_encryption_configuration {
        kms_key_arn = aws_kms_key.kb.arn
      }
    }
  }
}
```"""
    fix_cloudformation = """Set a customer-managed key in the managed configuration (it replaces the knowledge base):

```yaml
Docs:
  Type: AWS::Bedrock::KnowledgeBase
  Properties:
    Name: docs
    RoleArn: !GetAtt KbRole.Arn
    KnowledgeBaseConfiguration:
      Type: MANAGED
      ManagedKnowledgeBaseConfiguration:
        EmbeddingModelType: MANAGED
        ServerSideEncryptionConfiguration:
          KmsKeyArn: !GetAtt KbKey.Arn
```"""
    references = (
        "https://docs.aws.amazon.com/bedrock/latest/userguide/encryption-kb.html",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/bedrockagent_knowledge_base#managed_knowledge_base_configuration-block",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-bedrock-knowledgebase.html",
    )

    def check(self, resource, ctx):
        found = False
        for path, config in _instances(resource.attributes.get("knowledge_base_configuration"), _CONFIG):
            if is_unknown(config):
                found = True
                yield UNKNOWN(f"`{resource.native_name(path)}` is unknown until deployment ({config.reason})", path)
                continue
            if not isinstance(config, dict):
                continue
            kind = config.get("type")
            if isinstance(kind, str) and kind.strip().upper() != "MANAGED":
                continue
            keys = paths.find_detailed(config, _KEY)
            if any(complete and (is_unknown(v) or v not in (None, "")) for _, v, complete in keys):
                continue  # a key (or a reference to one) is set
            found = True
            missing = path + _KEY
            where = path + paths.deepest_prefix(config, _KEY)
            if is_unknown(kind):
                yield UNKNOWN(f"`{resource.native_name(path + ('type',))}` is `{kind.expr}`, unknown until deployment "
                              f"({kind.reason}); if it is `MANAGED`, `{resource.native_name(missing)}` is not set",
                              path + ("type",))
            elif keys and not keys[0][2]:
                value = keys[0][1]
                yield UNKNOWN(f"`{resource.native_name(path + keys[0][0])}` is unknown until deployment "
                              f"({value.reason})", path + keys[0][0])
            else:
                yield FAIL(f"Bedrock-managed knowledge base uses an AWS-owned key for its vector store, not a "
                           f"customer-managed KMS key: `{resource.native_name(missing)}` is not set", where)
        if not found:
            yield PASS()
