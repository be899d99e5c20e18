"""References in HCL expressions: `var.x`, `local.y`, `path.module`, `module.m.out`,
`data.t.n.attr`, `aws_x.y.attr`, and the index, attribute and splat steps after them. A
part of `iaclint.frontends.terraform.expressions.Evaluator`: what the module scope knows
(variables, locals, module outputs, rendered data sources) is its value; anything else is
an `Unknown` that keeps the address it refers to (an edge of the project graph) and its
identity (`iaclint.model.symbolic`), so the same reference is equal to itself."""
from __future__ import annotations

import re

from iaclint.frontends.terraform.choices import traversal_steps
from iaclint.frontends.terraform.hcl import COMMENT, GET_ATTR, INDEX
from iaclint.frontends.terraform.values import (
    EvalError,
    get_attr,
    lookup,
    node_text,
    spend,
    uncertain_positions,
    unknown,
)
from iaclint.model.unknown import Unknown

_RESOURCE_NAME = re.compile(r"^[a-z][a-z0-9]*_[a-z0-9_]+$")


class _NoKey:
    """`module.m.out` without an instance key (as opposed to `module.m[0].out`)."""

    def __repr__(self) -> str:
        return "NO_KEY"


NO_KEY = _NoKey()


class References:
    """The reference part of `Evaluator` (mixed in; uses its `evaluate`, `recorder`,
    `_symbol_path` and `_each_option`)."""

    def _traversal(self, root, postfix: list, source, scope, path):
        data, start = source.data, root.start_byte
        name = data[start:root.end_byte].decode()
        steps = traversal_steps(postfix, data)
        full_text = data[start:(postfix[-1] if postfix else root).end_byte].decode()
        if name in scope.bindings:
            return self._postfix(scope.bindings[name], postfix, source, scope, [root] + postfix)
        module = scope.module
        if name == "var" and steps and steps[0][0] == "attr":
            value = module.variable(steps[0][1], full_text)
            if path is not None and self.recorder is not None:
                origin = getattr(module, "origin", None)
                where = origin(steps[0][1]) if origin is not None else None
                if where:
                    self.recorder.note_origin(path, where)
            if len(postfix) == 1:  # `var.x` alone, nothing after it: most references
                return value
            return self._postfix(value, postfix[1:], source, scope, [root] + postfix)
        if name == "local" and steps and steps[0][0] == "attr":
            value = module.local(steps[0][1], full_text)
            if len(postfix) == 1:
                return value
            return self._postfix(value, postfix[1:], source, scope, [root] + postfix)
        if name == "path" and steps and steps[0][0] == "attr":
            known = getattr(module, "paths", {})
            if steps[0][1] in known:
                return self._postfix(known[steps[0][1]], postfix[1:], source, scope, [root] + postfix)
        if name in ("module", "data"):
            resolved = self._resolve(name, steps, source, scope, full_text)
            if resolved is not None:
                value, consumed = resolved
                return self._postfix(value, postfix[consumed:], source, scope, [root] + postfix)
        if name not in ("module", "data") and len(steps) > 0 and steps[0][0] == "attr" \
                and (len(steps) == 1 or steps[1][0] == "other") and _RESOURCE_NAME.match(name):
            # `aws_x.y` as a whole or splatted: its instances when its expansion is known
            whole = getattr(module, "resource_instances", None)
            instances = whole(name, steps[0][1], full_text) if whole is not None else None
            if instances is not None:
                return self._postfix(instances, postfix[1:], source, scope, [root] + postfix)
        address, _ = self._address(name, postfix, source, scope)
        if address:
            reason = (f"`{full_text}` is a module output, not evaluated" if name == "module"
                      else f"`{full_text}` is known only after apply")
            # Inside a child module, addresses are the module's (`module.m.aws_x.y`).
            prefix = getattr(module, "prefix", "")
            path = self._symbol_path(postfix, source, scope)
            symbol = ("tf", getattr(module, "root", ""), prefix + name + path) if path is not None else None
            return Unknown(full_text, reason, refs=(prefix + address,), symbol=symbol)
        if name == "terraform":
            return unknown(full_text, "terraform.workspace depends on the workspace in use")
        if name in ("count", "each", "self"):
            return unknown(full_text, f"`{name}` is not available here")
        return unknown(full_text, f"`{name}` is not a known name")

    def _resolve(self, name: str, steps: list, source, scope, text: str):
        """What the module knows of `module.NAME...` (its outputs) or `data.TYPE.NAME` (a
        data source it renders, such as `aws_iam_policy_document`): (value, number of
        traversal steps it stands for), or None to fall back to an Unknown reference."""
        module = scope.module
        if not steps or steps[0][0] != "attr":
            return None
        if name == "data":
            hook = getattr(module, "data_source", None)
            if hook is None or len(steps) < 2 or steps[1][0] != "attr":
                return None
            value = hook(steps[0][1], steps[1][1], text)
            return None if value is None else (value, 2)
        hook = getattr(module, "module_output", None)
        if hook is None:
            return None
        consumed, key = 1, NO_KEY
        if len(steps) > 1 and steps[1][0] in ("index", "legacy"):
            key = self.evaluate(steps[1][1], source, scope) if steps[1][0] == "index" else int(steps[1][1])
            if isinstance(key, Unknown):
                return None
            consumed = 2
        output = steps[consumed][1] if len(steps) > consumed and steps[consumed][0] == "attr" else None
        value = hook(steps[0][1], key, output, text)
        if value is None:
            return None
        return value, consumed + (output is not None)

    def _address(self, name: str, postfix: list, source, scope) -> tuple[str, str]:
        """The resource address a traversal names (`aws_x.y`, `data.t.n[0]`, `module.m`)."""
        steps = traversal_steps(postfix, source.data)
        if name == "module":
            return (f"module.{steps[0][1]}", steps[1][1] if len(steps) > 1 and steps[1][0] == "attr" else "") \
                if steps and steps[0][0] == "attr" else ("", "")
        if name == "data":
            if len(steps) < 2 or steps[0][0] != "attr" or steps[1][0] != "attr":
                return "", ""
            base, rest, offset = f"data.{steps[0][1]}.{steps[1][1]}", steps[2:], 2
        elif _RESOURCE_NAME.match(name) and steps and steps[0][0] == "attr":
            base, rest, offset = f"{name}.{steps[0][1]}", steps[1:], 1
        else:
            return "", ""
        if rest and rest[0][0] == "index":
            key = self.evaluate(rest[0][1], source, scope)
            if isinstance(key, (int, str)) and not isinstance(key, bool):
                base += f"[{key}]" if isinstance(key, int) else f'["{key}"]'
            rest = rest[1:]
        attribute = rest[0][1] if rest and rest[0][0] == "attr" else ""
        del offset
        return base, attribute

    def _postfix(self, value, postfix: list, source, scope, nodes: list):
        for i, node in enumerate(postfix):
            kind = node.kind_id  # by number (`hcl.KINDS`)
            if kind == COMMENT:
                continue
            if isinstance(value, Unknown):
                if value.alternatives is not None:  # a choice: every option read the same way
                    rest = postfix[i:]
                    return self._each_option(value, lambda option: self._postfix(option, rest, source, scope, nodes))
                text = source.data[nodes[0].start_byte:postfix[-1].end_byte].decode()
                rest_path = self._symbol_path(postfix[i:], source, scope) if value.symbol is not None else None
                symbol = value.symbol + (rest_path,) if rest_path is not None else None
                return Unknown(text, value.reason, refs=value.refs, symbol=symbol)
            if kind == GET_ATTR:
                name = node.children[-1]
                value = get_attr(value, source.data[name.start_byte:name.end_byte].decode())
            elif kind == INDEX:
                value = self._index(value, node.children[0], source, scope)
            elif node.type == "splat":
                return self._splat(value, node.children[0], postfix[i + 1:], source, scope, nodes)
            else:
                raise EvalError(f"unsupported operation ({node.type})")
        return value

    def _index(self, value, node, source, scope):
        if node.type == "legacy_index":
            key = int(node.text.decode().lstrip("."))
        else:
            expr = next(c for c in node.children if c.type == "expression")
            key = self.evaluate(expr, source, scope)
        if isinstance(key, Unknown):
            return unknown(node_text(node), f"index is unknown: {key.reason}", key.refs)
        return lookup(value, key)

    def _splat(self, value, node, after: list, source, scope, nodes):
        items = value if isinstance(value, list) else ([] if value is None else [value])
        if uncertain_positions(items):
            return unknown(node_text(node), "splat over a list whose items may be absent or several")
        spend(scope, len(items))
        # Postfix operations inside the splat node apply to each element, then the rest.
        inner = [c for c in node.children if c.type in ("get_attr", "index")]
        out = [self._postfix(item, inner, source, scope, nodes) for item in items]
        return self._postfix(out, after, source, scope, nodes) if after else out
