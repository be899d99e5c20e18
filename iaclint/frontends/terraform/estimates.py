"""How big each built-in function's result can be, known before the function runs.

A call's arguments are measured first (`iaclint.model.sizes.Budget.size`); `estimate`
then gives an upper bound of the result's size from those sizes, and the work the call
does beyond building its result (a search through a list, a sort), so that the
evaluator refuses a result above the value limit and charges the rest to the module's
budget before anything is built. Every function of `functions.FUNCTIONS` has an entry
here (a test checks it), and the bounds are tested against the real results.

Two functions cannot know their result's size before they run, and `estimate` gives
None for it: `replace` with a `/pattern/` stops building as soon as the result passes the
limit (`iaclint.frontends.terraform.regex.replace`), and `jsondecode` builds no more
objects than its text has characters; the evaluator measures their results once built.
"""
from __future__ import annotations

import re

from iaclint.frontends.terraform import regex
from iaclint.frontends.terraform.functions import FORMAT_VERB, replace_pattern
from iaclint.model.sizes import MAX_FLOAT_SIZE, MAX_VALUE_SIZE, TooLarge, json_size_bound, scalar_size

RANGE_LIMIT = 100_000  # `range` itself refuses more items (with its own message)
_BOOL = 6  # the size of a bool


def estimate(name: str, args: list, sizes: list) -> tuple:
    """(an upper bound of the result's size, or None when the function limits itself;
    the work units of the call beyond building its result). `TooLarge` when an argument,
    or a part of the estimate that is counted, is already past the limit."""
    if any(size > MAX_VALUE_SIZE for size in sizes):
        raise TooLarge()
    return _ESTIMATES[name](args, sizes)


def _total(sizes: list) -> int:
    return sum(sizes) + 1


def _count(value) -> int:
    return len(value) if isinstance(value, (list, dict, str)) else 1


# --- the functions that build text ---------------------------------------------------------

def _join(args: list, sizes: list) -> tuple:
    """Every item's text and a separator between two items."""
    separator = sizes[0] - 1 if args and isinstance(args[0], str) else 0
    items = sum(_count(a) for a in args[1:])
    size = sum(sizes[1:]) + separator * items + 1
    return size, size


def _replace(args: list, sizes: list) -> tuple:
    """The exact length for a substring (its occurrences are counted first); a pattern's
    result is checked while it is built."""
    if len(args) != 3 or not all(isinstance(a, str) for a in args):
        return _total(sizes), _total(sizes)
    text, old, new = args
    if replace_pattern(old):
        return None, regex.cost("replace", args)
    size = len(text) + text.count(old) * (len(new) - len(old)) + 1
    return size, len(text) + size


def _format(args: list, sizes: list) -> tuple:
    """The literal text, and for each verb its width and precision plus the longest text
    its argument can have: its own text (`%s`, `%d`), quoted with every character escaped
    (`%q`), JSON (`%v` of a collection), binary digits (`%b`) or 10,000 decimals (`%f`)."""
    if not args or not isinstance(args[0], str):
        return _total(sizes), 1
    spec = args[0]
    size = len(spec) + 1
    argument = 1
    for match in FORMAT_VERB.finditer(spec):
        verb = match.group(2)
        if verb == "%":
            continue
        value = args[argument] if argument < len(args) else None
        value_size = sizes[argument] if argument < len(sizes) else 1
        argument += 1
        if verb == "q":
            text = 12 * value_size
        elif verb == "v" and isinstance(value, (list, dict)):
            bound = json_size_bound(value, MAX_VALUE_SIZE, 12)
            text = 2 * bound if bound is not None else MAX_VALUE_SIZE + 1  # `, ` and `: ` between parts
        elif verb in ("f", "g", "e", "x", "X", "o", "b"):
            text = 4 * value_size + MAX_FLOAT_SIZE
        else:
            text = value_size
        size += sum(int(n) for n in re.findall(r"\d+", match.group(1))) + text + 2
    return size, size


# The size of null (a group that did not take part), one more than any string's overhead.
_NULL = 6


def _regex(args: list, sizes: list) -> tuple:
    """`regex` gives the match, or a list or map of its groups: each group at most the
    text, or null, plus the map's keys."""
    groups, keys = _groups(args)
    return (groups + 1) * (sizes[1] + _NULL) + keys + 1, regex.cost("regex", args)


def _regexall(args: list, sizes: list) -> tuple:
    """`regexall` gives up to one match per character and the end, each with its groups
    (the non-empty ones together no longer than the text, the others null) and keys."""
    groups, keys = _groups(args)
    return (groups + 2) * 2 * sizes[1] + (groups * _NULL + keys) * sizes[1] + 1, regex.cost("regexall", args)


