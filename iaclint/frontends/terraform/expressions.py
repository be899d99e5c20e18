"""Evaluate HCL expressions (tree-sitter nodes) to plain data, or to `Unknown`.

What the source itself decides is computed exactly: literals, collections, operators,
conditionals, `for` expressions, splats, templates (with `%{if}`/`%{for}` directives and `~`
strip markers), variables, locals and the functions in `iaclint.frontends.terraform.functions`.
Maps are visited in key order and sets in value order, as Terraform does. What only the
deployment decides (another resource's attribute, a data source, a variable without a
value) is an `Unknown` that keeps the expression text, the reason and the addresses it
refers to; those become edges of the project graph. Inside a child module the addresses
carry the module's prefix (`module.m.aws_x.y`). The module scope may know more: a module
call's outputs (`module.m.out`) and the data sources it renders
(`data.aws_iam_policy_document.d.json`) are asked of it before falling back to an Unknown.
A JSON document written as a template with unknown interpolations stays a readable
document with Unknown leaves (`iaclint.model.holes_json`).

When a `Recorder` is given, the evaluator notes the span of every path it builds (object
members, list items, blocks), so a finding deep inside a `jsonencode(...)` policy points at
the exact line; through `merge`/`concat`, each span follows its value to where the result
puts it, and a heredoc JSON document gets the file's own lines and columns. Values that come
through a variable or a local point at the place in the resource that uses them.

Unknown values follow the value domain's rules (`iaclint.model.symbolic`): conditionals with
an unknown condition are choices, `format`/`join` keep their known text, references are
holes with an identity; that part of `Evaluator` is `iaclint.frontends.terraform.choices`.
References (`var.x`, `module.m.out`, `aws_x.y.attr` and the steps after them) are read by
`iaclint.frontends.terraform.references`, templates rendered by
`iaclint.frontends.terraform.templates` and function calls made by
`iaclint.frontends.terraform.function_calls` (all parts of `Evaluator`), and
Terraform's value rules (conversions, operators, lookups, escapes) live in
`iaclint.frontends.terraform.values`.

A module's evaluation has one `Budget` (`iaclint.model.sizes`) for work and sizes: the
size of every result (a function's, a template's, a collection's) is estimated before it
is built, a value larger than the limit is an Unknown naming the expression, and what is
built or walked is charged, so that nested `for` over huge ranges, strings doubled through
chains of locals or a `join` over a long range end as Unknowns, not as a hang or gigabytes.
"""
from __future__ import annotations

import re
from typing import Any

from iaclint.frontends.terraform import functions
from iaclint.frontends.terraform.choices import Symbolic
from iaclint.frontends.terraform.function_calls import FunctionCalls
from iaclint.frontends.terraform.hcl import (
    COLLECTION_VALUE,
    COMMENT,
    CONDITIONAL,
    EXPRESSION,
    FOR_EXPR,
    FUNCTION_CALL,
    GET_ATTR,
    HEREDOC_TEMPLATE,
    LITERAL_VALUE,
    NUMERIC_LIT,
    OBJECT,
    OBJECT_ELEM,
    OPERATION,
    QUOTED_TEMPLATE,
    STRING_LIT,
    TEMPLATE_EXPR,
    TUPLE,
    VARIABLE_EXPR,
)
from iaclint.frontends.terraform.references import References
from iaclint.frontends.terraform.templates import Templates
from iaclint.frontends.terraform.tfjson import JsonValue
from iaclint.frontends.terraform.values import (
    ITEM_WORK,
    EvalError,
    binary,
    budget_of,
    key_text,
    node_text,
    number_text,
    refs_inside,
    short,
    sized,
    spend,
    to_bool,
    to_number,
    uncertain_positions,
    unescape,
    unknown,
)
from iaclint.model.resource import Span
from iaclint.model.sizes import Budget, OverBudget, TooLarge
from iaclint.model.unknown import Unknown

MAX_DEPTH = 200
MAX_ITEMS = 100_000  # for-expressions and ranges beyond this are Unknown, not a hang

