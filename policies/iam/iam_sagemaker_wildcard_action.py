"""IAC302: an identity policy statement that allows every SageMaker action."""
from __future__ import annotations

from iaclint.aws import iam
from iaclint.engine.policy import Policy

QUERY = "sagemaker:*"


class IamSagemakerWildcardAction(Policy):
    id = "IAC302"
    name = "iam-sagemaker-wildcard-action"
    title = "IAM policy statement allows every Amazon SageMaker action"
    severity = "high"
    category = "identity-and-access"
    resource_types = iam.IDENTITY_POLICY_TYPES
    checkov_ids = ()
    what = (
        "An `Effect: Allow` statement in an identity policy (inline policies of roles, users and "
        "groups, `aws_iam_policy`, `aws_iam_*_policy`, `data \"aws_iam_policy_document\"`, "
        "CloudFormation `Policies`, `AWS::IAM::Policy`, `AWS::IAM::ManagedPolicy`) whose actions "
        "cover every SageMaker action: `sagemaker:*`, `*`, `*:*`, any glob matching all of "
        "`sagemaker:`, or a `NotAction` that does not exclude SageMaker. One finding per "
        "statement, on its `Action` (or `NotAction`) element."
    )
    why = (
        "`sagemaker:*` covers `CreatePresignedNotebookInstanceUrl` and `CreatePresignedDomainUrl` "
        "(a browser session, with a terminal, on any notebook or Studio user profile and the "
        "execution role behind it), `CreateNotebookInstance`, `CreateTrainingJob` and "
        "`CreateProcessingJob` (run arbitrary code as any role the caller can pass: the classic "
        "`iam:PassRole` privilege escalation), `UpdateNotebookInstanceLifecycleConfig` (persistent "
        "code injection into notebooks), `CreateModel`/`UpdateEndpoint` (swap a production model "
        "for a poisoned one), and `DeleteModelPackage`, `DeleteFeatureGroup` or "
        "`DeleteMonitoringSchedule` (destroy model lineage, features and drift monitoring). "
        "Training data and model artifacts are reachable through every one of them."
    )
    fix_terraform = (
        "Grant the SageMaker actions the workload needs, on its own resources:\n\n"
        "```hcl\n"
        "inline_policy {\n"
        "  name = \"training\"\n"
        "  policy = jsonencode({\n"
        "    Version = \"2012-10-17\"\n"
        "    Statement = [{\n"
        "      Effect   = \"Allow\"\n"
        "      Action   = [\"sagemaker:CreateTrainingJob\", \"sagemaker:DescribeTrainingJob\"]\n"
        "      Resource = \"arn:aws:sagemaker:us-east-1:123456789012:training-job/churn-*\"\n"
        "    }]\n"
        "  })\n"
        "}\n"
        "```"
    )
    fix_cloudformation = (
        "Grant the SageMaker actions the workload needs, on its own resources:\n\n"
        "```yaml\n"
        "Policies:\n"
        "  - PolicyName: training\n"
        "    PolicyDocument:\n"
        "      Version: \"2012-10-17\"\n"
        "      Statement:\n"
        "        - Effect: Allow\n"
        "          Action: [sagemaker:CreateTrainingJob, sagemaker:DescribeTrainingJob]\n"
        "          Resource: !Sub arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:training-job/churn-*\n"
        "```"
    )
    references = (
        "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html",
        "https://docs.aws.amazon.com/sagemaker/latest/dg/security-iam.html",
        "https://docs.aws.amazon.com/sagemaker/latest/dg/security_iam_id-based-policy-examples.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
    )

    def check(self, resource, ctx):
        def test(stmt: iam.Statement) -> iam.Outcome:
            verdict = iam.all3(iam.is_allow(stmt), iam.actions_cover(stmt, QUERY))
            return iam.Outcome(verdict, stmt.path_of("actions", "not_actions"),
                               f"allows every SageMaker action through {iam.describe_grant(stmt, [QUERY], cover=True)}",
                               fields=("effect", "actions", "not_actions"))

        yield from iam.check_statements(resource, ctx, test)
