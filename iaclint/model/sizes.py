"""How big a value may grow, and how much work a unit's evaluation may do.

The scanned tree is hostile: a few lines can ask for a value of gigabytes (a string
repeated through a chain of locals, a join over a long range, a list that holds itself
twice at every level of a chain of locals) or for billions of steps. Both evaluators
(Terraform and CloudFormation) therefore keep one `Budget` per unit (a Terraform root
module with its calls, a CloudFormation template) and ask it before they build:

- every result's size is estimated from its inputs *before* it is built; a value larger
  than `MAX_VALUE_SIZE` is refused (`TooLarge`, which the evaluator turns into an Unknown
  naming the expression), and whatever is built or walked is charged to the budget;
- past `WORK_LIMIT` units in all, every value still to compute is refused (`OverBudget`).

The size of a value (`Budget.size`) counts what a walk over it visits, with sharing
counted as often as it is reached (`[local.x, local.x]` holds `local.x` twice, and a
policy reading it or `jsonencode` writing it goes through both): a string is its
characters plus one, a number the characters of its decimal text plus one, a list or map
one plus its items (a map's keys count as strings), a JSON string (`EncodedJson`) its text
plus the value it encodes, an Unknown one plus what it keeps of its parts and
alternatives. Containers already measured are remembered (by identity, for the unit's
lifetime), so a value built from big parts is measured in time proportional to its own
items, not to everything below it.
"""
from __future__ import annotations

from typing import Any

from iaclint.model.unknown import Unknown, contains_unknown

MAX_VALUE_SIZE = 5_000_000  # characters and items of one value
WORK_LIMIT = 20_000_000  # units of work and size per unit (a character or an item built or walked is 1)
MAX_NUMBER_BITS = 14_300  # about 4,300 decimal digits: Python's own limit for reading numbers
MAX_FLOAT_SIZE = 330  # the longest decimal text of a float (1e308 or 1e-300 written out) and one


class TooLarge(Exception):
    """A result that would be larger than `limit`; `size` is its estimated size, or None
    when building stopped as soon as it passed the limit."""

    def __init__(self, size: int | None = None, limit: int = MAX_VALUE_SIZE, what: str = "characters and items"):
        if size is None:
            text = f"the result would be larger than the limit of {limit:,} {what} for one value"
        else:
            text = f"the result would hold about {size:,} {what}, over the limit of {limit:,} for one value"
        super().__init__(text)
        self.size = size
        self.limit = limit


class OverBudget(Exception):
    """The unit's evaluation has done all the work it may do."""


def scalar_size(value: Any) -> int | None:
    """The size of a string, number, bool or null; None for anything else."""
    cls = value.__class__
    if cls is str:
        return len(value) + 1
    if cls is int:  # its digits (0.30103 > log10(2): never fewer), a sign, and one
        return value.bit_length() * 30103 // 100000 + 2 + (value < 0)
    if cls is bool or value is None:
        return 6
    if cls is float:  # `repr` (24 characters at most), or the digits of a large whole number
        return 27 if abs(value) < 1e15 or value != value else MAX_FLOAT_SIZE
    return None


