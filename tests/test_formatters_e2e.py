"""End to end: a real Terraform scan through every formatter, the JSON report checked
against its published schema and the SARIF log against the official SARIF schema."""
from __future__ import annotations

import json
import textwrap
import xml.etree.ElementTree as ET

import jsonschema
import pytest
from conftest import ROOT

from iaclint.engine.builtin import ParseErrorPolicy
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.formatters import FORMATS, get_formatter
from iaclint.model.unknown import Unknown

pytest.importorskip("iaclint.frontends.terraform.module", reason="the Terraform loader is not written yet")

MAIN_TF = textwrap.dedent('''\
    variable "internet" {}

    resource "aws_sagemaker_notebook_instance" "open" {
      name          = "open"
      role_arn      = "arn:aws:iam::123456789012:role/sm"
      instance_type = "ml.t3.medium"
    }

    resource "aws_sagemaker_notebook_instance" "unknown" {
      name                   = "unknown"
      role_arn               = "arn:aws:iam::123456789012:role/sm"
      instance_type          = "ml.t3.medium"
      direct_internet_access = var.internet
    }

    resource "aws_sagemaker_notebook_instance" "closed" {
      name                   = "closed"
      role_arn               = "arn:aws:iam::123456789012:role/sm"
      instance_type          = "ml.t3.medium"
      direct_internet_access = "Disabled"
    }
    ''')


class InternetPolicy(Policy):
    """A stand-in policy, so this test does not depend on the policy pack's wording."""

    id = "IAC991"
    name = "test-notebook-internet"
    title = "Notebook has no direct internet access"
    severity = "high"
    category = "network"
    resource_types = ("aws_sagemaker_notebook_instance",)
    what = "Notebooks with direct internet access."
    fix_terraform = 'direct_internet_access = "Disabled"'

    def check(self, resource, ctx):
        value = resource.attributes.get("direct_internet_access")
        path = ("direct_internet_access",)
        if isinstance(value, Unknown):
            yield UNKNOWN(f"direct_internet_access is unknown: {value.expr}", path)
        elif value == "Disabled":
            yield PASS()
        else:
            yield FAIL("notebook has direct internet access", path)


@pytest.fixture
def result(tmp_path, monkeypatch):
    from iaclint.api import scan

    (tmp_path / "main.tf").write_text(MAIN_TF)
    monkeypatch.chdir(tmp_path)
    return scan(["."], strict=True, policies=[ParseErrorPolicy(), InternetPolicy()])


def test_scan_findings(result):
    assert [(f.policy_id, f.verdict, f.line, f.resource) for f in result.findings] == [
        ("IAC991", "FAIL", 3, "aws_sagemaker_notebook_instance.open"),
        ("IAC991", "UNKNOWN", 13, "aws_sagemaker_notebook_instance.unknown"),
    ]
    assert result.passed == 1


def test_json_report_matches_published_schema(result):
    schema = json.loads((ROOT / "docs" / "schema" / "findings.json").read_text(encoding="utf-8"))
    document = json.loads(get_formatter("json")(result))
    assert [f"{list(e.path)}: {e.message}" for e in jsonschema.Draft202012Validator(schema).iter_errors(document)] == []


def test_sarif_matches_official_schema(result):
    schema = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    log = json.loads(get_formatter("sarif")(result))
    assert [e.message for e in jsonschema.Draft4Validator(schema).iter_errors(log)] == []
    results = log["runs"][0]["results"]
    assert [(r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results] == [
        ("IAC991", "error", "main.tf", 3), ("IAC991", "note", "main.tf", 13)]
    assert all(len(r["partialFingerprints"]["iaclint/v1"]) == 16 for r in results)


def test_other_formats(result, monkeypatch):
    assert ET.fromstring(get_formatter("junit")(result)).get("failures") == "1"
    github = get_formatter("github")(result).splitlines()
    # End positions come from the parser's spans; the start is what this test pins.
    assert github[0].startswith("::error file=main.tf,line=3,col=1,endLine=")
    assert github[1].startswith("::notice file=main.tf,line=13,col=3,endLine=13,")
    assert github[0].endswith(",title=IAC991 test-notebook-internet::[high] notebook has direct internet access "
                              "(aws_sagemaker_notebook_instance.open)")
    assert "[main.tf:3](main.tf#L3)" in get_formatter("markdown")(result)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # gitlab's required scan times
    for name in FORMATS:
        assert get_formatter(name)(result) == get_formatter(name)(result)
