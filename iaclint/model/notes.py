"""The notes of a scan: what it left out on purpose, said but never an exit code.

`ScanResult.skipped` holds them as (where, message) pairs: paths not read, module calls
and nested stacks not followed, blocks that create nothing with the scan's values, units
past the work budget. `iaclint scan` prints each as `iaclint: note: WHERE: MESSAGE` on
standard error, and the SARIF and JSON reports carry the same ones (`scan_notes`).

A note about a line says `main.tf:24`, and that text is what is printed and what notes
are sorted and merged by. The reports need the file and the line apart (a SARIF
notification's location, the JSON report's `notes`), and the text cannot be split
again: a file name from the tree can itself end in `:24`. So a note about a line names a
`Place`, which is that text and keeps its file and line; a note about a path names the
path, a plain string.
"""
from __future__ import annotations


class Place(str):
    """`file:line`, the text, with `file` and `line` kept apart."""

    def __new__(cls, file: str, line: int):
        place = super().__new__(cls, f"{file}:{line}")
        place.file, place.line = file, line
        return place

    def __reduce__(self):  # pickled (the caches, the worker processes) as its two parts
        return Place, (self.file, self.line)


def scan_notes(result) -> list:
    """The notes a scan says, (where, message), in order: the ones left out on purpose
    (`skipped`), then, under `--strict`, the AI resources no running policy checks
    (`unchecked`, `pipeline.scan.Unchecked`). `result` is a `ScanResult` or the command
    line's `pipeline.report_cache.Outcome` (the same fields): standard error and the
    reports say the same notes."""
    notes = list(getattr(result, "skipped", ()))
    if getattr(result, "strict", False):
        notes += [(Place(u.file, u.line), u.message()) for u in getattr(result, "unchecked", ())]
    return notes
