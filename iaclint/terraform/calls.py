"""Module calls: `module "name" { source = ... }` followed into the child module.

Most real Terraform puts the AI resources in modules and switches their settings through
module inputs, so a scanner that stops at the call misses them. A call is followed when
its code is on disk:

- a local source (`./x`, `../x`), relative to the calling module's directory;
- anything else (registry, git, ...) when `terraform init` downloaded it: the root's
  `.terraform/modules/modules.json` maps the call's key (`a.b` for `module.a.module.b`)
  to the directory.

A remote call that is not downloaded is not guessed: its outputs are Unknown, and the
unit lists it in `ModuleResult.remote` so that the run can say so once.

A call expands like a resource (`count`, `for_each`); each instance is a child `Module`
whose resources get the address prefix `module.name.` (`module.name[0].`,
`module.name["k"].`). Its variables are the call's arguments, evaluated lazily in the
caller's scope (so inputs and outputs may refer to each other as Terraform allows, and a
true cycle is an Unknown); its outputs flow back through `Call.output`. Recursion is
bounded: a call that leads back to a directory on its own path is an error at the call,
and so is a tree deeper than `MAX_DEPTH` or larger than `MAX_MODULE_INSTANCES`.

`ModuleTree` is what one root load shares: parsed files (a directory called twice is
parsed once, and its errors are reported once), the manifest, the work budget, and a
record of every extra input read (the child files, their directory listings, the
manifest, `file()` targets) with a digest, which the parse cache checks before it
reuses a result (`iaclint.loading`).
"""
from __future__ import annotations

import json
import os
import re

from iaclint.cache import content_hash
from iaclint.model import ParseError
from iaclint.terraform import variables as tfvars
from iaclint.terraform.expressions import NO_KEY, Budget, Evaluator, Scope, unknown
from iaclint.unknown import Unknown

MAX_DEPTH = 16
MAX_MODULE_INSTANCES = 1000
MANIFEST = os.path.join(".terraform", "modules", "modules.json")
TERRAFORM_SUFFIXES = (".tf", ".tf.json")
_VARIABLE = re.compile(r"var\.([A-Za-z_][A-Za-z0-9_-]*)")


# --- the dependency record (checked by the parse cache) -----------------------------------

def digest(kind: str, path: str, overlay: dict) -> str:
    """The digest of one extra input as it is now: a file's content ("" when it cannot be
    read) or a directory's list of Terraform files."""
    if kind == "dir":
        return content_hash("\n".join(terraform_files(path, overlay)).encode("utf-8"))
    data = overlay.get(path)
    if data is None:
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            return ""
    return content_hash(data)


def terraform_files(directory: str, overlay: dict) -> list[str]:
    """The `.tf`/`.tf.json` files of a directory (unsaved editor buffers included), sorted."""
    try:
        names = os.listdir(directory)
    except OSError:
        names = []
    found = {os.path.normpath(os.path.join(directory, n)) for n in names
             if n.endswith(TERRAFORM_SUFFIXES) and os.path.isfile(os.path.join(directory, n))}
    found.update(p for p in overlay if os.path.dirname(p) == os.path.normpath(directory)
                 and p.endswith(TERRAFORM_SUFFIXES))
    return sorted(found)


class ModuleTree:
    """State shared by the modules of one root load (see the module docstring)."""

    def __init__(self, root: str, overlay: dict, result):
        self.root = root
        self.overlay = overlay
        self.result = result
        self.budget = Budget()
        self.files_read: list = []
        self.templates: list = []  # templatefile() paths being rendered (a template may not render itself)
        self.instances = 0
        self._parsed: dict = {}
        self._manifest = None
        self._errors: set = set()
        self._dependencies: set = set()

    def blocks_of(self, path: str, dependency: bool = False) -> list:
        """The blocks of a file, parsed once per load; its errors are reported once."""
        if path not in self._parsed:
            from iaclint.terraform.module import read_config_file

            blocks, errors = read_config_file(path, self.overlay.get(path))
            self._parsed[path] = blocks
            self.result.errors.extend(errors)
        if dependency:
            self._dependencies.add(("file", path))
        return self._parsed[path]

    def module_files(self, directory: str) -> list[str]:
        self._dependencies.add(("dir", directory))
        files = terraform_files(directory, self.overlay)
        self.result.module_dirs.append(directory)
        self.result.module_files.extend(files)
        return files

    def manifest(self) -> dict:
        """modules.json of the root: module key -> directory (relative to the root)."""
        if self._manifest is None:
            path = os.path.normpath(os.path.join(self.root, MANIFEST))
            self._dependencies.add(("file", path))
            self._manifest = {}
            try:
                with open(path, "rb") as handle:
                    document = json.loads(handle.read().decode("utf-8-sig"))
                for entry in document.get("Modules", []):
                    if isinstance(entry, dict) and isinstance(entry.get("Key"), str) \
                            and isinstance(entry.get("Dir"), str):
                        self._manifest[entry["Key"]] = entry["Dir"]
            except (OSError, ValueError, AttributeError):
                pass
        return self._manifest

    def error(self, block, message: str) -> None:
        key = (block.span.file, block.header.line, message)
        if key not in self._errors:
            self._errors.add(key)
            self.result.errors.append(ParseError(block.span.file, block.header.line, block.header.column, message))

    def finish(self) -> None:
        """Fill the result's lists and the digests of every extra input read."""
        result = self.result
        result.files_read = sorted(set(self.files_read))
        result.module_dirs = sorted(set(result.module_dirs))
        result.module_files = sorted(set(result.module_files))
        result.remote = list(dict.fromkeys(result.remote))
        deps = set(self._dependencies) | {("file", p) for p in result.files_read}
        result.inputs = {key: digest(key[0], key[1], self.overlay) for key in sorted(deps)}


