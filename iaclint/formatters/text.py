"""Human output: one `path:line:col: ID [severity] message (resource)` line per finding
(`(resource, construct Stack/Path)` for a resource synthesized by CDK),
grouped by file (editors and CI log parsers read the line format), then a summary.
Suppressed findings are listed only under `--show-suppressed`, marked with their reason.

A module's resource names the root module it was evaluated in (`(module.agent.aws_x.y in
environments/dev)`), and findings at one place that differ only by module instance or
root are one line listing them all (`in environments/dev, environments/staging`): one
source line to fix. The machine-readable reports keep each finding."""
from __future__ import annotations

import re

from iaclint.formatters._common import inert_result, shown

_COLOURS = {"critical": "\033[1;31m", "high": "\033[31m", "medium": "\033[33m", "low": "\033[36m",
            "info": "\033[37m"}
_RESET = "\033[0m"


def format_text(result, colour: bool = False) -> str:
    result = inert_result(result)  # text from the tree made harmless (formatters._common)
    lines: list[str] = []
    current = None
    for f, resources, roots in _by_place(shown(result)):
        if current is not None and f.file != current:
            lines.append("")
        current = f.file
        severity = f"[{f.severity}]"
        if colour:
            severity = f"{_COLOURS.get(f.severity, '')}{severity}{_RESET}"
        verdict = " UNKNOWN:" if f.verdict == "UNKNOWN" else ""
        if f.suppressed:
            verdict = f" [suppressed: {f.suppression_reason or 'no reason given'}]" + verdict
        resource = ", ".join(resources) + (f" in {', '.join(roots)}" if roots else "")
        where = f" ({resource})" if f.resource else ""
        if f.resource and getattr(f, "construct", ""):
            where = f" ({resource}, construct {f.construct})"
        lines.append(f"{f.file}:{f.line}:{f.column}: {f.policy_id} {severity}{verdict} {f.message}{where}")
    if lines:
        lines.append("")
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"


_INSTANCE = re.compile(r"\[[^\]]*\]")


def _by_place(findings: list) -> list:
    """(first finding, its addresses, its roots) of the findings that differ only by
    module instance or root, in report order."""
    groups: dict = {}
    for f in findings:
        key = (f.file, f.line, f.column, f.policy_id, f.verdict, f.suppressed, f.suppression_reason, f.message,
               f.attribute, _INSTANCE.sub("", f.resource))
        group = groups.setdefault(key, (f, [], []))
        if f.resource not in group[1]:
            group[1].append(f.resource)
        root = getattr(f, "root", "")
        if root and root not in group[2]:
            group[2].append(root)
    return list(groups.values())


def summary_line(result) -> str:
    counts = result.counts()
    failed = sum(1 for f in result.findings if f.verdict == "FAIL" and not f.suppressed)
    by_severity = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    text = (f"Scanned {result.files} file{'s' if result.files != 1 else ''}, "
            f"{result.resources} resource{'s' if result.resources != 1 else ''} "
            f"in {result.elapsed:.2f}s: {failed} finding{'s' if failed != 1 else ''}")
    if by_severity:
        text += f" ({by_severity})"
    text += f", {len(result.unknowns)} unknown"
    if result.unknowns and not result.strict:
        text += " (--strict shows them)"
    suppressed = sum(1 for f in result.findings if f.suppressed)
    if suppressed:
        text += f", {suppressed} suppressed"
        if not getattr(result, "show_suppressed", False):
            text += " (--show-suppressed shows them)"
    if getattr(result, "baselined", 0):
        text += f", {result.baselined} baselined"
    if getattr(result, "outside_diff", 0):
        text += f", {result.outside_diff} outside the diff"
    text += f", {result.passed} passed."
    return text
