"""A `.tf.json` string as the HCL quoted template it stands for.

Terraform reads a JSON string as a template: its literal text is the string's characters
(JSON's escapes already decoded), and each `${...}` or `%{...}` holds native HCL, whose
own string literals keep their quotes (`"${lookup(var.tags, \\"team\\")}"` in the file is
`${lookup(var.tags, "team")}`). Escaping the whole value as one HCL string escaped those
quotes too, which is no HCL: every template with a string inside an interpolation (the
`jsonencode({"Statement" = ...})` that CDK for Terraform writes for each IAM policy) was
"could not be parsed". Here only the literal text is escaped; what is inside an
interpolation is copied as it is.
"""
from __future__ import annotations

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_ESCAPES.update({chr(c): f"\\u{c:04x}" for c in [*range(0x20), 0x7F] if chr(c) not in _ESCAPES})


def hcl_quoted(value: str) -> str | None:
    """`value` as an HCL quoted template, or None when an interpolation does not end (the
    caller says the template could not be parsed). Linear in the length of `value`, and
    nesting (strings in interpolations in strings) is tracked on a list, not the stack."""
    out = ['"']
    i, n = 0, len(value)
    while i < n:
        if value.startswith(("$${", "%%{"), i):  # escaped: literal `${` / `%{`, kept as written
            out.append(value[i:i + 3])
            i += 3
        elif value.startswith(("${", "%{"), i):
            end = _interpolation_end(value, i + 2)
            if end is None:
                return None
            out.append(value[i:end])
            i = end
        else:
            out.append(_ESCAPES.get(value[i], value[i]))
            i += 1
    out.append('"')
    return "".join(out)


def _interpolation_end(value: str, i: int) -> int | None:
    """Where the interpolation whose body starts at `i` ends (after its `}`), skipping
    braces of objects and the strings (with their own interpolations) inside it."""
    stack = ["{"]  # "{": a brace inside an expression; '"': inside a string literal
    n = len(value)
    while i < n:
        char = value[i]
        if stack[-1] == '"':
            if char == "\\":
                i += 2
                continue
            if char == '"':
                stack.pop()
            elif value.startswith(("${", "%{"), i) and not value.startswith(("$${", "%%{"), i - 1 if i else 0):
                stack.append("{")
                i += 2
                continue
        elif char == '"':
            stack.append('"')
        elif char == "{":
            stack.append("{")
        elif char == "}":
            stack.pop()
            if not stack:
                return i + 1
        i += 1
    return None
