"""Spans, raw and canonical resources: the data every layer shares.

Parsers produce `RawResource`s in their native vocabulary; `iaclint.normalize` turns
them into canonical `Resource`s (Terraform AWS provider vocabulary, DESIGN section 2);
the engine runs policies on a `iaclint.model.project.Project` of canonical resources.

Attribute paths are tuples of keys (str) and list indexes (int). A Terraform nested block
is a list of dicts (blocks can repeat); a CloudFormation object is a dict. Path lookups
in `iaclint.model.paths` step through lists transparently, so one policy path such as
`vpc_config.subnets` works on both shapes.
"""
from __future__ import annotations

import struct
from array import array
from operator import attrgetter

from iaclint.model.records import dataclass, field

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: a whole-scan cache hit does not import `typing`
if TYPE_CHECKING:
    from typing import Any, Callable, Iterator

Path = tuple  # tuple[str | int, ...]

TERRAFORM = "terraform"
CLOUDFORMATION = "cloudformation"
# Dialects: the vocabulary a resource is written in. A `.tf` file holds `aws` provider
# resources (the canonical vocabulary) or `awscc` ones (CloudFormation types, spelt by that
# provider); a template holds CloudFormation.
AWS = "aws"
AWSCC = "awscc"


@dataclass(order=True, slots=True, unsafe_hash=True)  # slots: a large scan holds ~15 per resource
class Span:
    """A region of a file, 1-based lines and columns; end is inclusive of the last line.

    Immutable by convention, not `frozen`: a frozen dataclass's `__init__` sets each field
    through `object.__setattr__`, 4x slower, and a large scan makes ~100,000 spans."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __reduce__(self):  # 3x faster to pickle than slots dataclasses' generic state (cache, workers)
        return Span, (self.file, self.line, self.column, self.end_line, self.end_column)


_FILE = attrgetter("file")
_PACK4 = struct.Struct("4i").pack  # four numbers as array("i") holds them (native size and order)


class SpanMap:
    """A canonical resource's spans (path -> `Span`, one per path written), packed: the
    paths in a tuple, the four numbers of every span in one array, the file once (or one
    per span when they differ), so a large scan does not hold ~90,000 `Span` objects and
    dictionary entries for the few a report points at; the `Span` of a path is made when
    it is asked for (equal to the one stored, not the same object). A read-only mapping in
    the paths' order, equal to a dict of the same spans.

    A resource of one module of 1,000 files holds 12 spans on average: a lookup scans the
    paths (in C); past `_SCANNED` paths it goes through an index built on first use."""

    __slots__ = ("_files", "_index", "_numbers", "_paths")
    _SCANNED = 16

    def __init__(self, spans: dict):
        self._paths = tuple(spans)
        values = spans.values()
        files = set(map(_FILE, values))
        self._files = next(iter(files)) if len(files) == 1 else tuple(s.file for s in values)
        # Packed four at a time by `struct` into the array's bytes: `array("i", numbers)`
        # converts each number through the argument parser (a third of the map's cost).
        numbers = self._numbers = array("i")
        try:
            numbers.frombytes(b"".join([_PACK4(s.line, s.column, s.end_line, s.end_column) for s in values]))
        except struct.error:  # past 2**31 (no file the read gate lets in): one 64-bit word each
            self._numbers = array("q", [n for s in values for n in (s.line, s.column, s.end_line, s.end_column)])
        self._index = None

    def _at(self, path) -> int:
        """The position of `path`, or -1."""
        index = self._index
        if index is None:
            if len(self._paths) <= self._SCANNED:
                try:
                    return self._paths.index(path)
                except ValueError:
                    return -1
            index = self._index = {p: i for i, p in enumerate(self._paths)}
        return index.get(path, -1)

    def _span(self, i: int) -> Span:
        files, numbers, j = self._files, self._numbers, 4 * i  # indexed, not sliced: no array made per span
        return Span(files if isinstance(files, str) else files[i], numbers[j], numbers[j + 1], numbers[j + 2],
                    numbers[j + 3])

    def get(self, path, default=None):
        i = self._at(path)
        return default if i < 0 else self._span(i)

    def __getitem__(self, path) -> Span:
        i = self._at(path)
        if i < 0:
            raise KeyError(path)
        return self._span(i)

    def __contains__(self, path) -> bool:
        return self._at(path) >= 0

    def __iter__(self):
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)

    def keys(self):
        return self._paths

    def values(self) -> list:
        return [self._span(i) for i in range(len(self._paths))]

    def items(self) -> list:
        return list(zip(self._paths, self.values()))

    def __eq__(self, other) -> bool:
        if isinstance(other, SpanMap):
            return (self._paths, self._files, self._numbers) == (other._paths, other._files, other._numbers) \
                or dict(self.items()) == dict(other.items())
        if isinstance(other, dict):
            return dict(self.items()) == other
        return NotImplemented

    __hash__ = None

    def __repr__(self) -> str:
        return f"SpanMap({dict(self.items())!r})"

    def __reduce__(self):
        """Packed in the cache and between processes too: the paths as one flat tuple
        (each path's length, then its keys), the numbers as bytes, so that a pickle's memo
        holds a few objects per resource, not three per span (the unit's entry of a module
        of 1,000 files: 546,080 memo entries and 9 MB of `Span.__reduce__` tuples)."""
        flat = []
        for path in self._paths:
            flat.append(len(path))
            flat.extend(path)
        return _span_map, (tuple(flat), self._files, self._numbers.typecode, self._numbers.tobytes())


def _span_map(flat: tuple, files, typecode: str, numbers: bytes) -> SpanMap:
    from array import array

    paths, i = [], 0
    while i < len(flat):
        end = i + 1 + flat[i]
        paths.append(flat[i + 1:end])
        i = end
    spans = SpanMap.__new__(SpanMap)
    spans._paths, spans._files, spans._index = tuple(paths), files, None
    spans._numbers = array(typecode)
    spans._numbers.frombytes(numbers)
    return spans


@dataclass(frozen=True, slots=True)
class Reference:
    """An edge of the project graph: `path` of the referring resource names `target`.

    `target` is a Terraform address (`aws_iam_role.r`, `data.aws_iam_policy_document.d`)
    or a CloudFormation logical id; `attribute` is what was read (`arn`, `Arn`, or "" for
    a plain `Ref`).
    """

    path: Path
    target: str
    attribute: str = ""

    def __reduce__(self):  # as Span's
        return Reference, (self.path, self.target, self.attribute)


@dataclass
class RawResource:
    """One resource as its parser saw it, in native names, values already evaluated."""

    native_type: str  # "aws_sagemaker_notebook_instance" or "AWS::SageMaker::NotebookInstance"
    address: str  # "aws_x.name", "data.aws_iam_policy_document.d", or a CloudFormation logical id
    file: str
    span: Span  # the whole resource
    header: Span  # where resource-level findings point: TF block header, CFN logical id key
    attributes: dict  # native names -> plain data or Unknown
    spans: dict  # native Path -> Span, for every path written in the source (a Terraform module: a `SpanMap`)
    fmt: str  # TERRAFORM or CLOUDFORMATION
    references: list = field(default_factory=list)  # list[Reference], native paths
    unit: str = ""  # scope of addresses: the TF module directory or the CFN template file
    metadata: dict = field(default_factory=dict)  # CFN `Metadata` (suppressions, cdk path)
    metadata_spans: dict = field(default_factory=dict)  # Path inside `metadata` -> Span
    # Where a value that came in through a variable was set, per native path, as text for
    # messages (`var.x set in terraform.tfvars:3`); Terraform only.
    origins: dict = field(default_factory=dict)
    environment: str = ""  # the environment it was evaluated in (`pipeline.environments`), "" if none


PARSE_ERROR_ID = "IAC001"
DUPLICATE_KEY_ID = "IAC004"


@dataclass(frozen=True)
class ParseError:
    """A problem a loader finds in the text itself: a file that could not be read or parsed
    (an IAC001 finding), or a key written twice (`policy_id` IAC004), which does not stop
    the file from being scanned."""

    file: str
    line: int
    column: int
    message: str
    policy_id: str = PARSE_ERROR_ID


@dataclass(frozen=True)
class Uncreated:
    """A block that creates nothing with the values a load was given: a Terraform
    `resource` or `module` block whose `count` is 0 or whose `for_each` is empty, a
    CloudFormation resource or nested stack whose `Condition` is false. Exactly as
    Terraform and CloudFormation deploy it, it gives no resource and so no finding; the
    load keeps this record among its notes so that the scan can say what it did not check
    (`iaclint.pipeline.uncreated_notes`). Kept only when what switched it off is a value
    the deployer sets: `switches` names the root module's variables (`var.is_kb`) or the
    root template's parameters that decide it. `kind` is the native type, "module" for a
    module call; `scope` the module instance or nested stack it is in ("" at the top);
    `why` what switched it off, as said to the user."""

    scope: str
    file: str
    line: int
    address: str
    kind: str
    why: str
    switches: tuple = ()


@dataclass
class Resource:
    """A canonical resource: Terraform vocabulary whatever the source format."""

    type: str  # canonical: aws_sagemaker_notebook_instance, data.aws_iam_policy_document
    native_type: str
    address: str
    file: str
    span: Span
    header: Span
    attributes: dict  # canonical names; defaults filled in
    spans: dict  # canonical Path -> Span (a `SpanMap` once normalized)
    native_paths: dict  # canonical Path -> native dotted spelling (for messages)
    defaults: set  # canonical Paths whose value is an AWS default, not written in source
    fmt: str
    references: list  # list[Reference] with canonical paths
    unit: str
    metadata: dict = field(default_factory=dict)
    metadata_spans: dict = field(default_factory=dict)  # Path inside `metadata` -> Span (suppressions)
    # Spells canonical names of paths that are not written (an unset KmsKeyId) in the
    # native vocabulary; set by the normalizer for CloudFormation, None for Terraform.
    speller: Callable[[str], str] | None = None
    # Canonical path -> where the value that came in through a variable was set (text).
    origins: dict = field(default_factory=dict)
    dialect: str = AWS  # AWS, AWSCC or CLOUDFORMATION (set by the normalizer)
    environment: str = ""  # `prod (prod-config.json)`: the environment it was evaluated in, "" if none

    @property
    def cloudformation_schema(self) -> bool:
        """Does the resource follow the CloudFormation schema of its type (a template or an
        `awscc` resource), rather than the `aws` provider's? Its shapes and service defaults
        are then CloudFormation's: one `BlockDeviceMappings` list, not Terraform's split
        blocks; an unset property, not a provider default."""
        return self.fmt == CLOUDFORMATION or self.dialect == AWSCC

    def origin_of(self, path: Path) -> str:
        """Where the value at `path` (or at its nearest ancestor that has one) was set, when
        it came in through a variable; "" otherwise."""
        path = tuple(path)
        while path:
            found = self.origins.get(path)
            if found:
                return found
            path = path[:-1]
        return ""

    def native_name(self, path: Path) -> str:
        """The user's spelling of a canonical path: `KmsKeyId` or `kms_key_arn`."""
        if not self.native_paths and self.speller is None:  # Terraform: canonical is native
            return ".".join([p for p in path if not isinstance(p, int)])
        found = self.native_paths.get(tuple(path))
        if found:
            return found
        # Fall back to the longest known prefix plus the remainder, spelt natively.
        spell = self.speller or (lambda name: name)
        for cut in range(len(path) - 1, 0, -1):
            prefix = self.native_paths.get(tuple(path[:cut]))
            if prefix:
                rest = [spell(p) for p in path[cut:] if not isinstance(p, int)]
                return ".".join([prefix, *rest]) if rest else prefix
        return ".".join(spell(str(p)) for p in path if not isinstance(p, int))

    @property
    def construct(self) -> str:
        """The CDK construct path the resource was synthesized from (`aws:cdk:path`
        metadata or the cloud assembly manifest), "" when it was not written by CDK."""
        value = self.metadata.get("aws:cdk:path") if isinstance(self.metadata, dict) else None
        return value if isinstance(value, str) else ""

    def span_for(self, path: Path) -> Span:
        """The span of `path`, else of its nearest written ancestor, else the header."""
        path = tuple(path)
        while path:
            span = self.spans.get(path)
            if span is not None:
                return span
            path = path[:-1]
        return self.header


def iter_paths(value: Any, prefix: Path = ()) -> Iterator[tuple[Path, Any]]:
    """Every (path, value) pair inside nested dicts and lists, depth first, parents first."""
    yield prefix, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from iter_paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from iter_paths(v, prefix + (i,))
