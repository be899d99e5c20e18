"""IAC608: another AWS account, or any account, reaches a model, an agent or AI data.

Origins are any AWS account (`*` in a trust, bucket, registry, Lambda or REST API resource policy) and
accounts the stack does not live in (not in `trusted-accounts`), unless an
`sts:ExternalId`, `aws:PrincipalOrgID` or `aws:PrincipalOrgPaths` condition guards the
statement. The chain follows `assumes` (a role they may assume) and `invokes` edges to an
`invokes` or `reads` edge into AI compute (an agent, endpoint, knowledge base, runtime,
flow) or AI data. Writes are IAC606's and Bedrock model invocations IAC607's.
"""
from __future__ import annotations

from iaclint.inventory import query
from iaclint.inventory.rules import EXTERNAL_TYPES, PathPolicy


class CrossAccountReachesAi(PathPolicy):
    id = "IAC608"
    name = "cross-account-reaches-ai"
    title = "Another AWS account can reach a model endpoint, an agent or AI data"
    resource_types = EXTERNAL_TYPES
    severity = "high"
    lead = "Principals of another AWS account reach"

    def chains(self, graph, ctx):
        return query.reach(graph, query.origins_external(graph), ("invokes", "reads"), _goal)


def _goal(asset, edge) -> bool:
    if query.is_bedrock_model(asset):
        return False
    if edge.kind == "reads":
        return query.is_ai_data(asset)
    return query.is_ai_compute(asset) or query.is_ai_data(asset)
