"""Terraform functions whose exact output matters beyond the fixtures' examples."""
from __future__ import annotations

import json

import pytest
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


def _strip_encoded(value):
    """`jsonencode`'s copy as it was made before the one walk: JSON strings as their text,
    lists and maps copied as plain ones, anything else kept."""
    from iaclint.model.documents import EncodedJson

    if isinstance(value, EncodedJson):
        return str(value)
    if isinstance(value, dict):
        return {k: _strip_encoded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strip_encoded(v) for v in value]
    return value


def _any_value():
    from iaclint.frontends.terraform.functions import SetValue
    from iaclint.model.documents import EncodedJson
    from iaclint.model.unknown import Unknown

    leaves = (st.none() | st.booleans() | st.integers() | _TEXT | st.floats(allow_nan=False)
              | st.just(Unknown("${var.x}", "not set")) | st.just(Unknown("aws_x.y.arn", "after apply")))
    return st.recursive(
        leaves,
        lambda inner: (st.lists(inner, max_size=4) | st.lists(inner, max_size=3).map(SetValue)
                       | st.lists(inner, max_size=3).map(tuple)
                       | st.dictionaries(_TEXT, inner, max_size=4)
                       | st.dictionaries(st.integers(0, 3), inner, max_size=2)
                       | st.tuples(inner, _TEXT).map(lambda pair: EncodedJson(pair[0], pair[1]))),
        max_leaves=25)


@settings(max_examples=400, deadline=None)
@given(_any_value())
def test_jsonencode_copies_and_writes_as_it_did_member_by_member(value):
    """`jsonencode` copies its argument and decides whether the C encoder may write it in
    one walk (`functions._stripped`): the value kept and the text are those of copying
    first and asking of the copy (JSON strings as their text, sets as lists)."""
    from iaclint.frontends.terraform.functions import FUNCTIONS, FunctionError

    copy = _strip_encoded(value)
    try:
        expected = _json_text(copy)
    except (TypeError, FunctionError) as exc:  # keys of several types cannot be sorted
        with pytest.raises(type(exc)):
            FUNCTIONS["jsonencode"](value)
        return
    result = FUNCTIONS["jsonencode"](value)
    assert str(result) == expected
    assert _typed(result.value) == _typed(copy)


def _typed(value):
    """`value` with the exact class of every part beside it."""
    if isinstance(value, dict):
        return type(value), [(k, _typed(v)) for k, v in value.items()]
    if isinstance(value, (list, tuple)):
        return type(value), [_typed(v) for v in value]
    return type(value), repr(value)


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


# --- sizes: estimated before the value is built ----------------------------------------------

_TOO_LARGE = "` is not evaluated: the result would hold about {:,} characters and items, over the limit of 5,000,000 " \
             "for one value"
_OVER_LIMIT = "` is not evaluated: the result would be larger than the limit of 5,000,000 characters and items for one " \
              "value"


def _range_size(count: int) -> int:
    """The size of `range(count)` by the documented rule (`iaclint.model.sizes`)."""
    from iaclint.model.sizes import scalar_size

    return 1 + count + sum(scalar_size(i) - 1 for i in range(count))


def test_results_too_large_are_unknown_before_they_are_built():
    """Each attack asks for gigabytes from a few kilobytes (or megabytes): each is refused
    from its arguments' sizes, with the expression and the estimate in the reason, in a
    child process whose memory is capped at 1 GB. (One module: one budget, which the
    refused values do not spend.)"""
    from bounded import terraform_unknowns

    formats = ", ".join(["local.s100k"] * 2000)
    got = terraform_unknowns({"main.tf": f'''
        locals {{
          s10k  = "{"a" * 10_000}"
          s100k = "{"a" * 100_000}"
          s2m   = "{"a" * 2_000_000}"
          sep   = "{"-" * 1000}"
          fmt   = "{"%s" * 2000}"
        }}
        resource "aws_s3_bucket" "b" {{
          replaced  = replace(local.s10k, "a", local.s10k)
          joined    = join(local.sep, range(100000))
          tried     = try(join(local.sep, range(100000)), "a fallback would be a wrong value")
          formatted = format(local.fmt, {formats})
          encoded   = jsonencode(local.s2m)
          upper     = upper(local.s2m)
          base64    = base64encode(local.s2m)
          split     = split("a", "${{local.s2m}}${{local.s2m}}")
          matches   = regexall("", local.s2m)
        }}
    '''})
    join_size = _range_size(100_000) + 1000 * 100_000 + 1
    assert got == {
        "replaced": {"unknown": '`replace(local.s10k, "a", local.s10k)' + _TOO_LARGE.format(100_000_001)},
        "joined": {"unknown": "`join(local.sep, range(100000))" + _TOO_LARGE.format(join_size)},
        "tried": {"unknown": "`join(local.sep, range(100000))" + _TOO_LARGE.format(join_size)},
        "formatted": {"unknown": f"`format(local.fmt, {formats[:59]}..." + _TOO_LARGE.format(4_001 + 2000 * (100_001 + 2))},
        "encoded": {"unknown": "`jsonencode(local.s2m)" + _TOO_LARGE.format(6 * 2_000_000 + 2 + 2_000_001 + 1)},
        "upper": {"unknown": "`upper(local.s2m)" + _TOO_LARGE.format(3 * 2_000_001)},
        "base64": {"unknown": "`base64encode(local.s2m)" + _TOO_LARGE.format(6 * 2_000_001 + 6)},
        "split": {"unknown": '`split("a", "${local.s2m}${local.s2m}")' + _TOO_LARGE.format(2 * 4_000_001 + 2)},
        "matches": {"unknown": '`regexall("", local.s2m)' + _TOO_LARGE.format(2 * 2 * 2_000_001 + 1)},
    }


