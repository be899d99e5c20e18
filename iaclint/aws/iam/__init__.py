"""IAM policy documents: where they live, what their statements say, what they grant.

Policies about IAM ask the same questions of very different sources: an inline policy in a
Terraform `jsonencode()`, a heredoc JSON string, a `data "aws_iam_policy_document"` with
`statement` blocks, a CloudFormation `PolicyDocument` object. This package answers them
once, in small modules with one job each (lower ones never import higher ones):

- `logic`: three-valued answers (`True`, `False`, `None` for "cannot be known
  statically") and their connectives `all3` / `any3` / `not3`; a statement with
  `Action = var.actions` must give UNKNOWN, never a guessed FAIL;
- `model`: the normalized `Statement` (effect, actions, not_actions, resources,
  not_resources, principals, not_principals, conditions, each a list) that remembers the
  canonical path of every element, and the `Document` that holds statements and the parts
  that cannot be read;
- `matching`: IAM glob matching (`matches`, `covers`, `overlaps`: `*`, `?`,
  case-insensitive, no regex backtracking) and what an Unknown string may still be;
- `statements`: normalization of IAM JSON and of the data source's blocks into statements;
- `documents`: *where* documents live (`permission_documents`, `trust_documents`,
  `resource_policy_documents`, `granted_documents`) and how references to data sources and
  customer managed policies are followed;
- `questions`: per-statement questions (`actions_cover`, `resource_is_star`,
  `principal_is_public`, `has_condition`, ...) that know `NotAction`, `NotResource`,
  `NotPrincipal` and which condition operators narrow a grant;
- `results`: `check_statements`, turning a per-statement test into policy results;
- `roles`: role-level questions (`trusts_service`, AWS managed policy ARNs);
- `principals`: everything a role, user or group is granted, gathered across inline
  policies, `aws_iam_*_policy` resources, attachments and managed policies (graph);
- `execution_roles`: the role an AI resource runs as, and the AI resources that run as
  a role (by reference or literal role ARN);
- `accounts`: which AWS accounts a principal names, and which account a stack lives in,
  as far as the source says.

Everything a policy needs is re-exported here, so policies keep writing
`from iaclint.aws import iam` and `iam.actions_cover(...)`. Only plain data, `Unknown` and the
resource model are used: no parser, no formatter.
"""
from __future__ import annotations

from iaclint.aws.iam.accounts import (
    OWN_ACCOUNT_CONDITION_KEYS,
    PUBLIC,
    SELF,
    account_of,
    is_own_account_expression,
    own_accounts,
    trusted_accounts,
)
from iaclint.aws.iam.documents import (
    DATA_SOURCE,
    IDENTITY_POLICY_TYPES,
    PERMISSION_DOCUMENTS,
    RESOURCE_POLICY_DOCUMENTS,
    SELF_CHECKED_TYPES,
    TRUST_DOCUMENTS,
    document_from_value,
    granted_documents,
    permission_documents,
    resource_policy_documents,
    trust_documents,
)
from iaclint.aws.iam.logic import Tri, all3, any3, not3
from iaclint.aws.iam.matching import (
    covers,
    is_resource_attribute,
    matches,
    may_be_star,
    overlaps,
    unknown_covers,
    unknown_overlaps,
    value_glob,
)
from iaclint.aws.iam.model import Condition, Document, Principal, Statement
from iaclint.aws.iam.execution_roles import (
    AI_TYPE_PREFIXES,
    ROLE_ATTRIBUTES,
    execution_role_users,
    role_of_reference,
)
from iaclint.aws.iam.principals import (
    PRINCIPAL_TYPES,
    Grant,
    PrincipalPolicies,
    ATTACHMENTS,
    named_principals,
    principal_policies,
)
from iaclint.aws.iam.questions import (
    actions_cover,
    actions_overlap,
    actions_overlap_any,
    condition_allows,
    describe_grant,
    first_unknown,
    has_condition,
    has_principals,
    is_allow,
    is_deny,
    is_star,
    open_to_everyone,
    principal_accounts,
    principal_is_public,
    principal_other_accounts,
    resource_is_every_object,
    resource_is_every_role,
    resource_is_star,
    resources_cover,
    service_principals,
)
from iaclint.aws.iam.results import (
    FINE,
    PUBLIC_FIELDS,
    Outcome,
    check_public_resource_policy,
    check_statements,
    document_name,
    statement_name,
)
from iaclint.aws.iam.roles import (
    AI_FULL_ACCESS_POLICIES,
    ML_SERVICE_PRINCIPALS,
    attached_aws_policies,
    aws_managed_policy,
    listed,
    managed_policy_name,
    may_name_service,
    resolve_policy_arn,
    trusts_service,
)
from iaclint.aws.iam.statements import JSON_FIELDS, unknown_reason

# The names the single-module version had for package-internal helpers; kept so that code
# written against it keeps working.
_unknown_reason = unknown_reason
_is_resource_attribute = is_resource_attribute
_unknown_overlaps = unknown_overlaps
_is_star = is_star
_JSON_FIELDS = JSON_FIELDS

__all__ = [
    "OWN_ACCOUNT_CONDITION_KEYS", "PUBLIC", "SELF", "account_of", "is_own_account_expression",
    "own_accounts", "trusted_accounts",
    "DATA_SOURCE", "IDENTITY_POLICY_TYPES", "PERMISSION_DOCUMENTS", "RESOURCE_POLICY_DOCUMENTS",
    "SELF_CHECKED_TYPES", "TRUST_DOCUMENTS", "document_from_value", "granted_documents",
    "permission_documents", "resource_policy_documents", "trust_documents",
    "Tri", "all3", "any3", "not3",
    "covers", "is_resource_attribute", "matches", "may_be_star", "overlaps", "unknown_covers", "unknown_overlaps",
    "value_glob",
    "Condition", "Document", "Principal", "Statement",
    "AI_TYPE_PREFIXES", "PRINCIPAL_TYPES", "ROLE_ATTRIBUTES", "Grant", "PrincipalPolicies",
    "ATTACHMENTS", "execution_role_users", "named_principals", "principal_policies", "role_of_reference",
    "actions_cover", "actions_overlap", "actions_overlap_any", "condition_allows", "describe_grant",
    "first_unknown", "has_condition", "has_principals", "is_allow", "is_deny", "is_star", "open_to_everyone",
    "principal_accounts", "principal_is_public", "principal_other_accounts", "resource_is_every_object",
    "resource_is_every_role", "resource_is_star",
    "resources_cover", "service_principals",
    "FINE", "PUBLIC_FIELDS", "Outcome", "check_public_resource_policy", "check_statements", "document_name", "statement_name",
    "AI_FULL_ACCESS_POLICIES", "ML_SERVICE_PRINCIPALS",
    "attached_aws_policies", "aws_managed_policy", "listed", "managed_policy_name", "may_name_service", "resolve_policy_arn", "trusts_service",
    "JSON_FIELDS", "unknown_reason",
]
