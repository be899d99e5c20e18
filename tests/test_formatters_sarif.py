"""SARIF output: valid against the official OASIS SARIF 2.1.0 schema (vendored in
tests/data, see tests/data/README.md) and shaped the way GitHub code scanning reads it."""
from __future__ import annotations

import json
import re

import jsonschema
import pytest
from conftest import ROOT
from test_formatters_samples import EndpointKms, empty_result, sample_result

from iaclint import __version__
from iaclint.formatters.sarif import format_sarif

SCHEMA_PATH = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["id"].endswith("/sarif-schema-2.1.0.json") and schema["$schema"].startswith(
        "http://json-schema.org/draft-04/")
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def sarif(result=None) -> dict:
    return json.loads(format_sarif(result if result is not None else sample_result()))


@pytest.mark.parametrize("make", [sample_result, lambda: sample_result(strict=False), empty_result])
def test_valid_against_official_schema(validator, make):
    errors = sorted(validator.iter_errors(sarif(make())), key=lambda e: list(e.path))
    assert [f"{list(e.path)}: {e.message}" for e in errors] == []


def test_schema_catches_a_broken_log(validator):
    log = sarif()
    log["runs"][0]["results"][0]["level"] = "fatal"
    assert not validator.is_valid(log)


def test_driver_and_rules():
    driver = sarif()["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"], driver["informationUri"]) == (
        "iaclint", __version__, "https://github.com/iaclint/iaclint")
    assert [r["id"] for r in driver["rules"]] == ["IAC001", "IAC105", "IAC201", "IAC501"]
    rule = driver["rules"][1]
    assert rule == {
        "id": "IAC105",
        "name": "sagemaker-endpoint-config-kms",
        "shortDescription": {"text": "SageMaker endpoint configuration encrypts its volumes with a KMS key"},
        "fullDescription": {"text": "An endpoint configuration without `kms_key_arn`."},
        "defaultConfiguration": {"level": "warning"},
        "helpUri": "https://github.com/iaclint/iaclint/blob/main/docs/policies.md#iac105",
        "help": {
            "text": ("An endpoint configuration\nwithout `kms_key_arn`.\n\n"
                     "Why it matters:\nModel artefacts rest on disk unencrypted by a key you control.\n\n"
                     "Fix in Terraform:\nSet `kms_key_arn`.\n\nFix in CloudFormation:\nSet `KmsKeyId`."),
            "markdown": ("An endpoint configuration\nwithout `kms_key_arn`.\n\n"
                         "**Why it matters**\n\nModel artefacts rest on disk unencrypted by a key you control.\n\n"
                         "**Fix in Terraform**\n\nSet `kms_key_arn`.\n\n**Fix in CloudFormation**\n\nSet `KmsKeyId`."),
        },
        "properties": {"security-severity": "5.5", "tags": ["security", "encryption", "medium"]},
    }
    assert driver["rules"][2]["help"]["markdown"].endswith(
        "**References**\n\n- <https://docs.aws.amazon.com/sagemaker/latest/dg/appendix-notebook-and-internet-access.html>")


@pytest.mark.parametrize("severity,score,level", [
    ("critical", "9.5", "error"), ("high", "8.0", "error"), ("medium", "5.5", "warning"),
    ("low", "3.0", "note"), ("info", "1.0", "note"),
])
def test_security_severity_and_level_by_severity(severity, score, level, monkeypatch):
    monkeypatch.setattr(EndpointKms, "severity", severity)
    result = sample_result()
    for f in result.findings:
        if f.policy_id == "IAC105":
            f.severity = severity
    log = sarif(result)
    rule = log["runs"][0]["tool"]["driver"]["rules"][1]
    assert rule["properties"]["security-severity"] == score
    assert rule["defaultConfiguration"]["level"] == level
    assert {r["level"] for r in log["runs"][0]["results"] if r["ruleId"] == "IAC105"} == {level}


