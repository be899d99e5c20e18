"""Syntax nodes compared by kind number (`hcl.KINDS`) are the nodes of that name.

The block builder and the evaluator compare `Node.kind_id` with numbers instead of
`Node.type` with names (a string made per call). That is the same test only while each
name is one kind of tree-sitter-hcl's grammar: checked here against the grammar, on every
node of every Terraform fixture; the numbers are read from the installed grammar
(`_kind_numbers`), which must hold exactly one kind of each name.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from iaclint.frontends.terraform import hcl

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_each_kind_is_the_one_of_its_name():
    language = hcl._parser().language
    for name, number in hcl.KINDS.items():
        assert language.node_kind_for_id(number) == name
        assert language.id_for_node_kind(name, True) == number
        others = [i for i in range(language.node_kind_count) if i != number and language.node_kind_for_id(i) == name]
        assert others == [], name


def test_numbers_and_names_agree_on_every_fixture_node():
    seen = set()
    files = sorted(FIXTURES.rglob("*.tf"))
    assert len(files) > 100
    for path in files:
        data = path.read_bytes()
        try:
            tree = hcl._parse(data)
        except hcl.TooManyTokens:
            continue
        stack = [tree.root_node]
        while stack:
            node = stack.pop()
            name = node.type
            if name in hcl.KINDS:
                seen.add(name)
            for kind, number in hcl.KINDS.items():
                assert (node.kind_id == number) == (name == kind)
            stack.extend(node.children)
    assert seen == set(hcl.KINDS)  # every kind read by number occurs in the fixtures


class _Grammar:
    """A language's kind table, with some names changed."""

    def __init__(self, changed: dict):
        language = hcl._parser().language
        self.node_kind_count = language.node_kind_count
        self.names = [changed.get(i, language.node_kind_for_id(i)) for i in range(self.node_kind_count)]

    def node_kind_for_id(self, number):
        return self.names[number]


def test_a_grammar_that_numbers_its_kinds_anew_is_read_by_its_own_numbers():
    moved = hcl._kind_numbers(_Grammar({hcl.EXPRESSION: "expr", 1: "expression"}), tuple(hcl.KINDS))
    assert moved["expression"] == 1 and moved["expression"] != hcl.EXPRESSION
    assert {k: v for k, v in moved.items() if k != "expression"} == {
        k: v for k, v in hcl.KINDS.items() if k != "expression"}


def test_a_grammar_without_exactly_one_kind_of_a_name_is_refused():
    with pytest.raises(RuntimeError, match="comment"):  # a name held by two kinds
        hcl._kind_numbers(_Grammar({1: "comment"}), tuple(hcl.KINDS))
    with pytest.raises(RuntimeError, match="expression"):  # a name no kind holds
        hcl._kind_numbers(_Grammar({hcl.EXPRESSION: "expr"}), tuple(hcl.KINDS))


def test_the_loaded_grammar_passes():
    assert hcl._kind_numbers(hcl._parser().language, tuple(hcl.KINDS)) == hcl.KINDS


def _nodes(kind: int):
    """(node, the file's bytes) of every node of `kind` in the Terraform fixtures, and some
    written for the edge cases (escapes, `$${`, non-ASCII text, an empty string)."""
    written = [b'resource "a\\"b" "c\\\\d" {\n  x = "a\\"b"\n  y = ""\n}\n',
               b'resource "a$${b}" "%%{c}" {\n  x = "$${x} %%{y} \\u00e9"\n}\n',
               'resource "é" "x" {\n  x = "é\\n"\n  y = true\n  z = 1.5\n  n = null\n}\n'.encode(),
               b'resource "  a" "\tb " {\n  x = "  a"\n}\nresource "/*c*/d" "//e" {\n  x = "/*c*/d"\n}\n',
               b'resource "a /*c*/ b" "a\tb" {}\nresource "#e" "x" {}\nresource "b  " "c d\t" {}\n']
    for data in written + [p.read_bytes() for p in sorted(FIXTURES.rglob("*.tf"))]:
        if hcl._refused("x.tf", data):  # not UTF-8, or binary: never parsed
            continue
        try:
            tree = hcl._parse(data)
        except hcl.TooManyTokens:
            continue
        if tree.root_node.has_error:  # such a file's blocks are not built, nor evaluated
            continue
        stack = [tree.root_node]
        while stack:
            node = stack.pop()
            if node.kind_id == kind:
                yield node, data
            stack.extend(node.children)


def test_a_quoted_label_read_between_its_quotes_is_its_literal_text():
    count = 0
    for node, data in _nodes(hcl.STRING_LIT):
        assert hcl._string_lit(node, data) == hcl._string_lit_parts(node, data)
        count += 1
    assert count > 1000


def test_a_quoted_literal_read_between_its_quotes_is_what_the_literal_rule_gives():
    from types import SimpleNamespace

    from iaclint.frontends.terraform.expressions import Evaluator, Scope

    count = 0
    for node, data in _nodes(hcl.EXPRESSION):
        children = node.children
        if len(children) != 1 or children[0].kind_id != hcl.LITERAL_VALUE:
            continue
        source, scope = hcl.Source("x.tf", data), Scope(SimpleNamespace())
        general = Evaluator()._literal(children[0].children[0], source)
        assert Evaluator()._expression(node, source, scope, None) == general
        count += 1
    assert count > 1000


def test_a_span_made_without_calling_its_class_is_the_span_the_class_makes():
    # `Source.span` sets the fields of `Span` itself: a field added to `Span` must be set there too.
    from iaclint.model.resource import Span

    assert Span.__slots__ == ("file", "line", "column", "end_line", "end_column")
    data = b'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n'
    source = hcl.Source("main.tf", data)
    root = hcl._parse(data).root_node
    made = source.span(root.children[0].children[0])
    assert type(made) is Span and made == Span("main.tf", 1, 1, 3, 2)
    assert [getattr(made, name) for name in Span.__slots__] == ["main.tf", 1, 1, 3, 2]
    assert hash(made) == hash(Span("main.tf", 1, 1, 3, 2))
