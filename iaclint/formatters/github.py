"""GitHub Actions workflow commands: each finding becomes an annotation on the pull
request's diff (`::error file=...,line=...::message`), with no upload step needed.

critical/high -> error, medium -> warning, low/info and UNKNOWN -> notice. Values are
escaped as the Actions runner expects, so a `,` or `:` in a path or title cannot end a
property early and a newline in a message cannot start a new command.
"""
from __future__ import annotations

from iaclint.formatters._common import counts_line, inert_result, printable, report_path, reported

COMMAND = {"critical": "error", "high": "error", "medium": "warning", "low": "notice", "info": "notice"}


def escape_data(text: str) -> str:
    return printable(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(result, colour: bool = False) -> str:
    result = inert_result(result)  # text from the tree made harmless (formatters._common)
    lines = []
    for f in reported(result):
        unknown = f.verdict == "UNKNOWN"
        command = "notice" if unknown else COMMAND.get(f.severity, "warning")
        props = [("file", report_path(f.file)), ("line", f.line), ("col", f.column),
                 ("endLine", max(f.end_line, f.line)), ("endColumn", f.end_column),
                 ("title", f"{f.policy_id} {f.policy_name}")]
        rendered = ",".join(f"{k}={escape_property(str(v))}" for k, v in props)
        message = ("UNKNOWN: " if unknown else "") + f"[{f.severity}] {f.message}"
        if f.resource:
            message += f" ({f.resource})"
        lines.append(f"::{command} {rendered}::{escape_data(message)}")
    lines += _inventory_changes(result)
    lines.append(counts_line(result))
    return "\n".join(lines) + "\n"


def _inventory_changes(result) -> list[str]:
    """With `--diff`: one notice per AI asset or attack path the change adds or removes,
    at its line when it has one."""
    diff = getattr(result, "inventory_diff", None)
    if diff is None:
        return []
    from iaclint.formatters.inventory_changes import sentences, summary

    out = []
    for verb, text, where in sentences(diff):
        props = [("title", "AI inventory")]
        file, _, line = where.rpartition(":")
        if file and line.isdigit() and verb == "adds":
            props = [("file", file), ("line", line)] + props
        rendered = ",".join(f"{k}={escape_property(str(v))}" for k, v in props)
        out.append(f"::notice {rendered}::{escape_data(f'This change {verb} {text}')}")
    out.append(f"::notice title=AI inventory::{escape_data(summary(diff))}")
    return out
