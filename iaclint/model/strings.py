"""Sets of strings, written as token sequences, and the two questions asked of them.

A partially known string (`arn:${AWS::Partition}:s3:::${Bucket}/*`), an IAM glob
(`bedrock:Invoke*`) and a pseudo parameter's shape (`[0-9]{12}`) all describe a *set* of
strings. Each is written here as a sequence of tokens, a token being one character from a
set (`(ONE, chars)`) or any run of characters from a set (`(STAR, chars)`), where `chars`
is a literal character, `ANY`, a frozenset, or `("^", frozenset)` for "anything but". Two
questions are answered exactly, by walking the product of the two sequences (no regular
expression, so no backtracking on hostile text):

- `overlap(a, b)`: is some string in both sets?
- `glob_covers(pattern, query)`: does the IAM glob `pattern` match every string the glob
  `query` matches?

Both are bounded: past `MAX_CELLS` steps the answer is None ("cannot tell"), never a guess.
`pattern_tokens` reads the small regular-expression subset our own shapes are written in;
anything else is None, and the caller treats that part as any text (a wider set, which can
only make a "these never meet" proof harder, never wrong).
"""
from __future__ import annotations

from typing import Optional

Tri = Optional[bool]

ONE, STAR = 0, 1
ANY = None
MAX_CELLS = 1_000_000  # pairs of positions compared before the answer is "cannot tell"


def literal(text: str, glob: bool = False, fold: bool = False) -> list:
    """The tokens of `text`; with `glob`, `*` is any run and `?` any one character (IAM)."""
    if fold:
        text = text.lower()
    if not glob:
        return [(ONE, c) for c in text]
    out = []
    for c in text:
        if c == "*":
            if not (out and out[-1] == (STAR, ANY)):
                out.append((STAR, ANY))
        elif c == "?":
            out.append((ONE, ANY))
        else:
            out.append((ONE, c))
    return out


def anything() -> list:
    return [(STAR, ANY)]


def _meet(a, b) -> bool:
    """Do two character sets share a character?"""
    if a is ANY or b is ANY:
        return True
    if a.__class__ is str:
        if b.__class__ is str:
            return a == b
        return a in b if b.__class__ is frozenset else a not in b[1]
    if b.__class__ is str:
        return _meet(b, a)
    if a.__class__ is frozenset:
        if b.__class__ is frozenset:
            return not a.isdisjoint(b)
        return not a <= b[1]
    if b.__class__ is frozenset:
        return not b <= a[1]
    return True  # two negated sets: the alphabet is infinite


def overlap(a: list, b: list) -> Tri:
    """Is there a string that both token sequences describe? None past `MAX_CELLS`.

    Single literal characters that both sequences start (or end) with are read off
    first: equal ones change nothing, different ones mean the sets never meet. Two ARNs
    share most of their text, so the walk is left with the parts that differ."""
    n, m = len(a), len(b)
    if (n + 1) * (m + 1) > MAX_CELLS:
        return None
    start, end = 0, 0
    while start < n and start < m:
        x, y = a[start], b[start]
        if x[0] != ONE or y[0] != ONE or x[1].__class__ is not str or y[1].__class__ is not str:
            break
        if x[1] != y[1]:
            return False
        start += 1
    while end < n - start and end < m - start:
        x, y = a[n - 1 - end], b[m - 1 - end]
        if x[0] != ONE or y[0] != ONE or x[1].__class__ is not str or y[1].__class__ is not str:
            break
        if x[1] != y[1]:
            return False
        end += 1
    if start or end:
        a, b = a[start:n - end], b[start:m - end]
        n, m = len(a), len(b)
    return _overlap(a, b, n, m)


def _overlap(a: list, b: list, n: int, m: int) -> bool:
    """`overlap` of `n` and `m` tokens, walked whole."""
    # below[j] is "a[i+1:] and b[j:] meet" while row i is computed, bottom-up.
    below = [False] * (m + 1)
    for i in range(n, -1, -1):
        row = [False] * (m + 1)
        x = a[i] if i < n else None
        for j in range(m, -1, -1):
            y = b[j] if j < m else None
            if x is None and y is None:
                row[j] = True
                continue
            if x is not None and x[0] == STAR and below[j]:
                row[j] = True  # a's run ends here (reads nothing more)
            elif y is not None and y[0] == STAR and row[j + 1]:
                row[j] = True  # b's run ends here
            elif x is not None and y is not None and (x[0] == ONE or y[0] == ONE) and _meet(x[1], y[1]):
                # one character read by both: a run stays where it is, a single moves on
                if x[0] == STAR:
                    row[j] = row[j + 1]
                elif y[0] == STAR:
                    row[j] = below[j]
                else:
                    row[j] = below[j + 1]
        below = row
    return below[0]


def glob_covers(pattern, query, fold: bool = True) -> Tri:
    """Does the IAM glob `pattern` match every name the glob `query` matches?
    (`bedrock:*` covers `bedrock:Invoke*`; `bedrock:Invoke*` does not cover `bedrock:*`.)
    Both are strings, or sequences of characters and opaque items (holes of a partially
    known string, `iaclint.model.symbolic`): an item is matched only by itself or by a `*`,
    never by `?` (it may be any number of characters). Sound: True only when it holds; for
    contrived pairs (`*?` against `?*`) it may say False where the sets are equal. None
    past `MAX_CELLS`."""
    if fold:
        pattern = [c.lower() if c.__class__ is str else c for c in pattern]
        query = [c.lower() if c.__class__ is str else c for c in query]
    p, q = pattern, query
    n, m = len(p), len(q)
    if (n + 1) * (m + 1) > MAX_CELLS:
        return None
    # Equal tokens other than `*` that both start (or end) with are read off first (the
    # walk would match them to each other); two plain different characters there mean
    # the pattern matches none of the query's names.
    start, end = 0, 0
    while start < n and start < m:
        x, y = p[start], q[start]
        if x != y or x == "*":
            if _plain(x) and _plain(y):
                return False
            break
        start += 1
    while end < n - start and end < m - start:
        x, y = p[n - 1 - end], q[m - 1 - end]
        if x != y or x == "*":
            if _plain(x) and _plain(y):
                return False
            break
        end += 1
    if start or end:
        p, q = p[start:n - end], q[start:m - end]
        n, m = len(p), len(q)
    return _covers(p, q, n, m)


