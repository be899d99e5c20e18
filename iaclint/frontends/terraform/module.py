"""Load one Terraform root module (a directory) into `RawResource`s (the public entry point).

A module is a directory: variables, locals and resources of all its files see each other.
Variable values come from every source Terraform reads, in its precedence order (see
`iaclint.frontends.terraform.variables`); locals are evaluated on first use, with cycle detection.
`count` and `for_each` expand into one resource per instance when the collection is known,
and `dynamic` blocks into the blocks they generate (`iaclint.frontends.terraform.resources`). Every
resource gets a span for each attribute path it writes, and a graph edge for each
reference to another resource.

The module calls of the root are followed (`iaclint.frontends.terraform.calls`): a child module's
resources are loaded with it, in the same unit, under their full address
(`module.m.aws_x.y`), at the child's own files and lines. `Module` is the scope of one
module instance; it answers what expressions ask of it: variables (inputs, for a child),
locals, `module.m.output`, `data.aws_iam_policy_document.d.json` (rendered by
`iaclint.frontends.terraform.policy_document`) and files read with `file()`.
Never raises: unreadable or broken files become `ParseError`s and the others still load.
"""
from __future__ import annotations

import os

from iaclint.frontends.terraform import variables as tfvars
from iaclint.frontends.terraform.calls import calls_of
from iaclint.frontends.terraform.expressions import Evaluator, Recorder, Scope, unknown
from iaclint.frontends.terraform.resources import (
    body,
    collect,
    expand,
    instances,
    key_suffix,
)
from iaclint.frontends.terraform.kept import kept
from iaclint.frontends.terraform.values import forget_positions
from iaclint.frontends.terraform.tree import MAX_FILE_BYTES, ModuleTree
from iaclint.gate import reads
from iaclint.model import symbolic
from iaclint.model.documents import EncodedJson
from iaclint.model.records import dataclass, field
from iaclint.model.resource import ParseError
from iaclint.model.unknown import Unknown

# Data sources whose result the configuration decides, without a read of the cloud: the
# IAM policy document, a template rendered with its `vars` (the `template` provider's
# `template_file`) and a file of the scanned tree (`local_file`, read at plan time).
RENDERED_DATA_SOURCES = {"aws_iam_policy_document", "template_file", "local_file"}
# Resources whose `for_each` is another resource's instances, followed this deep at most
# (`Module.resource_instances`): each link is a few frames of the evaluator's recursion.
MAX_CHAIN = 32


@dataclass
class ModuleResult:
    resources: list = field(default_factory=list)  # list[RawResource]
    errors: list = field(default_factory=list)  # list[ParseError]
    files_read: list = field(default_factory=list)  # files read by file()/templatefile()/filebase64()
    module_dirs: list = field(default_factory=list)  # directories evaluated as child modules
    module_files: list = field(default_factory=list)  # their .tf/.tf.json files
    notes: list = field(default_factory=list)  # (file:line, what was not scanned), model.resource.Uncreated
    inputs: dict = field(default_factory=dict)  # what else was read: dependency key -> digest (the cache checks it)
    effort: int = field(default=0, compare=False)  # bytes parsed, evaluation work (pipeline.scan_budget)
    # The bytes of every file parsed into blocks, by path, while the result is in memory (the
    # loader reads them before it lets the result go; never pickled, never cached).
    texts: dict = field(default_factory=dict, compare=False, repr=False)
    # How many of the first resources were given to `load_module`'s `finish` already
    # (`halves` finishes each half as it is done, the rest at the end of the load).
    finished: int = field(default=0, compare=False, repr=False)


