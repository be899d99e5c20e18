"""ML scoping, and the S3 bucket settings that the ML-bucket policies share.

The S3 and compute policies only report resources that serve an AI workload: a bucket of
training data, a file system mounted by SageMaker, a GPU host. This module answers "is it
ML?" once, three-valued (True, False, None for "cannot be known statically"), and reads
the bucket settings that several policies and graph rows ask about (default encryption,
public access block) wherever they are written.

**ML bucket.** An `aws_s3_bucket` (CloudFormation `AWS::S3::Bucket`) is an ML bucket when

1. an AI resource refers to it, or it refers to an AI resource (an edge of the project
   graph either way: `bucket_arn = aws_s3_bucket.docs.arn`, `!GetAtt Docs.Arn`,
   `"s3://${aws_s3_bucket.data.bucket}/train/"`);
2. an AI resource writes its name: `s3://<name>/...` or `arn:aws:s3:::<name>` in any
   string (embedded JSON such as pipeline definitions included), or a `bucket` /
   `bucket_name` attribute equal to it. The name is the bucket's `bucket` (Terraform) or
   `BucketName` (CloudFormation) when it is known; names are global, so this works across
   files and formats;
3. it carries an ML tag (`ml_tagged`).

AI resources are those of the services in `AI_SERVICES` (SageMaker, Bedrock, Comprehend,
Kendra, Lex, ...). The answer is None when a written name could be the bucket's but cannot
be compared: an AI resource writes `s3://${var.bucket}/...` with an unknown variable, or the
bucket's own name is unknown (`bucket = var.name`) while an AI resource names some bucket
that is not otherwise in the scan, or its tags cannot be known. Everything else is False.
An IAM role that can read the bucket does not make it an ML bucket.

**ML tag.** A tag key `ml`, `ai`, `genai` or `machine-learning` (case-insensitive, `_` and `-`
alike) with a true-ish value (`true`, `yes`, `y`, `1`, `on`, `enabled`), or a tag key
`workload`, `purpose`, `usage` or `use-case` whose value is one of `ml`, `ai`, `genai`,
`machine-learning`, `training-data`, `ml-training`, `ml-data`, `ai-data`.

**Other ML resources** (EFS file systems, EBS volumes): an ML tag, an edge with an AI
resource either way, or an edge with a resource of the `via` types that itself has an edge
with an AI resource (an EFS access point that a SageMaker domain mounts).

**GPU and accelerator instances** (`accelerated`): instance families `p*`, `g*` (including
`gr*`), `trn*`, `inf*` and `dl*` (`p4d.24xlarge`, `g5.xlarge`, `trn1.32xlarge`,
`inf2.xlarge`, `dl1.24xlarge`).

Only plain data, `Unknown`, the documents helper and the resource model are used here.
"""
from __future__ import annotations

import re
import weakref
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator, Optional

from iaclint import paths
from iaclint.documents import EncodedJson
from iaclint.model import Resource
from iaclint.unknown import Unknown, is_unknown

Tri = Optional[bool]

# Services whose resources are AI resources: the Terraform type prefix `aws_<svc>_` and the
# CloudFormation namespace `AWS::<Svc>::`, compared lower-case.
AI_SERVICES = (
    "bedrock", "bedrockagent", "bedrockagentcore", "comprehend", "forecast", "frauddetector",
    "kendra", "kendraranking", "lex", "lexmodels", "lexv2models", "lookoutequipment",
    "lookoutmetrics", "lookoutvision", "personalize", "qbusiness", "rekognition", "sagemaker",
    "textract", "transcribe", "translate",
)
_AI_TF_PREFIXES = tuple(f"aws_{s}_" for s in AI_SERVICES)

ML_TAG_KEYS = frozenset({"ml", "ai", "genai", "machine-learning"})
ML_TAG_PURPOSE_KEYS = frozenset({"workload", "purpose", "usage", "use-case"})
ML_TAG_PURPOSE_VALUES = frozenset({"ml", "ai", "genai", "machine-learning", "training-data", "ml-training",
                                   "ml-data", "ai-data"})
TRUE_WORDS = frozenset({"true", "yes", "y", "1", "on", "enabled"})

