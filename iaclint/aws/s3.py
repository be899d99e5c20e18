"""S3 buckets of ML workloads: which buckets they are, and the bucket settings policies share.

Training data, model artifacts, RAG corpora and invocation logs live in S3, so several
policies (the `s3-ml-bucket-*` rows, the MLflow artifact store, Bedrock invocation logging)
ask about buckets. They ask two kinds of question, both answered here once so that every
policy reads a bucket the same way, wherever its settings are written (inline, in a separate
Terraform `aws_s3_bucket_*` resource, in CloudFormation properties):

- *Is it an ML bucket?* (`is_ml_bucket`, three-valued with a reason, `iaclint.aws.mlscope.Scope`);
- *Where are its settings?* (`attached` / `maybe_configured`: the separate Terraform
  resources that configure a bucket); `iaclint.aws.s3_settings` judges the settings
  themselves (`encryption_check`, `public_access_check`), as `iaclint.aws.verdicts.Check`.

**ML bucket.** An `aws_s3_bucket` (CloudFormation `AWS::S3::Bucket`) is an ML bucket when

1. an AI resource refers to it, or it refers to an AI resource (an edge of the project
   graph either way: `bucket_arn = aws_s3_bucket.docs.arn`, `!GetAtt Docs.Arn`,
   `"s3://${aws_s3_bucket.data.bucket}/train/"`);
2. an AI resource writes its name: `s3://<name>/...` or `arn:aws:s3:::<name>` in any
   string (embedded JSON such as pipeline definitions included), or a `bucket` /
   `bucket_name` attribute equal to it. The name is the bucket's `bucket` (Terraform) or
   `BucketName` (CloudFormation) when it is known; names are global, so this works across
   files and formats;
3. it carries an ML tag (`iaclint.aws.mlscope.ml_tagged`).

AI resources are those of `iaclint.aws.mlscope.AI_SERVICES`. The answer is None when a written
name could be the bucket's but cannot be compared: an AI resource writes
`s3://${var.bucket}/...` with an unknown variable, or the bucket's own name is unknown
(`bucket = var.name`) while an AI resource names some bucket that is not otherwise in the
scan, or its tags cannot be known. Everything else is False. An IAM role that can read the
bucket does not make it an ML bucket.

Only plain data, `Unknown`, the resource model, `iaclint.model.paths` and the scoping, glob and
verdict helpers are used here.
"""
from __future__ import annotations

import re
from typing import Any, Iterator

from iaclint.aws.mlscope import (
    Scope,
    ai_neighbour,
    is_ai_resource,
    ml_tagged,
    project_table,
    resources_of_type,
)
from iaclint.aws.verdicts import Check, leaves
from iaclint.model import lazy_re
from iaclint.model import symbolic
from iaclint.model.resource import Resource
from iaclint.model.unknown import Unknown, is_unknown, shape_name
from iaclint.model.unknown_globs import interpolation_end

BUCKET_TYPE = "aws_s3_bucket"
SSE_TYPE = "aws_s3_bucket_server_side_encryption_configuration"
PUBLIC_ACCESS_BLOCK_TYPE = "aws_s3_bucket_public_access_block"
VERSIONING_TYPE = "aws_s3_bucket_versioning"
LOGGING_TYPE = "aws_s3_bucket_logging"
POLICY_TYPE = "aws_s3_bucket_policy"


# Attributes of AI resources that hold a bare bucket name.
_NAME_KEYS = frozenset({"bucket", "bucket_name", "s3_bucket", "s3_bucket_name"})
_URI_START = lazy_re.compile(r"s3://|arn:(?:aws[a-z-]*|\x00):s3:::", re.IGNORECASE)  # \x00: a hole (the partition)
_NAME_CHAR = lazy_re.compile(r"[A-Za-z0-9.\-]")


# --------------------------------------------------------------------------------------
# Bucket names, and the names AI resources write


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


