"""Load one Terraform module (a directory) into `RawResource`s (the public entry point).

A module is a directory: variables, locals and resources of all its files see each other.
Variable values come from every source Terraform reads, in its precedence order (see
`iaclint.terraform.variables`); locals are evaluated on first use, with cycle detection.
`count` and `for_each` expand into one resource per instance when the collection is known,
and `dynamic` blocks into the blocks they generate. Every resource gets a span for each
attribute path it writes, and a graph edge for each reference to another resource.
Never raises: unreadable or broken files become `ParseError`s and the others still load.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from iaclint.documents import EncodedJson
from iaclint.model import TERRAFORM, ParseError, RawResource, Reference
from iaclint.terraform import variables as tfvars
from iaclint.terraform.expressions import Budget, Evaluator, Recorder, Scope, unknown
from iaclint.terraform.functions import SetValue
from iaclint.unknown import Unknown

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_INSTANCES = 10_000
META_ATTRIBUTES = {"count", "for_each", "depends_on", "provider"}
META_BLOCKS = {"lifecycle", "provisioner", "connection"}


@dataclass
class ModuleResult:
    resources: list = field(default_factory=list)  # list[RawResource]
    errors: list = field(default_factory=list)  # list[ParseError]
    files_read: list = field(default_factory=list)  # files read by file()/templatefile()/filebase64()


class Module:
    """What expressions of one module can see: variables, locals, its directory."""

    def __init__(self, directory: str, variables: dict, local_attributes: dict):
        self.directory = directory or "."
        self.root = self.directory
        # Terraform runs in the root module's directory: there `path.module` and
        # `path.root` are ".", and a relative `file()` path starts from that directory.
        self.paths = {"module": ".", "root": ".", "cwd": os.path.abspath(self.directory)}
        self.budget = Budget()
        self.variables = variables  # name -> value (or Unknown)
        self.local_attributes = local_attributes  # name -> Attribute
        self._locals: dict = {}
        self._evaluating: list = []
        self.files_read: list = []  # inputs beyond the .tf files (the cache must know them)

    def variable(self, name: str, text: str):
        if name in self.variables:
            return self.variables[name]
        return unknown(text, f"variable `{name}` is not declared")

    def local(self, name: str, text: str):
        if name in self._locals:
            return self._locals[name]
        attribute = self.local_attributes.get(name)
        if attribute is None:
            return unknown(text, f"local `{name}` is not defined")
        if name in self._evaluating:
            cycle = " -> ".join(self._evaluating[self._evaluating.index(name):] + [name])
            return unknown(text, f"locals refer to each other in a cycle ({cycle})")
        self._evaluating.append(name)
        try:
            value = Evaluator().evaluate(attribute.expr, attribute.source, Scope(self))
        finally:
            self._evaluating.pop()
        self._locals[name] = value
        return value

    def read_file(self, function: str, args: list, text: str):
        """`file`, `fileexists` and `templatefile`, for files inside the module's tree only."""
        if not args or not isinstance(args[0], str):
            return unknown(text, f"`{function}` path is unknown")
        path = args[0] if os.path.isabs(args[0]) else os.path.join(self.directory, args[0])
        real = os.path.realpath(path)
        allowed = [os.path.realpath(self.directory), os.path.realpath(os.getcwd())]
        if not any(real == base or real.startswith(base + os.sep) for base in allowed):
            return unknown(text, f"`{function}` reads {args[0]}, outside the scanned tree: not read")
        self.files_read.append(real)
        if function == "fileexists":
            return os.path.isfile(real)
        try:
            if os.path.getsize(real) > MAX_FILE_BYTES:
                return unknown(text, f"{args[0]} is larger than the file-size limit")
            with open(real, encoding="utf-8") as handle:
                content = handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            return unknown(text, f"`{function}` cannot read {args[0]}: {getattr(exc, 'strerror', None) or exc}")
        if function == "file":
            return content
        if function == "filebase64":
            import base64

            return base64.b64encode(content.encode("utf-8")).decode("ascii")
        bindings = args[1] if len(args) > 1 else {}
        if not isinstance(bindings, dict):
            return unknown(text, "templatefile variables are unknown")
        return render_template(content, self, bindings, text)


def render_template(content: str, module: Module, bindings: dict, text: str):
    from iaclint.terraform.hcl import parse_expression

    marker = "IACLINT_TEMPLATE_END"
    while marker in content:
        marker += "_"
    # A heredoc's value ends with the newline before its closing marker: add one only
    # when the file has none, and take it off again afterwards.
    ends_with_newline = content.endswith("\n")
    body = content if ends_with_newline else content + "\n"
    expr, source = parse_expression(f"<<{marker}\n{body}{marker}")
    if expr is None:
        return unknown(text, "template file could not be parsed")
    value = Evaluator().evaluate(expr, source, Scope(module, dict(bindings)))
    if isinstance(value, str) and not ends_with_newline and value.endswith("\n"):
        value = value[:-1]
    return value


