"""Evaluate HCL expressions (tree-sitter nodes) to plain data, or to `Unknown`.

What the source itself decides is computed exactly: literals, collections, operators,
conditionals, `for` expressions, splats, templates, variables, locals and the functions in
`iaclint.terraform.functions`. What only the deployment decides (another resource's
attribute, a data source, a module output, a variable without a value) is an `Unknown`
that keeps the expression text, the reason and the addresses it refers to; those become
edges of the project graph.

When a `Recorder` is given, the evaluator notes the span of every path it builds (object
members, list items, blocks), so a finding deep inside a `jsonencode(...)` policy points at
the exact line. Values that come through a variable or a local point at the place in the
resource that uses them.
"""
from __future__ import annotations

import re
from typing import Any

from iaclint.documents import EncodedJson
from iaclint.model import Span
from iaclint.terraform import functions
from iaclint.unknown import Unknown, contains_unknown

MAX_DEPTH = 200
MAX_ITEMS = 100_000  # for-expressions and ranges beyond this are Unknown, not a hang

_ESCAPES = re.compile(r'\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)|\$\$\{|%%\{', re.S)
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_BINARY = {"||", "&&", "==", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%"}
_RESOURCE_NAME = re.compile(r"^[a-z][a-z0-9]*_[a-z0-9_]+$")


class EvalError(Exception):
    """An expression that Terraform itself would reject (type error, bad index)."""


class Recorder:
    """Spans of the paths built while evaluating one resource."""

    def __init__(self):
        self.spans: dict[tuple, Span] = {}

    def note(self, path: tuple, span: Span) -> None:
        self.spans.setdefault(path, span)


class Scope:
    """Names visible to an expression: the module's variables and locals plus bindings
    (`count`, `each`, `for` iterators, `dynamic` iterators)."""

    def __init__(self, module, bindings: dict | None = None):
        self.module = module
        self.bindings = bindings or {}

    def child(self, **bindings) -> "Scope":
        merged = dict(self.bindings)
        merged.update(bindings)
        return Scope(self.module, merged)


def unknown(expr: str, reason: str, refs=()) -> Unknown:
    return Unknown(expr, reason, refs=tuple(refs))


class Evaluator:
    def __init__(self, recorder: Recorder | None = None):
        self.recorder = recorder
        self.depth = 0
        self.raise_errors = False  # inside try()/can(): errors pick the next argument

    # --- entry ------------------------------------------------------------------------

    def evaluate(self, node, source, scope: Scope, path: tuple | None = None) -> Any:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                return unknown(_text(node), "expression nested too deeply")
            if hasattr(node, "spans"):  # a .tf.json value
                return self._json(node.value, node.path, node.spans, source, scope, path)
            return self._expression(node, source, scope, path)
        except EvalError as exc:
            if self.raise_errors:
                raise
            return unknown(_text(node), str(exc))
        except RecursionError:
            return unknown(_text(node), "expression nested too deeply")
        finally:
            self.depth -= 1

    def _json(self, value, json_path: tuple, spans: dict, source, scope, path):
        """A `.tf.json` value: strings are templates, collections are built member by member."""
        if path is not None and self.recorder is not None and json_path in spans:
            self.recorder.note(path, Span(source.file, *spans[json_path]))
        if isinstance(value, str):
            if "${" not in value and "%{" not in value:
                return value
            from iaclint.terraform.hcl import parse_expression
            import json as _json_module

            expr, expr_source = parse_expression(_json_module.dumps(value))
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
            self.recorder.note(path, source.span(node))

    # --- expression forms ---------------------------------------------------------------

    def _expression(self, node, source, scope, path):
        kind = node.type
        if kind == "expression":
            return self._terms(list(node.children), source, scope, path)
        return self._terms([node], source, scope, path)

    def _terms(self, nodes: list, source, scope, path):
        """A primary term followed by postfix operations (`.attr`, `[i]`, `[*]`)."""
        nodes = [n for n in nodes if n.type != "comment"]
        if not nodes:
            raise EvalError("empty expression")
        if nodes[0].type == "(":
            close = next(i for i, n in enumerate(nodes) if n.type == ")")
            value = self.evaluate(nodes[1], source, scope, path)
            postfix = nodes[close + 1:]
        else:
            primary = nodes[0]
            postfix = nodes[1:]
            if primary.type == "variable_expr":
                return self._traversal(primary, postfix, source, scope, path)
            value = self._primary(primary, source, scope, path)
        return self._postfix(value, postfix, source, scope, nodes)

    def _primary(self, node, source, scope, path):
        kind = node.type
        if kind == "expression":
            return self.evaluate(node, source, scope, path)
        if kind == "literal_value":
            return self._literal(node.children[0])
        if kind == "collection_value":
            return self._collection(node.children[0], source, scope, path)
        if kind == "template_expr":
            return self._template(node.children[0], source, scope, path)
        if kind == "function_call":
            return self._call(node, source, scope, path)
        if kind == "conditional":
            return self._conditional(node, source, scope, path)
        if kind == "operation":
            return self._operation(node.children[0], source, scope)
        if kind == "for_expr":
            return self._for(node.children[0], source, scope)
        if kind in ("tuple", "object"):
            return self._collection(node, source, scope, path)
        if kind in ("quoted_template", "heredoc_template"):
            return self._template(node, source, scope, path)
        raise EvalError(f"unsupported expression ({kind})")

    def _literal(self, node):
        kind = node.type
        if kind == "numeric_lit":
            text = node.text.decode("utf-8")
            try:
                return int(text)
            except ValueError:
                return float(text)
        if kind == "bool_lit":
            return node.text.decode("utf-8") == "true"
        if kind == "null_lit":
            return None
        if kind == "string_lit":
            return _unescape("".join(c.text.decode("utf-8") for c in node.children
                                     if c.type not in ("quoted_template_start", "quoted_template_end")))
        raise EvalError(f"unsupported literal ({kind})")

    def _collection(self, node, source, scope, path):
        if node.type == "tuple":
            out = []
            for child in node.children:
                if child.type == "expression":
                    item_path = None if path is None else path + (len(out),)
                    self._note(item_path, source, child)
                    out.append(self.evaluate(child, source, scope, item_path))
            return out
        out: dict = {}
        for elem in node.children:
            if elem.type != "object_elem":
                continue
            key_node = elem.child_by_field_name("key")
            value_node = elem.child_by_field_name("val")
            key = self._object_key(key_node, source, scope)
            if isinstance(key, Unknown):
                return unknown(_text(node), f"object key `{_text(key_node)}` is unknown: {key.reason}", key.refs)
            item_path = None if path is None else path + (key,)
            self._note(item_path, source, elem)
            out[key] = self.evaluate(value_node, source, scope, item_path)
        return out

    def _object_key(self, node, source, scope):
        """A bare identifier key is a string; `(expr)` and quoted keys are evaluated."""
        children = [c for c in node.children if c.type != "comment"]
        if len(children) == 1 and children[0].type == "variable_expr":
            return children[0].text.decode("utf-8")
        value = self.evaluate(node, source, scope)
        if isinstance(value, Unknown):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return _number_text(value)
        if not isinstance(value, str):
            raise EvalError("object key must be a string")
        return value

    # --- references ---------------------------------------------------------------------

    def _traversal(self, root, postfix: list, source, scope, path):
        name = root.text.decode("utf-8")
        steps = _steps(postfix)
        full_text = source.data[root.start_byte:(postfix[-1] if postfix else root).end_byte].decode("utf-8")
        if name in scope.bindings:
            return self._postfix(scope.bindings[name], postfix, source, scope, [root] + postfix)
        module = scope.module
        if name == "var" and steps and steps[0][0] == "attr":
            value = module.variable(steps[0][1], full_text)
            return self._postfix(value, postfix[1:], source, scope, [root] + postfix)
        if name == "local" and steps and steps[0][0] == "attr":
            value = module.local(steps[0][1], full_text)
            return self._postfix(value, postfix[1:], source, scope, [root] + postfix)
        if name == "path" and steps and steps[0][0] == "attr":
            known = {"module": module.directory, "root": module.root, "cwd": "."}
            if steps[0][1] in known:
                return self._postfix(known[steps[0][1]], postfix[1:], source, scope, [root] + postfix)
        address, attribute = self._address(name, postfix, source, scope)
        if address:
            what = f"`{address}.{attribute}`" if attribute else f"`{address}`"
            reason = (f"{what} is a module output, not evaluated" if name == "module"
                      else f"{what} is known only after apply")
            return unknown(full_text, reason, (address,))
        if name == "terraform":
            return unknown(full_text, "terraform.workspace depends on the workspace in use")
        if name in ("count", "each", "self"):
            return unknown(full_text, f"`{name}` is not available here")
        return unknown(full_text, f"`{name}` is not a known name")

    def _address(self, name: str, postfix: list, source, scope) -> tuple[str, str]:
        """The resource address a traversal names (`aws_x.y`, `data.t.n[0]`, `module.m`)."""
        steps = _steps(postfix)
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
            if node.type == "comment":
                continue
            if isinstance(value, Unknown):
                text = source.data[nodes[0].start_byte:postfix[-1].end_byte].decode("utf-8")
                return unknown(text, value.reason, value.refs)
            if node.type == "get_attr":
                value = _get_attr(value, node.children[-1].text.decode("utf-8"))
            elif node.type == "index":
                value = self._index(value, node.children[0], source, scope)
            elif node.type == "splat":
                return self._splat(value, node.children[0], postfix[i + 1:], source, scope, nodes)
            else:
                raise EvalError(f"unsupported operation ({node.type})")
        return value

    def _index(self, value, node, source, scope):
        if node.type == "legacy_index":
            key = int(node.text.decode("utf-8").lstrip("."))
        else:
            expr = next(c for c in node.children if c.type == "expression")
            key = self.evaluate(expr, source, scope)
        if isinstance(key, Unknown):
            return unknown(_text(node), f"index is unknown: {key.reason}", key.refs)
        return _lookup(value, key)

    def _splat(self, value, node, after: list, source, scope, nodes):
        items = value if isinstance(value, list) else ([] if value is None else [value])
        # Postfix operations inside the splat node apply to each element, then the rest.
        inner = [c for c in node.children if c.type in ("get_attr", "index")]
        out = [self._postfix(item, inner, source, scope, nodes) for item in items]
        return self._postfix(out, after, source, scope, nodes) if after else out

    # --- operators ----------------------------------------------------------------------

    def _conditional(self, node, source, scope, path):
        parts = [c for c in node.children if c.type == "expression"]
        condition = self.evaluate(parts[0], source, scope)
        if isinstance(condition, Unknown):
            return unknown(_text(node), f"condition `{_text(parts[0])}` is unknown: {condition.reason}",
                           condition.refs)
        if not isinstance(condition, bool):
            condition = _to_bool(condition)
        return self.evaluate(parts[1] if condition else parts[2], source, scope, path)

    def _operation(self, node, source, scope):
        children = [c for c in node.children if c.type != "comment"]
        if node.type == "unary_operation":
            operand = self._terms(children[1:], source, scope, None)
            if isinstance(operand, Unknown):
                return unknown(_text(node), operand.reason, operand.refs)
            op = children[0].type
            if op == "!":
                return not _to_bool(operand)
            return -_to_number(operand)
        split = next(i for i, c in enumerate(children) if not c.is_named and c.type in _BINARY and i > 0)
        op = children[split].type
        left = self._terms(children[:split], source, scope, None)
        if op in ("&&", "||") and not isinstance(left, Unknown):
            left_bool = _to_bool(left)
            if op == "&&" and not left_bool:
                return False
            if op == "||" and left_bool:
                return True
        right = self._terms(children[split + 1:], source, scope, None)
        for side in (left, right):
            if isinstance(side, Unknown):
                if op in ("&&", "||") and not isinstance(right, Unknown):
                    if (op == "&&" and not _to_bool(right)) or (op == "||" and _to_bool(right)):
                        return op == "||"
                return unknown(_text(node), side.reason, side.refs)
        return _binary(op, left, right)

    # --- for expressions ----------------------------------------------------------------

    def _for(self, node, source, scope):
        intro = next(c for c in node.children if c.type == "for_intro")
        names = [c.text.decode("utf-8") for c in intro.children if c.type == "identifier"]
        collection_node = next(c for c in intro.children if c.type == "expression")
        collection = self.evaluate(collection_node, source, scope)
        if isinstance(collection, Unknown):
            return unknown(_text(node), f"`for` over an unknown collection: {collection.reason}", collection.refs)
        if isinstance(collection, dict):
            pairs = list(collection.items())
        elif isinstance(collection, list):
            pairs = list(enumerate(collection))
        else:
            raise EvalError("`for` needs a list, set, map or object")
        if len(pairs) > MAX_ITEMS:
            return unknown(_text(node), f"`for` over more than {MAX_ITEMS} items is not evaluated")
        exprs = [c for c in node.children if c.type == "expression"]
        cond_node = next((c for c in node.children if c.type == "for_cond"), None)
        cond_expr = next((c for c in cond_node.children if c.type == "expression"), None) if cond_node else None
        grouping = any(c.type == "ellipsis" for c in node.children)
        is_object = node.type == "for_object_expr"
        out_list: list = []
        out_map: dict = {}
        for key, value in pairs:
            bindings = {names[0]: value} if len(names) == 1 else {names[0]: key, names[1]: value}
            inner = scope.child(**bindings)
            if cond_expr is not None:
                keep = self.evaluate(cond_expr, source, inner)
                if isinstance(keep, Unknown):
                    return unknown(_text(node), f"`for` filter is unknown: {keep.reason}", keep.refs)
                if not _to_bool(keep):
                    continue
            if is_object:
                k = self.evaluate(exprs[0], source, inner)
                v = self.evaluate(exprs[1], source, inner)
                if isinstance(k, Unknown):
                    return unknown(_text(node), f"`for` key is unknown: {k.reason}", k.refs)
                k = _key_text(k)
                if grouping:
                    out_map.setdefault(k, []).append(v)
                elif k in out_map:
                    raise EvalError(f"duplicate key {k!r} in `for` expression")
                else:
                    out_map[k] = v
            else:
                out_list.append(self.evaluate(exprs[0], source, inner))
        return out_map if is_object else out_list

    # --- templates ----------------------------------------------------------------------

    def _template(self, node, source, scope, path):
        heredoc = node.type == "heredoc_template"
        parts = self._template_parts(node, source, heredoc)
        return self._join_template(node, parts, source, scope, path, heredoc)

    def _template_parts(self, node, source, heredoc: bool) -> list:
        """Literal strings (escapes resolved) and interpolation/directive nodes, in order."""
        data = source.data
        children = [c for c in node.children if c.type not in ("comment",)]
        if heredoc:
            idents = [c for c in children if c.type == "heredoc_identifier"]
            start_line_end = data.find(b"\n", idents[0].end_byte)
            start = len(data) if start_line_end < 0 else start_line_end + 1
            end = data.rfind(b"\n", 0, idents[-1].start_byte) + 1 if len(idents) > 1 else node.end_byte
            end = max(end, start)
            inner = [c for c in children if c.type in ("template_interpolation", "template_directive")]
        else:
            start = children[0].end_byte
            end = children[-1].start_byte if children[-1].type == "quoted_template_end" else node.end_byte
            inner = [c for c in children if c.type in ("template_interpolation", "template_directive")]
        parts: list = []
        position = start
        for child in inner:
            if child.start_byte < position:
                continue
            parts.append(data[position:child.start_byte].decode("utf-8"))
            parts.append(child)
            position = child.end_byte
        parts.append(data[position:end].decode("utf-8"))
        if heredoc:
            strip = _heredoc_indent(node, source, parts)
            parts = [_dedent(p, strip, i == 0) if isinstance(p, str) else p for i, p in enumerate(parts)]
            return [_unescape_template(p) if isinstance(p, str) else p for p in parts]
        return [_unescape(p) if isinstance(p, str) else p for p in parts]

    def _join_template(self, node, parts, source, scope, path, heredoc):
        nodes = [p for p in parts if not isinstance(p, str)]
        literal = "".join(p for p in parts if isinstance(p, str))
        if len(nodes) == 1 and not literal and nodes[0].type == "template_interpolation":
            expr = next(c for c in nodes[0].children if c.type == "expression")
            return self.evaluate(expr, source, scope, path)  # "${x}" is x itself, any type
        pieces: list[str] = []
        refs: list = []
        reasons: list = []
        for part in parts:
            if isinstance(part, str):
                pieces.append(part)
                continue
            if part.type == "template_directive":
                return unknown(_text(node), "template directives (%{...}) are not evaluated")
            expr = next((c for c in part.children if c.type == "expression"), None)
            value = self.evaluate(expr, source, scope) if expr is not None else ""
            if isinstance(value, Unknown) or contains_unknown(value):
                inner = value if isinstance(value, Unknown) else None
                reasons.append(inner.reason if inner else "part of the value is unknown")
                refs.extend(inner.refs if inner else ())
                pieces.append("${" + _text(expr) + "}")
                continue
            pieces.append(_to_string(value))
        text = "".join(pieces)
        if reasons:
            return unknown(text if not heredoc else _text(node), reasons[0], refs)
        if heredoc and path is not None and self.recorder is not None:
            self._note_embedded_json(text, node, source, path, parts)
        return text

    def _note_embedded_json(self, text: str, node, source, path, parts) -> None:
        """Spans inside a heredoc JSON document, when interpolation kept its lines intact."""
        stripped = text.lstrip()
        if not stripped.startswith(("{", "[")):
            return
        raw_lines = sum(p.count("\n") if isinstance(p, str) else _text(p).count("\n") for p in parts)
        if raw_lines != text.count("\n"):
            return
        from iaclint.jsonspans import JsonSpanError, loads_with_spans

        first_line = source.span(node).line + 1
        try:
            _, spans = loads_with_spans(text, first_line, 1)
        except JsonSpanError:
            return
        for sub, (line, column, end_line, end_column) in spans.items():
            self.recorder.note(path + sub, Span(source.file, line, column, end_line, end_column))

    # --- functions ----------------------------------------------------------------------

    def _call(self, node, source, scope, path):
        name = node.children[0].text.decode("utf-8")
        args_node = next((c for c in node.children if c.type == "function_arguments"), None)
        arg_nodes = [c for c in args_node.children if c.type == "expression"] if args_node else []
        expand = bool(args_node) and any(c.type == "ellipsis" for c in args_node.children)
        if name in ("try", "can"):
            return self._try(name, arg_nodes, source, scope, path)
        if name in ("file", "templatefile", "fileexists"):
            args = [self.evaluate(a, source, scope) for a in arg_nodes]
            return scope.module.read_file(name, args, _text(node))
        keeps_structure = name in functions.STRUCTURAL
        args = [self.evaluate(a, source, scope, path if keeps_structure else None) for a in arg_nodes]
        if expand and args:
            last = args.pop()
            if isinstance(last, Unknown):
                return unknown(_text(node), last.reason, last.refs)
            args.extend(last if isinstance(last, list) else [last])
        function = functions.FUNCTIONS.get(name)
        if function is None:
            return unknown(_text(node), f"function `{name}` is not evaluated")
        for arg in args:
            if isinstance(arg, Unknown):
                return unknown(_text(node), arg.reason, arg.refs)
        if not keeps_structure and any(contains_unknown(a) for a in args):
            refs = [r for a in args for r in _refs_inside(a)]
            return unknown(_text(node), f"an argument of `{name}` is unknown", refs)
        try:
            return function(*args)
        except (functions.FunctionError, TypeError, ValueError, KeyError, IndexError, AttributeError,
                OverflowError, ZeroDivisionError) as exc:
            raise EvalError(f"`{name}` failed: {exc}") from None

    def _try(self, name, arg_nodes, source, scope, path):
        """`try` gives its first argument that evaluates without an error; `can` says
        whether the first one does. An unknown argument makes the answer unknown."""
        for arg in arg_nodes:
            saved = self.raise_errors
            self.raise_errors = True
            try:
                value = self.evaluate(arg, source, scope, path if name == "try" else None)
            except EvalError:
                continue
            finally:
                self.raise_errors = saved
            if isinstance(value, Unknown):
                return unknown(_text(arg), value.reason, value.refs)
            return True if name == "can" else value
        if name == "can":
            return False
        return unknown("try(...)", "no argument of `try` could be evaluated")


# --- helpers -------------------------------------------------------------------------------

def _text(node) -> str:
    return node.text.decode("utf-8", errors="replace") if node is not None else ""


def _steps(postfix: list) -> list:
    out = []
    for node in postfix:
        if node.type == "get_attr":
            out.append(("attr", node.children[-1].text.decode("utf-8")))
        elif node.type == "index":
            inner = node.children[0]
            if inner.type == "legacy_index":
                out.append(("legacy", inner.text.decode("utf-8").lstrip(".")))
            else:
                out.append(("index", next(c for c in inner.children if c.type == "expression")))
        else:
            out.append(("other", node))
    return out


def _refs_inside(value) -> list:
    from iaclint.unknown import collect_refs

    return collect_refs(value)


def _get_attr(value, name: str):
    if isinstance(value, dict):
        if name in value:
            return value[name]
        raise EvalError(f"no attribute `{name}`")
    if isinstance(value, list):
        raise EvalError(f"cannot read `.{name}` of a list (use [*] or an index)")
    raise EvalError(f"cannot read `.{name}` of a {type(value).__name__}")


def _lookup(value, key):
    if isinstance(value, list):
        index = _to_number(key)
        if not float(index).is_integer() or not 0 <= int(index) < len(value):
            raise EvalError(f"index {key!r} out of range")
        return value[int(index)]
    if isinstance(value, dict):
        text = _key_text(key)
        if text not in value:
            raise EvalError(f"no key {text!r}")
        return value[text]
    raise EvalError(f"cannot index a {type(value).__name__}")


def _key_text(key) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, (int, float)):
        return _number_text(key)
    if isinstance(key, str):
        return key
    raise EvalError("a map key must be a string")


