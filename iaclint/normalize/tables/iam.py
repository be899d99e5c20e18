"""IAM: CloudFormation types, renames. Policy documents are opaque (never renamed)."""

_INLINE = {
    "Policies": "inline_policy",
    "Policies.PolicyName": "name",
    "Policies.PolicyDocument": "policy",
}

CFN_TYPES = {
    "AWS::IAM::Role": {
        "type": "aws_iam_role",
        "renames": {**_INLINE, "AssumeRolePolicyDocument": "assume_role_policy", "RoleName": "name"},
        "opaque": ["Policies.PolicyDocument", "AssumeRolePolicyDocument"],
    },
    "AWS::IAM::User": {
        "type": "aws_iam_user",
        "renames": {**_INLINE, "UserName": "name"},
        "opaque": ["Policies.PolicyDocument"],
    },
    "AWS::IAM::Group": {
        "type": "aws_iam_group",
        "renames": {**_INLINE, "GroupName": "name"},
        "opaque": ["Policies.PolicyDocument"],
    },
    "AWS::IAM::Policy": {
        "type": "aws_iam_policy",
        "renames": {"PolicyDocument": "policy", "PolicyName": "name"},
        "opaque": ["PolicyDocument"],
    },
    "AWS::IAM::ManagedPolicy": {
        "type": "aws_iam_policy",
        "renames": {"PolicyDocument": "policy", "ManagedPolicyName": "name"},
        "opaque": ["PolicyDocument"],
    },
    "AWS::IAM::RolePolicy": {
        "type": "aws_iam_role_policy",
        "renames": {"PolicyDocument": "policy", "PolicyName": "name", "RoleName": "role"},
        "opaque": ["PolicyDocument"],
    },
    "AWS::IAM::UserPolicy": {
        "type": "aws_iam_user_policy",
        "renames": {"PolicyDocument": "policy", "PolicyName": "name", "UserName": "user"},
        "opaque": ["PolicyDocument"],
    },
    # IAM Identity Center: the provider attaches managed policies to a permission set with
    # separate `aws_ssoadmin_managed_policy_attachment` resources; CloudFormation lists them
    # on the permission set (`ManagedPolicies`, kept under its converted name).
    "AWS::SSO::PermissionSet": {
        "type": "aws_ssoadmin_permission_set",
        "opaque": ["InlinePolicy"],
    },
    "AWS::IAM::GroupPolicy": {
        "type": "aws_iam_group_policy",
        "renames": {"PolicyDocument": "policy", "PolicyName": "name", "GroupName": "group"},
        "opaque": ["PolicyDocument"],
    },
}

DEFAULTS: dict = {}
