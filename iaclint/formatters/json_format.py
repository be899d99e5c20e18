"""Machine output, versioned. UNKNOWN verdicts are always listed, with why they are
unknown, so a reviewer can see exactly what was not decided. No timings: the same
input gives the same bytes."""
from __future__ import annotations

from iaclint.formatters._common import inert_result, report_notes
from iaclint.model.records import fields

import json
from json.encoder import (
    encode_basestring_ascii as _json_string,  # the C function when built
)
from itertools import chain
from operator import attrgetter

from iaclint import __version__

FORMAT_VERSION = "1.0"

_SCALARS = frozenset({str, int, float, bool, type(None)})
# Fields written only when they hold something: attack-path findings' chains, environments, a module resource's root.
_OPTIONAL = ("flows", "environments", "root")
FLOW_STEP = ("file", "line", "column", "end_line", "end_column", "resource", "message", "target")


def _extras(item) -> dict:
    out = {}
    flows = getattr(item, "flows", ())
    if flows:
        out["flows"] = [[dict(zip(FLOW_STEP, step)) for step in chain] for chain in flows]
    if getattr(item, "environments", ()):
        out["environments"] = list(item.environments)
    if getattr(item, "root", ""):
        out["root"] = item.root
    return out


def _record(item, names: tuple) -> dict:
    record = {n: getattr(item, n) for n in names}
    record.update(_extras(item))
    return record


BATCH = 500  # findings encoded per piece: a large report is written in ~350 KB pieces


def format_json(result, colour: bool = False) -> str:
    return "".join(iter_json(result))


# Below this many findings and unknowns a report is rendered in one run, whatever `parts` is.
SPLIT_MIN = 2_000
# The share of the records (findings, then unknowns) that `parts`' first part renders, in
# the scan's process (`pipeline.forked.in_order`): the child that renders the second part
# also writes the whole-scan entry after it (~0.035 s on 1,000 files) and pays ~0.02-0.03 s
# of copy-on-write faults, and an unknown's record costs ~2.5 times a finding's (its longer
# message): with 85% here, `tf-1000`'s and the one module's children render the unknowns,
# and end before the scan's process has passed their part on (docs/performance.md).
FIRST_SHARE = 0.85


def iter_json(result, colour: bool = False, parts=None):
    """The report piece by piece, for writing as it is made: the whole text of a large
    report (10 MB for 12,000 findings) would be held twice or three times over.

    `parts`: how to run a large report cut in two between batches of findings (the
    scan's process renders the first part and a forked child the second:
    `iaclint.pipeline.forked.in_order`): called with two functions that each return
    their part's pieces, it returns every piece of the first, then of the second. The
    report's bytes are the same either way (`tests/test_json_parts.py`)."""
    result = inert_result(result)  # text from the tree made harmless (formatters._common)
    head = {
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
    }

    def rest():  # what follows the findings: the text of `json.dumps(document, indent=2)` goes on
        tail = {"unknowns": _Encoded(_records(result.unknowns, 1)),
                "errors": list(result.errors) + [f"path not found: {p}" for p in result.missing]}
        notes = _notes(result)
        if notes:  # only when there are some: a report without notes is what it was before them
            tail["notes"] = notes
        yield from _members(tail, 0, opened=True)
        yield "\n}\n"

    yield from _members(head, 0)
    yield ",\n  " + json.dumps("findings") + ": "
    total = len(result.findings) + len(result.unknowns)
    if parts is None or total < SPLIT_MIN:
        yield from _records(result.findings, 1)
        yield from rest()
        return
    cut = round(total * FIRST_SHARE / BATCH)  # in batches of findings (past their last: all in the first part)
    yield from parts(lambda: _records(result.findings, 1, stop=cut),
                     lambda: chain(_records(result.findings, 1, start=cut), rest()))


def _notes(result) -> list:
    """The scan's notes (`formatters._common.report_notes`, those said on standard error):
    the path, the line when the note is about one, the message."""
    out = []
    for note in report_notes(result):
        entry = {"path": note.path}
        if note.line is not None:
            entry["line"] = note.line
        entry["message"] = note.message
        out.append(entry)
    return out


class _Encoded:
    """Pieces of text that `_pretty` writes as they are (a part encoded already)."""

    def __init__(self, pieces):
        self.pieces = pieces


