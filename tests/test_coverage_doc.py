"""docs/coverage.md, the table of AI-related resource types against iaclint and Checkov,
is current, and lists every resource type an iaclint policy covers.

Only the committed docs/coverage/checkov-checks.json is read: Checkov is not installed in
CI (docs/coverage/extract_checkov.py writes the JSON where it is)."""
from __future__ import annotations

import re

import pytest
from conftest import ROOT, builtin_policies

from iaclint.normalize.tables import CFN_TYPES
from iaclint.reference.coverage import (
    REGENERATE,
    build_rows,
    load_checkov_data,
    missing_from_checkov_data,
    render_coverage,
)
from iaclint.reference.parity import ParityError
from iaclint.reference.parity import load as load_parity

PAGE = ROOT / "docs" / "coverage.md"
POLICIES = builtin_policies()
EXTRACT = "/tmp/ckv/bin/python docs/coverage/extract_checkov.py (any Python with checkov), then " + REGENERATE


def test_coverage_page_is_current():
    expected = render_coverage(POLICIES, load_checkov_data())
    assert PAGE.exists() and PAGE.read_text(encoding="utf-8") == expected, \
        f"docs/coverage.md is stale: run `{REGENERATE}`"


def test_checkov_data_lists_every_type_iaclint_covers():
    missing = missing_from_checkov_data(POLICIES, load_checkov_data(), CFN_TYPES)
    assert not missing, f"docs/coverage/checkov-checks.json lacks {missing}: run {EXTRACT}"


def test_checkov_data_records_its_checkov_version():
    data = load_checkov_data()
    assert re.fullmatch(r"\d+\.\d+\.\d+", data["checkov_version"])


def test_every_policy_resource_type_has_a_row_on_the_page():
    page = PAGE.read_text(encoding="utf-8")
    rows = [line for line in page.splitlines() if line.startswith("| ") and "policies.md#" in line]
    for policy in POLICIES:
        for rtype in policy.resource_types:
            row = [r for r in rows if f"`{rtype}`" in r.split(" | ")[0]]
            assert row, f"{rtype} ({policy.id}) has no row in docs/coverage.md"
            assert f"[{policy.id}](policies.md#{policy.id.lower()})" in row[0]


def test_cloudformation_types_of_the_tables_sit_with_their_terraform_type():
    rows = {r.canonical: r for r in build_rows(POLICIES, load_checkov_data(), CFN_TYPES) if r.canonical}
    for cfn, table in CFN_TYPES.items():
        row = rows.get(table["type"])
        if row is not None:
            assert cfn in row.cloudformation and not row.by_name


def test_rows_are_built_from_policies_and_checkov_data():
    class Fake:
        id, resource_types = "IAC999", ("aws_sagemaker_space", "aws_sagemaker_model_bias_job_definition")

    data = {
        "canonical_only": ["aws_sagemaker_model_bias_job_definition"],
        "terraform": {"aws_sagemaker_space": [], "aws_sagemaker_app": [{"id": "CKV_AWS_1", "name": "x"}],
                      "aws_s3_bucket": [{"id": "CKV_AWS_2", "name": "y"}]},
        "cloudformation": {"AWS::SageMaker::Space": [], "AWS::SageMaker::App": [],
                           "AWS::SageMaker::ModelBiasJobDefinition": [{"id": "CKV_AWS_3", "name": "z"}]},
    }
    tables = {"AWS::SageMaker::Space": {"type": "aws_sagemaker_space"},
              "AWS::SageMaker::ModelBiasJobDefinition": {"type": "aws_sagemaker_model_bias_job_definition"}}
    rows = {r.key: r for r in build_rows([Fake()], data, tables)}
    # aws_s3_bucket: neither an AI service nor covered by a policy, so no row.
    assert set(rows) == {"aws_sagemaker_space", "aws_sagemaker_app", "aws_sagemaker_model_bias_job_definition"}
    space = rows["aws_sagemaker_space"]
    assert space.policies == ["IAC999"] and space.cloudformation == ["AWS::SageMaker::Space"]
    assert space.checkov_tf == [] and space.checkov_cfn == [] and not space.checkov
    app = rows["aws_sagemaker_app"]
    assert app.by_name and app.cloudformation == ["AWS::SageMaker::App"] and app.checkov_tf == ["CKV_AWS_1"]
    bias = rows["aws_sagemaker_model_bias_job_definition"]
    assert bias.terraform is None and bias.checkov_tf is None and bias.checkov_cfn == ["CKV_AWS_3"]
    page = render_coverage([Fake()], data, tables, parity=[])
    assert "| - (iaclint: `aws_sagemaker_model_bias_job_definition`) |" in page
    assert "`AWS::SageMaker::App` \\*" in page


def test_every_peer_control_has_an_entry_naming_real_policies():
    names = {p.name for p in POLICIES}
    sources = load_parity()
    assert [s.key for s in sources] == ["securityhub", "prowler", "kics", "modelmoat"]
    for source in sources:
        assert source.controls, source.key
        ids = [c.id for c in source.controls]
        assert len(ids) == len(set(ids)), source.key
        for control in source.controls:
            unknown = [p for p in control.policies if p not in names]
            assert not unknown, f"{source.key} {control.id}: no policy named {unknown} (docs/coverage/parity.yaml)"


def test_security_hub_list_is_the_ai_controls():
    hub = {s.key: s for s in load_parity()}["securityhub"]
    expected = ([f"SageMaker.{n}" for n in range(1, 26)] + ["Bedrock.1"]
                + [f"BedrockAgentCore.{n}" for n in range(1, 8)])
    assert [c.id for c in hub.controls] == expected


def test_a_control_without_an_entry_fails(tmp_path):
    import shutil

    shutil.copytree(ROOT / "docs" / "coverage" / "controls", tmp_path / "controls")
    text = (ROOT / "docs" / "coverage" / "parity.yaml").read_text(encoding="utf-8")
    (tmp_path / "parity.yaml").write_text(text.replace("  SageMaker.4:", "  # SageMaker.4:"), encoding="utf-8")
    with pytest.raises(ParityError, match=r"SageMaker\.4"):
        load_parity(tmp_path)
    (tmp_path / "parity.yaml").write_text(text.replace("SageMaker.4: {iaclint:", "SageMaker.4: {gap: x, iaclint:"),
                                          encoding="utf-8")
    with pytest.raises(ParityError, match="exactly one"):
        load_parity(tmp_path)
