"""Formatters: pure functions from a finished `ScanResult` to text. They never re-read files."""
from __future__ import annotations


def get_formatter(name: str):
    if name == "text":
        from iaclint.formatters.text import format_text

        return format_text
    if name == "json":
        from iaclint.formatters.json_format import format_json

        return format_json
    raise ValueError(f"unknown format {name!r}")


FORMATS = ("text", "json")
