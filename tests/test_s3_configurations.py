"""Which separate resources may configure a bucket (`aws.s3.attached`). A `bucket` that
nothing is known of (`symbolic.anything`: an expression that failed, a value not evaluated
because its unit is over the work budget) may be any bucket's: it makes every bucket of its
unit UNKNOWN, named by the first such resource, without being compared with each bucket's
name. Found with a hostile unit: 10,000 buckets and the 464 resources its budget left
unevaluated made 9 million comparisons (50 s); now they are not compared at all."""
from __future__ import annotations

from conftest import builtin_policies

from iaclint.api import scan
from iaclint.aws import s3
from iaclint.model import symbolic
from iaclint.model.unknown import Unknown

BUCKETS = """resource "aws_s3_bucket" "data" {
  count  = 3
  bucket = "ml-data-${count.index}"
  tags   = { purpose = "ml-training" }
}
"""


def _versioning(name: str, bucket: str) -> str:
    return (f'resource "aws_s3_bucket_versioning" "{name}" {{\n  bucket = {bucket}\n'
            '  versioning_configuration {\n    status = "Enabled"\n  }\n}\n')


def _iac114(tmp_path, text: str, monkeypatch) -> tuple[list, int]:
    (tmp_path / "main.tf").write_text(text)
    compared = []
    real = symbolic.same
    monkeypatch.setattr(s3.symbolic, "same", lambda *a, **k: compared.append(a) or real(*a, **k))
    result = scan([str(tmp_path)], policies=list(builtin_policies()), select=["IAC114"], strict=True)
    return sorted((f.resource, f.verdict, f.message) for f in result.findings), len(compared)


def test_values_nothing_is_known_of_are_not_compared_and_the_first_is_named(tmp_path, monkeypatch):
    text = BUCKETS + _versioning("a", 'upper("x", "y")') + _versioning("b", "var.undeclared")
    found, compared = _iac114(tmp_path, text, monkeypatch)
    assert compared == 0  # 12 before
    assert found == [(f"aws_s3_bucket.data[{i}]", "UNKNOWN",
                      "Cannot tell whether the bucket is versioned: versioning may be set by "
                      "`aws_s3_bucket_versioning.a`, whose `bucket` (`upper(\"x\", \"y\")`) cannot be matched to "
                      "this bucket statically") for i in range(3)]


def test_a_hole_with_an_identity_written_first_is_still_named_first(tmp_path, monkeypatch):
    text = 'variable "bucket" {}\n' + BUCKETS + _versioning("c", "var.bucket") + _versioning("a", 'upper("x", "y")')
    found, compared = _iac114(tmp_path, text, monkeypatch)
    assert compared == 6  # var.bucket's comparisons with the buckets' names only (12 before: upper's too)
    assert [message.split("may be set by ")[1][:34] for _, _, message in found] == \
        ["`aws_s3_bucket_versioning.c`, whos"] * 3


def test_anything_is_a_hole_without_identity_text_choices_or_shape():
    assert symbolic.anything(Unknown("x", "failed"))
    assert not symbolic.anything(Unknown("var.x", "no value", symbol=("tf", ".", "var.x")))
    assert not symbolic.anything(symbolic.text(["ml-", Unknown("var.x", "no value")], "t", "r"))
    assert not symbolic.anything("known") and not symbolic.anything(None)
    hole = Unknown("x", "failed")
    assert symbolic.same_text(hole, "anything") is None and symbolic.same_text(hole, hole) is True
