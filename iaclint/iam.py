"""IAM policy documents: where they live, what their statements say, what they grant.

Policies about IAM ask the same questions of very different sources: an inline policy in a
Terraform `jsonencode()`, a heredoc JSON string, a `data "aws_iam_policy_document"` with
`statement` blocks, a CloudFormation `PolicyDocument` object. This module answers them once:

- *where*: `permission_documents`, `trust_documents` and `resource_policy_documents` find
  every document of a canonical resource and normalize it into `Statement`s (effect,
  actions, not_actions, resources, not_resources, principals, not_principals, conditions,
  each a list) that remember the canonical path of every element, so a finding can point
  at the exact `Action` or `Resource` line;
- *what*: `actions_cover`, `actions_overlap`, `resource_is_star`, `principal_is_public`,
  `has_condition` and friends understand IAM wildcards (`*`, `?`, case-insensitive),
  `NotAction`/`NotResource`/`NotPrincipal`, and the condition keys that narrow a grant;
- *verdicts*: every question is three-valued (`True`, `False`, `None` for "cannot be
  known statically"), because a statement with `Action = var.actions` must give UNKNOWN,
  never a guessed FAIL. `check_statements` turns a per-statement test into policy results.

Only plain data, `Unknown` and the resource model are used here: no parser, no formatter.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator, Optional

from iaclint import documents as _documents
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Result
from iaclint.unknown import Unknown, is_unknown

Tri = Optional[bool]  # three-valued answers: True, False, None (unknown)

DATA_SOURCE = "data.aws_iam_policy_document"

# Where identity (permission) policy documents live, per canonical type. `*` steps over
# every inline policy block (a TF repeated block or a translated CFN `Policies` list).
PERMISSION_DOCUMENTS = {
    "aws_iam_role": ("inline_policy", "*", "policy"),
    "aws_iam_user": ("inline_policy", "*", "policy"),
    "aws_iam_group": ("inline_policy", "*", "policy"),
    "aws_iam_policy": ("policy",),
    "aws_iam_role_policy": ("policy",),
    "aws_iam_user_policy": ("policy",),
    "aws_iam_group_policy": ("policy",),
}
TRUST_DOCUMENTS = {"aws_iam_role": ("assume_role_policy",)}
RESOURCE_POLICY_DOCUMENTS = {
    "aws_kms_key": ("policy",),
    "aws_kms_key_policy": ("policy",),
}
# Types whose documents are checked on their own: a document that merely refers to one of
# them (`policy = data.aws_iam_policy_document.d.json`) is skipped, not reported twice.
SELF_CHECKED_TYPES = frozenset({DATA_SOURCE, "aws_iam_policy"})

# Element names in the two document shapes: IAM JSON and the data source's blocks.
_JSON_FIELDS = {
    "sid": "Sid", "effect": "Effect", "actions": "Action", "not_actions": "NotAction",
    "resources": "Resource", "not_resources": "NotResource", "principals": "Principal",
    "not_principals": "NotPrincipal", "conditions": "Condition",
}
_DATA_FIELDS = {
    "sid": "sid", "effect": "effect", "actions": "actions", "not_actions": "not_actions",
    "resources": "resources", "not_resources": "not_resources", "principals": "principals",
    "not_principals": "not_principals", "conditions": "condition",
}


# --------------------------------------------------------------------------------------
# The normalized model


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
    `source` is the data source a followed document was read from (else None)."""

    path: tuple
    statements: list = field(default_factory=list)
    unknowns: list = field(default_factory=list)
    source: Any = None


# --------------------------------------------------------------------------------------
# Finding documents


# The canonical types a permission-policy check runs on.
IDENTITY_POLICY_TYPES = tuple(PERMISSION_DOCUMENTS) + (DATA_SOURCE,)


def permission_documents(resource, ctx=None) -> list[Document]:
    """Identity policy documents of `resource`: inline policies of roles, users and groups,
    the `policy` of `aws_iam_policy` and the `aws_iam_*_policy` types, and the data source
    itself. `assume_role_policy` is a trust document and never included here.

    A document that only refers to a data source (or `aws_iam_policy`) in the scanned
    project is skipped: that resource is checked on its own, and reporting it again on
    every resource that uses it would repeat one problem many times."""
    if resource.type == DATA_SOURCE:
        return [_data_source_document(resource, ctx, follow=False)]
    pattern = PERMISSION_DOCUMENTS.get(resource.type)
    return _documents_at(resource, pattern, ctx, follow=False) if pattern else []


def trust_documents(resource, ctx=None) -> list[Document]:
    """The trust (assume-role) document of an `aws_iam_role`. A trust document that refers
    to a data source in the project is followed, because the data source alone cannot
    tell that it is used as a trust policy."""
    pattern = TRUST_DOCUMENTS.get(resource.type)
    return _documents_at(resource, pattern, ctx, follow=True) if pattern else []


