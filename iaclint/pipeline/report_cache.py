"""Rendered reports of a repeated scan: a whole-scan cache hit writes the report it wrote last time.

On a whole-scan cache hit (`result_cache`) nothing is parsed or checked again, and what
was left of a repeated scan of 1,000 files was mostly unpickling its 14,000 findings and
rendering them again (the JSON report is 11 MB). So a report is stored too, as the text
its formatter produced, under a key of everything its bytes depend on:

- the whole-scan key of each evaluation (files, variables, policies, working directory;
  `result_cache.key`), so a report is only ever reused where the scan would be (the
  notes the SARIF and JSON reports carry come from the evaluation and the discovery,
  which that key and the skipped paths below cover);
- the format, and whether it is coloured;
- every field of the request that reaches the report (paths as given, selection,
  severities, strict, show-suppressed, the baseline's fingerprints, the environment,
  excludes, options), and the paths that were not found or were skipped;
- the working directory (reports name files relative to it);
- for the formats that describe the policies (SARIF, JUnit, Markdown, Checkov JSON): each
  policy's documentation page by size and modification time (its source file is in the
  scan key already); a policy without a source file is not cached in these formats;
- iaclint's own code (every key holds `cache.code_fingerprint`), so a changed formatter
  never serves an old report.

The entry is written through the same signed cache (`cache.Cache`, HMAC under the
user's key, written through the write gate) as every other entry, the report's bytes in a
side file that the signed entry names by inode and times, written as the report is
written out (`Cache.entry_with_bytes`); the extra inputs the
evaluation read (`file()` targets, module files) are checked again on every hit, as for
the whole-scan entry. Never cached: `text` (it prints the elapsed time), `gitlab` (the
scan's start and end time), a `--diff` run and per-path ignores (the whole scan is not
cached either). The report is stored as the formatter's text, and written through the
same writer as a rendered one, so the bytes are the same (`tests/test_report_cache.py`).
"""
from __future__ import annotations

import os

from iaclint.model.records import dataclass, field, fields

FORMAT = "2"  # 2: the report in a side file (`cache.Cache.entry_with_bytes`)
# Formats whose bytes depend only on the scan and the request (no clock, no elapsed time).
CACHEABLE = frozenset({"json", "sarif", "junit", "github", "markdown", "checkov-json"})
# Formats that describe the policies that ran, from their metadata and documentation pages.
DESCRIBE_POLICIES = frozenset({"sarif", "junit", "markdown", "checkov-json"})
# Request fields that never reach a report's bytes: the cache itself, the policy objects
# (their fingerprint is in the scan key), unsaved buffers (their bytes are in the units'
# keys), and how many processes load the units (the result is the same for any number).
_NOT_IN_KEY = frozenset({"cache", "policies", "overlay", "jobs"})


@dataclass
class Outcome:
    """What the command line needs of a scan besides its reports: the notes it prints,
    the errors, and the findings that decide the exit code."""

    skipped: list  # (path, reason) left out on purpose
    unchecked: list  # scan.Unchecked, noted under --strict
    strict: bool
    missing: list  # paths that did not exist
    errors: list  # internal errors
    failing: tuple  # (policy ID, severity) of the unsuppressed findings, each pair once
    inputs: dict = field(default_factory=dict)  # extra inputs the evaluation read, with their digests


@dataclass
class Reports:
    """A scan's reports: `pieces[i]` is the text of the i-th asked report, in pieces (a
    `Stored` when it came from the cache); `result` is None when every report did."""

    result: object
    outcome: Outcome
    pieces: list


def outcome(result, inputs: dict) -> Outcome:
    failing = sorted({(f.policy_id, f.severity) for f in result.findings if not f.suppressed})
    return Outcome(list(result.skipped), list(result.unchecked), result.strict, list(result.missing),
                   list(result.errors), tuple(failing), dict(inputs))


def rendered(request, found, chosen, asked: list, started: float) -> Reports:
    """The reports `asked` ([(format, colour)]) of the scan of `request`: from the cache
    when every one of them is there, else evaluated (through the whole-scan cache) and
    rendered as they are written; a rendered report is stored once all its pieces have
    been taken."""
    import time

    from iaclint.pipeline.scan import evaluate, keyed_runs, report

    runs = keyed_runs(request, found, chosen)
    keys = [key(request, found, chosen, runs, fmt, colour) for fmt, colour in asked]
    hits = [get(request.cache, k, request) for k in keys]
    if asked and all(hits):
        return Reports(None, hits[0][0], [stored for _, stored in hits])
    evaluated, resources = evaluate(request, found, chosen, runs)
    result = report(request, found, chosen, evaluated, resources, time.perf_counter() - started)
    done = outcome(result, evaluated.inputs)
    pieces = [hit[1] if hit else _stored(request.cache, k, done, _writer(fmt, request), result, colour)
              for (fmt, colour), k, hit in zip(asked, keys, hits)]
    return Reports(result, done, pieces)


