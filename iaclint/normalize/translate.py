"""Turn a `RawResource` into a canonical `Resource`.

Terraform `aws` resources are already canonical. A CloudFormation resource is renamed key
by key through its table (PascalCase to snake_case unless the table says otherwise),
opaque documents are copied verbatim, spans and references follow their paths, and the
AWS defaults of security-relevant attributes are filled in and marked as defaults, so that
a policy asking "is direct internet access disabled?" gets AWS's answer for an unset
attribute. An `awscc` resource is its CloudFormation type under the provider's spelling
(`iaclint.normalize.awscc`): it goes through the same table, with the table's native paths
spelt as the provider spells them, so every policy of the CloudFormation type applies.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from iaclint.model import lazy_re
from iaclint.model import paths
from iaclint.model.resource import AWSCC, CLOUDFORMATION, RawResource, Reference, Resource, SpanMap
from iaclint.model.unknown import ABSENT, Unknown
from iaclint.normalize import awscc
from iaclint.normalize.tables import CFN_SPELLINGS, CFN_TYPES, DEFAULTS

_ACRONYM = lazy_re.compile(r"([A-Z]+)([A-Z][a-z])")
_WORD = lazy_re.compile(r"([a-z\d])([A-Z])")


@lru_cache(maxsize=4096)
def snake(name: str) -> str:
    """`KMSMasterKeyID` -> `kms_master_key_id`, `EnableSSMAccess` -> `enable_ssm_access`."""
    return _WORD.sub(r"\1_\2", _ACRONYM.sub(r"\1_\2", name)).lower()


def canonical_type(native_type: str) -> str:
    """The Terraform name of a CloudFormation type; untabled types get a derived name."""
    table = CFN_TYPES.get(native_type)
    if table:
        return table["type"]
    parts = native_type.split("::")
    # The service is one word in provider names (aws_sagemaker_*, aws_autoscaling_*).
    return f"aws_{parts[1].lower()}_{snake(parts[2])}" if len(parts) == 3 else native_type


def normalize(raw: RawResource) -> Resource:
    cfn_type = awscc.cfn_type_of(raw.native_type) if raw.fmt != CLOUDFORMATION else None
    if raw.fmt == CLOUDFORMATION:
        resource = _translated(raw, raw.native_type, CFN_TYPES.get(raw.native_type, {}), snake,
                               _speller(raw.native_type), CLOUDFORMATION)
    elif cfn_type is not None:
        resource = _translated(raw, cfn_type, _awscc_table(raw.native_type, cfn_type),
                               awscc.canonical_namer(cfn_type), _awscc_speller(raw.native_type, cfn_type), AWSCC)
    else:
        attributes = raw.attributes
        if raw.native_type.startswith("aws_"):
            attributes = _empty_strings_unset(attributes)
        resource = Resource(
            type=raw.native_type, native_type=raw.native_type, address=raw.address,
            file=raw.file, span=raw.span, header=raw.header, attributes=attributes,
            spans=raw.spans, native_paths={}, defaults=set(), fmt=raw.fmt,
            references=list(raw.references), unit=raw.unit, metadata=raw.metadata, metadata_spans=raw.metadata_spans,
            origins=raw.origins,
        )
    resource.environment = raw.environment
    fill_defaults(resource)
    if not isinstance(resource.spans, SpanMap):  # a Terraform module's resources have theirs packed already
        resource.spans = SpanMap(resource.spans)
    return resource


def _empty_strings_unset(attributes: dict, depth: int = 0) -> dict:
    """An `aws` provider argument set to `""` is not set: the provider reads an optional
    argument with `GetOk`, to which `""` is no value (`kms_key_id = var.kms_key_id` with
    `default = ""` deploys with the AWS-managed key), as it does `null`. Arguments of the
    resource and of its nested blocks (lists of objects); a map's values (`tags`,
    `environment`) are data and keep their `""`; a conditional's `""` branch leaves the
    argument unset (`ABSENT`), as a `null` branch does. A copy where anything changes:
    the attributes may be shared."""
    out = None
    for name, value in attributes.items():
        new = value
        if value == "" and value.__class__ is str:
            new = _UNSET
        elif isinstance(value, Unknown) and value.alternatives is not None and \
                any(a == "" and a.__class__ is str for a in value.alternatives):
            new = value.replace(alternatives=tuple(ABSENT if a == "" and a.__class__ is str else a
                                                   for a in value.alternatives))
        elif isinstance(value, list) and depth < 16 and any(type(item) is dict for item in value):
            blocks = [_empty_strings_unset(item, depth + 1) if type(item) is dict else item for item in value]
            if any(b is not item for b, item in zip(blocks, value)):
                new = blocks
        if new is not value:
            if out is None:
                out = dict(attributes)
            if new is _UNSET:
                del out[name]
            else:
                out[name] = new
    return attributes if out is None else out


_UNSET = object()


class _Translation:
    """State of one CloudFormation resource's translation: path maps built while walking.
    `convert` names a native key that the table does not rename."""

    def __init__(self, table: dict, convert=snake):
        self.convert = convert
        self.renames = table.get("renames", {})
        self.opaque = set(table.get("opaque", ()))
        self.moves = table.get("moves", {})
        self.path_map: dict[tuple, tuple] = {}  # native path -> canonical path
        self.native_paths: dict[tuple, str] = {}  # canonical path -> native dotted name
        self.moved: list[tuple[tuple, Any]] = []  # (canonical path, value) placed at the end

    def value(self, value: Any, native: tuple, dotted: str, canon: tuple) -> Any:
        self.path_map[native] = canon
        if isinstance(value, Unknown) and value.alternatives is not None:
            return value.replace(alternatives=tuple(self.alternative(a, native, dotted, canon)
                                                    for a in value.alternatives))
        if isinstance(value, dict) and dotted not in self.opaque:
            out = {}
            for key, child in value.items():
                child_dotted = f"{dotted}.{key}" if dotted else key
                child_native = native + (key,)
                moved = self.moves.get(child_dotted)
                if moved is not None:
                    target = paths.split(moved)
                    self.native_paths[target] = ".".join(p for p in child_native if isinstance(p, str))
                    self.moved.append((target, self.value(child, child_native, child_dotted, target)))
                    continue
                name = self.renames.get(child_dotted) or self.convert(key)
                self.native_paths[canon + (name,)] = ".".join(p for p in child_native if isinstance(p, str))
                out[name] = self.value(child, child_native, child_dotted, canon + (name,))
            return out
        if isinstance(value, list) and dotted not in self.opaque:
            return [self.value(item, native + (i,), dotted, canon + (i,)) for i, item in enumerate(value)]
        if dotted in self.opaque or _inside_opaque(dotted, self.opaque):
            for sub_path, _ in _walk_paths(value):
                self.path_map[native + sub_path] = canon + sub_path
        return value


    def alternative(self, value: Any, native: tuple, dotted: str, canon: tuple) -> Any:
        """One branch of a conditional value, renamed like the value itself. Nothing in it
        is written at a path of its own, so no spans map into it and nothing moves out."""
        if not isinstance(value, (dict, list, Unknown)):
            return value
        branch = _Translation({}, self.convert)
        branch.renames, branch.opaque = self.renames, self.opaque
        out = branch.value(value, native, dotted, canon)
        for path, name in branch.native_paths.items():
            self.native_paths.setdefault(path, name)
        return out


def _inside_opaque(dotted: str, opaque: set) -> bool:
    return any(dotted.startswith(o + ".") for o in opaque)


def _walk_paths(value: Any, prefix: tuple = ()):
    yield prefix, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk_paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk_paths(v, prefix + (i,))


def _translated(raw: RawResource, cfn_type: str, table: dict, convert, speller, dialect: str) -> Resource:
    """A resource of CloudFormation type `cfn_type`, written in `dialect`, whose native
    paths `table` and `convert` rename."""
    t = _Translation(table, convert)
    attributes = t.value(raw.attributes, (), "", ())
    if not isinstance(attributes, dict):
        attributes = {}
    for target, value in t.moved:
        _set_path(attributes, target, value)

    spans = {}
    for native_path, span in raw.spans.items():
        canon = _map_path(t.path_map, tuple(native_path))
        if canon is not None:
            spans[canon] = span
    origins = {}
    for native_path, origin in raw.origins.items():
        canon = _map_path(t.path_map, tuple(native_path))
        if canon is not None:
            origins[canon] = origin
    references = []
    for ref in raw.references:
        canon = _map_path(t.path_map, tuple(ref.path))
        references.append(Reference(canon if canon is not None else tuple(ref.path), ref.target, ref.attribute))
    return Resource(
        type=canonical_type(cfn_type), native_type=raw.native_type, address=raw.address,
        file=raw.file, span=raw.span, header=raw.header, attributes=attributes, spans=spans,
        native_paths=t.native_paths, defaults=set(), fmt=raw.fmt, references=references,
        unit=raw.unit, metadata=raw.metadata, metadata_spans=raw.metadata_spans, speller=speller,
        origins=origins, dialect=dialect,
    )


@lru_cache(maxsize=256)
def _awscc_table(awscc_type: str, cfn_type: str) -> dict:
    """The CloudFormation table of `cfn_type` with its native paths spelt as the awscc
    provider spells them, plus the provider's own top-level renames (`Id` -> `<x>_id`)."""
    table = CFN_TYPES.get(cfn_type, {})

    def spelt(dotted: str) -> str:
        return ".".join(awscc.awscc_name(segment) for segment in dotted.split("."))

    renames = {spelt(native): canon for native, canon in table.get("renames", {}).items()}
    for name, native in awscc.renamed_attributes(awscc_type).items():
        renames.setdefault(name, table.get("renames", {}).get(native) or snake(native))
    return {"renames": renames, "opaque": [spelt(p) for p in table.get("opaque", ())],
            "moves": {spelt(native): canon for native, canon in table.get("moves", {}).items()}}


