"""Machine output, versioned. UNKNOWN verdicts are always listed, with why they are
unknown, so a reviewer can see exactly what was not decided. No timings: the same
input gives the same bytes."""
from __future__ import annotations

import json
from dataclasses import fields
from json.encoder import encode_basestring_ascii as _json_string  # the C function when built

from iaclint import __version__

FORMAT_VERSION = "1.0"


def _plain(finding) -> dict:
    """A finding's fields in declaration order. Its fields are all scalars, so this is
    `dataclasses.asdict` without the deep copy, which dominated large reports."""
    return {f.name: getattr(finding, f.name) for f in fields(finding)}


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
        "findings": [_plain(f) for f in result.findings],
        "unknowns": [_plain(f) for f in result.unknowns],
        "errors": list(result.errors) + [f"path not found: {p}" for p in result.missing],
    }
    return "".join(_pretty(document, 0, flat_from=2)) + "\n"


def _pretty(value, level: int, flat_from: int = 10**6):
    """The text of `json.dumps(value, indent=2)`, piece by piece. With an indent,
    `json.dumps` falls back to its pure-Python encoder and holds a million small strings
    for a large report; here scalars go through the C encoder, values from depth
    `flat_from` down (a finding) become one string each, and nothing above them is
    copied (tests check the bytes are the same)."""
    if level >= flat_from:
        yield _flat(value, level)
        return
    if isinstance(value, dict) and value:
        inner = "\n" + "  " * (level + 1)
        for i, (key, item) in enumerate(value.items()):
            yield ("{" if i == 0 else ",") + inner + json.dumps(key) + ": "
            yield from _pretty(item, level + 1, flat_from)
        yield "\n" + "  " * level + "}"
    elif isinstance(value, list) and value:
        inner = "\n" + "  " * (level + 1)
        for i, item in enumerate(value):
            yield ("[" if i == 0 else ",") + inner
            yield from _pretty(item, level + 1, flat_from)
        yield "\n" + "  " * level + "]"
    else:
        yield json.dumps(value)


def _flat(value, level: int) -> str:
    """`_pretty` of one value as a single string. A dict of scalars (a finding: ~25,000 in
    a large report) is written directly, one C call per value, instead of one generator
    step and one `json.dumps` per value."""
    if isinstance(value, dict) and value:
        inner = ",\n" + "  " * (level + 1)
        pieces = []
        for key, item in value.items():
            text = _scalar(item)
            if text is None or key.__class__ is not str:
                return "".join(_pretty(value, level))
            pieces.append(_json_string(key) + ": " + text)
        return "{\n" + "  " * (level + 1) + inner.join(pieces) + "\n" + "  " * level + "}"
    return "".join(_pretty(value, level))


def _scalar(value) -> str | None:
    """`json.dumps(value)` of a str, int, bool or None; None for anything else."""
    cls = value.__class__
    if cls is str:
        return _json_string(value)
    if cls is int:
        return int.__repr__(value)
    if cls is bool:
        return "true" if value else "false"
    if value is None:
        return "null"
    return None
