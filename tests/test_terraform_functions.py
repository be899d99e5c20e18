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


# --- regular expressions: RE2 semantics, linear time ------------------------------------------

def test_hostile_patterns_run_in_linear_time():
    """Patterns that make a backtracking engine take exponential time on a long text
    finish (in RE2, Terraform's engine); a pattern RE2 rejects is an Unknown with RE2's
    reason, never an exception."""
    from bounded import terraform_unknowns

    text = "a" * 50_000 + "!"
    got = terraform_unknowns({"main.tf": f'''
        locals {{
          text = "{text}"
        }}
        resource "aws_s3_bucket" "b" {{
          nested   = replace(local.text, "/(a+)+$/", "x")
          alternat = length(regexall("(a|aa)+$", local.text))
          overlap  = can(regex("(a*)*b", local.text))
          backref  = regex("(a+)\\\\1$", local.text)
        }}
    '''})
    assert got == {"nested": 50_001, "alternat": 0, "overlap": False,
                   "backref": {"unknown": "`regex` failed: invalid regular expression: invalid escape sequence: \\1"}}


def test_a_regex_replacement_that_grows_past_the_limit_is_unknown():
    """`replace` with a pattern stops building as soon as the result passes the size limit."""
    from bounded import terraform_unknowns

    got = terraform_unknowns({"main.tf": '''
        locals {
          s = "%s"
        }
        resource "aws_s3_bucket" "b" {
          x = replace(local.s, "/a/", "-${local.s}")
        }
    ''' % ("a" * 10_000)})
    assert got == {"x": {"unknown": '`replace(local.s, "/a/", "-${local.s}")` is not evaluated: the result would '
                                    "be larger than the limit of 5,000,000 characters and items for one value"}}


_LITERAL = st.text(alphabet=st.sampled_from(list("ab.*+?()[]{}|^$\\é😀\n")), max_size=6)


@settings(max_examples=300, deadline=None)
@given(text=_LITERAL, old=_LITERAL.filter(bool), new=_LITERAL)
def test_an_escaped_pattern_replaces_like_a_substring(text, old, new):
    """A pattern that is a quoted literal (`re2.escape`) replaces exactly what the plain
    substring form replaces, with `$` written `$$` in the replacement."""
    import re2

    from iaclint.frontends.terraform import regex

    assert regex.replace(text, re2.escape(old), new.replace("$", "$$"), 10_000) == text.replace(old, new)
    assert regex.regexall(re2.escape(old), text) == [old] * text.count(old)
