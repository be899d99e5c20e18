"""Regular expressions that run in linear time: RE2 (`google-re2`), for every pattern
whose text comes from the scanned tree or is built from it.

Python's `re` backtracks: `(a+)+$`, or the shape of a template with many unknown parts
(`.*x.*x.*x...`), can take exponential time on a short text. RE2 never backtracks; what
it cannot run (backreferences, lookaround) it refuses when compiling, which `compile`
turns into a `ValueError` with RE2's reason. `google-re2` is imported on first use.
"""
from __future__ import annotations

import functools


@functools.lru_cache(maxsize=512)
def compile(pattern: str, dot_nl: bool = False, case_sensitive: bool = True):  # noqa: A001 - re's name
    """The compiled RE2 program of `pattern`; `ValueError(reason)` when RE2 rejects it."""
    import re2

    options = re2.Options()
    options.log_errors = False  # RE2 would print every rejected pattern on standard error
    options.dot_nl = dot_nl
    options.case_sensitive = case_sensitive
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        raise ValueError(reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)) from None
    except UnicodeError:
        raise ValueError("the pattern is not valid UTF-8") from None


def escape(text: str) -> str:
    """`text` as a pattern that matches exactly it."""
    import re2

    return re2.escape(text)


class Program:
    """A fixed pattern of ours, run in RE2 over text from the scanned tree, with `re`'s
    methods. Python's `re` is quadratic where a pattern can start a long match at every
    position (`\\$\\{[^}]*\\}` over `${${${...`, `[a-z]+://` over `aaaa...`) and a value may
    hold millions of characters; RE2 is linear. A lone surrogate (a JSON `"\\ud800"`),
    which RE2 cannot encode, is matched as U+FFFD (positions are unchanged)."""

    __slots__ = ("pattern", "_program")

    def __init__(self, pattern: str, *, ignore_case: bool = False, dot_nl: bool = False):
        self.pattern = pattern
        self._program = compile(pattern, dot_nl=dot_nl, case_sensitive=not ignore_case)

    def search(self, text: str):
        return _call(self._program.search, text)

    def match(self, text: str):
        return _call(self._program.match, text)

    def fullmatch(self, text: str):
        return _call(self._program.fullmatch, text)

    def finditer(self, text: str):
        try:
            found = list(self._program.finditer(text))
        except UnicodeEncodeError:
            found = list(self._program.finditer(_encodable(text)))
        return iter(found)


def _call(method, text: str):
    try:
        return method(text)
    except UnicodeEncodeError:
        return method(_encodable(text))


def _encodable(text: str) -> str:
    import re

    return re.sub("[\ud800-\udfff]", "\ufffd", text) if isinstance(text, str) else text
