"""Terraform's value rules, shared by the expression evaluator and the template renderer:
conversions (`to_string`, `to_number`, `to_bool`), equality and the binary operators,
attribute and index lookups, quoted-string escapes, and the small pieces every evaluation
step needs (`unknown`, `budget_of`, `spend`, `sized`, `node_text`, `refs_inside`,
`EvalError`, `FunctionError`)."""
from __future__ import annotations

import re
import threading

from iaclint.model.documents import EncodedJson
from iaclint.model.sizes import MAX_NUMBER_BITS, MAX_VALUE_SIZE, Budget, TooLarge
from iaclint.model.unknown import ABSENT, Unknown

ITEM_WORK = 100  # budget units of one `for` item, template loop or block instance, beyond what it builds
_ESCAPES = re.compile(r'\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)|\$\$\{|%%\{', re.S)
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


class EvalError(Exception):
    """An expression that Terraform itself would reject (type error, bad index)."""


class FunctionError(Exception):
    """A built-in function that Terraform would fail on these arguments."""


def uncertain_positions(items) -> bool:
    """Whether a list has an item that may be absent or stand for several (`compact` and
    `distinct` of an unknown, `flatten` and `concat` of an unknown list): the items after
    it have no known position, so an index, a `for` or a splat over the list is unknown."""
    return isinstance(items, list) and first_uncertain(items) >= 0


_POSITIONS = threading.local()  # `scanned`: id(list) -> (the list, its length, `first_uncertain`)
_SCANNED_MAX = 256
_SCANNED_MIN_LENGTH = 32


def first_uncertain(items: list) -> int:
    """The position of the first item that may be absent or several, or -1. A long list is
    scanned once (a `for` that indexes it item by item asks for every index: scanning it
    each time made that loop quadratic); what is remembered is checked by identity and
    length, and at most `_SCANNED_MAX` lists are (the oldest forgotten first). The memory
    is the thread's (the editor server loads in more than one) and is let go after each
    load (`forget_positions`)."""
    if len(items) < _SCANNED_MIN_LENGTH:
        return _scan_uncertain(items)
    scanned = getattr(_POSITIONS, "scanned", None)
    if scanned is None:
        scanned = _POSITIONS.scanned = {}
    key = id(items)
    entry = scanned.get(key)
    if entry is not None and entry[0] is items and entry[1] == len(items):
        return entry[2]
    position = _scan_uncertain(items)
    if len(scanned) >= _SCANNED_MAX:
        scanned.pop(next(iter(scanned)))
    scanned[key] = (items, len(items), position)
    return position


def forget_positions() -> None:
    """Let go of the lists `first_uncertain` remembers: a module is loaded, its values are
    not asked about again, and a long-lived process (the editor and scan servers) would
    keep up to `_SCANNED_MAX` of them alive otherwise."""
    _POSITIONS.scanned = None


def _scan_uncertain(items: list) -> int:
    for i, v in enumerate(items):
        if isinstance(v, Unknown) and v.alternatives is not None and (
                v.many or any(o is ABSENT for o in v.alternatives)):
            return i
    return -1


def unknown(expr: str, reason: str, refs=()) -> Unknown:
    return Unknown(expr, reason, refs=tuple(refs))


def budget_of(scope) -> Budget:
    """The module's `Budget` of work and sizes (`iaclint.model.sizes`), as the scope
    holds it (`expressions.Scope`)."""
    return scope.budget


def sized(scope, value):
    """`value`, just built from evaluated parts: measured (its parts were measured before,
    so this takes time for its own items only, charged) and refused past the value limit."""
    if scope.budget.size(value) > MAX_VALUE_SIZE:
        raise TooLarge()
    return value


def spend(scope, units: int) -> None:
    """Charge the module's `Budget`: `OverBudget` once it is spent."""
    scope.budget.spend(units)


def node_text(node) -> str:
    """The source text of a syntax node, for messages and Unknowns."""
    return node.text.decode("utf-8", errors="replace") if node is not None else ""


