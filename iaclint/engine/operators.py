"""Checkov's attribute operators on known values, one function each.

A faithful port of the solvers in Checkov 3.3.30
(`checkov/common/checks_infra/solvers/attribute_solvers/`, registered by name in
`checkov/common/checks_infra/checks_parser.py`), so that a user's Checkov policy gets
the verdicts Checkov gives. Each function answers `operator(actual, expected)` where
`actual` is the attribute's value (None when it is not set) and `expected` the policy's
`value`. They only see plain data: an `Unknown` never reaches them (the evaluator asks
`iaclint.engine.unknowns` about those first). A function that raises on odd data (a
`contains` on a number) means "no answer", as the exception does inside Checkov.

Deliberate differences from Checkov, listed in docs/checkov.md: `is_true` and
`is_false` also read the strings "true"/"false" in any case (Terraform and CloudFormation
coerce them for boolean arguments; Checkov tests `value is True`), and numbers that are
whole floats compare as integers (`5.0` is `5`).
"""
from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Collection, Iterable, Sized
from typing import Any, Callable

JSONPATH_PREFIX = "jsonpath_"


def _force_int(value: Any) -> int | None:
    try:
        return value if isinstance(value, int) else int(value)
    except (TypeError, ValueError, OverflowError):
        return None


def _force_float(value: Any) -> float | None:
    try:
        return value if isinstance(value, float) else float(value)
    except (TypeError, ValueError, OverflowError):
        return None


