"""Terraform's built-in functions that decide security-relevant values, on plain data.

Each function takes evaluated arguments and returns a value or raises `FunctionError`
(which the evaluator turns into an Unknown, never a crash). Unknown arguments are handled
by the evaluator before the call, except for the `STRUCTURAL` functions, which only move
values around (`jsonencode`, `merge`, `concat`, ...) and so can keep an Unknown leaf in
place: a policy whose `Resource` is an unresolved ARN still has a readable `Action`.
Functions that read files are in the module loader (they need the scanned tree), and
those that run regular expressions in `iaclint.frontends.terraform.regex` (RE2).
"""
from __future__ import annotations

import json
import re

from iaclint.frontends.terraform import regex
from iaclint.frontends.terraform.values import (  # FunctionError: raised by every function here
    FunctionError,
    first_uncertain,
    uncertain_positions,
)
from iaclint.model.documents import EncodedJson
from iaclint.model import lazy_re, symbolic, symbolic_text
from iaclint.model.sizes import MAX_VALUE_SIZE
from iaclint.model.unknown import ABSENT, Unknown


STRUCTURAL = {"jsonencode", "merge", "concat", "tolist", "toset", "tomap", "flatten", "coalesce", "lookup",
              "element", "values", "compact", "distinct", "one",
              "keys"}  # a map's keys are known whatever its values are


def _plain(value):
    """Decoded form of an EncodedJson inside structures (jsonencode(jsondecode(x)))."""
    if isinstance(value, EncodedJson):
        return str(value)
    return value


def jsonencode(value):
    value, native = _stripped(value)
    return EncodedJson(value, _native_json(value) if native else _json_text(value))


# `json.dumps` with arguments makes an encoder per call: these are made once.
_SORTED = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
_TEXT = json.JSONEncoder(ensure_ascii=False)


def _native_json(value) -> str:
    """Terraform's encoding of a value that `_encodes_natively`, in one C call (`<>&` only
    occur in strings)."""
    return _escape_html(_SORTED.encode(value))


def _json_text(value) -> str:
    """Terraform's encoding: keys sorted, no spaces, `<>&` escaped, integral numbers bare."""
    if _encodes_natively(value):  # the common case, in one C call
        return _native_json(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{_json_string(k)}:{_json_text(value[k])}" for k in sorted(value)) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_json_text(v) for v in value) + "]"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        from decimal import Decimal  # here: rare, and importing it cost every scan ~1 ms

        return format(Decimal(repr(value)), "f")
    if isinstance(value, Unknown):  # a placeholder: the expression as it was written
        return _json_string(value.expr if "${" in value.expr else str(value))
    return _json_string(str(value))


def _json_string(text: str) -> str:
    return _escape_html(_TEXT.encode(text))


def _escape_html(out: str) -> str:
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        if char in out:
            out = out.replace(char, escape)
    return out


def _encodes_natively(value) -> bool:
    """Whether `json.dumps` writes `value` as Terraform does: strings, integers, booleans,
    null, and lists and string-keyed maps of them (floats and Unknowns are written apart)."""
    cls = value.__class__
    if cls is str or cls is int or cls is bool or value is None:
        return True
    if cls is list:
        return all(_encodes_natively(v) for v in value)
    if cls is dict:
        return all(k.__class__ is str and _encodes_natively(v) for k, v in value.items())
    return False


def _stripped(value) -> tuple:
    """(`value` with every JSON string inside it as its text, its lists and maps copied as
    plain ones; whether `_encodes_natively` holds for that copy), in one walk."""
    cls = value.__class__
    if cls is str or cls is int or cls is bool or value is None:
        return value, True
    if isinstance(value, EncodedJson):
        return str(value), True
    if isinstance(value, dict):
        out: dict = {}
        native = True
        for key, item in value.items():
            if key.__class__ is not str:
                native = False
            kind = item.__class__
            if kind is str or kind is int or kind is bool or item is None:
                out[key] = item
            else:
                out[key], inner = _stripped(item)
                native = native and inner
        return out, native
    if isinstance(value, list):
        items: list = []
        native = True
        for item in value:
            kind = item.__class__
            if kind is str or kind is int or kind is bool or item is None:
                items.append(item)
            else:
                item, inner = _stripped(item)
                items.append(item)
                native = native and inner
        return items, native
    return value, False  # floats, Unknowns and the rest: written apart by `_json_text`


def jsondecode(text):
    if isinstance(text, EncodedJson):
        return text.value
    if not isinstance(text, str):
        raise FunctionError("jsondecode needs a string")
    try:
        return json.loads(text)
    except ValueError as exc:
        raise FunctionError(f"invalid JSON: {exc}") from None