class Module:
    """What expressions of one module instance can see: variables, locals, data sources,
    module calls, its directory. The root's variables come from tfvars and defaults; a
    child's from the arguments of the call that created it (`inputs`)."""

    def __init__(self, tree, directory: str, blocks: list, variables: dict | None = None, *, prefix: str = "",
                 inputs=None, chain: tuple = (), origins: dict | None = None, key_path: tuple = ()):
        self.tree = tree
        self.module_dir = directory or "."
        # Terraform runs in the root module's directory: a relative `file()` path starts
        # there, `path.root` is "." and `path.module` is the module's path from there.
        self.directory = tree.root
        self.root = tree.root
        relative = os.path.relpath(self.module_dir, tree.root) if self.module_dir != tree.root else "."
        self.paths = {"module": relative.replace(os.sep, "/"), "root": ".", "cwd": os.path.abspath(tree.root)}
        self.budget = tree.budget
        self.prefix = prefix  # "" for the root, "module.m." (or "module.m[0].") for a child
        self.chain = chain or (os.path.realpath(self.module_dir),)  # module directories from the root here
        self.key_path = key_path  # call names from the root (`a`, `b` for module.a.module.b)
        self.blocks = blocks
        self.declared = {b.labels[0]: b for b in blocks if b.type == "variable" and b.labels}
        self.local_attributes: dict = {}
        self.data_blocks: dict = {}
        self.resource_blocks: dict = {}
        self.outputs: dict = {}
        for block in blocks:
            if block.type == "locals":
                self.local_attributes.update(block.attributes)
            elif block.type == "data" and len(block.labels) == 2:
                self.data_blocks.setdefault(tuple(block.labels), block)
            elif block.type == "resource" and len(block.labels) == 2:
                self.resource_blocks.setdefault(tuple(block.labels), block)
            elif block.type == "output" and block.labels:
                self.outputs.setdefault(block.labels[0], block)
        self.variables = dict(variables or {})  # name -> value (or Unknown)
        self.origins = dict(origins or {})  # name -> where the root's value was set
        self.inputs = inputs  # a child's `calls.Inputs`, or None for the root
        self._locals: dict = {}
        self._evaluating: list = []
        self._resolved: dict = {}  # ("data", type, name) / ("output", name) -> value
        self.files_read: list = []  # inputs beyond the .tf files (the cache must know them)
        self.calls = calls_of(self)
        # Built from the blocks that are not resources (`halves`' first pass): the module's
        # files, where `resource_instances` looks for a resource's block; else None.
        self.partial: list | None = None

    def child(self, directory: str, blocks: list, **how) -> "Module":
        """A child module instance of a call of this module (see `calls.Call`)."""
        return Module(self.tree, directory, blocks, **how)

    # --- names ------------------------------------------------------------------------

    def variable(self, name: str, text: str):
        if name in self.variables:
            return self.variables[name]
        if self.inputs is not None and name in self.declared:
            value = self._guarded(("var", name), text, lambda: self.inputs.value(name))
            self.variables[name] = value
            return value
        return unknown(text, f"variable `{name}` is not declared")

    def origin(self, name: str) -> str | None:
        """Where the value of `var.name` was set, for messages (None when unknown)."""
        if self.inputs is not None:
            return self.inputs.origin(name)
        return self.origins.get(name)

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

    def _guarded(self, key: tuple, text: str, compute):
        """`compute()` once per key, with an Unknown instead of endless recursion when
        values refer to each other in a cycle (through module inputs and outputs)."""
        if key in self._resolved:
            return self._resolved[key]
        if key in self._evaluating:
            return unknown(text, f"`{text}` refers to itself through other values (a cycle)")
        self._evaluating.append(key)
        try:
            value = compute()
        finally:
            self._evaluating.pop()
        self._resolved[key] = value
        return value

    def data_source(self, rtype: str, name: str, text: str):
        """`data.TYPE.NAME` for the data sources whose result the source decides (the
        rendered IAM policy document); None for the others (known only after a read)."""
        block = self.data_blocks.get((rtype, name))
        if rtype not in RENDERED_DATA_SOURCES or block is None:
            return None
        return self._guarded(("data", rtype, name), text, lambda: self._render_data(block, text))

    def _render_data(self, block, text: str):
        from iaclint.frontends.terraform.policy_document import render

        rtype = block.labels[0]
        base = f"{self.prefix}data.{rtype}.{block.labels[1]}"

        def one(key, scope):
            attributes = body(block, scope, Evaluator(Recorder()), (), top=True)
            if rtype == "template_file":
                return self._template_file(attributes, text)
            if rtype == "local_file":
                return self._local_file(attributes, text)
            return render(attributes, base + key_suffix(key), text)

        return collect(expand(block, Scope(self)), one, text)

    def _template_file(self, attributes: dict, text: str) -> dict:
        """`rendered`: `template` rendered with `vars`, as `templatefile()` renders a file."""
        template, bindings = attributes.get("template"), attributes.get("vars", {})
        if not isinstance(template, str):
            rendered = unknown(f"{text}.rendered", "the template is unknown")
        elif not isinstance(bindings, dict):
            rendered = unknown(f"{text}.rendered", "the template's vars are unknown")
        else:
            rendered = render_template(template, self, bindings, f"{text}.rendered")
        return {"rendered": rendered, "template": template, "vars": bindings}

    def _local_file(self, attributes: dict, text: str) -> dict:
        """`content`: the file `filename` names, read as `file()` reads it (the read gate)."""
        filename = attributes.get("filename")
        content = self.read_file("file", [filename], f"{text}.content")
        return {"content": content, "filename": filename}

    def resource_instances(self, rtype: str, name: str, text: str):
        """`TYPE.NAME` as a whole, for a resource of this module whose `count` or
        `for_each` is known: a list (count) or a map (for_each) of its instances, each an
        Unknown that refers to it (an instance's attributes are known after apply, its keys
        at plan time), so `for_each = aws_iam_role.runtime`, `length(aws_x.y)` and
        `aws_x.y[*].arn` expand as Terraform plans them. None for a resource of one
        instance, one whose expansion is unknown, or a name that is no resource here:
        the reference stays the one Unknown it was. A module built from the first pass
        (`partial`: its files) reads the block from its file (`tree.resource_block`)."""
        block = self.resource_blocks.get((rtype, name))
        if block is None and self.partial is not None:  # its file's first pass did not parse it
            block = self._guarded(("block", rtype, name), text,
                                  lambda: self.tree.resource_block(self.partial, rtype, name))
        if block is None or isinstance(block, Unknown):
            return None
        if "count" not in block.attributes and "for_each" not in block.attributes:
            return None
        if sum(1 for key in self._evaluating if key.__class__ is tuple and key[0] == "resource") >= MAX_CHAIN:
            return None  # a chain of collections this deep is no configuration: not followed
        found = self._guarded(("resource", rtype, name), text, lambda: self._instances_of(block))
        return None if isinstance(found, Unknown) else found

    def _instances_of(self, block):
        rtype, name = block.labels
        mode, items, _ = expand(block, Scope(self))
        if mode not in ("count", "for_each"):
            return None
        self.budget.spend(len(items))
        local, address = f"{rtype}.{name}", f"{self.prefix}{rtype}.{name}"

        def one(key) -> Unknown:
            suffix = key_suffix(key)
            return Unknown(local + suffix, f"`{local}{suffix}` is known only after apply", refs=(address + suffix,),
                           symbol=("tf", self.root, address + suffix))

        each = [(key, one(key)) for key, _ in items]
        return [v for _, v in each] if mode == "count" else dict(each)

    def module_output(self, call: str, key, output: str | None, text: str):
        """`module.CALL[KEY].OUTPUT` (None for the whole object), or None when the module
        declares no such call."""
        found = self.calls.get(call)
        if found is None:
            return None
        return found.output(key, output, text)

    def output(self, name: str, text: str):
        """The value of this module's output `name`, evaluated in its own scope."""
        block = self.outputs.get(name)
        if block is None or "value" not in block.attributes:
            return unknown(text, f"the module has no output `{name}`")
        attribute = block.attributes["value"]
        return self._guarded(("output", name), text,
                             lambda: Evaluator().evaluate(attribute.expr, attribute.source, Scope(self)))

    def all_outputs(self, text: str) -> dict:
        return {name: self.output(name, f"{text}.{name}") for name in sorted(self.outputs)}

    # --- files ------------------------------------------------------------------------

    def read_file(self, function: str, args: list, text: str):
        """`file`, `fileexists` and `templatefile`, for regular files inside the scanned
        tree only (the read gate, `iaclint.gate.reads`, decides)."""
        if not args or not isinstance(args[0], str):
            return unknown(text, f"`{function}` path is unknown")
        path = args[0] if os.path.isabs(args[0]) else os.path.join(self.directory, args[0])
        scanned = self.tree.scanned
        try:
            real = scanned.check(path) if scanned is not None else os.path.realpath(path)
        except reads.Refused:
            return unknown(text, f"`{function}` reads {args[0]}, outside the scanned tree: not read")
        self.files_read.append(real)
        self.tree.files_read.append(real)
        if function == "fileexists":
            return reads.is_regular_file(real, tree=scanned)
        try:
            content = reads.read_bytes(real, tree=scanned, limit=MAX_FILE_BYTES).decode("utf-8")
        except reads.Refused as exc:
            return unknown(text, f"`{function}` does not read {args[0]}: {exc.strerror}")
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
        if real in self.tree.templates:  # Terraform forbids it; without this, Python's stack decides
            return unknown(text, f"template {args[0]} renders itself: nested too deeply, not evaluated")
        self.tree.templates.append(real)
        try:
            return render_template(content, self, bindings, text)
        finally:
            self.tree.templates.pop()


