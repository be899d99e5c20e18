"""Property tests: no input makes the Terraform loader raise, hang, or fall into its catch-all.

Random bytes, truncated and spliced fixture files, token soups of HCL expressions and
deep nesting go through `load_module` as unsaved buffers (the `overlay`), in an empty
directory. Every call must return a `ModuleResult` within a bounded CPU time (this
process's, not the wall clock's: a shared machine's load must not fail the test; a loop
that never ends still does), with sane spans. The whole
file runs in well under 20 seconds (FUZZ_EXAMPLES raises the number of examples).
"""
from __future__ import annotations

import os
import time

import pytest
from conftest import FIXTURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iaclint.frontends.terraform.module import ModuleResult, load_module

SEEDS = [p.read_bytes() for sub in ("parsers/terraform", "examples")
         for p in sorted((FIXTURES / sub).rglob("*.tf")) if p.stat().st_size < 20_000]
JSON_SEEDS = [p.read_bytes() for p in sorted((FIXTURES / "parsers" / "terraform").rglob("*.tf.json"))]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
BOUND_CPU_SECONDS = 5.0


@pytest.fixture(scope="module")
def directory(tmp_path_factory):
    return str(tmp_path_factory.mktemp("fuzz"))


def check(directory: str, data: bytes, name: str = "main.tf") -> ModuleResult:
    path = os.path.join(directory, name)
    start = time.process_time()
    result = load_module(directory, [path], overlay={path: data})
    assert time.process_time() - start < BOUND_CPU_SECONDS
    assert isinstance(result, ModuleResult)
    for error in result.errors:
        assert error.line >= 1 and error.column >= 1
        assert not error.message.startswith("internal error"), error  # the catch-all must not be what saved us
    for resource in result.resources:
        assert isinstance(resource.attributes, dict)
        for span in resource.spans.values():
            assert 1 <= span.line <= span.end_line and span.column >= 1, span
    return result


def test_seeds_load_cleanly(directory):
    assert len(SEEDS) >= 20
    for seed in SEEDS:
        check(directory, seed)


@SETTINGS
@given(st.binary(max_size=2000))
def test_random_bytes(directory, data):
    check(directory, data)


@SETTINGS
@given(st.binary(max_size=1000))
def test_random_bytes_as_tf_json(directory, data):
    check(directory, data, "main.tf.json")


@SETTINGS
@given(st.binary(max_size=300))
def test_random_bytes_inside_a_resource(directory, data):
    check(directory, b'resource "aws_s3_bucket" "b" {\n  bucket = ' + data + b"\n}\n")


@SETTINGS
@given(st.sampled_from(SEEDS), st.integers(0, 10**6))
def test_truncated_files(directory, seed, cut):
    check(directory, seed[:cut % (len(seed) + 1)])


@SETTINGS
@given(st.sampled_from(SEEDS), st.sampled_from(SEEDS), st.integers(0, 10**6), st.integers(0, 10**6))
def test_spliced_files(directory, first, second, cut, resume):
    check(directory, first[:cut % (len(first) + 1)] + second[resume % (len(second) + 1):])


@SETTINGS
@given(st.sampled_from(SEEDS + JSON_SEEDS), st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 8),
                                                               st.binary(max_size=6)), max_size=6))
def test_mutated_files(directory, seed, edits):
    data = bytearray(seed)
    for position, cut, insert in edits:
        at = position % (len(data) + 1)
        data[at:at + cut] = insert
    check(directory, bytes(data), "main.tf.json" if seed.lstrip().startswith(b"{") else "main.tf")


