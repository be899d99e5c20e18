"""IAC309: an ML execution role carries a broad AWS managed policy."""
from __future__ import annotations

from iaclint.aws import iam
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.model.unknown import is_unknown

BROAD_POLICIES = (*iam.AI_FULL_ACCESS_POLICIES, "AdministratorAccess")


class IamMlRoleFullAccessManagedPolicy(Policy):
    id = "IAC309"
    name = "iam-ml-role-full-access-managed-policy"
    title = "ML execution role has a full-access AWS managed policy attached"
    severity = "high"
    category = "identity-and-access"
    resource_types = ("aws_iam_role", "aws_iam_role_policy_attachment", "aws_iam_policy_attachment")
    checkov_ids = ("CKV2_AWS_68",)

    def check(self, resource, ctx):
        if resource.type == "aws_iam_role":
            attribute, roles = "managed_policy_arns", [(resource, ())]
        else:
            attribute = "policy_arn"
            roles = _roles(resource, ctx, "role" if resource.type == "aws_iam_role_policy_attachment" else "roles")
        found = False
        for path, arn, resolved, broad in iam.attached_aws_policies(resource, attribute, BROAD_POLICIES, ctx):
            for role, role_path in roles:
                is_ml = iam.trusts_service(role, iam.ML_SERVICE_PRINCIPALS, ctx) if role is not None else None
                verdict = iam.all3(broad, is_ml)
                if verdict is False:
                    continue
                found = True
                name = iam.managed_policy_name(resolved)
                who = f"`{role.address}`" if role is not None else "a role outside the scanned files"
                if verdict is True:
                    yield FAIL(f"ML execution role {who} (assumable by SageMaker, Bedrock or AgentCore) has the AWS "
                               f"managed policy `{name}` attached through `{resource.native_name(path)}`", path)
                else:
                    why = _why_unknown(arn, broad, role)
                    yield UNKNOWN(f"Cannot tell statically whether an ML execution role has a full-access "
                                  f"managed policy attached through `{resource.native_name(path)}`: {why}",
                                  role_path if broad is True and role_path else path)
        if not found:
            yield PASS()


def _roles(resource, ctx, attribute: str) -> list:
    """The roles an attachment names, resolved through the reference graph, else by a
    literal role name; None stands for a role that cannot be found."""
    value = resource.attributes.get(attribute)
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    out = []
    for i, item in enumerate(values):
        path = (attribute, i) if isinstance(value, list) else (attribute,)
        targets = [t for _, t in ctx.project.outgoing(resource, path)] if ctx is not None else []
        roles = [t for t in targets if t is not None and t.type == "aws_iam_role"]
        if not roles and isinstance(item, str) and ctx is not None:
            roles = [r for r in ctx.project.unit_resources(resource.unit) if r.type == "aws_iam_role"
                     and r.attributes.get("name") == item]
        out.extend((r, path) for r in roles) if roles else out.append((None, path))
    return out


def _why_unknown(arn, broad, role) -> str:
    if broad is None and is_unknown(arn):
        return f"the policy ARN `{arn.expr}` cannot be known statically ({arn.reason})"
    if role is None:
        return "the role is not in the scanned files"
    return (f"whether SageMaker, Bedrock or AgentCore may assume `{role.address}` cannot be known statically (a principal "
            "or a statement of its trust policy is not known)")