def _text(value: Any) -> str:
    """`str()` as Checkov applies it, with whole floats written as integers."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def equals(actual: Any, expected: Any) -> bool:
    if isinstance(actual, bool) or isinstance(expected, bool):
        return _text(actual).lower() == _text(expected).lower()
    if (isinstance(actual, list) and isinstance(expected, list)) or (
            isinstance(actual, dict) and isinstance(expected, dict)):
        return actual == expected
    return _text(actual) == _text(expected)


def equals_ignore_case(actual: Any, expected: Any) -> bool:
    return _text(actual).lower() == _text(expected).lower()


def exists(actual: Any, expected: Any) -> bool:
    return actual is not None


def any_value(actual: Any, expected: Any) -> bool:
    return True


def contains(actual: Any, expected: Any) -> bool:
    value = "{}" if actual is None else actual
    if isinstance(value, str):
        try:
            value = json.loads(value.replace("'", '"'))
        except ValueError:
            pass
    if isinstance(value, dict):
        return expected in value or any(expected in v for v in value.values() if type(v) in (str, list, set, dict))
    return expected in value


def within(actual: Any, expected: Any) -> bool:
    return actual in expected


def starting_with(actual: Any, expected: Any) -> bool:
    return isinstance(actual, str) and actual.startswith(expected)


def ending_with(actual: Any, expected: Any) -> bool:
    return isinstance(actual, str) and actual.endswith(expected)


def regex_match(actual: Any, expected: Any) -> bool:
    try:
        return re.match(str(expected), _text(actual)) is not None
    except re.error:
        return False


def _compare(actual: Any, expected: Any, op: Callable[[Any, Any], bool]) -> bool:
    if actual is None:
        return False
    a, b = _force_float(actual), _force_float(expected)
    if a and b:  # Checkov's test: 0 compares as text
        return op(a, b)
    return op(_text(actual), _text(expected))


def greater_than(actual: Any, expected: Any) -> bool:
    return _compare(actual, expected, lambda a, b: a > b)


def greater_than_or_equal(actual: Any, expected: Any) -> bool:
    return _compare(actual, expected, lambda a, b: a >= b)


def less_than(actual: Any, expected: Any) -> bool:
    return actual is not None and not greater_than_or_equal(actual, expected)


def less_than_or_equal(actual: Any, expected: Any) -> bool:
    return actual is not None and not greater_than(actual, expected)


def subset(actual: Any, expected: Any) -> bool:
    if isinstance(actual, set):
        have = actual
    elif isinstance(actual, (list, dict)):
        have = set(actual)
    else:
        have = {actual}
    return have.issubset(expected)


def is_empty(actual: Any) -> bool:
    return isinstance(actual, Collection) and len(actual) == 0


def _length(op: Callable[[int, int], bool]) -> Callable[[Any, Any], bool]:
    def length(actual: Any, expected: Any) -> bool:
        if actual is None:
            return False
        want = _force_int(expected)
        if want is None or not isinstance(actual, Sized):
            return False
        return op(1 if isinstance(actual, dict) else len(actual), want)
    return length


def is_true(actual: Any, expected: Any = None) -> bool:
    return actual is True or (isinstance(actual, str) and actual.lower() == "true")


def intersects(actual: Any, expected: Any) -> bool:
    if isinstance(expected, str) and isinstance(actual, Iterable):
        return expected in actual
    if isinstance(expected, Collection) and isinstance(actual, Iterable):
        return any(item in expected for item in actual)
    return False


def _range_values(expected: Any) -> list:
    out: list = []
    for v in expected if isinstance(expected, list) else [expected]:
        if isinstance(v, str) and "-" in v:
            start_text, end_text = v.split("-")
            start, end = _force_int(start_text), _force_int(end_text)
            if start is not None and end is not None:
                out.extend(range(start, end + 1))
        else:
            out.append(_force_int(v) if isinstance(v, (str, int)) else v)
    return out


def _in_range(value: Any, attr: Any) -> bool:
    if attr == "*":
        return True
    if isinstance(attr, str) and attr.count("-") == 1:
        start, end = attr.split("-")
        try:
            return bool(_force_int(start) <= value <= _force_int(end))
        except TypeError:
            return False
    return bool(_force_int(attr) == value)


def range_includes(actual: Any, expected: Any) -> bool:
    if actual is None:
        return False
    wanted = _range_values(expected)
    items = actual if isinstance(actual, list) else [actual]
    return any(_in_range(v, item) for item in items for v in wanted)


def _words(op: Callable[[int, Any], bool], need_number: bool = True) -> Callable[[Any, Any], bool]:
    def number_of_words(actual: Any, expected: Any) -> bool:
        if not isinstance(actual, str):
            return False
        want = _force_int(expected)
        if want is None and need_number:
            return False
        return op(len(actual.split()), want)
    return number_of_words


def _cidr_sets(value: Any) -> tuple[set, set]:
    v4: set = set()
    v6: set = set()
    if isinstance(value, str):
        items: Iterable = [value]
    elif isinstance(value, (list, set)):
        items = value
    else:
        raise ValueError(f"Unsupported type for CIDR conversion: {type(value)}")
    for item in items:
        network = ipaddress.ip_network(item, strict=False)
        (v4 if isinstance(network, ipaddress.IPv4Network) else v6).add(network)
    return v4, v6


def cidr_range_subset(actual: Any, expected: Any) -> bool:
    if not actual:
        return False
    allowed4, allowed6 = _cidr_sets(expected)
    have4, have6 = _cidr_sets(actual)
    return (all(any(c.subnet_of(a) for a in allowed4) for c in have4)
            and all(any(c.subnet_of(a) for a in allowed6) for c in have6))


def _negate(function: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    return lambda actual, expected: not function(actual, expected)


_POSITIVE: dict[str, Callable[[Any, Any], bool]] = {
    "equals": equals,
    "equals_ignore_case": equals_ignore_case,
    "exists": exists,
    "any": any_value,
    "contains": contains,
    "within": within,
    "starting_with": starting_with,
    "ending_with": ending_with,
    "regex_match": regex_match,
    "greater_than": greater_than,
    "greater_than_or_equal": greater_than_or_equal,
    "less_than": less_than,
    "less_than_or_equal": less_than_or_equal,
    "subset": subset,
    "is_empty": lambda actual, expected: is_empty(actual),
    "length_equals": _length(lambda n, want: n == want),
    "length_greater_than": _length(lambda n, want: n > want),
    "length_greater_than_or_equal": _length(lambda n, want: n >= want),
    "length_less_than": _length(lambda n, want: n < want),
    "length_less_than_or_equal": _length(lambda n, want: n <= want),
    "is_true": is_true,
    "intersects": intersects,
    "range_includes": range_includes,
    "number_of_words_equals": _words(lambda n, want: n == want, need_number=False),
    "number_of_words_greater_than": _words(lambda n, want: n > want),
    "number_of_words_greater_than_or_equal": _words(lambda n, want: n >= want),
    "number_of_words_less_than": _words(lambda n, want: n < want),
    "number_of_words_less_than_or_equal": _words(lambda n, want: n <= want),
    "cidr_range_subset": cidr_range_subset,
}

# Checkov's negative operators are `not` of their positive twin, on every input
# (so `is_false` is `not is_true`, and a missing attribute is "not empty").
NEGATIONS = {
    "not_equals": "equals", "not_equals_ignore_case": "equals_ignore_case",
    "not_exists": "exists", "not_contains": "contains", "not_within": "within",
    "not_starting_with": "starting_with", "not_ending_with": "ending_with",
    "not_regex_match": "regex_match", "not_subset": "subset", "is_not_empty": "is_empty",
    "length_not_equals": "length_equals", "is_false": "is_true", "not_intersects": "intersects",
    "range_not_includes": "range_includes", "number_of_words_not_equals": "number_of_words_equals",
    "cidr_range_not_subset": "cidr_range_subset",
}

OPERATORS: dict[str, Callable[[Any, Any], bool]] = dict(_POSITIVE)
OPERATORS.update({name: _negate(_POSITIVE[positive]) for name, positive in NEGATIONS.items()})

# Operators that look at whether a value is there, not at the value: an unresolved
# reference is "there" (Checkov's `is_value_attribute_check = False`).
PRESENCE = frozenset({"exists", "not_exists", "any"})

# Where a `*` path reaches several values, one passing value is enough, except for these,
# where every value must pass (Checkov's `should_check_all_condition`). JSONPath
# operators always need every match to pass.
EVERY_MATCH = frozenset({"not_contains"})


def base_operator(name: str) -> str:
    """`jsonpath_equals` -> `equals`."""
    return name[len(JSONPATH_PREFIX):] if name.startswith(JSONPATH_PREFIX) else name


def is_known(name: str) -> bool:
    return base_operator(name) in OPERATORS


def all_names() -> list[str]:
    """Every operator name a policy may write: the plain ones and their `jsonpath_` twins."""
    names = sorted(OPERATORS)
    return names + [JSONPATH_PREFIX + n for n in names]


def apply(name: str, actual: Any, expected: Any) -> bool | None:
    """The operator's answer on a known value; None when it cannot answer (it raised,
    as Checkov's solver would, leaving the resource without a verdict)."""
    try:
        return bool(OPERATORS[base_operator(name)](actual, expected))
    except (TypeError, ValueError, AttributeError, re.error):
        return None
