"""The `gitlab` format: GitLab's SAST report (gl-sast-report.json), validated against the
constraints of GitLab's schema (tests/data/README.md), on hand-built and real results."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import jsonschema
import pytest
from conftest import FIXTURES, ROOT
from test_formatters_samples import empty_result, sample_result

from iaclint.formatters.gitlab import SCHEMA_VERSION, format_gitlab

SCHEMA = json.loads((ROOT / "tests" / "data" / "gitlab-sast-report-format-15.0.6.subset.json").read_text())


def validate(report: dict) -> None:
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    jsonschema.Draft7Validator(SCHEMA).validate(report)


def test_sample_report_is_valid_and_maps_every_field(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    report = json.loads(format_gitlab(sample_result()))
    validate(report)
    assert report["version"] == SCHEMA_VERSION
    assert report["schema"].endswith(f"/v{SCHEMA_VERSION}/dist/sast-report-format.json")
    scan = report["scan"]
    assert scan["type"] == "sast" and scan["status"] == "success"
    assert scan["start_time"] == scan["end_time"] == "2023-11-14T22:13:20"
    assert scan["analyzer"]["id"] == scan["scanner"]["id"] == "iaclint"

    vulns = report["vulnerabilities"]
    # The suppressed finding is left out; the UNKNOWN one (--strict) has severity Unknown.
    assert [(v["identifiers"][0]["value"], v["severity"], v["location"]["file"], v["location"]["start_line"])
            for v in vulns] == [
        ("IAC201", "High", "main.tf", 3), ("IAC201", "Unknown", "main.tf", 14),
        ("IAC001", "High", "odd,dir/x:y.tf", 2), ("IAC105", "Medium", "stacks/ml stack.yaml", 7)]
    opened = vulns[0]
    assert opened["name"] == "SageMaker notebook instance has no direct internet access"
    assert opened["description"].startswith("SageMaker notebook instance has direct internet access")
    assert "Resource: `aws_sagemaker_notebook_instance.open`" in opened["description"]
    assert opened["solution"] == 'Set `direct_internet_access = "Disabled"`.'  # the Terraform fix for a .tf
    assert vulns[3]["solution"] == "Set `KmsKeyId`."  # the CloudFormation fix for a template
    assert opened["identifiers"][0] == {
        "type": "iaclint_policy_id", "name": "iaclint IAC201 sagemaker-notebook-direct-internet-access",
        "value": "IAC201", "url": "https://github.com/iaclint/iaclint/blob/main/docs/policies.md#iac201"}
    assert opened["links"] == [{"url": "https://docs.aws.amazon.com/sagemaker/latest/dg/"
                                       "appendix-notebook-and-internet-access.html"}]
    assert vulns[1]["name"].startswith("UNKNOWN: ")
    assert vulns[3]["location"]["end_line"] == 12
    assert "\x00" not in json.dumps(report, ensure_ascii=False)  # control characters replaced
    ids = [v["id"] for v in vulns]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", i) for i in ids)


def test_ids_are_stable_and_times_follow_the_clock_without_source_date_epoch(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first, second = json.loads(format_gitlab(sample_result())), json.loads(format_gitlab(sample_result()))
    validate(first)
    assert [v["id"] for v in first["vulnerabilities"]] == [v["id"] for v in second["vulnerabilities"]]
    assert first["scan"]["start_time"] <= first["scan"]["end_time"]


def test_empty_and_failed_scans(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    report = json.loads(format_gitlab(empty_result()))
    validate(report)
    assert report["vulnerabilities"] == [] and report["scan"]["status"] == "success"
    failed = empty_result()
    failed.errors = ["policy IAC999 crashed: boom"]
    failed.missing = ["nowhere/"]
    report = json.loads(format_gitlab(failed))
    validate(report)
    assert report["scan"]["status"] == "failure"
    assert [m["level"] for m in report["scan"]["messages"]] == ["fatal", "fatal"]


def test_duplicate_identities_still_get_unique_ids(monkeypatch):
    from dataclasses import replace

    result = sample_result()
    result.findings.append(replace(result.findings[0]))
    ids = [v["id"] for v in json.loads(format_gitlab(result))["vulnerabilities"]]
    assert len(set(ids)) == len(ids) == 5


def test_real_scan_of_the_examples_is_valid(tmp_path):
    out = tmp_path / "gl-sast-report.json"
    proc = subprocess.run([sys.executable, "-m", "iaclint", "scan", "examples", "-f", "gitlab", "-o", str(out)],
                          cwd=FIXTURES, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(out.read_text())
    validate(report)
    vulns = report["vulnerabilities"]
    assert len(vulns) > 10
    assert {v["severity"] for v in vulns} <= {"Critical", "High", "Medium", "Low", "Info"}
    assert all(v["location"]["file"].startswith("examples/") and not v["location"]["file"].startswith("/")
               for v in vulns)
    assert all(len(v.get("solution", "")) <= 7000 and len(v["name"]) <= 255 for v in vulns)