@lru_cache(maxsize=256)
def _speller(native_type: str) -> "_Speller":
    return _Speller(native_type)


@lru_cache(maxsize=256)
def _awscc_speller(awscc_type: str, cfn_type: str) -> "_AwsccSpeller":
    return _AwsccSpeller(awscc_type, cfn_type)


class _Speller:
    """Canonical name -> CloudFormation name, for paths the template does not write:
    the table's renames reversed, the known irregular spellings, else PascalCase. A class,
    not a closure, so that resources pickle (the cache, worker processes)."""

    def __init__(self, native_type: str):
        self.native_type = native_type
        table = CFN_TYPES.get(native_type, {})
        self.reverse = {canon: native.split(".")[-1] for native, canon in table.get("renames", {}).items()}
        self.reverse.update({canon: native for native, canon in table.get("moves", {}).items()})

    def __call__(self, name: str) -> str:
        if name in self.reverse:
            return self.reverse[name]
        if name in CFN_SPELLINGS:
            return CFN_SPELLINGS[name]
        return "".join(part[:1].upper() + part[1:] for part in name.split("_"))

    def __reduce__(self):
        return _speller, (self.native_type,)


class _AwsccSpeller:
    """Canonical name -> awscc name: the CloudFormation spelling, spelt by the provider."""

    def __init__(self, awscc_type: str, cfn_type: str):
        self.awscc_type, self.cfn_type = awscc_type, cfn_type
        self.cfn = _speller(cfn_type)
        self.reverse = {snake(native): name for name, native in awscc.renamed_attributes(awscc_type).items()}

    def __call__(self, name: str) -> str:
        found = self.reverse.get(name)
        return found or ".".join(awscc.awscc_name(part) for part in self.cfn(name).split("."))

    def __reduce__(self):
        return _awscc_speller, (self.awscc_type, self.cfn_type)


