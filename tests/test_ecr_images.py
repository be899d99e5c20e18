"""Which ECR repository a SageMaker model's image names (iaclint.aws.ecr.image_uses), for
IAC414: AWS's own Deep Learning Containers name no repository a stack could set, so they
are out of scope (PASS), not an UNKNOWN no template could ever decide."""
from __future__ import annotations

from conftest import FIXTURES, ROOT, builtin_policies, rel

from iaclint.api import scan

CASES = FIXTURES / "policies" / "sagemaker-model-image-repo-insecure"


def test_aws_managed_registries():
    from iaclint.aws.ecr import aws_managed

    assert aws_managed("763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-inference:2.1.0-gpu-py310")
    assert aws_managed("763104351884.dkr.ecr.*.amazonaws.com/tgi:2")  # a template's Region
    assert not aws_managed("123456789012.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.1.0")
    assert not aws_managed("registry.example.com/763104351884.dkr.ecr")


def test_deep_learning_container_images_pass_in_both_formats(monkeypatch):
    monkeypatch.chdir(ROOT)
    files = [rel(CASES / "template.yaml"), rel(CASES / "main.tf")]
    result = scan(files, policies=list(builtin_policies()), select=["IAC414"], strict=True)
    assert not result.errors, result.errors
    decided = {f.resource for f in result.findings}
    assert "PassAwsDeepLearningContainer" not in decided
    assert "aws_sagemaker_model.pass_aws_deep_learning_container" not in decided
    assert all(f.resource.split(".")[-1].lower().startswith(("fail", "unknown")) for f in result.findings)
    assert {"UnknownImageParameter", "aws_sagemaker_model.unknown_image_variable"} <= decided