class Budget:
    """The work and the sizes one unit's evaluation may still spend (see the module
    docstring). `unit` names it in messages: "module", "template"."""

    def __init__(self, limit: int = WORK_LIMIT, unit: str = "module"):
        self.left = limit
        self.limit = limit
        self.unit = unit
        self._known: dict = {}  # id(container) -> (container, size, holds an Unknown)

    @property
    def spent(self) -> int:
        """The work done so far (at most the limit): what the scan-wide budget is charged."""
        return min(self.limit, self.limit - self.left)

    # --- charging -----------------------------------------------------------------------

    def spend(self, units: int) -> None:
        self.left -= units
        if self.left < 0:
            raise OverBudget(f"not evaluated: the {self.unit} needs too much work to evaluate statically")

    def build(self, size: int, what: str = "characters and items") -> None:
        """Before building a result of (estimated) `size`: refuse it past the value limit,
        else charge it."""
        if size > MAX_VALUE_SIZE:
            raise TooLarge(size, what=what)
        self.spend(size)

    def copy(self, value: Any) -> None:
        """Before copying `value` whole: refuse it past the value limit, else charge it."""
        size = self.size(value)
        if size > MAX_VALUE_SIZE:
            raise TooLarge()
        self.spend(size)

    def walk(self, value: Any) -> int:
        """Before a walk over all of `value` (a search for Unknowns, an equality test, a
        policy reading it): charge its size, which is returned."""
        size = scalar_size(value)
        if size is None:
            size = self._measure(value, MAX_VALUE_SIZE)[0]
        self.spend(size)
        return size

    # --- measuring ----------------------------------------------------------------------

    def size(self, value: Any) -> int:
        """The size of `value`, or a number above `MAX_VALUE_SIZE` as soon as counting
        passes it. Measuring what is not remembered yet is charged as work."""
        small = scalar_size(value)
        if small is not None:
            return small
        return self._measure(value, MAX_VALUE_SIZE)[0]

    def holds_unknown(self, value: Any) -> bool:
        """`contains_unknown(value)`, answered with its size: a value seen before is
        answered at once, and a walk over an unseen one is charged."""
        if scalar_size(value) is not None:
            return False
        size, unknown = self._measure(value, MAX_VALUE_SIZE)
        if size > MAX_VALUE_SIZE:  # not measured to the end: walk it, charged
            self.spend(MAX_VALUE_SIZE)
            return contains_unknown(value)
        return unknown

    def note(self, container: Any, size: int, unknown: bool) -> None:
        """Remember the size of a container just built from parts of known sizes."""
        self._known[id(container)] = (container, size, unknown)

    def _measure(self, value: Any, cap: int) -> tuple[int, bool]:
        """(size, holds an Unknown as `contains_unknown` sees it); the size exceeds `cap`
        when counting stopped early."""
        known = self._known.get(id(value))
        if known is not None and known[0] is value:
            return known[1], known[2]
        if isinstance(value, dict):  # most values measured here (strings are counted by `_items`)
            total, unknown = self._items(value, cap, True)
        elif isinstance(value, (list, tuple)):
            total, unknown = self._items(value, cap)
        elif isinstance(value, str):  # EncodedJson: its text, and the value it encodes
            inner = getattr(value, "value", None)
            total = len(value) + 1 + (self._measure(inner, cap - len(value))[0] - 1 if inner is not None else 0)
            unknown = False  # a JSON string is a string, whatever it encodes
        elif isinstance(value, Unknown):
            parts = tuple(value.parts or ()) + tuple(value.alternatives or ())
            total, unknown = self._items(parts, cap)[0], True
        else:
            total, unknown = scalar_size(value) or 1, False
        if total <= cap:
            self._known[id(value)] = (value, total, unknown)
        return total, unknown

    def _items(self, items, cap: int, is_map: bool = False) -> tuple[int, bool]:
        """(1 + the sizes of the items, holds an Unknown), charged by the item; a map's
        keys count as strings, each before its value. Strings, the most common items, are
        counted here without a call."""
        count = len(items)
        total = 1 + count
        if total > cap:
            return total, False
        self.spend(count)
        unknown = False
        for item in items.items() if is_map else items:
            if is_map:
                key, item = item
                if key is not None:
                    total += len(key) if isinstance(key, str) else 1
            if item.__class__ is str:
                total += len(item)
            else:
                small = scalar_size(item)
                if small is not None:
                    total += small - 1
                else:
                    size, inner = self._measure(item, cap - total + 1)
                    total += size - 1
                    unknown = unknown or inner
            if total > cap:
                return total, unknown
        return total, unknown


def json_size_bound(value: Any, cap: int, char_width: int = 6) -> int | None:
    """An upper bound of the length of `value` written as JSON; None when counting stopped
    at `cap` with parts still to count. A string's character may take `char_width` characters (6 for
    `\\u003c`; 12 when non-ASCII is escaped, for a character outside the BMP)."""
    total = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            total += char_width * len(item) + 2
        elif isinstance(item, dict):
            total += 2 + 2 * len(item)  # braces, and a colon and a comma per member
            for key, member in item.items():
                total += char_width * len(str(key)) + 2
                stack.append(member)
        elif isinstance(item, (list, tuple)):
            total += 2 + len(item)
            stack.extend(item)
        elif isinstance(item, Unknown):
            total += char_width * (len(item.expr) + 3) + 2  # written as the text `${expr}`
        elif item.__class__ is float:
            total += MAX_FLOAT_SIZE
        else:
            total += scalar_size(item) or 1
        if total > cap and stack:
            return None
    return total
