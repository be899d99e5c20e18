"""Values of a module's input variables, from every source Terraform reads.

Terraform's precedence, lowest first: the `default` in the declaration, `TF_VAR_name`
environment variables, `terraform.tfvars`, `terraform.tfvars.json`, `*.auto.tfvars` and
`*.auto.tfvars.json` in lexical order, then `--var-file` files and `--var` values in the
order given (ours: files, then values). A declared variable with no value from any source
is an `Unknown` that says so; it is never guessed.
"""
from __future__ import annotations

import os

from iaclint.frontends.jsonspans import JsonSpanError, loads_with_spans
from iaclint.frontends.terraform.expressions import Evaluator, Scope, unknown
from iaclint.frontends.terraform.functions import toset
from iaclint.frontends.terraform.var_files import auto_var_files
from iaclint.gate import reads
from iaclint.model.resource import ParseError
from iaclint.model.sizes import Budget
from iaclint.model.unknown import Unknown

_COMPLEX_TYPES = ("list", "map", "set", "object", "tuple", "any")


class _NoModule:
    """Scope for tfvars and defaults: they may not refer to anything."""

    directory = "."
    root = "."
    paths: dict = {}  # `path.module` and friends are not available to variables

    def __init__(self):
        self.budget = Budget()

    def variable(self, name, text):
        return unknown(text, "variables cannot refer to other variables here")

    def local(self, name, text):
        return unknown(text, "variables cannot refer to locals here")

    def read_file(self, function, args, text):
        return unknown(text, f"`{function}` is not allowed here")


def _type_text(block) -> str:
    attribute = block.attributes.get("type")
    if attribute is None:
        return ""
    if not hasattr(attribute.expr, "start_byte"):  # .tf.json: the type expression is a string
        value = getattr(attribute.expr, "value", None)
        return value.strip() if isinstance(value, str) else ""
    return attribute.source.data[attribute.expr.start_byte:attribute.expr.end_byte].decode("utf-8").strip()


def _convert(value, type_text: str):
    """The conversions Terraform applies to a value of a declared type: primitives,
    collections, and `optional()` object attributes filled from their defaults."""
    from iaclint.frontends.terraform import types

    if not type_text:
        return value
    spec = types.parse(type_text, _evaluate_text)
    value = types.convert(value, spec)
    if isinstance(value, list) and type_text.replace(" ", "").startswith("set("):
        return toset(value)  # a set: no duplicates, in value order, each element its own key
    return value


def _evaluate_text(text: str):
    """An `optional()` default: a constant expression (no variables in a type)."""
    from iaclint.frontends.terraform.hcl import parse_expression

    expr, source = parse_expression(text)
    if expr is None:
        return None
    return Evaluator().evaluate(expr, source, Scope(_NoModule()))


def resolve(directory: str, declared: dict, var_files: list, cli_values: dict,
            origins: dict | None = None, tree=None) -> tuple[dict, list]:
    """name -> value for every declared variable, and the errors met in variable files.
    `origins`, when given, receives name -> where the value was set (for messages);
    `tree` (`iaclint.gate.reads.Tree`) is where variables files may be read from."""
    errors: list[ParseError] = []
    scope = Scope(_NoModule())
    values: dict = {}
    where: dict = {}
    for name, block in declared.items():
        default = block.attributes.get("default")
        if default is None:
            continue
        values[name] = default_value(block)
        where[name] = f"var.{name} default in {default.span.file}:{default.span.line}"
    for name in declared:
        env = os.environ.get(f"TF_VAR_{name}")
        if env is not None:
            values[name] = _from_text(env, _type_text(declared[name]))
            where[name] = f"var.{name} set by TF_VAR_{name}"
    for path in auto_var_files(directory, tree) + list(var_files):
        lines: dict = {}
        for name, value in _read_values(path, scope, errors, lines, tree).items():
            if name in declared:
                values[name] = value
                where[name] = f"var.{name} set in {path}:{lines.get(name, 1)}"
    for name, text in cli_values.items():
        if name in declared:
            values[name] = _from_text(text, _type_text(declared[name]))
            where[name] = f"var.{name} set by --var {name}=..."
    if origins is not None:
        origins.update(where)
    out = {}
    for name, block in declared.items():
        if name in values:
            out[name] = _convert(values[name], _type_text(block))
        else:
            out[name] = Unknown(f"var.{name}", f"variable `{name}` has no default and no value was given",
                                alternatives=allowed_values(block, name), symbol=("tf", directory or ".", f"var.{name}"))
    return out, errors


