"""iaclint.model.lazy_re: a pattern compiled on first use behaves as the compiled one."""
from __future__ import annotations

import re

import pytest

from iaclint.model import lazy_re


def test_compiles_on_first_use_and_answers_as_re():
    lazy = lazy_re.compile(r"(?P<a>a+)(b)?", re.IGNORECASE)
    real = re.compile(r"(?P<a>a+)(b)?", re.IGNORECASE)
    assert lazy.match("AAB").groups() == real.match("AAB").groups()
    assert lazy.fullmatch("aab").group("a") == "aa"
    assert lazy.search("xxab").span() == real.search("xxab").span()
    assert lazy.sub("-", "aab aa") == real.sub("-", "aab aa")
    assert lazy.subn("-", "aab") == real.subn("-", "aab")
    assert lazy.split("xaaby") == real.split("xaaby")
    assert lazy.findall("ab a") == real.findall("ab a")
    assert [m.span() for m in lazy.finditer("ab a")] == [m.span() for m in real.finditer("ab a")]
    assert (lazy.pattern, lazy.flags, lazy.groups, dict(lazy.groupindex)) == \
        (real.pattern, real.flags, real.groups, dict(real.groupindex))


def test_a_bad_pattern_fails_when_used_and_unknown_names_are_attribute_errors():
    bad = lazy_re.compile("(")
    with pytest.raises(re.error):
        bad.match("x")
    with pytest.raises(AttributeError):
        lazy_re.compile("a").nothing  # noqa: B018
