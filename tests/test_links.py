"""Links only where they can hold (issue 12): a bucket name written in one unit is linked to
a bucket of another unit only when the partially known names can be equal; a hole is equal
to itself within its unit; an AOSS pattern that names a sibling collection does not name a
collection whose name is unknown; `dynamic "statement"` blocks (and CloudFormation's
conditional statements) that cannot change a verdict do not make it UNKNOWN."""
from __future__ import annotations

import textwrap

from iaclint.api import scan

# A Terraform endpoint configuration writes a data-capture URI whose bucket name is only
# partly known; the CloudFormation buckets of another product are named after the account.
ENDPOINT_TF = """
variable "project" { type = string }
resource "aws_sagemaker_endpoint_configuration" "capture" {
  name = "capture"
  production_variants {
    variant_name           = "main"
    model_name             = "m"
    initial_instance_count = 1
    instance_type          = "ml.m5.large"
  }
  data_capture_config {
    initial_sampling_percentage = 100
    destination_s3_uri          = "s3://${var.project}-sm-project-churn/capture/"
    capture_options { capture_mode = "Input" }
  }
}
"""

PRODUCT_CFN = """
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Prefix: {Type: String}
Resources:
  Artifacts:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub sagemaker-${AWS::Region}-${AWS::AccountId}
  Shared:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub ${Prefix}-sm-project-churn
"""


def _write(root, files: dict) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())


def test_a_written_name_links_only_buckets_whose_names_can_be_equal(tmp_path):
    _write(tmp_path, {"endpoint/main.tf": ENDPOINT_TF, "product/template.yaml": PRODUCT_CFN})
    result = scan([str(tmp_path)], strict=True, select=["IAC112"])
    assert not result.errors, result.errors
    undecided = sorted(f.resource for f in result.unknowns)
    # `sagemaker-<region>-<12 digits>` can never be `<project>-sm-project-churn`: no link, no
    # UNKNOWN. `<prefix>-sm-project-churn` can: that one stays UNKNOWN.
    assert undecided == ["Shared"]
    assert all(f.resource != "Artifacts" for f in result.findings)


def test_a_name_written_through_the_same_variable_is_the_buckets_name(tmp_path):
    _write(tmp_path, {"main.tf": """
    variable "data_bucket" { type = string }
    resource "aws_s3_bucket" "data" {
      bucket = var.data_bucket
    }
    resource "aws_sagemaker_endpoint_configuration" "capture" {
      name = "capture"
      production_variants {
        variant_name           = "main"
        model_name             = "m"
        initial_instance_count = 1
        instance_type          = "ml.m5.large"
      }
      data_capture_config {
        initial_sampling_percentage = 100
        destination_s3_uri          = "s3://${var.data_bucket}/capture/"
        capture_options { capture_mode = "Input" }
      }
    }
    """})
    result = scan([str(tmp_path)], strict=True, select=["IAC112"])
    assert result.unknowns == []
    assert [(f.resource, f.line) for f in result.findings] == [("aws_s3_bucket.data", 2)]
    assert ("ML bucket (named by `aws_sagemaker_endpoint_configuration.capture` in "
            "`data_capture_config.destination_s3_uri` through `${var.data_bucket}`, its name)") in result.findings[0].message


def test_an_aoss_pattern_naming_a_sibling_collection_does_not_name_an_unknown_one(tmp_path):
    _write(tmp_path, {"template.yaml": """
    AWSTemplateFormatVersion: "2010-09-09"
    Parameters:
      Tenant: {Type: String}
    Resources:
      Logs:
        Type: AWS::OpenSearchServerless::Collection
        Properties: {Name: app-logs, Type: TIMESERIES}
      TenantVectors:
        Type: AWS::OpenSearchServerless::Collection
        Properties: {Name: !Ref Tenant, Type: VECTORSEARCH}
      LogsNetwork:
        Type: AWS::OpenSearchServerless::SecurityPolicy
        Properties:
          Name: logs
          Type: network
          Policy: '[{"Rules": [{"ResourceType": "collection", "Resource": ["collection/app-logs"]}], "AllowFromPublic": true}]'
    """})
    result = scan([str(tmp_path)], strict=True, select=["IAC211"])
    assert not result.errors and result.findings == [] and result.unknowns == []
