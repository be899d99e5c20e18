"""Terraform's regular expressions: `regex`, `regexall` and `replace` with a `/pattern/`.

Terraform compiles these patterns with Go's `regexp`, which has RE2's syntax and its
guarantee: matching takes time linear in the text, whatever the pattern. Python's `re`
backtracks, so a pattern written in the scanned tree (`/(a+)+$/`) could hang a scan;
here every pattern runs in RE2 itself (`iaclint.model.linear_regex`).
What RE2 rejects (backreferences, lookaround, `\\C`, repetitions above 1,000) is a
`FunctionError` with RE2's reason, which the evaluator turns into an Unknown, as
Terraform would refuse the pattern.

Matching runs on the UTF-8 bytes of the text, as Go does; the results follow Go's rules:
`regex` gives the whole match, a list (unnamed groups) or a map (named groups), with
null for a group that did not take part; `replace` expands `$1`, `${1}`, `$name`,
`${name}` and `$$` as `Regexp.Expand` does, and skips an empty match right after a match.
"""
from __future__ import annotations

import functools

from iaclint.frontends.terraform.values import FunctionError
from iaclint.model import linear_regex
from iaclint.model.sizes import TooLarge

MAX_PATTERN = 10_000  # characters; RE2's own memory limit stops larger programs anyway


