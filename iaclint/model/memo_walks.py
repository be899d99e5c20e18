"""Walks over names that refer to names (locals, module inputs, conditions), worked out
once per owner and never deeper than a bound.

The Terraform and CloudFormation `switches` follow a reference to where its value comes
from; a hostile tree makes those chains long, shared by thousands of blocks, or cyclic. So
what a name leads to is stored on its owner (a module instance, a template's evaluator),
a chain is not followed past `MAX_DEPTH`, and a name met again while it is being worked
out (a cycle) adds nothing.
"""
from __future__ import annotations

from typing import Any, Callable

MAX_DEPTH = 64
_MEMO = "_walk_memo"  # the owner's attribute: key -> what the key leads to


def once(owner: Any, key: tuple, depth: int, compute: Callable, nothing: Any) -> Any:
    """`compute(owner, *key[1:], depth)` for `key` of `owner`, the first time it is
    asked; `nothing` past `MAX_DEPTH` or while `key` is being worked out. (Called with
    its arguments, not through a closure: a frame less per link of a chain.) A caller
    turns a `RecursionError` (a deep chain on a deep stack) into `nothing` too."""
    memo = owner.__dict__.setdefault(_MEMO, {})
    if key in memo:
        return memo[key]
    if depth >= MAX_DEPTH:
        return nothing
    memo[key] = nothing
    memo[key] = found = compute(owner, *key[1:], depth)
    return found
