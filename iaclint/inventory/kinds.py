"""Which resources are assets, of which kind, and how an asset is named and located.

Types are canonical (Terraform vocabulary). A CloudFormation type without a translation
table gets a derived name (`AWS::Lambda::Url` -> `aws_lambda_url`), and the `awscc`
provider's types arrive as canonical ones once translated, so both spellings are listed
where they differ. Resources that only connect assets (an endpoint configuration, a
knowledge-base data source, an API integration, a Lambda permission, an IAM attachment)
are not assets: they become edges, located where they are written.
"""
from __future__ import annotations

from iaclint.inventory.model import Asset, Location

KIND_OF_TYPE = {
    # models and where they run
    "aws_sagemaker_model": "model",
    "aws_bedrock_custom_model": "model",
    "aws_bedrock_provisioned_model_throughput": "model",
    "aws_bedrock_inference_profile": "model",
    "aws_bedrock_application_inference_profile": "model",
    "aws_sagemaker_endpoint": "endpoint",
    "aws_sagemaker_model_package_group": "registry",
    # agents, flows, prompts, guardrails
    "aws_bedrockagent_agent": "agent",
    "aws_bedrockagentcore_agent_runtime": "agent-runtime",
    "aws_bedrockagentcore_runtime": "agent-runtime",
    "aws_bedrockagentcore_gateway": "api",
    "aws_bedrockagentcore_memory": "memory",
    "aws_bedrockagentcore_code_interpreter": "agent-tool",
    "aws_bedrockagentcore_code_interpreter_custom": "agent-tool",
    "aws_bedrockagentcore_browser": "agent-tool",
    "aws_bedrockagentcore_browser_custom": "agent-tool",
    "aws_bedrockagent_flow": "flow",
    "aws_bedrock_flow": "flow",
    "aws_bedrockagent_prompt": "prompt",
    "aws_bedrock_prompt": "prompt",
    "aws_bedrock_guardrail": "guardrail",
    "aws_bedrock_model_invocation_logging_configuration": "invocation-logging",
    # retrieval
    "aws_bedrockagent_knowledge_base": "knowledge-base",
    "aws_kendra_index": "knowledge-base",
    "aws_opensearchserverless_collection": "vector-store",
    "aws_opensearch_domain": "vector-store",
    "aws_elasticsearch_domain": "vector-store",
    # data and pipelines
    "aws_sagemaker_feature_group": "feature-store",
    "aws_sagemaker_pipeline": "pipeline",
    "aws_sagemaker_monitoring_schedule": "monitoring",
    "aws_sagemaker_data_quality_job_definition": "monitoring",
    "aws_sagemaker_model_quality_job_definition": "monitoring",
    "aws_sagemaker_model_bias_job_definition": "monitoring",
    "aws_sagemaker_model_explainability_job_definition": "monitoring",
    # where people work
    "aws_sagemaker_notebook_instance": "notebook",
    "aws_sagemaker_domain": "studio",
    "aws_sagemaker_user_profile": "studio",
    "aws_sagemaker_space": "studio",
    "aws_sagemaker_mlflow_tracking_server": "tracking-server",
    # other AI services
    "aws_comprehend_document_classifier": "ai-service",
    "aws_comprehend_entity_recognizer": "ai-service",
    "aws_lexv2models_bot": "ai-service",
    # around them
    "aws_iam_role": "role",
    "aws_iam_user": "user",
    "aws_kms_key": "key",
    "aws_lambda_function": "function",
    "aws_serverless_function": "function",
    "aws_lambda_function_url": "api",
    "aws_lambda_url": "api",
    "aws_api_gateway_rest_api": "api",
    "aws_apigateway_rest_api": "api",
    "aws_apigatewayv2_api": "api",
    "aws_serverless_api": "api",
    "aws_serverless_http_api": "api",
    "aws_s3_bucket": "data-store",
    "aws_efs_file_system": "data-store",
    "aws_ecr_repository": "image-repository",
}

# Kinds that are AI assets only when something AI uses them (an OpenSearch domain is a
# vector store when a knowledge base stores vectors in it, else a search cluster).
CONDITIONAL_AI = {"aws_opensearch_domain", "aws_elasticsearch_domain"}

# How a kind reads in reports.
KIND_LABELS = {
    "foundation-model": "foundation model", "model": "model", "endpoint": "model endpoint", "agent": "agent",
    "agent-runtime": "AgentCore runtime", "flow": "prompt flow", "prompt": "prompt",
    "knowledge-base": "knowledge base", "vector-store": "vector store", "feature-store": "feature store",
    "training-data": "training data", "registry": "model registry", "pipeline": "ML pipeline",
    "monitoring": "model monitor", "notebook": "notebook", "studio": "Studio", "tracking-server": "MLflow server",
    "guardrail": "guardrail", "memory": "agent memory", "agent-tool": "agent tool", "ai-service": "AI service",
    "invocation-logging": "invocation logging", "role": "role", "user": "IAM user", "key": "KMS key",
    "function": "function", "api": "API", "data-store": "data store", "image-repository": "image repository",
    "external": "external",
}


def kind_of(resource) -> str | None:
    """The asset kind of a canonical resource, or None when it is not an asset."""
    return KIND_OF_TYPE.get(resource.type)


def asset_id(resource) -> str:
    """Unique in a scan, and the same from one commit to the next: unit and address."""
    return f"{resource.unit}#{resource.address}"


def module_of(address: str) -> str:
    """`module.rag.module.store` for `module.rag.module.store.aws_s3_bucket.docs`."""
    parts = address.split(".")
    out = []
    i = 0
    while i + 1 < len(parts) and parts[i] == "module":
        out += parts[i:i + 2]
        i += 2
    return ".".join(out)


def location(resource, path: tuple = ()) -> Location:
    """Where `path` of `resource` is written (its nearest written ancestor, else the
    resource's header), in the user's spelling."""
    span = resource.span_for(path) if path else resource.header
    return Location(span.file, span.line, span.end_line, span.column, span.end_column, resource.address,
                    resource.native_name(path) if path else "", tuple(path))


def resource_location(resource) -> Location:
    """The whole resource: from its header to its last line."""
    header, span = resource.header, resource.span
    return Location(header.file, min(header.line, span.line), max(span.end_line, header.end_line), header.column,
                    header.end_column, resource.address, "")


def asset_of(resource, kind: str) -> Asset:
    """The asset of a resource, without its `location` (`resource_location`), which only
    the inventory shows: `iaclint.inventory.builder.detail` adds it."""
    return Asset(id=asset_id(resource), kind=kind, name=resource.address, type=resource.type,
                 native_type=resource.native_type, unit=resource.unit, module=module_of(resource.address),
                 construct=resource.construct, resource=resource)


# Pseudo assets: what the code names without defining.
INTERNET_ID = "external:internet"
ANYONE_ID = "external:any-aws-account"


def internet() -> Asset:
    return Asset(id=INTERNET_ID, kind="external", name="the internet (anyone, unauthenticated)")


def anyone() -> Asset:
    return Asset(id=ANYONE_ID, kind="external", name="any AWS account (`*`)")


def account(number: str) -> Asset:
    return Asset(id=f"external:account:{number}", kind="external", name=f"AWS account {number}")


def foundation_model(model: str) -> Asset:
    """A Bedrock model by ID, inference profile or ARN glob (`*` for every model)."""
    name = "every Bedrock model (`*`)" if model == "*" else model
    return Asset(id=f"bedrock-model:{model}", kind="foundation-model", name=name, models=[model])