def merge(*maps):
    out: dict = {}
    for m in maps:
        if m is None:
            continue
        if not isinstance(m, dict):
            raise FunctionError("merge needs maps or objects")
        out.update(m)
    return out


def concat(*lists):
    out: list = []
    for item in lists:
        if not isinstance(item, list):
            raise FunctionError("concat needs lists")
        out.extend(item)
    return out


def concat_spliced(lists) -> list | None:
    """`concat` when an argument is a list whose items are unknown (`var.extra_arns`, a
    splat `aws_x.y.models[*].model_arn` known after apply): the known items stay, and the
    unknown list is zero or more items like it (`symbolic.repeated`, as `flatten` makes
    them), so `concat(["*"], var.extra)` still holds `*` and a splat of ARNs is no `*`.
    None when an argument is a choice (the caller tries each of its options) or cannot be
    a list."""
    out: list = []
    for item in lists:
        if isinstance(item, list):
            out.extend(item)
        elif isinstance(item, Unknown) and item.alternatives is None and _may_be_list(item):
            out.append(symbolic.repeated(item, item.expr, item.reason, item.span, item.refs))
        else:
            return None
    return out


def flatten(value):
    """An unknown item that may be a list stands for zero or more items (`symbolic.repeated`):
    its items are unknown and so is how many there are (`length()` of the result is unknown)."""
    if not isinstance(value, list):
        raise FunctionError("flatten needs a list")
    out: list = []
    for item in value:
        if isinstance(item, list):
            out.extend(flatten(item))
        elif _may_be_list(item):
            out.append(symbolic.repeated(item, item.expr, item.reason, item.span, item.refs))
        else:
            out.append(item)
    return out


def _may_be_list(item) -> bool:
    """Whether an unknown could be a list (not a string template, a repeated item, or a
    choice of values that are not lists)."""
    if not isinstance(item, Unknown) or item.parts is not None or item.many:
        return False
    options = symbolic.alternatives(item)
    return options is None or any(isinstance(o, (list, Unknown)) for o in options)


def _optional(item: Unknown):
    """An unknown item a function may leave out, depending on its value: it or nothing
    (its reason stays: a verdict it leaves open is open because of that value)."""
    return symbolic.choice((item, ABSENT), item.expr, item.reason, item.span, item.refs)


def distinct(value):
    """The first of equal items, in order. Items are compared by a key, not pairwise: a
    list of 100,000 items takes a moment, not hours. An Unknown is the same as itself and
    may be the same as any other item: then it may be left out (`_optional`), so that the
    result's length is a choice, while every known item stays (what a dropped unknown
    equals is still there)."""
    out: list = []
    seen: set = set()
    for item in _list(value):
        key = _key(item)
        if key not in seen:
            seen.add(key)
            out.append(item)
    unknowns = [i for i, item in enumerate(out) if isinstance(item, Unknown) and not item.many]
    if unknowns and len(out) > 1:
        certain = unknowns[0] if len(unknowns) == len(out) else None  # all unknown: one of them is there
        for i in unknowns:
            if i != certain:
                out[i] = _optional(out[i])
    return out


def _key(value):
    """A hashable stand-in for `value`, equal for equal values (1 and 1.0 are the same
    number; true is not 1; an Unknown is only itself)."""
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("number", value)
    if isinstance(value, str) or value is None:
        return ("string", value)
    if isinstance(value, list):
        return ("list", tuple(_key(x) for x in value))
    if isinstance(value, dict):
        return ("map", tuple(sorted((k, _key(x)) for k, x in value.items())))
    return ("other", id(value))


def _list(value) -> list:
    if not isinstance(value, list):
        raise FunctionError("a list is required")
    return value


def lookup(mapping, key, *default):
    if not isinstance(mapping, dict):
        raise FunctionError("lookup needs a map")
    if key in mapping:
        return mapping[key]
    if default:
        return default[0]
    raise FunctionError(f"no key {key!r}")


def coalesce(*values):
    for value in values:
        if isinstance(value, Unknown):
            return value  # the first non-null might be this one: undecidable
        if value is not None and value != "":
            return value
    raise FunctionError("no non-null argument")


