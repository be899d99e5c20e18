"""Function calls: Terraform's built-in functions (`iaclint.frontends.terraform.functions`),
`try` and `can`, and the functions that read files (asked of the module).

`FunctionCalls` is a part of `iaclint.frontends.terraform.expressions.Evaluator` (it
evaluates the arguments with the evaluator's `evaluate`); it lives here so that each
module has one job. Before a function runs, its arguments are measured and
`iaclint.frontends.terraform.estimates` bounds its result: a result over the value limit
is never built, and the rest is charged to the module's budget. Through the structural
functions (`jsonencode`, `merge`, `concat`, ...) the spans of the paths inside the
arguments follow the values to where the result puts them.
"""
from __future__ import annotations

from iaclint.frontends.terraform import estimates, functions
from iaclint.frontends.terraform.hcl import ELLIPSIS, EXPRESSION, FUNCTION_ARGUMENTS
from iaclint.frontends.terraform.values import (
    EvalError,
    budget_of,
    node_text,
    sized,
    unknown,
)
from iaclint.model import symbolic
from iaclint.model.unknown import Unknown


class FunctionCalls:
    """The function-call methods of `Evaluator`."""

    def _call(self, node, source, scope, path):
        children = node.children  # kinds by number (`hcl.KINDS`)
        first = children[0]
        name = source.data[first.start_byte:first.end_byte].decode()
        args_node = next((c for c in children if c.kind_id == FUNCTION_ARGUMENTS), None)
        arg_nodes = [c for c in args_node.children if c.kind_id == EXPRESSION] if args_node else []
        expand = bool(args_node) and any(c.kind_id == ELLIPSIS for c in args_node.children)
        if name in ("try", "can"):
            return self._try(name, arg_nodes, source, scope, path)
        if name in ("file", "templatefile", "fileexists", "filebase64"):
            args = [self.evaluate(a, source, scope) for a in arg_nodes]
            content = scope.module.read_file(name, args, node_text(node))
            if isinstance(content, str):
                budget_of(scope).build(len(content) + 1)
            return content
        keeps_structure = name in functions.STRUCTURAL
        spans: list = []  # per argument, the spans of the paths inside it
        args = []
        for a in arg_nodes:
            if keeps_structure and path is not None and self.recorder is not None:
                value, inner = self._recorded(lambda: self.evaluate(a, source, scope, ()))
                spans.append(inner)
            else:
                value = self.evaluate(a, source, scope)
            args.append(value)
        if expand and args:
            last = args.pop()
            if isinstance(last, Unknown):
                return unknown(node_text(node), last.reason, last.refs)
            args.extend(last if isinstance(last, list) else [last])
        function = functions.FUNCTIONS.get(name)
        if function is None:
            return unknown(node_text(node), f"function `{name}` is not evaluated")
        budget = budget_of(scope)
        if name == "length" and len(args) == 1 and isinstance(args[0], (list, dict)) and budget.holds_unknown(args[0]):
            # how many items, whatever their values are (`symbolic.item_count`)
            return symbolic.item_count(args[0], node_text(node), "an item of the collection may be absent")
        if any(isinstance(arg, Unknown) for arg in args) or (
                not keeps_structure and any(budget.holds_unknown(a) for a in args)):
            for a in args:
                budget.walk(a)
            # known text kept, choices computed (`iaclint.frontends.terraform.choices`)
            return self._call_unknown(node, name, function, args, scope)
        try:
            # The result's size, from the arguments' sizes, before it is built.
            size, work = estimates.estimate(name, args, [budget.size(a) for a in args])
            if size is not None:
                budget.build(size)
            budget.spend(work)
            result = function(*args)
        except (functions.FunctionError, TypeError, ValueError, KeyError, IndexError, AttributeError,
                OverflowError, ZeroDivisionError) as exc:
            raise EvalError(f"`{name}` failed: {exc}") from None
        if size is None:  # a result that bounds itself (see `estimates`): measured now
            sized(scope, result)
        if spans and not expand:
            self._place_spans(name, args, spans, result, path)
        return result

    def _recorded(self, evaluate):
        """Run `evaluate` with a fresh recorder: (value, {relative path: span})."""
        saved, self.recorder = self.recorder, type(self.recorder)()  # called with a recorder only
        try:
            return evaluate(), self.recorder.spans
        finally:
            self.recorder = saved

    def _place_spans(self, name, args, spans, result, path) -> None:
        """Spans inside a structural function's result, where its arguments wrote them:
        `jsonencode(x)`/`tolist`/`tomap` keep x's paths, `merge` takes each key from the
        last map that has it, `concat` shifts each list by the lengths before it. Other
        functions (`lookup`, `element`, `flatten`, ...) reshape their input: their result
        keeps only the span of the attribute, never a wrong inner one."""
        moves: list = []  # (argument index, old prefix, new prefix)
        if name in ("jsonencode", "tolist", "tomap") or (name == "toset" and result == args[0]):
            moves.append((0, (), ()))
        elif name == "merge" and isinstance(result, dict):
            for key in result:
                last = max((i for i, a in enumerate(args) if isinstance(a, dict) and key in a), default=None)
                if last is not None:
                    moves.append((last, (key,), (key,)))
        elif name == "concat":
            offset = 0
            for i, arg in enumerate(args):
                if isinstance(arg, list):
                    moves.extend((i, (j,), (offset + j,)) for j in range(len(arg)))
                    offset += len(arg)
        note = self.recorder.spans.setdefault  # `Recorder.note`, without its call per span
        for index, old, new in moves:
            for sub, span in spans[index].items():
                if sub and sub[:len(old)] == old:
                    note(path + new + sub[len(old):], span)

    def _try(self, name, arg_nodes, source, scope, path):
        """`try` gives its first argument that evaluates without an error; `can` says
        whether the first one does. An unknown argument makes the answer unknown."""
        record = name == "try" and path is not None and self.recorder is not None
        for arg in arg_nodes:
            saved = self.raise_errors
            self.raise_errors = True
            try:  # spans only from the argument that is chosen
                if record:
                    value, spans = self._recorded(lambda: self.evaluate(arg, source, scope, ()))
                else:
                    value, spans = self.evaluate(arg, source, scope), {}
            except EvalError:
                continue
            finally:
                self.raise_errors = saved
            if isinstance(value, Unknown):
                return unknown(node_text(arg), value.reason, value.refs)
            for sub, span in spans.items():
                if sub:
                    self.recorder.note(path + sub, span)
            return True if name == "can" else value
        if name == "can":
            return False
        return unknown("try(...)", "no argument of `try` could be evaluated")
