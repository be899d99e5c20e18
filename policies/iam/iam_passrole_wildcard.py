"""IAC304: iam:PassRole on every role, to any service."""
from __future__ import annotations

from iaclint.aws import iam
from iaclint.engine.policy import Policy

PASS_ROLE = "iam:PassRole"
NARROWING_KEYS = ("iam:PassedToService",)


class IamPassroleWildcard(Policy):
    id = "IAC304"
    name = "iam-passrole-wildcard"
    title = "IAM policy allows iam:PassRole on every role without an iam:PassedToService condition"
    severity = "critical"
    category = "identity-and-access"
    resource_types = iam.IDENTITY_POLICY_TYPES
    checkov_ids = ()
    what = (
        "An `Effect: Allow` statement in an identity policy that grants `iam:PassRole` (directly, "
        "through `iam:*`, `iam:Pass*`, `*`, or a `NotAction` that leaves it in) with "
        "`Resource: \"*\"` or a `NotResource`, and no `iam:PassedToService` condition. One "
        "finding per statement, on its `Resource` element."
    )
    why = (
        "Passing a role is how SageMaker and Bedrock jobs get their permissions: whoever can "
        "call `sagemaker:CreateNotebookInstance`, `CreateTrainingJob`, `CreateProcessingJob` or "
        "`bedrock:CreateAgent`/`CreateModelCustomizationJob` and pass *any* role can run their "
        "own code or agent as the most privileged role in the account, including an "
        "administrator role. This is the best-known privilege-escalation path in ML platforms: "
        "a data scientist's notebook role, or an agent role reached through prompt injection, "
        "becomes account takeover, and every training dataset and model artifact with it."
    )
    fix_terraform = (
        "Pass only the execution role, and only to the service that needs it:\n\n"
        "```hcl\n"
        "statement {\n"
        "  actions   = [\"iam:PassRole\"]\n"
        "  resources = [aws_iam_role.sagemaker_execution.arn]\n"
        "  condition {\n"
        "    test     = \"StringEquals\"\n"
        "    variable = \"iam:PassedToService\"\n"
        "    values   = [\"sagemaker.amazonaws.com\"]\n"
        "  }\n"
        "}\n"
        "```"
    )
    fix_cloudformation = (
        "Pass only the execution role, and only to the service that needs it:\n\n"
        "```yaml\n"
        "- Effect: Allow\n"
        "  Action: iam:PassRole\n"
        "  Resource: !GetAtt SageMakerExecutionRole.Arn\n"
        "  Condition:\n"
        "    StringEquals:\n"
        "      iam:PassedToService: sagemaker.amazonaws.com\n"
        "```"
    )
    references = (
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PassedToService",
        "https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html#sagemaker-roles-pass-role",
        "https://docs.aws.amazon.com/bedrock/latest/userguide/security_iam_id-based-policy-examples-agent.html",
    )

    def check(self, resource, ctx):
        def test(stmt: iam.Statement) -> iam.Outcome:
            verdict = iam.all3(iam.is_allow(stmt), iam.actions_overlap(stmt, PASS_ROLE),
                               iam.resource_is_star(stmt), iam.not3(iam.has_condition(stmt, NARROWING_KEYS)))
            grant = iam.describe_grant(stmt, [PASS_ROLE])
            via = "" if grant.lower() == f"`{PASS_ROLE.lower()}`" else f" (through {grant})"
            return iam.Outcome(verdict, stmt.path_of("resources", "not_resources"),
                               f"allows `iam:PassRole`{via} on every role without an `iam:PassedToService` "
                               "condition",
                               fields=("effect", "resources", "not_resources", "actions", "not_actions", "conditions"))

        yield from iam.check_statements(resource, ctx, test)