_TOKENS = ["var.v", "var.m", "local.l", "local.cycle", "aws_x.y.id", "data.d.n.id", "module.m.o", "count.index",
           "each.key", "each.value", "path.module", "self.x", "1", "0", "-1", "2.5", "1e3", "true", "null",
           '"s"', '"${var.v}"', '"%{if true}a%{endif}"', "<<EOT\nx ${var.v}\nEOT\n", "[", "]", "{", "}", "(", ")",
           ",", "=", ":", "?", "...", "=>", "+", "-", "*", "/", "%", "==", "!=", "<", ">=", "&&", "||", "!", ".",
           "[*]", ".*", "[0]", '["k"]', "for", "in", "if", "x", "k", "v", "jsonencode(", "merge(", "concat(",
           "lookup(", "try(", "can(", "coalesce(", "format(", "join(", "split(", "replace(", "element(",
           "flatten(", "toset(", "tomap(", "range(", "length(", "keys(", "file(", "templatefile(", "sha1(",
           "\n", " "]
_PRELUDE = ('variable "v" {\n  default = "val"\n}\nvariable "m" {\n  default = { a = [1, 2], b = { c = "d" } }\n}\n'
            'locals {\n  l = [var.v, 2]\n  cycle = local.cycle\n}\n')


@SETTINGS
@given(st.lists(st.sampled_from(_TOKENS), max_size=40), st.sampled_from(["count = 2\n", "for_each = var.m\n", ""]))
def test_expression_soup(directory, tokens, meta):
    soup = " ".join(tokens)
    text = (_PRELUDE + 'resource "aws_x" "r" {\n  ' + meta + "  a = " + soup + "\n"
            '  dynamic "d" {\n    for_each = ' + soup + "\n    content {\n      z = d.value\n    }\n  }\n}\n")
    check(directory, text.encode())


_FUNCTIONS = ["jsonencode", "jsondecode", "merge", "concat", "lookup", "try", "can", "coalesce", "format", "join",
              "split", "replace", "lower", "upper", "length", "element", "contains", "keys", "values", "flatten",
              "distinct", "tolist", "toset", "tomap", "tostring", "tonumber", "tobool", "range", "one", "zipmap",
              "compact", "substr", "min", "max", "sum", "sort", "reverse", "trimspace", "base64decode", "sha1"]
_LEAVES = st.sampled_from(["1", "0", "-3", "2.5", "1e3", "true", "false", "null", '"s"', '"a,b"', '""', '"%s-%d"',
                           '"/a/"', '"{\\"k\\": [1]}"', "var.v", "var.m", "var.n", "var.l", "local.l",
                           "local.cycle", "aws_x.y.id", "data.d.n", "module.m.o", "count.index", "each.key",
                           "each.value", "path.module", "x", "[]", "{}"])


