"""`coalesce()` with unknown arguments picks what it can: the first argument that is
never null or "" ends the list of what it may return. `coalesce(var.arn, "arn:${partition}:
bedrock:...")` with `var.arn` null is the template (a module's default model ARN:
LuisOsuna117/terraform-aws-bedrock), never `*`; it was UNKNOWN because any unknown
argument made the whole call unknown."""
from __future__ import annotations

from conftest import verdicts_of

from iaclint.frontends.terraform.functions import coalesce_options
from iaclint.model import symbolic
from iaclint.model.unknown import ABSENT, Unknown

TERRAFORM = '''data "aws_partition" "current" {}

variable "model_arn" {
  type    = string
  default = null
}

variable "given_arn" {
  type = string
}

variable "pinned_arn" {
  type = string
  validation {
    condition     = contains(["", "arn:aws:bedrock:us-east-1::foundation-model/nova"], var.pinned_arn)
    error_message = "Pinned models only."
  }
}

locals {
  model = "arn:${data.aws_partition.current.partition}:bedrock:us-east-1::foundation-model/titan"
}

resource "aws_iam_policy" "pass_default_template" {
  name = "pass-default-template"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow",
    Action = ["bedrock:InvokeModel"], Resource = [coalesce(var.model_arn, local.model)] }] })
}

resource "aws_iam_policy" "fail_star_first" {
  name = "fail-star-first"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow",
    Action = ["bedrock:InvokeModel"], Resource = [coalesce("", "*", local.model)] }] })
}

resource "aws_iam_policy" "unknown_empty_falls_to_star" {
  name = "unknown-empty-falls-to-star"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow",
    Action = ["bedrock:InvokeModel"], Resource = [coalesce(var.given_arn, "*")] }] })
}

resource "aws_iam_policy" "pass_pinned_or_template" {
  name = "pass-pinned-or-template"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow",
    Action = ["bedrock:InvokeModel"], Resource = [coalesce(var.pinned_arn, local.model)] }] })
}
'''


def test_coalesce_returns_one_of_the_arguments_it_may_pick(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    found, passed = verdicts_of(tmp_path, TERRAFORM, ["IAC303"])
    assert found == [
        ("IAC303", 33, "aws_iam_policy.fail_star_first", "FAIL"),
        ("IAC303", 39, "aws_iam_policy.unknown_empty_falls_to_star", "UNKNOWN"),
    ]
    assert passed == 2


def test_what_coalesce_may_pick():
    hole = Unknown("var.x", "unset", symbol=("var", "x"))
    template = symbolic.text(["arn:", hole, ":bedrock"], "t", "unset")
    either = symbolic.choice(["a", ABSENT], "c", "unset")
    assert coalesce_options([None, "", template, "*"]) == [template]  # never null or "": the last one picked
    assert coalesce_options([hole, "*"]) == [hole, "*"]  # the hole may be "": then "*"
    assert coalesce_options([either, "b"]) == ["a", "b"]
    assert coalesce_options([symbolic.choice(["", ABSENT], "e", "unset")]) is None  # every option empty
    assert coalesce_options([Unknown("d", "many", alternatives=("a", ABSENT), many=True), "b"]) is None
