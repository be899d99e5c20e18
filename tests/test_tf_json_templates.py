"""`.tf.json` strings are templates whose interpolations hold native HCL, string literals
with their quotes included (`frontends.terraform.json_templates`). Before, the whole value
was escaped as one HCL string, so every interpolation with a string inside it (the
`jsonencode({"Statement" = ...})` CDK for Terraform writes for each IAM policy, a
`lookup(var.tags, "team")`, a `toset(["a", "b"])` in `for_each`) was UNKNOWN: "template in
JSON could not be parsed"."""
from __future__ import annotations

from conftest import FIXTURES, builtin_policies
from hypothesis import given
from hypothesis import strategies as st

from iaclint.api import scan
from iaclint.frontends.terraform.expressions import Evaluator, Scope
from iaclint.frontends.terraform.hcl import parse_expression
from iaclint.frontends.terraform.json_templates import hcl_quoted
from iaclint.frontends.terraform.module import load_module

CASE = FIXTURES / "parsers" / "terraform" / "tf-json-quoted-interpolations"


class _Module:
    """A scope with nothing in it: what a template of literals and functions needs."""


def _value(template: str):
    quoted = hcl_quoted(template)
    expr, source = parse_expression(quoted)
    assert expr is not None, quoted
    return Evaluator().evaluate(expr, source, Scope(_Module()))


def test_only_the_literal_text_is_escaped():
    assert hcl_quoted('say "hi"\n\\ ${lookup({"a" = "}"}, "a")} $${x}') == \
        '"say \\"hi\\"\\n\\\\ ${lookup({"a" = "}"}, "a")} $${x}"'


def test_strings_and_templates_inside_an_interpolation_are_copied_as_they_are():
    assert _value('x-${upper("a}${"b"}")}-${jsonencode({"k" = ["v"]})}') == 'x-A}B-{"k":["v"]}'
    assert _value('${toset(["b", "a"])}') == ["a", "b"]  # one interpolation: its value, not text
    assert _value('${"\\"quoted\\""}') == '"quoted"'


def test_an_interpolation_that_does_not_end_is_none():
    assert hcl_quoted('${lookup(var.x, "a")') is None
    assert hcl_quoted('${"unterminated}') is None


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_literal_text_comes_back_as_it_was(text):
    literal = text.replace("${", "$${").replace("%{", "%%{")  # (`$${` is a literal `${`, so a `|`
    assert _value(literal + '|${"1"}') == text + "|1"        # keeps a last `$` from escaping the `${`)


def test_a_cdktf_policy_is_read_and_judged():
    resources = {r.address: r for r in load_module(str(CASE), [str(CASE / "main.tf.json")]).resources}
    assert resources["aws_iam_policy.agents"].attributes["name"] == "agents-ml"
    assert resources["aws_iam_policy.agents"].attributes["description"] == \
        'Says "hi"\tand a backslash \\ and ${not_interpolated}'
    assert list(resources) == ["aws_iam_policy.agents", "aws_iam_policy.scoped",
                               'aws_iam_role.agent["alpha"]', 'aws_iam_role.agent["beta"]']
    result = scan([str(CASE)], policies=list(builtin_policies()))
    assert sorted((f.policy_id, f.resource, f.line, f.verdict) for f in result.findings) == [
        ("IAC301", "aws_iam_policy.agents", 11, "FAIL"), ("IAC303", "aws_iam_policy.agents", 11, "FAIL")]


def test_hostile_json_templates_end_with_an_unknown(tmp_path):
    """A `.tf.json` string nested 20,000 interpolations deep, and one of a million unclosed
    `${"`: each is read in one pass (nesting on a list, not the stack), then the template
    is unknown; the child finishes under the memory cap and the deadline (`bounded`)."""
    import json

    from bounded import run_bounded

    deep = '${upper("' * 20_000 + "x" + '")}' * 20_000
    unclosed = '${"' * 1_000_000
    document = {"resource": {"aws_iam_policy": {"p": {"name": deep, "description": unclosed, "policy": "{}"}}}}
    (tmp_path / "main.tf.json").write_text(json.dumps(document))
    got = run_bounded(f"""
import json
from iaclint.frontends.terraform.module import load_module
from iaclint.model.unknown import Unknown
result = load_module({str(tmp_path)!r}, [{str(tmp_path / "main.tf.json")!r}])
(policy,) = result.resources
print(json.dumps({{k: isinstance(v, Unknown) for k, v in policy.attributes.items()}}))
""")
    assert got == {"name": True, "description": True, "policy": False}
