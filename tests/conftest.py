"""Shared test helpers: the repository root and a cached load of the built-in policies."""
from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"


@functools.lru_cache(maxsize=1)
def builtin_policies():
    from iaclint.api import load_all_policies

    return tuple(load_all_policies())


@pytest.fixture
def in_root(monkeypatch):
    """Run with the repository root as the working directory (relative paths in findings)."""
    monkeypatch.chdir(ROOT)
    return ROOT


def expected_markers(path: Path, marker: str = "# expect-finding") -> set[int]:
    """Line numbers (1-based) that carry `marker` in a fixture file."""
    lines = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if marker in line:
            lines.add(number)
    return lines


def rel(path: Path) -> str:
    return os.path.relpath(path, ROOT)
