"""The normalized IAM model: principals, conditions, statements and documents.

Documents come in two shapes (IAM JSON, and the `statement` blocks of a
`data "aws_iam_policy_document"`) and from many attributes; policies should see one
shape. Every list element is kept as written (a string or an `Unknown`), and every
element remembers the canonical path it was written at, so a finding can point at the
exact `Action` or `Resource` line of either format.
"""
from __future__ import annotations

from typing import Any

from iaclint.model.records import dataclass, field


@dataclass(frozen=True)
class Principal:
    """One principal of a statement: `type` is `*`, `AWS`, `Service`, `Federated` or
    `CanonicalUser`; `identifier` the ARN, account, service name or `*`. Either may be an
    Unknown when the source wrote a reference."""

    type: Any
    identifier: Any


@dataclass(frozen=True)
class Condition:
    """One condition: `test` is the operator (`StringEquals`), `variable` the key
    (`aws:SourceVpc`), `values` a list. Any of them may be or hold an Unknown."""

    test: Any
    variable: Any
    values: tuple = ()


@dataclass
class Statement:
    """A normalized statement. The list fields hold strings (or `Principal`/`Condition`)
    and Unknowns; an element that was not written is an empty list and is absent from
    `paths`. `paths` maps a field name (`actions`, `resources`, ...) to the canonical path
    of the element that wrote it, `path` is the statement's own path.

    `resource` is the resource the statement is written in, which differs from the
    resource being checked when a document was followed into a data source."""

    path: tuple
    resource: Any
    sid: Any = None
    effect: Any = "Allow"
    actions: list = field(default_factory=list)
    not_actions: list = field(default_factory=list)
    resources: list = field(default_factory=list)
    not_resources: list = field(default_factory=list)
    principals: list = field(default_factory=list)
    not_principals: list = field(default_factory=list)
    conditions: list = field(default_factory=list)
    paths: dict = field(default_factory=dict)
    index: int = 0  # position in its document, for labels

    def path_of(self, *names: str) -> tuple:
        """Path of the first written element among `names`, else the statement's path."""
        for name in names:
            if name in self.paths:
                return self.paths[name]
        return self.path

    def label(self) -> str:
        """How a message names the statement: its Sid, else its position (1-based)."""
        if isinstance(self.sid, str) and self.sid:
            return f'statement "{self.sid}"'
        return f"statement {self.index + 1}"


@dataclass
class Document:
    """One policy document of a resource.

    `path` is the canonical path of the document attribute in the checked resource
    (`("inline_policy", 0, "policy")`; `()` for a data source, whose blocks are the
    document). `unknowns` lists the parts that cannot be read, as (path, Unknown, reason):
    a whole document held by a variable, a `Statement` built by an unknown expression.
    `maybe` maps the path of an unknown part that is a statement which may or may not be
    there (a choice with `ABSENT`: `!If [C, {...}, !Ref AWS::NoValue]`, a `dynamic
    "statement"` whose `for_each` is unknown) to the statements it can be: a test that
    none of them can fail does not make the verdict unknown (`check_statements`).
    `source` is the data source a followed document was read from (else None)."""

    path: tuple
    statements: list = field(default_factory=list)
    unknowns: list = field(default_factory=list)
    source: Any = None
    maybe: dict = field(default_factory=dict)
