"""IAC132: GPU/accelerator hosts encrypt their root and EBS block devices.

`aws_instance`: `root_block_device.encrypted` and every `ebs_block_device.encrypted`
(CloudFormation: `BlockDeviceMappings[].Ebs.Encrypted`); `aws_launch_template`:
`block_device_mappings.ebs.encrypted` (CloudFormation `LaunchTemplateData.BlockDeviceMappings`).
With no root device mapping the root volume is made from the AMI's snapshot: unencrypted for
any public AMI (public AMIs cannot have encrypted snapshots) unless account-level EBS
encryption by default is on. An instance without mappings of its own that is launched from
a launch template is judged by the template's mappings.
"""
from __future__ import annotations

from iaclint.aws.gpu_hosts import (
    accelerated_scope,
    account_ebs_encryption_default,
    launch_template_of,
)
from iaclint.aws.scoped import scoped_verdict
from iaclint.aws.verdicts import Check, blocks, combine
from iaclint.engine.policy import Policy
from iaclint.model.unknown import is_unknown

_AMI_ROOT = ("the root volume is created from the AMI's snapshot, unencrypted unless that snapshot is encrypted "
             "or EBS encryption by default is on for the account")


def _encrypted_state(resource, path: tuple, block) -> Check:
    """One block device (`ebs {}` / `Ebs:` / `root_block_device {}` block)."""
    if is_unknown(block):
        return Check(None, f"`{resource.native_name(path)}` cannot be known statically (`{block.expr}`)", path)
    if not isinstance(block, dict):
        return Check(False)
    value = block.get("encrypted")
    epath = path + ("encrypted",)
    name = resource.native_name(epath)
    if is_unknown(value):
        return Check(None, f"`{name}` cannot be known statically (`{value.expr}`)", epath)
    if value is True or (isinstance(value, str) and value.strip().lower() == "true"):
        return Check(False)
    if value is None and block.get("snapshot_id") is not None:
        snap = block["snapshot_id"]
        return Check(None, f"`{name}` is not set: the volume inherits the encryption of snapshot "
                           f"`{snap.expr if is_unknown(snap) else snap}`", epath)
    if value is None:
        return Check(True, f"`{name}` is not set (false): the volume is unencrypted unless EBS encryption by "
                           f"default is on for the account", epath)
    return Check(True, f"`{name}` is `{str(value).lower()}`: the volume is unencrypted", epath)


def _mappings(resource) -> tuple[list, bool]:
    """Checks of `block_device_mappings[].ebs` and whether any EBS mapping is written."""
    checks, found = [], False
    for path, mapping in blocks(resource.attributes.get("block_device_mappings"), ("block_device_mappings",)):
        if is_unknown(mapping):
            checks.append(Check(None, f"`{resource.native_name(path)}` cannot be known statically "
                                      f"(`{mapping.expr}`)", path))
            found = True
            continue
        if not isinstance(mapping, dict) or mapping.get("ebs") is None:
            continue  # instance store or NoDevice
        for ebs_path, ebs in blocks(mapping.get("ebs"), path + ("ebs",)):
            found = True
            checks.append(_encrypted_state(resource, ebs_path, ebs))
    return checks, found


def volumes_check(resource, ctx) -> Check:
    attrs = resource.attributes
    checks: list = []
    if resource.type == "aws_instance" and not resource.cloudformation_schema:
        root = list(blocks(attrs.get("root_block_device"), ("root_block_device",)))
        for path, block in root:
            checks.append(_encrypted_state(resource, path, block))
        for path, block in blocks(attrs.get("ebs_block_device"), ("ebs_block_device",)):
            checks.append(_encrypted_state(resource, path, block))
        has_root = bool(root)
    else:
        checks, has_root = _mappings(resource)
    if not has_root and resource.type == "aws_instance":
        template = launch_template_of(resource, ctx)
        if template is None:
            checks.append(Check(None, "the root volume is defined by a launch template that is not in the scan"))
        elif template is not False:
            inner, found = _mappings(template)
            if found:
                for c in inner:
                    if c.verdict is not False:
                        checks.append(Check(c.verdict, f"launch template `{template.address}`: {c.message}",
                                            ("launch_template",)))
                has_root = True
    if not has_root:
        where = ("root_block_device",) if resource.type == "aws_instance" and not resource.cloudformation_schema \
            else ("block_device_mappings",)
        what = "is not set" if where == ("root_block_device",) else "has no EBS mapping"
        checks.append(Check(True, f"`{resource.native_name(where)}` {what}: {_AMI_ROOT}", where))
    result = combine(checks)
    if result.verdict is True:
        account = account_ebs_encryption_default(ctx)
        if account is not None:
            return Check(None, f"{result.message}; `{account.address}` may turn on EBS encryption by default",
                         result.path)
    return result


class Ec2GpuRootVolumeUnencrypted(Policy):
    id = "IAC132"
    name = "ec2-gpu-root-volume-unencrypted"
    title = "GPU or accelerator instance has an unencrypted root or EBS volume"
    severity = "high"
    category = "data-protection"
    resource_types = ("aws_instance", "aws_launch_template")
    checkov_ids = ()

    def check(self, resource, ctx):
        yield from scoped_verdict(
            volumes_check(resource, ctx), lambda: accelerated_scope(resource, ctx),
            subject="GPU/accelerator host", out_of_scope="not a GPU/accelerator instance",
            question="whether the volumes are encrypted", scope_question="whether it is a GPU/accelerator host")
