"""Wildcard matching of actions, resources and principals, and what an Unknown may be.

IAM globs (`*` any run of characters, `?` one character, compared case-insensitively for
actions) are matched here without regular expressions, so a hostile pattern cannot make
the linter backtrack for minutes. Three relations are needed: `matches` (glob against a
name), `covers` (every name one glob matches, the other matches too: `bedrock:*` covers
`bedrock:Invoke*`) and `overlaps` (some name matches both). Unknown values are read for the
little that is certain about them (a template's literal text, a resource attribute never
being `*`) so that real policies full of references do not all end up UNKNOWN.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from iaclint.aws.iam.logic import Tri
from iaclint.model.unknown import Unknown

# Patterns longer than this product of lengths are not compared (IAM limits ARNs to 2048
# characters); the answer is then the one that cannot cause a false FAIL: no coverage, no
# overlap.
_MAX_CELLS = 1_000_000


def matches(pattern: str, name: str) -> bool:
    """Does the IAM glob `pattern` match the concrete `name`? (`bedrock:Invoke*` matches
    `bedrock:InvokeModel`; case-insensitive, as IAM compares actions.) Greedy two-pointer
    matching: linear in practice, never exponential, no regex backtracking."""
    p, t = pattern.lower(), name.lower()
    i = j = 0
    star, mark = -1, 0
    while j < len(t):
        if i < len(p) and (p[i] == "?" or (p[i] != "*" and p[i] == t[j])):
            i += 1
            j += 1
        elif i < len(p) and p[i] == "*":
            star, mark = i, j
            i += 1
        elif star >= 0:
            i, mark = star + 1, mark + 1
            j = mark
        else:
            return False
    while i < len(p) and p[i] == "*":
        i += 1
    return i == len(p)


@lru_cache(maxsize=8192)
def covers(pattern: str, query: str) -> bool:
    """Does `pattern` match every name that `query` matches? `query` may itself be a glob:
    `covers("bedrock:*", "bedrock:Invoke*")` and `covers("*", "bedrock:*")` are True,
    `covers("bedrock:Invoke*", "bedrock:*")` is False.

    Sound (never claims coverage that does not hold); for contrived pairs such as `*?`
    against `?*` it may say False where the languages are equal."""
    p, q = pattern.lower(), query.lower()
    n, m = len(p), len(q)
    if (n + 1) * (m + 1) > _MAX_CELLS:
        return False
    # after[j] is "p[i+1:] covers q[j:]" while row i is computed, bottom-up.
    after = [j == m for j in range(m + 1)]
    for i in range(n - 1, -1, -1):
        row = [False] * (m + 1)
        for j in range(m, -1, -1):
            if p[i] == "*":
                # The star matches nothing, or swallows one more query token (a query star
                # included: whatever it stands for is absorbed by this star).
                row[j] = after[j] or (j < m and row[j + 1])
            elif j == m or q[j] == "*":
                row[j] = False  # a query star can stand for text a literal or `?` cannot match
            else:
                row[j] = (p[i] == "?" or p[i] == q[j]) and after[j + 1]
        after = row
    return after[0]


@lru_cache(maxsize=8192)
def overlaps(a: str, b: str) -> bool:
    """Is there a name that both globs match? (`bedrock:Invoke*` and `*Model*` overlap;
    `s3:*` and `bedrock:*` do not.)"""
    x, y = a.lower(), b.lower()
    n, m = len(x), len(y)
    if (n + 1) * (m + 1) > _MAX_CELLS:
        return False
    after = [False] * (m + 1)  # row i+1
    for i in range(n, -1, -1):
        row = [False] * (m + 1)
        for j in range(m, -1, -1):
            if i == n and j == m:
                row[j] = True
            elif i < n and x[i] == "*":
                row[j] = after[j] or (j < m and row[j + 1])
            elif j < m and y[j] == "*":
                row[j] = row[j + 1] or (i < n and after[j])
            elif i == n or j == m:
                row[j] = False
            else:
                row[j] = (x[i] == "?" or y[j] == "?" or x[i] == y[j]) and after[j + 1]
        after = row
    return after[0]


# --------------------------------------------------------------------------------------
# What an Unknown string may still be
#
# A statement is written with references everywhere (`aws_s3_bucket.b.arn`,
# `!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:root`). Treating each as "could be
# anything" would make almost every real policy UNKNOWN, so the expression an Unknown
# remembers is read for two safe facts: a string template keeps its literal text (its
# value matches the template with each interpolation replaced by `*`), and a resource
# attribute (`!GetAtt X.Arn`, `aws_x.y.arn`) is an ARN, ID or name, never `*`.

_TF_ROOTS_OF_VALUES = ("var", "local", "module", "each", "count", "path", "terraform", "self")
_TF_TRAVERSAL = re.compile(r"[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[\d+\]|\[\"[^\"]*\"\])+")


def _strip_interpolations(text: str, opener: str = "${") -> str | None:
    """`arn:${a}:x/${b}` -> `arn:*:x/*` (nesting-aware); None when braces do not balance."""
    out, i = [], 0
    while i < len(text):
        if text.startswith("$${", i) or text.startswith("%%{", i):  # escaped in Terraform
            out.append(text[i + 1:i + 3])
            i += 3
            continue
        if text.startswith(opener, i) or text.startswith("%{", i):
            depth, j = 0, i + 1
            while j < len(text):
                if text[j] == "{":
                    depth += 1
                elif text[j] == "}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            if j >= len(text):
                return None
            if text[i] == "%":
                return None  # a template directive (`%{ if }`) may drop literal text
            out.append("*")
            i = j + 1
            continue
        out.append(text[i])
        i += 1
    return "".join(out)


def value_glob(value: Unknown) -> str | None:
    """A glob every possible value of the Unknown matches, when its expression is a string
    template (CloudFormation `!Sub`, a Terraform template such as `arn:aws:s3:::${var.b}/*`,
    which the evaluator keeps with its unknown parts as `${...}`); else None."""
    expr = value.expr.strip()
    if expr.startswith("!Sub "):
        body = expr[5:]
        if body.endswith("..."):
            return None  # truncated by the evaluator
        # `${!Name}` is CloudFormation's escape for a literal `${Name}`.
        glob = _strip_interpolations(body.replace("${!", "\x00"))
        return glob.replace("\x00", "${") if glob is not None else None
    if "${" in expr and not expr.startswith(("!", "<<")):
        # A Terraform template keeps its resolved text with `${expr}` for unknown parts.
        # Other expressions that merely contain one (`var.c ? "${var.a}" : "*"`) have
        # quoted literals outside the interpolations, which a template never has.
        glob = _strip_interpolations(expr)
        if glob is not None and '"' not in glob:
            return glob
    return None


def is_resource_attribute(value: Unknown) -> bool:
    """`!GetAtt X.Arn`, `!Ref Resource`, `aws_x.y.arn`: identifiers of a resource."""
    expr = value.expr.strip()
    if expr.startswith("!GetAtt "):
        return True
    if expr.startswith("!Ref ") and value.refs:
        return True
    if _TF_TRAVERSAL.fullmatch(expr) and value.refs:
        return expr.split(".", 1)[0].split("[", 1)[0] not in _TF_ROOTS_OF_VALUES
    return False


def may_be_star(value: Any) -> bool:
    """Could this (possibly Unknown) value be the wildcard `*`?"""
    if not isinstance(value, Unknown):
        return isinstance(value, str) and value.strip() != "" and set(value.strip()) == {"*"}
    if is_resource_attribute(value):
        return False
    glob = value_glob(value)
    return glob is None or set(glob) <= {"*"}


def unknown_overlaps(value: Unknown, query: str, action: bool = True) -> Tri:
    """None (may match `query`) unless the Unknown's template proves it cannot, or it is a
    resource attribute standing where an action is expected (an ARN is not an action)."""
    glob = value_glob(value)
    if glob is not None and not overlaps(glob, query):
        return False
    if action and is_resource_attribute(value):
        return False
    return None
