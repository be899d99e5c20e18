"""The CloudFormation YAML/JSON reader: values, short forms, spans and its guards."""
from __future__ import annotations

import pytest

from iaclint.frontends.cloudformation.parser import (
    MAX_DEPTH,
    ParseFailure,
    parse,
    parse_json,
)


def test_yaml_1_1_scalars():
    doc = parse("a: [yes, No, on, OFF, true, 0x1F, 017, 1_000, -12, 1.5, .inf, 1.5e3, ~, null, "
                "'yes', \"1\", 2012-10-17, 1:30]\n")
    assert doc.value == {"a": [True, False, True, False, True, 31, 15, 1000, -12, 1.5, float("inf"),
                               "1.5e3", None, None, "yes", "1", "2012-10-17", 90]}


def test_explicit_tags_never_construct_objects():
    doc = parse("b: !!binary aGk=\nc: !!int nope\nd: !Custom {x: 1}\n")
    assert doc.value == {"b": "aGk=", "c": "nope", "d": {"x": 1}}


@pytest.mark.parametrize("text", ["a: !!python/object:os.system echo\n", "a: !<tag:example.com,2000:x> 1\n",
                                  "!!python/name:os.system : 1\n"])
def test_tags_beyond_yaml_and_cloudformation_are_refused(text):
    with pytest.raises(ParseFailure, match="unsupported YAML tag"):
        parse(text)


def test_short_forms_become_long_forms():
    doc = parse("a: !Ref X\nb: !GetAtt R.Arn\nc: !GetAtt [R, Arn]\nd: !GetAtt R.Endpoint.Address\n"
                "e: !Condition C\nf: !Sub '${X}'\ng: !If [C, 1, 2]\nh: !GetAZs\n")
    assert doc.value == {
        "a": {"Ref": "X"}, "b": {"Fn::GetAtt": ["R", "Arn"]}, "c": {"Fn::GetAtt": ["R", "Arn"]},
        "d": {"Fn::GetAtt": ["R", "Endpoint.Address"]}, "e": {"Condition": "C"},
        "f": {"Fn::Sub": "${X}"}, "g": {"Fn::If": ["C", 1, 2]}, "h": {"Fn::GetAZs": ""},
    }
    # the long-form path carries the span of the tagged node, items carry their own
    assert doc.spans[("g",)] == (7, 1, 7, 17)
    assert doc.spans[("g", "Fn::If")] == (7, 4, 7, 17)
    assert doc.spans[("g", "Fn::If", 2)] == (7, 15, 7, 16)


def test_json_uses_json_scalars_and_tolerates_tabs():
    doc = parse('{\n\t"a": 1e3,\n\t"b": "on",\n\t"c": [true, null, -0.5]\n}\n', is_json=True)
    assert doc.value == {"a": 1000.0, "b": "on", "c": [True, None, -0.5]}
    assert doc.spans[("c", 1)] == (4, 14, 4, 18)


def test_block_values_end_at_their_last_character():
    text = "a:\n  b: |\n    x\n\n\n  # comment\nc:\n  - d: 1\n\n    e: 2\n\n# trailing\n"
    doc = parse(text)
    assert doc.spans[("a",)] == (1, 1, 3, 6)
    assert doc.spans[("a", "b")] == (2, 3, 3, 6)
    assert doc.spans[("c",)] == (7, 1, 10, 9)
    assert doc.spans[("c", 0)] == (8, 5, 10, 9)
    assert doc.keys[("c",)] == (7, 1, 7, 2)


def test_non_ascii_columns_count_characters():
    doc = parse("a: é€x\nb: 1\n")
    assert doc.spans[("a",)] == (1, 1, 1, 7)


def test_duplicate_keys_last_wins():
    assert parse("a: 1\nb: 2\na: 3\n").value == {"a": 3, "b": 2}