def load_module(directory: str, tf_files: list, var_files=(), variables: dict | None = None,
                overlay: dict | None = None) -> ModuleResult:
    """`overlay` maps paths to unsaved contents (an editor buffer) that replace the disk's."""
    result = ModuleResult()
    blocks = []
    for path in tf_files:
        file_blocks, errors = read_config_file(path, (overlay or {}).get(path))
        blocks.extend(file_blocks)
        result.errors.extend(errors)
    declared = {b.labels[0]: b for b in blocks if b.type == "variable" and b.labels}
    values, errors = tfvars.resolve(directory, declared, list(var_files), dict(variables or {}))
    result.errors.extend(errors)
    local_attributes = {}
    for block in blocks:
        if block.type == "locals":
            local_attributes.update(block.attributes)
    module = Module(directory, values, local_attributes)
    for block in blocks:
        if block.type in ("resource", "data") and len(block.labels) == 2:
            try:
                result.resources.extend(_instances(block, module, directory))
            except RecursionError:
                result.errors.append(ParseError(block.span.file, block.header.line, block.header.column,
                                                f"{'.'.join(block.labels)} is nested too deeply to evaluate"))
            except Exception as exc:  # a bug of ours must not stop the scan (the fuzz tests look for it)
                result.errors.append(ParseError(block.span.file, block.header.line, block.header.column,
                                                f"internal error evaluating {'.'.join(block.labels)}: "
                                                f"{type(exc).__name__}: {exc}"))
    result.files_read = sorted(set(module.files_read))
    return result


def read_config_file(path: str, data: bytes | None = None):
    """Blocks of one `.tf` or `.tf.json` file (or of `data`, its unsaved content), or the
    ParseError that stops it."""
    if data is None:
        try:
            size = os.path.getsize(path)
            if size > MAX_FILE_BYTES:
                return [], [ParseError(path, 1, 1, f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB: "
                                                   "not scanned")]
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            return [], [ParseError(path, 1, 1, f"cannot read file: {exc.strerror or exc}")]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return [], [ParseError(path, 1, 1, "file is UTF-16 encoded; Terraform requires UTF-8")]
    if path.endswith(".tf.json"):
        from iaclint.terraform.tfjson import parse_json_file

        return parse_json_file(path, data)
    from iaclint.terraform.hcl import parse_file

    return parse_file(path, data)


def _instances(block, module: Module, directory: str) -> list[RawResource]:
    """One RawResource per instance that `count`/`for_each` create (none for count = 0)."""
    rtype, name = block.labels
    native_type = f"data.{rtype}" if block.type == "data" else rtype
    base = f"{native_type}.{name}"
    scope = Scope(module)
    evaluator = Evaluator()
    if "count" in block.attributes:
        attr = block.attributes["count"]
        count = evaluator.evaluate(attr.expr, attr.source, scope)
        if isinstance(count, bool) or not isinstance(count, (int, float)):
            reason = count.reason if isinstance(count, Unknown) else "count is not a number"
            count_value = unknown("count.index", f"count is unknown: {reason}")
            return [_resource(block, native_type, base, module, scope.child(count={"index": count_value}), directory)]
        count = int(count)
        return [_resource(block, native_type, f"{base}[{i}]", module, scope.child(count={"index": i}), directory)
                for i in range(min(count, MAX_INSTANCES))]
    if "for_each" in block.attributes:
        attr = block.attributes["for_each"]
        collection = evaluator.evaluate(attr.expr, attr.source, scope)
        if isinstance(collection, dict):
            items = sorted(collection.items())
        elif isinstance(collection, list) and all(isinstance(x, str) for x in collection):
            items = [(x, x) for x in sorted(set(collection))]
        else:
            reason = collection.reason if isinstance(collection, Unknown) else "for_each is not a map or set of strings"
            each = {"key": unknown("each.key", f"for_each is unknown: {reason}"),
                    "value": unknown("each.value", f"for_each is unknown: {reason}")}
            return [_resource(block, native_type, base, module, scope.child(each=each), directory)]
        return [_resource(block, native_type, f'{base}["{key}"]', module,
                          scope.child(each={"key": key, "value": value}), directory)
                for key, value in items[:MAX_INSTANCES]]
    return [_resource(block, native_type, base, module, scope, directory)]


