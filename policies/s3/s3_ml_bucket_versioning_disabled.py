"""IAC114: an ML bucket keeps object versions.

Read from the Terraform `aws_s3_bucket_versioning` that points at the bucket
(`versioning_configuration.status`), the legacy inline `versioning { enabled }` block, or
CloudFormation `VersioningConfiguration.Status`. Unset means never versioned.
"""
from __future__ import annotations

from iaclint.aws import s3
from iaclint.aws.scoped import scoped_verdict
from iaclint.aws.verdicts import Check, blocks, combine
from iaclint.engine.policy import Policy
from iaclint.model.unknown import is_unknown


def _status(value, label: str, at: tuple) -> Check:
    if is_unknown(value):
        return Check(None, f"{label} cannot be known statically (`{value.expr}`)", at)
    if isinstance(value, str) and value.strip() == "Enabled":
        return Check(False)
    shown = f"`{value}`" if value is not None else "not set"
    return Check(True, f"{label} is {shown}: overwritten or deleted objects cannot be recovered", at)


def versioning_check(bucket, ctx) -> Check:
    linked, maybe = s3.attached(bucket, ctx, s3.VERSIONING_TYPE)
    if linked:
        checks = []
        for r in linked:
            found = False
            for path, block in blocks(r.attributes.get("versioning_configuration"), ("versioning_configuration",)):
                found = True
                label = f"`{r.address}` `versioning_configuration.status`"
                value = block if is_unknown(block) else (block.get("status") if isinstance(block, dict) else None)
                checks.append(_status(value, label, ()))
            if not found:
                checks.append(Check(True, f"`{r.address}` has no `versioning_configuration`", ()))
        return combine(checks)
    config = bucket.attributes.get("versioning_configuration")  # CloudFormation
    if config is not None:
        path = ("versioning_configuration", "status")
        value = config if is_unknown(config) else (config.get("status") if isinstance(config, dict) else None)
        return _status(value, f"`{bucket.native_name(path)}`",
                       path if not is_unknown(config) else path[:1])
    legacy = bucket.attributes.get("versioning")  # Terraform provider v3 inline block
    if legacy is not None:
        checks = []
        for path, block in blocks(legacy, ("versioning",)):
            if is_unknown(block):
                checks.append(Check(None, f"`versioning` cannot be known statically (`{block.expr}`)", path))
                continue
            enabled = block.get("enabled") if isinstance(block, dict) else None
            if is_unknown(enabled):
                checks.append(Check(None, f"`versioning.enabled` cannot be known statically (`{enabled.expr}`)",
                                    path + ("enabled",)))
            elif enabled is True or (isinstance(enabled, str) and enabled.strip().lower() == "true"):
                checks.append(Check(False))
            else:
                shown = "`false`" if enabled is not None else "not set (false)"
                checks.append(Check(True, f"`versioning.enabled` is {shown}: overwritten or deleted objects "
                                          f"cannot be recovered", path + ("enabled",)))
        return combine(checks)
    if maybe:
        return s3.maybe_configured(maybe, "Versioning")
    if bucket.cloudformation_schema:
        where = f"`{bucket.native_name(('versioning_configuration',))}` is not set"
    else:
        where = "no `aws_s3_bucket_versioning` refers to it"
    return Check(True, f"{where}, so the bucket is unversioned: overwritten or deleted objects cannot be "
                       f"recovered", ("versioning_configuration",))


class S3MlBucketVersioningDisabled(Policy):
    id = "IAC114"
    name = "s3-ml-bucket-versioning-disabled"
    title = "ML bucket does not keep object versions"
    severity = "low"
    category = "data-protection"
    resource_types = ("aws_s3_bucket",)
    checkov_ids = ()

    def check(self, resource, ctx):
        yield from scoped_verdict(
            versioning_check(resource, ctx), lambda: s3.is_ml_bucket(resource, ctx),
            subject="ML bucket", out_of_scope="not an ML bucket",
            question="whether the bucket is versioned", scope_question="whether it is an ML bucket")
