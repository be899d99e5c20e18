"""The JSON report and its published JSON Schema (docs/schema/findings.json)."""
from __future__ import annotations

import dataclasses
import json

import jsonschema
import pytest
from conftest import ROOT
from test_formatters_samples import empty_result, sample_result

from iaclint.formatters.json_format import FORMAT_VERSION, format_json
from iaclint.model.finding import Finding

SCHEMA_PATH = ROOT / "docs" / "schema" / "findings.json"


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def errors_of(validator, document) -> list[str]:
    return [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(document)]


@pytest.mark.parametrize("make", [sample_result, lambda: sample_result(strict=False), empty_result])
def test_json_report_matches_schema(validator, make):
    assert errors_of(validator, json.loads(format_json(make()))) == []


def test_schema_version_matches_formatter(validator):
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["properties"]["version"]["const"] == FORMAT_VERSION == "1.0"


def test_schema_describes_every_finding_field():
    """A new Finding field must be published in the schema (and is then required, unless
    it is written only when it holds something: an attack path's `flows`)."""
    from iaclint.formatters.json_format import _OPTIONAL

    finding = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))["$defs"]["finding"]
    fields = [f.name for f in dataclasses.fields(Finding)]
    assert list(finding["properties"]) == fields
    assert finding["required"] == [f for f in fields if f not in _OPTIONAL]


@pytest.mark.parametrize("mutate,path", [
    (lambda d: d.update(version="2.0"), ["version"]),
    (lambda d: d["findings"][0].update(severity="severe"), ["findings", 0, "severity"]),
    (lambda d: d["findings"][0].update(line=0), ["findings", 0, "line"]),
    (lambda d: d["findings"][0].pop("fingerprint"), ["findings", 0]),
    (lambda d: d["unknowns"][0].update(verdict="FAIL"), ["unknowns", 0, "verdict"]),
    (lambda d: d["summary"].update(extra=1), ["summary"]),
])
def test_schema_rejects_broken_documents(validator, mutate, path):
    document = json.loads(format_json(sample_result()))
    mutate(document)
    assert [list(e.path) for e in validator.iter_errors(document)] == [path]


def test_report_bytes_equal_json_dumps_with_indent(monkeypatch):
    """The streaming encoder writes exactly what `json.dumps(document, indent=2)` would."""
    import json

    from conftest import ROOT

    from iaclint.api import scan
    from iaclint.formatters.json_format import format_json

    monkeypatch.chdir(ROOT)
    result = scan(["fixtures/examples", "fixtures/parsers/terraform/non-ascii"], strict=True)
    text = format_json(result)
    assert text == json.dumps(json.loads(text), indent=2) + "\n"
    assert len(json.loads(text)["findings"]) > 50


def test_pretty_and_records_equal_json_dumps_for_any_values(monkeypatch):
    """`_pretty` is `json.dumps(indent=2)` for every JSON value, and `_records` for any
    scalars in a finding's fields (quotes, newlines, `]` and `[`, non-ASCII, `%`), not
    only for the shapes a report has today."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from iaclint.formatters import json_format
    from iaclint.formatters.json_format import _pretty, _records

    monkeypatch.setattr(json_format, "BATCH", 2)  # records are encoded in batches: cross them

    scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text()
    values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                          | st.dictionaries(st.text(max_size=5), inner, max_size=4), max_leaves=20)
    names = [f.name for f in dataclasses.fields(Finding) if f.name not in ("flows", "environments", "root")]

    @settings(max_examples=300, deadline=None)
    @given(value=values, rows=st.lists(st.lists(scalars | values, min_size=len(names), max_size=len(names)),
                                       max_size=5))
    def check(value, rows):
        assert "".join(_pretty(value, 0)) == json.dumps(value, indent=2)
        findings = [Finding(**dict(zip(names, row))) for row in rows]
        plain = [dict(zip(names, row)) for row in rows]
        assert "".join(_records(findings, 0)) == json.dumps(plain, indent=2)
        assert "".join(_records(findings, 1)) == json.dumps({"k": plain}, indent=2)[9:-2]

    check()


def test_records_with_optional_fields_equal_json_dumps(monkeypatch):
    """Findings with an attack path's `flows`, `environments` or a `root` stay on the
    fast path (their optional fields written after the template), mixed in one batch with
    plain findings and with findings that have a non-scalar field: the same bytes as
    `json.dumps(indent=2)` of each finding's record."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from iaclint.formatters import json_format
    from iaclint.formatters.json_format import FLOW_STEP, _record, _records

    monkeypatch.setattr(json_format, "BATCH", 3)
    names = tuple(f.name for f in dataclasses.fields(Finding) if f.name not in ("flows", "environments", "root"))
    text = st.text(max_size=6)
    scalars = st.none() | st.booleans() | st.integers() | text
    step = st.tuples(*[scalars for _ in FLOW_STEP])
    finding = st.builds(lambda row, flows, environments, root: Finding(**dict(zip(names, row)), flows=flows,
                                                                        environments=environments, root=root),
                        st.lists(scalars | st.lists(scalars, max_size=2), min_size=len(names), max_size=len(names)),
                        st.lists(st.lists(step, max_size=2).map(tuple), max_size=2).map(tuple),
                        st.lists(text, max_size=2).map(tuple), text)

    @settings(max_examples=200, deadline=None)
    @given(findings=st.lists(finding, max_size=7))
    def check(findings):
        expected = [_record(f, names) for f in findings]
        assert "".join(_records(findings, 0)) == json.dumps(expected, indent=2)
        assert "".join(_records(findings, 1)) == json.dumps({"k": expected}, indent=2)[9:-2]

    check()


def test_flows_encoded_in_c_are_the_pretty_printers_bytes():
    """`_extra_text` lays out attack-path flows from one C encoder call; the bytes must be
    `_pretty`'s (escapes, `%`, `]\\n[` inside values, short steps, empty chains)."""
    import random

    from iaclint.formatters.json_format import _extra_text, _extras, _pretty

    rng = random.Random(7)
    values = ["a", 'q"\\x\n]\n[', 3, None, True, 2.5, "é", "%s", "]\n[", ""]
    checked = 0
    for _ in range(2000):
        flows = tuple(tuple(tuple(rng.choice(values) for _ in range(rng.choice([1, 7, 8])))
                            for _ in range(rng.randrange(0, 4))) for _ in range(rng.randrange(0, 4)))
        item = type("Item", (), {"flows": flows, "environments": (), "root": ""})()
        extras = _extras(item)
        if extras:
            level = rng.randrange(0, 4)
            assert _extra_text("flows", extras["flows"], level) == "".join(_pretty(extras["flows"], level))
            checked += 1
    assert checked > 1000