def coalesce_options(values) -> list | None:
    """What `coalesce` may return when some arguments are unknown: each argument that may
    be its result, up to the first that is never null or "" (a known value, a string
    template with known text: `coalesce(var.arn, "arn:${partition}:...")` with `var.arn`
    null is the template). A hole that may be "" is its non-empty values, then the next
    argument may be the result too. None when that is not known (a `many` item, or every
    option empty, which Terraform rejects)."""
    options: list = []
    for value in values:
        if not isinstance(value, Unknown):
            if value is None or value == "":
                continue
            options.append(value)
            return options
        if value.many:
            return None
        if value.parts is None and value.alternatives is not None:  # a choice: its non-empty options
            kept = [o for o in value.alternatives if not (o is ABSENT or o is None or o == "")]
            options.extend(kept)
            if len(kept) == len(value.alternatives) and not any(_may_be_empty(o) for o in kept):
                return options
            continue
        options.append(value)
        if not _may_be_empty(value):
            return options
    return options or None


FORMAT_VERB = lazy_re.compile(r"%([-+ #0]*\d*(?:\.\d+)?)([a-zA-Z%])")


def format_(spec, *args):
    if not isinstance(spec, str):
        raise FunctionError("format needs a string")
    values = list(args)

    def replace(match):
        verb = match.group(2)
        if verb == "%":
            return "%"
        if any(int(n) > 10_000 for n in re.findall(r"\d+", match.group(1))):
            raise FunctionError("format width or precision too large")
        if not values:
            raise FunctionError("not enough arguments for format")
        value = values.pop(0)
        flags = match.group(1)
        if verb in ("s", "v"):
            text = _text(value) if verb == "s" or isinstance(value, (str, int, float, bool)) else json.dumps(value)
            return ("%" + flags + "s") % text
        if verb == "q":
            return ("%" + flags + "s") % json.dumps(_text(value))
        if verb == "d":
            if isinstance(value, bool) or not float(value).is_integer():
                raise FunctionError(f"%d needs a whole number, not {value!r}")
            return ("%" + flags + "d") % int(value)
        if verb in ("f", "g", "e"):
            return ("%" + match.group(1) + verb) % float(value)
        if verb in ("x", "X", "o", "b"):
            return format(int(value), verb)
        if verb == "t":
            return "true" if value else "false"
        raise FunctionError(f"unsupported format verb %{verb}")

    return FORMAT_VERB.sub(replace, spec)


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float, str)):
        return str(value)
    raise FunctionError(f"cannot use a {type(value).__name__} as a string")


def join(separator, *lists):
    items = [x for item in lists for x in _list(item)]
    return _text(separator).join(_text(x) for x in items)


def split(separator, text):
    return _text(text).split(_text(separator))


def replace_pattern(old: str) -> bool:
    """Whether `replace`'s `old` is an RE2 pattern: written between slashes (`/-+/`)."""
    return len(old) > 1 and old.startswith("/") and old.endswith("/")


def replace(text, old, new):
    """`old` between slashes is an RE2 pattern (`$1`, `${name}` in `new`), whose result
    stops at the value limit; else a substring (its result's size is estimated before)."""
    text, old, new = _text(text), _text(old), _text(new)
    if replace_pattern(old):
        return regex.replace(text, old[1:-1], new, MAX_VALUE_SIZE)
    return text.replace(old, new)


def element(values, index):
    values = _list(values)
    if first_uncertain(values) >= 0:  # (the index wraps around: any item may be the one)
        return Unknown(f"element(..., {index!r})", "the list has items that may be absent or several")
    if not values:
        raise FunctionError("element of an empty list")
    return values[int(index) % len(values)]


def length(value):
    if isinstance(value, (list, dict, str)):
        return len(value)
    raise FunctionError("length needs a string, list or map")


def keys(value):
    if not isinstance(value, dict):
        raise FunctionError("keys needs a map")
    return sorted(value)


def values(value):
    if not isinstance(value, dict):
        raise FunctionError("values needs a map")
    return [value[k] for k in sorted(value)]


def contains(values, item):
    return item in _list(values)


def tolist(value):
    return list(_list(value))


class SetValue(list):
    """What `toset` gives: a list that remembers it is a set. Iterating a set in a `for`
    expression or a `dynamic` block gives each element as its own key, as in Terraform."""


def toset(value):
    """A set of strings (or of numbers) is ordered by value in Terraform, not as written."""
    items = distinct(value)
    if items and all(isinstance(x, str) for x in items):
        items = sorted(items)
    elif items and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in items):
        items = sorted(items)
    return SetValue(items)


def tomap(value):
    if not isinstance(value, dict):
        raise FunctionError("tomap needs a map")
    return dict(value)


def tostring(value):
    if value is None:
        return None
    return _text(value)


