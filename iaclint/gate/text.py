"""Text from the scanned tree, made inert before it is printed or written in a report.

File names, module sources, values and logical IDs come from the tree, and a tree can
put anything in them: a newline followed by `::error::` or `::stop-commands::` (GitHub
Actions reads those at the start of a log line as workflow commands), a terminal escape
(`\\x1b]...`) that rewrites the screen or the window title, bidirectional overrides that
make a line read differently from what it holds. Every report format and every
`iaclint: note:` line passes such text through here:

    inert(text) -> str        # control characters shown as escapes, on one line
    inert_path(path) -> str   # the same, and never starting like a CI log command
    note_text(where, message) # a note of the scan, `WHERE: MESSAGE`, both made inert
    echo(value) -> str        # a value quoted in an error message, shortened
    short(text) -> str        # a whole message, shortened (the last guard before printing)

Escapes are written `\\n`, `\\x1b`, `\\u202e`: the reader sees what is there, nothing
acts on it. A backslash stays as it is (paths on Windows, regular expressions).
"""
from __future__ import annotations

import re

# C0 controls and DEL (newlines included), C1 controls, Unicode line and paragraph
# separators, bidirectional embeddings, overrides and isolates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_COMMAND_STARTS = ("::", "##")  # GitHub Actions (`::error::`), Azure Pipelines / legacy (`##[error]`, `##vso[`)


def _escape(match: re.Match) -> str:
    char = match.group(0)
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def inert(text: str) -> str:
    """`text` with every control character escaped, so it stays one harmless line (and
    undecodable file-name bytes as `\\xNN`, see `decoded`)."""
    if not isinstance(text, str):
        text = str(text)
    if not text.isascii():
        text = decoded(text)
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(_escape, text)


def inert_path(path: str) -> str:
    """A file name as printed at the start of a line: `inert`, and prefixed with `./`
    when it would start like a CI log command."""
    text = inert(path)
    return "./" + text if text.startswith(_COMMAND_STARTS) else text


def note_text(where: str, message: str) -> str:
    """A note of the scan, `WHERE: MESSAGE`, as standard error prints it after `iaclint:
    note: ` and the SARIF and JSON reports carry it: both may come from the tree."""
    return f"{inert_path(where)}: {inert(message)}"


def decoded(text: str) -> str:
    """`text` that came from the file system (`os.fsdecode`: undecodable bytes as lone
    surrogates) as a string that every encoder accepts: such bytes as `\\xNN`."""
    if not isinstance(text, str):
        text = str(text)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that did not come from a byte (JSON `"\ud800"`)
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


ECHO_LIMIT = 80  # characters of a value quoted in a message
MESSAGE_LIMIT = 1000  # characters of one message line


def short(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """`text` cut to about `limit` characters, saying how long it was: a configuration
    value of 800 KB is an error message of one line, not 800 KB of output."""
    if not isinstance(text, str):
        text = str(text)
    if len(text) <= limit:
        return text
    keep = max(limit - 30, 10)
    return f"{text[:keep]}... ({len(text):,} characters)"


def echo(value, limit: int = ECHO_LIMIT) -> str:
    """`repr(value)` as quoted in an error message (`unknown policy 'IAC2O1'`), shortened
    to about `limit` characters; made inert where the message is printed."""
    return short(repr(value), limit)


def listed(problems: list, limit: int = 20) -> list:
    """The first `limit` problems, and one line saying how many more there are."""
    if len(problems) <= limit:
        return list(problems)
    return list(problems[:limit]) + [f"... and {len(problems) - limit:,} more"]
