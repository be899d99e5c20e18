"""Normalization: front-end raw resources into the canonical model (DESIGN section 2).

`translate` renames CloudFormation properties into the Terraform vocabulary with the
per-service tables in `tables` (data, checked against cfn-lint's schemas in the tests)
and fills AWS defaults. It imports only `model`.
"""
from iaclint.normalize.translate import normalize

__all__ = ["normalize"]
