"""Which variables of the root module decide a `count` or `for_each`.

A block that creates nothing is worth a note (`model.resource.Uncreated`) only when the
person deploying can switch it on: when its `count` or `for_each` depends on a variable of
the root module, which `-var`, a variable file or an environment sets. One that a child
module's own default switches off (an optional feature of a general-purpose module its
caller did not ask for), or a literal `count = 0`, is what the code says: no note. The
expression is followed through the text of its references: `var.x` of a child to the
argument its call passes (none: the child's default decides), `local.y` to the local's
expression. Each (module, name) is visited once, so a hostile chain costs its length.
"""
from __future__ import annotations

from iaclint.model import lazy_re

_NAME = lazy_re.compile(r"\b(var|local)\.([A-Za-z_][A-Za-z0-9_-]*)")


def root_variables(attribute, module) -> tuple:
    """The root module's variables that `attribute` (of `module`) depends on, sorted; of
    those, the ones that look like switches when there are any: a bool, a number, null or
    an empty collection (`var.is_kb ? tomap(local.policies) : {}` depends on the variables
    that name the policies too, which switch nothing)."""
    found: dict = {}  # name -> its value
    seen: set = set()
    pending = [(attribute, module)]
    while pending:
        attribute, module = pending.pop()
        for kind, name in _NAME.findall(attribute.text()):
            key = (id(module), kind, name)
            if key in seen:
                continue
            seen.add(key)
            if kind == "local":
                local = module.local_attributes.get(name)
                if local is not None:
                    pending.append((local, module))
            elif module.inputs is None:
                if name in module.declared:
                    found[name] = module.variables.get(name)
            else:
                argument = module.inputs.call.block.attributes.get(name)
                if argument is not None:
                    pending.append((argument, module.inputs.call.parent))
    switches = [name for name, value in found.items() if _switch_like(value)]
    return tuple(sorted(switches or found))


def _switch_like(value) -> bool:
    return value is None or isinstance(value, (bool, int, float)) or (isinstance(value, (list, dict)) and not value)