def tonumber(value):
    if isinstance(value, bool):
        raise FunctionError("a bool is not a number")
    if isinstance(value, (int, float)):
        return value
    try:
        return int(value)
    except (TypeError, ValueError):
        return float(value)


def tobool(value):
    if isinstance(value, bool) or value is None:
        return value
    if value in ("true", "false"):
        return value == "true"
    raise FunctionError(f"{value!r} is not a bool")


def compact(values):
    """An unknown item that may be null or "" may be left out (`_optional`)."""
    return [_optional(v) if _may_be_empty(v) else v
            for v in _list(values) if isinstance(v, Unknown) or v not in (None, "")]


def _may_be_empty(item) -> bool:
    if not isinstance(item, Unknown) or item.many:
        return False
    if item.parts is not None:  # a string template: empty only when no known text is in it
        return not any(isinstance(p, str) and p for p in item.parts)
    options = symbolic.alternatives(item)
    return options is None or any(o is None or o == "" or isinstance(o, Unknown) for o in options)


def zipmap(keys_, values_):
    return dict(zip([_text(k) for k in _list(keys_)], _list(values_)))


def range_(*args):
    numbers = [int(a) for a in args]
    result = range(*numbers) if len(numbers) > 1 else range(numbers[0])
    if len(result) > 100_000:
        raise FunctionError("range too large")
    return list(result)


def one(values):
    values = _list(values)
    if uncertain_positions(values):
        return Unknown("one(...)", "the list has items that may be absent or several")
    if len(values) > 1:
        raise FunctionError("one needs at most one element")
    return values[0] if values else None


def base64decode(text):
    import base64

    return base64.b64decode(_text(text)).decode("utf-8")


def base64encode(text):
    import base64

    return base64.b64encode(_text(text).encode("utf-8")).decode("ascii")


def _truth(item):
    """A bool item of `anytrue`/`alltrue` (`true`, or the string "true"); None when unknown."""
    if isinstance(item, Unknown):
        return None
    if isinstance(item, bool):
        return item
    if item in ("true", "false"):
        return item == "true"
    raise FunctionError("anytrue/alltrue need a list of bools")


def anytrue(values):
    return any(_truth(x) for x in _list(values))


def alltrue(values):
    return all(_truth(x) for x in _list(values))


def truth_decided(name: str, values):
    """`anytrue`/`alltrue` of a list with unknown items, when a known item decides it (a
    true one for `anytrue`, a false one for `alltrue`); None otherwise (also for an
    unknown list)."""
    if not isinstance(values, list):
        return None
    wanted = name == "anytrue"
    for item in values:
        if item is wanted or (isinstance(item, str) and item == ("true" if wanted else "false")):
            return wanted
    return None


def startswith(text, prefix):
    return _text(text).startswith(_text(prefix))


def endswith(text, suffix):
    return _text(text).endswith(_text(suffix))


# --- Functions of partially known strings ---------------------------------------------------
# With an unknown argument, these still know most of their result's text: the pieces of a
# partially known string (`iaclint.model.symbolic.text`), or None when they do not.

_VERB = lazy_re.compile(r"%([-+ #0]*\d*(?:\.\d+)?)([a-zA-Z%])")


def format_pieces(spec, *args):
    """`format` with unknown arguments: `%s`/`%v` of an unknown value is a hole."""
    if not isinstance(spec, str):
        return None
    pieces: list = []
    values = list(args)
    position = 0
    for match in _VERB.finditer(spec):
        pieces.append(spec[position:match.start()])
        position = match.end()
        if match.group(2) == "%":
            pieces.append("%")
            continue
        if not values:
            raise FunctionError("not enough arguments for format")
        value = values.pop(0)
        if isinstance(value, Unknown):
            if match.group(2) not in "sv" or match.group(1):
                return None  # a width or a number verb needs the value
            pieces.append(value)
        else:
            pieces.append(format_(match.group(0), value))
    pieces.append(spec[position:])
    return pieces


def join_pieces(separator, *lists):
    """`join` over lists with unknown elements: each unknown element is a hole."""
    if not isinstance(separator, str) or not all(isinstance(x, list) and not uncertain_positions(x) for x in lists):
        return None  # (an item that may be absent takes its separator with it: not a hole)
    pieces: list = []
    for i, item in enumerate(x for items in lists for x in items):
        if i:
            pieces.append(separator)
        pieces.append(item if isinstance(item, Unknown) else _text(item))
    return pieces


MAX_REPLACED = 256  # the longest `old` `replace_pieces` looks for in a partially known string