# --- calls -------------------------------------------------------------------------------------

def calls_of(module) -> dict:
    """name -> Call for the `module` blocks of a module (the first block of a name wins;
    Terraform rejects duplicates)."""
    out: dict = {}
    for block in module.blocks:
        if block.type == "module" and len(block.labels) == 1 and block.labels[0] not in out:
            out[block.labels[0]] = Call(block, module)
    return out


class Call:
    """One `module` block of a module, its instances and their child modules."""

    def __init__(self, block, parent):
        self.block = block
        self.parent = parent
        self.name = block.labels[0]
        self.address = f"{parent.prefix}module.{self.name}"
        self._where = None
        self._expansion = None
        self._children: list | None = None

    # -- where the code is

    def where(self) -> tuple:
        """(directory, files, reason): the child's directory and files, or None and why not."""
        if self._where is None:
            self._where = self._locate()
        return self._where

    def _locate(self) -> tuple:
        tree, parent, block = self.parent.tree, self.parent, self.block
        attribute = block.attributes.get("source")
        source = None
        if attribute is not None:
            source = Evaluator().evaluate(attribute.expr, attribute.source, Scope(_Literal()))
        if not isinstance(source, str) or not source:
            tree.error(block, f"module `{self.name}` has no literal `source`: not evaluated")
            return None, [], f"module `{self.name}` has no literal source"
        if source.startswith(("./", "../")) or source in (".", ".."):
            directory = os.path.normpath(os.path.join(parent.module_dir, source))
        else:
            key = ".".join(parent.key_path + (self.name,))
            found = tree.manifest().get(key)
            if found is None:
                tree.result.remote.append((f"{block.span.file}:{block.header.line}", f"{self.address} ({source})"))
                return None, [], (f"module `{self.name}` comes from {source}, which is not downloaded "
                                  "(run `terraform init` to scan it)")
            directory = os.path.normpath(os.path.join(tree.root, found))
        if not os.path.isdir(directory):
            tree.error(block, f"module `{self.name}`: {source} is not a directory")
            return None, [], f"module `{self.name}` source {source} is not a directory"
        real = os.path.realpath(directory)
        if real in parent.chain:
            tree.error(block, f"module `{self.name}` calls a module that is already being evaluated "
                              f"({source}): the recursion is not followed")
            return None, [], f"module `{self.name}` is recursive"
        if len(parent.chain) >= MAX_DEPTH:
            tree.error(block, f"module `{self.name}` is nested more than {MAX_DEPTH} modules deep: not evaluated")
            return None, [], f"module `{self.name}` is nested too deeply"
        return directory, tree.module_files(directory), ""

    # -- instances

    def expansion(self) -> tuple:
        if self._expansion is None:
            from iaclint.terraform.resources import expand

            self._expansion = expand(self.block, Scope(self.parent))
        return self._expansion

    def children(self) -> list:
        """The child Module of every instance (empty when the code is not available)."""
        if self._children is None:
            self._children = []
            directory, files, _ = self.where()
            if directory is not None:
                for key, scope in self.expansion()[1]:
                    child = self._child(key, scope, directory, files)
                    if child is None:
                        break
                    self._children.append((key, child))
        return [child for _, child in self._children]

    def _child(self, key, scope, directory: str, files: list):
        from iaclint.terraform.module import Module
        from iaclint.terraform.resources import key_suffix

        tree = self.parent.tree
        tree.instances += 1
        if tree.instances > MAX_MODULE_INSTANCES:
            tree.error(self.block, f"more than {MAX_MODULE_INSTANCES} module instances: the rest is not evaluated")
            return None
        blocks = [b for path in files for b in tree.blocks_of(path, dependency=True)]
        instance = f"{self.address}{key_suffix(key)}"
        inputs = Inputs(self, scope, instance)
        child = Module(tree, directory, blocks, prefix=instance + ".", inputs=inputs,
                       chain=self.parent.chain + (os.path.realpath(directory),),
                       key_path=self.parent.key_path + (self.name,))
        inputs.child = child
        return child

    # -- outputs

    def output(self, key, output: str | None, text: str):
        """`module.NAME[KEY].OUTPUT`: one output, the object of all outputs (output None),
        or a list/map of those objects for a counted call referred to without a key."""
        directory, _, reason = self.where()
        if directory is None:
            return unknown(text, reason, (self.address,))
        mode, _, why = self.expansion()
        if mode == "unknown":
            return unknown(text, f"the instances of module `{self.name}` are unknown: {why}", (self.address,))
        self.children()
        instances = self._children or []

        def value_of(child):
            return child.all_outputs(text) if output is None else child.output(output, text)

        if mode == "one":
            if key is not NO_KEY:
                return unknown(text, f"module `{self.name}` has no count or for_each: it cannot be indexed")
            return value_of(instances[0][1]) if instances else unknown(text, f"module `{self.name}` is not loaded")
        if key is NO_KEY:
            if output is not None:
                return unknown(text, f"module `{self.name}` has {mode}: refer to one instance")
            objects = [(k, child.all_outputs(text)) for k, child in instances]
            return [o for _, o in objects] if mode == "count" else {k: o for k, o in objects}
        for k, child in instances:
            if k == key or (mode == "count" and isinstance(key, (int, float)) and not isinstance(key, bool)
                            and k == int(key)):
                return value_of(child)
        return unknown(text, f"module `{self.name}` has no instance {key!r}")