BUCKET_TYPE = "aws_s3_bucket"
SSE_TYPE = "aws_s3_bucket_server_side_encryption_configuration"
PUBLIC_ACCESS_BLOCK_TYPE = "aws_s3_bucket_public_access_block"
VERSIONING_TYPE = "aws_s3_bucket_versioning"
LOGGING_TYPE = "aws_s3_bucket_logging"
POLICY_TYPE = "aws_s3_bucket_policy"

PUBLIC_ACCESS_FLAGS = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
KMS_ALGORITHMS = frozenset({"aws:kms", "aws:kms:dsse"})
_AWS_MANAGED_S3_KEY = re.compile(r"(^|:)alias/aws/s3$", re.IGNORECASE)

# Attributes of AI resources that hold a bare bucket name.
_NAME_KEYS = frozenset({"bucket", "bucket_name", "s3_bucket", "s3_bucket_name"})
_URI_START = re.compile(r"s3://|arn:aws[a-z-]*:s3:::", re.IGNORECASE)
_NAME_CHAR = re.compile(r"[A-Za-z0-9.\-]")
_ACCELERATED_FAMILY = re.compile(r"^(?:p\d|gr?\d|trn\d|inf\d|dl\d)", re.IGNORECASE)


@dataclass
class Scope:
    """Is a resource in scope (ML)? `verdict` True/False/None; `reason` says why, for
    messages ("read by `aws_sagemaker_model.churn`", "tagged `ml = true`")."""

    verdict: Tri
    reason: str = ""


@dataclass
class Check:
    """One security question about a bucket: `verdict` True when the problem is present,
    False when it is not, None when it cannot be known. `path` is the canonical path of the
    bucket to point at (`()` for the resource header, e.g. when the setting lives in a
    separate Terraform resource, which `message` then names)."""

    verdict: Tri
    message: str = ""
    path: tuple = ()


# --------------------------------------------------------------------------------------
# AI resources, tags, graph links


def is_ai_resource(resource: Resource) -> bool:
    """A resource of an AI service (`AI_SERVICES`), in either vocabulary."""
    if resource.type.startswith(_AI_TF_PREFIXES):
        return True
    parts = str(resource.native_type).split("::")
    return len(parts) == 3 and parts[0] == "AWS" and parts[1].lower() in AI_SERVICES


def _norm(text: str) -> str:
    return text.strip().lower().replace("_", "-")


def _true_ish(value: Any) -> bool:
    return value is True or (isinstance(value, (str, int)) and not isinstance(value, bool)
                             and _norm(str(value)) in TRUE_WORDS)


def _tag_pairs(tags: Any) -> Iterator[tuple[Any, Any]]:
    """(key, value) of Terraform's map or CloudFormation's `[{Key, Value}]` list."""
    if isinstance(tags, dict):
        yield from tags.items()
    elif isinstance(tags, list):
        for item in tags:
            if isinstance(item, dict):
                yield item.get("key"), item.get("value")
            elif is_unknown(item):
                yield item, item


def ml_tagged(resource: Resource) -> Scope:
    """The ML tag rule (module docstring). None when the tags cannot be known."""
    tags = resource.attributes.get("tags")
    if tags is None:
        return Scope(False)
    if is_unknown(tags):
        return Scope(None, f"its tags (`{tags.expr}`) cannot be known statically")
    unknown = None
    for key, value in _tag_pairs(tags):
        if is_unknown(key):
            unknown = unknown or Scope(None, f"a tag key (`{key.expr}`) cannot be known statically")
            continue
        if not isinstance(key, str):
            continue
        k = _norm(key)
        if k in ML_TAG_KEYS or k in ML_TAG_PURPOSE_KEYS:
            if is_unknown(value):
                unknown = unknown or Scope(None, f"its `{key}` tag (`{value.expr}`) cannot be known statically")
            elif k in ML_TAG_KEYS and _true_ish(value):
                return Scope(True, f"tagged `{key} = {value}`")
            elif k in ML_TAG_PURPOSE_KEYS and isinstance(value, str) and _norm(value) in ML_TAG_PURPOSE_VALUES:
                return Scope(True, f"tagged `{key} = {value}`")
    return unknown or Scope(False)


def linked_resources(resource: Resource, ctx) -> Iterator[Resource]:
    """Scanned resources with an edge to or from `resource`, each once."""
    seen: set[int] = {id(resource)}
    for _, target in ctx.project.outgoing(resource):
        if target is not None and id(target) not in seen:
            seen.add(id(target))
            yield target
    for source, _ in ctx.project.incoming(resource):
        if id(source) not in seen:
            seen.add(id(source))
            yield source


