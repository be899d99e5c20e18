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

    def check(self, resource, ctx):
        def test(stmt: iam.Statement) -> iam.Outcome:
            verdict = iam.all3(iam.is_allow(stmt), iam.actions_overlap_any(stmt, PRESIGNED),
                               iam.not3(iam.actions_cover(stmt, SERVICE_WIDE)),
                               iam.not3(iam.has_condition(stmt, NETWORK_KEYS)))
            if verdict is False:
                return iam.FINE
            return iam.Outcome(verdict, stmt.path_of("actions", "not_actions"),
                               f"allows creating presigned SageMaker URLs ({iam.describe_grant(stmt, PRESIGNED)}) "
                               "without an `aws:SourceIp`, `aws:SourceVpc` or `aws:SourceVpce` condition",
                               fields=("effect", "actions", "not_actions", "conditions"))

        yield from iam.check_statements(resource, ctx, test)
