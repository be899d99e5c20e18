"""IAC112: an ML bucket's default encryption uses a customer-managed KMS key.

The bucket is scoped by `iaclint.aws.s3.is_ml_bucket`; the encryption is read by
`iaclint.aws.s3.encryption_check` from the Terraform `aws_s3_bucket_server_side_encryption_configuration`
that points at the bucket, the legacy inline block, or CloudFormation `BucketEncryption`.
"""
from __future__ import annotations

from iaclint.aws import s3
from iaclint.aws.scoped import scoped_verdict
from iaclint.engine.policy import Policy


class S3MlBucketNoCmk(Policy):
    id = "IAC112"
    name = "s3-ml-bucket-no-cmk"
    title = "ML bucket uses SSE-S3 or the AWS-managed key instead of a customer-managed KMS key"
    severity = "medium"
    category = "data-protection"
    resource_types = ("aws_s3_bucket",)
    checkov_ids = ()
    what = (
        "An `aws_s3_bucket` (CloudFormation `AWS::S3::Bucket`) that holds ML data and whose default "
        "encryption is SSE-S3 (`sse_algorithm = \"AES256\"`, or no encryption configuration at all: S3 "
        "has encrypted every new object with SSE-S3 since January 2023) or SSE-KMS with the AWS-managed "
        "`aws/s3` key (`aws:kms` without `kms_master_key_id` / `KMSMasterKeyID`). In Terraform the "
        "setting is read from the `aws_s3_bucket_server_side_encryption_configuration` that refers to "
        "the bucket (or the legacy inline block); in CloudFormation from `BucketEncryption`. A key "
        "written as a reference counts as a customer-managed key. A bucket is an ML bucket when a "
        "SageMaker, Bedrock, Comprehend, Kendra (or other AI service) resource refers to it or writes "
        "its name in an `s3://` URI or ARN, or when it is tagged `ml`/`ai` = `true` (or `workload = ml`); "
        "other buckets pass."
    )
    why = (
        "ML buckets hold the training datasets, feature exports, fine-tuning corpora, model artifacts "
        "and knowledge-base documents of an AI platform: the data a model memorises and the weights "
        "that took weeks of GPU time to produce. With SSE-S3 or the `aws/s3` key, anyone whose IAM "
        "policy allows `s3:GetObject` reads them in clear, and you cannot revoke or audit access at "
        "the key. A customer-managed key adds a key policy as a second, independent gate against data "
        "exfiltration and model theft, logs every decrypt in CloudTrail, and lets you crypto-shred a "
        "poisoned or leaked dataset by disabling the key."
    )
    fix_terraform = (
        "Add a server-side encryption configuration with your KMS key:\n\n"
        "```hcl\n"
        "resource \"aws_s3_bucket_server_side_encryption_configuration\" \"training_data\" {\n"
        "  bucket = aws_s3_bucket.training_data.id\n"
        "  rule {\n"
        "    apply_server_side_encryption_by_default {\n"
        "      sse_algorithm     = \"aws:kms\"\n"
        "      kms_master_key_id = aws_kms_key.ml_data.arn\n"
        "    }\n"
        "    bucket_key_enabled = true\n"
        "  }\n"
        "}\n"
        "```"
    )
    fix_cloudformation = (
        "Set `BucketEncryption` with `aws:kms` and your key:\n\n"
        "```yaml\n"
        "TrainingData:\n"
        "  Type: AWS::S3::Bucket\n"
        "  Properties:\n"
        "    BucketEncryption:\n"
        "      ServerSideEncryptionConfiguration:\n"
        "        - ServerSideEncryptionByDefault:\n"
        "            SSEAlgorithm: aws:kms\n"
        "            KMSMasterKeyID: !GetAtt MlDataKey.Arn\n"
        "          BucketKeyEnabled: true\n"
        "```"
    )
    references = (
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-encryption-faq.html",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-serversideencryptionbydefault.html",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_server_side_encryption_configuration",
    )

    def check(self, resource, ctx):
        yield from scoped_verdict(
            s3.encryption_check(resource, ctx), lambda: s3.is_ml_bucket(resource, ctx),
            subject="ML bucket", out_of_scope="not an ML bucket",
            question="whether the bucket uses a customer-managed KMS key",
            scope_question="whether it is an ML bucket")
