"""IAC501: Bedrock model invocation logging is configured for the region the AI resources run in.

Invocation logging is an account setting per region, not a property of a resource, and it
has a Terraform resource (`aws_bedrock_model_invocation_logging_configuration`) but no
CloudFormation type. The policy is therefore expressed on the resources that send
prompts to models: Bedrock agents, knowledge bases, custom models and provisioned
throughput. For each one it asks whether the scan holds a logging configuration for the
same region:

- the region of a resource and of a configuration is its `region` argument (AWS provider
  v6), else the provider's region, which is not known statically (the loader also drops
  the `provider` meta-argument, so provider aliases are not told apart);
- a configuration covers a resource when both name the same region, or neither names one;
  when only one of them names a region, the answer depends on the provider and is UNKNOWN;
- a Terraform resource with no configuration for its region anywhere in the scan fails;
- a CloudFormation resource passes when the scan holds any logging configuration, and is
  UNKNOWN otherwise: CloudFormation cannot express the setting, so the template alone
  cannot show it (hence `formats = ("terraform",)` for the fixtures).
"""
from __future__ import annotations

from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.model.resource import TERRAFORM
from iaclint.model.unknown import is_unknown

_LOGGING = "aws_bedrock_model_invocation_logging_configuration"
_UNKNOWN_REGION = object()


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


class BedrockInvocationLoggingMissing(Policy):
    id = "IAC501"
    name = "bedrock-invocation-logging-missing"
    title = "Bedrock model invocation logging is configured for the region"
    severity = "medium"
    category = "logging-monitoring"
    resource_types = (
        "aws_bedrockagent_agent",
        "aws_bedrockagent_knowledge_base",
        "aws_bedrock_custom_model",
        "aws_bedrock_provisioned_model_throughput",
    )
    formats = ("terraform",)  # no CloudFormation type for the logging configuration
    checkov_ids = ()

    def check(self, resource, ctx):
        configs = ctx.project.of_type(_LOGGING)
        if resource.fmt != TERRAFORM:
            if configs:
                yield PASS()
            else:
                yield UNKNOWN("Bedrock model invocation logging cannot be configured in CloudFormation, and no "
                              f"`{_LOGGING}` is in the scan: make sure logging is enabled for this account and "
                              "region")
            return
        if not configs:
            yield FAIL(f"Prompts and completions of this Bedrock resource are not logged: no `{_LOGGING}` in the "
                       "scanned configuration")
            return
        region = _region(resource)
        verdicts = [_covers(_region(c), region) for c in configs]
        if True in verdicts:
            yield PASS()
        elif None in verdicts:
            where = "the provider's region" if region is None else f"region `{resource.attributes.get('region')}`"
            yield UNKNOWN(f"Cannot tell statically whether a `{_LOGGING}` covers {where}: the logging "
                          "configurations and this resource name their regions differently")
        else:
            regions = ", ".join(sorted({f"`{_region(c)}`" for c in configs}))
            yield FAIL(f"Prompts and completions of this Bedrock resource are not logged: invocation logging is "
                       f"configured for {regions} only, not for `{region}`", ("region",))
