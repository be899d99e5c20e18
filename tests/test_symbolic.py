"""The symbolic value domain (`iaclint.model.symbolic`, `iaclint.model.strings`): its rules,
checked against brute force and against concrete substitutions, and the examples of
issue 12 as regression tests in both formats.

The property that matters most: a verdict found with symbolic values is the verdict of
every concrete value they stand for. A FAIL (or a True, or a False) found on a partially
known string, a hole or a choice must hold for every substitution of its holes, which the
tests sample with hypothesis."""
from __future__ import annotations

import itertools
import re
import textwrap

from conftest import make_resource, pseudo, template
from hypothesis import given, settings
from hypothesis import strategies as st

from iaclint.api import scan
from iaclint.engine.policy import Context, Verdict
from iaclint.engine.yaml_policy import YamlPolicy
from iaclint.model import holes_json, strings, symbolic
from iaclint.model.project import Project
from iaclint.model.unknown import ABSENT, Unknown

# --- the sets of strings: exact, bounded ---------------------------------------------------

GLOB = st.text(alphabet="ab*?", max_size=6)


def _brute_overlap(a: str, b: str) -> bool:
    """Some string over {a, b, c} of length up to len(a) + len(b) that both globs match."""
    ra, rb = (re.compile("".join(".*" if c == "*" else "." if c == "?" else c for c in g), re.S) for g in (a, b))
    for n in range(len(a) + len(b) + 1):
        for letters in itertools.product("abc", repeat=n):
            word = "".join(letters)
            if ra.fullmatch(word) and rb.fullmatch(word):
                return True
    return False


@settings(max_examples=300, deadline=None)
@given(GLOB, GLOB)
def test_overlap_is_exact_on_globs(a, b):
    assert strings.overlap(strings.literal(a, glob=True), strings.literal(b, glob=True)) is _brute_overlap(a, b)


@settings(max_examples=300, deadline=None)
@given(GLOB, GLOB, st.lists(st.text(alphabet="abc", max_size=6), max_size=20))
def test_covers_is_sound(pattern, query, words):
    """When `pattern` is said to cover `query`, every name `query` matches, `pattern` matches."""
    if strings.glob_covers(pattern, query, fold=False) is True:
        to_re = lambda g: re.compile("".join(".*" if c == "*" else "." if c == "?" else c for c in g), re.S)
        for word in words:
            if to_re(query).fullmatch(word):
                assert to_re(pattern).fullmatch(word)


HOLE = Unknown("var.h", "no default")
TOKEN_SETS = st.sampled_from(["a", "b", strings.ANY, frozenset("ab"), frozenset("c"), ("^", frozenset("a"))])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([strings.ONE, strings.STAR]), TOKEN_SETS), max_size=7),
       st.lists(st.tuples(st.sampled_from([strings.ONE, strings.STAR]), TOKEN_SETS), max_size=7),
       st.text(alphabet="ab", max_size=4), st.text(alphabet="ab", max_size=4))
def test_reading_off_common_ends_keeps_the_answer(a, b, head, tail):
    """`overlap` and `glob_covers` read off the literal characters both sides start and
    end with before walking the rest: the answer is the walk's on the whole sequences."""
    a = strings.literal(head) + a + strings.literal(tail)
    b = strings.literal(head) + b + strings.literal(tail)
    assert strings.overlap(a, b) == strings._overlap(a, b, len(a), len(b))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "*", "?", HOLE]), max_size=7),
       st.lists(st.sampled_from(["a", "b", "*", "?", HOLE]), max_size=7),
       st.text(alphabet="ab?", max_size=4), st.text(alphabet="ab?", max_size=4))
def test_covers_reading_off_common_ends_keeps_the_answer(p, q, head, tail):
    p, q = list(head) + p + list(tail), list(head) + q + list(tail)
    assert strings.glob_covers(p, q, fold=False) == strings._covers(p, q, len(p), len(q))


def test_past_the_bound_the_answer_is_unknown_never_a_guess():
    long = "a?" * 800
    assert strings.overlap(strings.literal(long, glob=True), strings.literal(long + "c", glob=True)) is None
    assert strings.glob_covers(long, long + "c") is None
    hole = Unknown("var.x", "no default")
    assert symbolic.covers(template("a?" * 800, hole), "b" * 1300) is None


