"""IAC113: an ML bucket's public access block leaves a flag off.

Two levels (`iaclint.aws.s3.public_access_check`): a bucket with no public access block at all
blocks public access by default (AWS, since April 2023) and passes; once a block is written
(`aws_s3_bucket_public_access_block`, `PublicAccessBlockConfiguration`), every flag it omits is
false, so a block that sets only `block_public_acls` turns the other three off.
"""
from __future__ import annotations

from iaclint.aws import s3
from iaclint.aws.scoped import scoped_verdict
from iaclint.engine.policy import Policy


class S3MlBucketPublicAccessBlockOff(Policy):
    id = "IAC113"
    name = "s3-ml-bucket-public-access-block-off"
    title = "ML bucket public access block leaves a flag off"
    severity = "critical"
    category = "data-protection"
    resource_types = ("aws_s3_bucket",)
    checkov_ids = ()
    what = (
        "An ML `aws_s3_bucket` (CloudFormation `AWS::S3::Bucket`) whose public access block turns off "
        "`block_public_acls`, `block_public_policy`, `ignore_public_acls` or `restrict_public_buckets` "
        "(`BlockPublicAcls`, `BlockPublicPolicy`, `IgnorePublicAcls`, `RestrictPublicBuckets`). There are "
        "two levels: with no `aws_s3_bucket_public_access_block` and no `PublicAccessBlockConfiguration`, a "
        "new bucket blocks all public access (AWS default since April 2023) and passes; once the block is "
        "written, every flag it omits is `false` (provider docs: \"Defaults to `false`\"; the S3 API has "
        "the same semantics), so a block that only sets `block_public_acls = true` switches the other three "
        "off. A bucket is an ML bucket when an AI resource refers to it or names it in an `s3://` URI, or "
        "when it is tagged `ml`/`ai` = `true`."
    )
    why = (
        "Block Public Access is the guard rail that stops one careless ACL or bucket policy from publishing "
        "a bucket to the internet. On an ML bucket that means the whole training corpus (often scraped or "
        "customer data with PII), the fine-tuning set that encodes proprietary know-how, and the model "
        "artifacts themselves: a public `model.tar.gz` is model theft in one `curl`, and a publicly "
        "writable prefix lets anyone poison the next training run or swap the model that an endpoint "
        "loads. Exposed ML buckets are found by automated scanners within hours."
    )
    fix_terraform = (
        "Set all four flags (or remove the resource, which leaves AWS's all-blocked default):\n\n"
        "```hcl\n"
        "resource \"aws_s3_bucket_public_access_block\" \"training_data\" {\n"
        "  bucket                  = aws_s3_bucket.training_data.id\n"
        "  block_public_acls       = true\n"
        "  block_public_policy     = true\n"
        "  ignore_public_acls      = true\n"
        "  restrict_public_buckets = true\n"
        "}\n"
        "```"
    )
    fix_cloudformation = (
        "Set all four flags in `PublicAccessBlockConfiguration` (or remove it entirely):\n\n"
        "```yaml\n"
        "TrainingData:\n"
        "  Type: AWS::S3::Bucket\n"
        "  Properties:\n"
        "    PublicAccessBlockConfiguration:\n"
        "      BlockPublicAcls: true\n"
        "      BlockPublicPolicy: true\n"
        "      IgnorePublicAcls: true\n"
        "      RestrictPublicBuckets: true\n"
        "```"
    )
    references = (
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
        "https://aws.amazon.com/blogs/aws/heads-up-amazon-s3-security-changes-are-coming-in-april-of-2023/",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-publicaccessblockconfiguration.html",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_public_access_block",
    )

    def check(self, resource, ctx):
        yield from scoped_verdict(
            s3.public_access_check(resource, ctx), lambda: s3.is_ml_bucket(resource, ctx),
            subject="ML bucket", out_of_scope="not an ML bucket",
            question="whether the public access block is complete", scope_question="whether it is an ML bucket",
            explain_pass=True)