def test_loops_that_build_too_much_stop_at_the_limit():
    """A `for` expression or a template `%{for}` of 100,000 copies of a long string stops
    as soon as what it has built passes the limit."""
    from bounded import terraform_unknowns

    got = terraform_unknowns({"main.tf": f'''
        locals {{
          s100k = "{"a" * 100_000}"
        }}
        resource "aws_s3_bucket" "b" {{
          listed    = [for i in range(100000) : local.s100k]
          templated = "%{{for i in range(100000)}}${{local.s100k}}%{{endfor}}"
        }}
    '''})
    assert got == {"listed": {"unknown": "`[for i in range(100000) : local.s100k]" + _OVER_LIMIT},
                   "templated": {"unknown": '`"%{for i in range(100000)}${local.s100k}%{endfor}"' + _OVER_LIMIT}}


def _chain(name: str, first: str, step: str, count: int = 40) -> str:
    """`name0 = first`, then each `nameN` made by `step` from the one before (`{p}`)."""
    lines = [f"  {name}0 = {first}"] + [f"  {name}{i} = " + step.format(p=f"local.{name}{i - 1}")
                                        for i in range(1, count)]
    return "locals {\n" + "\n".join(lines) + "\n}\n"


_DIGITS = (10 ** 5120).bit_length() * 30103 // 100_000  # of 10^5120: the first square over the limit


@pytest.mark.parametrize("locals_,attributes,expected", [
    (_chain("l", f'["{"a" * 1000}"]', "[{p}, {p}]"),
     {"first": "local.l13", "encoded": "jsonencode(local.l12)"},
     {"first": {"unknown": "`[local.l12, local.l12]" + _OVER_LIMIT},
      "encoded": {"unknown": "`jsonencode(local.l12)" + _OVER_LIMIT}}),
    (_chain("j", f'"{"a" * 1000}"', 'join("", [{p}, {p}])'), {"last": "local.j39"},
     {"last": {"unknown": "`[local.j12, local.j12]" + _OVER_LIMIT}}),  # the list, before `join`
    (_chain("f", f'"{"a" * 1000}"', 'format("%s%s", {p}, {p})'), {"last": "local.f39"},
     {"last": {"unknown": '`format("%s%s", local.f12, local.f12)'
                          + _TOO_LARGE.format(5 + 2 * (2 ** 12 * 1000 + 1 + 2))}}),
    (_chain("n", "10000000000", "{p} * {p}", 20), {"last": "local.n19"},
     {"last": {"unknown": f"`local.n8 * local.n8` is not evaluated: the result would hold about {_DIGITS:,} digits, "
                          "over the limit of 4,304 for one value"}}),
], ids=["lists", "joins", "formats", "numbers"])
def test_values_doubled_through_chains_of_locals_are_unknown(locals_, attributes, expected):
    """A list that holds the one before it twice, 40 times over, is 2^40 times its start
    when written out; strings doubled and numbers squared the same way. Each chain ends at
    the first value over the limit, which the reason names, and what is built from it
    after that point stays small."""
    from bounded import terraform_unknowns

    lines = "\n".join(f"  {k} = {v}" for k, v in attributes.items())
    got = terraform_unknowns({"main.tf": locals_ + f'resource "aws_s3_bucket" "b" {{\n{lines}\n}}\n'})
    assert got == expected


def test_a_list_doubled_forty_times_is_encoded_with_unknown_parts():
    """`jsonencode` of the 40th doubling: `l13` is over the limit (an Unknown), the lists
    of Unknowns doubled from it are over the limit again at `l35`, and `l39` holds 16 of
    those; nothing of the 2^39 copies of the 1,000-character string is built."""
    from bounded import terraform_unknowns

    got = terraform_unknowns({"main.tf": _chain("l", f'["{"a" * 1000}"]', "[{p}, {p}]")
                              + 'resource "aws_s3_bucket" "b" {\n  x = jsonencode(local.l39)\n}\n'})
    text = '"${[local.l34, local.l34]}"'
    for _ in range(4):
        text = f"[{text},{text}]"
    assert got == {"x": text}


