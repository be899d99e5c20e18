"""IAC209: GPU/accelerator hosts get no public IP address.

Explicit: `aws_instance.associate_public_ip_address`, `network_interfaces[].associate_public_ip_address`
(CloudFormation `NetworkInterfaces[].AssociatePublicIpAddress`, launch templates
`LaunchTemplateData.NetworkInterfaces[]`). Unset: the subnet decides (graph): an `aws_subnet`
with `map_public_ip_on_launch = true`, or an `aws_default_subnet` (default-VPC subnets map
public IPs) fails; an instance with no subnet at all launches into the default VPC and fails;
a subnet that is not in the scan, or a launch template without a subnet, is UNKNOWN.
"""
from __future__ import annotations

from iaclint.aws.gpu_hosts import accelerated_scope, launch_template_of
from iaclint.aws.scoped import scoped_verdict
from iaclint.aws.verdicts import Check, blocks, combine
from iaclint.engine.policy import Policy
from iaclint.model.unknown import is_unknown


def _flag(value):
    if is_unknown(value):
        return None
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return value is True


def _explicit(resource) -> Check | None:
    """The written public-IP settings; None when none is written."""
    checks = []
    candidates = []
    if "associate_public_ip_address" in resource.attributes:
        candidates.append((("associate_public_ip_address",), resource.attributes["associate_public_ip_address"]))
    for path, block in blocks(resource.attributes.get("network_interfaces"), ("network_interfaces",)):
        if is_unknown(block):
            checks.append(Check(None, f"`{resource.native_name(path)}` cannot be known statically "
                                      f"(`{block.expr}`)", path))
        elif isinstance(block, dict) and "associate_public_ip_address" in block:
            candidates.append((path + ("associate_public_ip_address",), block["associate_public_ip_address"]))
    for path, value in candidates:
        name = resource.native_name(path)
        state = _flag(value)
        if state is None:
            checks.append(Check(None, f"`{name}` cannot be known statically (`{value.expr}`)", path))
        elif state:
            checks.append(Check(True, f"`{name}` is `true`: the host gets a public IPv4 address", path))
        else:
            checks.append(Check(False))
    return combine(checks) if checks else None


def _subnet_refs(resource) -> list:
    """(path, value) of the subnet settings: `subnet_id`, `network_interfaces[].subnet_id`."""
    out = []
    if resource.attributes.get("subnet_id") is not None:
        out.append((("subnet_id",), resource.attributes["subnet_id"]))
    for path, block in blocks(resource.attributes.get("network_interfaces"), ("network_interfaces",)):
        if isinstance(block, dict) and block.get("subnet_id") is not None:
            out.append((path + ("subnet_id",), block["subnet_id"]))
    return out


def _subnet_check(resource, ctx, path: tuple, value) -> Check:
    name = resource.native_name(path)
    subnets = [t for _, t in ctx.project.outgoing(resource, path)]
    subnets = [t for t in subnets if t is None or t.type in ("aws_subnet", "aws_default_subnet")]
    if not subnets:
        shown = value.expr if is_unknown(value) else value
        return Check(None, f"whether subnet `{shown}` (`{name}`) maps public IPs on launch cannot be known: it is "
                           f"not in the scan", path)
    checks = []
    for subnet in subnets:
        if subnet is None:
            checks.append(Check(None, f"the subnet of `{name}` is not in the scan", path))
            continue
        mapped = subnet.attributes.get("map_public_ip_on_launch")
        if mapped is None and subnet.type == "aws_default_subnet":
            checks.append(Check(True, f"its subnet `{subnet.address}` is a default-VPC subnet, which assigns a "
                                      f"public IPv4 address on launch", path))
            continue
        state = _flag(mapped) if mapped is not None else False
        if state is None:
            checks.append(Check(None, f"`{subnet.native_name(('map_public_ip_on_launch',))}` of `{subnet.address}` cannot be known "
                                      f"statically (`{mapped.expr}`)", path))
        elif state:
            flag = subnet.native_name(("map_public_ip_on_launch",))
            checks.append(Check(True, f"no public-IP choice is written, and its subnet `{subnet.address}` "
                                      f"(`{name}`) sets `{flag}`, so the host gets a public IPv4 address", path))
        else:
            checks.append(Check(False))
    return combine(checks)


def public_ip_check(resource, ctx) -> Check:
    explicit = _explicit(resource)
    if explicit is not None:
        return explicit
    subnets = _subnet_refs(resource)
    if subnets:
        return combine([_subnet_check(resource, ctx, path, value) for path, value in subnets])
    if resource.type == "aws_launch_template":
        return Check(None, "the launch template sets neither a public-IP choice nor a subnet: it depends on the "
                           "subnet it is launched into")
    template = launch_template_of(resource, ctx)
    if template is None:
        return Check(None, "the network settings come from a launch template that is not in the scan")
    if template is not False:
        inner = _explicit(template)
        if inner is None and _subnet_refs(template):
            inner = combine([_subnet_check(template, ctx, p, v) for p, v in _subnet_refs(template)])
        if inner is not None:
            prefix = f"launch template `{template.address}`: " if inner.message else ""
            return Check(inner.verdict, prefix + inner.message, ("launch_template",))
        return Check(None, "neither the instance nor its launch template names a subnet")
    if any(resource.attributes.get(k) is not None for k in ("network_interface", "primary_network_interface")):
        return Check(None, "the instance uses an existing network interface, whose public address cannot be "
                           "known here")
    return Check(True, "no subnet is set, so the host launches into a default subnet of the default VPC, which "
                       "assigns a public IPv4 address")


class Ec2GpuPublicIp(Policy):
    id = "IAC209"
    name = "ec2-gpu-public-ip"
    title = "GPU or accelerator instance gets a public IP address"
    severity = "high"
    category = "network-exposure"
    resource_types = ("aws_instance", "aws_launch_template")
    checkov_ids = ()

    def check(self, resource, ctx):
        yield from scoped_verdict(
            public_ip_check(resource, ctx), lambda: accelerated_scope(resource, ctx),
            subject="GPU/accelerator host", out_of_scope="not a GPU/accelerator instance",
            question="whether the host gets a public IP address",
            scope_question="whether it is a GPU/accelerator host")
