"""Formatters: pure functions `format_X(result, colour=False) -> str` from a finished
`ScanResult` to a report. They never re-read files, and only the chosen one is imported."""
from __future__ import annotations

import importlib

# name -> (module, function); modules load lazily so a text scan imports no XML or SARIF code.
_FORMATTERS = {
    "text": ("iaclint.formatters.text", "format_text"),
    "json": ("iaclint.formatters.json_format", "format_json"),
    "sarif": ("iaclint.formatters.sarif", "format_sarif"),
    "junit": ("iaclint.formatters.junit", "format_junit"),
    "github": ("iaclint.formatters.github", "format_github"),
    "markdown": ("iaclint.formatters.markdown", "format_markdown"),
    "gitlab": ("iaclint.formatters.gitlab", "format_gitlab"),
}

FORMATS = tuple(_FORMATTERS)


def get_formatter(name: str):
    try:
        module, function = _FORMATTERS[name]
    except KeyError:
        raise ValueError(f"unknown format {name!r}") from None
    return getattr(importlib.import_module(module), function)
