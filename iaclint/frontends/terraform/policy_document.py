"""`data "aws_iam_policy_document"`: the JSON document the AWS provider renders from it.

The data source is read at plan time from nothing but its own arguments, so its `json` is
statically knowable, and `policy = data.aws_iam_policy_document.d.json` should give IAM
checks the document rather than an Unknown. This follows the provider's
`dataSourcePolicyDocumentRead`: `source_policy_documents` merged first (in order), then the
`statement` blocks (a statement with a `sid` replaces a source statement with the same
`sid`, in place), then `override_policy_documents` (same rule). Per statement: `Effect`
defaults to `Allow`; a set of one string is written as that string, a larger set sorted
in reverse order (the provider's `policyDecodeConfigStringList`); principals group by type
(`type = "*"` with `identifiers = ["*"]` alone is the bare `"*"`); conditions group by test
and variable, values in written order; `&{...}` is IAM's `${...}`. The `json` text is
indented with two spaces and `minified_json` compact, with Go's escaping of `<`, `>`, `&`.

Unknown arguments stay Unknown leaves where they are written. Where an unknown part could
change which statements exist (an unknown override document, an unknown `sid` taking part
in a merge), the whole document is Unknown: a statement that might be replaced must not be
reported as granted.
"""
from __future__ import annotations

import json

from iaclint.model.documents import EncodedJson
from iaclint.model.unknown import ABSENT, Unknown, collect_refs

DEFAULT_VERSION = "2012-10-17"
_STRING_SETS = (("actions", "Action"), ("not_actions", "NotAction"), ("resources", "Resource"),
                ("not_resources", "NotResource"))
_POLICY_VARIABLES = {"actions": False, "not_actions": False, "resources": True, "not_resources": True}


class _Undecidable(Exception):
    def __init__(self, reason: str, refs=()):
        super().__init__(reason)
        self.reason = reason
        self.refs = tuple(refs)


def render(attributes: dict, address: str, text: str) -> dict:
    """The data source's attributes as Terraform sees them after the read: `json` and
    `minified_json` (EncodedJson, or Unknown), and `id` (a hash of the text: Unknown)."""
    try:
        document = _document(attributes)
    except _Undecidable as exc:
        # Refers to the data source (as before it was rendered): a check that reads the
        # data source on its own skips this use of it, and follows it where it must.
        value = Unknown(text, exc.reason, refs=(address,))
        return {"json": value, "minified_json": value, "id": value}
    origin = (address,)
    return {
        "json": EncodedJson(document, _go_json(document, indent=True), origin=origin),
        "minified_json": EncodedJson(document, _go_json(document, indent=False), origin=origin),
        "id": Unknown(text, "the id is a hash of the rendered document", refs=origin),
    }


def _document(attrs: dict) -> dict:
    statements: list = []
    version = ""
    policy_id = None
    for value in _documents(attrs, "source_json", "source_policy_documents"):
        if isinstance(value, Unknown):
            # An unknown source can only add statements, or lose them to ours: ours stay.
            statements.append(value)
            continue
        version, policy_id = _merge(statements, value, version, policy_id)
    own = {"Version": _text(attrs.get("version", DEFAULT_VERSION)) or DEFAULT_VERSION}
    if attrs.get("policy_id") is not None:
        own["Id"] = _text(attrs["policy_id"])
    blocks = attrs.get("statement")
    if isinstance(blocks, Unknown):
        own["Statement"] = blocks
    elif blocks:
        own["Statement"] = [_statement(block) for block in blocks]
    version, policy_id = _merge(statements, own, version, policy_id)
    for value in _documents(attrs, "override_json", "override_policy_documents"):
        if isinstance(value, Unknown):
            raise _Undecidable(f"an override document is unknown: {value.reason}", value.refs)
        version, policy_id = _merge(statements, value, version, policy_id)
    out: dict = {"Version": version} if version else {}
    if policy_id:
        out["Id"] = policy_id
    if len(statements) == 1 and isinstance(statements[0], Unknown) and isinstance(own.get("Statement"), Unknown):
        out["Statement"] = statements[0]
    elif statements:
        out["Statement"] = statements
    return out


