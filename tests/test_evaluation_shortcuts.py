"""The evaluator's shortcuts give what the general rule gives.

Measuring values (`model.sizes.Budget`), finding a resource's graph edges
(`resources._references`) and the scope's budget (`expressions.Scope`) have fast paths for
the common shapes (exact `dict`, `list` and `str`); each is compared here with the general
rule written out plainly, on generated values of every shape they meet: maps with keys
that are not strings, JSON strings, Unknowns with parts and alternatives, shared parts,
and limits that stop counting part way.
"""
from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from iaclint.frontends.terraform import resources
from iaclint.frontends.terraform.expressions import Scope
from iaclint.frontends.terraform.functions import SetValue
from iaclint.frontends.terraform.values import budget_of
from iaclint.model.documents import EncodedJson
from iaclint.model.resource import Reference
from iaclint.model.sizes import Budget, OverBudget, scalar_size
from iaclint.model.unknown import Unknown


class _Reference(Budget):
    """`Budget` with `_measure` as the module docstring states it, one item at a time."""

    def _measure(self, value, cap):
        known = self._known.get(id(value))
        if known is not None and known[0] is value:
            return known[1], known[2]
        if isinstance(value, str):
            inner = getattr(value, "value", None)
            total = len(value) + 1 + (self._measure(inner, cap - len(value))[0] - 1 if inner is not None else 0)
            unknown = False
        elif isinstance(value, dict):
            total, unknown = self._pairs(value.items(), len(value), cap)
        elif isinstance(value, (list, tuple)):
            total, unknown = self._pairs(((None, v) for v in value), len(value), cap)
        elif isinstance(value, Unknown):
            parts = tuple(value.parts or ()) + tuple(value.alternatives or ())
            total, unknown = self._pairs(((None, v) for v in parts), len(parts), cap)[0], True
        else:
            total, unknown = scalar_size(value) or 1, False
        if total <= cap:
            self._known[id(value)] = (value, total, unknown)
        return total, unknown

    def _pairs(self, pairs, count, cap):
        total = 1 + count
        if total > cap:
            return total, False
        self.spend(count)
        unknown = False
        for key, item in pairs:
            if key is not None:
                total += len(key) if isinstance(key, str) else 1
            small = scalar_size(item)
            if small is not None:
                total += small - 1
            else:
                size, inner = self._measure(item, cap - total + 1)
                total += size - 1
                unknown = unknown or inner
            if total > cap:
                return total, unknown
        return total, unknown


_scalars = st.one_of(st.text(max_size=6), st.integers(-10**6, 10**6), st.booleans(), st.none(),
                     st.floats(allow_nan=True, allow_infinity=True))
_keys = st.one_of(st.text(max_size=4), st.integers(0, 9), st.none())


def _unknown(parts):
    return Unknown("var.x", "unknown", refs=("aws_s3_bucket.b",), parts=tuple(parts[:2]) or None,
                   alternatives=tuple(parts[2:]) or None)


_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=3).map(tuple),
        st.lists(inner, max_size=3).map(SetValue),
        st.dictionaries(_keys, inner, max_size=4),
        st.lists(inner, max_size=4).map(_unknown),
        st.tuples(st.text(max_size=5), inner).map(lambda pair: EncodedJson(pair[1], pair[0])),
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(_values, st.integers(0, 80), st.booleans())
def test_measuring_gives_the_sizes_flags_and_charges_of_the_general_rule(value, cap, shared):
    if shared:  # a part reached twice: remembered by identity after the first time
        value = [value, {"again": value}]
    fast, plain = Budget(limit=10_000), _Reference(limit=10_000)
    assert fast._measure(value, cap) == plain._measure(value, cap)
    assert fast.left == plain.left
    assert {k: v[1:] for k, v in fast._known.items()} == {k: v[1:] for k, v in plain._known.items()}
    for budget in (fast, plain):
        budget._known.clear()
    assert fast.walk(value) == plain.walk(value)
    assert fast.left == plain.left


@settings(max_examples=100, deadline=None)
@given(_values)
def test_measuring_stops_at_the_same_point_when_the_budget_runs_out(value):
    outcomes = []
    for budget in (Budget(limit=5), _Reference(limit=5)):
        try:
            outcomes.append(("size", budget.walk([value, value])))
        except OverBudget:
            outcomes.append(("over", budget.left))
    assert outcomes[0] == outcomes[1]


def _general_references(attributes):
    """`resources._references` as it was written before the fast paths."""
    out, seen, stack = [], set(), [((), attributes)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, EncodedJson):
            for target in value.origin:
                if (path, target) not in seen:
                    seen.add((path, target))
                    out.append(Reference(path, target, "json"))
            stack.append((path, value.value))
        elif isinstance(value, Unknown):
            for target in value.refs:
                if (path, target) not in seen:
                    seen.add((path, target))
                    out.append(Reference(path, target, resources._attribute_read(value.expr, target)))
        elif isinstance(value, dict):
            stack.extend((path + (k,), v) for k, v in value.items() if v.__class__ not in resources._PLAIN)
        elif isinstance(value, list):
            stack.extend((path + (i,), v) for i, v in enumerate(value) if v.__class__ not in resources._PLAIN)
    out.sort(key=lambda r: (tuple(map(str, r.path)), r.target))
    return out