def _resource(block, native_type: str, address: str, module: Module, scope: Scope, directory: str) -> RawResource:
    recorder = Recorder()
    evaluator = Evaluator(recorder)
    attributes = _body(block, scope, evaluator, (), top=True)
    return RawResource(
        native_type=native_type, address=address, file=block.span.file, span=block.span, header=block.header,
        attributes=attributes, spans=recorder.spans, fmt=TERRAFORM, references=_references(attributes),
        unit=directory,
    )


def _body(block, scope: Scope, evaluator: Evaluator, path: tuple, top: bool = False) -> dict:
    out: dict = {}
    for name, attribute in block.attributes.items():
        if top and name in META_ATTRIBUTES:
            continue
        value = evaluator.evaluate(attribute.expr, attribute.source, scope, path + (name,))
        if value is None:
            continue  # Terraform treats an argument set to null as not set at all
        evaluator.recorder.note(path + (name,), attribute.span)
        out[name] = value
    for child in block.blocks:
        if top and child.type in META_BLOCKS:
            continue
        if child.type == "dynamic" and child.labels:
            _dynamic(child, scope, evaluator, path, out)
            continue
        _append_block(out, child.type, child, scope, evaluator, path)
    return out


def _append_block(out: dict, name: str, block, scope: Scope, evaluator: Evaluator, path: tuple,
                  span_block=None) -> None:
    existing = out.get(name)
    if not isinstance(existing, list):
        existing = out[name] = []
    index = len(existing)
    span = (span_block or block).span
    evaluator.recorder.note(path + (name,), span)
    evaluator.recorder.note(path + (name, index), span)
    existing.append(_body(block, scope, evaluator, path + (name, index)))


def _dynamic(block, scope: Scope, evaluator: Evaluator, path: tuple, out: dict) -> None:
    """`dynamic "x" { for_each = ...; content { ... } }` -> the `x` blocks it generates."""
    name = block.labels[0]
    content = next((b for b in block.blocks if b.type == "content"), None)
    for_each = block.attributes.get("for_each")
    if content is None or for_each is None:
        return
    iterator = name
    if "iterator" in block.attributes:
        iterator = block.attributes["iterator"].source.data[
            block.attributes["iterator"].expr.start_byte:block.attributes["iterator"].expr.end_byte].decode().strip()
    collection = Evaluator().evaluate(for_each.expr, for_each.source, scope)
    if isinstance(collection, Unknown):
        evaluator.recorder.note(path + (name,), block.span)
        out[name] = unknown(collection.expr, f"dynamic \"{name}\" blocks depend on: {collection.reason}",
                            collection.refs)
        return
    if isinstance(collection, dict):
        items = sorted(collection.items())  # Terraform visits map keys in lexical order
    elif isinstance(collection, SetValue):
        items = [(item, item) for item in collection]  # a set element is its own key
    elif isinstance(collection, list):
        items = list(enumerate(collection))
    elif collection is None:
        items = []
    else:
        evaluator.recorder.note(path + (name,), block.span)
        out[name] = unknown(_source_text(for_each), f"dynamic \"{name}\" for_each is not a collection")
        return
    for key, value in items[:MAX_INSTANCES]:
        inner = scope.child(**{iterator: {"key": key, "value": value}})
        _append_block(out, name, content, inner, evaluator, path, span_block=block)


def _attribute_read(expr: str, target: str) -> str:
    """The attribute of `target` that `expr` reads (`arn` in `"${aws_x.y.arn}/*"`), or ""."""
    base = target.split("[", 1)[0]  # the index may be written as an expression (each.key)
    match = re.search(r"(?<![\w.])" + re.escape(base) + r"(?:\[[^\]]*\])?\.([A-Za-z_][A-Za-z0-9_-]*)", expr)
    return match.group(1) if match else ""


def _source_text(attribute) -> str:
    expr = attribute.expr
    if hasattr(expr, "start_byte"):
        return attribute.source.data[expr.start_byte:expr.end_byte].decode("utf-8", errors="replace")
    return str(getattr(expr, "value", ""))


def _references(attributes: dict) -> list[Reference]:
    """A graph edge for every resource that an Unknown value refers to, at its path."""
    out: list[Reference] = []
    seen: set = set()
    stack = [((), attributes)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, EncodedJson):
            stack.append((path, value.value))
        elif isinstance(value, Unknown):
            for target in value.refs:
                key = (path, target)
                if key in seen:
                    continue
                seen.add(key)
                out.append(Reference(path, target, _attribute_read(value.expr, target)))
        elif isinstance(value, dict):
            stack.extend((path + (k,), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((path + (i,), v) for i, v in enumerate(value))
    out.sort(key=lambda r: (tuple(map(str, r.path)), r.target))
    return out