def render_template(content: str, module: Module, bindings: dict, text: str):
    from iaclint.frontends.terraform.hcl import parse_expression

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
    return value if ends_with_newline else _without_added_newline(value)


def _without_added_newline(value):
    """The rendered template without the newline `render_template` added, whatever the
    rendering is: text, a JSON document with unknown parts (slicing its text would give a
    plain string with `${bucket}` spelt out where the unknown value goes: a known value
    that is false) or a partially known string."""
    if isinstance(value, EncodedJson):
        text = str(value)
        return EncodedJson(value.value, text[:-1], value.origin) if text.endswith("\n") else value
    if isinstance(value, str):
        return value[:-1] if value.endswith("\n") else value
    parts = getattr(value, "parts", None)
    if isinstance(value, Unknown) and parts and isinstance(parts[-1], str) and parts[-1].endswith("\n"):
        return symbolic.text(list(parts[:-1]) + [parts[-1][:-1]], value.expr, value.reason, value.span, value.refs)
    return value


def load_module(directory: str, tf_files: list, var_files=(), variables: dict | None = None,
                overlay: dict | None = None, tree=None, fork=None, finish=None) -> ModuleResult:
    """`overlay` maps paths to unsaved contents (an editor buffer) that replace the disk's;
    `tree` (an `iaclint.gate.reads.Tree`) is where files may be read from (default: the
    git work tree holding `directory`). A large module is loaded in two halves of its
    files (`halves`), the second in another process when `fork(task)` can run one
    (`iaclint.pipeline.forked.start`). `finish(resource)` (the pipeline's normalization)
    gives what each resource is replaced with: a half's as soon as it is evaluated or
    received (`halves`), while the other process may still be working."""
    from iaclint.frontends.terraform import halves
    from iaclint.frontends.terraform.tree import Mismatch
    from iaclint.gate.reads import Tree

    scanned = tree if tree is not None else Tree.of([directory or "."])

    def loader() -> tuple:
        result = ModuleResult()
        tree = ModuleTree(directory or ".", overlay or {}, result, scanned)

        def build(blocks: list, values: tuple | None = None) -> Module:
            """The module of `blocks`, with its variables' (values, origins): `values`, else
            resolved here (their errors are the result's)."""
            if values is None:
                declared = {b.labels[0]: b for b in blocks if b.type == "variable" and b.labels}
                origins: dict = {}
                found, errors = tfvars.resolve(directory, declared, list(var_files), dict(variables or {}), origins,
                                               tree=scanned)
                result.errors.extend(errors)
                values = (found, origins)
            return Module(tree, directory or ".", blocks, values[0], origins=values[1])

        return result, tree, build

    result, tree, build = loader()
    try:
        halves.load(tree, list(tf_files), build, evaluate_module, evaluate_files, fork, finish)
    except Mismatch:  # a file's first pass was wrong (unusual layout, hostile input): all parsed first
        kept().clear()
        result, tree, build = loader()
        halves.by_blocks(tree, list(tf_files), build, evaluate_module, None, finish)
    tree.finish()
    kept().clear()  # the syntax trees are not read after the load
    forget_positions()  # nor the lists whose positions were asked
    halves.finished(result, finish)
    return result