def _composite(children):
    pair = st.tuples(children, children)
    return st.one_of(
        st.lists(children, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.lists(st.tuples(st.sampled_from(["a", "b", '"c-d"']), children), max_size=3).map(
            lambda kv: "{" + ", ".join(f"{k} = {v}" for k, v in kv) + "}"),
        st.tuples(st.sampled_from(_FUNCTIONS), st.lists(children, max_size=3)).map(
            lambda f: f"{f[0]}({', '.join(f[1])})"),
        st.tuples(children, st.sampled_from(["+", "-", "*", "/", "%", "==", "!=", "<", ">=", "&&", "||"]),
                  children).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        children.map(lambda a: f"(!{a})"),
        st.tuples(children, children, children).map(lambda t: f"({t[0]} ? {t[1]} : {t[2]})"),
        pair.map(lambda t: f"({t[0]})[{t[1]}]"),
        children.map(lambda a: f"({a}).a"),
        children.map(lambda a: f"({a})[*].a"),
        pair.map(lambda t: f"[for x in {t[0]} : {t[1]}]"),
        pair.map(lambda t: f"{{for k, x in {t[0]} : tostring(k) => {t[1]}...}}"),
        pair.map(lambda t: f"[for x in {t[0]} : x if {t[1]}]"),
        children.map(lambda a: '"pre-${' + a + '}-post"'),
        pair.map(lambda t: '"%{ if ' + t[0] + ' ~} yes ${' + t[1] + '} %{~ else }no%{ endif }"'),
        pair.map(lambda t: '"%{ for k, x in ' + t[0] + ' ~} ${k}=${' + t[1] + '} %{~ endfor }"'),
        children.map(lambda a: "<<-EOT\n    {\"k\": ${" + a + "}}\n  EOT\n"),
    )


EXPRESSIONS = st.deferred(lambda: st.one_of(_LEAVES, _LEAVES, _composite(EXPRESSIONS)))
_GRAMMAR_PRELUDE = ('variable "v" {\n  default = "val"\n}\nvariable "m" {\n  default = { a = [1, 2], b = "c" }\n}\n'
                    'variable "n" {}\nvariable "l" {\n  default = [{ a = 1 }, { a = "2" }]\n}\n'
                    'locals {\n  l = [var.v, 2]\n  cycle = local.cycle\n}\n')


@SETTINGS
@given(EXPRESSIONS, st.sampled_from(["", "  count = 2\n", "  for_each = var.m\n", "  for_each = var.n\n"]))
def test_random_valid_expressions(directory, expression, meta):
    """Grammatical expressions, nested at random: they parse, and evaluate to a value or
    an Unknown, never to an exception."""
    text = (_GRAMMAR_PRELUDE + 'resource "aws_x" "r" {\n' + meta + "  a = " + expression + "\n"
            '  dynamic "d" {\n    for_each = ' + expression + "\n    content {\n      z = d.value\n    }\n  }\n}\n")
    result = check(directory, text.encode())
    assert not result.errors, (text, result.errors)


_OPEN_CLOSE = [("[", "]"), ("{ a = ", " }"), ("(", ")"), ("tolist(", ")"), ('"${', '}"'), ("[for x in [1] : ", "]"),
               ("!", ""), ("-", ""), ("true ? ", ' : "no"'), ("jsonencode(", ")"), ("merge({ k = ", "})")]


@SETTINGS
@given(st.lists(st.sampled_from(_OPEN_CLOSE), min_size=1, max_size=300), st.integers(1, 400))
def test_random_nesting(directory, layers, blocks):
    value = "".join(o for o, _ in layers) + "1" + "".join(c for _, c in reversed(layers))
    body = "b {\n" * blocks + "x = " + value + "\n" + "}\n" * blocks
    check(directory, ('resource "aws_x" "r" {\n' + body + "}\n").encode())


@pytest.mark.parametrize("text", [
    # Work that grows without bound is cut off by the module's budget (Unknown, not a hang).
    'resource "a" "b" {\n  x = [for i in range(100000) : [for j in range(100000) : j]]\n}\n',
    'resource "a" "b" {\n  count = 100000\n  x = [for i in range(1000) : i]\n}\n',
    "locals {\n" + "\n".join(f'  l{i} = "${{local.l{i + 1}}}${{local.l{i + 1}}}"' for i in range(40))
    + '\n  l40 = "xx"\n}\nresource "a" "b" {\n  x = local.l0\n}\n',
    'resource "a" "b" {\n  x = format("%0999999999d", 1)\n}\n',
    'resource "a" "b" {\n  x = 1' + "0" * 5000 + "\n  y = 1" + " * 99999999999" * 500 + "\n}\n",
    'resource "a" "b" {\n  x = jsondecode("' + "[" * 5000 + "]" * 5000 + '")\n}\n',
    'resource "a" "b" {\n' + "x {\n" * 5000 + "}\n" * 5000 + "}\n",
    'resource "a" "b" {\n  x = "${templatefile("main.tf", {})}"\n}\n',
], ids=["nested-for", "count", "doubling-locals", "format-width", "huge-numbers", "deep-json", "deep-blocks",
        "template-of-itself"])
def test_pathological_inputs_are_bounded(directory, text):
    with open(os.path.join(directory, "main.tf"), "w") as handle:  # templatefile reads the disk
        handle.write(text)
    check(directory, text.encode())
