"""Which resources are AI/ML resources, in each dialect: the services iaclint is about,
their Terraform `aws` prefixes and their CloudFormation namespaces (an `awscc` type is in
scope when its CloudFormation type is). The coverage page (docs/coverage.md) lists every
type of these services; `iaclint scan --strict` notes the in-scope resources no policy
checks; the inventory may classify by it.
"""
from __future__ import annotations

from iaclint.normalize import awscc

# (service, Terraform `aws` prefixes, CloudFormation namespaces), in the coverage page's order.
AI_SERVICES = (
    ("SageMaker", ("aws_sagemaker_",), ("SageMaker",)),
    ("Bedrock", ("aws_bedrock_", "aws_bedrockagent_"), ("Bedrock",)),
    ("Bedrock AgentCore", ("aws_bedrockagentcore_",), ("BedrockAgentCore",)),
    ("OpenSearch Service", ("aws_opensearch_", "aws_elasticsearch_"), ("OpenSearchService", "Elasticsearch")),
    ("OpenSearch Serverless", ("aws_opensearchserverless_",), ("OpenSearchServerless",)),
    ("Kendra", ("aws_kendra_",), ("Kendra", "KendraRanking")),
    ("Q Business", ("aws_qbusiness_",), ("QBusiness",)),
    ("Comprehend", ("aws_comprehend_",), ("Comprehend",)),
    ("Lex", ("aws_lexv2models_", "aws_lex_"), ("Lex",)),  # CloudFormation's AWS::Lex types are Lex V2
    ("Textract", ("aws_textract_",), ("Textract",)),
    ("Transcribe", ("aws_transcribe_",), ("Transcribe",)),
    ("Rekognition", ("aws_rekognition_",), ("Rekognition",)),
    ("Personalize", ("aws_personalize_",), ("Personalize",)),
)
AI_SERVICE_NAMES = tuple(name for name, _, _ in AI_SERVICES)


def service_of_terraform(aws_type: str) -> str | None:
    """The AI service of a Terraform `aws` type (`aws_sagemaker_domain` -> SageMaker)."""
    for name, prefixes, _ in AI_SERVICES:
        if aws_type.startswith(prefixes):
            return name
    return None


def service_of_cloudformation(cfn_type: str) -> str | None:
    """The AI service of a CloudFormation type (`AWS::SageMaker::Domain` -> SageMaker)."""
    parts = cfn_type.split("::")
    if len(parts) != 3 or parts[0] != "AWS":
        return None
    for name, _, namespaces in AI_SERVICES:
        if parts[1] in namespaces:
            return name
    return None


def ai_service(native_type: str) -> str | None:
    """The AI service of a resource type in any dialect (`aws_*`, `awscc_*` or `AWS::*`),
    None when it is not an AI/ML resource."""
    if native_type.startswith("AWS::"):
        return service_of_cloudformation(native_type)
    cfn = awscc.cfn_type_of(native_type)
    if cfn is not None:
        return service_of_cloudformation(cfn)
    return service_of_terraform(native_type)