def _string_items(pieces: tuple) -> list:
    """A string's pieces as characters and holes; `${...}` in known text (an IAM policy
    variable such as `${aws:username}`) is a hole too."""
    items: list = []
    for piece in pieces:
        if not isinstance(piece, str):
            items.append(piece)
            continue
        i = 0
        while i < len(piece):
            if piece.startswith("${", i):
                end = interpolation_end(piece, i)
                items.append(Unknown(piece[i + 2:end - 1], "a policy variable, known at request time"))
                i = end
            else:
                items.append(piece[i])
                i += 1
    return items


def _uri_names(value: Any) -> Iterator[tuple[Any, str]]:
    """(name, text as written) of every bucket named after `s3://` / `arn:aws:s3:::` in a
    string, known or partially known: the name is itself a partially known string when a
    hole is part of it (`s3://${var.env}-data/`)."""
    pieces = symbolic.pieces(value)
    if pieces is None:
        return
    items = _string_items(pieces)
    text = "".join(c if isinstance(c, str) else "\x00" for c in items)
    for match in _URI_START.finditer(text):
        i, out = match.end(), []
        while i < len(items) and (not isinstance(items[i], str) or _NAME_CHAR.match(items[i])):
            out.append(items[i])
            i += 1
        if out:
            shown = "".join(c if isinstance(c, str) else "${" + shape_name(c) + "}" for c in out)
            yield symbolic.text(out, shown, "part of the name is unknown"), shown


def written_bucket_values(resource: Resource) -> Iterator[tuple[Any, tuple, str]]:
    """(name, path, text as written) for every bucket name written in `resource`'s
    attributes: S3 URIs and ARNs in any string (JSON documents included), and bare names in
    `bucket` / `bucket_name` attributes. A name is a string or a partially known string
    (`iaclint.model.symbolic`). Unknowns that refer to resources are left out: they are
    edges of the graph, and their unknown parts are those resources' attributes."""
    for path, value in leaves(resource.attributes):
        if is_unknown(value):
            if value.refs:
                continue
            if "s3" in (symbolic.glob(value) or "").lower():
                for name, shown in _uri_names(value):
                    yield name, path, shown
            if path and path[-1] in _NAME_KEYS and not any(
                    ch in text for text in symbolic.literal_text(value) for ch in "/:"):
                yield value, path, symbolic.glob(value) or value.expr
        elif isinstance(value, str):
            if "s3" in value.lower():
                for name, shown in _uri_names(value):
                    yield name, path, shown
            if path and path[-1] in _NAME_KEYS and value and not re.search(r"[/:]", value):
                yield value, path, value


def written_bucket_names(resource: Resource) -> Iterator[tuple[str, tuple, str]]:
    """(name glob, path, text as written) of `written_bucket_values`: a glob with `*` for
    each unknown part of the name."""
    for name, path, shown in written_bucket_values(resource):
        yield symbolic.glob(name) or "*", path, shown


class _Names:
    """What the ML-bucket questions need from the whole project, computed once per project
    (`iaclint.aws.mlscope.project_table`): the bucket names AI resources write, and how many
    scanned buckets have each known name."""

    def __init__(self, project):
        self.written = [(r, name, path, shown) for r in project.resources if is_ai_resource(r)
                        for name, path, shown in written_bucket_values(r)]
        # For a bucket with a known name, a known written name is the same (any case) or
        # rules it out: only the first equal one and the partly known ones need comparing,
        # not every name written in the scan (quadratic in 10,000 buckets and notebooks).
        self.first_known: dict[str, int] = {}
        self.partly_known: list[int] = []
        self.scopes: dict[int, Scope] = {}  # is_ml_bucket's answers, by id of the bucket
        # comparisons left, by the bucket's unit: a unit is checked in one process, so the
        # answers do not depend on --jobs
        self.comparisons_left: dict = {}
        for i, (_r, name, _path, _shown) in enumerate(self.written):
            if isinstance(name, str):
                self.first_known.setdefault(name.lower(), i)
            else:
                self.partly_known.append(i)
        self.counts: dict[str, int] = {}
        for b in project.resources:
            if b.type == BUCKET_TYPE:
                name = bucket_name(b)
                if isinstance(name, str):
                    self.counts[name] = self.counts.get(name, 0) + 1


def _names(ctx) -> _Names:
    return project_table(ctx, _Names)


