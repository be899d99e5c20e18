"""IAC318: no user, group, role or IAM Identity Center permission set gets an AWS managed
full-access policy for an AI service.

`AmazonBedrockFullAccess`, `AmazonSageMakerFullAccess` and `BedrockAgentCoreFullAccess`
grant every action of their service on every resource (models, guardrails, logging,
agents, notebooks, endpoints): on a human or a workload that needs a few of them, they are
the widest path to prompt data, model theft and guardrail removal. Any partition counts
(`arn:aws:`, `arn:aws-cn:`, `arn:aws-us-gov:`, `arn:${partition}:`); an ARN that cannot be
known is UNKNOWN.

Where the policy is attached: `managed_policy_arns` of `aws_iam_role` (deprecated in the
provider), and of roles, users and groups in CloudFormation and awscc; the
`aws_iam_{role,user,group}_policy_attachment(s_exclusive)` resources and
`aws_iam_policy_attachment`; `aws_ssoadmin_managed_policy_attachment` and a CloudFormation
or awscc permission set's `ManagedPolicies`. An ML execution role (trusted by SageMaker,
Bedrock or AgentCore: `iam.ML_SERVICE_PRINCIPALS`) with any of these policies is IAC309's
finding, not repeated here.
"""
from __future__ import annotations

from iaclint.aws import iam
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.model.unknown import is_unknown

FULL_ACCESS = iam.AI_FULL_ACCESS_POLICIES

# Resources that list managed policy ARNs themselves: type -> (ARN attribute, kind).
HOLDERS = {
    "aws_iam_role": ("managed_policy_arns", "role"),
    "aws_iam_user": ("managed_policy_arns", "user"),
    "aws_iam_group": ("managed_policy_arns", "group"),
    "aws_ssoadmin_permission_set": ("managed_policies", "permission set"),
}
SSO_ATTACHMENT = "aws_ssoadmin_managed_policy_attachment"
_KINDS = {"aws_iam_role": "role", "aws_iam_user": "user", "aws_iam_group": "group"}


class IamAiFullAccessManagedPolicy(Policy):
    id = "IAC318"
    name = "iam-ai-full-access-managed-policy"
    title = "No principal gets an AWS managed full-access policy for an AI service"
    severity = "high"
    category = "identity-and-access"
    resource_types = (*HOLDERS, *iam.ATTACHMENTS, SSO_ATTACHMENT)
    checkov_ids = ()

    def check(self, resource, ctx):
        if resource.type in HOLDERS:
            attribute, kind = HOLDERS[resource.type]
            principals = [((), resource, kind)]
        elif resource.type == SSO_ATTACHMENT:
            attribute, principals = "managed_policy_arn", [(("permission_set_arn",), None, "permission set")]
        else:
            attribute = iam.ATTACHMENTS[resource.type][1]
            principals = [(path, p, _KINDS[kind]) for path, p, kind in iam.named_principals(resource, ctx)]
        found = False
        for path, arn, resolved, broad in iam.attached_aws_policies(resource, attribute, FULL_ACCESS, ctx):
            where = resource.native_name(path)
            if broad is None:
                found = True
                reason = getattr(arn, "reason", "") if is_unknown(arn) else ""
                yield UNKNOWN(f"Cannot tell statically whether `{where}` is an AI full-access managed policy"
                              + (f" ({reason})" if reason else ""), path)
                continue
            policy = iam.managed_policy_name(resolved)
            for _, principal, kind in principals or [((), None, "principal")]:
                if self._is_iac309s(principal, policy, ctx):
                    continue
                found = True
                if principal is resource:
                    who = f"this {kind}"
                elif principal is not None:
                    who = f"{kind} `{principal.address}`"
                else:
                    who = f"the {kind} it names"
                yield FAIL(f"The AWS managed policy `{policy}` (every action of the service on every resource) is "
                           f"attached to {who} through `{where}`", path)
        if not found:
            yield PASS()

    @staticmethod
    def _is_iac309s(principal, policy: str, ctx) -> bool:
        """An ML execution role with an AI full-access policy: IAC309 reports it."""
        if principal is None or principal.type != "aws_iam_role" or policy not in FULL_ACCESS:
            return False
        return iam.trusts_service(principal, iam.ML_SERVICE_PRINCIPALS, ctx) is True