def test_a_long_value_read_by_many_instances_is_charged_for_each():
    """Policies read every instance's value: 10,000 instances of a 4,000,000-character
    string would be 40 GB of text to read. Each instance is charged; the budget (20,000,000
    units) pays for four, and the others get an Unknown that says why."""
    from bounded import terraform_resources

    got = terraform_resources({"main.tf": f'''
        locals {{
          long = "{"a" * 4_000_000}"
        }}
        resource "aws_s3_bucket" "b" {{
          count = 10000
          x     = local.long
        }}
    '''})
    assert len(got) == 10_000
    assert [got[f"aws_s3_bucket.b[{i}]"] for i in range(4)] == [{"x": 4_000_000}] * 4
    assert {str(got[f"aws_s3_bucket.b[{i}]"]) for i in range(4, 10_000)} == \
        {str({"x": {"unknown": "not evaluated: the module needs too much work to evaluate statically"}})}


def test_nested_dynamic_blocks_stop_at_the_budget():
    """`dynamic` blocks 10,000 by 10,000 are 100,000,000 blocks: the budget stops making
    them and the rest is an Unknown, not a hang."""
    from bounded import terraform_unknowns

    got = terraform_unknowns({"main.tf": '''
        resource "aws_s3_bucket" "b" {
          dynamic "a" {
            for_each = range(10000)
            content {
              dynamic "b" {
                for_each = range(10000)
                content {
                  x = "y"
                }
              }
            }
          }
        }
    '''})
    assert got == {"a": {"unknown": "not evaluated: the module needs too much work to evaluate statically"}}


# --- the estimates bound the results ------------------------------------------------------------

def test_every_function_has_a_size_estimate():
    from iaclint.frontends.terraform import estimates
    from iaclint.frontends.terraform.functions import FUNCTIONS

    assert set(estimates._ESTIMATES) == set(FUNCTIONS)


_UNICODE = st.text(alphabet=st.sampled_from(list("aZ ß\u0149\ufb03\u0390İ<>&\"\\\n%$é😀\x00")) | st.characters(),
                   max_size=12)
_NUMBER = st.integers(min_value=-10 ** 30, max_value=10 ** 30) | st.floats(allow_nan=False, allow_infinity=False)
_SCALAR = st.none() | st.booleans() | _NUMBER | _UNICODE
_VALUE = st.recursive(_SCALAR, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_UNICODE, inner, max_size=4),
                      max_leaves=16)
_PATTERN = st.text(alphabet=st.sampled_from(list("ab.*+?()|^$[]")), max_size=6).map(lambda p: f"/{p}/")
_SPEC = st.lists(st.sampled_from(["%s", "%v", "%q", "%d", "%5.2f", "%x", "%b", "%t", "%%", "-", "é", "%-8s"]),
                 max_size=6).map("".join)

_CALLS = st.one_of(
    st.tuples(st.just("join"), st.tuples(_UNICODE, st.lists(_SCALAR, max_size=6))),
    st.tuples(st.just("replace"), st.tuples(_UNICODE, _UNICODE | _PATTERN, _UNICODE)),
    st.tuples(st.just("format"), st.tuples(_SPEC).flatmap(
        lambda spec: st.tuples(st.just(spec[0]), *[_VALUE] * spec[0].count("%")))),
    st.tuples(st.sampled_from(["lower", "upper", "title", "base64encode", "trimspace", "chomp", "tostring",
                               "jsonencode", "base64decode", "tonumber"]), st.tuples(_SCALAR)),
    st.tuples(st.just("jsonencode"), st.tuples(_VALUE)),
    st.tuples(st.just("split"), st.tuples(_UNICODE.filter(bool), _UNICODE)),
    st.tuples(st.sampled_from(["regex", "regexall"]), st.tuples(_PATTERN.map(lambda p: p[1:-1]), _UNICODE)),
    st.tuples(st.just("range"), st.lists(st.integers(-50, 50), min_size=1, max_size=3).map(tuple)),
    st.tuples(st.sampled_from(["concat", "merge", "setunion", "flatten", "distinct", "keys", "values", "sort",
                               "reverse", "compact", "zipmap", "toset", "tolist", "tomap", "jsondecode", "sum",
                               "min", "max"]), st.lists(_VALUE, min_size=1, max_size=3).map(tuple)),
)


@settings(max_examples=1500, deadline=None)
@given(_CALLS)
def test_estimated_sizes_are_never_below_the_real_sizes(call):
    """For every function, on any arguments, the estimate made before the call is at least
    the size of what the call builds (a function that bounds itself is measured after)."""
    from iaclint.frontends.terraform import estimates
    from iaclint.frontends.terraform.functions import FUNCTIONS, FunctionError
    from iaclint.model.sizes import Budget

    name, args = call
    budget = Budget()
    try:
        size, _ = estimates.estimate(name, list(args), [budget.size(a) for a in args])
        result = FUNCTIONS[name](*args)
    except (FunctionError, TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError,
            ZeroDivisionError):
        return
    if size is not None:
        assert Budget().size(result) <= size, (name, args, result)
