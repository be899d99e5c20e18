"""What an unknown string may be, as a glob.

Names are often only partly known statically: `bucket = "${var.env}-training"`, `!Sub
${AWS::StackName}-data`, `instance_type = "p4d.${var.size}"`. Their known text still decides
questions (`p4d.${var.size}` is a GPU type whatever the size). `unknown_glob` gives the
`*`-glob of a partially known string (`iaclint.model.symbolic.glob`), or `*` when nothing
of its text is known; comparisons between names are the value domain's
(`iaclint.model.symbolic.same_text`), which also know shapes and identities.
`interpolation_end` finds the end of a `${...}` written in known text.
"""
from __future__ import annotations

from iaclint.model import symbolic
from iaclint.model.unknown import Unknown


def interpolation_end(text: str, start: int) -> int:
    """The index just after the `${...}` that begins at `start` (nested braces counted)."""
    depth, j, n = 1, start + 2, len(text)
    while j < n and depth:
        depth += {"{": 1, "}": -1}.get(text[j], 0)
        j += 1
    return j


def unknown_glob(value: Unknown) -> str:
    """What an unknown string may be, as a glob: its known text with `*` for the unknown
    parts (Terraform `"a-${var.b}"`, CloudFormation `!Sub a-${P}`), else `*`."""
    return symbolic.glob(value) or "*"