def _names_another_bucket(bucket: Resource, ctx):
    """Whether a written name is the known name of another scanned bucket (then it is
    theirs): a test, not the set of the other names, which would make every bucket's
    question cost as much as there are buckets."""
    names = _names(ctx).counts
    own = bucket_name(bucket)
    alone = isinstance(own, str) and names.get(own, 0) <= 1
    return lambda written: written in names and not (alone and written == own)


# --------------------------------------------------------------------------------------
# ML buckets


# Comparisons of partly known names (`symbolic.same_text`, ~0.1 ms each) for the buckets of
# one unit (a Terraform root with its modules, a template):
# every bucket against every name written in the scan is quadratic, and ten lines of
# Terraform (`count = 2000` of buckets named `${var.x}-${count.index}` and of notebooks
# writing `s3://${var.x}-${count.index}/`) made four million of them. Past the budget a
# bucket's answer is UNKNOWN, with the reason; real projects stay far below it.
MAX_NAME_COMPARISONS = 100_000


def is_ml_bucket(bucket: Resource, ctx) -> Scope:
    """The ML-bucket rule of the module docstring, three-valued with a reason; computed
    once per bucket (five policies ask)."""
    names = _names(ctx)
    found = names.scopes.get(id(bucket))
    if found is None:
        found = names.scopes[id(bucket)] = _is_ml_bucket(bucket, ctx, names)
    return found


def _is_ml_bucket(bucket: Resource, ctx, names: _Names) -> Scope:
    neighbour = ai_neighbour(bucket, ctx)
    if neighbour is not None:
        return Scope(True, f"used by `{neighbour.address}`")
    tagged = ml_tagged(bucket)
    if tagged.verdict is True:
        return tagged
    name = bucket_name(bucket)
    names_another = _names_another_bucket(bucket, ctx)
    maybe = tagged if tagged.verdict is None else None
    if name is not None:
        for resource, written, path, shown in _written_for(name, names):
            where = resource.native_name(path) if path else ""
            left = names.comparisons_left.get(bucket.unit, MAX_NAME_COMPARISONS)
            if left <= 0:
                return Scope(None, f"too many bucket names to compare them all with this bucket's (more than "
                                   f"{MAX_NAME_COMPARISONS:,} comparisons for the buckets of its unit)")
            names.comparisons_left[bucket.unit] = left - 1
            same = symbolic.same_text(written, name, fold=True)
            if same is True:  # the same text, or the same unknown value (`var.bucket` on both sides)
                how = f" through `{shown}`, its name" if is_unknown(name) else ""
                return Scope(True, f"named by `{resource.address}` in `{where}`{how}")
            if same is False:
                continue  # its known text rules this bucket out
            if isinstance(written, str) and names_another(written):
                continue  # names another scanned bucket
            if maybe is None:
                what = f"`{name.expr}`" if is_unknown(name) else f"`{name}`"
                maybe = Scope(None, f"`{resource.address}` writes a bucket name (`{where}`) that may be its "
                                    f"name {what}; it cannot be compared statically")
    return maybe or Scope(False)


def _written_for(name, names: _Names) -> list:
    """The written names `is_ml_bucket` must compare with a bucket's `name`, in order."""
    if not isinstance(name, str):
        return names.written
    first = names.first_known.get(name.lower())
    chosen = names.partly_known if first is None else sorted(names.partly_known + [first])
    return [names.written[i] for i in chosen]


# --------------------------------------------------------------------------------------
# Settings written in separate Terraform resources


