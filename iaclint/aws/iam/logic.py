"""Three-valued logic: the answers every IAM question gives.

A statement written with `Action = var.actions` cannot be judged statically, and guessing
would turn into a false FAIL. So every question answers `True`, `False` or `None`
("cannot be known"), and these Kleene connectives combine the answers without ever
turning an unknown into a certainty.
"""
from __future__ import annotations

from typing import Iterable, Optional

Tri = Optional[bool]  # three-valued answers: True, False, None (unknown)


def all3(*values) -> Tri:
    """Kleene AND: False if any is False, else None if any is None, else True."""
    if any(v is False for v in values):
        return False
    if any(v is None for v in values):
        return None
    return True


def any3(values: Iterable) -> Tri:
    """Kleene OR: True if any is True, else None if any is None, else False."""
    seen_unknown = False
    for v in values:
        if v is True:
            return True
        if v is None:
            seen_unknown = True
    return None if seen_unknown else False


def not3(value) -> Tri:
    return None if value is None else not value