def test_shapes_are_read_from_our_patterns():
    digits = strings.pattern_tokens("[0-9]{12}")
    assert strings.overlap(digits, strings.literal("123456789012")) is True
    assert strings.overlap(digits, strings.literal("none")) is False
    assert strings.overlap(strings.pattern_tokens("aws[a-z0-9-]*"), strings.literal("aws-us-gov")) is True
    assert strings.pattern_tokens("(a|b)") is None  # not a shape we write: the hole is any text


# --- the rules of the domain -----------------------------------------------------------------

PARTITION = pseudo("AWS::Partition", r"aws[a-z0-9-]*")
NAME = Unknown("!Ref CollectionName", "no default", symbol=("cfn", "t", "CollectionName"))


def test_a_hole_is_equal_to_itself_wherever_it_appears():
    again = Unknown("!Ref CollectionName", "no default", symbol=("cfn", "t", "CollectionName"))
    assert symbolic.same(NAME, again) is True
    assert symbolic.same(template("collection/", NAME), template("collection/", again)) is True
    other = Unknown("!Ref Other", "no default", symbol=("cfn", "t", "Other"))
    assert symbolic.same(NAME, other) is None  # two unknowns may or may not be equal
    elsewhere = Unknown("!Ref CollectionName", "no default", symbol=("cfn", "other.yaml", "CollectionName"))
    assert symbolic.same(NAME, elsewhere) is None  # the same name in another template is another value


def test_a_choice_is_asked_of_every_alternative():
    both = symbolic.choice(["Enabled", "Enabled"], 'c ? "Enabled" : "Enabled"', "r")
    assert both == "Enabled"  # both branches agree: the value itself
    either = symbolic.choice(["Enabled", "Disabled"], "c", "r")
    assert symbolic.same(either, "Enabled") is None
    assert symbolic.same(either, "Other") is False
    assert symbolic.decide(either, lambda v: v in ("Enabled", "Disabled")) is True
    unset = symbolic.choice(["Enabled", ABSENT], "c", "r")
    assert symbolic.decide(unset, lambda v: v == "Enabled", absent=True) is True
    nested = symbolic.choice([symbolic.choice(["a", "b"], "d", "r"), "c"], "e", "r")
    assert nested.alternatives == ("a", "b", "c")


def test_a_partially_known_string_answers_where_the_holes_cannot_change_it():
    arn = template("arn:", PARTITION, ":iam::aws:policy/AmazonSageMakerFullAccess")
    assert symbolic.covers("arn:*:iam::aws:policy/AmazonSageMakerFullAccess", arn) is True
    assert symbolic.covers("arn:aws:iam::aws:policy/AmazonSageMakerFullAccess", arn) is None
    assert symbolic.covers("arn:*:iam::aws:policy/AdministratorAccess", arn) is False
    assert symbolic.starts_with(arn, "arn:aws") is True  # every partition starts with `aws`
    assert symbolic.starts_with(arn, "arn:aws-cn") is None
    assert symbolic.ends_with(arn, "/AmazonSageMakerFullAccess") is True
    assert symbolic.contains_text(arn, ":s3:") is False  # a partition never holds a `:`
    assert symbolic.cannot_be(arn, "*") is True
    assert symbolic.glob(arn) == "arn:*:iam::aws:policy/AmazonSageMakerFullAccess"


def test_strings_of_choices_keep_their_text_and_list_their_values():
    env = symbolic.choice(["dev", "prod"], "!Ref Env", "r", symbol=("cfn", "t", "Env"))
    bucket = template(env, "-data")
    assert bucket.alternatives == ("dev-data", "prod-data")
    assert symbolic.glob(bucket) == "*-data"
    assert symbolic.same(bucket, "prod-data") is None and symbolic.same(bucket, "test-data") is False


