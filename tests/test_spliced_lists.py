"""`concat` of a list whose items are unknown keeps the known items and splices the
unknown list in as zero or more items (`functions.concat_spliced`): skelloapp/terraform-
aws-bedrock's agent role lists its model ARNs with `concat([...], awscc_x.p[0].models[*]
.model_arn)`, a splat known after apply, and IAC303 was UNKNOWN on the whole list.
An item that may be absent or stand for several (that, and `compact`'s, `distinct`'s,
`flatten`'s unknowns) leaves the items after it without a known position, so an index,
`element`, `one`, `join`, a splat, a `for` or a `dynamic` block over such a list is unknown, never a value
that counts the item once (`length([for x in flatten([var.l]) : x])` was 1)."""
from __future__ import annotations

from conftest import verdicts_of

from iaclint.frontends.terraform.module import load_module
from iaclint.model.unknown import Unknown

POLICIES = '''resource "awscc_bedrock_application_inference_profile" "p" {
  inference_profile_name = "p"
  model_source           = { copy_from = "arn:aws:bedrock:us-east-1::foundation-model/nova" }
}

variable "extra" {
  type = list(string)
}

resource "aws_iam_policy" "pass_splat_of_arns" {
  name = "pass-splat-of-arns"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["bedrock:InvokeModel"],
    Resource = concat(["arn:aws:bedrock:us-east-1::foundation-model/nova"],
      awscc_bedrock_application_inference_profile.p.models[*].model_arn) }] })
}

resource "aws_iam_policy" "unknown_extra" {
  name = "unknown-extra"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["bedrock:InvokeModel"],
    Resource = concat(["arn:aws:bedrock:us-east-1::foundation-model/nova"], var.extra) }] })
}

resource "aws_iam_policy" "fail_star_and_extra" {
  name = "fail-star-and-extra"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["bedrock:InvokeModel"],
    Resource = concat(["*"], var.extra) }] })
}
'''


def test_concat_keeps_the_known_items_beside_an_unknown_list(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    found, passed = verdicts_of(tmp_path, POLICIES, ["IAC303"])
    assert found == [
        ("IAC303", 20, "aws_iam_policy.unknown_extra", "UNKNOWN"),
        ("IAC303", 26, "aws_iam_policy.fail_star_and_extra", "FAIL"),
    ]
    assert passed == 1


READS = '''variable "more" {
  type = list(string)
}

variable "maybe_empty" {
  type = string
}

variable "objects" {
  type = list(object({ n = string }))
}

locals {
  spliced   = concat(["a"], var.more)
  flattened = flatten([var.more])
}

resource "aws_s3_bucket" "b" {
  spliced     = local.spliced
  second      = local.spliced[1]
  picked      = element(local.spliced, 1)
  joined      = join(",", local.spliced)
  uppered     = [for x in local.spliced : upper(x)]
  counted     = length([for x in local.flattened : x])
  compacted   = join("-", compact([var.maybe_empty, "b"]))
  only        = one(local.flattened)
  splatted    = concat([{ n = "a" }], var.objects)[*].n

  dynamic "rule" {
    for_each = concat(["a"], var.more)
    content {
      name = rule.value
    }
  }
}
'''


def test_reads_of_a_list_without_known_positions_are_unknown(tmp_path):
    (tmp_path / "main.tf").write_text(READS)
    result = load_module(str(tmp_path), [str(tmp_path / "main.tf")])
    (bucket,) = result.resources
    got = bucket.attributes
    assert got["spliced"][0] == "a" and isinstance(got["spliced"][1], Unknown) and got["spliced"][1].many
    assert [name for name in ("second", "picked", "joined", "uppered", "counted", "compacted", "only",
                                      "splatted", "rule")
            if not isinstance(got[name], Unknown)] == []


def test_indexing_a_long_list_item_by_item_stays_linear():
    """Each index asks whether an item before it may be absent or several: a long list is
    scanned once, not once per index (a 20,000-item loop took 20 s, 60,000 would hang)."""
    from bounded import terraform_unknowns

    got = terraform_unknowns({"main.tf": '''locals {
  names  = [for i in range(60000) : "model-${i}"]
  copied = [for i in range(60000) : local.names[i]]
}

resource "aws_s3_bucket" "b" {
  bucket = local.copied[59999]
}
'''})
    assert got == {"bucket": "model-59999"}


def test_the_lists_remembered_for_their_positions_are_let_go_after_a_load(tmp_path, monkeypatch):
    """A long-lived process (the editor and scan servers) loads module after module: the
    lists `first_uncertain` remembered for one load must not stay alive after it."""
    from iaclint.frontends.terraform import values
    from iaclint.frontends.terraform.module import load_module

    (tmp_path / "main.tf").write_text('locals {\n  names  = [for i in range(100) : "m-${i}"]\n'
                                      '  copied = [for i in range(100) : local.names[i]]\n}\n'
                                      'resource "aws_s3_bucket" "b" {\n  bucket = local.copied[99]\n}\n')
    scanned = []
    real = values._scan_uncertain
    monkeypatch.setattr(values, "_scan_uncertain", lambda items: scanned.append(len(items)) or real(items))
    result = load_module(str(tmp_path), [str(tmp_path / "main.tf")])
    assert result.resources[0].attributes["bucket"] == "m-99"
    assert 0 < scanned.count(100) < 10  # remembered while loading: not scanned once per index (100)
    assert not getattr(values._POSITIONS, "scanned", None)
