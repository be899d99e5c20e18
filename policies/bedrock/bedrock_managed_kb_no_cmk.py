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