def test_json_with_holes_is_read_where_the_holes_cannot_change_it():
    policy = template('[{"Rules": [{"Resource": ["collection/', NAME, '"]}], "AllowFromPublic": true}]')
    document = holes_json.parse(policy)
    resource = document[0]["Rules"][0]["Resource"][0]
    assert document[0]["AllowFromPublic"] is True
    assert symbolic.same(resource, template("collection/", NAME)) is True
    assert holes_json.parse(template('{"', NAME, '": 1}')) is None  # a hole in a key: the shape is unknown


# --- a FAIL found on symbolic values is a FAIL for every concrete value ------------------------

_HOLES = [
    (Unknown("!Ref A", "no default", symbol=("cfn", "t", "A")), st.text(alphabet="ab-:*", max_size=4)),
    (Unknown("!Ref B", "no default", symbol=("cfn", "t", "B")), st.text(alphabet="ab-:", max_size=4)),
    (pseudo("AWS::AccountId", r"[0-9]{12}"), st.from_regex(r"\A[0-9]{12}\Z")),
    (PARTITION, st.sampled_from(["aws", "aws-cn", "aws-us-gov", "aws-iso-b"])),
]
_PIECE = st.one_of(st.text(alphabet="ab-:*", max_size=3), st.integers(0, len(_HOLES) - 1))


@st.composite
def symbolic_strings(draw):
    """A partially known string, or a choice of them, with a sampler of its concrete values."""
    pieces = draw(st.lists(_PIECE, min_size=1, max_size=4))
    value = template(*[_HOLES[p][0] if isinstance(p, int) else p for p in pieces])
    substitutions = draw(st.lists(st.tuples(*[h[1] for h in _HOLES]), min_size=1, max_size=6))

    def concrete(sub):
        return "".join(sub[p] if isinstance(p, int) else p for p in pieces)

    if draw(st.booleans()):
        other = draw(st.text(alphabet="ab-:", max_size=4))
        return symbolic.choice([value, other], "c", "r"), lambda sub: [concrete(sub), other], substitutions
    return value, lambda sub: [concrete(sub)], substitutions


def _agrees(answer, facts: list) -> None:
    if answer is True:
        assert all(facts), facts
    elif answer is False:
        assert not any(facts), facts


@settings(max_examples=400, deadline=None)
@given(symbolic_strings(), st.text(alphabet="ab-:*", max_size=6))
def test_answers_on_symbolic_strings_hold_for_every_substitution(case, constant):
    value, values_of, substitutions = case
    for sub in substitutions:
        values = values_of(sub)
        _agrees(symbolic.same(value, constant), [v == constant for v in values])
        _agrees(symbolic.starts_with(value, constant), [v.startswith(constant) for v in values])
        _agrees(symbolic.ends_with(value, constant), [v.endswith(constant) for v in values])
        if constant:
            _agrees(symbolic.contains_text(value, constant), [constant in v for v in values])


def _glob_matches(pattern: str, name: str) -> bool:
    return re.fullmatch("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern.lower()),
                        name.lower(), re.S) is not None


@settings(max_examples=300, deadline=None)
@given(symbolic_strings(), symbolic_strings(), st.text(alphabet="ab-:", max_size=5))
def test_glob_answers_hold_for_every_substitution(pattern_case, name_case, probe):
    """`covers(pattern, name)` True: every concrete pattern matches every concrete name (as a
    literal); False: none does. Holes shared by both sides take the same value."""
    pattern, patterns_of, subs = pattern_case
    name, names_of, _ = name_case
    answer = symbolic.covers(pattern, name)
    for sub in subs:
        facts = [_glob_matches(p, n) for p in patterns_of(sub) for n in names_of(sub) if "*" not in n]
        _agrees(answer, facts)


_REPLACED = Unknown("var.r", "no default", symbol=("tf", "m", "r"))


