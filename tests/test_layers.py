"""The import direction of the layers (DESIGN section 1) stays true as the code grows.

The contracts live in pyproject.toml (`[tool.importlinter]`); `lint-imports` runs them
from the command line, this test runs them in the suite. A second test makes sure every
package of iaclint sits in a layer, so a new package cannot escape the contracts.
"""
from __future__ import annotations

import os
import sys

import pytest

from conftest import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    tomllib = pytest.importorskip("tomli")

pytest.importorskip("importlinter")


def _contracts() -> list[dict]:
    with open(ROOT / "pyproject.toml", "rb") as handle:
        return tomllib.load(handle)["tool"]["importlinter"]["contracts"]


def test_import_contracts_are_kept(monkeypatch, capsys):
    from importlinter.cli import lint_imports

    monkeypatch.chdir(ROOT)
    code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    out = capsys.readouterr().out
    assert code == 0, out[out.find("Broken contracts"):] or out


def test_every_package_is_in_a_layer():
    layers = next(c["layers"] for c in _contracts() if c["type"] == "layers")
    named = {name.strip() for layer in layers for name in layer.split("|")}
    package = ROOT / "iaclint"
    top = {f"iaclint.{p.name}" for p in package.iterdir() if (p / "__init__.py").exists()}
    top |= {f"iaclint.{p.stem}" for p in package.glob("*.py") if p.stem not in ("__init__", "__main__")}
    assert top - named == set(), "put the new package or module in a layer of [tool.importlinter]"


def test_a_layer_that_imports_upward_breaks_the_contract(tmp_path, monkeypatch, capsys):
    """The contract can fail: a model module importing the pipeline is reported."""
    from importlinter.cli import lint_imports

    bad = ROOT / "iaclint" / "model" / "_upward_probe.py"
    bad.write_text("from iaclint.pipeline import discover  # noqa: F401\n")
    try:
        monkeypatch.chdir(ROOT)
        code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    finally:
        os.unlink(bad)
    out = capsys.readouterr().out
    assert code == 1
    assert "iaclint.model._upward_probe -> iaclint.pipeline.discover" in out
