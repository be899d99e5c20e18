"""IAC303: sensitive Bedrock/SageMaker actions allowed on every resource."""
from __future__ import annotations

from iaclint.aws import iam
from iaclint.engine.policy import Policy

SENSITIVE = (
    "bedrock:InvokeModel*",
    "bedrock:InvokeAgent",
    "bedrock:Retrieve*",
    "bedrock:CreateModelCustomizationJob",
    "sagemaker:CreatePresignedNotebookInstanceUrl",
    "sagemaker:CreatePresignedDomainUrl",
    "sagemaker:InvokeEndpoint*",
)


class IamAiActionResourceStar(Policy):
    id = "IAC303"
    name = "iam-ai-action-resource-star"
    title = "Sensitive Bedrock or SageMaker actions are allowed on every resource"
    severity = "medium"
    category = "identity-and-access"
    resource_types = iam.IDENTITY_POLICY_TYPES
    checkov_ids = ()
    what = (
        "An `Effect: Allow` statement in an identity policy that grants any of "
        "`bedrock:InvokeModel*`, `bedrock:InvokeAgent`, `bedrock:Retrieve*`, "
        "`bedrock:CreateModelCustomizationJob`, `sagemaker:CreatePresignedNotebookInstanceUrl`, "
        "`sagemaker:CreatePresignedDomainUrl` or `sagemaker:InvokeEndpoint*` (named directly or "
        "through wildcards such as `bedrock:Invoke*`, `bedrock:*` or `*`, or left in by a "
        "`NotAction`) with `Resource: \"*\"` or a `NotResource`. One finding per statement, on "
        "its `Resource` element."
    )
    why = (
        "These are the actions that touch models and their data: invoking any foundation or "
        "custom model (including expensive ones and imported models that encode proprietary "
        "data: denial of wallet and model extraction), querying any knowledge base (`Retrieve` "
        "returns chunks of every indexed document, so one role can read another team's "
        "confidential corpus), starting fine-tuning jobs on arbitrary data, invoking any "
        "SageMaker endpoint, and minting presigned URLs to any notebook or Studio profile. "
        "With `Resource: \"*\"` a role compromised through a prompt injection or a leaked key "
        "reaches every model, agent, knowledge base and notebook in the account instead of the "
        "one the application uses."
    )
    fix_terraform = (
        "Name the models, knowledge bases and endpoints the workload uses:\n\n"
        "```hcl\n"
        "statement {\n"
        "  actions   = [\"bedrock:InvokeModel\", \"bedrock:InvokeModelWithResponseStream\"]\n"
        "  resources = [\"arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0\"]\n"
        "}\n\n"
        "statement {\n"
        "  actions   = [\"bedrock:Retrieve\"]\n"
        "  resources = [aws_bedrockagent_knowledge_base.docs.arn]\n"
        "}\n"
        "```"
    )
    fix_cloudformation = (
        "Name the models, knowledge bases and endpoints the workload uses:\n\n"
        "```yaml\n"
        "Statement:\n"
        "  - Effect: Allow\n"
        "    Action: [bedrock:InvokeModel, bedrock:InvokeModelWithResponseStream]\n"
        "    Resource: !Sub arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0\n"
        "  - Effect: Allow\n"
        "    Action: bedrock:Retrieve\n"
        "    Resource: !GetAtt DocsKnowledgeBase.KnowledgeBaseArn\n"
        "```"
    )
    references = (
        "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonbedrock.html",
        "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html",
        "https://docs.aws.amazon.com/bedrock/latest/userguide/security_iam_id-based-policy-examples.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html",
    )

    def check(self, resource, ctx):
        def test(stmt: iam.Statement) -> iam.Outcome:
            verdict = iam.all3(iam.is_allow(stmt), iam.actions_overlap_any(stmt, SENSITIVE),
                               iam.resource_is_star(stmt))
            scope = "`NotResource`" if "not_resources" in stmt.paths else "`Resource: \"*\"`"
            return iam.Outcome(verdict, stmt.path_of("resources", "not_resources"),
                               f"allows sensitive AI actions ({iam.describe_grant(stmt, SENSITIVE)}) on every "
                               f"resource through {scope}",
                               fields=("effect", "resources", "not_resources", "actions", "not_actions"))

        yield from iam.check_statements(resource, ctx, test)