def ai_neighbour(resource: Resource, ctx, via: tuple = ()) -> Resource | None:
    """An AI resource with an edge to or from `resource`, directly or through one resource
    of the `via` types; None if there is none."""
    for other in linked_resources(resource, ctx):
        if is_ai_resource(other):
            return other
    for other in linked_resources(resource, ctx):
        if other.type in via:
            for second in linked_resources(other, ctx):
                if is_ai_resource(second):
                    return second
    return None


def ml_scope(resource: Resource, ctx, via: tuple = ()) -> Scope:
    """Is `resource` (an EFS file system, an EBS volume...) used by an AI workload? An edge
    with an AI resource (directly or through a `via` resource) or an ML tag."""
    neighbour = ai_neighbour(resource, ctx, via)
    if neighbour is not None:
        return Scope(True, f"used by `{neighbour.address}`")
    return ml_tagged(resource)


# --------------------------------------------------------------------------------------
# Names and globs


def _template_glob(text: str) -> str:
    """`a-${var.b}` -> `a-*`: every interpolation (nested braces included) becomes `*`."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text.startswith("${", i):
            depth, j = 1, i + 2
            while j < n and depth:
                depth += {"{": 1, "}": -1}.get(text[j], 0)
                j += 1
            out.append("*")
            i = j
        else:
            out.append(text[i])
            i += 1
    return re.sub(r"\*+", "*", "".join(out))


def unknown_glob(value: Unknown) -> str:
    """What an unknown string may be, as a glob: its template text with `*` for the unknown
    parts (Terraform `"a-${var.b}"`, CloudFormation `!Sub a-${P}`), else `*`."""
    expr = value.expr.strip()
    if expr.startswith("!Sub "):
        return _template_glob(expr[5:].strip().strip("\"'"))
    if "${" in expr and not expr.startswith(("!", "<<")) and '"' not in expr:
        return _template_glob(expr)
    return "*"


@lru_cache(maxsize=4096)
def globs_overlap(a: str, b: str) -> bool:
    """Is there a string both `*`-globs match? (case-insensitive; bucket names are lower case)"""
    x, y = a.lower(), b.lower()

    @lru_cache(maxsize=None)
    def go(i: int, j: int) -> bool:
        if i == len(x) and j == len(y):
            return True
        if i < len(x) and x[i] == "*":
            if go(i + 1, j) or (j < len(y) and go(i, j + 1)):
                return True
        if j < len(y) and y[j] == "*":
            if go(i, j + 1) or (i < len(x) and go(i + 1, j)):
                return True
        return i < len(x) and j < len(y) and x[i] != "*" and y[j] != "*" and x[i] == y[j] and go(i + 1, j + 1)

    return go(0, 0)


def bucket_name(bucket: Resource) -> Any:
    """The bucket's name: a string, an Unknown, or None when AWS generates it (no `bucket`
    / `BucketName`, or only a `bucket_prefix`)."""
    attrs = bucket.attributes
    for key in ("bucket", "bucket_name"):
        value = attrs.get(key)
        if isinstance(value, str) and value:
            return str(value)
        if is_unknown(value):
            return value
    return None


def _name_glob(name: Any) -> str | None:
    if isinstance(name, str):
        return name
    if is_unknown(name):
        return unknown_glob(name)
    return None


def _uri_names(text: str) -> Iterator[tuple[str, str]]:
    """(glob, raw) bucket names after `s3://` / `arn:aws:s3:::` in `text`: the glob has `*`
    for each interpolation, the raw text keeps it (`${var.bucket}`)."""
    for match in _URI_START.finditer(text):
        i, n, out = match.end(), len(text), []
        while i < n:
            if text.startswith("${", i):
                depth, j = 1, i + 2
                while j < n and depth:
                    depth += {"{": 1, "}": -1}.get(text[j], 0)
                    j += 1
                out.append("*")
                i = j
            elif _NAME_CHAR.match(text[i]):
                out.append(text[i])
                i += 1
            else:
                break
        name = re.sub(r"\*+", "*", "".join(out))
        if name:
            yield name, text[match.end():i]


def written_bucket_names(resource: Resource) -> Iterator[tuple[str, tuple, str]]:
    """(name glob, path, raw text) for every bucket name written in `resource`'s
    attributes: S3 URIs and ARNs in any string (JSON documents included), and bare names in
    `bucket` / `bucket_name` attributes. Unknowns that refer to resources are left out: they
    are edges of the graph, and their unknown parts are those resources' attributes."""
    for path, value in _walk(resource.attributes, ()):
        if is_unknown(value):
            if value.refs:
                continue
            text = value.expr
            if "s3" in text.lower():
                for name, raw in _uri_names(text):
                    yield name, path, raw
            if path and path[-1] in _NAME_KEYS and "://" not in text and ":::" not in text:
                yield unknown_glob(value), path, _as_template(value)
        elif isinstance(value, str):
            if "s3" in value.lower():
                for name, raw in _uri_names(value):
                    yield name, path, raw
            if path and path[-1] in _NAME_KEYS and value and not re.search(r"[/:]", value):
                yield value, path, value


