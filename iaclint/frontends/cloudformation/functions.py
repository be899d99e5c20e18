"""CloudFormation's intrinsic functions on lists, strings and mappings: `Fn::Join`,
`Fn::Select`, `Fn::Split`, `Fn::FindInMap`, `Fn::Base64`, `Fn::Length`,
`Fn::ToJsonString`.

`Functions` is a part of `iaclint.frontends.cloudformation.evaluator.Evaluator` (it
evaluates the arguments with the evaluator's `_arg`); it lives here so that each module
has one job. A function whose result grows with its arguments asks the template's
`Budget` (`iaclint.model.sizes`) before it builds it.
"""
from __future__ import annotations

import json
from typing import Any

from iaclint.frontends.cloudformation.values import (
    as_text,
    combinations,
    copy_value,
    expr_text,
    sub_text,
    unknowns_in,
)
from iaclint.model import holes_json, symbolic
from iaclint.model.sizes import MAX_VALUE_SIZE, TooLarge, json_size_bound
from iaclint.model.unknown import Unknown, collect_refs

AZ_PATTERN = r"[a-z0-9-]+"  # the shape of an Availability Zone name


class Functions:
    """The list, string and mapping functions of `Evaluator`."""

    def _propagate(self, name: str, arg: Any, values: list, wpath: tuple) -> Unknown:
        first = next((x for x in unknowns_in(values)), None)
        reason = first.reason if first is not None else f"{name} of an unknown value"
        return self._unknown(expr_text(name, arg), reason, wpath, collect_refs(values))

    def _join(self, arg: Any, wpath: tuple, rpath, depth: int) -> Any:
        if not isinstance(arg, list) or len(arg) != 2:
            return self._unknown(expr_text("Fn::Join", arg), "malformed Fn::Join", wpath)
        delim = self._arg(arg[0], wpath + (0,), rpath, depth)
        items = self._arg(arg[1], wpath + (1,), rpath, depth)
        if isinstance(delim, Unknown) or isinstance(items, Unknown):
            return self._propagate("Fn::Join", arg, [delim, items], wpath)
        if not isinstance(delim, str) or not isinstance(items, list):
            return self._unknown(expr_text("Fn::Join", arg), "malformed Fn::Join", wpath)
        texts = [x if isinstance(x, Unknown) else sub_text(x) for x in items]
        if any(t is None for t in texts):
            return self._unknown(expr_text("Fn::Join", arg), "Fn::Join of a non-string value", wpath)
        self.budget.build(sum(len(t) for t in texts if isinstance(t, str)) + len(delim) * len(texts))
        if any(isinstance(t, Unknown) for t in texts):
            # Known text around unknown items: keep the shape (`arn:aws:s3:::` + ? + `/*`).
            pieces: list = []
            for i, t in enumerate(texts):
                if i:
                    pieces.append(delim)
                pieces.append(t)
            first = next(unknowns_in(items))
            return symbolic.text(pieces, expr_text("Fn::Join", arg), first.reason, self._span(wpath),
                                 collect_refs(items))
        return delim.join(texts)

    def _select(self, arg: Any, wpath: tuple, rpath, depth: int) -> Any:
        if not isinstance(arg, list) or len(arg) != 2:
            return self._unknown(expr_text("Fn::Select", arg), "malformed Fn::Select", wpath)
        index = self._arg(arg[0], wpath + (0,), rpath, depth)
        items = self._arg(arg[1], wpath + (1,), rpath, depth)
        if isinstance(index, Unknown) or isinstance(items, Unknown):
            out = self._propagate("Fn::Select", arg, [index, items], wpath)
            if isinstance(items, Unknown) and items.expr.startswith("Fn::GetAZs"):
                out = out.replace(pattern=AZ_PATTERN)  # an Availability Zone name
            return out
        if isinstance(index, str) and index.strip().isdigit():
            index = int(index)
        if isinstance(index, bool) or not isinstance(index, int) or not isinstance(items, list) \
                or not 0 <= index < len(items):
            return self._unknown(expr_text("Fn::Select", arg), "Fn::Select index out of range", wpath,
                                 collect_refs(items))
        return items[index]

    def _split(self, arg: Any, wpath: tuple, rpath, depth: int) -> Any:
        if not isinstance(arg, list) or len(arg) != 2:
            return self._unknown(expr_text("Fn::Split", arg), "malformed Fn::Split", wpath)
        delim = self._arg(arg[0], wpath + (0,), rpath, depth)
        text = self._arg(arg[1], wpath + (1,), rpath, depth)
        if isinstance(delim, Unknown) or isinstance(text, Unknown):
            return self._propagate("Fn::Split", arg, [delim, text], wpath)
        if not isinstance(delim, str) or not delim or not isinstance(text, str):
            return self._unknown(expr_text("Fn::Split", arg), "malformed Fn::Split", wpath)
        self.budget.build(2 * len(text) + 2)  # at most a piece per character, each a string
        return text.split(delim)

    def _find_in_map(self, arg: Any, wpath: tuple, rpath, depth: int) -> Any:
        if not isinstance(arg, list) or len(arg) not in (3, 4):
            return self._unknown(expr_text("Fn::FindInMap", arg), "malformed Fn::FindInMap", wpath)
        keys = [self._arg(arg[i], wpath + (i,), rpath, depth) for i in range(3)]
        if any(self.budget.holds_unknown(k) for k in keys):
            # A key that is one of a few values (AllowedValues, Fn::If): look each up.
            combos = combinations(keys)
            if combos is not None:
                found = [self._lookup(arg, combo, wpath, rpath, depth) for combo in combos]
                if not any(isinstance(f, Unknown) and f.alternatives is None for f in found):
                    out = self._propagate("Fn::FindInMap", arg, keys, wpath)
                    return symbolic.choice(found, out.expr, out.reason, out.span, out.refs)
            return self._propagate("Fn::FindInMap", arg, keys, wpath)
        return self._lookup(arg, keys, wpath, rpath, depth)

    def _lookup(self, arg: list, keys: list, wpath: tuple, rpath, depth: int) -> Any:
        node: Any = self.mappings
        for key in keys:
            node = node.get(as_text(key)) if isinstance(node, dict) else None
            if node is None:
                break
        if node is not None:
            self.budget.copy(node)  # a copy for every use
            return copy_value(node)
        default = arg[3] if len(arg) == 4 else None
        if isinstance(default, dict) and "DefaultValue" in default:
            return self._arg(default["DefaultValue"], wpath + (3, "DefaultValue"), rpath, depth)
        path = ".".join(as_text(k) for k in keys)
        return self._unknown(expr_text("Fn::FindInMap", arg), f"mapping entry {path} not found", wpath)

    def _base64(self, arg: Any, wpath: tuple, rpath, depth: int) -> Any:
        value = self._arg(arg, wpath, rpath, depth)
        if isinstance(value, Unknown):
            return self._propagate("Fn::Base64", arg, [value], wpath)
        if not isinstance(value, str):
            return self._unknown(expr_text("Fn::Base64", arg), "Fn::Base64 of a non-string", wpath)
        self.budget.build(6 * len(value) + 6)  # four characters for three bytes, up to four bytes a character
        import base64

        return base64.b64encode(value.encode("utf-8", "surrogatepass")).decode("ascii")

    def _length(self, arg: Any, wpath: tuple, rpath, depth: int) -> Any:
        value = self._arg(arg, wpath, rpath, depth)
        if isinstance(value, list):  # an `!If [C, x, !Ref AWS::NoValue]` item may be removed
            return symbolic.item_count(value, expr_text("Fn::Length", arg),
                                       "an item of the list may be removed (`AWS::NoValue`)", self._span(wpath))
        return self._propagate("Fn::Length", arg, [value], wpath)

    def _to_json(self, arg: Any, wpath: tuple, rpath, depth: int, epath=None) -> Any:
        """The JSON text of `arg`; written as a property's value (`epath`), the spans and
        references inside the document are kept at its paths, as for a written object."""
        value = self._eval(arg, wpath, epath, epath if epath is not None else rpath, depth + 1)
        if not isinstance(value, (dict, list)):
            return self._propagate("Fn::ToJsonString", arg, [value], wpath)
        text = json_size_bound(value, MAX_VALUE_SIZE, 12)  # `\ud83d\ude00`: 12 for one character
        if text is None:  # counting stopped at the limit: no estimate to show
            raise TooLarge()
        self.budget.build(text)
        if self.budget.holds_unknown(value):
            # The document's shape is written: a partially known string, as `!Sub '{...}'`
            # gives, so a policy still reads its literal members (`documents.decode`).
            first = next(unknowns_in([value]))
            return symbolic.text(holes_json.pieces(value), expr_text("Fn::ToJsonString", arg), first.reason,
                                 self._span(wpath), collect_refs([value]))
        return json.dumps(value, separators=(",", ":"))
