"""Policy documentation: Markdown beside the policy, in fixed sections.

Every policy, YAML or Python, keeps its documentation in `<name>.md` next to its source
file (as Ruff keeps each rule's documentation beside its code), so one format is read by
`iaclint explain`, the Language Server's hover, the reports and `docs/policies.md`, and
nobody writes HCL inside a Python string literal. A page is:

    # IAC101 sagemaker-notebook-no-cmk

    ## What it flags
    ...
    ## Why it matters
    ...
    ## Fix in Terraform
    ...
    ## Fix in CloudFormation
    ...
    ## References

    - https://...

Headings inside fenced code blocks are code, not sections. A page is read on first use
(a scan that reports nothing reads none). A policy may still carry the same text inline
(`what = "..."` in Python, `metadata.what` in YAML, as Checkov policies do); an inline
value wins over the page.
"""
from __future__ import annotations

import os
from functools import lru_cache

SECTIONS = {
    "What it flags": "what",
    "Why it matters": "why",
    "Fix in Terraform": "fix_terraform",
    "Fix in CloudFormation": "fix_cloudformation",
    "References": "references",
}
FIELDS = tuple(SECTIONS.values())


class DocError(ValueError):
    """A documentation page that does not follow the format (the catalog test reports it)."""


def page_path(source: str, name: str) -> str:
    """Where the page of the policy `name` defined in `source` lives."""
    return os.path.join(os.path.dirname(source), f"{name}.md")


def parse(text: str, where: str = "") -> dict:
    """{"title_line": "# ...", field: text, "references": (urls...)} of one page."""
    out: dict = {}
    current = None
    fenced = False
    lines: list[str] = []

    def close():
        if current is not None:
            body = "\n".join(lines).strip()
            if current == "references":
                out[current] = tuple(_reference(line, where) for line in body.splitlines() if line.strip())
            else:
                out[current] = body

    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        if not fenced and line.startswith("# ") and "title_line" not in out and current is None:
            out["title_line"] = line
            continue
        if not fenced and line.startswith("## "):
            close()
            heading = line[3:].strip()
            if heading not in SECTIONS:
                raise DocError(f"{where}: unknown section {heading!r} (expected one of {', '.join(SECTIONS)})")
            current = SECTIONS[heading]
            if current in out:
                raise DocError(f"{where}: section {heading!r} appears twice")
            lines = []
            continue
        if current is None:
            if line.strip():
                raise DocError(f"{where}: text before the first section: {line.strip()[:60]!r}")
            continue
        lines.append(line)
    close()
    return out


def _reference(line: str, where: str) -> str:
    text = line.strip()
    if not text.startswith("- "):
        raise DocError(f"{where}: a reference is a list item (`- https://...`), not {text[:60]!r}")
    return text[2:].strip().strip("<>")


@lru_cache(maxsize=None)
def read(path: str) -> dict:
    """The parsed page at `path`, or {} when there is none."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError):
        return {}
    return parse(text, path)


def render(policy) -> str:
    """The page of a policy, from whatever documentation it carries now."""
    out = [f"# {policy.id} {policy.name}", ""]
    for heading, field in SECTIONS.items():
        value = getattr(policy, field)
        if not value:
            continue
        if field == "references":
            body = "\n".join(f"- {r}" for r in value)
        else:
            body = value.strip()
        out += [f"## {heading}", "", body, ""]
    return "\n".join(out).rstrip() + "\n"


class Section:
    """A documentation field of a policy, read from its page on first use.

    A non-data descriptor: a value set on the class (a Python policy's inline text) or on
    the instance (a YAML policy's `metadata`) is found first and wins."""

    def __init__(self, field: str):
        self.field = field

    def __get__(self, policy, owner=None):
        empty = () if self.field == "references" else ""
        if policy is None or not getattr(policy, "source", "") or not getattr(policy, "name", ""):
            return empty
        return read(page_path(policy.source, policy.name)).get(self.field, empty)