class _Index:
    """What the ML-bucket questions need from the whole project, computed once per project:
    the bucket names AI resources write, the known names of the buckets, and the resources
    by type. Derived data only (kept weakly per `Project`), so policies stay pure."""

    def __init__(self, project):
        self.by_type: dict[str, list[Resource]] = {}
        for r in project.resources:
            self.by_type.setdefault(r.type, []).append(r)
        self.written = [(r, glob, path, raw) for r in project.resources if is_ai_resource(r)
                        for glob, path, raw in written_bucket_names(r)]
        self.names: dict[str, int] = {}
        for b in self.by_type.get(BUCKET_TYPE, []):
            name = bucket_name(b)
            if isinstance(name, str):
                self.names[name] = self.names.get(name, 0) + 1


_INDEXES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def resources_of_type(ctx, rtype: str) -> list:
    """The scanned resources of one canonical type (indexed once per project)."""
    return list(_index(ctx).by_type.get(rtype, ()))


def _index(ctx) -> _Index:
    project = ctx.project
    found = _INDEXES.get(project)
    if found is None:
        found = _INDEXES[project] = _Index(project)
    return found


def _as_template(value: Unknown) -> str:
    """An unknown string as interpolation text: `var.b` -> `${var.b}`, `!Ref P` -> `${P}`,
    `!Sub a-${P}` -> `a-${P}`, a Terraform template as it is; two Unknowns of one module or
    template with the same text have the same value."""
    expr = " ".join(value.expr.split())
    if expr.startswith("!Ref "):
        return "${" + expr[5:].strip() + "}"
    if expr.startswith("!Sub "):
        return expr[5:].strip().strip("\"'")
    if "${" in expr and not expr.startswith(("!", "<<")) and '"' not in expr:
        return expr
    return "${" + expr + "}"


