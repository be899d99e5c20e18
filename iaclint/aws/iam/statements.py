"""Normalization: from a written document to `Statement`s that remember their paths.

IAM JSON (from `jsonencode`, a heredoc, a JSON string or a CloudFormation object) and the
`statement` blocks of `data "aws_iam_policy_document"` spell the same elements differently
(`Action` / `actions`, `Condition` / `condition` blocks, `Principal` maps / `principals`
blocks). Both are read into the same `Statement` here, with the canonical path of every
element, and whatever cannot be read (a `Statement` built by an unknown expression) is
recorded as an unknown part of the document rather than dropped: a part that is skipped
silently would turn into a false PASS.
"""
from __future__ import annotations

from typing import Any

from iaclint.aws.iam.model import Condition, Document, Principal, Statement
from iaclint.model.unknown import ABSENT, Unknown

# Element names in the two document shapes: IAM JSON and the data source's blocks.
JSON_FIELDS = {
    "sid": "Sid", "effect": "Effect", "actions": "Action", "not_actions": "NotAction",
    "resources": "Resource", "not_resources": "NotResource", "principals": "Principal",
    "not_principals": "NotPrincipal", "conditions": "Condition",
}
DATA_FIELDS = {
    "sid": "sid", "effect": "effect", "actions": "actions", "not_actions": "not_actions",
    "resources": "resources", "not_resources": "not_resources", "principals": "principals",
    "not_principals": "not_principals", "conditions": "condition",
}


def unknown_reason(value: Unknown) -> str:
    """Why an Unknown part stops the analysis, for messages: its expression and reason."""
    expr = " ".join(value.expr.split())
    if len(expr) > 80:
        expr = expr[:77] + "..."
    return f"`{expr}` cannot be known statically ({value.reason})"


# --------------------------------------------------------------------------------------
# IAM JSON documents


def json_document(resource, path: tuple, doc: dict) -> Document:
    """Statements of an IAM JSON document. `Statement` may be a list or a single object."""
    out = Document(path)
    key = _key(doc, "Statement")
    if key is None:
        return out
    body = doc[key]
    base = path + (key,)
    if isinstance(body, Unknown):
        out.unknowns.append((base, body, unknown_reason(body)))
    elif isinstance(body, dict):
        out.statements.append(_json_statement(resource, base, body, 0))
    elif isinstance(body, list):
        for i, item in enumerate(body):
            if isinstance(item, dict):
                out.statements.append(_json_statement(resource, base + (i,), item, i))
            elif isinstance(item, Unknown):
                out.unknowns.append((base + (i,), item, unknown_reason(item)))
                _maybe(out, base + (i,), item, lambda o: _json_statement(resource, base + (i,), o, i))
    return out


def _maybe(doc: Document, path: tuple, item: Unknown, read) -> None:
    """A statement that may or may not be there (a choice of statements and `ABSENT`, or
    `null`): its options, read, in `doc.maybe`."""
    options = item.alternatives
    if not options or not all(o is ABSENT or o is None or isinstance(o, dict) for o in options):
        return
    doc.maybe[path] = [read(o) for o in options if isinstance(o, dict)]


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
    return _statement(resource, path, raw, index, JSON_FIELDS, _keys_of(raw), _json_principals, _json_conditions,
                      effect=None)


def _keys_of(mapping: dict):
    """`_key` for one mapping asked for every element name (most of them absent, each
    of which `_key` answers by lower-casing every key): its keys lower-cased once."""
    folded: dict = {}
    for key in mapping:
        if isinstance(key, str):
            folded.setdefault(key.lower(), key)  # the first spelling, as `_key` finds it

    def find(_mapping: dict, name: str) -> str | None:
        return name if name in mapping else folded.get(name.lower())

    return find


def _statement(resource, path: tuple, raw: dict, index: int, fields: dict, find, principals, conditions,
               effect) -> Statement:
    """One statement from JSON or from a data-source block: the two differ only in their
    element names, how a name is found, how principals and conditions are written, and the
    default effect (none in JSON, Allow in the data source)."""
    stmt = Statement(path=path, resource=resource, index=index, effect=effect)
    for name, element in fields.items():
        key = find(raw, element)
        if key is None:
            continue
        value = raw[key]
        stmt.paths[name] = path + (key,)
        if name == "sid":
            stmt.sid = value
        elif name == "effect":
            stmt.effect = value
        elif name in ("principals", "not_principals"):
            setattr(stmt, name, principals(value))
        elif name == "conditions":
            stmt.conditions = conditions(value)
        else:
            setattr(stmt, name, as_list(value))
    return stmt


def as_list(value: Any) -> list:
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
            for ident in as_list(ids):
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
                    out.append(Condition(test, variable, tuple(as_list(values))))
    return out


# --------------------------------------------------------------------------------------
# data "aws_iam_policy_document" blocks


def data_statements(resource, blocks: Any) -> Document:
    """The `statement` blocks of a data source (a block built by an unknown `dynamic` is an
    unknown part, never skipped)."""
    doc = Document(())
    if blocks is None:
        return doc
    if isinstance(blocks, Unknown):
        doc.unknowns.append((("statement",), blocks, unknown_reason(blocks)))
        return doc
    if isinstance(blocks, dict):
        blocks = [blocks]
    for i, block in enumerate(blocks):
        path = ("statement", i)
        if isinstance(block, Unknown):
            doc.unknowns.append((path, block, unknown_reason(block)))
            _maybe(doc, path, block, lambda o: _data_statement(resource, path, o, i))
        elif isinstance(block, dict):
            doc.statements.append(_data_statement(resource, path, block, i))
    _replacing(doc)
    return doc


def _replacing(doc: Document) -> None:
    """A statement that may be there and has a `sid` may replace the written statement of
    that `sid` (the provider merges by `sid`): neither is then certain. Such a part stays
    unknown, and the statements it may replace are not judged."""
    for path, options in list(doc.maybe.items()):
        sids = [s.sid for s in options if s.sid is not None and s.sid != ""]
        if not sids:
            continue
        del doc.maybe[path]
        if any(isinstance(s, Unknown) for s in sids):
            doc.statements = [s for s in doc.statements if not s.sid]
        else:
            doc.statements = [s for s in doc.statements if s.sid not in sids]


def _data_statement(resource, path: tuple, block: dict, index: int) -> Statement:
    return _statement(resource, path, block, index, DATA_FIELDS, _data_key, _data_principals, _data_conditions,
                      effect="Allow")  # the provider's default


def _data_key(block: dict, element: str) -> str | None:
    """A data-source argument that is written (an argument set to null is not)."""
    return element if block.get(element) is not None else None


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
        for ident in as_list(ids) if ids is not None else []:
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
                                 tuple(as_list(values)) if values is not None else ()))
    return out
