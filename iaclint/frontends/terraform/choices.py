"""What the Terraform evaluator does with unknown values, by the rules of the value domain
(`iaclint.model.symbolic`).

`Symbolic` is a part of `iaclint.frontends.terraform.expressions.Evaluator` (it evaluates
with the evaluator's `evaluate`); it lives here so each module has one job:

- a conditional whose condition is unknown is the *choice* of its branches
  (`c ? "Enabled" : "Enabled"` is `"Enabled"`), and a traversal of a choice is the choice
  of the traversals (`(c ? a : b).x`);
- operators and functions on choices are computed on every combination of their
  alternatives; `==`/`!=` between values that are the same hole are decided
  (`var.x == var.x`);
- `format` and `join` with unknown arguments keep their known text, a partially known
  string (`arn:${partition}:iam::aws:policy/AmazonSageMakerFullAccess`);
- a reference to a resource attribute, a data source or an unevaluated module output, and
  its attributes and indexes, is a hole with a *symbol*: the same value wherever the module
  writes it (`_symbol_path`).
"""
from __future__ import annotations

from iaclint.frontends.terraform import estimates, functions
from iaclint.frontends.terraform.hcl import GET_ATTR, INDEX, LEGACY_INDEX
from iaclint.frontends.terraform.values import (
    EvalError,
    budget_of,
    first_unknown,
    node_text,
    refs_inside,
    short,
    sized,
    to_bool,
    unknown,
)
from iaclint.model import symbolic
from iaclint.model.sizes import TooLarge
from iaclint.model.unknown import Unknown, contains_unknown


