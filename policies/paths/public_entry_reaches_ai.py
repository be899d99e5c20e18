"""IAC605: an entry that anyone on the internet can call, without authentication, reaches
an AI asset.

Entries are a Lambda function URL with `authorization_type = NONE`, an API Gateway REST
method with `authorization = NONE` and no API key (or an operation of the API's OpenAPI
`body` with no security requirement), an HTTP API route without an
authorizer (or a quick-create API), a SAM `Api`/`HttpApi` event or `FunctionUrlConfig`
without an authorizer, and an AgentCore gateway with `authorizer_type = NONE`. A REST integration that is an AWS
service proxy to the SageMaker or Bedrock runtime reaches the endpoint or model itself. From the
function or tool behind the entry, the chain follows `invokes` and `assumes` edges (the
function's role, what it may invoke) to a model, endpoint, agent, knowledge base, runtime
or flow it invokes, or AI data it reads (training data, knowledge-base sources, model
artifacts, a vector or feature store). Writes are IAC606's.
"""
from __future__ import annotations

from iaclint.inventory import kinds, query
from iaclint.inventory.rules import ENTRY_TYPES, PathPolicy


class PublicEntryReachesAi(PathPolicy):
    id = "IAC605"
    name = "public-entry-reaches-ai"
    title = "An unauthenticated internet entry reaches a model, an agent or AI data"
    resource_types = ENTRY_TYPES
    severity = "critical"
    lead = "Anyone on the internet, without credentials, reaches"

    def chains(self, graph, ctx):
        return query.reach(graph, [kinds.INTERNET_ID], ("invokes", "reads"), _goal)


def _goal(asset, edge) -> bool:
    if edge.kind == "reads":
        return query.is_ai_data(asset)
    return query.is_ai_compute(asset) or query.is_ai_data(asset)