@st.composite
def replacements(draw):
    """`replace(text, old, new)` with holes in `text` and maybe in `new`, and substitutions."""
    pieces = draw(st.lists(st.one_of(st.text(alphabet="ab:", max_size=3), st.integers(0, 1)), min_size=1,
                           max_size=5))
    holes = [Unknown("var.x", "no default", symbol=("tf", "m", "x")),
             Unknown("var.y", "no default", symbol=("tf", "m", "y"))]
    new = draw(st.one_of(st.text(alphabet="ab:*", max_size=2),
                         st.tuples(st.text(alphabet="ab:*", max_size=2), st.just(_REPLACED))))
    subs = draw(st.lists(st.tuples(*[st.text(alphabet="ab:", max_size=4)] * 3), min_size=1, max_size=6))
    value = template(*[holes[p] if isinstance(p, int) else p for p in pieces])
    new_value = template(*new) if isinstance(new, tuple) else new
    return pieces, value, draw(st.text(alphabet="ab:", min_size=1, max_size=3)), new, new_value, subs


@settings(max_examples=500, deadline=None)
@given(replacements())
def test_replace_in_a_partially_known_string_holds_for_every_substitution(case):
    """Where `replace` of a partially known string keeps text, every concrete string it
    stands for has that text there: each hole of the text stands for anything, each hole
    `new` brings in for its own value."""
    from iaclint.frontends.terraform.functions import replace_pieces

    pieces, value, old, new, new_value, subs = case
    result = replace_pieces(value, old, new_value)
    if result is None:
        return
    for sub in subs:
        text = "".join(sub[p] if isinstance(p, int) else p for p in pieces)
        inserted = new[0] + sub[2] if isinstance(new, tuple) else new
        shape = "".join(re.escape(sub[2]) if p is _REPLACED else ".*" if isinstance(p, Unknown) else re.escape(p)
                        for p in result)
        assert re.fullmatch(shape, text.replace(old, inserted), re.S), (result, text, old, inserted)


def test_replace_keeps_no_text_where_a_match_could_take_a_hole_and_the_text_beside_it():
    from iaclint.frontends.terraform.functions import replace_pieces

    hole, other = HOLE, Unknown("var.o", "no default")
    assert replace_pieces(template("a", hole, "b"), "xb", "") is None  # begins in the hole
    assert replace_pieces(template("ab", hole), "bx", "") is None  # ends in the hole
    assert replace_pieces(template(hole, "b", other), "abc", "") is None  # spans the text
    assert replace_pieces(template("a", hole), "/a/", "b") is None  # a pattern
    assert replace_pieces(template("a", hole), "", "b") is None
    # Hostile sizes: nothing is built past the limits (the text would be forgotten anyway).
    assert replace_pieces(template("a" * 300, hole), "a", template("b", other)) is None  # pieces
    assert replace_pieces(template("a" * 100, hole), "a", "b" * 60_000) is None  # the value limit (6 M)
    assert replace_pieces(template("a" * 100, hole), "a", "b" * 40_000) is not None  # (4 M)
    assert replace_pieces(template("a", hole), "a" * 257, "b") is None  # a long `old`
    region = Unknown("data.aws_region.current.name", "known only after apply")
    found = replace_pieces(template("arn:", PARTITION, ":bedrock:us-east-1::foundation-model/m"), "us-east-1",
                           region)
    assert [p if isinstance(p, str) else "HOLE" if p is not region else "REGION" for p in found] == [
        "arn:", "HOLE", ":bedrock:", "REGION", "::foundation-model/m"]


_OPERATORS = [("equals", "ab"), ("not_equals", "ab"), ("within", ["ab", "a-b"]), ("contains", "a:"),
              ("starting_with", "a"), ("ending_with", "b"), ("is_empty", None), ("is_not_empty", None)]


def _verdict(value, operator, expected):
    node = {"cond_type": "attribute", "resource_types": ["aws_sagemaker_notebook_instance"], "attribute": "x",
            "operator": operator}
    if expected is not None:
        node["value"] = expected
    policy = YamlPolicy({"metadata": {"id": "IAC999", "name": "t", "message": "bad"}, "definition": node}, "t.yaml")
    resource = make_resource("aws_sagemaker_notebook_instance", {"x": value})
    return next(iter(policy.check(resource, Context(Project([resource]))))).verdict


@settings(max_examples=300, deadline=None)
@given(symbolic_strings(), st.sampled_from(_OPERATORS))
def test_a_yaml_verdict_on_symbolic_values_is_the_verdict_of_every_concrete_value(case, operator):
    value, values_of, substitutions = case
    name, expected = operator
    found = _verdict(value, name, expected)
    if found is Verdict.UNKNOWN:
        return
    for sub in substitutions:
        for concrete in values_of(sub):
            assert _verdict(concrete, name, expected) is found, (concrete, name, expected)


