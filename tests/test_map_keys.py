"""`keys()` of a map whose values are unknown is known: the keys are written. A module
that gates a `dynamic` block on `length(keys(var.settings)) > 0` (SebastianUA/terraform's
SageMaker module, called with an execution role ARN built from the account ID) had the
whole block unknown, so IAC111 was UNKNOWN where the shared output setting is plain."""
from __future__ import annotations

from conftest import verdicts_of


TERRAFORM = '''data "aws_caller_identity" "current" {}

locals {
  user_settings = {
    execution_role = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/studio"
    output         = "Allowed"
  }
}

resource "aws_sagemaker_domain" "fail_shared_output" {
  domain_name = "fail-shared-output"
  auth_mode   = "IAM"
  vpc_id      = "vpc-0a1b2c3d4e5f60718"
  subnet_ids  = ["subnet-0a1b2c3d4e5f60718"]

  dynamic "default_user_settings" {
    for_each = length(keys(local.user_settings)) > 0 ? [local.user_settings] : []
    content {
      execution_role = default_user_settings.value.execution_role
      sharing_settings {
        notebook_output_option = default_user_settings.value.output
        s3_output_path         = "s3://acme-studio-sharing/shared/"
      }
    }
  }
}
'''


def test_keys_of_a_map_with_unknown_values_are_known(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    found, _ = verdicts_of(tmp_path, TERRAFORM, ["IAC111"])
    assert found == [
        ("IAC111", 21, "aws_sagemaker_domain.fail_shared_output", "FAIL")]
