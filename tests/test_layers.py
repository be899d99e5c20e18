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


def _cycles(graph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict = {}
    low: dict = {}
    stack: list = []
    on_stack: set = set()
    found: list = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in graph.find_modules_directly_imported_by(module):
            if target not in graph.modules:
                continue
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycles():
    """No two modules import each other, directly or through others, even lazily inside a
    function (the cycle between terraform/calls.py and module.py was broken by letting a
    module make its children: `Module.child`)."""
    import grimp

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))
    assert _cycles(grimp.build_graph("iaclint", cache_dir=None)) == []


def test_the_cycle_finder_finds_a_cycle():
    class Graph:
        modules = {"a", "b", "c"}
        edges = {"a": {"b"}, "b": {"a"}, "c": {"a"}}

        def find_modules_directly_imported_by(self, module):
            return self.edges[module]

    assert _cycles(Graph()) == [["a", "b"]]
