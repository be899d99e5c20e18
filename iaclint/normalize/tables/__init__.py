"""Translation tables, one module per AWS service, merged here.

Each CloudFormation type maps to a table: the canonical (Terraform) type, `renames` of
native dotted paths (list indexes left out) to the canonical name of their last segment
where plain PascalCase-to-snake_case conversion is wrong, and `opaque` native paths whose
values are JSON documents kept verbatim (IAM policies, pipeline definitions).
`DEFAULTS` maps canonical types to the AWS defaults of security-relevant attributes.
The tables are data: tests check every type and property they name against the
CloudFormation resource schemas bundled with cfn-lint.
"""
from iaclint.normalize.tables import (
    ai_services,
    apigateway,
    bedrock,
    bedrockagentcore,
    ec2,
    ecr,
    ecs,
    efs,
    iam,
    kms,
    lambda_,
    opensearch,
    s3,
    sagemaker,
)

# CloudFormation names that PascalCase does not produce from the canonical name
# (acronyms); tests check every spelling against the schemas.
CFN_SPELLINGS = {
    "aws_owned_key": "AWSOwnedKey",
    "enable_ssm_access": "EnableSSMAccess",
    "enforce_https": "EnforceHTTPS",
    "kms_master_key_id": "KMSMasterKeyID",
    "sse_algorithm": "SSEAlgorithm",
    "tls_security_policy": "TLSSecurityPolicy",
    "vpc_options": "VPCOptions",
}

CFN_TYPES: dict = {}
DEFAULTS: dict = {}
for _module in (ai_services, apigateway, bedrock, bedrockagentcore, ec2, ecr, ecs, efs, iam, kms, lambda_, opensearch, s3,
                sagemaker):
    CFN_TYPES.update(_module.CFN_TYPES)
    for _type, _defaults in _module.DEFAULTS.items():
        DEFAULTS.setdefault(_type, {}).update(_defaults)
