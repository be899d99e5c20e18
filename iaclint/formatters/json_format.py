"""Machine output, versioned. UNKNOWN verdicts are always listed, with why they are
unknown, so a reviewer can see exactly what was not decided. No timings: the same
input gives the same bytes."""
from __future__ import annotations

import json
from dataclasses import fields
from json.encoder import encode_basestring_ascii as _json_string  # the C function when built
from operator import attrgetter

from iaclint import __version__

FORMAT_VERSION = "1.0"

_SCALARS = frozenset({str, int, float, bool, type(None)})


def format_json(result, colour: bool = False) -> str:
    document = {
        "version": FORMAT_VERSION,
        "tool": {"name": "iaclint", "version": __version__},
        "summary": {
            "files": result.files,
            "resources": result.resources,
            "findings": len([f for f in result.findings if f.verdict == "FAIL" and not f.suppressed]),
            "by_severity": result.counts(),
            "unknown": len(result.unknowns),
            "passed": result.passed,
            "suppressed": sum(1 for f in result.findings if f.suppressed),
            "baselined": getattr(result, "baselined", 0),
            "outside_diff": getattr(result, "outside_diff", 0),
        },
        "findings": _Encoded(_records(result.findings, 1)),
        "unknowns": _Encoded(_records(result.unknowns, 1)),
        "errors": list(result.errors) + [f"path not found: {p}" for p in result.missing],
    }
    return "".join(_pretty(document, 0)) + "\n"


class _Encoded:
    """Text that `_pretty` writes as it is (a part of the document encoded already)."""

    def __init__(self, text: str):
        self.text = text


def _records(items: list, level: int) -> str:
    """`json.dumps([asdict(i) for i in items], indent=2)` at `level`, for dataclasses of
    one class whose fields are all scalars (findings). A large report has ~25,000 of them:
    all their values are encoded by the C encoder in one call, with a raw newline between
    values and `]\\n[` between records (an encoded scalar never holds a raw newline), and
    each record is then one `%` of a template with the keys and the indents. Anything
    else goes the general way."""
    if not items:
        return "[]"
    cls = items[0].__class__
    names = tuple(f.name for f in fields(cls))
    rows = list(map(attrgetter(*names), items)) if len(names) > 1 else None
    if rows is None or any(i.__class__ is not cls for i in items) or \
            any(not set(map(type, row)) <= _SCALARS for row in rows):
        return "".join(_pretty([{n: getattr(i, n) for n in names} for i in items], level))
    item_indent, field_indent = "  " * (level + 1), "  " * (level + 2)
    template = ("{\n" + ",\n".join(field_indent + _json_string(n).replace("%", "%%") + ": %s" for n in names)
                + "\n" + item_indent + "}")
    encoded = json.dumps(rows, separators=("\n", ": "))[2:-2].split("]\n[")
    records = [template % tuple(values.split("\n")) for values in encoded]
    return "[\n" + item_indent + (",\n" + item_indent).join(records) + "\n" + "  " * level + "]"


def _pretty(value, level: int):
    """The text of `json.dumps(value, indent=2)`, piece by piece (tests check the bytes are
    the same): with an indent, `json.dumps` falls back to its pure-Python encoder, which
    is slow and holds a million small strings for a large report."""
    if isinstance(value, _Encoded):
        yield value.text
    elif isinstance(value, dict) and value:
        inner = "\n" + "  " * (level + 1)
        for i, (key, item) in enumerate(value.items()):
            yield ("{" if i == 0 else ",") + inner + json.dumps(key) + ": "
            yield from _pretty(item, level + 1)
        yield "\n" + "  " * level + "}"
    elif isinstance(value, list) and value:
        inner = "\n" + "  " * (level + 1)
        for i, item in enumerate(value):
            yield ("[" if i == 0 else ",") + inner
            yield from _pretty(item, level + 1)
        yield "\n" + "  " * level + "]"
    else:
        yield json.dumps(value)