# --- the examples of issue 12, in both formats ---------------------------------------------------

TRUST_TF = """
resource "aws_iam_role" "r" {
  name = "r"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "sagemaker.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}
data "aws_partition" "current" {}
"""


def _scan(tmp_path, name: str, text: str, select: str):
    (tmp_path / name).write_text(textwrap.dedent(text).lstrip())
    result = scan([str(tmp_path / name)], strict=True, select=[select])
    assert not result.errors, result.errors
    return sorted((f.resource, f.line) for f in result.findings), sorted((f.resource, f.line) for f in result.unknowns)


def test_partition_unknown_arns_are_the_sagemaker_full_access_policy_in_terraform(tmp_path):
    found, unknown = _scan(tmp_path, "main.tf", TRUST_TF + """
    resource "aws_iam_role_policy_attachment" "format" {
      role       = aws_iam_role.r.name
      policy_arn = format("arn:%s:iam::aws:policy/AmazonSageMakerFullAccess", data.aws_partition.current.partition)
    }
    resource "aws_iam_role_policy_attachment" "template" {
      role       = aws_iam_role.r.name
      policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonSageMakerFullAccess"
    }
    resource "aws_iam_role_policy_attachment" "join" {
      role       = aws_iam_role.r.name
      policy_arn = join(":", ["arn", data.aws_partition.current.partition, "iam", "", "aws", "policy/AmazonSageMakerFullAccess"])
    }
    resource "aws_iam_role_policy_attachment" "module_output" {
      role       = aws_iam_role.r.name
      policy_arn = format("arn:%s:iam::aws:policy/AmazonSageMakerFullAccess", module.aws.partition.partition)
    }
    """, "IAC309")
    assert found == [("aws_iam_role_policy_attachment.format", 12), ("aws_iam_role_policy_attachment.join", 20),
                     ("aws_iam_role_policy_attachment.module_output", 24),
                     ("aws_iam_role_policy_attachment.template", 16)]
    assert unknown == []


def test_an_arn_rewritten_by_replace_with_an_unknown_partition_and_region_is_no_wildcard(tmp_path):
    """aws-ia/terraform-aws-bedrock writes its embedding model's ARN for any partition and
    region as two `replace` calls on a default ARN: the result keeps `arn:` and the model,
    so it is never `*` (IAC303 passes; it was UNKNOWN). A `replace` in a value that is all
    hole keeps nothing: still UNKNOWN."""
    found, unknown = _scan(tmp_path, "main.tf", """
    variable "model_arn" { default = "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0" }
    data "aws_partition" "current" {}
    data "aws_region" "current" {}
    resource "aws_iam_policy" "kb" {
      name = "kb"
      policy = jsonencode({
        Version = "2012-10-17"
        Statement = [{
          Effect   = "Allow"
          Action   = ["bedrock:InvokeModel"]
          Resource = replace(replace(var.model_arn, "arn:aws", "arn:${data.aws_partition.current.partition}"),
                             "us-east-1", data.aws_region.current.name)
        }]
      })
    }
    resource "aws_iam_policy" "hole" {
      name = "hole"
      policy = jsonencode({
        Version = "2012-10-17"
        Statement = [{ Effect = "Allow", Action = ["bedrock:InvokeModel"],
                       Resource = replace(data.aws_region.current.name, "us-", "*") }]
      })
    }
    """, "IAC303")
    assert found == unknown == [("aws_iam_policy.hole", 21)]  # (strict: the findings list it too)


def test_partition_unknown_arns_are_the_sagemaker_full_access_policy_in_cloudformation(tmp_path):
    found, unknown = _scan(tmp_path, "template.yaml", """
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      Role:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Principal: {Service: sagemaker.amazonaws.com}, Action: sts:AssumeRole}
          ManagedPolicyArns:
            - !Sub arn:${AWS::Partition}:iam::aws:policy/AmazonSageMakerFullAccess
            - !Join [":", [arn, !Ref AWS::Partition, iam, "", aws, policy/AmazonSageMakerFullAccess]]
    """, "IAC309")
    assert found == [("Role", 11), ("Role", 12)]
    assert unknown == []