def allowed_values(block, name: str) -> tuple | None:
    """What a `validation` block lets the variable be: `contains([...], var.name)` with a
    list of literal scalars (the Terraform twin of CloudFormation's `AllowedValues`)."""
    found = None
    for validation in block.blocks:
        condition = validation.attributes.get("condition") if validation.type == "validation" else None
        options = _contains_options(condition, name) if condition is not None else None
        if options is not None:
            found = options if found is None else tuple(o for o in found if o in options)
    return found if found else None


def _contains_options(condition, name: str) -> tuple | None:
    expr = condition.expr
    if not hasattr(expr, "start_byte"):
        return None
    text = condition.source.data[expr.start_byte:expr.end_byte].decode("utf-8", errors="replace")
    compact = "".join(text.split())
    suffix = f",var.{name})"
    if not compact.startswith("contains(") or not compact.endswith(suffix):
        return None
    from iaclint.frontends.terraform.hcl import parse_expression

    listed, source = parse_expression(compact[len("contains("):-len(suffix)])
    if listed is None:
        return None
    options = Evaluator().evaluate(listed, source, Scope(_NoModule()))
    if not isinstance(options, list) or not options or any(
            isinstance(o, (list, dict, Unknown)) or o is None for o in options):
        return None
    return tuple(dict.fromkeys(options))


def default_value(block):
    """The evaluated `default` of a variable block (None when it has none)."""
    default = block.attributes.get("default")
    if default is None:
        return None
    if hasattr(default.expr, "spans"):  # .tf.json: Terraform reads a default literally, no `${`
        return default.expr.value
    return Evaluator().evaluate(default.expr, default.source, Scope(_NoModule()))


def convert(value, block):
    """`value` converted to the variable's declared type, as Terraform converts inputs."""
    return _convert(value, _type_text(block))


def _read_values(path: str, scope: Scope, errors: list, lines: dict | None = None, tree=None) -> dict:
    try:
        data = reads.read_bytes(path, tree=tree)
    except OSError as exc:  # outside the tree, not a regular file, too big, unreadable
        errors.append(ParseError(path, 1, 1, f"cannot read variables file: {exc.strerror or exc}"))
        return {}
    if path.endswith(".json"):
        try:
            document, spans = loads_with_spans(data.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            errors.append(ParseError(path, data.count(b"\n", 0, exc.start) + 1, 1, "not valid UTF-8"))
            return {}
        except JsonSpanError as exc:  # where the JSON breaks, as for a .tf.json file
            errors.append(ParseError(path, exc.line, exc.column, f"invalid JSON variables file: {exc.message}"))
            return {}
        if not isinstance(document, dict):
            errors.append(ParseError(path, 1, 1, "a variables file must hold a JSON object"))
            return {}
        if lines is not None:
            lines.update((name, spans[(name,)][0]) for name in document if (name,) in spans)
        return document
    from iaclint.frontends.terraform.hcl import parse_attributes

    attributes, parse_errors = parse_attributes(path, data)
    errors.extend(parse_errors)
    if lines is not None:
        lines.update((name, a.span.line) for name, a in attributes.items())
    return {name: Evaluator().evaluate(a.expr, a.source, scope) for name, a in attributes.items()}


def _from_text(text: str, type_text: str):
    """A `--var`/`TF_VAR_` string: parsed as HCL for complex types, taken as is otherwise."""
    if type_text.startswith(_COMPLEX_TYPES):
        from iaclint.frontends.terraform.hcl import parse_expression

        expr, source = parse_expression(text)
        if expr is not None:
            return Evaluator().evaluate(expr, source, Scope(_NoModule()))
    return text
