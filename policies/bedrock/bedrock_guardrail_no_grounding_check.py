"""IAC417: a Bedrock guardrail that an agent uses checks that answers are grounded.

Only guardrails a Bedrock agent of the scanned code refers to (its `guardrail_configuration`,
`GuardrailConfiguration`) are judged: the contextual grounding check needs a reference source
(retrieved passages, the conversation), which an agent with knowledge bases and action groups
has, while the same check on a guardrail used for a chatbot without sources would only
misfire. A guardrail no agent uses passes.

It must have a `GROUNDING` filter in `contextual_grounding_policy_config.filters_config` whose
`threshold` is at least 0.5 (`MIN_THRESHOLD`: lower scores let most ungrounded answers
through). CloudFormation and awscc also write `Enabled` and `Action`: an explicit `false` or
`NONE` makes the filter inert (it scores, or does not run, and blocks nothing); the Terraform
`aws` provider has neither.
"""
from __future__ import annotations

from iaclint.aws import guardrails
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.model.unknown import is_unknown

AGENT = "aws_bedrockagent_agent"
_BLOCK = ("contextual_grounding_policy_config",)
MIN_THRESHOLD = 0.5
_SHOWN = 2


def _agents(resource, ctx) -> list:
    """Addresses of the agents whose guardrail configuration refers to `resource`."""
    return sorted({r.address for r, ref in ctx.project.incoming(resource)
                   if r.type == AGENT and tuple(ref.path[:1]) == ("guardrail_configuration",)})


def _is_false(value) -> bool:
    return value is False or (isinstance(value, str) and value.strip().lower() == "false")


class BedrockGuardrailNoGroundingCheck(Policy):
    id = "IAC417"
    name = "bedrock-guardrail-no-grounding-check"
    title = "Bedrock guardrail used by an agent checks that answers are grounded in their sources"
    severity = "low"
    category = "model-safeguards"
    resource_types = ("aws_bedrock_guardrail",)
    checkov_ids = ()

    def check(self, resource, ctx):
        agents = _agents(resource, ctx)
        if not agents:
            yield PASS()
            return
        more = f" and {len(agents) - _SHOWN} more" if len(agents) > _SHOWN else ""
        used = "Bedrock guardrail of " + ", ".join(f"`{a}`" for a in agents[:_SHOWN]) + more
        found, missing = guardrails.filters_of_type(resource, _BLOCK, "GROUNDING")
        if missing is not None:
            if missing.verdict:
                yield FAIL(f"{used} does not check that answers are grounded: {missing.detail}", missing.path)
            else:
                yield UNKNOWN(f"Whether the {used[0].lower() + used[1:]} has a grounding filter depends on "
                              f"{missing.detail}", missing.path)
            return
        for fpath, item in found:
            yield self._filter(resource, used, fpath, item)

    def _filter(self, resource, used: str, fpath: tuple, item: dict):
        for key, inert, why in (("enabled", _is_false, "never runs"),
                                ("action", lambda v: isinstance(v, str) and v.strip().upper() == "NONE",
                                 "scores answers without blocking any")):
            value = item.get(key)
            where = fpath + (key,)
            if is_unknown(value):
                return UNKNOWN(f"{used}: grounding filter `{resource.native_name(where)}` is `{value.expr}`, "
                               f"unknown until deployment ({value.reason})", where)
            if inert(value):
                shown = str(value).lower() if isinstance(value, bool) else value
                return FAIL(f"{used} has an inert grounding filter: `{resource.native_name(where)}` is `{shown}`, so "
                            f"it {why}", where)
        where = fpath + ("threshold",)
        threshold = item.get("threshold")
        if threshold is None:
            return FAIL(f"{used} has a grounding filter without `{resource.native_name(where)}`", fpath)
        if is_unknown(threshold):
            return UNKNOWN(f"{used}: grounding threshold `{threshold.expr}` is unknown until deployment "
                           f"({threshold.reason})", where)
        try:
            number = float(threshold)
        except (TypeError, ValueError):
            return UNKNOWN(f"{used}: grounding threshold `{threshold}` is not a number", where)
        if number < MIN_THRESHOLD:
            return FAIL(f"{used} lets most ungrounded answers through: `{resource.native_name(where)}` is "
                        f"`{threshold}` (use {MIN_THRESHOLD} or more)", where)
        return PASS(path=where)
