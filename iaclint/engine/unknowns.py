"""What the YAML engine asks about a value it cannot know (an `Unknown`).

Kept to a few questions, answered by the value domain (`iaclint.model.symbolic`) without
touching the operators or the grammar: may an operator be decided on an Unknown from what
is known of its text (`decide`), and which branches a conditional value has (its
`alternatives`, read by the evaluator). Everything here is sound: an answer is given only
when it holds for every value the Unknown may take.
"""
from __future__ import annotations

from typing import Any

from iaclint.engine import operators
from iaclint.model import symbolic
from iaclint.model.symbolic import cannot_be
from iaclint.model.unknown import Unknown


def _texts(value: Any) -> list | None:
    values = value if isinstance(value, list) else [value]
    out = []
    for v in values:
        if isinstance(v, bool):
            out.append("true" if v else "false")
        elif isinstance(v, (int, float)):
            out.append(str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
        elif isinstance(v, str):
            out.append(v)
        else:
            return None
    return out


_JSON_WORDS = ("true", "false", "null", "NaN", "Infinity")


def _never_json(actual: Unknown) -> bool:
    """Whether no value of the string can be read as JSON: `contains` on a string first
    tries it as JSON (Checkov's rule), where a list or a number answers differently."""
    found = symbolic.tokens(actual)
    text = symbolic.certain_text(found) if found else ""
    if not text or text[0] in "{[\"'-0123456789 \t\r\n":
        return False
    return not any(word.startswith(text) or text.startswith(word) for word in _JSON_WORDS)


def decide(operator: str, actual: Unknown, expected: Any) -> bool | None:
    """The operator's answer on an Unknown when its shape settles it (pseudo parameters,
    `Fn::Sub`/`Fn::Join` text: `arn:${AWS::Partition}:s3:::b/*` is never `*`), else None."""
    name = operators.base_operator(operator)
    positive = operators.NEGATIONS.get(name, name)
    answer = _decide_positive(positive, actual, expected)
    if answer is None:
        return None
    return (not answer) if positive != name else answer


def _decide_positive(name: str, actual: Unknown, expected: Any) -> bool | None:
    if name in ("equals", "within", "is_true", "equals_ignore_case"):
        if name == "is_true":
            candidates: list | None = ["true"]
        elif name == "within":
            candidates = _texts(expected) if isinstance(expected, list) else None
        else:
            candidates = _texts(expected) if not isinstance(expected, (list, dict)) else None
        if not candidates:
            return None
        ignore_case = name in ("is_true", "equals_ignore_case")
        if all(cannot_be(actual, t, ignore_case=ignore_case or t in ("true", "false")) for t in candidates):
            return False
        return None
    if name == "is_empty":
        return False if cannot_be(actual, "") else None
    if name == "contains" and isinstance(expected, str) and expected and _never_json(actual):
        return symbolic.contains_text(actual, expected)
    if name == "starting_with" and isinstance(expected, str):
        return symbolic.starts_with(actual, expected)
    if name == "ending_with" and isinstance(expected, str):
        return symbolic.ends_with(actual, expected)
    return None
