"""Terraform functions whose exact output matters beyond the fixtures' examples."""
from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from iaclint.frontends.terraform.functions import _json_text


def _reference(value) -> str:
    """Terraform's `jsonencode`, member by member: keys sorted, no spaces, `<`, `>`, `&`,
    U+2028 and U+2029 escaped, integral numbers bare."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{_string(k)}:{_reference(value[k])}" for k in sorted(value)) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_reference(v) for v in value) + "]"
    if isinstance(value, str):
        return _string(value)
    return json.dumps(value)


def _string(text: str) -> str:
    out = json.dumps(text, ensure_ascii=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        out = out.replace(char, escape)
    return out


_TEXT = st.text(alphabet=st.sampled_from(list('ab<>&"\\\n\t\u2028\u2029é😀 {}[],:')) | st.characters(), max_size=8)
_PLAIN = st.recursive(st.none() | st.booleans() | st.integers() | _TEXT,
                      lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
                      max_leaves=25)


@settings(max_examples=400, deadline=None)
@given(_PLAIN)
def test_jsonencode_of_plain_values_is_terraforms_text(value):
    """The one-call fast path for plain values writes what the member-by-member encoder
    writes (`<>&` escaped inside strings only, keys sorted)."""
    assert _json_text(value) == _reference(value)


def test_jsonencode_keeps_terraforms_number_and_unknown_forms():
    from iaclint.model.unknown import Unknown

    assert _json_text({"b": 1.0, "a": [2.5, 1e20]}) == '{"a":[2.5,100000000000000000000],"b":1}'
    assert _json_text({"k": Unknown("${var.x}", "not set")}) == '{"k":"${var.x}"}'
