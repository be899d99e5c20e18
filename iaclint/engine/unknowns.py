"""What the YAML engine asks about a value it cannot know (an `Unknown`).

Kept to a few questions so that a richer value domain can answer them better without
touching the operators or the grammar: may an operator be decided on an Unknown from what
is known of its text (`decide`), and which branches a conditional value has
(`iaclint.model.unknown`'s `alternatives`, read by the evaluator). Everything here is
sound: an answer is given only when it holds for every value the Unknown may take.
"""
from __future__ import annotations

from typing import Any

from iaclint.engine import operators
from iaclint.model.unknown import Unknown, cannot_be, literal_text


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
    if name == "contains" and isinstance(expected, str) and expected:
        return True if any(expected in text for text in literal_text(actual)) else None
    if name == "starting_with" and isinstance(expected, str) and actual.parts:
        first = actual.parts[0]
        if isinstance(first, str) and len(first) >= len(expected):
            return first.startswith(expected)
    return None
