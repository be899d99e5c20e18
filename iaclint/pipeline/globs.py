"""Path globs for `exclude` and `per-path-ignores`, relative to the configuration file.

Configuration is shared by everyone who runs the scan, from any working directory, so a
glob is matched against a file's path relative to the directory of the file that wrote it
(`root`), never against the path as typed. The rules are the familiar gitignore ones:

- `*` matches within one path segment, `?` one character, `[abc]` one of a set;
- `**` matches any number of segments (`legacy/**`, `**/generated/*.tf`);
- a pattern without `/` matches a name at any depth (`*.generated.tf`, `sandbox`);
- a pattern that matches a directory matches everything under it (`legacy` = `legacy/**`).

Files outside `root` match nothing. `fnmatch` has no `**`, so globs are translated here.
Globs come from the scanned tree's configuration, so they run in RE2
(`iaclint.model.linear_regex`): with Python's `re`, `**/**/**/...**/b` backtracks for
minutes on one deep path.
"""
from __future__ import annotations

import os

from iaclint.gate.text import echo
from iaclint.model import linear_regex


def translate(pattern: str) -> str:
    """The regular expression (anchored at both ends) of one glob."""
    pattern = pattern.strip().replace("\\", "/")
    while pattern.startswith("./"):
        pattern = pattern[2:]
    pattern = pattern.rstrip("/") or "**"
    anchored = "/" in pattern
    while pattern.endswith("/**"):  # `dir/**` is `dir`: a matching directory matches its contents
        pattern = pattern[:-3]
    if pattern.startswith("/"):
        pattern = pattern.lstrip("/")
    out = [] if anchored else ["(?:.*/)?"]
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[" and _class_end(pattern, i) > 0:
            end = _class_end(pattern, i)
            out.append(_char_class(pattern[i + 1:end]))
            i = end + 1
        else:
            out.append(linear_regex.escape(c))
            i += 1
    return "".join(out) + r"\z"


def _char_class(body: str) -> str:
    """A glob's `[...]` as a regular expression class: `!` negates, `a-z` is a range, any
    other character is itself (never a nested set or a set operation)."""
    negate = body.startswith("!")
    if negate:
        body = body[1:]
    out, previous_range = [], False
    for k, c in enumerate(body):
        if c == "-" and 0 < k < len(body) - 1 and not previous_range:
            out.append("-")
            previous_range = True
            continue
        previous_range = False
        out.append(linear_regex.escape(c))
    return "[" + ("^" if negate else "") + "".join(out) + "]"


class GlobError(ValueError):
    """A glob that is not a valid pattern (`[z-a]`); names the pattern."""


def _class_end(pattern: str, start: int) -> int:
    """Index of the `]` closing the character class at `start`, or -1 (a literal `[`)."""
    j = start + 1
    if pattern[j:j + 1] == "!":
        j += 1
    if pattern[j:j + 1] == "]":
        j += 1
    return pattern.find("]", j)


class PathMatcher:
    """Does a path (as the scan names it) match any of `patterns`, relative to `root`?"""

    def __init__(self, patterns, root: str | None = None):
        self.patterns = [p for p in patterns if p and p.strip()]
        self.root = os.path.abspath(root or os.curdir)
        for pattern in self.patterns:
            try:
                linear_regex.compile(translate(pattern))
            except ValueError as exc:
                raise GlobError(f"invalid glob {echo(pattern)}: {exc}") from None
        try:
            self._regex = linear_regex.compile("|".join(f"(?:{translate(p)})" for p in self.patterns)) \
                if self.patterns else None
        except ValueError as exc:  # each glob compiles, all of them together do not (RE2's memory limit)
            raise GlobError(f"too many globs: {exc}") from None

    def __bool__(self) -> bool:
        return self._regex is not None

    def relative(self, path: str) -> str | None:
        """`path` relative to root with `/` separators, or None when it lies outside root."""
        try:
            rel = os.path.relpath(os.path.abspath(path), self.root)
        except ValueError:  # another drive on Windows
            return None
        rel = rel.replace(os.sep, "/")
        if rel == ".." or rel.startswith("../"):
            return None
        return rel

    def matches(self, path: str) -> bool:
        """True when the path, or one of its parent directories below root, matches."""
        if self._regex is None:
            return False
        rel = self.relative(path)
        if rel is None or rel == ".":
            return False
        # RE2 matches UTF-8: a byte that is not (a non-UTF-8 file name) is matched as U+FFFD
        parts = rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace").split("/")
        return any(self._regex.match("/".join(parts[:i])) for i in range(len(parts), 0, -1))
