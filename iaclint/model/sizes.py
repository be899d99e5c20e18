"""How big a value may grow while a template or module is evaluated.

The scanned tree is hostile: a few lines can ask for a value of gigabytes (a string
repeated through a chain of locals, a join over a long range). Evaluators estimate the
size of a result before they build it and refuse what would pass `MAX_VALUE_SIZE`,
raising `TooLarge`, which becomes an Unknown naming the expression.
"""
from __future__ import annotations

MAX_VALUE_SIZE = 5_000_000  # characters and items of one value


class TooLarge(Exception):
    """A result that would be larger than `limit`; `size` is its estimated size, or None
    when building stopped as soon as it passed the limit."""

    def __init__(self, size: int | None = None, limit: int = MAX_VALUE_SIZE):
        if size is None:
            text = f"the result would be larger than the limit of {limit:,} characters and items for one value"
        else:
            text = f"the result would hold about {size:,} characters and items, over the limit of {limit:,} for one value"
        super().__init__(text)
        self.size = size
        self.limit = limit
