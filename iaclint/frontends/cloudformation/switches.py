"""Which parameters of the root template decide a `Condition`.

The CloudFormation twin of `iaclint.frontends.terraform.switches`: a resource whose
Condition is false is worth a note (`model.resource.Uncreated`) only when the person
deploying can make it true, by a parameter of the template they deploy (`--parameter`, a
parameter file, an environment). A condition on literals, or a nested stack's parameter
that its parent sets to a literal or leaves at the child's default, is what the code says:
no note. The raw template is followed: `Ref`s and `${Name}` in `Fn::Sub` to the template's
parameters, `Condition` to other conditions, and a nested stack's parameter to the value
its parent passes (`parent_link`, set by `nested`). What a name leads to is worked out
once per template (`model.memo_walks`); a chain deeper than `memo_walks.MAX_DEPTH` is not
followed further, and a cycle adds nothing.
"""
from __future__ import annotations

from iaclint.model import lazy_re, memo_walks

_SUB_NAME = lazy_re.compile(r"\$\{([A-Za-z0-9_]+)\}")


def root_parameters(evaluator, condition: str) -> tuple:
    """The root template's parameters that Condition `condition` of `evaluator`'s
    template depends on, sorted."""
    try:
        return tuple(sorted(_of_name(evaluator, "Condition", condition, 0)))
    except RecursionError:  # a deep chain on an already deep stack: no note rather than a lost resource
        return ()


def _of_name(evaluator, kind: str, name: str, depth: int) -> frozenset:
    return memo_walks.once(evaluator, ("cfn", kind, name), depth, _followed, frozenset())


def _followed(evaluator, kind: str, name: str, depth: int) -> frozenset:
    if kind == "Condition":
        return _of_value(evaluator, evaluator.conditions[name], depth) if name in evaluator.conditions else frozenset()
    if name not in evaluator.params:
        return frozenset()
    link = getattr(evaluator, "parent_link", None)
    if link is None:
        return frozenset((name,))
    return _of_value(link[0], link[1][name], depth) if name in link[1] else frozenset()  # none: the child's default


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
