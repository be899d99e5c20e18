"""CloudFormation `Conditions`, `Fn::If` and the condition functions (`Fn::Equals`,
`Fn::And`, `Fn::Or`, `Fn::Not`, `Condition`), decided as far as the template allows.

`Conditions` is a part of `iaclint.frontends.cloudformation.evaluator.Evaluator` (it evaluates
arguments with the evaluator's `_eval`); it lives here so each module has one job. A
condition that cannot be decided is an Unknown, and `Fn::If` on it keeps both branches as
the Unknown's `alternatives`; chains and cycles of conditions end as Unknown, not a hang.
"""
from __future__ import annotations

from typing import Any

from iaclint.frontends.cloudformation.values import (
    MAX_DEPTH,
    equals_form,
    expr_text,
)
from iaclint.model import symbolic
from iaclint.model.sizes import OverBudget
from iaclint.model.unknown import ABSENT, Unknown, collect_refs

MAX_CONDITION_CHAIN = 64  # conditions that refer to conditions, before the answer is Unknown


class Conditions:
    """The condition methods of `Evaluator` (which keeps `conditions`, `_cond_cache` and
    `_cond_active`)."""

    def condition(self, name: str):
        """True, False or Unknown for a named condition; cycles end as Unknown."""
        if name in self._cond_cache:
            return self._cond_cache[name]
        expr = f"Condition {name}"
        if name in self._cond_active:
            return Unknown(expr, f"condition {name} refers to itself")
        if len(self._cond_active) >= MAX_CONDITION_CHAIN:
            return Unknown(expr, "conditions nested too deeply")
        if name not in self.conditions:
            result: Any = Unknown(expr, f"undefined condition {name}")
        else:
            self._cond_active.append(name)
            try:
                result = self._cond(self.conditions[name], ("Conditions", name), 0)
            except OverBudget as exc:
                result = Unknown(expr, str(exc))
            finally:
                self._cond_active.pop()
            if isinstance(result, Unknown):
                result = Unknown(expr, f"condition {name} is unknown: {result.reason}",
                                 self._span(("Conditions", name)), result.refs)
        self._cond_cache[name] = result
        return result

    def _if(self, arg: Any, wpath: tuple, epath, rpath, depth: int) -> Any:
        if not isinstance(arg, list) or len(arg) != 3 or not isinstance(arg[0], str):
            return self._unknown(expr_text("Fn::If", arg), "malformed Fn::If", wpath)
        cond = self.condition(arg[0])
        if cond is True:
            return self._eval(arg[1], wpath + (1,), epath, rpath, depth + 1)
        if cond is False:
            return self._eval(arg[2], wpath + (2,), epath, rpath, depth + 1)
        # The condition cannot be decided: the value is one of the two branches. Both are
        # evaluated (references recorded, no spans: the finding points at the Fn::If).
        alternatives = (self._eval(arg[1], wpath + (1,), None, rpath, depth + 1),
                        self._eval(arg[2], wpath + (2,), None, rpath, depth + 1))
        reason = cond.reason if isinstance(cond, Unknown) else f"condition {arg[0]} is not a boolean"
        return symbolic.choice(alternatives, f"!If {arg[0]}", reason, self._span(wpath),
                               collect_refs([a for a in alternatives if a is not ABSENT]))

    def _cond(self, v: Any, wpath: tuple, depth: int) -> Any:
        """A condition expression -> True, False or Unknown."""
        if depth > MAX_DEPTH:
            return self._unknown("...", "condition nested too deeply", wpath)
        if isinstance(v, bool):
            return v
        if isinstance(v, str):
            low = v.lower()
            if low in ("true", "false"):
                return low == "true"
            return self.condition(v)
        if isinstance(v, dict) and len(v) == 1:
            name, arg = next(iter(v.items()))
            fpath = wpath + (name,)
            if name == "Condition" and isinstance(arg, str):
                return self.condition(arg)
            if name == "Fn::Equals":
                if not isinstance(arg, list) or len(arg) != 2:
                    return self._unknown(expr_text(name, arg), "malformed Fn::Equals", fpath)
                a = self._arg(arg[0], fpath + (0,), None, depth)
                b = self._arg(arg[1], fpath + (1,), None, depth)
                self.budget.walk(a)  # comparing goes through both sides
                self.budget.walk(b)
                if self.budget.holds_unknown(a) or self.budget.holds_unknown(b):
                    # over the alternatives, by identity (`!Ref P` is `!Ref P`), by shape
                    # (an account ID, twelve digits, is never "none")
                    decided = symbolic.same(a, b, form=equals_form)
                    if decided is not None:
                        return decided
                    first = a if self.budget.holds_unknown(a) else b
                    reason = first.reason if isinstance(first, Unknown) else "compares an unknown value"
                    return self._unknown(expr_text(name, arg), reason, fpath, collect_refs([a, b]))
                return equals_form(a) == equals_form(b)
            if name in ("Fn::And", "Fn::Or"):
                if not isinstance(arg, list) or not arg:
                    return self._unknown(expr_text(name, arg), f"malformed {name}", fpath)
                decisive = name == "Fn::Or"  # the value that settles the result
                unknown = None
                for i, item in enumerate(arg):
                    r = self._cond(item, fpath + (i,), depth + 1)
                    if r is decisive:
                        return decisive
                    if not isinstance(r, bool) and unknown is None:
                        unknown = r if isinstance(r, Unknown) else self._unknown(
                            expr_text(name, arg), "not a condition", fpath)
                return unknown if unknown is not None else (not decisive)
            if name == "Fn::Not":
                inner = arg[0] if isinstance(arg, list) and len(arg) == 1 else arg
                r = self._cond(inner, fpath + (0,), depth + 1)
                return (not r) if isinstance(r, bool) else r
            value = self._eval(v, wpath, None, None, depth + 1)
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.lower() in ("true", "false"):
                return value.lower() == "true"
            if isinstance(value, Unknown):
                return value
        return self._unknown(expr_text("condition", v), "not a condition", wpath)
