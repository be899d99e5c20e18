"""A pull-request summary in GitHub-flavoured Markdown: counts by severity, one table row
per finding with a link to the line, and each flagged policy's fix guidance folded away
in <details>, so a reviewer sees what to change without leaving the pull request.

Table cells are escaped so that a `|` or HTML in a message cannot break the table or the
page. No timings: same input, same bytes.
"""
from __future__ import annotations

from iaclint.engine.policy import SEVERITIES
from iaclint.formatters._common import (
    SEVERITY_RANK,
    inert_result,
    left_out,
    plural,
    policies_by_id,
    printable,
    report_path,
    reported,
    shown,
    uri_path,
)

HEADER = "## iaclint report"


def format_markdown(result, colour: bool = False) -> str:
    result = inert_result(result)  # text from the tree made harmless (formatters._common)
    findings = shown(result)
    failed = [f for f in reported(result) if f.verdict == "FAIL"]
    scanned = f"{plural(result.files, 'file')} and {plural(result.resources, 'resource')} scanned"
    tail = f"{len(result.unknowns)} unknown, {result.passed} passed" + left_out(result)
    out = [HEADER, ""]
    if not findings:
        out += [f"No findings: {scanned}; {tail}.", ""]
        out += _inventory_changes(result)
        out += _errors(result)
        return "\n".join(out).rstrip("\n") + "\n"

    out += [f"**{plural(len(failed), 'finding')}** ({scanned}; {tail}).", ""]
    counts = {s: 0 for s in SEVERITIES}
    for f in failed:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    out += ["| Severity | Findings |", "| --- | ---: |"]
    out += [f"| {s} | {n} |" for s, n in counts.items()]
    out += [""]

    rows = sorted(findings, key=lambda f: (f.suppressed, f.verdict != "FAIL", SEVERITY_RANK.get(f.severity, 9),
                                           f.sort_key()))
    out += ["| Severity | ID | Resource | Location | Message |", "| --- | --- | --- | --- | --- |"]
    for f in rows:
        path = report_path(f.file)
        link = f"[{_link_text(path)}:{f.line}]({uri_path(path)}#L{f.line})"
        resource = _code(f.resource) if f.resource else ""
        message = ("UNKNOWN: " if f.verdict == "UNKNOWN" else "") + f.message
        if f.suppressed:
            message = f"Suppressed ({f.suppression_reason or 'no reason given'}): {message}"
        out.append(f"| {f.severity} | {f.policy_id} | {resource} | {link} | {_cell(message)} |")
    out.append("")

    policies = policies_by_id(result)
    for policy_id in sorted({f.policy_id for f in rows}):
        policy = policies.get(policy_id)
        if policy is None:
            continue
        out += _guidance(policy)
    out += _inventory_changes(result)
    out += _errors(result)
    return "\n".join(out).rstrip("\n") + "\n"


def _guidance(policy) -> list[str]:
    out = ["<details>", f"<summary>{_html(f'{policy.id} {policy.name}: {policy.title}')}</summary>", ""]
    for heading, body in (("What it flags", policy.what), ("Why it matters", policy.why),
                          ("Fix in Terraform", policy.fix_terraform),
                          ("Fix in CloudFormation", policy.fix_cloudformation)):
        if body and body.strip():
            out += [f"**{heading}**", "", body.strip(), ""]
    if policy.references:
        out += ["**References**", ""] + [f"- <{r}>" for r in policy.references] + [""]
    out += ["</details>", ""]
    return out


def _inventory_changes(result) -> list[str]:
    """With `--diff`: the AI assets and attack paths the change adds or removes."""
    diff = getattr(result, "inventory_diff", None)
    if diff is None:
        return []
    from iaclint.formatters.inventory_changes import sentences, summary

    out = ["### AI assets and attack paths this change adds or removes", "", _cell(summary(diff)), ""]
    lines = sentences(diff)
    out += [f"- This change **{verb}** {_cell(text)}" + (f" ({_cell(where)})" if where else "")
            for verb, text, where in lines]
    if not lines:
        out.append("- No AI asset or attack path is added or removed.")
    return out + [""]


def _errors(result) -> list[str]:
    errors = [str(e) for e in result.errors] + [f"path not found: {p}" for p in result.missing]
    if not errors:
        return []
    return ["**Errors**", ""] + [f"- {_cell(e)}" for e in errors] + [""]


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cell(text: str) -> str:
    """One table cell: HTML escaped outside `code spans`, `|` escaped everywhere."""
    text = " ".join(printable(text).split())
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an unmatched backtick: treat it all as text
        parts = [text.replace("`", "\\`")]
    for i, part in enumerate(parts):
        if i % 2 == 0:
            part = _html(part)
        parts[i] = part.replace("|", "\\|")
    return "`".join(parts)


def _link_text(text: str) -> str:
    return _cell(text).replace("[", "\\[").replace("]", "\\]")


def _code(text: str) -> str:
    if "`" in text:
        return _cell(text)
    return f"`{text.replace('|', chr(92) + '|')}`"