def _number_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _to_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    raise EvalError(f"{value!r} is not a bool")


def _to_number(value):
    if isinstance(value, bool):
        raise EvalError("a bool is not a number")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            try:
                return float(value)
            except ValueError:
                pass
    raise EvalError(f"{value!r} is not a number")


def _to_string(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _number_text(value)
    if isinstance(value, str):
        return value
    if value is None:
        raise EvalError("cannot interpolate null")
    raise EvalError(f"cannot interpolate a {type(value).__name__}")


def _binary(op: str, left, right):
    if op in ("==", "!="):
        same = _equal(left, right)
        return same if op == "==" else not same
    if op in ("&&", "||"):
        a, b = _to_bool(left), _to_bool(right)
        return (a and b) if op == "&&" else (a or b)
    a, b = _to_number(left), _to_number(right)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        if b == 0:
            raise EvalError("division by zero")
        result = a / b
        return int(result) if float(result).is_integer() else result
    if op == "%":
        if b == 0:
            raise EvalError("division by zero")
        return a % b
    return {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]


def _equal(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or (isinstance(a, bool) and isinstance(b, bool) and a == b)
    if isinstance(a, EncodedJson) or isinstance(b, EncodedJson):
        return str(a) == str(b)
    return a == b


def _unescape(text: str) -> str:
    """Quoted-string escapes: \\n \\t \\" \\\\ \\uXXXX, and $${ / %%{ for literal ${ / %{."""
    if "\\" not in text and "$${" not in text and "%%{" not in text:
        return text

    def replace(match):
        whole = match.group(0)
        if whole == "$${":
            return "${"
        if whole == "%%{":
            return "%{"
        code = match.group(1)
        if code[0] in "uU" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _SIMPLE_ESCAPES.get(code, "\\" + code)

    return _ESCAPES.sub(replace, text)


def _unescape_template(text: str) -> str:
    """Heredocs have no backslash escapes, only $${ and %%{."""
    return text.replace("$${", "${").replace("%%{", "%{")


def _heredoc_indent(node, source, parts) -> int:
    """Spaces that `<<-` removes: the smallest indentation of the non-blank lines."""
    opener = next((c for c in node.children if c.type == "heredoc_start"), None)
    if opener is None or b"-" not in opener.text:
        return 0
    raw = "".join(p if isinstance(p, str) else "x" * max(1, len(_text(p).splitlines()[0] or "x")) for p in parts)
    widths = [len(line) - len(line.lstrip(" \t")) for line in raw.split("\n") if line.strip()]
    return min(widths) if widths else 0


def _dedent(text: str, width: int, at_start: bool) -> str:
    if not width:
        return text
    lines = text.split("\n")
    out = []
    for i, line in enumerate(lines):
        if i == 0 and not at_start:
            out.append(line)
            continue
        cut = 0
        while cut < width and cut < len(line) and line[cut] in " \t":
            cut += 1
        out.append(line[cut:])
    return "\n".join(out)
