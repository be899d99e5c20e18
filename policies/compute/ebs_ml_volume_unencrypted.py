"""IAC131: an EBS volume of an ML workload is encrypted.

ML scoping: the volume is attached (`aws_volume_attachment` / `AWS::EC2::VolumeAttachment`, or
an `AWS::EC2::Instance` `Volumes` entry) to a GPU/accelerator instance (`iaclint.aws.gpu_hosts`),
an AI resource refers to it, or it carries an ML tag (`iaclint.aws.mlscope`). Unset `encrypted`
is unencrypted, unless the volume is restored from a snapshot (it inherits the snapshot's
encryption) or the scan declares account-level EBS encryption by default: both are UNKNOWN.
"""
from __future__ import annotations

from iaclint.aws.gpu_hosts import accelerated_scope, account_ebs_encryption_default
from iaclint.aws.mlscope import Scope, linked_resources, ml_scope
from iaclint.aws.scoped import scoped_verdict
from iaclint.aws.verdicts import Check
from iaclint.engine.policy import Policy
from iaclint.model.unknown import is_unknown


def _true(value) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def encryption_check(resource, ctx) -> Check:
    path = ("encrypted",)
    attrs = resource.attributes
    value = attrs.get("encrypted")
    name = resource.native_name(path)
    if is_unknown(value):
        return Check(None, f"`{name}` cannot be known statically (`{value.expr}`)", path)
    if _true(value):
        return Check(False)
    account = account_ebs_encryption_default(ctx)
    if account is not None:
        return Check(None, f"`{name}` is not `true`, but `{account.address}` may turn on EBS encryption by "
                           f"default for the account and region", path)
    if value is None:
        snapshot = attrs.get("snapshot_id")
        if snapshot is not None:
            return Check(None, f"`{name}` is not set: the volume inherits the encryption of snapshot "
                               f"`{snapshot.expr if is_unknown(snapshot) else snapshot}`, which cannot be known "
                               f"statically", path)
        return Check(True, f"`{name}` is not set: the volume is created unencrypted unless EBS encryption by "
                           f"default is on for the account", path)
    return Check(True, f"`{name}` is `{str(value).lower()}`: the volume is unencrypted", path)


def ml_volume_scope(volume, ctx) -> Scope:
    """An AI resource or an ML tag (`iaclint.aws.mlscope.ml_scope`), or attachment to a GPU host."""
    scope = ml_scope(volume, ctx)
    if scope.verdict is True:
        return scope
    unknown = scope if scope.verdict is None else None
    for other in linked_resources(volume, ctx):
        instances = []
        if other.type == "aws_volume_attachment":
            targets = [t for _, t in ctx.project.outgoing(other, ("instance_id",))]
            if not targets or any(t is None for t in targets):
                unknown = unknown or Scope(None, f"`{other.address}` attaches it to an instance that is not in "
                                                 f"the scan")
            instances = [t for t in targets if t is not None and t.type == "aws_instance"]
        elif other.type == "aws_instance":
            instances = [other]
        for instance in instances:
            host = accelerated_scope(instance, ctx)
            if host.verdict is True:
                return Scope(True, f"attached to GPU/accelerator instance `{instance.address}`, {host.reason}")
            if host.verdict is None:
                unknown = unknown or Scope(None, f"it is attached to `{instance.address}`: {host.reason}")
    return unknown or Scope(False)


class EbsMlVolumeUnencrypted(Policy):
    id = "IAC131"
    name = "ebs-ml-volume-unencrypted"
    title = "EBS volume of an ML workload is not encrypted"
    severity = "high"
    category = "data-protection"
    resource_types = ("aws_ebs_volume",)
    checkov_ids = ()

    def check(self, resource, ctx):
        yield from scoped_verdict(
            encryption_check(resource, ctx), lambda: ml_volume_scope(resource, ctx),
            subject="Volume of an ML workload", out_of_scope="not used by an ML workload",
            question="whether the volume is encrypted", scope_question="whether it serves an ML workload")