def evaluate_files(module: Module, result: ModuleResult, files: list) -> None:
    """The resources of the files `files` of `module` (a module without calls), each file
    parsed whole as it comes and its syntax tree dropped once its blocks are evaluated
    (`tree.ModuleTree.complete`, `done`): one parse a file, and a tree freed right after
    it was used. Its parse errors wait in `tree.file_errors` (`halves` puts them in place)."""
    tree = module.tree
    for path in files:
        blocks, errors = tree.complete(path)
        if errors:
            tree.file_errors[path] = errors
        evaluate_module(module, result, blocks)
        tree.done(path)


def evaluate_module(module: Module, result: ModuleResult, blocks: list | None = None) -> None:
    """The resources of `module` (of `blocks` of it) and, through its calls, of every
    module below it."""
    for block in module.blocks if blocks is None else blocks:
        try:
            if block.type in ("resource", "data") and len(block.labels) == 2:
                result.resources.extend(instances(block, module))
            elif block.type == "module" and len(block.labels) == 1 and block.labels[0] in module.calls:
                for child in module.calls[block.labels[0]].children():
                    evaluate_module(child, result)
        except RecursionError:
            result.errors.append(ParseError(block.span.file, block.header.line, block.header.column,
                                            f"{'.'.join(block.labels)} is nested too deeply to evaluate"))
        except Exception as exc:  # a bug of ours must not stop the scan (the fuzz tests look for it)
            result.errors.append(ParseError(block.span.file, block.header.line, block.header.column,
                                            f"internal error evaluating {'.'.join(block.labels)}: "
                                            f"{type(exc).__name__}: {exc}"))
