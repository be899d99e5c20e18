"""Which variables of the root module decide a `count` or `for_each`.

A block that creates nothing is worth a note (`model.resource.Uncreated`) only when the
person deploying can switch it on: when its `count` or `for_each` depends on a variable of
the root module, which `-var`, a variable file or an environment sets. One that a child
module's own default switches off (an optional feature of a general-purpose module its
caller did not ask for), or a literal `count = 0`, is what the code says: no note. The
expression is followed through the text of its references: `var.x` of a child to the
argument its call passes (none: the child's default decides), `local.y` to the local's
expression. What a name leads to is worked out once per module instance
(`model.memo_walks`), so 10,000 blocks behind one chain of locals cost the chain once; a
chain deeper than `memo_walks.MAX_DEPTH` is not followed further, and a cycle adds nothing.
"""
from __future__ import annotations

from iaclint.model import lazy_re, memo_walks

_NAME = lazy_re.compile(r"\b(var|local)\.([A-Za-z_][A-Za-z0-9_-]*)")


def root_variables(attribute, module) -> tuple:
    """The root module's variables that `attribute` (of `module`) depends on, sorted; of
    those, the ones that look like switches when there are any: a bool, a number, null or
    an empty collection (`var.is_kb ? tomap(local.policies) : {}` depends on the variables
    that name the policies too, which switch nothing)."""
    try:
        found = _of_text(attribute.text(), module, 0)
    except RecursionError:  # a deep chain on an already deep stack: no note rather than a lost block
        return ()
    switches = [name for name, value in found.items() if _switch_like(value)]
    return tuple(sorted(switches or found))


def _of_text(text: str, module, depth: int) -> dict:
    out: dict = {}
    for kind, name in dict.fromkeys(_NAME.findall(text)):
        out.update(_of_name(module, kind, name, depth))
    return out


def _of_name(module, kind: str, name: str, depth: int) -> dict:
    return memo_walks.once(module, ("tf", kind, name), depth, _followed, {})


def _followed(module, kind: str, name: str, depth: int) -> dict:
    if kind == "local":
        local = module.local_attributes.get(name)
        return _of_text(local.text(), module, depth + 1) if local is not None else {}
    if module.inputs is None:
        return {name: module.variables.get(name)} if name in module.declared else {}
    argument = module.inputs.call.block.attributes.get(name)  # none: the child's own default decides
    return _of_text(argument.text(), module.inputs.call.parent, depth + 1) if argument is not None else {}


def _switch_like(value) -> bool:
    return value is None or isinstance(value, (bool, int, float)) or (isinstance(value, (list, dict)) and not value)
