"""IAC208: GPU/accelerator hosts require IMDSv2 session tokens.

`metadata_options.http_tokens` (`MetadataOptions.HttpTokens`, CloudFormation launch templates
`LaunchTemplateData.MetadataOptions.HttpTokens`) must be `required`, unless the metadata
endpoint is disabled (`http_endpoint = "disabled"`). Unset, EC2 uses `optional` unless the AMI
is registered with `ImdsSupport = v2.0` or an account-level default requires tokens: the
policy reports it (saying so), and gives UNKNOWN when the scan declares
`aws_ec2_instance_metadata_defaults`. An instance without `metadata_options` that is launched
from a launch template is judged by the template.
"""
from __future__ import annotations

from iaclint.aws.gpu_hosts import accelerated_scope, launch_template_of
from iaclint.aws.mlscope import resources_of_type
from iaclint.aws.scoped import scoped_verdict
from iaclint.aws.verdicts import Check, blocks, combine
from iaclint.engine.policy import Policy
from iaclint.model.unknown import is_unknown

_UNSET = ("EC2 then uses `optional` (IMDSv1 allowed) unless the AMI is registered with `ImdsSupport = v2.0` or an "
          "account-level default requires tokens")


def _text(value):
    return value.strip().lower() if isinstance(value, str) else value


def _options_check(resource, prefix: str = "") -> Check | None:
    """The metadata options of `resource`; None when it writes none."""
    options = resource.attributes.get("metadata_options")
    if options is None:
        return None
    checks = []
    for path, block in blocks(options, ("metadata_options",)):
        if is_unknown(block):
            checks.append(Check(None, f"{prefix}`{resource.native_name(path)}` cannot be known statically "
                                      f"(`{block.expr}`)", path))
            continue
        if not isinstance(block, dict):
            continue
        endpoint = block.get("http_endpoint")
        if _text(endpoint) == "disabled":
            checks.append(Check(False))
            continue
        tokens_path = path + ("http_tokens",)
        tokens = block.get("http_tokens")
        name = resource.native_name(tokens_path)
        if is_unknown(tokens):
            checks.append(Check(None, f"{prefix}`{name}` cannot be known statically (`{tokens.expr}`)",
                                tokens_path))
        elif _text(tokens) == "required":
            checks.append(Check(False))
        elif tokens is None:
            if is_unknown(endpoint):
                checks.append(Check(None, f"{prefix}`{name}` is not set and whether the metadata endpoint is on "
                                          f"(`{endpoint.expr}`) cannot be known statically", path))
            else:
                checks.append(Check(True, f"{prefix}`{name}` is not set: {_UNSET}", path))
        else:
            checks.append(Check(True, f"{prefix}`{name}` is `{tokens}`: IMDSv1 requests without a session token "
                                      f"are answered", tokens_path))
    return combine(checks) if checks else None


def imds_check(resource, ctx) -> Check:
    found = _options_check(resource)
    if found is None and resource.type == "aws_instance":
        template = launch_template_of(resource, ctx)
        if template is None:
            found = Check(None, "the metadata options come from a launch template that is not in the scan")
        elif template is not False:
            inner = _options_check(template, prefix=f"launch template `{template.address}`: ")
            if inner is not None:
                found = Check(inner.verdict, inner.message, ("launch_template",))
    if found is None:
        found = Check(True, f"`{resource.native_name(('metadata_options', 'http_tokens'))}` is not set: {_UNSET}",
                      ("metadata_options",))
    if found.verdict is True and "is not set" in found.message:
        for r in resources_of_type(ctx, "aws_ec2_instance_metadata_defaults"):
            return Check(None, f"{found.message}; `{r.address}` sets an account-level default",
                         found.path)
    return found


class Ec2GpuImdsv1(Policy):
    id = "IAC208"
    name = "ec2-gpu-imdsv1"
    title = "GPU or accelerator instance allows IMDSv1"
    severity = "high"
    category = "network-exposure"
    resource_types = ("aws_instance", "aws_launch_template")
    checkov_ids = ()

    def check(self, resource, ctx):
        yield from scoped_verdict(
            imds_check(resource, ctx), lambda: accelerated_scope(resource, ctx),
            subject="GPU/accelerator host", out_of_scope="not a GPU/accelerator instance",
            question="whether IMDSv1 is allowed", scope_question="whether it is a GPU/accelerator host")
