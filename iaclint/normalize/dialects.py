"""One canonical resource type, three ways to write it: the Terraform `aws` provider's type
(the canonical name itself), the CloudFormation types the translation tables map to it, and
their `awscc` provider twins. For documentation, coverage, fixtures and the inventory; the
scan path never needs the reverse direction.
"""
from __future__ import annotations

from functools import lru_cache

from iaclint.normalize import awscc
from iaclint.normalize.tables import CFN_TYPES

AWS, AWSCC, CLOUDFORMATION = "aws", "awscc", "cloudformation"


@lru_cache(maxsize=1)
def _by_canonical() -> dict:
    out: dict = {}
    for cfn, table in CFN_TYPES.items():
        out.setdefault(table["type"], []).append(cfn)
    return {k: sorted(v) for k, v in out.items()}


def cloudformation_types(canonical: str) -> list:
    """The CloudFormation types that translate to `canonical` (none for Terraform-only types)."""
    return list(_by_canonical().get(canonical, ()))


def awscc_types(canonical: str) -> list:
    """The awscc types of `canonical`'s CloudFormation types, where the provider generates one."""
    return awscc.awscc_twins(cloudformation_types(canonical))


def canonical_of_awscc(awscc_type: str) -> str | None:
    """The canonical type an awscc resource type normalizes to; None when it is not one."""
    from iaclint.normalize.translate import canonical_type

    cfn = awscc.cfn_type_of(awscc_type)
    return canonical_type(cfn) if cfn else None


def spellings(canonical: str) -> dict:
    """{dialect: [native types]} of one canonical type, for pages that list all three."""
    return {AWS: [canonical], AWSCC: awscc_types(canonical), CLOUDFORMATION: cloudformation_types(canonical)}
