"""The bucket settings several policies judge the same way: default encryption and Block
Public Access, wherever they are written (inline, a separate Terraform
`aws_s3_bucket_server_side_encryption_configuration` / `aws_s3_bucket_public_access_block`,
CloudFormation properties), as `iaclint.aws.verdicts.Check`. Which bucket is an ML bucket,
and which separate resources configure it, is `iaclint.aws.s3`."""
from __future__ import annotations

import re
from typing import Any

from iaclint.aws.s3 import PUBLIC_ACCESS_BLOCK_TYPE, SSE_TYPE, attached, maybe_configured
from iaclint.aws.verdicts import Check, Tri, blocks, combine
from iaclint.model import paths
from iaclint.model.resource import Resource
from iaclint.model.unknown import is_unknown

PUBLIC_ACCESS_FLAGS = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
KMS_ALGORITHMS = frozenset({"aws:kms", "aws:kms:dsse"})
_AWS_MANAGED_S3_KEY = re.compile(r"(^|:)alias/aws/s3$", re.IGNORECASE)


def _external_name(r: Resource, path: tuple) -> str:
    inner = ".".join(str(p) for p in path if not isinstance(p, int))
    return f"`{r.address}` `{inner}`" if inner else f"`{r.address}`"


def encryption_check(bucket: Resource, ctx) -> Check:
    """Is the bucket's default encryption something other than a customer-managed KMS key?
    True when objects get SSE-S3 (`AES256`, or no configuration: S3 encrypts every new
    object with SSE-S3 since January 2023) or the AWS-managed `aws/s3` key (`aws:kms`
    without `kms_master_key_id`). A key written as a reference counts as a CMK."""
    linked, maybe = attached(bucket, ctx, SSE_TYPE)
    own_path = ("server_side_encryption_configuration",)
    if linked:
        return combine([_sse_config(r, (), external=True) for r in linked])
    if bucket.attributes.get(own_path[0]) is not None:
        return _sse_config(bucket, own_path, external=False)
    if maybe:
        return maybe_configured(maybe, "The default encryption")
    where = ("no `aws_s3_bucket_server_side_encryption_configuration` refers to it"
             if not bucket.cloudformation_schema else f"`{bucket.native_name(own_path)}` is not set")
    return Check(True, f"{where}, so objects are encrypted with SSE-S3 (Amazon S3 managed keys), not a "
                       f"customer-managed KMS key", own_path)


def _sse_config(owner: Resource, base: tuple, external: bool) -> Check:
    def name(path: tuple) -> str:
        return _external_name(owner, path) if external else f"`{owner.native_name(path)}`"

    def at(path: tuple) -> tuple:
        return () if external else path

    def short(path: tuple) -> str:
        return str(path[-1]) if external else owner.native_name(path).split(".")[-1]

    config = paths.get(owner.attributes, base) if base else owner.attributes
    if is_unknown(config):
        return Check(None, f"{name(base)} cannot be known statically (`{config.expr}`)", at(base))
    checks: list[Check] = []
    found = False
    rules = []
    for config_path, block in (blocks(config, base) if base else [((), config)]):
        if is_unknown(block):
            checks.append(Check(None, f"{name(config_path)} cannot be known statically (`{block.expr}`)",
                                at(config_path)))
            found = True
        elif isinstance(block, dict):
            rules.extend(blocks(block.get("rule"), config_path + ("rule",)))
    for rule_path, rule in rules:
        if is_unknown(rule):
            checks.append(Check(None, f"{name(rule_path)} cannot be known statically (`{rule.expr}`)", at(rule_path)))
            found = True
            continue
        if not isinstance(rule, dict):
            continue
        key = "apply_server_side_encryption_by_default"
        for dpath, default in blocks(rule.get(key), rule_path + (key,)):
            found = True
            if is_unknown(default):
                checks.append(Check(None, f"{name(dpath)} cannot be known statically (`{default.expr}`)", at(dpath)))
                continue
            if isinstance(default, dict):
                checks.append(_sse_default(default, dpath, name, at, short))
    if not found:
        return Check(True, f"{name(base + ('rule',))} has no `apply_server_side_encryption_by_default`: objects are "
                           f"encrypted with SSE-S3 (Amazon S3 managed keys), not a customer-managed KMS key",
                     at(base))
    return combine(checks)