def test_merge_keys():
    doc = parse("base: &b {x: 1, y: 2}\nuse:\n  y: 3\n  <<: *b\n")
    assert doc.value["use"] == {"x": 1, "y": 3}


def test_syntax_error_has_the_line():
    with pytest.raises(ParseFailure) as info:
        parse("a: 1\nb: [1, 2\nc: 3\n")
    assert info.value.line == 3
    assert "YAML syntax error" in info.value.message


def test_control_character_is_reported_at_its_line():
    with pytest.raises(ParseFailure) as info:
        parse("a: 1\nb: x\x01y\n")
    assert (info.value.line, info.value.column) == (2, 5)


def test_alias_bomb_is_stopped():
    lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 9):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
    with pytest.raises(ParseFailure) as info:
        parse("\n".join(lines) + "\n")
    assert "alias expansion limit" in info.value.message


def test_small_aliases_are_fine():
    doc = parse("a: &t {Key: k, Value: v}\nb: [*t, *t]\n")
    assert doc.value["b"] == [{"Key": "k", "Value": "v"}] * 2


def test_recursive_alias_and_deep_nesting_are_limits_not_crashes():
    with pytest.raises(ParseFailure):
        parse("a: &r [*r]\n")
    with pytest.raises(ParseFailure) as info:
        parse("[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5))
    assert "nesting" in info.value.message
    with pytest.raises(ParseFailure):
        parse("[" * 100_000)  # libyaml's own limit


def test_json_fallback_for_what_libyaml_rejects():
    long_key = "k" * 1100
    text = '{\n  "a": "\\ud83d\\ude00",\n  "' + long_key + '": [1, 2.5, true]\n}\n'
    doc = parse(text, is_json=True)
    assert doc.value == {"a": "\U0001F600", long_key: [1, 2.5, True]}
    assert doc.spans[("a",)] == (2, 3, 2, 22)
    assert doc.spans[(long_key, 1)] == (3, 1111, 3, 1114)
    assert doc.keys[("a",)] == (2, 3, 2, 6)


def test_json_fallback_errors_have_lines():
    with pytest.raises(ParseFailure) as info:
        parse_json('{\n  "a": 1,\n  "b" 2\n}')
    assert (info.value.line, info.value.column) == (3, 7)
    with pytest.raises(ParseFailure):
        parse_json('{"a": 1} x')
    with pytest.raises(ParseFailure):
        parse_json("[" * 10_000)


def test_empty_document():
    assert parse("").value is None
    assert parse("# only a comment\n").value is None


def test_documents_of_too_many_values_are_refused_before_they_are_composed(monkeypatch):
    """A value composed with its marks takes ~600 bytes, and a file cap in bytes does not
    bound the values (`[0,0,0,...]`): YAML is counted in the event stream first, JSON as it
    is decoded, and past the limit the document is a parse error at the value that passed it."""
    from iaclint.frontends import jsonspans
    from iaclint.frontends.cloudformation import parser

    monkeypatch.setattr(parser, "MAX_NODES", 1000)
    text = "Resources:\n  R:\n    Type: T\n    Properties:\n      X: [" + ",".join(["0"] * 1000) + "]\n"
    with pytest.raises(ParseFailure) as caught:
        parse(text)
    # The 1,001st node: 11 of mappings, keys and the list, then the 990th item (column 11 + 2 x 989).
    assert (caught.value.line, caught.value.column, caught.value.message) == \
        (5, 11 + 2 * 989, "more than 1,000 values in one document: not scanned")
    assert parse(text.replace(",0" * 11, "", 1)).value["Resources"]["R"]["Properties"]["X"] == [0] * 989  # 1,000
    with pytest.raises(jsonspans.JsonSpanError) as caught:
        jsonspans.decode("[" + ",".join(["0"] * 20) + "]", max_values=10)
    assert (caught.value.line, caught.value.column, caught.value.message) == \
        (1, 20, "more than 10 values in one document: not scanned")
