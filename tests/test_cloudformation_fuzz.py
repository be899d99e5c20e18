"""Property tests: no input makes the CloudFormation loader raise, or fall into its catch-all."""
from __future__ import annotations

import os

from conftest import FIXTURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iaclint.frontends.cloudformation.template import TemplateResult, load_template

SEEDS = [p.read_bytes() for p in sorted((FIXTURES / "parsers" / "cloudformation").glob("**/template.*"))]
SETTINGS = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def check(data: bytes, parameters=None) -> None:
    result = load_template("fuzz.yaml", data, parameters)
    assert result is None or isinstance(result, TemplateResult)
    if result is not None:  # the catch-all in load_template must never be what saved us
        for error in result.errors:
            assert not error.message.startswith(("internal error", "cannot evaluate")), error


@SETTINGS
@given(st.binary(max_size=2000))
def test_random_bytes(data):
    check(data)


@SETTINGS
@given(st.binary(max_size=400))
def test_random_bytes_after_a_template_header(data):
    check(b"AWSTemplateFormatVersion: '2010-09-09'\nResources:\n" + data)


@SETTINGS
@given(st.sampled_from(SEEDS), st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 8),
                                                  st.binary(max_size=6)), max_size=6))
def test_mutated_templates(seed, edits):
    data = bytearray(seed)
    for position, cut, insert in edits:
        at = position % (len(data) + 1)
        data[at:at + cut] = insert
    check(bytes(data))


_TOKENS = ["!Ref", "!GetAtt", "!Sub", "!If", "!Join", "!Select", "!Split", "!FindInMap", "!Condition",
           "!Not", "!And", "!Equals", "AWS::NoValue", "AWS::Region", "P", "C", "R", "${P}", "${R.Arn}",
           "[", "]", "{", "}", ",", ":", "-", "\n", "  ", "&a", "*a", "0", "x"]


@SETTINGS
@given(st.lists(st.sampled_from(_TOKENS), max_size=40), st.dictionaries(st.sampled_from(["P", "Q"]),
                                                                         st.text(max_size=5)))
def test_intrinsic_soup(tokens, parameters):
    head = ("AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  P: {Type: CommaDelimitedList, Default: 'a,b'}\n"
            "Conditions:\n  C: !Equals [!Ref P, x]\nResources:\n  R:\n    Type: AWS::S3::Bucket\n"
            "  S:\n    Type: AWS::S3::Bucket\n    Properties:\n      V: ")
    check((head + " ".join(tokens) + "\n").encode(), parameters)