def test_results_exact():
    results = sarif()["runs"][0]["results"]
    assert [(r["ruleId"], r["ruleIndex"], r["level"]) for r in results] == [
        ("IAC201", 2, "error"), ("IAC201", 2, "note"), ("IAC001", 0, "error"), ("IAC105", 1, "warning"),
        ("IAC105", 1, "warning"),
    ]
    assert results[0] == {
        "ruleId": "IAC201",
        "ruleIndex": 2,
        "level": "error",
        "message": {"text": "SageMaker notebook instance has direct internet access: "
                            "`direct_internet_access` is not set"},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": "main.tf", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 3, "startColumn": 1, "endLine": 3, "endColumn": 52},
            },
            "logicalLocations": [{"name": "aws_sagemaker_notebook_instance.open",
                                  "fullyQualifiedName": "aws_sagemaker_notebook_instance.open", "kind": "resource"}],
        }],
        "partialFingerprints": {"iaclint/v1": "1111aaaa2222bbbb"},
        "properties": {"verdict": "FAIL", "resourceType": "aws_sagemaker_notebook_instance"},
    }


def test_unknown_is_a_note_with_its_verdict():
    unknown = sarif()["runs"][0]["results"][1]
    assert unknown["level"] == "note"
    assert unknown["message"]["text"] == "UNKNOWN: `direct_internet_access` depends on var.internet"
    assert unknown["properties"] == {"verdict": "UNKNOWN", "attribute": "direct_internet_access",
                                     "resourceType": "aws_sagemaker_notebook_instance"}


def test_suppressed_finding_kept_with_in_source_suppression():
    results = sarif()["runs"][0]["results"]
    suppressed = [r for r in results if "suppressions" in r]
    assert len(suppressed) == 1
    assert suppressed[0]["suppressions"] == [{"kind": "inSource", "justification": "test stack, no data"}]
    assert suppressed[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 20


def test_uris_are_relative_and_percent_encoded():
    results = sarif()["runs"][0]["results"]
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
    assert uris == ["main.tf", "main.tf", "odd,dir/x%3Ay.tf", "stacks/ml%20stack.yaml", "stacks/ml%20stack.yaml"]
    # The vendored schema says format "uri-reference", which jsonschema cannot check without
    # extra packages: check RFC 3986 characters and the absence of a scheme here instead.
    for uri in uris:
        assert re.fullmatch(r"[A-Za-z0-9\-._~/?#\[\]@!$&'()*+,;=%]+", uri) and ":" not in uri
    parse_error = results[2]["locations"][0]
    assert "logicalLocations" not in parse_error  # a file-level finding has no resource
    assert parse_error["physicalLocation"]["region"] == {"startLine": 2, "startColumn": 9, "endLine": 2, "endColumn": 9}


def test_rule_index_points_at_the_rule():
    log = sarif()
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    for r in log["runs"][0]["results"]:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]


def test_help_uri_anchor_is_lowercased_id():
    for rule in sarif()["runs"][0]["tool"]["driver"]["rules"]:
        assert re.fullmatch(r"https://github\.com/iaclint/iaclint/blob/main/docs/policies\.md#iac\d{3}", rule["helpUri"])
        assert rule["helpUri"].endswith("#" + rule["id"].lower())


def test_invocation_reports_errors():
    result = empty_result()
    assert sarif(result)["runs"][0]["invocations"] == [{"executionSuccessful": True}]
    result.errors = ["policy IAC9 failed"]
    result.missing = ["nope/"]
    assert sarif(result)["runs"][0]["invocations"] == [{
        "executionSuccessful": False,
        "toolExecutionNotifications": [
            {"level": "error", "message": {"text": "policy IAC9 failed"}},
            {"level": "error", "message": {"text": "path not found: nope/"}},
        ],
    }]


def test_no_findings_is_an_empty_results_list_with_all_rules():
    run = sarif(empty_result())["runs"][0]
    assert run["results"] == [] and len(run["tool"]["driver"]["rules"]) == 4


def test_bad_spans_are_clamped_into_a_valid_region(validator):
    result = empty_result()
    from iaclint.model.finding import Finding

    result.findings = [Finding("IAC001", "parse-error", "high", "x", "a.tf", 0, 0, 0, 0, "")]
    log = sarif(result)
    assert log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1}
    assert validator.is_valid(log)