def _map_path(path_map: dict, native: tuple) -> tuple | None:
    """Canonical path of a native path; a path below a mapped one keeps its tail verbatim."""
    found = path_map.get(native)
    if found is not None:
        return found
    for cut in range(len(native) - 1, -1, -1):
        head = path_map.get(native[:cut])
        if head is not None:
            return head + native[cut:]
    return None


def _set_path(attributes: dict, path: tuple, value: Any) -> None:
    node = attributes
    for key in path[:-1]:
        node = node.setdefault(key, {})
        if not isinstance(node, dict):
            return
    node[path[-1]] = value


def fill_defaults(resource: Resource) -> None:
    """Write AWS defaults into unset attributes; a nested default only into existing parents.

    A conditional value (an Unknown with `alternatives`) gets the default in each branch
    that leaves the attribute unset, so that every branch reads as AWS would deploy it."""
    for dotted, value in DEFAULTS.get(resource.type, {}).items():
        segments = paths.split(dotted)
        if len(segments) <= 2 and _filled_plainly(resource, segments, value):
            continue
        _fill_branches(resource.attributes, segments, value)
        parents = [((), resource.attributes)] if len(segments) == 1 else paths.find(resource.attributes, segments[:-1])
        key = segments[-1]
        for parent_path, parent in parents:
            # A Terraform nested block is a list of dicts: fill each written block.
            blocks = [(parent_path + (i,), b) for i, b in enumerate(parent)] if isinstance(parent, list) \
                else [(parent_path, parent)]
            for block_path, block in blocks:
                if isinstance(block, dict) and key not in block:
                    block[key] = value
                    resource.defaults.add(block_path + (key,))


