"""Helpers shared by the report formats: paths as the reader's repository sees them,
severity mappings, and which findings a report shows.

Kept free of I/O: formatters work from the finished result only (DESIGN section 1).
"""
from __future__ import annotations

import copy
import os
import re
from collections import namedtuple
from functools import lru_cache
from operator import attrgetter

from iaclint.engine.policy import SEVERITIES
from iaclint.gate.text import inert, inert_path, note_text
from iaclint.model import records
from iaclint.model.finding import Finding
from iaclint.model.notes import scan_notes

SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}  # critical first
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def printable(text: str) -> str:
    """Control characters (a binary file's parse error can quote them) as U+FFFD, so they
    cannot reach a terminal, a CI log parser or a Markdown renderer."""
    return _CONTROL.sub("\ufffd", text)


# Finding fields whose text comes from the scanned tree (file names, addresses and logical
# IDs, values quoted in messages, suppression reasons, CDK construct paths).
_TREE_FIELDS = ("message", "resource", "resource_type", "attribute", "suppression_reason", "construct")
_COMMAND_STARTS = ("::", "##")


_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))


_INERT_CHUNK = 2_000  # findings whose text is joined at once (a big module's messages are megabytes)


def already_inert(findings) -> bool:
    """Whether no field of `findings` that came from the tree needs escaping: no control,
    format or separator character, no surrogate, no file name that starts like a CI log
    command. In C over the joined text (a scan keeps the answer with its cached result,
    `ScanResult.inert`, so a repeated scan does not ask again)."""
    files = {f.file for f in findings}
    if any(f.startswith(_COMMAND_STARTS) for f in files):
        return False
    findings = list(findings)
    return _printable(" ".join(files)) and all(  # one field and a few thousand findings at a time: less memory
        _printable(" ".join(map(attrgetter(name), findings[i:i + _INERT_CHUNK])))
        for name in _TREE_FIELDS for i in range(0, len(findings), _INERT_CHUNK))


def _printable(text: str) -> bool:
    if text.isascii():  # the common case: only C0 controls and DEL to look for
        return not text.encode("ascii").translate(None, _PRINTABLE_ASCII)
    return text.isprintable()


def inert_result(result):
    """`result` with every field that came from the tree made inert (`iaclint.gate.text`):
    control characters and newlines escaped, undecodable file-name bytes as `\\xNN`, no
    file name starting like a CI log command. Every formatter starts here, so a pull
    request cannot print `::error`/`::stop-commands::` or terminal escapes into a CI log,
    and a report never fails to encode. When nothing needs it, `result` itself."""
    findings = list(result.findings) + list(getattr(result, "unknowns", ()))
    known = getattr(result, "inert", None)
    notes = [str(e) for e in getattr(result, "errors", ())] + [str(p) for p in getattr(result, "missing", ())]
    if (known if known is not None else already_inert(findings)) and " ".join(notes).isprintable() \
            and not any(n.startswith(_COMMAND_STARTS) for n in notes):
        return result

    def clean(f):
        changes = {name: inert(getattr(f, name)) for name in _TREE_FIELDS if getattr(f, name)}
        changes["file"] = inert_path(f.file)
        return records.replace(f, **changes) if records.is_dataclass(f) else f

    out = copy.copy(result)
    out.findings = [clean(f) for f in result.findings]
    if hasattr(result, "unknowns"):
        out.unknowns = [clean(f) for f in result.unknowns]
    if hasattr(result, "errors"):
        out.errors = [inert(e) for e in result.errors]
    if hasattr(result, "missing"):
        out.missing = [inert_path(str(p)) for p in result.missing]
    return out


# A note as a report writes it, made inert as on standard error: `text` is the line after
# `iaclint: note: `; `path` the file (or the path the note is about); `line` None when the
# note is about no line.
ReportNote = namedtuple("ReportNote", ("path", "line", "message", "text"))


def report_notes(result) -> list:
    """The scan's notes (`model.notes.scan_notes`: those said on standard error) as the
    reports write them (`ReportNote`)."""
    out = []
    for where, message in scan_notes(result):
        line = getattr(where, "line", None)
        line = line if isinstance(line, int) and line >= 1 else None
        path = where.file if line is not None else str(where)
        out.append(ReportNote(inert_path(path), line, inert(message), note_text(where, message)))
    return out


def report_path(file: str) -> str:
    """`file` as a relative POSIX path when it lies under the working directory.

    CI systems and code-scanning upload resolve paths against the repository root, where
    the scan normally runs; `./main.tf`, `a\\b.tf` and an absolute path inside the working
    directory all become `main.tf` / `a/b.tf`. A path outside it stays absolute. Answered
    once per file and working directory: an inventory names each file at every asset,
    edge and step, and `relpath` is slow.
    """
    if not file:
        return file
    return _report_path(file, os.getcwd())


@lru_cache(maxsize=8192)
def _report_path(file: str, cwd: str) -> str:
    path = file
    if os.path.isabs(path):
        try:
            relative = os.path.relpath(path, cwd)
        except ValueError:  # another drive on Windows
            relative = path
        if not relative.startswith(os.pardir):
            path = relative
    path = path.replace(os.sep, "/")
    if os.altsep:
        path = path.replace(os.altsep, "/")
    while path.startswith("./"):
        path = path[2:]
    return "./" + path if path.startswith(("::", "##")) else path  # never a CI log command at a line start


def uri_path(path: str) -> str:
    """A relative path percent-encoded for a URI or Markdown link target. `:` and
    parentheses are encoded too, so `c:x.tf` cannot read as a scheme and `(`/`)` cannot
    end a Markdown link early."""
    from urllib.parse import quote

    return quote(path, safe="/!$&'*+,;=@~")


def reported(result) -> list:
    """Findings a report lists as problems: suppressed ones are left out, sorted."""
    return sorted((f for f in result.findings if not f.suppressed), key=Finding.sort_key)


def shown(result) -> list:
    """Findings a report for people lists (text, markdown): the reported ones, plus the
    suppressed ones under `--show-suppressed`, marked by the formatter. CI signals (GitHub
    annotations, JUnit failures) use `reported`: an accepted risk never fails a check."""
    if getattr(result, "show_suppressed", False):
        return sorted(result.findings, key=Finding.sort_key)
    return reported(result)


def left_out(result) -> str:
    """The summary's tail for what was not reported: suppressed, baselined, outside the diff."""
    parts = []
    suppressed = sum(1 for f in result.findings if f.suppressed)
    if suppressed:
        parts.append(f"{suppressed} suppressed")
    if getattr(result, "baselined", 0):
        parts.append(f"{result.baselined} baselined")
    if getattr(result, "outside_diff", 0):
        parts.append(f"{result.outside_diff} outside the diff")
    return "".join(f", {p}" for p in parts)


def policies_by_id(result) -> dict:
    return {p.id: p for p in getattr(result, "policies", None) or ()}


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def counts_line(result) -> str:
    """One deterministic summary line (no timings), shared by the CI-oriented formats."""
    shown = reported(result)
    failed = [f for f in shown if f.verdict == "FAIL"]
    by_severity = {s: 0 for s in SEVERITIES}
    for f in failed:
        by_severity[f.severity] = by_severity.get(f.severity, 0) + 1
    detail = ", ".join(f"{n} {s}" for s, n in by_severity.items() if n)
    text = (f"Scanned {plural(result.files, 'file')}, {plural(result.resources, 'resource')}: "
            f"{plural(len(failed), 'finding')}")
    if detail:
        text += f" ({detail})"
    text += f", {len(result.unknowns)} unknown" + left_out(result)
    return text + f", {result.passed} passed."
