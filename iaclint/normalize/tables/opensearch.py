"""OpenSearch Service domains and OpenSearch Serverless: CloudFormation types, renames, defaults.

OpenSearch Serverless security and access policies are JSON documents (`Policy`) kept
verbatim. A domain's `AccessPolicies` is an IAM document and its `AdvancedOptions` a map
whose keys are OpenSearch settings (`rest.action.multi.allow_explicit_index`), so both are
opaque. The Terraform names of the domain blocks differ from CloudFormation's:
`EncryptionAtRestOptions` is `encrypt_at_rest`, `NodeToNodeEncryptionOptions` is
`node_to_node_encryption`, and the legacy Elasticsearch type's `ElasticsearchClusterConfig`
is `cluster_config`.
"""

_DOMAIN_RENAMES = {
    "EncryptionAtRestOptions": "encrypt_at_rest",
    "NodeToNodeEncryptionOptions": "node_to_node_encryption",
}
_DOMAIN_OPAQUE = ["AccessPolicies", "AdvancedOptions"]

CFN_TYPES = {
    "AWS::OpenSearchService::Domain": {
        "type": "aws_opensearch_domain",
        "renames": dict(_DOMAIN_RENAMES),
        "opaque": list(_DOMAIN_OPAQUE),
    },
    "AWS::Elasticsearch::Domain": {
        "type": "aws_elasticsearch_domain",
        "renames": {**_DOMAIN_RENAMES, "ElasticsearchClusterConfig": "cluster_config"},
        "opaque": list(_DOMAIN_OPAQUE),
    },
    # `EncryptionConfig` (AWSOwnedKey / KmsKeyArn) exists only in CloudFormation; in
    # Terraform the encryption comes from a matching `encryption` security policy.
    "AWS::OpenSearchServerless::Collection": {"type": "aws_opensearchserverless_collection"},
    "AWS::OpenSearchServerless::SecurityPolicy": {
        "type": "aws_opensearchserverless_security_policy",
        "opaque": ["Policy"],
    },
    "AWS::OpenSearchServerless::AccessPolicy": {
        "type": "aws_opensearchserverless_access_policy",
        "opaque": ["Policy"],
    },
}

# Encryption at rest is off unless enabled (TF docs: "If the `encrypt_at_rest` block is not
# provided then this defaults to `false`"; CloudFormation and the API agree). A written block
# without `enabled` (CloudFormation allows it) is off too.
DEFAULTS = {
    "aws_opensearch_domain": {"encrypt_at_rest.enabled": False},
    "aws_elasticsearch_domain": {"encrypt_at_rest.enabled": False},
}
