"""IAC301: an identity policy statement that allows every Bedrock action."""
from __future__ import annotations

from iaclint.aws import iam
from iaclint.engine.policy import Policy

QUERY = "bedrock:*"


class IamBedrockWildcardAction(Policy):
    id = "IAC301"
    name = "iam-bedrock-wildcard-action"
    title = "IAM policy statement allows every Amazon Bedrock action"
    severity = "high"
    category = "identity-and-access"
    resource_types = iam.IDENTITY_POLICY_TYPES
    checkov_ids = ()
    what = (
        "An `Effect: Allow` statement in an identity policy (an inline policy of "
        "`aws_iam_role`/`aws_iam_user`/`aws_iam_group`, `aws_iam_policy`, `aws_iam_*_policy`, "
        "a `data \"aws_iam_policy_document\"`, CloudFormation `Policies`, `AWS::IAM::Policy` or "
        "`AWS::IAM::ManagedPolicy`) whose actions cover every Bedrock action: `bedrock:*`, `*`, "
        "`*:*`, any glob that matches all of `bedrock:`, or a `NotAction` that does not exclude "
        "Bedrock. Matching is case-insensitive and understands `*` and `?`. One finding per "
        "statement, on its `Action` (or `NotAction`) element."
    )
    why = (
        "`bedrock:*` is far more than model invocation. It includes `DeleteGuardrail` and "
        "`UpdateGuardrail` (turning off the prompt-injection and PII filters that protect your "
        "application), `DeleteModelInvocationLoggingConfiguration` (blinding the audit trail of "
        "prompts and responses), `CreateModelCustomizationJob` (fine-tuning on data the role can "
        "read, then exfiltrating it through the custom model), `GetCustomModel`/imported model "
        "access (model theft), agent and knowledge-base changes that redirect retrieval to "
        "attacker-controlled data, and unrestricted invocation of every foundation model, which "
        "an attacker with the role's credentials can run up as denial of wallet. Agent and "
        "application roles are reachable from prompts, so least privilege is the blast-radius "
        "control when a prompt injection succeeds."
    )
    fix_terraform = (
        "List only the Bedrock actions the workload calls, on specific resources:\n\n"
        "```hcl\n"
        "data \"aws_iam_policy_document\" \"agent\" {\n"
        "  statement {\n"
        "    sid       = \"InvokeOrchestrationModel\"\n"
        "    actions   = [\"bedrock:InvokeModel\", \"bedrock:InvokeModelWithResponseStream\"]\n"
        "    resources = [\"arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0\"]\n"
        "  }\n"
        "}\n"
        "```\n\n"
        "In a `jsonencode()` policy, replace `Action = \"bedrock:*\"` the same way."
    )
    fix_cloudformation = (
        "List only the Bedrock actions the workload calls, on specific resources:\n\n"
        "```yaml\n"
        "PolicyDocument:\n"
        "  Version: \"2012-10-17\"\n"
        "  Statement:\n"
        "    - Sid: InvokeOrchestrationModel\n"
        "      Effect: Allow\n"
        "      Action: [bedrock:InvokeModel, bedrock:InvokeModelWithResponseStream]\n"
        "      Resource: !Sub arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0\n"
        "```"
    )
    references = (
        "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonbedrock.html",
        "https://docs.aws.amazon.com/bedrock/latest/userguide/security-iam.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html",
    )

    def check(self, resource, ctx):
        def test(stmt: iam.Statement) -> iam.Outcome:
            verdict = iam.all3(iam.is_allow(stmt), iam.actions_cover(stmt, QUERY))
            return iam.Outcome(verdict, stmt.path_of("actions", "not_actions"),
                               f"allows every Bedrock action through {iam.describe_grant(stmt, [QUERY], cover=True)}",
                               fields=("effect", "actions", "not_actions"))

        yield from iam.check_statements(resource, ctx, test)