def test_a_public_aoss_policy_names_the_collection_through_the_same_parameter(tmp_path):
    found, unknown = _scan(tmp_path, "template.yaml", """
    AWSTemplateFormatVersion: "2010-09-09"
    Parameters:
      CollectionName: {Type: String}
    Resources:
      Collection:
        Type: AWS::OpenSearchServerless::Collection
        Properties: {Name: !Ref CollectionName, Type: VECTORSEARCH}
      Network:
        Type: AWS::OpenSearchServerless::SecurityPolicy
        Properties:
          Name: net
          Type: network
          Policy: !Sub '[{"Rules":[{"ResourceType":"collection","Resource":["collection/${CollectionName}"]}],"AllowFromPublic":true}]'
    """, "IAC211")
    assert found == [("Network", 13)] and unknown == []


def test_a_public_aoss_policy_names_the_collection_through_the_same_variable(tmp_path):
    found, unknown = _scan(tmp_path, "main.tf", """
    variable "name" { type = string }
    resource "aws_opensearchserverless_collection" "c" {
      name = var.name
      type = "VECTORSEARCH"
    }
    resource "aws_opensearchserverless_security_policy" "net" {
      name   = "net"
      type   = "network"
      policy = jsonencode([{ Rules = [{ ResourceType = "collection", Resource = ["collection/${var.name}"] }], AllowFromPublic = true }])
    }
    """, "IAC211")
    assert found == [("aws_opensearchserverless_security_policy.net", 9)] and unknown == []


def test_a_conditional_whose_branches_agree_is_their_value(tmp_path):
    found, unknown = _scan(tmp_path, "main.tf", """
    variable "tier" { type = string }
    resource "aws_sagemaker_notebook_instance" "nb" {
      name                   = "nb"
      role_arn               = "arn:aws:iam::123456789012:role/x"
      instance_type          = "ml.t3.medium"
      direct_internet_access = var.tier == "gold" ? "Enabled" : "Enabled"
    }
    """, "IAC201")
    assert found == [("aws_sagemaker_notebook_instance.nb", 6)] and unknown == []


def test_identity_decides_comparisons_in_both_evaluators(tmp_path):
    from iaclint.frontends.cloudformation.evaluator import Evaluator

    t = {"Parameters": {"P": {"Type": "String"}}, "Conditions": {"C": {"Fn::Equals": [{"Ref": "P"}, {"Ref": "P"}]}}}
    assert Evaluator(t).condition("C") is True
    found, _ = _scan(tmp_path, "main.tf", """
    variable "tier" { type = string }
    resource "aws_sagemaker_notebook_instance" "nb" {
      name                   = "nb"
      role_arn               = "arn:aws:iam::123456789012:role/x"
      instance_type          = "ml.t3.medium"
      direct_internet_access = var.tier == var.tier ? "Enabled" : "Disabled"
    }
    """, "IAC201")
    assert found == [("aws_sagemaker_notebook_instance.nb", 6)]


_MANAGED_BY_DATA_SOURCE = TRUST_TF + """data "aws_iam_policy" "full" {
  arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonSageMakerFullAccess"
}
resource "aws_iam_role_policy_attachment" "full" {
  role       = aws_iam_role.r.name
  policy_arn = data.aws_iam_policy.full.arn
}
"""


