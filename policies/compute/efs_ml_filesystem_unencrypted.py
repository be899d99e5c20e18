"""IAC130: an EFS file system used by an ML workload is encrypted at rest.

ML scoping (`iaclint.aws.mlscope.ml_scope`): a SageMaker domain, user profile or space (or another AI
resource) refers to the file system or to one of its access points, or the file system
carries an ML tag. `encrypted` defaults to false (table default).
"""
from __future__ import annotations

from iaclint.aws.mlscope import ml_scope
from iaclint.aws.scoped import scoped_verdict
from iaclint.aws.verdicts import Check
from iaclint.engine.policy import Policy
from iaclint.model.unknown import is_unknown

VIA = ("aws_efs_access_point",)


def encryption_check(resource) -> Check:
    path = ("encrypted",)
    value = resource.attributes.get("encrypted")
    name = resource.native_name(path)
    if is_unknown(value):
        return Check(None, f"`{name}` cannot be known statically (`{value.expr}`)", path)
    if value is True or (isinstance(value, str) and value.strip().lower() == "true"):
        return Check(False)
    if path in resource.defaults or value is None:
        return Check(True, f"`{name}` is not set, and EFS creates the file system unencrypted at rest unless "
                           f"told otherwise", path)
    return Check(True, f"`{name}` is `{str(value).lower()}`: the file system stores its data unencrypted at rest",
                 path)


class EfsMlFilesystemUnencrypted(Policy):
    id = "IAC130"
    name = "efs-ml-filesystem-unencrypted"
    title = "EFS file system used by an ML workload is not encrypted at rest"
    severity = "high"
    category = "data-protection"
    resource_types = ("aws_efs_file_system",)
    checkov_ids = ()

    def check(self, resource, ctx):
        yield from scoped_verdict(
            encryption_check(resource), lambda: ml_scope(resource, ctx, via=VIA),
            subject="File system for ML data", out_of_scope="not used by an ML workload",
            question="whether the file system is encrypted", scope_question="whether it serves an ML workload")
