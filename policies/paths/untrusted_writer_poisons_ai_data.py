"""IAC606: someone outside the stack can write the data a model learns from or retrieves.

Origins are an unauthenticated internet entry (see IAC605), any AWS account (`*` in a
trust or resource policy) and accounts the stack does not live in (not in
`trusted-accounts`). The chain follows `invokes` and `assumes` edges to a `writes` edge
into training data, a knowledge base's source bucket, model artifacts, a vector store, a
feature store or the model registry: data poisoning, and through retrieved documents,
indirect prompt injection.
"""
from __future__ import annotations

from iaclint.inventory import kinds, query
from iaclint.inventory.rules import ENTRY_TYPES, EXTERNAL_TYPES, PathPolicy


class UntrustedWriterPoisonsAiData(PathPolicy):
    id = "IAC606"
    name = "untrusted-writer-poisons-ai-data"
    title = "Someone outside the stack can write training data, a knowledge base's sources or a vector store"
    resource_types = ENTRY_TYPES + EXTERNAL_TYPES
    severity = "critical"
    lead = "Callers outside the stack can write (poison)"

    def chains(self, graph, ctx):
        origins = [kinds.INTERNET_ID] + query.origins_external(graph)
        return query.reach(graph, origins, ("writes",), lambda asset, edge: query.is_ai_data(asset))
