"""Golden tests of the Terraform loader: every fixture's evaluated attributes, Unknown
reasons, spans (1-based, end column exclusive), headers, references and errors, exactly.

Each directory under fixtures/parsers/terraform/ with an expected.json is one module: its
`.tf` and `.tf.json` files are loaded together, with the directory's own tfvars files.
An optional inputs.json gives what the command line and the environment would:
`var_files` (paths relative to the case), `variables` (`--var` values, as text) and `env`
(`TF_VAR_...` environment variables). "__unknown__" stands for an Unknown value, and
`{"jsonencode": x, "text": json}` for what `jsonencode(x)` gives: the JSON text, which
keeps x (Unknowns inside, at the paths of the attribute) for the IAM analysis.

A case may call modules (subdirectories, `.terraform/modules`): their resources are part of
the result under their full address. Optional keys check what only module cases have: a
resource's `file` (relative to the case), its `origins` (where a value that came in
through a variable was set; paths in them relative to the case), and the case's
`module_dirs` (directories evaluated as modules) and `notes` (what was not scanned: calls
not downloaded, caps).

The expected values are written by hand from Terraform's documented semantics, not
dumped from the loader: a difference is a bug to fix in the loader (or in the fixture).
"""
from __future__ import annotations

import json
import os

import pytest
from conftest import FIXTURES

from iaclint.frontends.terraform.module import load_module
from iaclint.gate.reads import Tree
from iaclint.model.documents import EncodedJson
from iaclint.model.resource import TERRAFORM
from iaclint.model.unknown import Unknown

TF = FIXTURES / "parsers" / "terraform"
CASES = sorted(p.parent.name for p in TF.glob("*/expected.json"))


def plain(value):
    if isinstance(value, Unknown):
        return "__unknown__"
    if isinstance(value, EncodedJson):  # jsonencode(x): the JSON text, and x itself
        return {"jsonencode": plain(value.value), "text": str(value)}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def dotted(path) -> str:
    return ".".join(str(p) for p in path)


def unknowns(value, path=()):
    if isinstance(value, Unknown):
        yield dotted(path), {"reason": value.reason, "refs": list(value.refs)}
    elif isinstance(value, EncodedJson):
        yield from unknowns(value.value, path)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from unknowns(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from unknowns(v, path + (i,))


def relative(text: str, case: str) -> str:
    return text.replace(str(TF / case) + os.sep, "")


def config_files(directory) -> list[str]:
    return sorted(str(p) for p in directory.iterdir() if p.name.endswith((".tf", ".tf.json")))


def load(case: str, monkeypatch):
    directory = TF / case
    inputs_file = directory / "inputs.json"
    inputs = json.loads(inputs_file.read_text()) if inputs_file.exists() else {}
    for name in list(os.environ):
        if name.startswith("TF_VAR_"):
            monkeypatch.delenv(name)
    for name, value in inputs.get("env", {}).items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(directory)
    result = load_module(str(directory), config_files(directory),
                         var_files=[str(directory / f) for f in inputs.get("var_files", [])],
                         variables=inputs.get("variables"), tree=Tree([directory]))  # the scanned tree: the case
    expected = json.loads((directory / "expected.json").read_text(encoding="utf-8"))
    return result, expected


def test_there_are_fixtures():
    assert len(CASES) >= 20


@pytest.mark.parametrize("case", CASES)
def test_files_origins_and_modules(case, monkeypatch):
    result, expected = load(case, monkeypatch)
    for resource in result.resources:
        want = expected["resources"][resource.address]
        if "file" in want:
            assert relative(resource.file, case) == want["file"], resource.address
        if "origins" in want:
            got = {dotted(p): relative(o, case) for p, o in resource.origins.items()}
            assert got == want["origins"], resource.address
    if "module_dirs" in expected:
        assert [relative(d, case) for d in result.module_dirs] == expected["module_dirs"]
    if "notes" in expected:
        assert [[relative(where, case), what] for where, what in result.notes] == expected["notes"]


@pytest.mark.parametrize("case", CASES)
def test_resources_and_attributes(case, monkeypatch):
    result, expected = load(case, monkeypatch)
    assert [[e.line, e.message] for e in result.errors] == expected["errors"]
    assert [r.address for r in result.resources] == list(expected["resources"])
    for resource in result.resources:
        want = expected["resources"][resource.address]
        assert resource.native_type == want["type"]
        assert resource.fmt == TERRAFORM
        assert resource.unit == str(TF / case)
        assert plain(resource.attributes) == want["attributes"], resource.address


@pytest.mark.parametrize("case", CASES)
def test_unknown_reasons_and_refs(case, monkeypatch):
    result, expected = load(case, monkeypatch)
    for resource in result.resources:
        assert dict(unknowns(resource.attributes)) == expected["resources"][resource.address]["unknowns"], \
            resource.address


@pytest.mark.parametrize("case", CASES)
def test_spans_headers_and_references(case, monkeypatch):
    result, expected = load(case, monkeypatch)
    for resource in result.resources:
        want = expected["resources"][resource.address]
        assert resource.header.line == want["header"], resource.address
        assert [resource.span.line, resource.span.end_line] == want["span"], resource.address
        spans = {dotted(p): [s.line, s.column, s.end_line, s.end_column] for p, s in resource.spans.items()}
        assert spans == want["spans"], resource.address
        refs = [[dotted(r.path), r.target, r.attribute] for r in resource.references]
        assert refs == want["references"], resource.address


@pytest.mark.parametrize("case", CASES)
def test_spans_are_in_the_resource_file(case, monkeypatch):
    """Every span lies inside its resource's block (values from variables and locals
    point at the attribute that uses them, never at the declaration)."""
    result, _ = load(case, monkeypatch)
    for resource in result.resources:
        for path, span in resource.spans.items():
            assert span.file == resource.file
            assert resource.span.line <= span.line <= span.end_line <= resource.span.end_line, (resource.address, path)
