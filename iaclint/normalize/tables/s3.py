"""S3: CloudFormation types, renames and AWS defaults.

Terraform (provider v4+) configures a bucket through separate resources that point at it
(`aws_s3_bucket_server_side_encryption_configuration`, `aws_s3_bucket_versioning`,
`aws_s3_bucket_logging`, `aws_s3_bucket_public_access_block`, `aws_s3_bucket_policy`);
CloudFormation writes the same settings as properties of `AWS::S3::Bucket`. The renames
give the CloudFormation properties the names of the provider's inline `aws_s3_bucket`
blocks (deprecated, still accepted), so one canonical path serves both formats:

- `BucketEncryption.ServerSideEncryptionConfiguration[].ServerSideEncryptionByDefault` ->
  `server_side_encryption_configuration.rule.apply_server_side_encryption_by_default`
  (which is also the path inside `aws_s3_bucket_server_side_encryption_configuration`,
  minus the first segment);
- `LoggingConfiguration.DestinationBucketName` / `.LogFilePrefix` ->
  `logging.target_bucket` / `.target_prefix`.

`VersioningConfiguration.Status` keeps its converted name (`versioning_configuration.status`),
which is the path inside `aws_s3_bucket_versioning`. `BucketName` stays `bucket_name`
(policies read `bucket` or `bucket_name`). `AWS::S3::BucketPolicy.PolicyDocument` is the
provider's `policy`, kept verbatim.
"""

CFN_TYPES = {
    "AWS::S3::Bucket": {
        "type": "aws_s3_bucket",
        "renames": {
            "BucketEncryption": "server_side_encryption_configuration",
            "BucketEncryption.ServerSideEncryptionConfiguration": "rule",
            "BucketEncryption.ServerSideEncryptionConfiguration.ServerSideEncryptionByDefault":
                "apply_server_side_encryption_by_default",
            "LoggingConfiguration": "logging",
            "LoggingConfiguration.DestinationBucketName": "target_bucket",
            "LoggingConfiguration.LogFilePrefix": "target_prefix",
        },
    },
    "AWS::S3::BucketPolicy": {
        "type": "aws_s3_bucket_policy",
        "renames": {"PolicyDocument": "policy"},
        "opaque": ["PolicyDocument"],
    },
}

DEFAULTS = {
    # Two levels: with no PublicAccessBlockConfiguration, a new bucket blocks all public
    # access (AWS default since April 2023); once the block is written, every flag it
    # omits is false. A nested default is filled only into a written block.
    "aws_s3_bucket": {
        "public_access_block_configuration.block_public_acls": False,
        "public_access_block_configuration.block_public_policy": False,
        "public_access_block_configuration.ignore_public_acls": False,
        "public_access_block_configuration.restrict_public_buckets": False,
    },
}