class Symbolic:
    """The unknown-value methods of `Evaluator`."""

    def _symbol_path(self, postfix: list, source, scope) -> str | None:
        """`.attr[0]["k"]...` of a traversal, its indexes evaluated: the rest of a symbol
        (`aws_x.y[0].arn`); None when an index is unknown or a step is a splat."""
        out = []
        for kind, step in traversal_steps(postfix, source.data):
            if kind == "attr":
                out.append("." + step)
            elif kind == "legacy":
                out.append(f"[{step}]")
            elif kind == "index":
                key = self.evaluate(step, source, scope)
                if isinstance(key, bool) or not isinstance(key, (int, str)):
                    return None
                out.append(f"[{key}]" if isinstance(key, int) else f'["{key}"]')
            else:
                return None
        return "".join(out)

    def _conditional(self, node, source, scope, path):
        parts = [c for c in node.children if c.type == "expression"]
        condition = self.evaluate(parts[0], source, scope)
        if isinstance(condition, Unknown):
            decided = symbolic.decide(condition, lambda c: None if isinstance(c, Unknown) else to_bool(c))
            if decided is not None:
                return self.evaluate(parts[1] if decided else parts[2], source, scope, path)
            # Either branch may be the value: it is the choice of both, and both are edges
            # of the graph (a branch's error is not ours: it may never be taken).
            refs = list(condition.refs)
            saved, self.raise_errors = self.raise_errors, False
            try:
                branches = [self.evaluate(branch, source, scope) for branch in parts[1:]]
            finally:
                self.raise_errors = saved
            for branch in branches:
                budget_of(scope).walk(branch)
                refs.extend(r for r in refs_inside(branch) if r not in refs)
            return symbolic.choice(branches, node_text(node),
                                   f"condition `{node_text(parts[0])}` is unknown: {condition.reason}", refs=refs)
        if not isinstance(condition, bool):
            condition = to_bool(condition)
        return self.evaluate(parts[1] if condition else parts[2], source, scope, path)

    def _each_option(self, choice: Unknown, compute):
        """A choice's options each put through `compute` (an error is that option's
        Unknown), chosen from again: `(c ? a : b).x` is `c ? a.x : b.x`."""
        def one(option):
            try:
                return compute(option)
            except (EvalError, ArithmeticError, ValueError) as exc:
                return unknown(choice.expr, str(exc), choice.refs)

        found = symbolic.lift([choice], one)
        if found is None:
            return unknown(choice.expr, choice.reason, choice.refs)
        return symbolic.choice(found, choice.expr, choice.reason, refs=choice.refs)

    def _lifted(self, node, operands: list, compute, op: str = ""):
        """An operator on unknown operands: on every combination of their alternatives
        when they are choices, by identity for `==`/`!=` (`var.x == var.x`), else Unknown."""
        first = next(o for o in operands if isinstance(o, Unknown))

        def one(*values):
            if any(isinstance(v, Unknown) or contains_unknown(v) for v in values):
                if op in ("==", "!=") and len(values) == 2:
                    same = symbolic.same(values[0], values[1])
                    if same is not None:
                        return same if op == "==" else not same
                return unknown(node_text(node), first.reason, first.refs)
            try:
                return compute(*values)
            except (EvalError, ArithmeticError, ValueError) as exc:
                return unknown(node_text(node), str(exc), first.refs)

        found = symbolic.lift(operands, one)
        if found is None:
            return unknown(node_text(node), first.reason, first.refs)
        refs = [r for o in operands for r in refs_inside(o)]
        return symbolic.choice(found, node_text(node), first.reason, refs=list(dict.fromkeys(refs)))

    def _call_unknown(self, node, name: str, function, args: list, scope):
        """A function with an unknown argument: `coalesce` is one of the arguments it may
        pick (`functions.coalesce_options`), `anytrue`/`alltrue` are decided by a known item
        that decides them, `concat` keeps the known items and splices an
        unknown list in as zero or more items (`functions.concat_spliced`), a string
        function's result keeps the
        known text (`format`, `join`: `arn:${partition}:iam::aws:policy/X`), a function of
        choices computed on every combination, else Unknown (for the first cause: through
        a chain of calls, the innermost unknown's reason)."""
        first = next((a for a in args if isinstance(a, Unknown)), None)
        inner = first or first_unknown(args)
        reason = inner.reason if inner is not None else f"an argument of `{name}` is unknown"
        refs = list(dict.fromkeys(r for a in args for r in refs_inside(a)))
        if name == "coalesce":
            options = functions.coalesce_options(args)
            if options is not None:
                return symbolic.choice(options, node_text(node), reason, refs=refs)
        if name in ("anytrue", "alltrue"):
            decided = functions.truth_decided(name, args[0] if len(args) == 1 else None)
            if decided is not None:
                return decided
        if name == "concat":
            spliced = functions.concat_spliced(args)
            if spliced is not None:
                return spliced
        piecewise = functions.PIECEWISE.get(name)
        if piecewise is not None:
            try:
                pieces = piecewise(*args)
            except (functions.FunctionError, TypeError, ValueError, KeyError, IndexError) as exc:
                raise EvalError(f"`{name}` failed: {exc}") from None
            if pieces is not None:
                budget_of(scope).build(sum(len(p) for p in pieces if isinstance(p, str)))
                return symbolic.text(pieces, node_text(node), reason, refs=refs)
        if any(a.alternatives is not None for a in args if isinstance(a, Unknown)):
            found = symbolic.lift(args, lambda *values: self._on_option(node, name, function, list(values), scope,
                                                                        reason, refs))
            if found is not None:
                return symbolic.choice(found, node_text(node), reason, refs=refs)
        # the same function of the same values is the same value (`lower(var.name)`)
        keys = [symbolic.key_of(a) for a in args]
        symbol = ("call", name, tuple(keys)) if all(k is not None for k in keys) else None
        if first is not None:
            return Unknown(node_text(node), first.reason, refs=first.refs, symbol=symbol)
        return Unknown(node_text(node), reason, refs=tuple(refs), symbol=symbol)

    def _on_option(self, node, name: str, function, values: list, scope, reason: str, refs: list):
        """A function on one combination of its arguments' alternatives."""
        budget = budget_of(scope)
        if any(isinstance(v, Unknown) for v in values) or (
                name not in functions.STRUCTURAL and any(budget.holds_unknown(v) for v in values)):
            return unknown(node_text(node), reason, refs)
        try:
            size, work = estimates.estimate(name, values, [budget.size(v) for v in values])
            if size is not None:
                budget.build(size)
            budget.spend(work)
            result = function(*values)
        except TooLarge as exc:
            return unknown(node_text(node), f"`{short(node_text(node))}` is not evaluated: {exc}", refs)
        except (functions.FunctionError, TypeError, ValueError, KeyError, IndexError, AttributeError,
                OverflowError, ZeroDivisionError) as exc:
            return unknown(node_text(node), f"`{name}` failed: {exc}", refs)
        return sized(scope, result) if size is None else result


def traversal_steps(postfix: list, data: bytes) -> list:
    """The steps of a traversal: ("attr", name), ("index", node), ("legacy", digits),
    ("other", node); names are read from `data`, the source's bytes."""
    out = []
    for node in postfix:
        kind = node.kind_id  # by number (`hcl.KINDS`)
        if kind == GET_ATTR:
            name = node.children[-1]
            out.append(("attr", data[name.start_byte:name.end_byte].decode()))
        elif kind == INDEX:
            inner = node.children[0]
            if inner.kind_id == LEGACY_INDEX:
                out.append(("legacy", inner.text.decode().lstrip(".")))
            else:
                out.append(("index", next(c for c in inner.children if c.type == "expression")))
        else:
            out.append(("other", node))
    return out