def _walk(value: Any, path: tuple) -> Iterator[tuple[tuple, Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, path + (i,))
    elif isinstance(value, EncodedJson):  # jsonencode(): walk what it encodes, Unknowns kept
        yield from _walk(value.value, path)
    else:
        yield path, value


# --------------------------------------------------------------------------------------
# ML buckets


def is_ml_bucket(bucket: Resource, ctx) -> Scope:
    """The ML-bucket rule of the module docstring, three-valued with a reason."""
    neighbour = ai_neighbour(bucket, ctx)
    if neighbour is not None:
        return Scope(True, f"used by `{neighbour.address}`")
    tagged = ml_tagged(bucket)
    if tagged.verdict is True:
        return tagged
    name = bucket_name(bucket)
    own = _name_glob(name)
    others = _other_names(bucket, ctx)
    maybe = tagged if tagged.verdict is None else None
    template = _as_template(name) if is_unknown(name) else None
    if own is not None:
        for resource, written, path, raw in _index(ctx).written:
            where = resource.native_name(path) if path else ""
            if template is not None and resource.unit == bucket.unit and raw == template:
                return Scope(True, f"named by `{resource.address}` in `{where}` through `{raw}`, its name")
            if "*" not in written and isinstance(name, str):
                if written.lower() == name.lower():
                    return Scope(True, f"named by `{resource.address}` in `{where}`")
                continue
            if "*" not in written and written in others:
                continue  # names another scanned bucket
            if maybe is None and globs_overlap(written, own):
                what = f"`{name.expr}`" if is_unknown(name) else f"`{name}`"
                maybe = Scope(None, f"`{resource.address}` writes a bucket name (`{where}`) that may be its "
                                    f"name {what}; it cannot be compared statically")
    return maybe or Scope(False)


def _other_names(bucket: Resource, ctx) -> set:
    """Known names of the other scanned buckets: a written name equal to one of them is theirs."""
    names = _index(ctx).names
    own = bucket_name(bucket)
    if isinstance(own, str) and names.get(own, 0) <= 1:
        return {n for n in names if n != own}
    return set(names)


def attached(bucket: Resource, ctx, rtype: str) -> tuple[list[Resource], list[Resource]]:
    """Resources of `rtype` (e.g. `aws_s3_bucket_versioning`) that configure `bucket`: those
    whose `bucket` refers to it or equals its known name (anywhere in the scan: names are
    global), and those of the same module or template whose `bucket` cannot be known and
    may be it."""
    linked: list[Resource] = []
    for source, ref in ctx.project.incoming(bucket):
        if source.type == rtype and tuple(ref.path[:1]) == ("bucket",) and not any(source is x for x in linked):
            linked.append(source)
    maybe: list[Resource] = []
    name = bucket_name(bucket)
    own = _name_glob(name)
    others = None
    for r in _index(ctx).by_type.get(rtype, ()):
        if any(r is x for x in linked):
            continue
        targets = [t for _, t in ctx.project.outgoing(r, ("bucket",))]
        if targets and all(t is not None for t in targets):
            continue  # it configures another scanned resource
        value = r.attributes.get("bucket")
        if isinstance(value, str):
            if isinstance(name, str) and value == name:
                linked.append(r)
            elif own is not None and not isinstance(name, str) and globs_overlap(value, own):
                others = _other_names(bucket, ctx) if others is None else others
                if value not in others:
                    maybe.append(r)
        elif is_unknown(value):
            if r.unit != bucket.unit:
                continue  # an unresolved expression of another module or template says nothing here
            if is_unknown(name) and " ".join(value.expr.split()) == " ".join(
                    name.expr.split()):
                linked.append(r)  # `bucket = var.name` on both: the same value
            elif own is not None and globs_overlap(unknown_glob(value), own):
                maybe.append(r)
    return linked, maybe


def blocks(value: Any, path: tuple) -> Iterator[tuple[tuple, Any]]:
    """Items of a Terraform block list, a CloudFormation object as one item; an Unknown is
    yielded as it is."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield path + (i,), item
    elif value is not None:
        yield path, value


def _external_name(r: Resource, path: tuple) -> str:
    inner = ".".join(str(p) for p in path if not isinstance(p, int))
    return f"`{r.address}` `{inner}`" if inner else f"`{r.address}`"


def combine(checks: list[Check]) -> Check:
    for c in checks:
        if c.verdict is True:
            return c
    for c in checks:
        if c.verdict is None:
            return c
    return checks[0] if checks else Check(False)


def maybe_configured(maybe: list[Resource], what: str) -> Check:
    r = maybe[0]
    value = r.attributes.get("bucket")
    shown = value.expr if is_unknown(value) else value
    return Check(None, f"{what[:1].lower()}{what[1:]} may be set by `{r.address}`, whose `bucket` (`{shown}`) cannot be matched "
                       f"to this bucket statically")


# --------------------------------------------------------------------------------------
# Default encryption


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
             if bucket.fmt != "cloudformation" else f"`{bucket.native_name(own_path)}` is not set")
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


# --------------------------------------------------------------------------------------
# GPU and accelerator instances


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
    for path, value in _walk(resource.attributes, ()):
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
            for r in _index(ctx).by_type.get("aws_launch_template", ()):
                if r.attributes.get("name") == name:
                    return r
    return None


def account_ebs_encryption_default(ctx) -> Resource | None:
    """An `aws_ebs_encryption_by_default` in the scan that may turn EBS encryption on for the
    account and region (its `enabled` defaults to true); None if there is none."""
    for r in _index(ctx).by_type.get("aws_ebs_encryption_by_default", ()):
        enabled = r.attributes.get("enabled", True)
        if enabled is not False and not (isinstance(enabled, str) and enabled.strip().lower() == "false"):
            return r
    return None
