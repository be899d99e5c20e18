"""JSON documents written as text with unknown parts in them (a partially known string).

A heredoc IAM policy often interpolates a reference: `"Resource": "${aws_s3_bucket.b.arn}/*"`;
a CloudFormation `!Sub` writes a whole OpenSearch Serverless policy around `${CollectionName}`.
The string as a whole is known only at deployment, but its structure is written in the
source: the `Action` next to that `Resource` is plain text, and a policy must be able to
read it. The text is rendered with one placeholder per hole (private-use characters that
cannot occur in source by accident, and are checked for anyway); `decode` parses it as JSON
and puts the Unknowns back at the leaves that hold a placeholder. A leaf that is partly
literal (`"${arn}/*"`) becomes a partially known string (`iaclint.model.symbolic.text`), so
its known text still proves what it cannot be (`*`). A placeholder outside any JSON string
(`"Resource": ${jsonencode(x)}`) stands for a whole JSON value and is quoted before parsing.

The one assumption: a hole inside a JSON string is text that needs no JSON escaping (a
name, an ARN, an ID: what templates interpolate there), so it cannot change the structure.

When the text is not JSON, or a placeholder is in an object key (the shape itself is then
unknown), `decode` returns None and the value stays Unknown. `parse` does all of this for
a partially known string of either front end; the Terraform template renderer calls
`token`/`decode` itself, to keep the file offsets of a heredoc.
"""
from __future__ import annotations

import json

from iaclint.model import lazy_re
from iaclint.model import symbolic
from iaclint.model.unknown import Unknown, shape_name

_START, _END = "\ue000", "\ue001"
_TOKEN = lazy_re.compile(_START + r"(\d+)" + _END)


def token(index: int) -> str:
    """The placeholder of the `index`-th unknown interpolation of a template."""
    return f"{_START}{index}{_END}"


def display(text: str, holes: list) -> str:
    """`text` with every placeholder written back as the `${...}` of the source."""
    if _START not in text:
        return text
    return _TOKEN.sub(lambda m: holes[int(m.group(1))][1] if int(m.group(1)) < len(holes) else m.group(0), text)


def decode(text: str, holes: list, offsets: list | None):
    """(value with Unknown leaves, the JSON text parsed, its offsets) or None.

    `holes` holds (Unknown, written text) per placeholder; `offsets` (a heredoc's file
    offset of each character, or None) is kept aligned with the text when a bare
    placeholder gets quotes."""
    if not text.lstrip().startswith(("{", "[")):
        return None
    if text.count(_START) != len(holes) or text.count(_END) != len(holes):
        return None  # the literal text itself holds our private-use characters: do not guess
    quoted, offsets = _quote_bare(text, offsets)
    try:
        document = json.loads(quoted)
    except ValueError:
        return None
    try:
        value = _restore(document, holes)
    except _KeyHole:
        return None
    return value, quoted, offsets


class _KeyHole(Exception):
    """A placeholder in an object key: the document's shape is unknown."""


def _restore(value, holes: list):
    if isinstance(value, str):
        return _leaf(value, holes) if _START in value else value
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if _START in key:
                raise _KeyHole()
            out[key] = _restore(item, holes)
        return out
    if isinstance(value, list):
        return [_restore(item, holes) for item in value]
    return value


def _leaf(text: str, holes: list):
    """The value of a JSON string holding placeholders: the hole itself when it is all of
    it, else an Unknown string whose `parts` keep the literal text around the holes."""
    match = _TOKEN.fullmatch(text)
    if match:
        return holes[int(match.group(1))][0]
    parts: list = []
    position = 0
    for match in _TOKEN.finditer(text):
        if match.start() > position:
            parts.append(text[position:match.start()])
        parts.append(holes[int(match.group(1))][0])
        position = match.end()
    if position < len(text):
        parts.append(text[position:])
    first = next(p for p in parts if isinstance(p, Unknown))
    return symbolic.text(parts, display(text, holes), first.reason, first.span)


def _quote_bare(text: str, offsets: list | None) -> tuple[str, list | None]:
    """Quote every placeholder that stands outside a JSON string (a whole value)."""
    out: list = []
    new_offsets: list | None = [] if offsets is not None else None
    in_string = escaped = False
    i = 0
    while i < len(text):
        char = text[i]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == _START:
            end = text.find(_END, i)
            if end > 0:
                out.append('"' + text[i:end + 1] + '"')
                if new_offsets is not None:
                    new_offsets.extend([offsets[i]] + offsets[i:end + 1] + [offsets[end]])
                i = end + 1
                continue
        out.append(char)
        if new_offsets is not None:
            new_offsets.append(offsets[i])
        i += 1
    return "".join(out), new_offsets


def pieces(value) -> list:
    """The JSON text of `value` (plain data with Unknown leaves) as text and holes, which
    `parse` reads back: a leaf that is a partially known string is a JSON string around
    its holes, any other Unknown a bare hole (a whole JSON value). The text is written as
    `json.dumps(..., separators=(",", ":"))` writes it."""
    out: list = []
    _write(value, out)
    return out


def _write(value, out: list) -> None:
    if isinstance(value, Unknown):
        if value.parts is None:
            out.append(value)
            return
        out.append('"')
        for part in value.parts:
            if isinstance(part, Unknown):
                out.append(part if part.parts is None else part.replace(parts=None))
            else:
                out.append(json.dumps(part if isinstance(part, str) else str(part))[1:-1])
        out.append('"')
    elif isinstance(value, dict):
        out.append("{")
        for i, (key, item) in enumerate(value.items()):
            out.append(("," if i else "") + json.dumps(str(key)) + ":")
            _write(item, out)
        out.append("}")
    elif isinstance(value, list):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _write(item, out)
        out.append("]")
    else:
        out.append(json.dumps(value))


def parse(value):
    """The JSON document a partially known string holds, with Unknowns at the leaves that
    hold a hole; None when it is not a partially known string, or not JSON."""
    if not isinstance(value, Unknown) or value.parts is None:
        return None
    pieces: list = []
    holes: list = []
    for part in symbolic.flatten(value.parts):
        if isinstance(part, str):
            if _START in part or _END in part:
                return None
            pieces.append(part)
        else:
            pieces.append(token(len(holes)))
            holes.append((part, "${" + shape_name(part) + "}"))
    decoded = decode("".join(pieces), holes, None)
    return None if decoded is None else decoded[0]
