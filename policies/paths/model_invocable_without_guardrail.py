"""IAC607: a principal outside the stack, or code on a notebook with internet access, can
invoke a Bedrock model with no guardrail on the way (LLM-jacking, denial of wallet).

Origins are any AWS account (`*`), accounts the stack does not live in, and SageMaker
notebooks and Studio domains with direct internet access (whatever runs there can send the
credentials or the model's answers out). The chain follows `invokes` and `assumes` edges
to an `invokes` edge into a Bedrock foundation model (or every model, `*`), a custom or
provisioned model or an inference profile. A guardrail is on the way when the last hop is
an agent with a guardrail, or the IAM statement that grants the call requires
`bedrock:GuardrailIdentifier`. Unauthenticated internet entries are IAC605's. The finding
says whether the stack configures model invocation logging
(`aws_bedrock_model_invocation_logging_configuration`; CloudFormation has no such type, so
a template's finding says to check the account): without it the calls leave no trace (the
setting is per account and region, so another stack may hold it; it never clears the
finding, which is about who can call).
"""
from __future__ import annotations

from iaclint.inventory import query
from iaclint.inventory.model import EGRESS, Unknowable
from iaclint.inventory.rules import EXTERNAL_TYPES, NOTEBOOK_TYPES, PathPolicy


class ModelInvocableWithoutGuardrail(PathPolicy):
    id = "IAC607"
    name = "model-invocable-without-guardrail"
    title = "A foundation model can be invoked from outside the stack or an internet-connected notebook without a guardrail"
    resource_types = EXTERNAL_TYPES + NOTEBOOK_TYPES
    severity = "high"
    lead = "With no guardrail on the way, someone can invoke"

    def chains(self, graph, ctx):
        origins = query.origins_external(graph)
        origins += [a.id for a in graph.of_kind("notebook", "studio") if a.exposure == EGRESS]
        return query.reach(graph, origins, ("invokes",), lambda asset, edge: query.is_bedrock_model(asset))

    def note(self, graph) -> str:
        if graph.of_kind("invocation-logging"):
            return "Model invocation logging is configured in this stack. "
        if any(a.type and "." not in a.name for a in graph):  # a template: logical IDs, no Terraform addresses
            return ("A CloudFormation template cannot configure model invocation logging: make sure the account "
                    "logs these calls. ")
        return "No model invocation logging is configured in this stack: the calls would leave no trace here. "

    def keep(self, graph, chain):
        last = chain.edges[-1]
        if "guardrail-required" in last.notes:
            return False
        caller = graph.get(last.source)
        if caller is not None and caller.kind == "agent":
            guardrail = caller.facts.get("guardrail")
            if isinstance(guardrail, Unknowable):
                return guardrail.reason
            return guardrail is not True
        return True