def replace_pieces(text, old, new):
    """`replace` of a known substring in a partially known string (or by a partially known
    one): `replace(replace(var.arn, "arn:aws", "arn:${partition}"), "us-east-1", region)`
    is `arn:<partition>:bedrock:<region>::foundation-model/...`. Each known stretch is
    replaced as a string and each hole becomes a hole (what replacing in it gives is as
    unknown as what it holds). That is exact only where no match can take characters both
    from a hole and from the text beside it (`_straddles`); otherwise, and for a pattern
    between slashes, an empty or long `old` (`MAX_REPLACED`) or a result past `MAX_PARTS`
    pieces or the value limit (its text would be forgotten anyway), None."""
    if not isinstance(old, str) or not 0 < len(old) <= MAX_REPLACED or replace_pattern(old):
        return None
    parts, inserted = symbolic_text.pieces(text), symbolic_text.pieces(new)
    if parts is None or inserted is None or all(isinstance(p, Unknown) for p in parts):
        return None
    matches = sum(p.count(old) for p in parts if isinstance(p, str))  # sized before anything is built
    if len(parts) + matches * len(inserted) > symbolic_text.MAX_PARTS or sum(
            len(p) for p in parts if isinstance(p, str)) + matches * sum(
            len(p) for p in inserted if isinstance(p, str)) > MAX_VALUE_SIZE:
        return None
    pieces: list = []
    last = len(parts) - 1
    for i, part in enumerate(parts):  # text and holes alternate (`flatten` joins adjacent text)
        if isinstance(part, Unknown):
            pieces.append(Unknown(part.expr, part.reason, part.span, part.refs))
            continue
        if _straddles(part, old, after_hole=i > 0, before_hole=i < last):
            return None
        for j, stretch in enumerate(part.split(old)):
            if j:
                pieces.extend(inserted)
            pieces.append(stretch)
    return pieces


def _straddles(known: str, old: str, after_hole: bool, before_hole: bool) -> bool:
    """Whether some value of the holes around `known` gives a match of `old` made of
    characters of a hole and of `known`: it begins in the hole before (`known` starts
    with the rest of `old`), ends in the hole after (`known` ends with a start of `old`),
    or spans `known` from hole to hole (`known` lies strictly inside `old`)."""
    size = len(old)
    if after_hole and any(known.startswith(old[k:]) for k in range(1, size)):
        return True
    if before_hole and any(known.endswith(old[:k]) for k in range(1, size)):
        return True
    return after_hole and before_hole and known in old[1:-1]


PIECEWISE = {"format": format_pieces, "join": join_pieces, "replace": replace_pieces}


FUNCTIONS = {
    "jsonencode": jsonencode, "jsondecode": jsondecode, "merge": merge, "concat": concat,
    "flatten": flatten, "distinct": distinct, "lookup": lookup, "coalesce": coalesce,
    "coalescelist": lambda *lists: next((x for x in lists if x), []),
    "format": format_, "join": join, "split": split, "replace": replace, "element": element,
    "regex": regex.regex, "regexall": regex.regexall,
    "length": length, "keys": keys, "values": values, "contains": contains, "tolist": tolist,
    "toset": toset, "tomap": tomap, "tostring": tostring, "tonumber": tonumber, "tobool": tobool,
    "compact": compact, "zipmap": zipmap, "range": range_, "one": one,
    "lower": lambda s: _text(s).lower(), "upper": lambda s: _text(s).upper(),
    "trimspace": lambda s: _text(s).strip(), "trim": lambda s, c: _text(s).strip(_text(c)),
    "trimprefix": lambda s, p: _text(s)[len(_text(p)):] if _text(s).startswith(_text(p)) else _text(s),
    "trimsuffix": lambda s, p: _text(s)[:-len(_text(p))] if p and _text(s).endswith(_text(p)) else _text(s),
    "startswith": startswith, "endswith": endswith, "anytrue": anytrue, "alltrue": alltrue,
    "base64encode": base64encode, "base64decode": base64decode,
    "min": lambda *n: min(n), "max": lambda *n: max(n), "abs": abs,
    "reverse": lambda v: list(reversed(_list(v))), "sort": lambda v: sorted(_text(x) for x in _list(v)),
    "substr": lambda s, o, n: _text(s)[int(o):] if int(n) < 0 else _text(s)[int(o):int(o) + int(n)],
    "title": lambda s: _text(s).title(), "chomp": lambda s: _text(s).rstrip("\r\n"),
    "sum": lambda v: sum(_list(v)), "setunion": lambda *s: distinct([x for i in s for x in _list(i)]),
}
