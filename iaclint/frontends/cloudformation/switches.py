"""Which parameters of the root template decide a `Condition`.

The CloudFormation twin of `iaclint.frontends.terraform.switches`: a resource whose
Condition is false is worth a note (`model.resource.Uncreated`) only when the person
deploying can make it true, by a parameter of the template they deploy (`--parameter`, a
parameter file, an environment). A condition on literals, or a nested stack's parameter
that its parent sets to a literal or leaves at the child's default, is what the code says:
no note. The raw template is followed: `Ref`s and `${Name}` in `Fn::Sub` to the template's
parameters, `Condition` to other conditions, and a nested stack's parameter to the value
its parent passes (`parent_link`, set by `nested`). What a name leads to is worked out
once per template (`_MEMO` on its evaluator); a chain deeper than `MAX_DEPTH` is not
followed further, and a cycle adds nothing.
"""
from __future__ import annotations

from iaclint.model import lazy_re

MAX_DEPTH = 64
_SUB_NAME = lazy_re.compile(r"\$\{([A-Za-z0-9_]+)\}")
_MEMO = "_switch_memo"  # attribute of an Evaluator: (kind, name) -> frozenset of root parameters


def root_parameters(evaluator, condition: str) -> tuple:
    """The root template's parameters that Condition `condition` of `evaluator`'s
    template depends on, sorted."""
    return tuple(sorted(_of_name(evaluator, "Condition", condition, 0)))


def _of_name(evaluator, kind: str, name: str, depth: int) -> frozenset:
    memo = evaluator.__dict__.setdefault(_MEMO, {})
    key = (kind, name)
    if key in memo:
        return memo[key]
    if depth >= MAX_DEPTH:
        return frozenset()
    memo[key] = frozenset()  # while it is worked out: a reference back to it (a cycle) adds nothing
    found: frozenset = frozenset()
    if kind == "Condition":
        if name in evaluator.conditions:
            found = _of_value(evaluator, evaluator.conditions[name], depth)
    elif name in evaluator.params:
        link = getattr(evaluator, "parent_link", None)
        if link is None:
            found = frozenset((name,))
        elif name in link[1]:  # none: the child's own default decides
            found = _of_value(link[0], link[1][name], depth)
    memo[key] = found
    return found


def _of_value(evaluator, value, depth: int) -> frozenset:
    return frozenset().union(*(_of_name(evaluator, kind, name, depth + 1) for kind, name in _names(value)))


def _names(value) -> dict:
    """The ("Ref", parameter) and ("Condition", name) pairs a raw template value refers to."""
    out: dict = {}
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, inner in item.items():
                if key in ("Ref", "Condition") and isinstance(inner, str):
                    out[(key, inner)] = None
                elif key == "Fn::Sub":
                    text = inner[0] if isinstance(inner, list) and inner else inner
                    if isinstance(text, str):
                        out.update((("Ref", n), None) for n in _SUB_NAME.findall(text))
                    stack.append(inner)
                else:
                    stack.append(inner)
        elif isinstance(item, list):
            stack.extend(item)
    return out
