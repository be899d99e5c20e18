"""Read `.tf.json` files into the same `Block`/`Attribute` shape as `.tf` files.

Terraform's JSON syntax nests labels as object keys (`resource` -> type -> name -> body).
Attribute values are `JsonValue`s: plain JSON whose strings may hold `${...}` templates,
with the span of every path, so the evaluator can treat both syntaxes alike.
"""
from __future__ import annotations


from iaclint.frontends.jsonspans import JsonSpanError, decode, duplicate_message
from iaclint.frontends.terraform.hcl import Attribute, Block, Source
from iaclint.model.records import dataclass
from iaclint.model.resource import DUPLICATE_KEY_ID, ParseError, Span

# How many labels each top-level block type has in JSON syntax.
_LABELS = {"resource": 2, "data": 2, "variable": 1, "module": 1, "output": 1, "provider": 1,
           "locals": 0, "terraform": 0}


@dataclass
class JsonValue:
    value: object
    path: tuple  # where the value sits in the file's JSON document
    spans: dict  # the whole file's path -> (line, col, end_line, end_col)


def parse_json_file(file: str, data: bytes) -> tuple[list[Block], list[ParseError]]:
    source = Source(file, data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [ParseError(file, data.count(b"\n", 0, exc.start) + 1, 1, "not valid UTF-8")]
    if not text.strip():
        return [], []
    try:
        decoded = decode(text)
    except JsonSpanError as exc:
        return [], [ParseError(file, exc.line, exc.column, f"invalid JSON: {exc.message}")]
    document, spans = decoded.value, decoded.spans
    if not isinstance(document, dict):
        return [], [ParseError(file, 1, 1, "a .tf.json file must hold a JSON object")]
    blocks: list[Block] = []
    for block_type, content in document.items():
        if block_type not in _LABELS:
            continue
        for labels, body, path in _expand(content, _LABELS[block_type], (block_type,), []):
            if isinstance(body, list):  # several blocks with the same labels
                for i, item in enumerate(body):
                    if isinstance(item, dict):
                        blocks.append(_block(block_type, labels, item, path + (i,), spans, source))
            elif isinstance(body, dict):
                blocks.append(_block(block_type, labels, body, path, spans, source))
    return blocks, _duplicates(file, decoded.duplicates)


def _duplicates(file: str, duplicates: list) -> list[ParseError]:
    """IAC004 for a property written twice in one object. HCL's JSON syntax keeps every
    definition (two `"resource"` properties are two sets of blocks); iaclint reads JSON
    into dictionaries, which keep the last, so it says what it did not read."""
    return [ParseError(file, line, column, f"{duplicate_message(path, key, first)}: iaclint reads only the last "
                       "one, so what the first holds is not scanned", DUPLICATE_KEY_ID)
            for path, key, (line, column), first in duplicates]


def _expand(content, depth: int, path: tuple, labels: list):
    if depth == 0:
        yield labels, content, path
        return
    if not isinstance(content, dict):
        return
    for key, inner in content.items():
        yield from _expand(inner, depth - 1, path + (key,), labels + [key])


def _span(file: str, spans: dict, path: tuple) -> Span:
    found = spans.get(path)
    while found is None and path:
        path = path[:-1]
        found = spans.get(path)
    if found is None:
        return Span(file, 1, 1, 1, 1)
    return Span(file, *found)


def _block(block_type: str, labels: list, body: dict, path: tuple, spans: dict, source: Source) -> Block:
    span = _span(source.file, spans, path)
    header = Span(span.file, span.line, span.column, span.line, span.column)
    attributes = {}
    blocks = []
    for key, value in body.items():
        if key == "//":  # Terraform ignores a "//" property in a block body: a comment
            continue
        if key == "dynamic" or (key in ("lifecycle", "provisioner", "connection") and isinstance(value, dict)):
            continue
        attributes[key] = Attribute(key, JsonValue(value, path + (key,), spans),
                                    _span(source.file, spans, path + (key,)), source)
    return Block(block_type, labels, attributes, blocks, span, header, source)