class Inputs:
    """A child module's variables: the call's arguments, evaluated in the caller's scope."""

    def __init__(self, call: Call, scope: Scope, instance: str):
        self.call = call
        self.scope = scope
        self.instance = instance
        self.child = None

    def value(self, name: str):
        declared = self.child.declared[name]
        attribute = self.call.block.attributes.get(name)
        if attribute is not None:
            value = Evaluator().evaluate(attribute.expr, attribute.source, self.scope)
            return tfvars.convert(value, declared) if not isinstance(value, Unknown) else value
        if "default" in declared.attributes:
            return tfvars.convert(tfvars.default_value(declared), declared)
        return unknown(f"var.{name}", f"module `{self.instance}` gives no value for variable `{name}`, "
                                      "which has no default")

    def origin(self, name: str) -> str | None:
        """Where the value came from: the call's argument (and, when that argument is a
        variable of the caller, where that one was set), else the child's default."""
        attribute = self.call.block.attributes.get(name)
        if attribute is None:
            declared = self.child.declared.get(name) if self.child is not None else None
            default = declared.attributes.get("default") if declared is not None else None
            if default is None:
                return None
            return f"var.{name} default in {default.span.file}:{default.span.line}"
        where = f"var.{name} set by {self.instance} in {attribute.span.file}:{attribute.span.line}"
        text = _expression_text(attribute)
        match = _VARIABLE.fullmatch(text.strip())
        if match:
            before = self.call.parent.origin(match.group(1))
            if before:
                return f"{where} <- {before}"
        return where


def _expression_text(attribute) -> str:
    expr = attribute.expr
    if hasattr(expr, "start_byte"):
        return attribute.source.data[expr.start_byte:expr.end_byte].decode("utf-8", errors="replace")
    value = getattr(expr, "value", "")
    if isinstance(value, str) and value.startswith("${") and value.endswith("}"):
        return value[2:-1]
    return value if isinstance(value, str) else ""


class _Literal:
    """Scope of `source`: Terraform requires a literal string there."""

    directory = "."
    root = "."
    paths: dict = {}

    def __init__(self):
        self.budget = Budget()

    def variable(self, name, text):
        return unknown(text, "`source` must be a literal string")

    def local(self, name, text):
        return unknown(text, "`source` must be a literal string")

    def read_file(self, function, args, text):
        return unknown(text, "`source` must be a literal string")
