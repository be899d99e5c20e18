"""What an unknown string may be, as a glob, and whether two such globs can meet.

Names are often only partly known statically: `bucket = "${var.env}-training"`, `!Sub
${AWS::StackName}-data`, `instance_type = "p4d.${var.size}"`. Their known text still decides
questions: a bucket written as `s3://${var.env}-training/` may be the bucket called
`prod-training` (so a policy answers UNKNOWN rather than PASS), and `p4d.${var.size}` is a
GPU type whatever the size. This module turns an `Unknown` into a `*`-glob of what it may
be (`unknown_glob`) or into its interpolation text for comparing two unknowns of one module
or template (`as_template`), and compares globs (`globs_overlap`). It knows nothing of S3
or EC2; `iaclint.aws.s3` and `iaclint.aws.gpu_hosts` use it.
"""
from __future__ import annotations

import re
from functools import lru_cache

from iaclint.model.unknown import Unknown


def interpolation_end(text: str, start: int) -> int:
    """The index just after the `${...}` that begins at `start` (nested braces counted)."""
    depth, j, n = 1, start + 2, len(text)
    while j < n and depth:
        depth += {"{": 1, "}": -1}.get(text[j], 0)
        j += 1
    return j


def _template_glob(text: str) -> str:
    """`a-${var.b}` -> `a-*`: every interpolation (nested braces included) becomes `*`."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text.startswith("${", i):
            out.append("*")
            i = interpolation_end(text, i)
        else:
            out.append(text[i])
            i += 1
    return re.sub(r"\*+", "*", "".join(out))


def unknown_glob(value: Unknown) -> str:
    """What an unknown string may be, as a glob: its template text with `*` for the unknown
    parts (Terraform `"a-${var.b}"`, CloudFormation `!Sub a-${P}`), else `*`."""
    expr = value.expr.strip()
    if expr.startswith("!Sub "):
        return _template_glob(expr[5:].strip().strip("\"'"))
    if "${" in expr and not expr.startswith(("!", "<<")) and '"' not in expr:
        return _template_glob(expr)
    return "*"


def as_template(value: Unknown) -> str:
    """An unknown string as interpolation text: `var.b` -> `${var.b}`, `!Ref P` -> `${P}`,
    `!Sub a-${P}` -> `a-${P}`, a Terraform template as it is; two Unknowns of one module or
    template with the same text have the same value."""
    expr = " ".join(value.expr.split())
    if expr.startswith("!Ref "):
        return "${" + expr[5:].strip() + "}"
    if expr.startswith("!Sub "):
        return expr[5:].strip().strip("\"'")
    if "${" in expr and not expr.startswith(("!", "<<")) and '"' not in expr:
        return expr
    return "${" + expr + "}"


@lru_cache(maxsize=4096)
def globs_overlap(a: str, b: str) -> bool:
    """Is there a string both `*`-globs match? (case-insensitive; bucket names are lower case)"""
    x, y = a.lower(), b.lower()

    @lru_cache(maxsize=None)
    def go(i: int, j: int) -> bool:
        if i == len(x) and j == len(y):
            return True
        if i < len(x) and x[i] == "*":
            if go(i + 1, j) or (j < len(y) and go(i, j + 1)):
                return True
        if j < len(y) and y[j] == "*":
            if go(i, j + 1) or (i < len(x) and go(i + 1, j)):
                return True
        return i < len(x) and j < len(y) and x[i] != "*" and y[j] != "*" and x[i] == y[j] and go(i + 1, j + 1)

    return go(0, 0)