_BINARY = {"||", "&&", "==", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%"}
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")


class Recorder:
    """Spans of the paths built while evaluating one resource, and where the values that
    came in through a variable were set (`origins`: path -> text such as
    `var.x = ... in terraform.tfvars:3`)."""

    __slots__ = ("origins", "spans")

    def __init__(self):
        self.spans: dict[tuple, Span] = {}
        self.origins: dict[tuple, str] = {}

    def note(self, path: tuple, span: Span) -> None:
        self.spans.setdefault(path, span)

    def note_origin(self, path: tuple, origin: str) -> None:
        self.origins.setdefault(path, origin)


class Scope:
    """Names visible to an expression: the module's variables and locals plus bindings
    (`count`, `each`, `for` iterators, `dynamic` iterators)."""

    __slots__ = ("bindings", "budget", "module")

    def __init__(self, module, bindings: dict | None = None):
        self.module = module
        self.bindings = bindings or {}
        # The module's `Budget` (`values.budget_of`), read once here: every evaluation
        # step asks it, and a module keeps one budget for its lifetime.
        budget = getattr(module, "budget", None)
        if budget is None:  # a scope made without a module tree: a budget of its own
            budget = module.budget = Budget()
        self.budget = budget

    def child(self, **bindings) -> "Scope":
        merged = dict(self.bindings)
        merged.update(bindings)
        scope = Scope.__new__(Scope)
        scope.module, scope.bindings, scope.budget = self.module, merged, self.budget
        return scope


def _quoted(data: bytes, start: int, end: int) -> str | None:
    """The value of a string literal `"..."` at `data[start:end]`, read from the bytes
    between its quotes (its quotes are its first and last children: a tree with a missing
    quote has an error, and its file is not evaluated), which saves making the children's
    nodes; None when it does not start and end with a quote."""
    if end - start >= 2 and data[start] == 34 and data[end - 1] == 34:
        return unescape(data[start + 1:end - 1].decode())
    return None


class Evaluator(References, Templates, FunctionCalls, Symbolic):
    def __init__(self, recorder: Recorder | None = None):
        self.recorder = recorder
        self.depth = 0
        self.raise_errors = False  # inside try()/can(): errors pick the next argument

    # --- entry ------------------------------------------------------------------------

    def evaluate(self, node, source, scope: Scope, path: tuple | None = None) -> Any:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                return unknown(node_text(node), "expression nested too deeply")
            if scope.budget.left < 0:  # fails fast once the module's budget is spent
                scope.budget.spend(0)
            if node.__class__ is JsonValue:  # a .tf.json value
                return self._json(node.value, node.path, node.spans, source, scope, path)
            return self._expression(node, source, scope, path)
        except TooLarge as exc:  # never an error that `try` could pass over: the value exists
            return unknown(node_text(node), f"`{short(node_text(node))}` is not evaluated: {exc}")
        except OverBudget as exc:
            return unknown(node_text(node), str(exc))
        except (EvalError, ArithmeticError, ValueError) as exc:
            # ArithmeticError, ValueError: numbers beyond Python's limits (a 5,000-digit
            # literal, an overflowing division), which Terraform's big numbers would take.
            if self.raise_errors:
                raise EvalError(str(exc)) from None
            return unknown(node_text(node), str(exc) if isinstance(exc, EvalError) else f"cannot compute: {exc}")
        except RecursionError:
            return unknown(node_text(node), "expression nested too deeply")
        finally:
            self.depth -= 1

    def _json(self, value, json_path: tuple, spans: dict, source, scope, path):
        """A `.tf.json` value: strings are templates, collections are built member by member."""
        if path is not None and self.recorder is not None and json_path in spans:
            self.recorder.note(path, Span(source.file, *spans[json_path]))
        if isinstance(value, str):
            if "${" not in value and "%{" not in value:
                return value
            from iaclint.frontends.terraform.hcl import parse_expression
            from iaclint.frontends.terraform.json_templates import hcl_quoted

            quoted = hcl_quoted(value)
            expr, expr_source = parse_expression(quoted) if quoted is not None else (None, None)
            if expr is None:
                return unknown(value, "template in JSON could not be parsed")
            return self.evaluate(expr, expr_source, scope, None)
        if isinstance(value, dict):
            return {k: self._json(v, json_path + (k,), spans, source, scope, None if path is None else path + (k,))
                    for k, v in value.items()}
        if isinstance(value, list):
            return [self._json(v, json_path + (i,), spans, source, scope, None if path is None else path + (i,))
                    for i, v in enumerate(value)]
        return value

    def _note(self, path, source, node) -> None:
        if self.recorder is not None and path is not None:
            self.recorder.spans.setdefault(path, source.span(node))  # `Recorder.note`, without its call

    # --- expression forms ---------------------------------------------------------------

    def _expression(self, node, source, scope, path):
        # Kinds are compared by number (`hcl.KINDS`): `Node.type` makes a string per call.
        if node.kind_id == EXPRESSION:
            children = node.children
            if len(children) == 1:  # no postfix operations: most values, by far
                child = children[0]
                kind = child.kind_id
                if kind == LITERAL_VALUE:
                    # A literal that starts with a quote is a `string_lit` of the same
                    # bytes: read as `_literal` reads one, without making its node.
                    text = _quoted(source.data, child.start_byte, child.end_byte)
                    return text if text is not None else self._literal(child.children[0], source)
                if kind == TEMPLATE_EXPR:  # the next most common: a string with `${...}`
                    return self._template(child.children[0], source, scope, path)
                if kind == COLLECTION_VALUE:
                    return self._collection(child.children[0], source, scope, path)
                if kind != VARIABLE_EXPR and kind != COMMENT:
                    return self._primary(child, source, scope, path)
            elif len(children) == 2:  # `var.x`, `local.y`, `aws_x.y`: what `_terms` does with them
                first, step = children
                if step.kind_id == GET_ATTR and first.kind_id == VARIABLE_EXPR:
                    return self._traversal(first, [step], source, scope, path)
            return self._terms(children, source, scope, path)
        return self._terms([node], source, scope, path)

    def _terms(self, nodes: list, source, scope, path):
        """A primary term followed by postfix operations (`.attr`, `[i]`, `[*]`)."""
        nodes = [n for n in nodes if n.kind_id != COMMENT]
        if not nodes:
            raise EvalError("empty expression")
        primary = nodes[0]
        if primary.kind_id == VARIABLE_EXPR:
            return self._traversal(primary, nodes[1:], source, scope, path)
        if primary.type == "(":
            close = next(i for i, n in enumerate(nodes) if n.type == ")")
            value = self.evaluate(nodes[1], source, scope, path)
            postfix = nodes[close + 1:]
        else:
            postfix = nodes[1:]
            value = self._primary(primary, source, scope, path)
        return self._postfix(value, postfix, source, scope, nodes)

    def _primary(self, node, source, scope, path):
        kind = node.kind_id
        if kind == EXPRESSION:
            return self.evaluate(node, source, scope, path)
        if kind == LITERAL_VALUE:
            return self._literal(node.children[0], source)
        if kind == COLLECTION_VALUE:
            return self._collection(node.children[0], source, scope, path)
        if kind == TEMPLATE_EXPR:
            return self._template(node.children[0], source, scope, path)
        if kind == FUNCTION_CALL:
            return self._call(node, source, scope, path)
        if kind == CONDITIONAL:
            return self._conditional(node, source, scope, path)
        if kind == OPERATION:
            return self._operation(node.children[0], source, scope)
        if kind == FOR_EXPR:
            return self._for(node.children[0], source, scope)
        if kind == TUPLE or kind == OBJECT:
            return self._collection(node, source, scope, path)
        if kind == QUOTED_TEMPLATE or kind == HEREDOC_TEMPLATE:
            return self._template(node, source, scope, path)
        raise EvalError(f"unsupported expression ({node.type})")

    def _literal(self, node, source):
        kind = node.kind_id
        if kind == STRING_LIT:
            text = _quoted(source.data, node.start_byte, node.end_byte)
            if text is not None:
                return text
            children = node.children
            if children[0].type == "quoted_template_start" and children[-1].type == "quoted_template_end":
                return unescape(source.data[children[0].end_byte:children[-1].start_byte].decode())
            return unescape("".join(c.text.decode() for c in children
                                     if c.type not in ("quoted_template_start", "quoted_template_end")))
        if kind == NUMERIC_LIT:
            # The source's bytes, not the node's: hcl._parse may have masked an exponent.
            text = source.data[node.start_byte:node.end_byte].decode()
            if text.isdigit() and text.isascii():  # digits only: a number of HCL, an integer
                return int(text)
            if not _NUMBER.fullmatch(text):
                raise EvalError(f"`{text}` is not a number in HCL")
            return int(text) if text.isdigit() else float(text)
        kind = node.type
        if kind == "bool_lit":
            return node.text.decode() == "true"
        if kind == "null_lit":
            return None
        raise EvalError(f"unsupported literal ({kind})")

    def _collection(self, node, source, scope, path):
        # Each item's span noted as `_note` does, without its call per item.
        recorder = self.recorder
        note = recorder.spans.setdefault if recorder is not None and path is not None else None
        span = source.span
        evaluate = self.evaluate
        if node.kind_id == TUPLE:
            out = []
            for child in node.children:
                if child.kind_id == EXPRESSION:
                    if note is None:
                        out.append(evaluate(child, source, scope, None))
                    else:
                        item_path = path + (len(out),)
                        note(item_path, span(child))
                        out.append(evaluate(child, source, scope, item_path))
            return sized(scope, out)
        out: dict = {}
        for elem in node.children:
            if elem.kind_id != OBJECT_ELEM:
                continue
            key_node = elem.child_by_field_name("key")
            value_node = elem.child_by_field_name("val")
            key = self._object_key(key_node, source, scope)
            if isinstance(key, Unknown):
                return unknown(node_text(node), f"object key `{node_text(key_node)}` is unknown: {key.reason}", key.refs)
            if note is None:
                out[key] = evaluate(value_node, source, scope, None)
            else:
                item_path = path + (key,)
                note(item_path, span(elem))
                out[key] = evaluate(value_node, source, scope, item_path)
        return sized(scope, out)

    def _object_key(self, node, source, scope):
        """A bare identifier key is a string; `(expr)` and quoted keys are evaluated."""
        children = node.children
        if len(children) != 1:
            children = [c for c in children if c.kind_id != COMMENT]
        if len(children) == 1 and children[0].kind_id == VARIABLE_EXPR:
            return source.data[children[0].start_byte:children[0].end_byte].decode()
        value = self.evaluate(node, source, scope)
        if isinstance(value, Unknown):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return number_text(value)
        if not isinstance(value, str):
            raise EvalError("object key must be a string")
        return value

    # --- operators ----------------------------------------------------------------------

    def _operation(self, node, source, scope):
        children = [c for c in node.children if c.type != "comment"]
        if node.type == "unary_operation":
            operand = self._terms(children[1:], source, scope, None)
            op = children[0].type
            if isinstance(operand, Unknown):
                return self._lifted(node, [operand], lambda x: (not to_bool(x)) if op == "!" else -to_number(x))
            if op == "!":
                return not to_bool(operand)
            return -to_number(operand)
        split = next(i for i, c in enumerate(children) if not c.is_named and c.type in _BINARY and i > 0)
        op = children[split].type
        left = self._terms(children[:split], source, scope, None)
        if op in ("&&", "||") and not isinstance(left, Unknown):
            left_bool = to_bool(left)
            if op == "&&" and not left_bool:
                return False
            if op == "||" and left_bool:
                return True
        right = self._terms(children[split + 1:], source, scope, None)
        for side in (left, right):
            if isinstance(side, Unknown):
                if op in ("&&", "||") and not isinstance(right, Unknown):
                    if (op == "&&" and not to_bool(right)) or (op == "||" and to_bool(right)):
                        return op == "||"
                return self._lifted(node, [left, right], lambda x, y: binary(op, x, y), op)
        if op in ("==", "!="):  # comparing two collections goes through both
            budget_of(scope).walk(left)
            budget_of(scope).walk(right)
        return binary(op, left, right)

    # --- for expressions ----------------------------------------------------------------

    def _for(self, node, source, scope):
        intro = next(c for c in node.children if c.type == "for_intro")
        names = [c.text.decode() for c in intro.children if c.type == "identifier"]
        collection_node = next(c for c in intro.children if c.type == "expression")
        collection = self.evaluate(collection_node, source, scope)
        if isinstance(collection, Unknown):
            return unknown(node_text(node), f"`for` over an unknown collection: {collection.reason}", collection.refs)
        if not isinstance(collection, (dict, list)):
            raise EvalError("`for` needs a list, set, map or object")
        if uncertain_positions(collection):
            return unknown(node_text(node), "`for` over a list whose items may be absent or several",
                           refs_inside(collection))
        if len(collection) > MAX_ITEMS:
            return unknown(node_text(node), f"`for` over more than {MAX_ITEMS} items is not evaluated")
        if isinstance(collection, dict):
            pairs = sorted(collection.items())  # Terraform visits map keys in lexical order
        elif isinstance(collection, functions.SetValue):
            pairs = [(item, item) for item in collection]  # a set element is its own key
        else:
            pairs = list(enumerate(collection))
        exprs = [c for c in node.children if c.type == "expression"]
        cond_node = next((c for c in node.children if c.type == "for_cond"), None)
        cond_expr = next((c for c in cond_node.children if c.type == "expression"), None) if cond_node else None
        grouping = any(c.type == "ellipsis" for c in node.children)
        is_object = node.type == "for_object_expr"
        out_list: list = []
        out_map: dict = {}
        for key, value in pairs:
            spend(scope, ITEM_WORK)
            bindings = {names[0]: value} if len(names) == 1 else {names[0]: key, names[1]: value}
            inner = scope.child(**bindings)
            if cond_expr is not None:
                keep = self.evaluate(cond_expr, source, inner)
                if isinstance(keep, Unknown):
                    return unknown(node_text(node), f"`for` filter is unknown: {keep.reason}", keep.refs)
                if not to_bool(keep):
                    continue
            if is_object:
                k = self.evaluate(exprs[0], source, inner)
                v = self.evaluate(exprs[1], source, inner)
                if isinstance(k, Unknown):
                    return unknown(node_text(node), f"`for` key is unknown: {k.reason}", k.refs)
                k = key_text(k)
                if grouping:
                    out_map.setdefault(k, []).append(v)
                elif k in out_map:
                    raise EvalError(f"duplicate key {k!r} in `for` expression")
                else:
                    out_map[k] = v
            else:
                out_list.append(self.evaluate(exprs[0], source, inner))
        return sized(scope, out_map if is_object else out_list)

