"""Decode JSON and keep where every value was written.

The standard `json` module forgets positions, and a finding inside a heredoc IAM policy or
a `.tf.json` file must point at the line of the offending `"Action"`. This decoder returns
the value and a span for every path: for an object member the span runs from its key to
the end of its value, for a list item over the item. Lines and columns are 1-based and
counted from `line`/`column` of the text's first character, so callers can place an
embedded document at its position in the enclosing file.
"""
from __future__ import annotations

import json
import re
from typing import Any

# Two Python frames per level: 200 levels stay well inside the interpreter's recursion
# limit even when the caller is itself deep in an evaluation (a heredoc policy document).
MAX_DEPTH = 200

_WS = re.compile(r"[ \t\r\n]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"')


class JsonSpanError(ValueError):
    def __init__(self, message: str, line: int, column: int):
        super().__init__(f"{message} at line {line}, column {column}")
        self.message = message
        self.line = line
        self.column = column


class _Decoder:
    def __init__(self, text: str, line: int, column: int):
        self.text = text
        self.base_line = line
        self.base_column = column
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.spans: dict[tuple, tuple[int, int, int, int]] = {}

    def position(self, offset: int) -> tuple[int, int]:
        lo, hi = 0, len(self.line_starts) - 1
        while lo < hi:  # last line start <= offset
            mid = (lo + hi + 1) // 2
            if self.line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        column = offset - self.line_starts[lo] + 1
        if lo == 0:
            column += self.base_column - 1
        return self.base_line + lo, column

    def fail(self, message: str, offset: int):
        line, column = self.position(min(offset, len(self.text)))
        raise JsonSpanError(message, line, column)

    def skip(self, offset: int) -> int:
        return _WS.match(self.text, offset).end()

    def record(self, path: tuple, start: int, end: int) -> None:
        line, column = self.position(start)
        end_line, end_column = self.position(max(start, end - 1))
        self.spans[path] = (line, column, end_line, end_column + 1)

    def value(self, offset: int, path: tuple, depth: int) -> tuple[Any, int]:
        if depth > MAX_DEPTH:
            self.fail("JSON nested too deeply", offset)
        offset = self.skip(offset)
        if offset >= len(self.text):
            self.fail("unexpected end of JSON", offset)
        char = self.text[offset]
        if char == "{":
            return self.object(offset + 1, path, depth)
        if char == "[":
            return self.array(offset + 1, path, depth)
        if char == '"':
            match = _STRING.match(self.text, offset)
            if not match:
                self.fail("invalid string", offset)
            return json.loads(match.group()), match.end()
        match = _NUMBER.match(self.text, offset)
        if match:
            text = match.group()
            return (float(text) if any(c in text for c in ".eE") else int(text)), match.end()
        for word, value in (("true", True), ("false", False), ("null", None)):
            if self.text.startswith(word, offset):
                return value, offset + len(word)
        self.fail(f"unexpected character {char!r}", offset)

    def object(self, offset: int, path: tuple, depth: int) -> tuple[dict, int]:
        out: dict = {}
        offset = self.skip(offset)
        if self.text.startswith("}", offset):
            return out, offset + 1
        while True:
            offset = self.skip(offset)
            match = _STRING.match(self.text, offset)
            if not match:
                self.fail("expected a string key", offset)
            key = json.loads(match.group())
            key_start = offset
            offset = self.skip(match.end())
            if not self.text.startswith(":", offset):
                self.fail("expected ':'", offset)
            value, offset = self.value(offset + 1, path + (key,), depth + 1)
            out[key] = value
            self.record(path + (key,), key_start, offset)
            offset = self.skip(offset)
            if self.text.startswith(",", offset):
                offset += 1
                continue
            if self.text.startswith("}", offset):
                return out, offset + 1
            self.fail("expected ',' or '}'", offset)

    def array(self, offset: int, path: tuple, depth: int) -> tuple[list, int]:
        out: list = []
        offset = self.skip(offset)
        if self.text.startswith("]", offset):
            return out, offset + 1
        while True:
            start = self.skip(offset)
            value, offset = self.value(start, path + (len(out),), depth + 1)
            self.record(path + (len(out),), start, offset)
            out.append(value)
            offset = self.skip(offset)
            if self.text.startswith(",", offset):
                offset += 1
                continue
            if self.text.startswith("]", offset):
                return out, offset + 1
            self.fail("expected ',' or ']'", offset)


def loads_with_spans(text: str, line: int = 1, column: int = 1) -> tuple[Any, dict]:
    """(value, {path: (line, column, end_line, end_column)}); raises JsonSpanError."""
    decoder = _Decoder(text, line, column)
    try:
        value, offset = decoder.value(0, (), 0)
    except RecursionError:  # the caller's own stack was deep already: still a clean error
        raise JsonSpanError("JSON nested too deeply", line, column) from None
    offset = decoder.skip(offset)
    if offset != len(text):
        decoder.fail("extra data after the JSON value", offset)
    return value, decoder.spans