def attached(bucket: Resource, ctx, rtype: str) -> tuple[list[Resource], list[Resource]]:
    """Resources of `rtype` (e.g. `aws_s3_bucket_versioning`) that configure `bucket`: those
    whose `bucket` refers to it or equals its known name (anywhere in the scan: names are
    global), and those of the same module or template whose `bucket` cannot be known and
    may be it (in scan order; of the values nothing is known of, only the first: each may
    be any bucket's, and callers ask whether there is one and name the first)."""
    linked: list[Resource] = []
    seen: set = set()  # ids of `linked`
    for source, ref in ctx.project.incoming(bucket):
        if source.type == rtype and tuple(ref.path[:1]) == ("bucket",) and id(source) not in seen:
            linked.append(source)
            seen.add(id(source))
    maybe: list = []  # (scan index, resource)
    name = bucket_name(bucket)
    names_another = None
    table = _configurations(ctx, rtype)
    for i, r, value in table.candidates(bucket, name):
        if id(r) in seen:
            continue
        if isinstance(value, str):
            if isinstance(name, str) and value == name:
                linked.append(r)
                seen.add(id(r))
            elif is_unknown(name) and symbolic.same_text(value, name, fold=True) is not False:
                names_another = names_another or _names_another_bucket(bucket, ctx)
                if not names_another(value):
                    maybe.append((i, r))
        elif is_unknown(value):
            if r.unit != bucket.unit:
                continue  # an unresolved expression of another module or template says nothing here
            same = symbolic.same(value, name) if name is not None else None
            if same is True:
                linked.append(r)  # `bucket = var.name` on both: the same value
                seen.add(id(r))
            elif name is not None and same is None:
                maybe.append((i, r))
    first = table.first_anything.get(bucket.unit)
    if name is not None and first is not None and id(first[1]) not in seen:
        maybe.insert(next((k for k, (i, _) in enumerate(maybe) if i > first[0]), len(maybe)), first)
    return linked, [r for _, r in maybe]


class _Configurations:
    """The resources of one type that may configure a bucket by its name (`bucket` not a
    reference to another scanned resource), indexed once per project, so that `attached`
    looks at the few that can concern one bucket instead of all of them (quadratic: 20,000
    buckets beside 20,000 `aws_s3_bucket_versioning` took more than five minutes). A
    `bucket` nothing is known of (`symbolic.anything`: not evaluated, a unit over its work
    budget) may be any bucket's: only the first of each unit is kept (a unit over its
    budget with 10,000 buckets and 464 such values made 9 million comparisons, 50 s)."""

    def __init__(self, project, resources: list):
        self.entries: list = []  # (resource, its `bucket` value), scan order
        self.by_name: dict[str, list[int]] = {}
        self.known: list[int] = []  # entries whose `bucket` is a string
        self.unknown_by_unit: dict = {}  # entries whose `bucket` is an Unknown, by unit
        self.first_anything: dict = {}  # unit -> (scan index, resource) of the first `anything`
        for r in resources:
            targets = [t for _, t in project.outgoing(r, ("bucket",))]
            if targets and all(t is not None for t in targets):
                continue  # it configures another scanned resource
            value = r.attributes.get("bucket")
            i = len(self.entries)
            self.entries.append((r, value))
            if isinstance(value, str):
                self.by_name.setdefault(value, []).append(i)
                self.known.append(i)
            elif symbolic.anything(value):
                self.first_anything.setdefault(r.unit, (i, r))
            elif is_unknown(value):
                self.unknown_by_unit.setdefault(r.unit, []).append(i)

    def candidates(self, bucket: Resource, name) -> list:
        """(scan index, resource, value) of the entries `attached` compares with `bucket`,
        in scan order."""
        chosen = list(self.unknown_by_unit.get(bucket.unit, ()))
        if isinstance(name, str):
            chosen += self.by_name.get(name, ())
        elif is_unknown(name):
            chosen += self.known
        return [(i, *self.entries[i]) for i in sorted(chosen)]


def _configurations(ctx, rtype: str) -> _Configurations:
    tables = project_table(ctx, _ConfigurationTables)
    if rtype not in tables:
        tables[rtype] = _Configurations(ctx.project, resources_of_type(ctx, rtype))
    return tables[rtype]


class _ConfigurationTables(dict):
    """{type: _Configurations}, per project."""

    def __init__(self, _project):
        super().__init__()


def maybe_configured(maybe: list[Resource], what: str) -> Check:
    """UNKNOWN for a setting that one of `maybe` (from `attached`) may write: its `bucket`
    cannot be matched to this bucket."""
    r = maybe[0]
    value = r.attributes.get("bucket")
    shown = value.expr if is_unknown(value) else value
    return Check(None, f"{what[:1].lower()}{what[1:]} may be set by `{r.address}`, whose `bucket` (`{shown}`) cannot be matched "
                       f"to this bucket statically")
