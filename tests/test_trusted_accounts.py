"""`trusted-accounts` (`--trusted-account`): partner accounts that the cross-account
policies (IAC310 trust policies of ML roles, IAC313 model registry policies) accept, while
every other account is still judged."""
from __future__ import annotations

import pytest

from iaclint.api import scan
from iaclint.faces.cli import main
from iaclint.pipeline.cache import Cache

ROLE_TF = '''resource "aws_iam_role" "ml" {
  name = "ml"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Principal = { Service = "sagemaker.amazonaws.com" }, Action = "sts:AssumeRole"%s },
      { Effect = "Allow", Principal = { AWS = "arn:aws:iam::444455556666:role/partner" }, Action = "sts:AssumeRole" },
      { Effect = "Allow", Principal = { AWS = "arn:aws:iam::999999999999:root" }, Action = "sts:AssumeRole" },
    ]
  })
}
'''
EVIDENCE = ',\n        Condition = { StringEquals = { "aws:SourceAccount" = "111122223333" } }'

REGISTRY_YAML = '''AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Registry:
    Type: AWS::SageMaker::ModelPackageGroup
    Properties:
      ModelPackageGroupName: churn
      ModelPackageGroupPolicy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {AWS: "arn:aws:iam::444455556666:root"}
            Action: sagemaker:CreateModelPackage
            Resource: arn:aws:sagemaker:us-east-1:111122223333:model-package/churn/*
          - Effect: Allow
            Principal: {AWS: "arn:aws:iam::999999999999:root"}
            Action: sagemaker:CreateModelPackage
            Resource: arn:aws:sagemaker:us-east-1:111122223333:model-package/churn/*
'''


def rows(result):
    return [(f.policy_id, f.file, f.line, f.verdict) for f in result.findings]


@pytest.fixture
def repo(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text(ROLE_TF % EVIDENCE)
    (tmp_path / "registry.yaml").write_text(REGISTRY_YAML)
    return tmp_path


def test_a_trusted_account_passes_and_the_others_are_still_judged(repo):
    select = ("IAC310", "IAC313")
    assert rows(scan(["."], select=select)) == [
        ("IAC310", "main.tf", 8, "FAIL"), ("IAC310", "main.tf", 9, "FAIL"),
        ("IAC313", "registry.yaml", 11, "FAIL"), ("IAC313", "registry.yaml", 15, "FAIL")]
    trusted = {"trusted_accounts": ["444455556666"]}
    assert rows(scan(["."], select=select, options=trusted)) == [
        ("IAC310", "main.tf", 9, "FAIL"), ("IAC313", "registry.yaml", 15, "FAIL")]


def test_a_trusted_account_is_not_evidence_of_the_stacks_own_account(repo):
    """Without evidence of the deploying account, 999999999999 may be it: UNKNOWN, not FAIL,
    even though the configuration names a (different) trusted account."""
    (repo / "main.tf").write_text(ROLE_TF % "")
    result = scan(["main.tf"], select=("IAC310",), strict=True, options={"trusted_accounts": ["444455556666"]})
    assert rows(result) == [("IAC310", "main.tf", 8, "UNKNOWN")]  # the partner (line 7) passes


def test_the_cli_flag_the_configuration_key_and_the_cache(repo, tmp_path, capsys):
    cache = ["--cache-dir", str(tmp_path / "cache")]
    assert main(["scan", ".", "--select", "IAC310,IAC313", "--format", "json", *cache]) == 1
    untrusted = capsys.readouterr().out
    assert main(["scan", ".", "--select", "IAC310,IAC313", "--format", "json", *cache,
                 "--trusted-account", "444455556666"]) == 1
    flagged = capsys.readouterr().out
    assert untrusted.count('"IAC31') == 4 and flagged.count('"IAC31') == 2  # the cached scan is not reused
    (repo / ".iaclint.yaml").write_text('trusted-accounts: ["444455556666", "999999999999"]\n')
    assert main(["scan", ".", "--select", "IAC310,IAC313", *cache]) == 0
    capsys.readouterr()


@pytest.mark.parametrize("args,config,message", [
    (["--trusted-account", "4444-5555-6666"], None,
     "iaclint: error: --trusted-account 4444-5555-6666: an AWS account ID is 12 digits"),
    ([], "trusted-accounts: [444455556666]\n",
     "iaclint: error: .iaclint.yaml: `trusted-accounts[0]`: 444455556666 is not of type 'string'"),
])
def test_a_malformed_account_id_is_a_usage_error(repo, capsys, args, config, message):
    if config:
        (repo / ".iaclint.yaml").write_text(config)
    assert main(["scan", ".", *args]) == 2
    assert capsys.readouterr().err.strip() == message