def short(text: str, limit: int = 80) -> str:
    """An expression's text for a message: one line, at most `limit` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def refs_inside(value) -> list:
    """The resource addresses the Unknowns inside `value` refer to."""
    from iaclint.model.unknown import collect_refs

    return collect_refs(value.value if isinstance(value, EncodedJson) else value)


def first_unknown(value) -> Unknown | None:
    """The first Unknown inside lists and maps, depth first (None when there is none)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Unknown):
            return item
        if isinstance(item, dict):
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return None


def get_attr(value, name: str):
    if isinstance(value, dict):
        if name in value:
            return value[name]
        raise EvalError(f"no attribute `{name}`")
    if isinstance(value, list):
        raise EvalError(f"cannot read `.{name}` of a list (use [*] or an index)")
    raise EvalError(f"cannot read `.{name}` of a {type(value).__name__}")


def lookup(value, key):
    if isinstance(value, list):
        index = to_number(key)
        uncertain = first_uncertain(value)
        if 0 <= uncertain <= index:  # the items before the first such item keep their places
            return Unknown(f"[{key!r}]", "the list has items that may be absent or several: no known position")
        if not float(index).is_integer() or not 0 <= int(index) < len(value):
            raise EvalError(f"index {key!r} out of range")
        return value[int(index)]
    if isinstance(value, dict):
        text = key_text(key)
        if text not in value:
            raise EvalError(f"no key {text!r}")
        return value[text]
    raise EvalError(f"cannot index a {type(value).__name__}")


def key_text(key) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, (int, float)):
        return number_text(key)
    if isinstance(key, str):
        return key
    raise EvalError("a map key must be a string")


def number_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def to_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    raise EvalError(f"{value!r} is not a bool")


def to_number(value):
    if isinstance(value, bool):
        raise EvalError("a bool is not a number")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            try:
                return float(value)
            except ValueError:
                pass
    raise EvalError(f"{value!r} is not a number")


def to_string(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return number_text(value)
    if isinstance(value, str):
        return value
    if value is None:
        raise EvalError("cannot interpolate null")
    raise EvalError(f"cannot interpolate a {type(value).__name__}")


def binary(op: str, left, right):
    if op in ("==", "!="):
        same = equal(left, right)
        return same if op == "==" else not same
    if op in ("&&", "||"):
        a, b = to_bool(left), to_bool(right)
        return (a and b) if op == "&&" else (a or b)
    a, b = to_number(left), to_number(right)
    if op in ("+", "-", "*"):
        result = a + b if op == "+" else a - b if op == "-" else a * b
        if isinstance(result, int) and result.bit_length() > MAX_NUMBER_BITS:  # a*a through chains of locals
            raise TooLarge(result.bit_length() * 30103 // 100000, MAX_NUMBER_BITS * 30103 // 100000, "digits")
        return result
    if op == "/":
        if b == 0:
            raise EvalError("division by zero")
        result = a / b
        return int(result) if float(result).is_integer() else result
    if op == "%":
        if b == 0:
            raise EvalError("division by zero")
        return a % b
    return {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]


def equal(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or (isinstance(a, bool) and isinstance(b, bool) and a == b)
    if isinstance(a, EncodedJson) or isinstance(b, EncodedJson):
        return str(a) == str(b)
    return a == b


def unescape(text: str) -> str:
    """Quoted-string escapes: \\n \\t \\" \\\\ \\uXXXX, and $${ / %%{ for literal ${ / %{."""
    if "\\" not in text and "$${" not in text and "%%{" not in text:
        return text

    def replace(match):
        whole = match.group(0)
        if whole == "$${":
            return "${"
        if whole == "%%{":
            return "%{"
        code = match.group(1)
        if code[0] in "uU" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _SIMPLE_ESCAPES.get(code, "\\" + code)

    return _ESCAPES.sub(replace, text)
