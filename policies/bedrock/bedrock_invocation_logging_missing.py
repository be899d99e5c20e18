"""IAC501: Bedrock model invocation logging is configured for the region the AI resources run in.

Invocation logging is an account setting per region, not a property of a resource, and it
has a Terraform resource (`aws_bedrock_model_invocation_logging_configuration`) but no
CloudFormation type (and no awscc one). The policy is therefore expressed on the resources
that send prompts to models: Bedrock agents, knowledge bases, custom models and provisioned
throughput, written with the `aws` or `awscc` provider or in a template. For each one it
asks whether the scan holds a logging configuration for the same region:

- the region of a resource and of a configuration is its `region` argument (AWS provider
  v6), else the provider's region, which is not known statically (the loader also drops
  the `provider` meta-argument, so provider aliases are not told apart); awscc resources
  have no `region` argument;
- a configuration covers a resource when both name the same region, or neither names one;
  when only one of them names a region, the answer depends on the provider and is UNKNOWN;
- a Terraform resource with no configuration for its region anywhere in the scan fails;
- a CloudFormation resource passes when the scan holds any logging configuration, and is
  UNKNOWN otherwise: CloudFormation cannot express the setting, so the template alone
  cannot show it (hence `formats` leaves CloudFormation out of the fixtures).

**Once per root.** The setting belongs to the account and region, so one missing setting is
one finding, not one per agent: the resources of a unit (a Terraform root with its modules,
a template) that share a region and a verdict are judged together, on the first of them
(by file and line), whose message names the others; the others PASS, with a message that
says where they were judged.
"""
from __future__ import annotations

from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.model.resource import TERRAFORM
from iaclint.model.unknown import is_unknown

_LOGGING = "aws_bedrock_model_invocation_logging_configuration"
_UNKNOWN_REGION = object()
_TYPES = (
    "aws_bedrockagent_agent",
    "aws_bedrockagent_knowledge_base",
    "aws_bedrock_custom_model",
    "aws_bedrock_provisioned_model_throughput",
)
_SHOWN = 3  # other resources named in a grouped message


def _region(resource):
    """The resource's explicit region (lower case), None for the provider's, or _UNKNOWN_REGION."""
    value = resource.attributes.get("region")
    if value is None:
        return None
    if is_unknown(value) or not isinstance(value, str):
        return _UNKNOWN_REGION
    return value.strip().lower()


def _covers(config_region, region):
    """Does a configuration in `config_region` cover a resource in `region`? (three-valued)"""
    if config_region is _UNKNOWN_REGION or region is _UNKNOWN_REGION:
        return None
    if config_region == region:
        return True
    if config_region is None or region is None:
        return None  # one of them is the provider's region, which may be the other
    return False


def _verdict(resource, configs) -> str:
    """"pass", "fail", "unknown" (Terraform) or "unknown-cfn" for one resource."""
    if resource.fmt != TERRAFORM:
        return "pass" if configs else "unknown-cfn"
    if not configs:
        return "fail"
    verdicts = [_covers(_region(c), _region(resource)) for c in configs]
    if True in verdicts:
        return "pass"
    return "unknown" if None in verdicts else "fail"


def _group_key(resource, verdict):
    region = _region(resource)
    return verdict, "?" if region is _UNKNOWN_REGION else region


_GROUPS = object()  # what the groups of a unit are remembered under (with the unit's name)


def _groups(resources, configs) -> dict:
    """The unit's resources by (verdict, region), each group by file and line: worked out
    once per unit, not once per resource (a module of thousands of agents)."""
    out: dict = {}
    for r in resources:
        out.setdefault(_group_key(r, _verdict(r, configs)), []).append(r)
    for group in out.values():
        group.sort(key=lambda r: (r.file, r.span.line, r.address))
    return out


class BedrockInvocationLoggingMissing(Policy):
    id = "IAC501"
    name = "bedrock-invocation-logging-missing"
    title = "Bedrock model invocation logging is configured for the region"
    severity = "medium"
    category = "logging-monitoring"
    resource_types = _TYPES
    formats = ("terraform", "awscc")  # no CloudFormation type for the logging configuration
    checkov_ids = ()

    def check(self, resource, ctx):
        configs = ctx.project.of_type(_LOGGING)
        verdict = _verdict(resource, configs)
        if verdict == "pass":
            yield PASS()
            return
        groups = ctx.remembered(f"{self.id} groups {resource.unit}", _GROUPS,
                                lambda: _groups(ctx.project.unit_resources(resource.unit, *_TYPES), configs))
        group = groups.get(_group_key(resource, verdict), [])
        first = group[0] if group else resource
        if first is not resource:
            yield PASS(f"judged once for the account and region, on `{first.address}`")
            return
        others = [r.address for r in group[1:]]
        also = ""
        if others:
            shown = ", ".join(f"`{a}`" for a in others[:_SHOWN])
            more = f" and {len(others) - _SHOWN} more" if len(others) > _SHOWN else ""
            also = f" (also {shown}{more}: the setting is per account and region)"
        if verdict == "unknown-cfn":
            yield UNKNOWN("Bedrock model invocation logging cannot be configured in CloudFormation, and no "
                          f"`{_LOGGING}` is in the scan: make sure logging is enabled for this account and "
                          f"region{also}")
        elif verdict == "unknown":
            region = _region(resource)
            where = "the provider's region" if region is None else f"region `{resource.attributes.get('region')}`"
            yield UNKNOWN(f"Cannot tell statically whether a `{_LOGGING}` covers {where}: the logging "
                          f"configurations and this resource name their regions differently{also}")
        elif not configs:
            yield FAIL(f"Prompts and completions of this Bedrock resource are not logged: no `{_LOGGING}` in the "
                       f"scanned configuration{also}")
        else:
            regions = ", ".join(sorted({f"`{_region(c)}`" for c in configs}))
            yield FAIL(f"Prompts and completions of this Bedrock resource are not logged: invocation logging is "
                       f"configured for {regions} only, not for `{_region(resource)}`{also}", ("region",))
