"""KMS: CloudFormation types, renames and AWS defaults."""

CFN_TYPES = {
    "AWS::KMS::Key": {
        "type": "aws_kms_key",
        "renames": {"KeyPolicy": "policy", "KeySpec": "customer_master_key_spec"},
        "opaque": ["KeyPolicy"],
    },
    "AWS::KMS::Alias": {"type": "aws_kms_alias"},
}

DEFAULTS = {
    "aws_kms_key": {
        "enable_key_rotation": False,
        "key_usage": "ENCRYPT_DECRYPT",
        "customer_master_key_spec": "SYMMETRIC_DEFAULT",
    },
}
