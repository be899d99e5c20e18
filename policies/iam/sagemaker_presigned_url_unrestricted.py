"""IAC306: SageMaker presigned notebook/Studio URLs can be created from any network."""
from __future__ import annotations

from iaclint.aws import iam
from iaclint.engine.policy import Policy

PRESIGNED = ("sagemaker:CreatePresignedNotebookInstanceUrl", "sagemaker:CreatePresignedDomainUrl")
NETWORK_KEYS = ("aws:SourceIp", "aws:SourceVpc", "aws:SourceVpce")
SERVICE_WIDE = "sagemaker:*"


class SagemakerPresignedUrlUnrestricted(Policy):
    id = "IAC306"
    name = "sagemaker-presigned-url-unrestricted"
    title = "SageMaker presigned notebook or Studio URLs can be created from any network"
    severity = "medium"
    category = "identity-and-access"
    resource_types = iam.IDENTITY_POLICY_TYPES
    checkov_ids = ()
    what = (
        "An `Effect: Allow` statement in an identity policy that grants "
        "`sagemaker:CreatePresignedNotebookInstanceUrl` or `sagemaker:CreatePresignedDomainUrl` "
        "(by name or a narrower glob such as `sagemaker:CreatePresigned*`) without an "
        "`aws:SourceIp`, `aws:SourceVpc` or `aws:SourceVpce` condition. Statements that grant "
        "every SageMaker action (`sagemaker:*`, `*`) are reported by IAC302 instead, so the same "
        "statement is not reported twice. One finding per statement, on its `Action` element."
    )
    why = (
        "A presigned URL is a bearer token for a live notebook or Studio session: a browser "
        "with a Jupyter terminal running as the notebook's execution role, with the training "
        "data, model artifacts and credentials it can reach. Without a network condition, "
        "anyone holding the caller's credentials (a leaked access key, a phished SSO session) "
        "can mint one from anywhere on the internet and open a shell inside the ML "
        "environment. AWS recommends restricting these actions to the corporate IP range or "
        "the VPC endpoint that Studio users come through."
    )
    fix_terraform = (
        "Allow the action only from your network or VPC endpoint:\n\n"
        "```hcl\n"
        "statement {\n"
        "  actions   = [\"sagemaker:CreatePresignedDomainUrl\"]\n"
        "  resources = [\"arn:aws:sagemaker:us-east-1:123456789012:user-profile/${aws_sagemaker_domain.studio.id}/*\"]\n"
        "  condition {\n"
        "    test     = \"StringEquals\"\n"
        "    variable = \"aws:SourceVpce\"\n"
        "    values   = [aws_vpc_endpoint.sagemaker_api.id]\n"
        "  }\n"
        "}\n"
        "```"
    )
    fix_cloudformation = (
        "Allow the action only from your network or VPC endpoint:\n\n"
        "```yaml\n"
        "- Effect: Allow\n"
        "  Action: sagemaker:CreatePresignedDomainUrl\n"
        "  Resource: !Sub arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:user-profile/${Studio}/*\n"
        "  Condition:\n"
        "    IpAddress:\n"
        "      aws:SourceIp: 203.0.113.0/24\n"
        "```"
    )
    references = (
        "https://docs.aws.amazon.com/sagemaker/latest/dg/studio-interface-endpoint.html",
        "https://docs.aws.amazon.com/sagemaker/latest/dg/notebook-interface-endpoint.html",
        "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreatePresignedDomainUrl.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceip",
    )

    def check(self, resource, ctx):
        def test(stmt: iam.Statement) -> iam.Outcome:
            verdict = iam.all3(iam.is_allow(stmt), iam.actions_overlap_any(stmt, PRESIGNED),
                               iam.not3(iam.actions_cover(stmt, SERVICE_WIDE)),
                               iam.not3(iam.has_condition(stmt, NETWORK_KEYS)))
            return iam.Outcome(verdict, stmt.path_of("actions", "not_actions"),
                               f"allows creating presigned SageMaker URLs ({iam.describe_grant(stmt, PRESIGNED)}) "
                               "without an `aws:SourceIp`, `aws:SourceVpc` or `aws:SourceVpce` condition",
                               fields=("effect", "actions", "not_actions", "conditions"))

        yield from iam.check_statements(resource, ctx, test)