def _sse_default(default: dict, path: tuple, name, at, short) -> Check:
    alg_path, key_path = path + ("sse_algorithm",), path + ("kms_master_key_id",)
    algorithm = default.get("sse_algorithm")
    key = default.get("kms_master_key_id")
    if is_unknown(algorithm):
        return Check(None, f"{name(alg_path)} cannot be known statically (`{algorithm.expr}`)", at(alg_path))
    if not isinstance(algorithm, str) or algorithm.strip().lower() not in KMS_ALGORITHMS:
        shown = f"`{algorithm}`" if algorithm is not None else "not set"
        return Check(True, f"{name(alg_path)} is {shown}: objects are encrypted with SSE-S3 (Amazon S3 managed keys), "
                           f"not a customer-managed KMS key", at(alg_path if algorithm is not None else path))
    if is_unknown(key):
        return Check(False)
    if key is None or (isinstance(key, str) and not key.strip()):
        return Check(True, f"{name(alg_path)} is `{algorithm}` without `{short(key_path)}`: objects are encrypted "
                           f"with the AWS-managed key `aws/s3`, not a customer-managed KMS key", at(alg_path))
    if isinstance(key, str) and _AWS_MANAGED_S3_KEY.search(key.strip()):
        return Check(True, f"{name(key_path)} is the AWS-managed key `{key}`, not a customer-managed KMS key",
                     at(key_path))
    return Check(False)


# --------------------------------------------------------------------------------------
# Block Public Access


def _flag(value: Any) -> Tri:
    """True/False for a written flag (`true`, `"false"`...), None when unknown."""
    if is_unknown(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return False


def public_access_check(bucket: Resource, ctx) -> Check:
    """Does the bucket's public access block leave a flag off? Two levels: with no block at
    all, a new bucket blocks all public access (AWS default since April 2023); once a block
    is written (`aws_s3_bucket_public_access_block`, `PublicAccessBlockConfiguration`),
    every flag it omits is `false`."""
    linked, maybe = attached(bucket, ctx, PUBLIC_ACCESS_BLOCK_TYPE)
    checks = [_public_access_block(r, (), True) for r in linked]
    own_path = ("public_access_block_configuration",)
    if bucket.attributes.get(own_path[0]) is not None:
        checks.append(_public_access_block(bucket, own_path, False))
    if not checks:
        if maybe:
            return maybe_configured(maybe, "The public access block")
        return Check(False, "no public access block is written, so AWS blocks all public access (the default "
                            "for new buckets since April 2023)")
    return combine(checks)


def _public_access_block(owner: Resource, base: tuple, external: bool) -> Check:
    block = paths.get(owner.attributes, base) if base else owner.attributes
    label = f"`{owner.address}`" if external else f"`{owner.native_name(base)}`"
    if is_unknown(block):
        return Check(None, f"{label} cannot be known statically (`{block.expr}`)", () if external else base)
    if isinstance(block, list):  # a Terraform-style block list
        block = block[0] if block and isinstance(block[0], dict) else {}
    if not isinstance(block, dict):
        return Check(None, f"{label} cannot be read", () if external else base)
    off, omitted, unknown = [], [], []
    first_explicit = None
    for flag in PUBLIC_ACCESS_FLAGS:
        path = base + (flag,)
        value = block.get(flag)
        written = flag in block and (external or path not in owner.defaults)
        spelt = flag if external else owner.native_name(path).split(".")[-1]
        state = _flag(value) if written else False
        if state is None:
            unknown.append((spelt, value))
        elif state is False:
            (off if written else omitted).append(spelt)
            if written and first_explicit is None:
                first_explicit = path
    if off or omitted:
        parts = []
        if off:
            parts.append(", ".join(f"`{f}`" for f in off) + (" set to false" if len(off) > 1 else " is false"))
        if omitted:
            parts.append(", ".join(f"`{f}`" for f in omitted) + " omitted, and an omitted flag is false once the "
                         "block exists")
        where = () if external else (first_explicit or base)
        return Check(True, f"{label} leaves public access open: {'; '.join(parts)}", where)
    if unknown:
        spelt, value = unknown[0]
        return Check(None, f"{label} `{spelt}` cannot be known statically (`{value.expr}`)",
                     () if external else base + (PUBLIC_ACCESS_FLAGS[0],))
    return Check(False)
