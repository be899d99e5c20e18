"""The wheel ships every package: pyproject's explicit list names each one."""
from __future__ import annotations

import sys

from conftest import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    tomllib = None


def _declared() -> set[str]:
    import pytest

    if tomllib is None:
        pytest.skip("tomllib needs Python 3.11")
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return set(data["tool"]["setuptools"]["packages"])


def _on_disk() -> set[str]:
    found = set()
    for base, name in ((ROOT / "iaclint", "iaclint"), (ROOT / "policies", "iaclint_policies")):
        for init in base.rglob("__init__.py"):
            parts = init.parent.relative_to(base).parts
            if "__pycache__" not in parts:
                found.add(".".join((name, *parts)))
    return found


def test_every_package_is_declared():
    assert _on_disk() == _declared()


def test_policy_dirs_are_packages():
    for directory in (ROOT / "policies").iterdir():
        if directory.is_dir() and directory.name != "__pycache__":
            assert (directory / "__init__.py").exists(), f"{directory} needs an __init__.py"