def resource_policy_documents(resource, ctx=None) -> list[Document]:
    """Resource-based documents (KMS key policies). Data sources are followed, for the same
    reason as trust documents: a policy about key policies runs on the key, not on the
    data source."""
    pattern = RESOURCE_POLICY_DOCUMENTS.get(resource.type)
    return _documents_at(resource, pattern, ctx, follow=True) if pattern else []


def _documents_at(resource, pattern: tuple, ctx, follow: bool, seen: tuple = ()) -> list[Document]:
    out = []
    for path, value in _find(resource.attributes, pattern):
        doc = document_from_value(resource, path, value, ctx, follow=follow, seen=seen)
        if doc is not None:
            out.append(doc)
    return out


def _find(value: Any, pattern: tuple, prefix: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """(path, value) for every match of `pattern`; `*` steps over list items or dict values.
    A TF repeated block is a list; a lone CFN object where a list was expected counts too."""
    if not pattern or isinstance(value, Unknown):
        yield prefix, value  # an Unknown on the way (a dynamic block) stands for the document
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        if isinstance(value, list):
            for i, item in enumerate(value):
                yield from _find(item, rest, prefix + (i,))
        elif isinstance(value, dict):
            yield from _find(value, rest, prefix)
        return
    if isinstance(value, dict) and head in value and value[head] is not None:
        yield from _find(value[head], rest, prefix + (head,))


def document_from_value(resource, path: tuple, value: Any, ctx=None, follow: bool = False,
                        seen: tuple = ()) -> Document | None:
    """The `Document` written at `path` of `resource` in any form `iaclint.documents`
    understands. None when the document is skipped (it refers to a data source checked on
    its own, and `follow` is False)."""
    decoded = _documents.decode(value)
    if isinstance(decoded, Unknown):
        targets = _self_checked_targets(resource, decoded, ctx)
        if targets is None:
            return Document(path, unknowns=[(path, decoded, _unknown_reason(decoded))])
        if not follow:
            return None
        return _followed(resource, path, targets, ctx, seen)
    if not isinstance(decoded, dict):
        reason = "the policy document is not a JSON object"
        return Document(path, unknowns=[(path, Unknown(str(value)[:60], reason), reason)])
    return _json_document(resource, path, decoded)


def _self_checked_targets(resource, value: Unknown, ctx) -> list | None:
    """The in-project resources an Unknown document is made of, when every reference names
    one whose documents are checked on their own; else None (the document is unknown)."""
    if ctx is None or not value.refs:
        return None
    targets = []
    for ref in value.refs:
        target = _lookup(ctx, resource, ref)
        if target is None or target.type not in SELF_CHECKED_TYPES:
            return None
        targets.append(target)
    return targets


def _lookup(ctx, resource, ref: str):
    """Resolve a reference; a ref that carries an attribute (`data.x.y.json`) is cut back."""
    parts = ref.split(".")
    for cut in range(len(parts), 1, -1):
        found = ctx.project.lookup(resource, ".".join(parts[:cut]))
        if found is not None:
            return found
    return None


def _followed(resource, path: tuple, targets: list, ctx, seen: tuple) -> Document:
    """A document read from the data sources it refers to, pointing at `path` of `resource`.
    `seen` guards against reference cycles (invalid Terraform, but no input may hang us)."""
    doc = Document(path, source=targets[0])
    for target in targets:
        if any(target is s for s in seen) or target is resource:
            continue
        inner_seen = seen + (resource,)
        inner = (_data_source_document(target, ctx, follow=True, seen=inner_seen) if target.type == DATA_SOURCE
                 else _merge(target, PERMISSION_DOCUMENTS.get(target.type, ("policy",)), ctx, inner_seen))
        doc.statements.extend(inner.statements)
        doc.unknowns.extend((path, u, reason) for _, u, reason in inner.unknowns)
    return doc


def _merge(target, pattern, ctx, seen: tuple) -> Document:
    merged = Document(())
    for inner in _documents_at(target, pattern, ctx, follow=True, seen=seen):
        merged.statements.extend(inner.statements)
        merged.unknowns.extend(inner.unknowns)
    return merged


def _unknown_reason(value: Unknown) -> str:
    expr = " ".join(value.expr.split())
    if len(expr) > 80:
        expr = expr[:77] + "..."
    return f"`{expr}` cannot be known statically ({value.reason})"


# --------------------------------------------------------------------------------------
# IAM JSON documents


def _json_document(resource, path: tuple, doc: dict) -> Document:
    """Statements of an IAM JSON document. `Statement` may be a list or a single object."""
    out = Document(path)
    key = _key(doc, "Statement")
    if key is None:
        return out
    body = doc[key]
    base = path + (key,)
    if isinstance(body, Unknown):
        out.unknowns.append((base, body, _unknown_reason(body)))
    elif isinstance(body, dict):
        out.statements.append(_json_statement(resource, base, body, 0))
    elif isinstance(body, list):
        for i, item in enumerate(body):
            if isinstance(item, dict):
                out.statements.append(_json_statement(resource, base + (i,), item, i))
            elif isinstance(item, Unknown):
                out.unknowns.append((base + (i,), item, _unknown_reason(item)))
    return out


def _key(mapping: dict, name: str) -> str | None:
    """The key spelling `name` in `mapping` (IAM element names, matched leniently on case)."""
    if name in mapping:
        return name
    lowered = name.lower()
    for key in mapping:
        if isinstance(key, str) and key.lower() == lowered:
            return key
    return None


def _json_statement(resource, path: tuple, raw: dict, index: int) -> Statement:
    stmt = Statement(path=path, resource=resource, index=index, effect=None)
    for name, element in _JSON_FIELDS.items():
        key = _key(raw, element)
        if key is None:
            continue
        value = raw[key]
        stmt.paths[name] = path + (key,)
        if name == "sid":
            stmt.sid = value
        elif name == "effect":
            stmt.effect = value
        elif name in ("principals", "not_principals"):
            setattr(stmt, name, _json_principals(value))
        elif name == "conditions":
            stmt.conditions = _json_conditions(value)
        else:
            setattr(stmt, name, _as_list(value))
    return stmt


def _as_list(value: Any) -> list:
    """Action/Resource may be a string, a list, or an Unknown standing for either."""
    if isinstance(value, list):
        return [v if isinstance(v, (str, Unknown)) else str(v) for v in value]
    if value is None:
        return []
    return [value if isinstance(value, (str, Unknown)) else str(value)]


def _json_principals(value: Any) -> list[Principal]:
    """`"*"` -> [Principal("*", "*")]; `{"AWS": [a, b]}` -> one Principal per identifier."""
    if isinstance(value, Unknown):
        return [Principal(value, value)]
    if isinstance(value, str):
        return [Principal("*" if value == "*" else "AWS", value)]
    out = []
    if isinstance(value, dict):
        for kind, ids in value.items():
            for ident in _as_list(ids):
                out.append(Principal(kind, ident))
    return out


def _json_conditions(value: Any) -> list[Condition]:
    """`{"StringEquals": {"aws:SourceVpc": "vpc-1"}}` -> [Condition(...)]; an Unknown block
    becomes one Condition whose test and key are unknown."""
    if isinstance(value, Unknown):
        return [Condition(value, value, ())]
    out = []
    if isinstance(value, dict):
        for test, keys in value.items():
            if isinstance(keys, Unknown):
                out.append(Condition(test, keys, ()))
            elif isinstance(keys, dict):
                for variable, values in keys.items():
                    out.append(Condition(test, variable, tuple(_as_list(values))))
    return out


# --------------------------------------------------------------------------------------
# data "aws_iam_policy_document"


def _data_source_document(resource, ctx, follow: bool, seen: tuple = ()) -> Document:
    """The data source as a document: `source_policy_documents`, then its `statement`
    blocks, then `override_policy_documents`. A later statement with the same sid replaces
    an earlier one, as the provider merges them."""
    attrs = resource.attributes
    doc = Document(())
    parts: list[Document] = []
    for name in ("source_policy_documents",):
        parts.extend(_listed_documents(resource, name, ctx, follow, seen))
    parts.append(_data_statements(resource, attrs.get("statement")))
    parts.extend(_listed_documents(resource, "override_policy_documents", ctx, follow, seen))
    by_sid: dict = {}
    for part in parts:
        doc.unknowns.extend(part.unknowns)
        for stmt in part.statements:
            if isinstance(stmt.sid, str) and stmt.sid:
                if stmt.sid in by_sid:
                    replaced = by_sid[stmt.sid]
                    doc.statements = [s for s in doc.statements if s is not replaced]
                by_sid[stmt.sid] = stmt
            doc.statements.append(stmt)
    return doc


def _listed_documents(resource, name: str, ctx, follow: bool, seen: tuple) -> list[Document]:
    value = resource.attributes.get(name)
    if value is None:
        return []
    if isinstance(value, Unknown):
        targets = _self_checked_targets(resource, value, ctx)
        if targets is not None and not follow:
            return []
        if targets is not None:
            return [_followed(resource, (name,), targets, ctx, seen)]
        return [Document((name,), unknowns=[((name,), value, _unknown_reason(value))])]
    out = []
    for i, item in enumerate(value if isinstance(value, list) else [value]):
        doc = document_from_value(resource, (name, i), item, ctx, follow=follow, seen=seen)
        if doc is not None:
            out.append(doc)
    return out


def _data_statements(resource, blocks: Any) -> Document:
    doc = Document(())
    if blocks is None:
        return doc
    if isinstance(blocks, Unknown):
        doc.unknowns.append((("statement",), blocks, _unknown_reason(blocks)))
        return doc
    if isinstance(blocks, dict):
        blocks = [blocks]
    for i, block in enumerate(blocks):
        path = ("statement", i)
        if isinstance(block, Unknown):
            doc.unknowns.append((path, block, _unknown_reason(block)))
        elif isinstance(block, dict):
            doc.statements.append(_data_statement(resource, path, block, i))
    return doc


def _data_statement(resource, path: tuple, block: dict, index: int) -> Statement:
    stmt = Statement(path=path, resource=resource, index=index, effect="Allow")  # provider default
    for name, element in _DATA_FIELDS.items():
        if element not in block or block[element] is None:
            continue
        value = block[element]
        stmt.paths[name] = path + (element,)
        if name == "sid":
            stmt.sid = value
        elif name == "effect":
            stmt.effect = value
        elif name in ("principals", "not_principals"):
            setattr(stmt, name, _data_principals(value))
        elif name == "conditions":
            stmt.conditions = _data_conditions(value)
        else:
            setattr(stmt, name, _as_list(value))
    return stmt


def _blocks(value: Any) -> list:
    if isinstance(value, dict):
        return [value]
    return value if isinstance(value, list) else [value]


def _data_principals(value: Any) -> list[Principal]:
    """`principals { type = "AWS", identifiers = ["*"] }` -> [Principal("AWS", "*")].
    The provider writes `type = "*"` with `identifiers = ["*"]` as `Principal: "*"`."""
    out = []
    for block in _blocks(value):
        if isinstance(block, Unknown):
            out.append(Principal(block, block))
            continue
        if not isinstance(block, dict):
            continue
        kind = block.get("type")
        ids = block.get("identifiers")
        for ident in _as_list(ids) if ids is not None else []:
            out.append(Principal(kind, ident))
    return out


def _data_conditions(value: Any) -> list[Condition]:
    out = []
    for block in _blocks(value):
        if isinstance(block, Unknown):
            out.append(Condition(block, block, ()))
        elif isinstance(block, dict):
            values = block.get("values")
            out.append(Condition(block.get("test"), block.get("variable"),
                                 tuple(_as_list(values)) if values is not None else ()))
    return out


# --------------------------------------------------------------------------------------
# Glob matching (IAM: `*` any run of characters, `?` one character, case-insensitive)


# Patterns longer than this product of lengths are not compared (IAM limits ARNs to 2048
# characters); the answer is then the one that cannot cause a false FAIL: no coverage, no
# overlap.
_MAX_CELLS = 1_000_000


def matches(pattern: str, name: str) -> bool:
    """Does the IAM glob `pattern` match the concrete `name`? (`bedrock:Invoke*` matches
    `bedrock:InvokeModel`; case-insensitive, as IAM compares actions.) Greedy two-pointer
    matching: linear in practice, never exponential, no regex backtracking."""
    p, t = pattern.lower(), name.lower()
    i = j = 0
    star, mark = -1, 0
    while j < len(t):
        if i < len(p) and (p[i] == "?" or (p[i] != "*" and p[i] == t[j])):
            i += 1
            j += 1
        elif i < len(p) and p[i] == "*":
            star, mark = i, j
            i += 1
        elif star >= 0:
            i, mark = star + 1, mark + 1
            j = mark
        else:
            return False
    while i < len(p) and p[i] == "*":
        i += 1
    return i == len(p)


@lru_cache(maxsize=8192)
def covers(pattern: str, query: str) -> bool:
    """Does `pattern` match every name that `query` matches? `query` may itself be a glob:
    `covers("bedrock:*", "bedrock:Invoke*")` and `covers("*", "bedrock:*")` are True,
    `covers("bedrock:Invoke*", "bedrock:*")` is False.

    Sound (never claims coverage that does not hold); for contrived pairs such as `*?`
    against `?*` it may say False where the languages are equal."""
    p, q = pattern.lower(), query.lower()
    n, m = len(p), len(q)
    if (n + 1) * (m + 1) > _MAX_CELLS:
        return False
    # after[j] is "p[i+1:] covers q[j:]" while row i is computed, bottom-up.
    after = [j == m for j in range(m + 1)]
    for i in range(n - 1, -1, -1):
        row = [False] * (m + 1)
        for j in range(m, -1, -1):
            if p[i] == "*":
                # The star matches nothing, or swallows one more query token (a query star
                # included: whatever it stands for is absorbed by this star).
                row[j] = after[j] or (j < m and row[j + 1])
            elif j == m or q[j] == "*":
                row[j] = False  # a query star can stand for text a literal or `?` cannot match
            else:
                row[j] = (p[i] == "?" or p[i] == q[j]) and after[j + 1]
        after = row
    return after[0]


@lru_cache(maxsize=8192)
def overlaps(a: str, b: str) -> bool:
    """Is there a name that both globs match? (`bedrock:Invoke*` and `*Model*` overlap;
    `s3:*` and `bedrock:*` do not.)"""
    x, y = a.lower(), b.lower()
    n, m = len(x), len(y)
    if (n + 1) * (m + 1) > _MAX_CELLS:
        return False
    after = [False] * (m + 1)  # row i+1
    for i in range(n, -1, -1):
        row = [False] * (m + 1)
        for j in range(m, -1, -1):
            if i == n and j == m:
                row[j] = True
            elif i < n and x[i] == "*":
                row[j] = after[j] or (j < m and row[j + 1])
            elif j < m and y[j] == "*":
                row[j] = row[j + 1] or (i < n and after[j])
            elif i == n or j == m:
                row[j] = False
            else:
                row[j] = (x[i] == "?" or y[j] == "?" or x[i] == y[j]) and after[j + 1]
        after = row
    return after[0]


# --------------------------------------------------------------------------------------
# What an Unknown string may still be
#
# A statement is written with references everywhere (`aws_s3_bucket.b.arn`,
# `!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:root`). Treating each as "could be
# anything" would make almost every real policy UNKNOWN, so the expression an Unknown
# remembers is read for two safe facts: a string template keeps its literal text (its
# value matches the template with each interpolation replaced by `*`), and a resource
# attribute (`!GetAtt X.Arn`, `aws_x.y.arn`) is an ARN, ID or name, never `*`.

_TF_ROOTS_OF_VALUES = ("var", "local", "module", "each", "count", "path", "terraform", "self")
_TF_TRAVERSAL = re.compile(r"[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[\d+\]|\[\"[^\"]*\"\])+")


def _strip_interpolations(text: str, opener: str = "${") -> str | None:
    """`arn:${a}:x/${b}` -> `arn:*:x/*` (nesting-aware); None when braces do not balance."""
    out, i = [], 0
    while i < len(text):
        if text.startswith("$${", i) or text.startswith("%%{", i):  # escaped in Terraform
            out.append(text[i + 1:i + 3])
            i += 3
            continue
        if text.startswith(opener, i) or text.startswith("%{", i):
            depth, j = 0, i + 1
            while j < len(text):
                if text[j] == "{":
                    depth += 1
                elif text[j] == "}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            if j >= len(text):
                return None
            if text[i] == "%":
                return None  # a template directive (`%{ if }`) may drop literal text
            out.append("*")
            i = j + 1
            continue
        out.append(text[i])
        i += 1
    return "".join(out)


def value_glob(value: Unknown) -> str | None:
    """A glob every possible value of the Unknown matches, when its expression is a string
    template (CloudFormation `!Sub`, a Terraform template such as `arn:aws:s3:::${var.b}/*`,
    which the evaluator keeps with its unknown parts as `${...}`); else None."""
    expr = value.expr.strip()
    if expr.startswith("!Sub "):
        body = expr[5:]
        if body.endswith("..."):
            return None  # truncated by the evaluator
        # `${!Name}` is CloudFormation's escape for a literal `${Name}`.
        glob = _strip_interpolations(body.replace("${!", "\x00"))
        return glob.replace("\x00", "${") if glob is not None else None
    if "${" in expr and not expr.startswith(("!", "<<")):
        # A Terraform template keeps its resolved text with `${expr}` for unknown parts.
        # Other expressions that merely contain one (`var.c ? "${var.a}" : "*"`) have
        # quoted literals outside the interpolations, which a template never has.
        glob = _strip_interpolations(expr)
        if glob is not None and '"' not in glob:
            return glob
    return None


def _is_resource_attribute(value: Unknown) -> bool:
    """`!GetAtt X.Arn`, `!Ref Resource`, `aws_x.y.arn`: identifiers of a resource."""
    expr = value.expr.strip()
    if expr.startswith("!GetAtt "):
        return True
    if expr.startswith("!Ref ") and value.refs:
        return True
    if _TF_TRAVERSAL.fullmatch(expr) and value.refs:
        return expr.split(".", 1)[0].split("[", 1)[0] not in _TF_ROOTS_OF_VALUES
    return False


def may_be_star(value: Any) -> bool:
    """Could this (possibly Unknown) value be the wildcard `*`?"""
    if not isinstance(value, Unknown):
        return isinstance(value, str) and value.strip() != "" and set(value.strip()) == {"*"}
    if _is_resource_attribute(value):
        return False
    glob = value_glob(value)
    return glob is None or set(glob) <= {"*"}


def _unknown_overlaps(value: Unknown, query: str, action: bool = True) -> Tri:
    """None (may match `query`) unless the Unknown's template proves it cannot, or it is a
    resource attribute standing where an action is expected (an ARN is not an action)."""
    glob = value_glob(value)
    if glob is not None and not overlaps(glob, query):
        return False
    if action and _is_resource_attribute(value):
        return False
    return None


# --------------------------------------------------------------------------------------
# Three-valued helpers


def all3(*values) -> Tri:
    """Kleene AND: False if any is False, else None if any is None, else True."""
    if any(v is False for v in values):
        return False
    if any(v is None for v in values):
        return None
    return True


def any3(values: Iterable) -> Tri:
    """Kleene OR: True if any is True, else None if any is None, else False."""
    seen_unknown = False
    for v in values:
        if v is True:
            return True
        if v is None:
            seen_unknown = True
    return None if seen_unknown else False


def not3(value) -> Tri:
    return None if value is None else not value


# --------------------------------------------------------------------------------------
# Questions about one statement


def is_allow(stmt: Statement) -> Tri:
    """Is the statement an Allow? A missing JSON `Effect` is invalid and grants nothing."""
    if is_unknown(stmt.effect):
        return None
    return isinstance(stmt.effect, str) and stmt.effect.strip().lower() == "allow"


def is_deny(stmt: Statement) -> Tri:
    if is_unknown(stmt.effect):
        return None
    return isinstance(stmt.effect, str) and stmt.effect.strip().lower() == "deny"


def has_principals(stmt: Statement) -> bool:
    """Statements with a Principal belong to resource-based or trust policies; an identity
    policy cannot have one, so permission checks leave them out."""
    return bool(stmt.principals or stmt.not_principals or "principals" in stmt.paths
                or "not_principals" in stmt.paths)


def actions_cover(stmt: Statement, query: str) -> Tri:
    """Does the statement's action list name every action `query` matches? For `Action`,
    some element must cover the query (`bedrock:*` and `*` cover `bedrock:*`;
    `bedrock:Invoke*` does not). For `NotAction` (everything not listed), no listed element
    may touch the query: `NotAction: ["s3:*"]` covers `bedrock:*`."""
    if "actions" in stmt.paths:
        return any3(_unknown_overlaps(a, query) if is_unknown(a) else covers(a, query) for a in stmt.actions)
    if "not_actions" in stmt.paths:
        return not3(any3(_unknown_overlaps(a, query) if is_unknown(a) else overlaps(a, query)
                         for a in stmt.not_actions))
    return False


def actions_overlap(stmt: Statement, query: str) -> Tri:
    """Does the statement's action list name at least one action `query` matches?
    (`bedrock:*` and `bedrock:InvokeModel` both overlap `bedrock:InvokeModel*`.) With
    `NotAction`, only an element covering the whole query leaves nothing of it."""
    if "actions" in stmt.paths:
        return any3(_unknown_overlaps(a, query) if is_unknown(a) else overlaps(a, query) for a in stmt.actions)
    if "not_actions" in stmt.paths:
        return not3(any3(_unknown_overlaps(a, query) if is_unknown(a) else covers(a, query)
                         for a in stmt.not_actions))
    return False


def actions_overlap_any(stmt: Statement, queries: Iterable[str]) -> Tri:
    """Does the statement name at least one action of any of `queries`?"""
    return any3(actions_overlap(stmt, q) for q in queries)


def describe_grant(stmt: Statement, queries: Iterable[str], cover: bool = False) -> str:
    """How the statement reaches `queries`, for messages: the `Action` elements that match
    (covering each query when `cover`), or its `NotAction`, which grants what it leaves out."""
    queries = tuple(queries)
    test = covers if cover else overlaps
    if "actions" in stmt.paths:
        hits = [a for a in stmt.actions if isinstance(a, str) and any(test(a, q) for q in queries)]
        return ", ".join(f"`{a}`" for a in hits) if hits else "`Action`"
    if "not_actions" in stmt.paths:
        listed = ", ".join(f"`{a}`" for a in stmt.not_actions if isinstance(a, str))
        return f"`NotAction` [{listed}], which grants every action it does not list"
    return "no action"


def _is_star(value: Any) -> Tri:
    """`*` (or `**`...): True; an Unknown that may still be `*`: None; anything else: False."""
    if is_unknown(value):
        return None if may_be_star(value) else False
    return isinstance(value, str) and value.strip() != "" and set(value.strip()) == {"*"}


def resource_is_star(stmt: Statement) -> Tri:
    """Does the statement apply to every resource? `Resource: "*"` (alone or in a list)
    does; `arn:aws:bedrock:*:*:foundation-model/*` does not. `NotResource` applies to
    everything except what it lists, so it counts as `*` unless it excludes `*` itself."""
    if "resources" in stmt.paths:
        return any3(_is_star(r) for r in stmt.resources)
    if "not_resources" in stmt.paths:
        return not3(any3(_is_star(r) for r in stmt.not_resources))
    return False


def resources_cover(stmt: Statement, arn: str) -> Tri:
    """Does the statement apply to `arn` (which may be a glob, e.g. `arn:aws:iam::*:role/*`)?"""
    if "resources" in stmt.paths:
        return any3(_unknown_overlaps(r, arn, False) if is_unknown(r) else covers(r, arn) for r in stmt.resources)
    if "not_resources" in stmt.paths:
        return not3(any3(_unknown_overlaps(r, arn, False) if is_unknown(r) else overlaps(r, arn)
                         for r in stmt.not_resources))
    return False


def _principal_public(p: Principal) -> Tri:
    kind = p.type
    if is_unknown(kind):
        return None
    kind = str(kind)
    if kind == "*":
        return _is_star(p.identifier) if not is_unknown(p.identifier) else None
    if kind.upper() == "AWS":
        return _is_star(p.identifier)
    return False


def principal_is_public(stmt: Statement) -> Tri:
    """Is the statement open to everyone? `Principal: "*"`, `{"AWS": "*"}` (or a list with
    `*`), the data source's `type = "*"` or `"AWS"` with identifier `*`, and any
    `NotPrincipal` (with Allow it means everyone except the listed principals)."""
    if stmt.not_principals:
        return True
    return any3(_principal_public(p) for p in stmt.principals)


_ACCOUNT = re.compile(r"^(?:arn:[^:]*:(?:iam|sts)::(\d{12}):.*|(\d{12}))$")


def principal_accounts(stmt: Statement) -> list:
    """Account IDs of the `AWS` principals (`123456789012`, `arn:aws:iam::123456789012:root`,
    role or user ARNs); an Unknown identifier is kept as the Unknown. `*` is left out:
    ask `principal_is_public` about it."""
    out = []
    for p in stmt.principals:
        if is_unknown(p.type) or is_unknown(p.identifier):
            if is_unknown(p.type) or str(p.type).upper() == "AWS":
                out.append(p.identifier)
            continue
        if str(p.type).upper() != "AWS":
            continue
        match = _ACCOUNT.match(str(p.identifier).strip())
        if match:
            out.append(match.group(1) or match.group(2))
    return out


def principal_other_accounts(stmt: Statement, own_accounts: Iterable[str]) -> Tri:
    """Does an `AWS` principal name an account outside `own_accounts`?"""
    own = {str(a) for a in own_accounts}
    return any3(None if is_unknown(a) else a not in own for a in principal_accounts(stmt))


def service_principals(stmt: Statement) -> list:
    """`Service` principal identifiers (`sagemaker.amazonaws.com`), Unknowns kept."""
    out = []
    for p in stmt.principals:
        if is_unknown(p.type):
            out.append(p.type)
        elif str(p.type).lower() == "service":
            out.append(p.identifier)
    return out


def _narrowing_test(test: Any) -> Tri:
    """Operators that constrain a present key. `Null` only tests presence, and
    `ForAllValues:` is true when the key is absent, so neither narrows a grant."""
    if is_unknown(test):
        return None
    test = str(test).lower()
    return not (test == "null" or test.startswith("forallvalues:"))


def has_condition(stmt: Statement, keys: Iterable[str]) -> Tri:
    """Is there a condition on one of `keys` (case-insensitive, e.g. `aws:SourceVpc`) with
    an operator that narrows the grant? The values may be unknown: the key is what counts.
    An unknown condition block makes the answer unknown unless a known one narrows."""
    wanted = {k.lower() for k in keys}

    def one(c: Condition) -> Tri:
        if is_unknown(c.variable):
            return None
        if not isinstance(c.variable, str) or c.variable.lower() not in wanted:
            return False
        return _narrowing_test(c.test)

    return any3(one(c) for c in stmt.conditions)


def first_unknown(stmt: Statement, names: Iterable[str] = ()) -> Unknown | None:
    """The first Unknown among the statement fields `names` (all fields when empty), for
    explaining an UNKNOWN verdict."""
    names = tuple(names) or tuple(_JSON_FIELDS)
    found = []
    for name in names:
        value = getattr(stmt, name, None)
        items = value if isinstance(value, list) else [value]
        for item in items:
            for part in ((item.type, item.identifier) if isinstance(item, Principal)
                         else (item.test, item.variable, *item.values) if isinstance(item, Condition)
                         else (item,)):
                if isinstance(part, Unknown):
                    found.append(part)
    # Prefer an Unknown that could be anything over a template or an ARN reference, which
    # rarely is what left the question open.
    for part in found:
        if value_glob(part) is None and not _is_resource_attribute(part):
            return part
    return found[0] if found else None


# --------------------------------------------------------------------------------------
# From statements to policy results


@dataclass
class Outcome:
    """What a per-statement test found: `verdict` True (offending), False (fine) or None
    (unknown); `path` the element to point at; `message` what the finding says."""

    verdict: Any
    path: tuple = ()
    message: str = ""
    fields: tuple = ()  # statement fields the test read, to explain an UNKNOWN (all if empty)


def check_statements(resource, ctx, test: Callable[[Statement], Outcome],
                     documents: list[Document] | None = None, identity_only: bool = True) -> Iterator[Result]:
    """Run `test` on every statement of `documents` (default: the permission documents)
    and yield one FAIL per offending statement, one UNKNOWN per undecidable statement or
    unreadable document part, and a single PASS when nothing else was found.

    With `identity_only`, statements that carry a Principal are skipped: they belong to a
    data source used as a trust or resource policy, not to a permission policy. A
    statement read from a followed data source points at the document attribute of the
    checked resource, since findings live on the resource being checked."""
    if documents is None:
        documents = permission_documents(resource, ctx)
    found = False
    for doc in documents:
        for path, _value, reason in doc.unknowns:
            found = True
            name = resource.native_name(path) if path else "statement"
            yield UNKNOWN(f"The policy document `{name}` cannot be analysed: {reason}", path)
        for stmt in doc.statements:
            if identity_only and has_principals(stmt):
                continue
            outcome = test(stmt)
            if outcome.verdict is False:
                continue
            found = True
            where = outcome.path or stmt.path
            if stmt.resource is not resource:
                where = doc.path  # followed into a data source: point at the document attribute
            subject = statement_name(resource, doc, stmt)
            if outcome.verdict is True:
                yield FAIL(f"{subject[0].upper()}{subject[1:]} {outcome.message}", where)
            else:
                unknown = first_unknown(stmt, outcome.fields)
                why = f": {_unknown_reason(unknown)}" if unknown is not None else ""
                yield UNKNOWN(f"Cannot tell statically whether {subject} {outcome.message}{why}", where)
    if not found:
        yield PASS()


def document_name(resource, doc: Document) -> str:
    """The document's attribute in the user's spelling (`Policies.PolicyDocument`,
    `inline_policy.policy`); "" for the data source, whose blocks are the document."""
    return resource.native_name(doc.path) if doc.path else ""


def statement_name(resource, doc: Document, stmt: Statement) -> str:
    """`statement "MlPlatform" in `Policies.PolicyDocument``, `statement 2 of
    data.aws_iam_policy_document.d (used as `policy`)`: what a message calls a statement."""
    label = stmt.label()
    if stmt.resource is not resource:
        return f"{label} of {stmt.resource.address} (used as `{document_name(resource, doc)}`)"
    name = document_name(resource, doc)
    return f"{label} in `{name}`" if name else label


# --------------------------------------------------------------------------------------
# Roles: who they trust, which AWS managed policies they carry


def trusts_service(role, services: Iterable[str], ctx=None) -> Tri:
    """Does the role's trust policy let one of `services` (`sagemaker.amazonaws.com`)
    assume it? That is what makes a role an ML execution role. A `Service` principal that
    is unknown, or an unreadable trust document, leaves the answer unknown."""
    wanted = {s.lower() for s in services}
    answers = []
    for doc in trust_documents(role, ctx):
        if doc.unknowns:
            answers.append(None)
        for stmt in doc.statements:
            named = []
            for service in service_principals(stmt):
                if is_unknown(service):
                    named.append(None if may_name_service(service, wanted) else False)
                else:
                    named.append(str(service).lower() in wanted)
            answers.append(all3(is_allow(stmt), actions_overlap(stmt, "sts:AssumeRole"), any3(named)))
    return any3(answers)


def may_name_service(value: Unknown, services: set) -> bool:
    """Could an unknown `Service` principal be one of `services`?"""
    if _is_resource_attribute(value):
        return False
    glob = value_glob(value)
    return glob is None or any(matches(glob, s) for s in services)


_MANAGED_POLICY_ARN = re.compile(r"^arn:[^:]+:iam::aws:policy/(?:.*/)?(?P<name>[^/]+)$")


def aws_managed_policy(value: Any, names: Iterable[str]) -> Tri:
    """Is `value` the ARN of one of the AWS managed policies `names`
    (`arn:aws:iam::aws:policy/AmazonSageMakerFullAccess`, any partition)? An Unknown
    written as a template (`arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess`) is
    decided by its literal text; other Unknowns give None."""
    wanted = {n.lower() for n in names}
    if isinstance(value, Unknown):
        glob = value_glob(value)
        if glob is None:
            return False if _is_resource_attribute(value) and not _refers_to_aws_policy(value) else None
        if any(covers(f"arn:*:iam::aws:policy/{n}", glob) for n in wanted):
            return True
        if any(overlaps(glob, f"arn:*:iam::aws:policy/{n}") for n in wanted):
            return None
        return False
    if not isinstance(value, str):
        return False
    match = _MANAGED_POLICY_ARN.match(value.strip())
    return bool(match) and match.group("name").lower() in wanted


def _refers_to_aws_policy(value: Unknown) -> bool:
    """`data.aws_iam_policy.admin.arn` may name an AWS managed policy; `aws_iam_policy.x.arn`
    (a customer managed policy) cannot."""
    return any(ref.startswith("data.aws_iam_policy.") for ref in value.refs)


def managed_policy_name(value: Any) -> str:
    """`AmazonSageMakerFullAccess` from its ARN (or the template's literal text), for messages."""
    text = value_glob(value) if isinstance(value, Unknown) else value
    if isinstance(text, str) and "/" in text:
        return text.rsplit("/", 1)[1]
    return str(value)
