"""Syntax nodes compared by kind number (`hcl.KINDS`) are the nodes of that name.

The block builder and the evaluator compare `Node.kind_id` with numbers instead of
`Node.type` with names (a string made per call). That is the same test only while each
name is one kind of tree-sitter-hcl's grammar: checked here against the grammar, on every
node of every Terraform fixture, and `_check_kinds` refuses a grammar that moved them.
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


def test_a_grammar_whose_kinds_moved_is_refused():
    with pytest.raises(RuntimeError, match="expression"):  # another number
        hcl._check_kinds(_Grammar({hcl.EXPRESSION: "expr", 1: "expression"}))
    with pytest.raises(RuntimeError, match="comment"):  # a name held by two kinds
        hcl._check_kinds(_Grammar({1: "comment"}))


def test_the_loaded_grammar_passes():
    hcl._check_kinds(hcl._parser().language)
