"""Variable type constraints: parse `type = ...` and convert a value the way Terraform does.

A module input such as `settings = { internet = "Enabled" }` against
`type = object({ internet = optional(string, "Disabled"), root = optional(string, "Disabled") })`
reaches the module with `root` filled in from its default: without this, a policy would
see the attribute as missing (and AWS's insecure default) where Terraform sends the
declared safe one. Primitive conversions matter too: `"false"` from a tfvars file is the
bool `false` for a `bool` variable. Unparseable constraints leave values as they are.
"""
from __future__ import annotations

from typing import Any

from iaclint.model.unknown import Unknown

PRIMITIVES = ("string", "number", "bool", "any")
_MISSING = object()


class TypeSyntaxError(ValueError):
    pass


def parse(text: str, evaluate_default=None):
    """A spec: "string" | "number" | "bool" | "any" | ("list"|"set"|"map", spec) |
    ("tuple", [specs]) | ("object", {name: (spec, optional, default)}); None if unparsed.
    `evaluate_default(text)` evaluates an `optional()` default expression."""
    try:
        spec, rest = _type(without_comments(text).strip(), evaluate_default)
    except (TypeSyntaxError, IndexError):
        return None
    return spec if not rest.strip() else None


def without_comments(text: str) -> str:
    """The type expression with its `#`, `//` and `/* */` comments blanked out (quoted
    strings kept): modules annotate object attributes line by line (`role = optional(string)
    # required for ...`), and a constraint left unparsed would keep Terraform from filling
    the `optional()` defaults a policy must see."""
    if "#" not in text and "/" not in text:
        return text
    out, i, quoted = [], 0, False
    while i < len(text):
        char = text[i]
        if quoted:
            if char == "\\":
                out.append(text[i:i + 2])
                i += 2
                continue
            quoted = char != '"'
        elif char == '"':
            quoted = True
        elif char == "#" or text.startswith("//", i):
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
            continue
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = len(text) if end < 0 else end + 2
            out.append(" ")
            continue
        out.append(char)
        i += 1
    return "".join(out)


def _type(text: str, evaluate_default):
    for name in PRIMITIVES:
        if text.startswith(name) and not text[len(name):len(name) + 1].isalnum():
            return name, text[len(name):]
    for name in ("list", "set", "map"):
        if text.startswith(name + "("):
            inner, rest = _type(text[len(name) + 1:].lstrip(), evaluate_default)
            return (name, inner), _expect(rest, ")")
    if text.startswith("tuple("):
        rest = _expect(text[len("tuple("):], "[")
        items = []
        while not rest.lstrip().startswith("]"):
            item, rest = _type(rest.lstrip(), evaluate_default)
            items.append(item)
            rest = rest.lstrip()
            if rest.startswith(","):
                rest = rest[1:]
        return ("tuple", items), _expect(_expect(rest, "]"), ")")
    if text.startswith("object("):
        rest = _expect(text[len("object("):], "{")
        attributes = {}
        while not rest.lstrip().startswith("}"):
            rest = rest.lstrip()
            name = _word(rest)
            rest = _expect(rest[len(name):], "=").lstrip()
            attributes[name.strip('"')], rest = _attribute(rest, evaluate_default)
            rest = rest.lstrip()
            if rest.startswith(","):
                rest = rest[1:]
        return ("object", attributes), _expect(_expect(rest, "}"), ")")
    raise TypeSyntaxError(text[:20])


def _attribute(text: str, evaluate_default):
    if not text.startswith("optional("):
        spec, rest = _type(text, evaluate_default)
        return (spec, False, _MISSING), rest
    spec, rest = _type(text[len("optional("):].lstrip(), evaluate_default)
    rest = rest.lstrip()
    default = _MISSING
    if rest.startswith(","):
        expression, rest = _balanced(rest[1:])
        default = evaluate_default(expression.strip()) if evaluate_default else _MISSING
    return (spec, True, default), _expect(rest, ")")


def _word(text: str) -> str:
    end = 0
    while end < len(text) and (text[end].isalnum() or text[end] in '_-"'):
        end += 1
    if not end:
        raise TypeSyntaxError(text[:20])
    return text[:end]


def _balanced(text: str) -> tuple[str, str]:
    """The expression up to the `)` that closes `optional(`, and the rest from that `)`."""
    depth, quoted, i = 0, False, 0
    while i < len(text):
        char = text[i]
        if quoted:
            if char == "\\":
                i += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            if depth == 0:
                return text[:i], text[i:]
            depth -= 1
        i += 1
    raise TypeSyntaxError("unbalanced")


def _expect(text: str, token: str) -> str:
    text = text.lstrip()
    if not text.startswith(token):
        raise TypeSyntaxError(f"expected {token}")
    return text[len(token):]


def convert(value: Any, spec) -> Any:
    """`value` as Terraform passes it on for a variable of type `spec` (None: unchanged)."""
    if spec is None or spec == "any" or isinstance(value, Unknown) or value is None:
        return value
    if spec == "bool":
        return value == "true" if isinstance(value, str) and value in ("true", "false") else value
    if spec == "number":
        if isinstance(value, str) and not isinstance(value, bool):
            for kind in (int, float):
                try:
                    return kind(value)
                except ValueError:
                    pass
        return value
    if spec == "string":
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
        return value
    kind = spec[0]
    if kind in ("list", "set") and isinstance(value, list):
        return [convert(item, spec[1]) for item in value]
    if kind == "map" and isinstance(value, dict):
        return {key: convert(item, spec[1]) for key, item in value.items()}
    if kind == "tuple" and isinstance(value, list):
        return [convert(item, s) for item, s in zip(value, spec[1])] + value[len(spec[1]):]
    if kind == "object" and isinstance(value, dict):
        return _object(value, spec[1])
    return value


def _object(value: dict, attributes: dict) -> dict:
    """Declared attributes only (Terraform drops the others), optional ones defaulted."""
    out = {}
    for name, (spec, optional, default) in attributes.items():
        if name in value and value[name] is not None:
            out[name] = convert(value[name], spec)
        elif optional and default is not _MISSING and default is not None:
            out[name] = convert(default, spec)
        elif name in value or optional:
            out[name] = None
    return out