_targets = st.sampled_from(["aws_s3_bucket.b", "aws_iam_role.r", "module.m.aws_kms_key.k", "data.x.y"])
_edges = st.recursive(
    st.one_of(_scalars,
              st.tuples(st.sampled_from(["aws_s3_bucket.b.arn", "x", "aws_iam_role.r[0].name"]),
                        st.lists(_targets, max_size=3))
              .map(lambda pair: Unknown(pair[0], "unknown", refs=tuple(pair[1])))),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=3).map(SetValue),
        st.dictionaries(st.sampled_from(["a", "b", "0", "1"]), inner, max_size=4),
        st.tuples(inner, st.lists(_targets, max_size=2))
        .map(lambda pair: EncodedJson(pair[0], "{}", origin=tuple(pair[1]))),
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["policy", "tags", "statement", "0"]), _edges, max_size=4))
def test_graph_edges_are_those_of_the_general_walk_in_its_order(attributes):
    assert [(r.path, r.target, r.attribute) for r in resources._references(attributes)] == \
        [(r.path, r.target, r.attribute) for r in _general_references(attributes)]


def test_a_scope_holds_its_modules_budget_and_its_children_share_it():
    class Bare:
        pass

    module = Bare()
    scope = Scope(module)
    assert isinstance(module.budget, Budget) and budget_of(scope) is module.budget
    child = scope.child(each={"key": "k"}).child(count={"index": 0})
    assert budget_of(child) is module.budget
    assert child.bindings == {"each": {"key": "k"}, "count": {"index": 0}} and scope.bindings == {}
    assert budget_of(Scope(module)) is module.budget  # a module keeps one budget


def _hcl(text: str) -> str:
    """`text` written as an HCL quoted string."""
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return '"' + out.replace("${", "$${").replace("%{", "%%{") + '"'


_UNPARSED = object()


def _evaluated(expression: str):
    from iaclint.frontends.terraform.expressions import Evaluator
    from iaclint.frontends.terraform.hcl import parse_expression

    class Bare:
        pass

    node, source = parse_expression(expression)
    if node is None:
        return _UNPARSED
    return Evaluator().evaluate(node, source, Scope(Bare()))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab"\\\n\t${}%~é😀 ')), max_size=12))
def test_a_quoted_string_reads_back_as_its_text(text):
    """String literals are read from the bytes between their quotes (`_literal`), not
    from their children: every escape, a quote or backslash last, `$${`."""
    value = _evaluated(_hcl(text))
    assume(value is not _UNPARSED)  # tree-sitter-hcl cannot read `"%%%{"`
    assert value == text
    assert _evaluated(f"[{_hcl(text)}, {_hcl(text + 'x')}]") == [text, text + "x"]


def test_numbers_read_as_hcl_reads_them():
    assert _evaluated("0042") == 42 and _evaluated("7") == 7 and _evaluated("1.5") == 1.5
    assert _evaluated("2e3") == 2000.0 and _evaluated("1.0") == 1.0
    assert isinstance(_evaluated("9" * 5000), Unknown)  # past Python's limit for reading numbers


@pytest.mark.parametrize(("written", "value"), [
    ('"$$${}"', "$${}"),  # Terraform: `$`, then the escape `$${`, then `}`
    ('"$$${var.x}"', "$${var.x}"),  # not an interpolation: nothing is read of var.x
    ('"a$$$$${y}b"', "a$$$${y}b"),
    ('"$$$${y}"', "$$${y}"),  # an even run: tree-sitter-hcl agrees
    ('"$${y}"', "${y}"),
    ('"$ ${"z"}"', "$ z"),  # a `$` not right before `${`: the interpolation opens
    ('"\\\\$${z}"', "\\${z}"),  # an escaped backslash, then the escape `$${`
    ('"\\\\$$${z}"', "\\$${z}"),  # an escaped backslash, `$`, then the escape `$${`
    ('"x${"$"}${"y"}"', "x$y"),  # a `$` that an interpolation made is not text before the next
])
def test_a_dollar_before_an_interpolation_makes_it_text_as_terraform_reads_it(written, value):
    """HCL's scanner reads `$` followed by `${` as the escape `$${`; tree-sitter-hcl reads an
    odd run of `$` before `{` as `$$` and an interpolation (`templates._escaped`)."""
    assert _evaluated(written) == value


def test_a_dollar_before_an_interpolation_in_a_heredoc_makes_it_text():
    assert _evaluated('<<EOT\n$$${var.x} and ${"y"}\nEOT\n') == "$${var.x} and y\n"