def _records(items: list, level: int, start: int = 0, stop: int | None = None):
    """The pieces of `json.dumps([asdict(i) for i in items], indent=2)` at `level`, for
    dataclasses of one class whose fields are all scalars (findings). A large report has
    ~25,000 of them: the scalar values of a batch are encoded by the C encoder in one call,
    with a raw newline between values and `]\n[` between records (an encoded scalar never
    holds a raw newline), and each record is then one `%` of a template with the keys and
    the indents, followed by its optional fields (an attack path's `flows`, `environments`,
    `root`), written the general way. A record with a non-scalar field goes the general
    way whole.

    `start` and `stop` (in batches): only the pieces of those batches, the list's opening
    with the first and its end with the last (the whole list's pieces, joined, are the
    pieces of each run of batches in turn). A list that is not written in batches (empty,
    or not all of one class) is all in the run that holds batch 0."""
    whole = start == 0 and (stop is None or stop > 0)
    if not items:
        if whole:
            yield "[]"
        return
    cls = items[0].__class__
    names = tuple(f.name for f in fields(cls) if f.name not in _OPTIONAL)
    if len(names) < 2 or any(i.__class__ is not cls for i in items):
        if whole:
            yield from _pretty([_record(i, names) for i in items], level)
        return
    starts = range(0, len(items), BATCH)
    yield from _batches(items, names, level, starts[start:stop])
    if start < len(starts) and (stop is None or stop >= len(starts)):  # the run holds the last batch
        yield "\n" + "  " * level + "]"


def _batches(items: list, names: tuple, level: int, starts):
    """The pieces of the records of `items` in the batches that begin at `starts` (the
    first batch of all opens the list)."""
    item_indent, field_indent = "  " * (level + 1), "  " * (level + 2)
    template = "{\n" + ",\n".join(field_indent + _json_string(n).replace("%", "%%") + ": %s" for n in names)
    close = "\n" + item_indent + "}"
    values_of = attrgetter(*names)
    between = ",\n" + item_indent
    for start in starts:
        batch = items[start:start + BATCH]
        rows = [values_of(i) for i in batch]
        plain = [set(map(type, row)) <= _SCALARS for row in rows]
        encoded = iter(json.dumps([row for row, ok in zip(rows, plain) if ok],
                                  separators=("\n", ": "))[2:-2].split("]\n["))
        texts = []
        for item, ok in zip(batch, plain):
            if not ok:
                texts.append("".join(_pretty(_record(item, names), level + 1)))
                continue
            text = template % tuple(next(encoded).split("\n"))
            extras = _extras(item)
            if extras:
                text += "".join(",\n" + field_indent + json.dumps(key) + ": " + _extra_text(key, value, level + 2)
                                for key, value in extras.items())
            texts.append(text + close)
        yield ("[\n" + item_indent if start == 0 else between) + between.join(texts)


def _extra_text(key: str, value, level: int) -> str:
    """An optional field's value as `_pretty` writes it; attack paths' flows (lists of
    steps of scalars: 1,572 findings with ~12,000 steps on `tf-1000`) with one C encoder
    call per finding, laid out by templates."""
    if key == "flows":
        steps = [step for chain in value for step in chain]  # dicts keyed by a prefix of FLOW_STEP
        if steps and all(isinstance(step, dict) and 0 < len(step) <= len(FLOW_STEP)
                         and tuple(step) == FLOW_STEP[:len(step)] and set(map(type, step.values())) <= _SCALARS
                         for step in steps):
            rows = [list(step.values()) for step in steps]
            encoded = iter(json.dumps(rows, separators=("\n", ": "))[2:-2].split("]\n["))
            return _flows_text(value, encoded, level)
    return "".join(_pretty(value, level))


def _flows_text(flows, encoded, level: int) -> str:
    chain_indent, step_indent, field_indent = ("\n" + "  " * (level + n) for n in (1, 2, 3))
    chains = []
    for chain in flows:
        if not chain:
            chains.append("[]")
            continue
        steps = ["{" + ",".join(field_indent + _FLOW_KEYS[i] + v for i, v in enumerate(next(encoded).split("\n")))
                 + step_indent + "}" for _ in chain]
        chains.append("[" + step_indent + ("," + step_indent).join(steps) + chain_indent + "]")
    return "[" + chain_indent + ("," + chain_indent).join(chains) + "\n" + "  " * level + "]"


_FLOW_KEYS = tuple(json.dumps(k) + ": " for k in FLOW_STEP)


def _members(value: dict, level: int, opened: bool = False):
    """The pieces of a non-empty dict's text as `_pretty` writes it, without its closing
    brace; `opened`: it goes on an object opened already (a comma, not a brace, first)."""
    inner = "\n" + "  " * (level + 1)
    for i, (key, item) in enumerate(value.items()):
        yield ("{" if i == 0 and not opened else ",") + inner + json.dumps(key) + ": "
        yield from _pretty(item, level + 1)


def _pretty(value, level: int):
    """The text of `json.dumps(value, indent=2)`, piece by piece (tests check the bytes are
    the same): with an indent, `json.dumps` falls back to its pure-Python encoder, which
    is slow and holds a million small strings for a large report."""
    if isinstance(value, _Encoded):
        yield from value.pieces
    elif isinstance(value, dict) and value:
        yield from _members(value, level)
        yield "\n" + "  " * level + "}"
    elif isinstance(value, list) and value:
        inner = "\n" + "  " * (level + 1)
        for i, item in enumerate(value):
            yield ("[" if i == 0 else ",") + inner
            yield from _pretty(item, level + 1)
        yield "\n" + "  " * level + "]"
    else:
        yield json.dumps(value)
