"""How many items a collection has, when some of its items are unknown
(`symbolic.item_count`): an item whose value is unknown still counts one, an item that may
be removed makes the count a choice. Terraform's `length()` gave up on any unknown inside
its argument (a target whose Lambda ARN is known only after apply); CloudFormation's
`Fn::Length` counted an `!If [C, x, !Ref AWS::NoValue]` item as always there."""
from __future__ import annotations

from conftest import builtin_policies

from iaclint.api import scan
from iaclint.model import symbolic
from iaclint.model.unknown import ABSENT, Unknown

TERRAFORM = '''resource "aws_lambda_function" "tool" {
  function_name = "tool"
  role          = "arn:aws:iam::111122223333:role/tool"
}

locals {
  targets = { search = { type = "LAMBDA", arn = aws_lambda_function.tool.arn } }
  zones   = [aws_lambda_function.tool.arn]
}

data "aws_iam_policy_document" "gateway" {
  dynamic "statement" {
    for_each = length([for t in local.targets : t if t.type == "LAMBDA"]) > 0 ? [1] : []
    content {
      actions   = ["bedrock:InvokeModel"]
      resources = ["*"]
    }
  }
}

resource "aws_sagemaker_endpoint_configuration" "one" {
  name = "one"
  production_variants {
    variant_name           = "main"
    model_name             = "churn"
    instance_type          = "ml.m5.large"
    initial_instance_count = length(local.zones)
  }
}
'''

CLOUDFORMATION = '''AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::LanguageExtensions
Parameters:
  SecondZone:
    Type: String
    AllowedValues: ["yes", "no"]
  SubnetA:
    Type: AWS::EC2::Subnet::Id
Conditions:
  TwoZones: !Equals [!Ref SecondZone, "yes"]
Resources:
  MaybeTwo:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      ProductionVariants:
        - VariantName: main
          ModelName: churn
          InstanceType: ml.m5.large
          InitialInstanceCount: !Length [!Ref SubnetA, !If [TwoZones, subnet-0b, !Ref AWS::NoValue]]
  One:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      ProductionVariants:
        - VariantName: main
          ModelName: churn
          InstanceType: ml.m5.large
          InitialInstanceCount: !Length [!Ref SubnetA]
'''


def _verdicts(tmp_path, monkeypatch, name, text, select):
    monkeypatch.chdir(tmp_path)
    (tmp_path / name).write_text(text)
    result = scan([name], policies=list(builtin_policies()), select=select, strict=True)
    return sorted((f.policy_id, f.line, f.resource, f.verdict) for f in result.findings)  # strict: UNKNOWNs too


def test_terraform_length_counts_items_whose_values_are_unknown(tmp_path, monkeypatch):
    assert _verdicts(tmp_path, monkeypatch, "main.tf", TERRAFORM, ["IAC303", "IAC416"]) == [
        ("IAC303", 16, "data.aws_iam_policy_document.gateway", "FAIL"),
        ("IAC416", 27, "aws_sagemaker_endpoint_configuration.one", "FAIL"),
    ]


def test_cloudformation_length_of_a_list_whose_item_may_be_removed_is_a_choice(tmp_path, monkeypatch):
    assert _verdicts(tmp_path, monkeypatch, "template.yaml", CLOUDFORMATION, ["IAC416"]) == [
        ("IAC416", 19, "MaybeTwo", "UNKNOWN"),
        ("IAC416", 27, "One", "FAIL"),
    ]


def test_item_count_of_items_that_may_be_absent_or_repeated():
    maybe = symbolic.choice(["b", ABSENT], "c ? b : null", "condition unknown")
    assert symbolic.item_count(["a", Unknown("x", "after apply"), maybe], "n", "r").alternatives == (2, 3)
    many = symbolic.repeated({"Effect": "Allow"}, "dynamic", "for_each unknown")
    assert symbolic.item_count([many], "n", "r").alternatives is None  # zero or more: no bound
    assert symbolic.item_count({"k": Unknown("x", "after apply")}, "n", "r") == 1


def _endpoint(name: str, count: str) -> str:
    """An endpoint configuration whose one variant has `count` instances (10 lines)."""
    return f'''resource "aws_sagemaker_endpoint_configuration" "{name}" {{
  name = "{name}"
  production_variants {{
    variant_name           = "main"
    model_name             = "churn"
    instance_type          = "ml.m5.large"
    initial_instance_count = {count}
  }}
}}

'''


FUNCTIONS = 'variable "extra" {}\n\n' + "".join(_endpoint(name, count) for name, count in (
    ("compacted", 'length(compact([var.extra, "zone-b"]))'),
    ("deduplicated", 'length(distinct([var.extra, "zone-b"]))'),
    ("flattened", 'length(flatten([var.extra, ["zone-b"]]))'),
    ("named", 'length(compact(["${var.extra}-a"]))'))) + '''resource "aws_iam_policy" "agents" {
  name = "agents"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = distinct([var.extra, "bedrock:*"]), Resource = "*" }]
  })
}
'''


def test_functions_that_may_drop_or_spread_an_unknown_item_leave_the_length_open(tmp_path, monkeypatch):
    """compact() may drop an unknown that is null or "", distinct() one that equals another
    item, flatten() spreads an unknown that may be a list: the length is open (one zone or
    two: UNKNOWN, never the PASS a count of 2 gave). An unknown with known text is never
    empty; and distinct() keeps every known item, so `bedrock:*` still fails."""
    assert _verdicts(tmp_path, monkeypatch, "main.tf", FUNCTIONS, ["IAC416", "IAC301"]) == [
        ("IAC301", 47, "aws_iam_policy.agents", "FAIL"),
        ("IAC416", 9, "aws_sagemaker_endpoint_configuration.compacted", "UNKNOWN"),
        ("IAC416", 19, "aws_sagemaker_endpoint_configuration.deduplicated", "UNKNOWN"),
        ("IAC416", 29, "aws_sagemaker_endpoint_configuration.flattened", "UNKNOWN"),
        ("IAC416", 39, "aws_sagemaker_endpoint_configuration.named", "FAIL"),
    ]