def _documents(attrs: dict, single: str, listed: str) -> list:
    """The parsed documents of `source_json` + `source_policy_documents` (or the override
    pair): dicts, or Unknowns for those that cannot be read."""
    values = []
    if attrs.get(single) is not None:
        values.append(attrs[single])
    items = attrs.get(listed)
    if isinstance(items, Unknown):
        values.append(items)
    elif isinstance(items, list):
        values.extend(item for item in items if item is not None)
    out = []
    for value in values:
        if isinstance(value, Unknown):
            out.append(value)
        elif isinstance(value, EncodedJson) and isinstance(value.value, dict):
            out.append(value.value)
        elif isinstance(value, str):
            try:
                parsed = json.loads(value)
            except ValueError:
                raise _Undecidable("a merged policy document is not valid JSON") from None
            if not isinstance(parsed, dict):
                raise _Undecidable("a merged policy document is not a JSON object")
            out.append(parsed)
        else:
            raise _Undecidable("a merged policy document is not a string")
    return out


def _merge(statements: list, document, version: str, policy_id):
    """The provider's `IAMPolicyDoc.Merge`: Id adopted, Version upgraded, statements with a
    Sid replace the earlier one with that Sid in place, others are appended."""
    if not isinstance(document, dict):
        raise _Undecidable("a merged policy document is not a JSON object")
    new_id = document.get("Id")
    if isinstance(new_id, Unknown):
        raise _Undecidable(f"the policy id is unknown: {new_id.reason}", new_id.refs)
    if new_id:
        policy_id = new_id
    new_version = document.get("Version")
    if isinstance(new_version, Unknown):
        raise _Undecidable(f"the policy version is unknown: {new_version.reason}", new_version.refs)
    if isinstance(new_version, str) and new_version > version:
        version = new_version
    body = document.get("Statement")
    if body is None:
        return version, policy_id
    if isinstance(body, dict):
        body = [body]
    if isinstance(body, list):  # Go reads merged documents into its struct: its field order
        body = [_struct_order(s) for s in body]
    if isinstance(body, Unknown):
        if statements:
            raise _Undecidable(f"merged statements are unknown: {body.reason}", body.refs)
        statements.append(body)
        return version, policy_id
    for statement in body if isinstance(body, list) else [body]:
        sid = statement.get("Sid") if isinstance(statement, dict) else None
        if _adds_only(statement, statements):
            statements.append(statement)  # a statement that may be there, replacing nothing
            continue
        if isinstance(sid, Unknown) or (isinstance(statement, Unknown) and statements):
            raise _Undecidable("a statement that may replace another one is unknown",
                               collect_refs(sid if isinstance(sid, Unknown) else statement))
        if sid:
            # An unknown earlier document may hold this Sid too: either way this statement
            # is in the result, and the Unknown stays as the part that cannot be read.
            for i, existing in enumerate(statements):
                if isinstance(existing, dict) and existing.get("Sid") == sid:
                    statements[i] = statement
                    break
            else:
                statements.append(statement)
        else:
            statements.append(statement)
    return version, policy_id


def _adds_only(statement, statements: list) -> bool:
    """A statement that may be there (a choice of statements and `ABSENT`) whose options
    have no `Sid`, or one no earlier statement has: it can only be added."""
    if not isinstance(statement, Unknown) or statement.alternatives is None:
        return False
    taken = {s.get("Sid") for s in statements if isinstance(s, dict)}
    for option in statement.alternatives:
        if option is ABSENT:
            continue
        if not isinstance(option, dict) or isinstance(option.get("Sid"), Unknown) or (
                option.get("Sid") and (option.get("Sid") in taken or any(isinstance(s, Unknown) for s in statements))):
            return False
    return True


_STATEMENT_FIELDS = ("Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal",
                     "NotPrincipal", "Condition")


def _struct_order(statement):
    """A statement of a merged JSON document as the provider writes it back: the fields of
    its `IAMPolicyStatement` struct, in that order (other keys are dropped, as Go drops them)."""
    if not isinstance(statement, dict):
        return statement
    return {key: statement[key] for key in _STATEMENT_FIELDS if key in statement and statement[key] is not None}