def _covers(p, q, n: int, m: int) -> bool:
    """`glob_covers` of `n` and `m` tokens, walked whole."""
    # after[j] is "p[i+1:] covers q[j:]" while row i is computed, bottom-up.
    after = [j == m for j in range(m + 1)]
    for i in range(n - 1, -1, -1):
        row = [False] * (m + 1)
        pi = p[i]
        star = pi == "*"
        for j in range(m, -1, -1):
            if star:
                # The star matches nothing, or swallows one more query token (a query star
                # or hole included: whatever it stands for is absorbed by this star).
                row[j] = after[j] or (j < m and row[j + 1])
            elif j == m or q[j] == "*":
                row[j] = False  # a query star can stand for text a literal or `?` cannot match
            else:
                qj = q[j]
                row[j] = ((pi == "?" and qj.__class__ is str) or pi == qj) and after[j + 1]
        after = row
    return after[0]


def _plain(c) -> bool:
    """A character that matches only itself in a glob (not `*`, `?` or a hole)."""
    return c.__class__ is str and c != "*" and c != "?"


# --------------------------------------------------------------------------------------
# The regular-expression subset of shapes

_CLASSES = {
    "d": frozenset("0123456789"),
    "w": frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"),
}
_SPACE = frozenset(" \t\n\r\f\v")


def pattern_tokens(pattern: str, fold: bool = False) -> list | None:
    """Tokens of a shape written as a small regular expression: literal characters,
    escapes, `.`, `\\d`, `\\w`, `\\S`, `[...]` classes (ranges, `^`), each optionally
    followed by `*`, `+`, `?`, `{n}` or `{n,m}`. `?` and `{n,m}` widen to a run (a superset).
    None for anything else (groups, alternation)."""
    out: list = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c in "()|^$":
            return None
        if c == ".":
            chars, i = ANY, i + 1
        elif c == "\\" and i + 1 < n:
            e = pattern[i + 1]
            if e in _CLASSES:
                chars = _CLASSES[e]
            elif e == "S":
                chars = ("^", _SPACE)
            elif e == "s":
                chars = _SPACE
            elif e.isalnum():
                return None
            else:
                chars = e
            i += 2
        elif c == "[":
            parsed = _char_class(pattern, i + 1)
            if parsed is None:
                return None
            chars, i = parsed
        elif c in "*+?{":
            return None
        else:
            chars, i = c, i + 1
        if fold:
            chars = _fold(chars)
        low, high, i = _quantifier(pattern, i)
        if low is None:
            return None
        out.extend([(ONE, chars)] * low)
        if high != low:
            out.append((STAR, chars))
    return out


def _quantifier(pattern: str, i: int) -> tuple:
    """(least, most or -1 for unbounded, next index) of the quantifier at `i`."""
    if i >= len(pattern):
        return 1, 1, i
    c = pattern[i]
    if c == "*":
        return 0, -1, i + 1
    if c == "+":
        return 1, -1, i + 1
    if c == "?":
        return 0, 1, i + 1
    if c == "{":
        close = pattern.find("}", i)
        if close < 0:
            return None, None, i
        body = pattern[i + 1:close]
        low_text, _, high_text = body.partition(",")
        if not low_text.isdigit() or int(low_text) > 4096 or (high_text and not high_text.isdigit()):
            return None, None, i
        low = int(low_text)
        high = low if "," not in body else (int(high_text) if high_text else -1)
        return low, high, close + 1
    return 1, 1, i


def _char_class(pattern: str, i: int):
    negated = i < len(pattern) and pattern[i] == "^"
    if negated:
        i += 1
    chars: set = set()
    first = True
    while i < len(pattern) and (pattern[i] != "]" or first):
        first = False
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            e = pattern[i + 1]
            if e in _CLASSES:
                chars |= _CLASSES[e]
                i += 2
                continue
            if e.isalnum():
                return None
            c, i = e, i + 1
        if i + 2 < len(pattern) and pattern[i + 1] == "-" and pattern[i + 2] != "]":
            end = pattern[i + 2]
            if ord(end) < ord(c) or ord(end) - ord(c) > 1000:
                return None
            chars |= {chr(k) for k in range(ord(c), ord(end) + 1)}
            i += 3
        else:
            chars.add(c)
            i += 1
    if i >= len(pattern):
        return None
    frozen = frozenset(chars)
    return (("^", frozen) if negated else frozen), i + 1


def _fold(chars):
    if chars is ANY:
        return ANY
    if chars.__class__ is str:
        return chars.lower()
    if chars.__class__ is frozenset:
        return frozenset(c.lower() for c in chars)
    # a character is left out only when every spelling of it is left out
    return ("^", frozenset(c.lower() for c in chars[1] if c.lower() in chars[1] and c.upper() in chars[1]))
