"""IAC311 on principals only partly known: an account root ARN is
`arn:<partition>:iam::<twelve digits>:root` (a partition has no `:`), so a role ARN whose
name is unknown is none, whatever the name, while a principal whose account and what
follows it are both unknown may still be one. The fixture lines are the same pairs in
`fixtures/policies/opensearchserverless-access-policy-wildcard`."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES

from iaclint.api import scan

HERE = Path(FIXTURES) / "policies" / "opensearchserverless-access-policy-wildcard"


def _verdicts(path: Path) -> dict:
    result = scan([str(path)], strict=True, select=["IAC311"])
    assert not result.errors, result.errors
    unknown = {f.resource for f in result.unknowns}
    return {f.resource: ("UNKNOWN" if f.resource in unknown else f.verdict) for f in result.findings}


@pytest.mark.parametrize("fixture, role, unknown", [
    ("main.tf", "aws_opensearchserverless_access_policy.pass_role_named_by_variable",
     "aws_opensearchserverless_access_policy.unknown_principal"),
    ("template.yaml", "PassRoleNamedByParameter", "UnknownPrincipal"),
])
def test_a_role_named_by_a_variable_or_parameter_is_no_account_root(fixture, role, unknown):
    found = _verdicts(HERE / fixture)
    assert role not in found  # a PASS (was UNKNOWN)
    assert found[unknown] == "UNKNOWN"


def test_a_principal_whose_account_and_rest_are_unknown_may_be_a_root(tmp_path):
    (tmp_path / "main.tf").write_text('''
variable "account" { type = string }
variable "rest" { type = string }
resource "aws_opensearchserverless_access_policy" "maybe_root" {
  name = "p"
  type = "data"
  policy = jsonencode([{
    Rules     = [{ ResourceType = "index", Resource = ["index/kb/*"], Permission = ["aoss:ReadDocument"] }]
    Principal = ["arn:aws:iam::${var.account}:${var.rest}"]
  }])
}
resource "aws_opensearchserverless_access_policy" "partition_root" {
  name = "q"
  type = "data"
  policy = jsonencode([{
    Rules     = [{ ResourceType = "index", Resource = ["index/kb/*"], Permission = ["aoss:ReadDocument"] }]
    Principal = ["arn:${data.aws_partition.current.partition}:iam::${var.account}:root"]
  }])
}
data "aws_partition" "current" {}
''')
    assert _verdicts(tmp_path) == {"aws_opensearchserverless_access_policy.maybe_root": "UNKNOWN",
                                   "aws_opensearchserverless_access_policy.partition_root": "FAIL"}