def _statement(block) -> dict:
    if isinstance(block, Unknown) and block.alternatives is not None:
        # a statement that may be there (or be there many times): each option rendered
        return block.replace(alternatives=tuple(_statement(a) if isinstance(a, dict) else a
                                                for a in block.alternatives))
    if isinstance(block, Unknown) or not isinstance(block, dict):
        return block
    out: dict = {}
    if block.get("sid"):
        out["Sid"] = block["sid"]
    out["Effect"] = block.get("effect") if block.get("effect") is not None else "Allow"
    for name, key in _STRING_SETS:
        value = _string_set(block.get(name), _POLICY_VARIABLES[name])
        if value is not None:
            out[key] = value
    for name, key in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        if block.get(name):
            out[key] = _principals(block[name])
    if block.get("condition"):
        out["Condition"] = _conditions(block["condition"])
    return out


def _string_set(value, variables: bool):
    """A set of strings as the provider writes it: one string alone, else reverse-sorted."""
    if value is None:
        return None
    if isinstance(value, Unknown):
        return value
    items = [_replace_variables(v) if variables else v for v in (value if isinstance(value, list) else [value])]
    items = list(dict.fromkeys(items)) if all(isinstance(v, str) for v in items) else items
    if not items:
        return None
    if len(items) == 1:
        return items[0]
    if all(isinstance(v, str) for v in items):
        return sorted(items, reverse=True)
    return items  # with Unknowns the order is not knowable; the content is


def _replace_variables(value):
    return value.replace("&{", "${") if isinstance(value, str) else value


def _principals(blocks):
    if isinstance(blocks, Unknown):
        return blocks
    blocks = [b for b in (blocks if isinstance(blocks, list) else [blocks]) if b is not None]
    if len(blocks) == 1 and isinstance(blocks[0], dict) and blocks[0].get("type") == "*":
        ids = blocks[0].get("identifiers")
        if ids == ["*"] or ids == "*":
            return "*"
    grouped: dict = {}
    for block in blocks:
        if isinstance(block, Unknown) or not isinstance(block, dict):
            raise _Undecidable("a principals block is unknown", collect_refs(block))
        kind = block.get("type")
        if isinstance(kind, Unknown):
            raise _Undecidable(f"a principal type is unknown: {kind.reason}", kind.refs)
        identifiers = _string_set(block.get("identifiers"), True)
        if isinstance(identifiers, Unknown):
            grouped[kind] = identifiers  # the identifiers of this type are unknown as a whole
            continue
        if identifiers is None:
            continue
        if kind not in grouped:
            grouped[kind] = identifiers
            continue
        before = grouped[kind]
        if isinstance(before, Unknown):
            continue
        merged = (before if isinstance(before, list) else [before]) + (identifiers if isinstance(identifiers, list)
                                                                      else [identifiers])
        grouped[kind] = merged
    return {k: grouped[k] for k in sorted(grouped, key=str)}


def _conditions(blocks):
    if isinstance(blocks, Unknown):
        return blocks
    grouped: dict = {}
    for block in blocks if isinstance(blocks, list) else [blocks]:
        if isinstance(block, Unknown) or not isinstance(block, dict):
            raise _Undecidable("a condition block is unknown", collect_refs(block))
        test, variable = block.get("test"), block.get("variable")
        for part in (test, variable):
            if isinstance(part, Unknown):
                raise _Undecidable(f"a condition key is unknown: {part.reason}", part.refs)
        values = block.get("values")
        if isinstance(values, Unknown):
            grouped.setdefault(test, {})[variable] = values
            continue
        items = [_replace_variables(v) for v in (values if isinstance(values, list) else [values])]
        existing = grouped.setdefault(test, {}).get(variable)
        if isinstance(existing, Unknown):
            continue
        grouped[test][variable] = (existing or []) + items
    for test in grouped:
        for variable, items in grouped[test].items():
            if isinstance(items, list) and len(items) == 1:
                grouped[test][variable] = items[0]
    return {t: {v: grouped[t][v] for v in sorted(grouped[t], key=str)} for t in sorted(grouped, key=str)}


def _text(value) -> str:
    if isinstance(value, Unknown):
        raise _Undecidable(f"the policy version is unknown: {value.reason}", value.refs)
    return "" if value is None else str(value)


def _go_json(value, indent: bool) -> str:
    """Go's `encoding/json`: `<`, `>`, `&`, U+2028 and U+2029 escaped, UTF-8 kept.
    Unknown leaves are written as `${expression}` placeholders."""
    text = json.dumps(value, ensure_ascii=False, indent=2 if indent else None,
                      separators=(",", ": ") if indent else (",", ":"), default=_placeholder)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


def _placeholder(value) -> str:
    return str(value)  # an Unknown is `${expression}`