def test_a_managed_policy_read_by_a_data_source_with_an_unknown_partition_is_that_policy(tmp_path):
    """aws-ia/terraform-aws-sagemaker-endpoint attaches `data.aws_iam_policy.x.arn`, whose
    `arn` is the SageMaker full-access policy in any partition. In its module that was a
    PASS (the data source's address, `module.m.data.aws_iam_policy.x`, was not recognised),
    at the root an UNKNOWN; it is that policy in both."""
    (tmp_path / "root").mkdir()
    (tmp_path / "root" / "main.tf").write_text(_MANAGED_BY_DATA_SOURCE)
    (tmp_path / "call" / "child").mkdir(parents=True)
    (tmp_path / "call" / "child" / "main.tf").write_text(_MANAGED_BY_DATA_SOURCE)
    (tmp_path / "call" / "main.tf").write_text('module "m" {\n  source = "./child"\n}\n')
    result = scan([str(tmp_path)], strict=True, select=["IAC309"])  # (an ML role's: IAC318 leaves it to IAC309)
    assert not result.errors, result.errors
    assert sorted((f.resource, f.verdict) for f in result.findings) == [
        ("aws_iam_role_policy_attachment.full", "FAIL"), ("module.m.aws_iam_role_policy_attachment.full", "FAIL")]
    assert "has the AWS managed policy `AmazonSageMakerFullAccess` attached" in result.findings[0].message


def test_a_service_principal_of_the_partition_s_dns_suffix_is_that_service_in_terraform(tmp_path):
    """`sagemaker.${data.aws_partition.current.dns_suffix}` (through a local too) is the
    SageMaker principal in whatever partition: the role is an ML execution role. A suffix
    from a variable may be anything: UNKNOWN."""
    role = """
    resource "aws_iam_role" "%s" {
      name = "%s"
      assume_role_policy = jsonencode({
        Version = "2012-10-17"
        Statement = [{ Effect = "Allow", Principal = { Service = "sagemaker.${%s}" }, Action = "sts:AssumeRole" }]
      })
      managed_policy_arns = ["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"]
    }"""
    text = """
    data "aws_partition" "current" {}
    locals { dns_suffix = data.aws_partition.current.dns_suffix }
    variable "suffix" { type = string }""" + "".join(role % (name, name, suffix) for name, suffix in (
        ("partition", "data.aws_partition.current.dns_suffix"), ("local", "local.dns_suffix"),
        ("variable", "var.suffix")))
    found, unknown = _scan(tmp_path, "main.tf", text, "IAC309")
    assert sorted(found) == [("aws_iam_role.local", 18), ("aws_iam_role.partition", 10), ("aws_iam_role.variable", 26)]
    assert unknown == [("aws_iam_role.variable", 26)]


def test_a_service_principal_of_the_url_suffix_is_that_service_in_cloudformation(tmp_path):
    found, unknown = _scan(tmp_path, "template.yaml", """
    AWSTemplateFormatVersion: "2010-09-09"
    Parameters:
      Suffix: {Type: String}
    Resources:
      UrlSuffix:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument:
            Statement: [{Effect: Allow, Principal: {Service: !Sub "sagemaker.${AWS::URLSuffix}"}, Action: sts:AssumeRole}]
          ManagedPolicyArns: [arn:aws:iam::aws:policy/AmazonSageMakerFullAccess]
      Parameter:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument:
            Statement: [{Effect: Allow, Principal: {Service: !Sub "sagemaker.${Suffix}"}, Action: sts:AssumeRole}]
          ManagedPolicyArns: [arn:aws:iam::aws:policy/AmazonSageMakerFullAccess]
    """, "IAC309")
    assert found == [("Parameter", 16), ("UrlSuffix", 10)]
    assert unknown == [("Parameter", 16)]


def test_an_unknown_trust_principal_is_said_to_be_unknown_not_unreadable(tmp_path):
    """The trust policy is read; only whether its principal is SageMaker is not known."""
    (tmp_path / "main.tf").write_text("""
variable "service" { type = string }
resource "aws_iam_role" "r" {
  name = "r"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = var.service }, Action = "sts:AssumeRole" }]
  })
}
resource "aws_iam_role_policy_attachment" "full" {
  role       = aws_iam_role.r.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"
}
""")
    result = scan([str(tmp_path)], strict=True, select=["IAC309"])
    assert [(f.resource, f.line, f.verdict) for f in result.findings] == [
        ("aws_iam_role_policy_attachment.full", 11, "UNKNOWN")]
    assert result.findings[0].message.endswith(
        ": whether SageMaker, Bedrock or AgentCore may assume `aws_iam_role.r` cannot be known statically (a principal or a "
        "statement of its trust policy is not known)")