def _filled_plainly(resource: Resource, segments: tuple, default: Any) -> bool:
    """`fill_defaults` of one default at `a` or `a.b` (most of them) where the attributes
    are plain: a dict, and at `a` nothing, a dict or a list of dicts (a Terraform block);
    False, having changed nothing, for anything else (the general way then walks it).
    What the general way does there, without its two walks: an unset `b` of each block is
    the default (its path added to `defaults` in block order), a conditional value at the
    path gets the default in its branches that leave it unset."""
    attributes = resource.attributes
    if type(attributes) is not dict or any(type(s) is not str or s == "*" for s in segments):
        return False
    if len(segments) == 1:
        blocks = [((), attributes)]
    else:
        parent = attributes.get(segments[0], _ABSENT)
        if parent is _ABSENT:
            return True  # no parent: neither way writes anything
        if type(parent) is dict:
            blocks = [(segments[:1], parent)]
        elif type(parent) is list and all(type(block) is dict for block in parent):
            blocks = [(segments[:1] + (i,), block) for i, block in enumerate(parent)]
        else:
            return False
    key = segments[-1]
    for path, block in blocks:
        if key in block:
            value = block[key]
            if isinstance(value, Unknown) and value.alternatives is not None:
                block[key] = _with_default(value, (), default)
        else:
            block[key] = default
            resource.defaults.add(path + (key,))
    return True


_ABSENT = object()


def _fill_branches(attributes: dict, segments: tuple, default: Any) -> None:
    for path, value, rest in paths.find_rest(attributes, segments):
        if isinstance(value, Unknown) and value.alternatives is not None:
            _replace(attributes, path, _with_default(value, rest, default))


def _with_default(value: Any, rest: tuple, default: Any, depth: int = 0) -> Any:
    """`value` with `default` written wherever `rest` is unset inside it (copies, never
    in place: mappings and branches may be shared)."""
    if depth > 16:
        return value
    if isinstance(value, Unknown):
        if value.alternatives is None:
            return value
        return value.replace(alternatives=tuple(
            (default if not rest else a) if a is ABSENT else _with_default(a, rest, default, depth + 1)
            for a in value.alternatives))
    if not rest:
        return value
    head, tail = rest[0], rest[1:]
    if isinstance(value, list):
        return [_with_default(item, rest, default, depth + 1) for item in value]
    if not isinstance(value, dict):
        return value
    if head not in value:
        return {**value, head: default} if not tail else value
    return {**value, head: _with_default(value[head], tail, default, depth + 1)}


def _replace(attributes: dict, path: tuple, new: Any) -> None:
    node: Any = attributes
    for key in path[:-1]:
        node = node[key]
    if path:
        node[path[-1]] = new
