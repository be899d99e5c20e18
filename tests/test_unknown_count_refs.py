"""A reference to one instance of a block whose `count` is unknown (`data.x.y[0]`,
`aws_iam_role.r[0]`) is the one instance the block was evaluated as: the graph linked
`[0]` to nothing, so epsilonline/terraform-aws-sagemaker-playground's
`data.aws_iam_policy.canvas[0].arn` (gated on `var.canvas_use`) was an unknown policy ARN
(IAC309 UNKNOWN), and a notebook running as `aws_iam_role.notebook[0]` had "a role not in
the scanned files" (IAC602 UNKNOWN)."""
from __future__ import annotations

from conftest import verdicts_of


TERRAFORM = '''variable "canvas" {
  type = bool
}

resource "aws_iam_role" "studio" {
  name               = "studio"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow",
    Action = "sts:AssumeRole", Principal = { Service = "sagemaker.amazonaws.com" } }] })
}

data "aws_iam_policy" "canvas" {
  count = var.canvas ? 1 : 0
  name  = "AmazonSageMakerFullAccess"
}

resource "aws_iam_role_policy_attachment" "canvas" {
  count      = var.canvas ? 1 : 0
  role       = aws_iam_role.studio.name
  policy_arn = data.aws_iam_policy.canvas[0].arn
}

resource "aws_iam_role" "notebook" {
  count              = var.canvas ? 1 : 0
  name               = "notebook"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow",
    Action = "sts:AssumeRole", Principal = { Service = "sagemaker.amazonaws.com" } }] })
}

resource "aws_iam_role_policy" "notebook" {
  count  = var.canvas ? 1 : 0
  role   = aws_iam_role.notebook[0].id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
}

resource "aws_sagemaker_notebook_instance" "notebook" {
  name          = "notebook"
  role_arn      = aws_iam_role.notebook[0].arn
  instance_type = "ml.t3.medium"
}
'''


def test_an_instance_of_a_block_of_unknown_count_is_its_evaluated_instance(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    found, _ = verdicts_of(tmp_path, TERRAFORM, ["IAC309", "IAC602"])
    assert found == [
        ("IAC309", 19, "aws_iam_role_policy_attachment.canvas", "FAIL"),
        ("IAC602", 37, "aws_sagemaker_notebook_instance.notebook", "FAIL"),
    ]
