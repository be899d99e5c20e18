"""`re.compile` for module-level patterns, compiled on first use.

Compiling a regular expression runs `re`'s parser and compiler in Python: 0.1-0.3 ms
each. A one-file scan imports about 50 modules that compile about 55 patterns at import,
and most of them serve what that file does not contain (credentials, suppression
comments, API Gateway ARNs): those cost it about 7% of its time (issue 12). A
`LazyPattern` compiles on the first use of any of its attributes, then holds the real
pattern's bound methods and attributes in its own slots, so each later call costs what
a call on the compiled pattern costs.

It stands where a compiled pattern's methods and attributes are used (`_X.match(...)`,
`_X.pattern`); a function of `re` that takes a pattern (`re.sub(_X, ...)`) or
`isinstance(_X, re.Pattern)` needs a real one: use `re.compile` there.
"""
from __future__ import annotations

import re

_ATTRIBUTES = ("match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer", "scanner",
               "pattern", "flags", "groups", "groupindex")


class LazyPattern:
    """`re.compile(pattern, flags)`, compiled when first used."""

    __slots__ = ("_source",) + _ATTRIBUTES

    def __init__(self, pattern, flags=0):
        self._source = (pattern, flags)

    def __getattr__(self, name: str):  # only until compiled: then every name is a filled slot
        if name not in _ATTRIBUTES:
            raise AttributeError(name)
        compiled = re.compile(*self._source)
        for attribute in _ATTRIBUTES:
            setattr(self, attribute, getattr(compiled, attribute))
        return getattr(self, name)

    def __repr__(self) -> str:
        return f"LazyPattern({self._source[0]!r}, {self._source[1]!r})"


def compile(pattern, flags=0) -> LazyPattern:  # noqa: A001 - the name of what it stands for
    return LazyPattern(pattern, flags)
