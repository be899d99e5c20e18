"""JSON documents embedded in attributes (IAM policies, pipeline definitions), in any form.

Terraform writes them with `jsonencode(...)`, as heredoc or quoted JSON strings, or as a
reference; CloudFormation writes them as YAML/JSON objects or as strings. `decode` turns
every form into plain data (dicts and lists, Unknowns kept inside), so a policy reads one
shape. `EncodedJson` is what the Terraform evaluator returns for `jsonencode(x)`: a real
JSON string (what Terraform would send to AWS) that also keeps `x` itself, Unknowns
included, so a document with one unresolved ARN can still be analysed.
"""
from __future__ import annotations

import json
from typing import Any

from iaclint.model.unknown import Unknown


class EncodedJson(str):
    """A JSON string that remembers the value it encodes (`.value`, may hold Unknowns).

    `origin` names the resources the document was rendered by (the address of a Terraform
    `data "aws_iam_policy_document"` whose `.json` this is), so that a check which reads
    the data source on its own can skip the same document where it is used, as it skips
    an Unknown reference to it."""

    value: Any
    origin: tuple

    def __new__(cls, value: Any, text: str | None = None, origin: tuple = ()) -> "EncodedJson":
        if text is None:
            text = json.dumps(value, default=_placeholder, separators=(",", ":"))
        obj = super().__new__(cls, text)
        obj.value = value
        obj.origin = tuple(origin)
        return obj

    def __reduce__(self):
        # str's default would rebuild from the text alone and lose `value` (the cache pickles these).
        return (EncodedJson, (self.value, str(self), self.origin))


def _placeholder(value: Any) -> str:
    if isinstance(value, Unknown):
        return str(value)
    return repr(value)


def decode(value: Any) -> Any:
    """Plain data of a document; an Unknown stays Unknown, unless it is a partially known
    string whose text is JSON (`!Sub '{"Resource": "collection/${Name}"}'`): then its
    structure, with Unknowns where the holes are (`iaclint.model.holes_json`); None when it
    is not JSON."""
    if isinstance(value, EncodedJson):
        return value.value
    if isinstance(value, Unknown):
        if value.parts is not None and value.alternatives is None:
            from iaclint.model import holes_json

            parsed = holes_json.parse(value)
            if parsed is not None:
                return parsed
        return value
    if isinstance(value, (dict, list)):
        return value
    if isinstance(value, str):
        text = value.strip()
        if not text or text[0] not in "{[":
            return None
        try:
            return json.loads(text)
        except ValueError:
            return None
    return None
