"""Formatters: pure functions `format_X(result, colour=False) -> str` from a finished
`ScanResult` to a report. They never re-read files, and only the chosen one is imported.
A formatter whose reports get large may also offer `iter_X` (same arguments, yielding the
report's text in pieces), which the CLI writes as it goes.

Formatters import `engine.policy` (severities) and `model`; never the pipeline or a face.
"""
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
    "checkov-json": ("iaclint.formatters.checkov_json", "format_checkov_json"),
}

FORMATS = tuple(_FORMATTERS)

# `iaclint inventory`: the AI asset graph (`ScanResult.inventory`) and its attack paths.
_INVENTORY_FORMATTERS = {
    "text": ("iaclint.formatters.inventory_text", "format_inventory_text"),
    "json": ("iaclint.formatters.inventory_json", "format_inventory_json"),
    "cyclonedx": ("iaclint.formatters.cyclonedx", "format_cyclonedx"),
    "mermaid": ("iaclint.formatters.mermaid", "format_mermaid"),
    "html": ("iaclint.formatters.inventory_html", "format_inventory_html"),
}
INVENTORY_FORMATS = tuple(_INVENTORY_FORMATTERS)


def get_inventory_formatter(name: str):
    try:
        module, function = _INVENTORY_FORMATTERS[name]
    except KeyError:
        raise ValueError(f"unknown inventory format {name!r}") from None
    return getattr(importlib.import_module(module), function)


def get_formatter(name: str):
    try:
        module, function = _FORMATTERS[name]
    except KeyError:
        raise ValueError(f"unknown format {name!r}") from None
    return getattr(importlib.import_module(module), function)


def get_writer(name: str):
    """`(result, colour) -> iterable of str`: the formatter's `iter_` twin when it has one,
    else its whole report as one piece."""
    formatter = get_formatter(name)
    pieces = getattr(importlib.import_module(formatter.__module__),
                     "iter_" + formatter.__name__.removeprefix("format_"), None)
    return pieces or (lambda result, colour=False: [formatter(result, colour=colour)])
