"""Hand-built scan results shared by the formatter tests (no parser needed, every field
known). Holds no tests itself; the test_ prefix only keeps it among the formatter files."""
from __future__ import annotations

from dataclasses import replace

from iaclint.api import ScanResult
from iaclint.engine.builtin import ParseErrorPolicy
from iaclint.engine.policy import Policy
from iaclint.model.finding import Finding


class NotebookInternet(Policy):
    id = "IAC201"
    name = "sagemaker-notebook-direct-internet-access"
    title = "SageMaker notebook instance has no direct internet access"
    severity = "high"
    category = "network"
    resource_types = ("aws_sagemaker_notebook_instance",)
    what = "A notebook instance with direct internet access."
    why = "Code in the notebook can send training data anywhere."
    fix_terraform = 'Set `direct_internet_access = "Disabled"`.'
    fix_cloudformation = "Set `DirectInternetAccess: Disabled`."
    references = ("https://docs.aws.amazon.com/sagemaker/latest/dg/appendix-notebook-and-internet-access.html",)


class EndpointKms(Policy):
    id = "IAC105"
    name = "sagemaker-endpoint-config-kms"
    title = "SageMaker endpoint configuration encrypts its volumes with a KMS key"
    severity = "medium"
    category = "encryption"
    resource_types = ("aws_sagemaker_endpoint_configuration",)
    what = "An endpoint configuration\nwithout `kms_key_arn`."
    why = "Model artefacts rest on disk unencrypted by a key you control."
    fix_terraform = "Set `kms_key_arn`."
    fix_cloudformation = "Set `KmsKeyId`."


class DomainLogging(Policy):
    id = "IAC501"
    name = "bedrock-invocation-logging"
    title = "Bedrock model invocations are logged"
    severity = "low"
    category = "logging"
    resource_types = ("aws_bedrock_model_invocation_logging_configuration",)


POLICIES = [ParseErrorPolicy(), EndpointKms(), NotebookInternet(), DomainLogging()]

OPEN = Finding(
    policy_id="IAC201", policy_name=NotebookInternet.name, severity="high",
    message="SageMaker notebook instance has direct internet access: `direct_internet_access` is not set",
    file="./main.tf", line=3, column=1, end_line=3, end_column=52,
    resource="aws_sagemaker_notebook_instance.open", resource_type="aws_sagemaker_notebook_instance",
    fingerprint="1111aaaa2222bbbb")
UNKNOWN = Finding(
    policy_id="IAC201", policy_name=NotebookInternet.name, severity="high",
    message="`direct_internet_access` depends on var.internet",
    file="main.tf", line=14, column=3, end_line=14, end_column=45,
    resource="aws_sagemaker_notebook_instance.unknown", resource_type="aws_sagemaker_notebook_instance",
    attribute="direct_internet_access", verdict="UNKNOWN", fingerprint="3333cccc4444dddd")
ENDPOINT = Finding(
    policy_id="IAC105", policy_name=EndpointKms.name, severity="medium",
    message="EndpointConfig has no `KmsKeyId` | volumes use <AWS-managed> keys",
    file="stacks/ml stack.yaml", line=7, column=5, end_line=12, end_column=30,
    resource="EndpointConfig", resource_type="AWS::SageMaker::EndpointConfig",
    fingerprint="5555eeee6666ffff")
SUPPRESSED = Finding(
    policy_id="IAC105", policy_name=EndpointKms.name, severity="medium",
    message="Other has no `KmsKeyId`", file="stacks/ml stack.yaml", line=20, column=5, end_line=20, end_column=10,
    resource="Other", resource_type="AWS::SageMaker::EndpointConfig", fingerprint="7777000088889999",
    suppressed=True, suppression_reason="test stack, no data")
PARSE = Finding(
    policy_id="IAC001", policy_name="parse-error", severity="high",
    message="unexpected character\n'\x00', expected: value",
    file="odd,dir/x:y.tf", line=2, column=9, end_line=2, end_column=9, resource="",
    fingerprint="aaaa0000bbbb1111")


def sample_result(strict: bool = True) -> ScanResult:
    findings = [OPEN, UNKNOWN, ENDPOINT, SUPPRESSED, PARSE] if strict else [OPEN, ENDPOINT, SUPPRESSED, PARSE]
    findings = [replace(f) for f in findings]  # fresh copies: a test may change one
    return ScanResult(findings=sorted(findings, key=Finding.sort_key), unknowns=[replace(UNKNOWN)], passed=6,
                      files=3, resources=9, policies=list(POLICIES), elapsed=0.25, strict=strict)


def empty_result() -> ScanResult:
    return ScanResult(findings=[], unknowns=[], passed=4, files=1, resources=2, policies=list(POLICIES))
