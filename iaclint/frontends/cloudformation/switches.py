"""Which parameters of the root template decide a `Condition`.

The CloudFormation twin of `iaclint.frontends.terraform.switches`: a resource whose
Condition is false is worth a note (`model.resource.Uncreated`) only when the person
deploying can make it true, by a parameter of the template they deploy (`--parameter`, a
parameter file, an environment). A condition on literals, or a nested stack's parameter
that its parent sets to a literal or leaves at the child's default, is what the code says:
no note. The raw template is followed: `Ref`s and `${Name}` in `Fn::Sub` to the template's
parameters, `Condition` to other conditions, and a nested stack's parameter to the value
its parent passes (`parent_link`, set by `nested`). Each (template, name) is visited once.
"""
from __future__ import annotations

from iaclint.model import lazy_re

_SUB_NAME = lazy_re.compile(r"\$\{([A-Za-z0-9_]+)\}")


def root_parameters(evaluator, condition: str) -> tuple:
    """The root template's parameters that Condition `condition` of `evaluator`'s
    template depends on, sorted."""
    found: set = set()
    seen: set = set()
    pending = [(evaluator, "Condition", condition)]
    while pending:
        current, kind, name = pending.pop()
        key = (id(current), kind, name)
        if key in seen:
            continue
        seen.add(key)
        if kind == "Condition":
            if name in current.conditions:
                pending.extend((current, k, n) for k, n in _names(current.conditions[name]))
        elif name in current.params:
            link = getattr(current, "parent_link", None)
            if link is None:
                found.add(name)
            elif name in link[1]:
                pending.extend((link[0], k, n) for k, n in _names(link[1][name]))
    return tuple(sorted(found))


def _names(value) -> list:
    """("Ref", parameter) and ("Condition", name) pairs a raw template value refers to."""
    out: list = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, inner in item.items():
                if key in ("Ref", "Condition") and isinstance(inner, str):
                    out.append((key, inner))
                elif key == "Fn::Sub":
                    text = inner[0] if isinstance(inner, list) and inner else inner
                    if isinstance(text, str):
                        out.extend(("Ref", n) for n in _SUB_NAME.findall(text))
                    stack.append(inner)
                else:
                    stack.append(inner)
        elif isinstance(item, list):
            stack.extend(item)
    return out
