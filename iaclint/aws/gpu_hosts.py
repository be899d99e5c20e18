"""GPU and accelerator EC2 hosts, and the EC2 settings the policies about them share.

Training and inference hosts hold model weights, training data and the credentials that
reach them, and an accelerated instance costs enough to be a target for hijacking. The
compute policies (`ec2-gpu-*`, and `ebs-ml-volume-unencrypted` for volumes attached to such
hosts) therefore scope EC2 by hardware: `accelerated_scope` says whether an `aws_instance`
or `aws_launch_template` (CloudFormation `AWS::EC2::Instance`, `AWS::EC2::LaunchTemplate`)
is a GPU/accelerator host, three-valued with a reason (`iaclint.aws.mlscope.Scope`).

**GPU and accelerator instances** (`accelerated`): instance families `p*`, `g*` (including
`gr*`), `trn*`, `inf*` and `dl*` (`p4d.24xlarge`, `g5.xlarge`, `trn1.32xlarge`,
`inf2.xlarge`, `dl1.24xlarge`). A partly known type (`p4d.${var.size}`) is decided by its
known family.

The host policies also read settings that can come from elsewhere in the scan: the launch
template an instance is launched from (`launch_template_of`), and account-level EBS
encryption by default (`account_ebs_encryption_default`); both are here so they are
followed the same way by every policy.

Only plain data, `Unknown`, the resource model and the scoping, glob and verdict helpers are
used here.
"""
from __future__ import annotations

import re
from typing import Any

from iaclint.aws.mlscope import Scope, resources_of_type
from iaclint.aws.verdicts import Tri, blocks, leaves
from iaclint.model.resource import Resource
from iaclint.model.unknown import is_unknown
from iaclint.model.unknown_globs import unknown_glob

_ACCELERATED_FAMILY = re.compile(r"^(?:p\d|gr?\d|trn\d|inf\d|dl\d)", re.IGNORECASE)


def accelerated(instance_type: Any) -> Tri:
    """Is the EC2 instance type a GPU/accelerator family (`p*`, `g*`, `gr*`, `trn*`, `inf*`,
    `dl*`)? None when the type is unknown and its known text does not decide it."""
    if is_unknown(instance_type):
        glob = unknown_glob(instance_type)
        family = glob.split(".", 1)[0]
        if "*" not in family:
            return bool(_ACCELERATED_FAMILY.match(family))
        return None
    if not isinstance(instance_type, str) or not instance_type.strip():
        return False
    return bool(_ACCELERATED_FAMILY.match(instance_type.strip().split(".", 1)[0]))


def _instance_type_values(resource: Resource) -> list:
    """Every value under an `instance_type` / `instance_types` key of `resource`."""
    out = []
    for path, value in leaves(resource.attributes):
        keys = [p for p in path if isinstance(p, str)]
        if keys and keys[-1] in ("instance_type", "instance_types"):
            out.append(value)
    return out


def _requirements_accelerated(requirements: Any) -> Tri:
    """Attribute-based instance selection that asks for accelerators."""
    if requirements is None:
        return False
    if is_unknown(requirements):
        return None
    answer: Tri = False
    for _, block in blocks(requirements, ()):
        if is_unknown(block):
            answer = None
            continue
        if not isinstance(block, dict):
            continue
        for _, count in blocks(block.get("accelerator_count"), ()):
            if isinstance(count, dict):
                low, high = count.get("min"), count.get("max")
                if isinstance(low, (int, float)) and not isinstance(low, bool) and low > 0:
                    return True
                if high == 0:
                    return False  # `max = 0` excludes accelerated types
        types = block.get("accelerator_types")
        if is_unknown(types):
            answer = None
        elif isinstance(types, list) and any(isinstance(t, str) and t.lower() in ("gpu", "inference") for t in types):
            return True
        for key in ("accelerator_manufacturers", "accelerator_names"):
            if block.get(key) not in (None, [], {}):
                return True
    return answer


def accelerated_scope(resource: Resource, ctx) -> Scope:
    """Is an `aws_instance` or `aws_launch_template` a GPU/accelerator host?

    An instance: its `instance_type`, else the type of the launch template it names (None
    when that template is not in the scan). A launch template: its `instance_type`, else
    accelerator requirements in `instance_requirements`, else the instance types of the
    resources that use it (instances, Auto Scaling group overrides, node groups)."""
    attrs = resource.attributes
    itype = attrs.get("instance_type")
    if itype is not None:
        verdict = accelerated(itype)
        shown = itype.expr if is_unknown(itype) else itype
        if verdict is None:
            return Scope(None, f"its instance type (`{shown}`) cannot be known statically")
        return Scope(verdict, f"`{shown}`" if verdict else "")
    if resource.type == "aws_instance":
        template = launch_template_of(resource, ctx)
        if template is False:
            return Scope(False)
        if template is None:
            return Scope(None, "its instance type comes from a launch template that is not in the scan")
        inner = accelerated_scope(template, ctx)
        if inner.verdict and inner.reason:
            inner = Scope(True, f"{inner.reason} from `{template.address}`")
        return inner
    wants = _requirements_accelerated(attrs.get("instance_requirements"))
    if wants:
        return Scope(True, "its `instance_requirements` ask for accelerators")
    unknown = wants is None
    for user, _ in ctx.project.incoming(resource):
        for value in _instance_type_values(user):
            for item in value if isinstance(value, list) else [value]:
                verdict = accelerated(item)
                if verdict:
                    return Scope(True, f"`{user.address}` launches it as `{item}`")
                unknown = unknown or verdict is None
    if unknown:
        return Scope(None, "the instance types it is launched with cannot be known statically")
    return Scope(False)


def launch_template_of(instance: Resource, ctx) -> Any:
    """The scanned launch template an instance is launched from; False when it names none;
    None when it names one that is not in the scan (or by a name that cannot be matched)."""
    spec = instance.attributes.get("launch_template")
    if spec is None:
        return False
    for ref, target in ctx.project.outgoing(instance, ("launch_template",)):
        if target is not None and target.type == "aws_launch_template":
            return target
    spec_blocks = [b for _, b in blocks(spec, ())]
    for block in spec_blocks:
        name = block.get("name") if isinstance(block, dict) else None
        if isinstance(name, str):
            for r in resources_of_type(ctx, "aws_launch_template"):
                if r.attributes.get("name") == name:
                    return r
    return None


def account_ebs_encryption_default(ctx) -> Resource | None:
    """An `aws_ebs_encryption_by_default` in the scan that may turn EBS encryption on for the
    account and region (its `enabled` defaults to true); None if there is none."""
    for r in resources_of_type(ctx, "aws_ebs_encryption_by_default"):
        enabled = r.attributes.get("enabled", True)
        if enabled is not False and not (isinstance(enabled, str) and enabled.strip().lower() == "false"):
            return r
    return None