def _writer(fmt: str, request):
    """The format's writer; a JSON report's, in a process with helpers (`scan.HELPERS`: the
    command line) and more than one job, renders half of a large list of findings in a
    forked child, which then writes the whole-scan entry (`scan.LATER`) while this process
    renders the other half (`forked.in_order`)."""
    from iaclint.formatters import get_writer
    from iaclint.pipeline import scan

    writer = get_writer(fmt)
    if fmt != "json" or scan.HELPERS is None or request.jobs <= 1:
        return writer
    from iaclint.pipeline import forked

    def parts(first, second):
        return forked.in_order(first, second, then=scan.write_later, started=scan.handed_over)

    return lambda result, colour=False: writer(result, colour=colour, parts=parts)


def key(request, found, chosen, runs: list, fmt: str, colour: bool) -> str | None:
    """The report's cache key, or None when it is not cached."""
    scan_keys = [scan_key for _, scan_key, _ in runs]
    if fmt not in CACHEABLE or not scan_keys or None in scan_keys:
        return None
    pages = ()
    if fmt in DESCRIBE_POLICIES:
        if not all(getattr(p, "source", "") for p in chosen.policies):
            return None
        pages = _pages(chosen.policies)
    return request.cache.key("report", FORMAT, fmt, bool(colour), scan_keys, os.getcwd(), _asked(request),
                             sorted(map(str, found.missing)), sorted(found.skipped), pages)


def _asked(request) -> list:
    """The request's fields that can reach a report, in a form whose text is stable (a
    set, such as the baseline's fingerprints, sorted)."""
    out = []
    for f in fields(request):
        if f.name in _NOT_IN_KEY:
            continue
        value = getattr(request, f.name)
        if isinstance(value, (set, frozenset)):
            value = sorted(value)
        elif isinstance(value, dict):
            value = sorted(value.items(), key=repr)
        out.append((f.name, value))
    return out


def _pages(policies) -> list:
    """Each policy's documentation page by size and modification time (None: no page)."""
    from iaclint.engine.docs import page_path

    stamps = []
    for policy in policies:
        try:
            info = os.stat(page_path(policy.source, policy.name))
            stamps.append((policy.id, info.st_size, info.st_mtime_ns))
        except OSError:
            stamps.append((policy.id, None))
    return stamps


class Stored:
    """A report from the cache: iterated, its text in pieces, as a rendered report's
    pieces are; `chunks()` gives its UTF-8 bytes instead, in chunks (the command line
    writes them as they are where the text would be encoded as UTF-8 anyway: no
    decoding, no encoding). Read once (`cache.SideFile`)."""

    def __init__(self, side):
        self.side = side

    def chunks(self):
        return self.side.chunks()

    def __iter__(self):
        import codecs

        decoder = codecs.getincrementaldecoder("utf-8")()
        for chunk in self.side.chunks():
            yield decoder.decode(chunk)
        yield decoder.decode(b"", True)


def get(cache, report_key: str | None, request) -> tuple | None:
    """(Outcome, Stored), or None."""
    if report_key is None:
        return None
    from iaclint.pipeline.loading import inputs_fresh

    hit = cache.get_with_bytes(report_key)
    if hit is None or not isinstance(hit[0], Outcome):
        return None
    if not inputs_fresh(hit[0].inputs, request.buffers, request.tree):
        return None
    return hit[0], Stored(hit[1])


def _stored(cache, report_key: str | None, done: Outcome, writer, result, colour: bool):
    """The report's pieces, rendered when the first is asked for (the caller may add to
    the result first: the inventory's changes), each written as UTF-8 into the cache entry
    of `report_key` as it is taken (the report is never held whole: 11 MB of JSON for a
    module of 1,000 files); the entry is stored once the last has been taken. Not stored: a
    report whose writing stopped half-way, and one that UTF-8 cannot encode as it is (a
    lone surrogate: writers escape it, so its bytes would not be the text's)."""
    entry = cache.entry_with_bytes(report_key, done) if report_key is not None else None
    try:
        for piece in writer(result, colour=colour):
            if entry is not None:
                try:
                    encoded = piece.encode("utf-8")
                except UnicodeEncodeError:
                    entry.abandon()
                    entry = None
                else:
                    entry = entry if entry.wrote(encoded) else None
            yield piece
    except BaseException:  # the reader stopped (GeneratorExit), or the writer failed
        if entry is not None:
            entry.abandon()
        raise
    if entry is not None:
        entry.done()