def cost(function: str, args: list) -> int:
    """Work units a call of `regex`, `regexall` or `replace` may take, charged before it
    runs: RE2 is linear in the text, with a factor that grows with the pattern."""
    if function == "replace" and len(args) == 3:
        text, pattern = args[0], args[1]
        if not isinstance(pattern, str) or not (len(pattern) > 1 and pattern[0] == pattern[-1] == "/"):
            return 0
    elif function in ("regex", "regexall") and len(args) == 2:
        pattern, text = args
    else:
        return 0
    if not isinstance(pattern, str) or not isinstance(text, str):
        return 0
    return len(text) * (1 + len(pattern) // 20) + len(pattern)


def regex(pattern, text):
    """The first match of `pattern` in `text` (Terraform's `regex`)."""
    program, names = compiled(pattern)
    data = _utf8(text)
    match = program.search(data, 0)
    if match is None:
        raise FunctionError("pattern did not match any part of the given string")
    return _result(match, data, names)


def regexall(pattern, text) -> list:
    """Every non-overlapping match of `pattern` in `text` (Terraform's `regexall`)."""
    program, names = compiled(pattern)
    data = _utf8(text)
    return [_result(match, data, names) for match in _matches(program, data)]


def replace(text: str, pattern: str, replacement: str, limit: int) -> str:
    """`text` with each match of `pattern` replaced (Go's `ReplaceAllString`); raises
    `TooLarge` as soon as the result would pass `limit` characters, before building it."""
    program, _ = compiled(pattern)
    data = _utf8(text)
    template = _template(replacement, program)
    pieces: list = []
    length = 0
    last = 0
    for match in _matches(program, data):
        start, end = match.span()
        piece = data[last:start] + b"".join(
            item if isinstance(item, bytes) else _group(match, data, item) for item in template)
        length += len(piece)
        if length > limit:
            raise TooLarge(limit=limit)
        pieces.append(piece)
        last = end
    pieces.append(data[last:])
    if length + len(data) - last > limit:
        raise TooLarge(limit=limit)
    return b"".join(pieces).decode("utf-8")


# --- compiling ------------------------------------------------------------------------------

def compiled(pattern) -> tuple:
    """(the RE2 program of `pattern`, the name of each group by index: None if unnamed)."""
    if not isinstance(pattern, str):
        raise FunctionError("the pattern must be a string")
    return _compile(pattern)


@functools.lru_cache(maxsize=256)
def _compile(pattern: str) -> tuple:
    if len(pattern) > MAX_PATTERN:
        raise FunctionError(f"the pattern is longer than {MAX_PATTERN:,} characters: not evaluated")
    if _has_byte_escape(pattern):
        raise FunctionError("invalid regular expression: invalid escape sequence: \\C")
    try:
        program = linear_regex.compile(pattern)
    except ValueError as exc:
        raise FunctionError(f"invalid regular expression: {exc}") from None
    names: list = [None] * (program.groups + 1)
    for name, index in program.groupindex.items():
        names[index] = name
    return program, tuple(names)


def _has_byte_escape(pattern: str) -> bool:
    """`\\C` (any single byte): RE2 in C++ accepts it, Go does not (and it would split UTF-8)."""
    i = 0
    while i < len(pattern) - 1:
        if pattern[i] == "\\":
            if pattern[i + 1] == "C":
                return True
            i += 2
        else:
            i += 1
    return False


def _utf8(text) -> bytes:
    if not isinstance(text, str):
        raise FunctionError("the string to match must be a string")
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise FunctionError("the string is not valid Unicode") from None


# --- matching -------------------------------------------------------------------------------

def _matches(compiled, data: bytes):
    """Successive matches as Go finds them (`allMatches`, `replaceAll`): search again from
    the end of each match (one character further after an empty one); an empty match right
    where the previous match ended does not count."""
    position = 0
    last_end = -1
    while position <= len(data):
        match = compiled.search(data, position)
        if match is None:
            return
        start, end = match.span()
        if not (start == end and start == last_end):
            yield match
        last_end = end
        if end > position:
            position = end
        else:
            position += _char_width(data, position)


def _char_width(data: bytes, position: int) -> int:
    """Bytes of the UTF-8 character at `position` (1 at the end of the text)."""
    if position >= len(data):
        return 1
    lead = data[position]
    return 1 if lead < 0xC0 else 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4


def _result(match, data: bytes, names: tuple):
    """What `regex` gives for one match: the matched text without groups, a list for
    unnamed groups, a map for named ones (null where a group did not take part)."""
    groups = names[1:]
    if not groups:
        start, end = match.span()
        return data[start:end].decode("utf-8")
    named = [n for n in groups if n is not None]
    if named and len(named) != len(groups):
        raise FunctionError("invalid regular expression: cannot use both named and unnamed capture groups")
    values = [_text(match, data, i) for i in range(1, len(names))]
    return dict(zip(named, values)) if named else values


def _text(match, data: bytes, index: int):
    start, end = match.span(index)
    return None if start < 0 else data[start:end].decode("utf-8")


def _group(match, data: bytes, index: int) -> bytes:
    start, end = match.span(index)
    return b"" if start < 0 else data[start:end]


# --- the replacement template ---------------------------------------------------------------

def _template(replacement: str, compiled) -> list:
    """The replacement as literal bytes and group indexes, by Go's `Regexp.Expand`: `$$` is
    `$`; `$name`/`${name}` take the longest name of letters, digits and `_` (so `$1x` is
    the group named `1x`, which is empty); a number without leading zeros is a group
    index; a name that is not a group is empty text; a malformed `$` is kept as text."""
    index_of = compiled.groupindex
    out: list = []
    literal: list = []
    rest = replacement
    while True:
        before, dollar, after = rest.partition("$")
        literal.append(before)
        if not dollar:
            break
        if after.startswith("$"):
            literal.append("$")
            rest = after[1:]
            continue
        name, remainder = _expansion_name(after)
        if name is None:
            literal.append("$")
            rest = after
            continue
        rest = remainder
        number = _group_number(name)
        group = number if number is not None else index_of.get(name)
        if group is None or group > compiled.groups:
            continue
        out.append("".join(literal).encode("utf-8"))
        literal = []
        out.append(group)
    out.append("".join(literal).encode("utf-8"))
    return [item for item in out if item != b""]


def _expansion_name(text: str) -> tuple:
    """(name, the text after it) of what follows a `$`, or (None, text) when malformed."""
    import unicodedata  # here: only a replacement from the file needs it, not every scan

    brace = text.startswith("{")
    body = text[1:] if brace else text
    i = 0
    while i < len(body) and (body[i] == "_" or body[i].isalpha() or unicodedata.category(body[i]) == "Nd"):
        i += 1
    if i == 0:
        return None, text
    if brace:
        if i >= len(body) or body[i] != "}":
            return None, text
        return body[:i], body[i + 1:]
    return body[:i], body[i:]


def _group_number(name: str) -> int | None:
    """A group index (ASCII digits, no leading zero, below 10^8), else None."""
    if not name.isascii() or not name.isdigit() or (name[0] == "0" and len(name) > 1) or len(name) > 8:
        return None
    return int(name)
