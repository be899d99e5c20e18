"""Where policy documents live, and how a reference to one is followed.

A canonical resource can hold identity documents (inline policies, `aws_iam_policy`),
a trust document (`assume_role_policy`) or a resource policy (KMS key policies); the
attribute patterns are data (`PERMISSION_DOCUMENTS`, ...), so supporting another type is
one line. A document may be written in place or refer to a data source or a customer
managed policy elsewhere in the project; whether to follow that reference depends on the
question (see `permission_documents` and `trust_documents`), which is why both entry
points exist and the lower-level `documents_at` takes `follow` explicitly.
"""
from __future__ import annotations

from typing import Any, Iterator

from iaclint.aws.iam.model import Document
from iaclint.aws.iam.statements import data_statements, json_document, unknown_reason
from iaclint.model import documents as _documents
from iaclint.model.unknown import Unknown

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
    "aws_bedrockagentcore_resource_policy": ("policy",),
    "aws_api_gateway_rest_api": ("policy",),
    "aws_api_gateway_rest_api_policy": ("policy",),
}
# Types whose documents are checked on their own: a document that merely refers to one of
# them (`policy = data.aws_iam_policy_document.d.json`) is skipped, not reported twice.
SELF_CHECKED_TYPES = frozenset({DATA_SOURCE, "aws_iam_policy"})


# The canonical types a permission-policy check runs on.
IDENTITY_POLICY_TYPES = tuple(PERMISSION_DOCUMENTS) + (DATA_SOURCE,)


def permission_documents(resource, ctx=None) -> list[Document]:
    """Identity policy documents of `resource`: inline policies of roles, users and groups,
    the `policy` of `aws_iam_policy` and the `aws_iam_*_policy` types, and the data source
    itself. `assume_role_policy` is a trust document and never included here.

    A document that only refers to a data source (or `aws_iam_policy`) in the scanned
    project is skipped: that resource is checked on its own, and reporting it again on
    every resource that uses it would repeat one problem many times."""
    return _remembered(ctx, "permission_documents", resource, lambda: _identity_documents(resource, ctx, False))


def trust_documents(resource, ctx=None) -> list[Document]:
    """The trust (assume-role) document of an `aws_iam_role`. A trust document that refers
    to a data source in the project is followed, because the data source alone cannot
    tell that it is used as a trust policy."""
    pattern = TRUST_DOCUMENTS.get(resource.type)
    if not pattern:
        return []
    return _remembered(ctx, "trust_documents", resource, lambda: _documents_at(resource, pattern, ctx, follow=True))


def resource_policy_documents(resource, ctx=None) -> list[Document]:
    """Resource-based documents (KMS key policies, AgentCore resource policies). Data sources are followed, for the same
    reason as trust documents: a policy about key policies runs on the key, not on the
    data source."""
    pattern = RESOURCE_POLICY_DOCUMENTS.get(resource.type)
    return _documents_at(resource, pattern, ctx, follow=True) if pattern else []


def granted_documents(resource, ctx=None) -> list[Document]:
    """Identity documents of `resource` with every reference followed: what the resource
    actually grants. Questions about a principal as a whole (everything a role may do)
    need the statements of a data source or customer managed policy it uses, where
    per-document checks (`permission_documents`) leave them to that resource."""
    return _remembered(ctx, "granted_documents", resource, lambda: _identity_documents(resource, ctx, True))


def _identity_documents(resource, ctx, follow: bool) -> list[Document]:
    if resource.type == DATA_SOURCE:
        return [_data_source_document(resource, ctx, follow=follow)]
    pattern = PERMISSION_DOCUMENTS.get(resource.type)
    return _documents_at(resource, pattern, ctx, follow=follow) if pattern else []


def _remembered(ctx, question: str, resource, compute) -> list[Document]:
    """Several policies read the same resource's documents: parse them once per scan."""
    memo = getattr(ctx, "remembered", None)
    return memo(question, resource, compute) if memo is not None else compute()


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
    """The `Document` written at `path` of `resource` in any form `iaclint.model.documents`
    understands. None when the document is skipped (it refers to a data source checked on
    its own, and `follow` is False)."""
    origin = getattr(value, "origin", ())  # a rendered data source (`data.x.d.json`): as a reference to it
    if origin and ctx is not None:
        targets = _self_checked_targets(resource, Unknown(str(value)[:60], "rendered", refs=origin), ctx)
        if targets is not None:
            return _followed(resource, path, targets, ctx, seen) if follow else None
    decoded = _documents.decode(value)
    if isinstance(decoded, Unknown):
        targets = _self_checked_targets(resource, decoded, ctx)
        if targets is None:
            return Document(path, unknowns=[(path, decoded, unknown_reason(decoded))])
        if not follow:
            return None
        return _followed(resource, path, targets, ctx, seen)
    if not isinstance(decoded, dict):
        reason = "the policy document is not a JSON object"
        return Document(path, unknowns=[(path, Unknown(str(value)[:60], reason), reason)])
    return _json_document(resource, path, value, decoded, ctx)


def _json_document(resource, path: tuple, value: Any, decoded: dict, ctx) -> Document:
    """`json_document`, read once per scan for the value at `path` of `resource`: a
    document written in place reads the same whether references are followed or not, and
    both questions are asked of a role (`permission_documents` by the IAM policies,
    `granted_documents` by the asset graph and the principal's policies). Kept with
    `value` itself (its id stays its own); a caller that hands another value for the same
    place reads it afresh."""
    memo = getattr(ctx, "remembered", None)
    if memo is None:
        return json_document(resource, path, decoded)
    kept = memo(("json_document", path), resource, lambda: (value, json_document(resource, path, decoded)))
    return kept[1] if kept[0] is value else json_document(resource, path, decoded)


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


# --------------------------------------------------------------------------------------
# data "aws_iam_policy_document": assembling the document from its parts


def _data_source_document(resource, ctx, follow: bool, seen: tuple = ()) -> Document:
    """The data source as a document: `source_policy_documents`, then its `statement`
    blocks, then `override_policy_documents`. A later statement with the same sid replaces
    an earlier one, as the provider merges them."""
    attrs = resource.attributes
    doc = Document(())
    parts: list[Document] = []
    for name in ("source_policy_documents",):
        parts.extend(_listed_documents(resource, name, ctx, follow, seen))
    parts.append(data_statements(resource, attrs.get("statement")))
    parts.extend(_listed_documents(resource, "override_policy_documents", ctx, follow, seen))
    by_sid: dict = {}
    for part in parts:
        doc.unknowns.extend(part.unknowns)
        doc.maybe.update(part.maybe)
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
        return [Document((name,), unknowns=[((name,), value, unknown_reason(value))])]
    out = []
    for i, item in enumerate(value if isinstance(value, list) else [value]):
        doc = document_from_value(resource, (name, i), item, ctx, follow=follow, seen=seen)
        if doc is not None:
            out.append(doc)
    return out
