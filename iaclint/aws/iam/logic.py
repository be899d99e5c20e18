"""Three-valued logic: the answers every IAM question gives.

A statement written with `Action = var.actions` cannot be judged statically, and guessing
would turn into a false FAIL. So every question answers `True`, `False` or `None`
("cannot be known"), and these Kleene connectives combine the answers without ever
turning an unknown into a certainty. They are the value domain's own
(`iaclint.model.symbolic`), so IAM questions and value questions combine by one rule.
"""
from __future__ import annotations

from iaclint.model.symbolic import Tri, all3, any3, not3

__all__ = ["Tri", "all3", "any3", "not3"]
