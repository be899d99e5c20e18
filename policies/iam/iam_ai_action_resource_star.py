"""IAC303: sensitive Bedrock/AgentCore/SageMaker actions allowed on every resource."""
from __future__ import annotations

from iaclint.aws import iam
from iaclint.engine.policy import Policy

SENSITIVE = (
    "bedrock:InvokeModel*",
    "bedrock:InvokeAgent",
    "bedrock:InvokeFlow",  # every flow: the models, knowledge bases, agents and Lambdas of each
    "bedrock:Retrieve*",
    "bedrock:CreateModelCustomizationJob",
    # AgentCore's data plane: invoking any agent runtime, running code in any code
    # interpreter session, reading any agent's long-term memories.
    "bedrock-agentcore:InvokeAgentRuntime*",
    "bedrock-agentcore:InvokeCodeInterpreter",
    "bedrock-agentcore:RetrieveMemoryRecords",
    "sagemaker:CreatePresignedNotebookInstanceUrl",
    "sagemaker:CreatePresignedDomainUrl",
    "sagemaker:InvokeEndpoint*",
)


class IamAiActionResourceStar(Policy):
    id = "IAC303"
    name = "iam-ai-action-resource-star"
    title = "Sensitive Bedrock, AgentCore or SageMaker actions are allowed on every resource"
    severity = "medium"
    category = "identity-and-access"
    resource_types = iam.IDENTITY_POLICY_TYPES
    checkov_ids = ()

    def check(self, resource, ctx):
        def test(stmt: iam.Statement) -> iam.Outcome:
            verdict = iam.all3(iam.is_allow(stmt), iam.actions_overlap_any(stmt, SENSITIVE),
                               iam.resource_is_star(stmt))
            if verdict is False:
                return iam.FINE
            scope = "`NotResource`" if "not_resources" in stmt.paths else "`Resource: \"*\"`"
            return iam.Outcome(verdict, stmt.path_of("resources", "not_resources"),
                               f"allows sensitive AI actions ({iam.describe_grant(stmt, SENSITIVE)}) on every "
                               f"resource through {scope}",
                               fields=("effect", "resources", "not_resources", "actions", "not_actions"))

        yield from iam.check_statements(resource, ctx, test)
