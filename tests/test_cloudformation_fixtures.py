"""Golden tests of the CloudFormation loader: every fixture's evaluated Properties, Unknown
reasons, spans (1-based, end column exclusive), headers and references, exactly.

Each directory under fixtures/parsers/cloudformation/ with an expected.json holds one
template (template.yaml / template.json) and optionally parameters.json (overrides, as
`--parameter` gives them). The expected values are written by hand from CloudFormation's
(and SAM's) documented semantics, not recorded from the tool.

In `properties`, "__unknown__" stands for an Unknown value, {"__if__": [...]} for an
Unknown that is one of several alternatives (an undecidable `Fn::If`, a parameter's
`AllowedValues`), with "__absent__" for a branch that removes the value (`AWS::NoValue`).
`unknowns` gives each top-level Unknown's reason and refs, plus its `shape` (the known
text of a `Fn::Sub`/`Fn::Join`, holes as `${...}`) and `pattern` (a pseudo parameter's)
when it has one. `header`, `span`, `spans` and `references` are checked when present.
"""
from __future__ import annotations

import json

import pytest
from conftest import FIXTURES

from iaclint.frontends.cloudformation.template import load_template
from iaclint.model.resource import CLOUDFORMATION
from iaclint.model.unknown import ABSENT, Unknown, shape

CFN = FIXTURES / "parsers" / "cloudformation"
CASES = sorted(p.parent.relative_to(CFN).as_posix() for p in CFN.glob("**/expected.json"))


def plain(value):
    if value is ABSENT:
        return "__absent__"
    if isinstance(value, Unknown):
        if value.alternatives is not None:
            return {"__if__": [plain(a) for a in value.alternatives]}
        return "__unknown__"
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def dotted(path) -> str:
    return ".".join(str(p) for p in path)


def unknowns(value, path=()):
    if isinstance(value, Unknown):
        entry = {"reason": value.reason, "refs": list(value.refs)}
        if value.parts is not None:
            entry["shape"] = shape(value)
        if value.pattern is not None:
            entry["pattern"] = value.pattern
        yield dotted(path), entry
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from unknowns(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from unknowns(v, path + (i,))


def load(case: str):
    directory = CFN / case
    template = next(directory.glob("template.*"))
    params_file = directory / "parameters.json"
    params = json.loads(params_file.read_text()) if params_file.exists() else None
    result = load_template(template.name, template.read_bytes(), params)
    expected = json.loads((directory / "expected.json").read_text(encoding="utf-8"))
    return result, expected


def test_there_are_fixtures():
    assert len(CASES) >= 50


@pytest.mark.parametrize("case", CASES)
def test_resources_and_properties(case):
    result, expected = load(case)
    assert result is not None
    assert [[e.line, e.message] for e in result.errors] == expected["errors"]
    assert [r.address for r in result.resources] == list(expected["resources"])
    for resource in result.resources:
        want = expected["resources"][resource.address]
        assert resource.native_type == want["type"]
        assert resource.fmt == CLOUDFORMATION
        assert resource.unit == resource.file
        assert plain(resource.attributes) == want["properties"], resource.address


@pytest.mark.parametrize("case", CASES)
def test_unknown_reasons_and_refs(case):
    result, expected = load(case)
    for resource in result.resources:
        assert dict(unknowns(resource.attributes)) == expected["resources"][resource.address]["unknowns"]


@pytest.mark.parametrize("case", CASES)
def test_spans_headers_and_references(case):
    result, expected = load(case)
    for resource in result.resources:
        want = expected["resources"][resource.address]
        if "header" in want:
            assert resource.header.line == want["header"]
        if "span" in want:
            assert [resource.span.line, resource.span.end_line] == want["span"]
        if "spans" in want:
            spans = {dotted(p): [s.line, s.column, s.end_line, s.end_column] for p, s in resource.spans.items()}
            assert spans == want["spans"], resource.address
        if "references" in want:
            refs = [[dotted(r.path), r.target, r.attribute] for r in resource.references]
            assert refs == want["references"]