def _groups(args: list) -> tuple[int, int]:
    """(capture groups of the pattern, size of its group names as map keys)."""
    if len(args) != 2 or not isinstance(args[0], str):
        return 0, 0
    _, names = regex.compiled(args[0])
    return len(names) - 1, sum(len(n) + 1 for n in names if isinstance(n, str) and n)


def _jsonencode(args: list, sizes: list) -> tuple:
    """The JSON text (a character escaped as `\\u003c` takes six) and the value it keeps."""
    if len(args) != 1:
        return _total(sizes), 1
    text = json_size_bound(args[0], MAX_VALUE_SIZE, 6)
    if text is None:  # counting stopped at the limit: no estimate to show
        raise TooLarge()
    return text + sizes[0] + 1, sizes[0]


def _range(args: list, sizes: list) -> tuple:
    """Each number of the range, each no longer than the largest bound and step together."""
    try:
        numbers = [int(a) for a in args]
        count = len(range(*numbers))
        largest = sum(abs(n) for n in numbers)
    except (TypeError, ValueError, OverflowError):
        return 1, 1  # `range` refuses these arguments itself
    count = min(count, RANGE_LIMIT + 1)
    size = 1 + count * (scalar_size(largest) + 1)  # and a sign
    return size, size


def _scaled(factor: int, extra: int = 0):
    """A text function whose result is at most `factor` times its argument: Unicode case
    mappings make up to three characters of one (`ß` -> `SS`), base64 up to six."""
    def bound(args: list, sizes: list) -> tuple:
        size = factor * (sizes[0] if sizes else 1) + extra
        return size, size
    return bound


# --- the functions that copy, combine or pick ------------------------------------------------

def _copy(args: list, sizes: list) -> tuple:
    """A result made of the first argument's parts (a copy, a subset, a reordering)."""
    first = sizes[0] if sizes else 1
    return first + 1, first


def _combine(args: list, sizes: list) -> tuple:
    """A result made of all the arguments' parts."""
    return _total(sizes), _total(sizes)


def _split(args: list, sizes: list) -> tuple:
    """At most one piece per character and one more, each a string."""
    text = sizes[1] if len(sizes) > 1 else 1
    return 2 * text + 2, text


def _pick(args: list, sizes: list) -> tuple:
    """An existing value picked out (nothing is built): the arguments are looked at once."""
    return 1, len(args)


def _test(args: list, sizes: list) -> tuple:
    """A bool or a count, found at once."""
    return _BOOL, 1


def _search(args: list, sizes: list) -> tuple:
    """A bool found by going through the arguments (`contains` compares every item)."""
    return _BOOL, _total(sizes)


def _number(args: list, sizes: list) -> tuple:
    """A number made from the arguments: one of them (`min`, `max`, `abs`), their sum (at
    most a few digits longer than the longest), or one read from a string (at most its
    digits, or a float written out)."""
    longest = max(sizes, default=1)
    return max(longest + 8, MAX_FLOAT_SIZE), _total(sizes)


def _parsed(args: list, sizes: list) -> tuple:
    """`jsondecode`: a JSON text decodes to Python objects no more numerous than its
    characters, but a short number (`1e300`) may count more than its text: measured once
    it is built."""
    return None, _total(sizes)


_ESTIMATES = {
    # text that grows
    "join": _join, "replace": _replace, "format": _format, "jsonencode": _jsonencode,
    "regex": _regex, "regexall": _regexall, "range": _range, "split": _split,
    "lower": _scaled(3), "upper": _scaled(3), "title": _scaled(3), "base64encode": _scaled(6, 6),
    "jsondecode": _parsed,
    # a copy, a subset or a reordering of the first argument
    "flatten": _copy, "distinct": _copy, "keys": _copy, "values": _copy, "tolist": _copy, "toset": _copy,
    "tomap": _copy, "compact": _copy, "reverse": _copy, "sort": _copy, "tostring": _copy, "trimspace": _copy,
    "trim": _copy, "trimprefix": _copy, "trimsuffix": _copy, "chomp": _copy, "substr": _copy,
    "base64decode": _copy,
    # the arguments together
    "merge": _combine, "concat": _combine, "setunion": _combine, "zipmap": _combine,
    # an existing value; a bool, a count or a number
    "lookup": _pick, "element": _pick, "one": _pick, "coalesce": _pick, "coalescelist": _pick,
    "length": _test, "tobool": _test, "contains": _search, "startswith": _search, "endswith": _search,
    "anytrue": _search, "alltrue": _search,
    "tonumber": _number, "min": _number, "max": _number, "abs": _number, "sum": _number,
}
