"""AI/ML resources in scope that no policy checks: the scope in every dialect, and
`iaclint scan --strict` noting them without changing the exit code."""
from __future__ import annotations

import textwrap

import pytest

from iaclint.api import scan
from iaclint.faces.cli import main
from iaclint.normalize.scope import AI_SERVICES, ai_service
from iaclint.reference.coverage import AI_SERVICES as COVERAGE_AI_SERVICES
from iaclint.reference.coverage import SERVICES

MAIN_TF = textwrap.dedent('''\
    resource "aws_rekognition_collection" "faces" {
      collection_id = "faces"
    }

    resource "aws_rekognition_collection" "more" {
      collection_id = "more"
    }

    resource "awscc_personalize_dataset_group" "group" {
      name = "group"
    }

    resource "aws_s3_object" "not_ai" {
      bucket = "b"
      key    = "k"
    }

    resource "awscc_qbusiness_application" "checked" {
      display_name = "q"
      encryption_configuration = {
        kms_key_id = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
      }
    }
    ''')

TEMPLATE = textwrap.dedent('''\
    Resources:
      Tracker:
        Type: AWS::Personalize::EventTracker
        Properties:
          Name: t
          DatasetGroupArn: arn:aws:personalize:us-east-1:123456789012:dataset-group/g
    ''')


@pytest.mark.parametrize("native, service", [
    ("aws_sagemaker_domain", "SageMaker"), ("awscc_sagemaker_domain", "SageMaker"),
    ("AWS::SageMaker::Domain", "SageMaker"), ("aws_bedrockagent_agent", "Bedrock"),
    ("aws_bedrockagentcore_gateway", "Bedrock AgentCore"), ("awscc_bedrockagentcore_gateway", "Bedrock AgentCore"),
    ("aws_opensearchserverless_collection", "OpenSearch Serverless"), ("aws_opensearch_domain", "OpenSearch Service"),
    ("AWS::KendraRanking::ExecutionPlan", "Kendra"), ("aws_lex_bot", "Lex"), ("AWS::Lex::Bot", "Lex"),
    ("AWS::Textract::Adapter", "Textract"), ("awscc_rekognition_project", "Rekognition"),
    ("aws_transcribe_vocabulary", "Transcribe"),
    ("AWS::Personalize::Solution", "Personalize"), ("awscc_qbusiness_index", "Q Business"),
    ("aws_s3_bucket", None), ("AWS::S3::Bucket", None), ("awscc_s3_bucket", None),
    ("data.aws_sagemaker_prebuilt_ecr_image", None), ("awscc_textract_adapter", None),  # not generated
])
def test_scope_in_every_dialect(native, service):
    assert ai_service(native) == service


def test_coverage_page_uses_the_scope():
    assert COVERAGE_AI_SERVICES == tuple(name for name, _, _ in AI_SERVICES)
    for name, prefixes, _ in AI_SERVICES:
        for prefix in prefixes:
            assert (prefix, name) in {(p, s) for p, _, s in SERVICES}, prefix


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "main.tf").write_text(MAIN_TF)
    (tmp_path / "stack.yaml").write_text(TEMPLATE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_unchecked_ai_resources_are_listed_once_per_type(project):
    result = scan(["."])
    got = [(u.native_type, u.service, u.file, u.line, u.address, u.count) for u in result.unchecked]
    assert got == [
        ("aws_rekognition_collection", "Rekognition", "main.tf", 1, "aws_rekognition_collection.faces", 2),
        ("awscc_personalize_dataset_group", "Personalize", "main.tf", 9, "awscc_personalize_dataset_group.group", 1),
        ("AWS::Personalize::EventTracker", "Personalize", "stack.yaml", 2, "Tracker", 1),
    ]


def test_a_policy_on_the_type_makes_it_checked(project):
    result = scan(["."], select=["IAC141"])
    assert "awscc_qbusiness_application" not in {u.native_type for u in result.unchecked}
    # With IAC141 not running, the Q Business application is unchecked too.
    result = scan(["."], ignore=["IAC141"])
    assert "awscc_qbusiness_application" in {u.native_type for u in result.unchecked}


def test_strict_notes_them_and_the_exit_code_does_not_change(project, capsys):
    assert main(["scan", "."]) == 0
    assert "in scope" not in capsys.readouterr().err
    assert main(["scan", "--strict", "."]) == 0
    err = capsys.readouterr().err
    assert ("iaclint: note: main.tf:1: aws_rekognition_collection.faces and 1 more: in scope (Rekognition), "
            "but no policy checks aws_rekognition_collection") in err
    assert "stack.yaml:2: Tracker: in scope (Personalize), but no policy checks AWS::Personalize::EventTracker" in err
    assert "aws_s3_object" not in err and "awscc_qbusiness_application" not in err
