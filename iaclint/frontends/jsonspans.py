"""Decode JSON and keep where every value was written.

The standard `json` module forgets positions, and a finding inside a heredoc IAM policy, a
`.tf.json` file or a JSON CloudFormation template must point at the line of the offending
`"Action"`. This decoder returns the value and a span for every path: for an object member
the span runs from its key to the end of its value, for a list item over the item. Lines
and columns are 1-based, end columns exclusive, and counted from `line`/`column` of the
text's first character, so callers can place an embedded document at its position in the
enclosing file. It also notes the spans of keys near the top (CloudFormation's logical
IDs) and keys written twice in one object (which `json` silently resolves to the last).

It is the one JSON-with-positions reader of the code base: Terraform's `.tf.json`, JSON
variable files and plans, heredoc documents, and the JSON templates that libyaml rejects.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from json.decoder import scanstring
from typing import Any

from iaclint.model.records import dataclass, field

# Two Python frames per level: 200 levels stay well inside the interpreter's recursion
# limit even when the caller is itself deep in an evaluation (a heredoc policy document).
MAX_DEPTH = 200
# Values in one document. A value with its span takes about 600 bytes here, and a file cap
# in bytes does not bound the values: `[0,0,0,...]` is one per two bytes (a 20 MB file
# would take 6 GB). A real template or `.tf.json` file holds a few thousand.
MAX_VALUES = 1_000_000

_WS = re.compile(r"[ \t\r\n]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")


class JsonSpanError(ValueError):
    def __init__(self, message: str, line: int, column: int):
        super().__init__(f"{message} at line {line}, column {column}")
        self.message = message
        self.line = line
        self.column = column


@dataclass
class Decoded:
    value: Any
    spans: dict = field(default_factory=dict)  # path -> (line, column, end_line, end_column)
    keys: dict = field(default_factory=dict)  # path -> span of its key, for paths up to `key_depth` long
    # Keys written twice in one object: (path of the object, key, (line, column) of the
    # repeat, line of the first). The value is the last one's, as `json` decides.
    duplicates: list = field(default_factory=list)


class _Decoder:
    def __init__(self, text: str, line: int, column: int, max_depth: int, key_depth: int,
                 max_values: int = MAX_VALUES, spans_of: str | None = None):
        self.text = text
        self.base_line = line
        self.base_column = column
        self.max_depth = max_depth
        self.key_depth = key_depth
        self.values_left = max_values
        self.max_values = max_values
        self.spans_of = spans_of  # the one top-level member whose spans are kept (None: all)
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.spans: dict[tuple, tuple[int, int]] = {}  # path -> (start, end) offsets
        self.keys: dict[tuple, tuple[int, int]] = {}
        self.duplicates: list = []  # (path, key, offset of the repeat, offset of the first)

    def position(self, offset: int) -> tuple[int, int]:
        lo = bisect_right(self.line_starts, offset) - 1  # the last line start <= offset
        column = offset - self.line_starts[lo] + 1
        if lo == 0:
            column += self.base_column - 1
        return self.base_line + lo, column

    def fail(self, message: str, offset: int):
        line, column = self.position(min(offset, len(self.text)))
        raise JsonSpanError(message, line, column)

    def skip(self, offset: int) -> int:
        return _WS.match(self.text, offset).end()

    def string(self, offset: int) -> tuple[str, int]:
        try:
            return scanstring(self.text, offset + 1, True)
        except ValueError:
            self.fail("invalid string", offset)

    def value(self, offset: int, path: tuple, depth: int, spans: dict | None) -> tuple[Any, int]:
        if depth > self.max_depth:
            self.fail(f"nesting deeper than {self.max_depth} levels", offset)
        self.values_left -= 1
        if self.values_left < 0:
            self.fail(f"more than {self.max_values:,} values in one document: not scanned", offset)
        offset = self.skip(offset)
        if offset >= len(self.text):
            self.fail("unexpected end of JSON", offset)
        char = self.text[offset]
        if char == "{":
            return self.object(offset + 1, path, depth, spans)
        if char == "[":
            return self.array(offset + 1, path, depth, spans)
        if char == '"':
            return self.string(offset)
        match = _NUMBER.match(self.text, offset)
        if match:
            text = match.group()
            return (float(text) if match.group(1) or match.group(2) else int(text)), match.end()
        for word, value in (("true", True), ("false", False), ("null", None)):
            if self.text.startswith(word, offset):
                return value, offset + len(word)
        self.fail(f"unexpected character {char!r}", offset)

    def object(self, offset: int, path: tuple, depth: int, spans: dict | None) -> tuple[dict, int]:
        out: dict = {}
        firsts: dict = {}
        offset = self.skip(offset)
        if self.text.startswith("}", offset):
            return out, offset + 1
        while True:
            offset = self.skip(offset)
            if not self.text.startswith('"', offset):
                self.fail("expected a string key", offset)
            key, key_end = self.string(offset)
            key_start = offset
            if key in firsts:
                self.duplicates.append((path, key, key_start, firsts[key]))
            else:
                firsts[key] = key_start
            if len(path) < self.key_depth:
                self.keys[path + (key,)] = (key_start, key_end)
            offset = self.skip(key_end)
            if not self.text.startswith(":", offset):
                self.fail("expected ':'", offset)
            inner = spans if path or self.spans_of is None or key == self.spans_of else None
            value, offset = self.value(offset + 1, path + (key,), depth + 1, inner)
            out[key] = value
            if inner is not None:
                inner[path + (key,)] = (key_start, offset)
            offset = self.skip(offset)
            if self.text.startswith(",", offset):
                offset += 1
                continue
            if self.text.startswith("}", offset):
                return out, offset + 1
            self.fail("expected ',' or '}'", offset)

    def array(self, offset: int, path: tuple, depth: int, spans: dict | None) -> tuple[list, int]:
        out: list = []
        offset = self.skip(offset)
        if self.text.startswith("]", offset):
            return out, offset + 1
        while True:
            start = self.skip(offset)
            value, offset = self.value(start, path + (len(out),), depth + 1, spans)
            if spans is not None:
                spans[path + (len(out),)] = (start, offset)
            out.append(value)
            offset = self.skip(offset)
            if self.text.startswith(",", offset):
                offset += 1
                continue
            if self.text.startswith("]", offset):
                return out, offset + 1
            self.fail("expected ',' or ']'", offset)

    def span(self, start: int, end: int) -> tuple[int, int, int, int]:
        line, column = self.position(start)
        end_line, end_column = self.position(max(start, end - 1))
        return line, column, end_line, end_column + 1


def decode(text: str, line: int = 1, column: int = 1, *, max_depth: int = MAX_DEPTH, key_depth: int = 0,
           root_span: bool = False, max_values: int = MAX_VALUES, spans_of: str | None = None) -> Decoded:
    """The value of `text` with the spans of its paths (the whole document's too, with
    `root_span`; with `spans_of`, only those inside that top-level member), the spans of
    keys up to `key_depth` deep, and repeated keys; raises JsonSpanError, also past
    `max_values` values."""
    decoder = _Decoder(text, line, column, max_depth, key_depth, max_values, spans_of)
    try:
        start = decoder.skip(0)
        value, offset = decoder.value(start, (), 0, decoder.spans)
    except RecursionError:  # the caller's own stack was deep already: still a clean error
        raise JsonSpanError(f"nesting deeper than {max_depth} levels", line, column) from None
    end = decoder.skip(offset)
    if end != len(text):
        decoder.fail("extra data after the JSON value", end)
    if root_span:
        decoder.spans[()] = (start, offset)
    span = decoder.span
    return Decoded(
        value, {path: span(*where) for path, where in decoder.spans.items()},
        {path: span(*where) for path, where in decoder.keys.items()},
        [(path, key, decoder.position(at), decoder.position(first)[0]) for path, key, at, first in decoder.duplicates])


def duplicate_message(path: tuple, key: str, first_line: int) -> str:
    """How a repeated key is named in findings: `duplicate key `k` in `a.b` (first at line 3)`."""
    where = ".".join(str(p) for p in path)
    inside = f" in `{where}`" if where else ""
    return f"duplicate key `{key}`{inside} (first at line {first_line})"


def loads_with_spans(text: str, line: int = 1, column: int = 1, **limits) -> tuple[Any, dict]:
    """(value, {path: (line, column, end_line, end_column)}); raises JsonSpanError.
    `limits`: `max_values`, `spans_of` (see `decode`)."""
    decoded = decode(text, line, column, **limits)
    return decoded.value, decoded.spans
