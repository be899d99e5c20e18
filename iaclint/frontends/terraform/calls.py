"""Module calls: `module "name" { source = ... }` followed into the child module.

Most real Terraform puts the AI resources in modules and switches their settings through
module inputs, so a scanner that stops at the call misses them. A call is followed when
its code is on disk:

- a local source (`./x`, `../x`), relative to the calling module's directory;
- anything else (registry, git, ...) when `terraform init` downloaded it: the root's
  `.terraform/modules/modules.json` maps the call's key (`a.b` for `module.a.module.b`)
  to the directory.

A remote call that is not downloaded is not guessed: its outputs are Unknown, and the
unit notes it (`ModuleResult.notes`) so that the run can say so, once per call. So does a
local source that lies outside the scanned tree (`iaclint.gate.reads`) or holds no
Terraform files (a git submodule that is not checked out): a missing input, not an error.

A call expands like a resource (`count`, `for_each`); each instance is a child `Module`
whose resources get the address prefix `module.name.` (`module.name[0].`,
`module.name["k"].`). Its variables are the call's arguments, evaluated lazily in the
caller's scope (so inputs and outputs may refer to each other as Terraform allows, and a
true cycle is an Unknown); its outputs flow back through `Call.output`. Recursion is
bounded: a call that leads back to a directory on its own path is an error at the call,
and so is a tree deeper than `MAX_DEPTH` or larger than `MAX_MODULE_INSTANCES`.

A call makes its child modules through the parent (`Module.child`), so this module does
not import `module.py`, which imports it. What one root load shares is `tree.ModuleTree`.
"""
from __future__ import annotations

import os

from iaclint.frontends.terraform import variables as tfvars
from iaclint.frontends.terraform.expressions import (
    Evaluator,
    Scope,
    unknown,
)
from iaclint.frontends.terraform.references import NO_KEY
from iaclint.frontends.terraform.resources import key_suffix
from iaclint.model import lazy_re
from iaclint.model.notes import Place
from iaclint.model.sizes import Budget
from iaclint.model.unknown import Unknown

MAX_DEPTH = 16
MAX_MODULE_INSTANCES = 1000
_VARIABLE = lazy_re.compile(r"var\.([A-Za-z_][A-Za-z0-9_-]*)")


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
                tree.result.notes.append((Place(block.span.file, block.header.line),
                                           f"remote module {self.address} ({source}) is not downloaded: its "
                                           "resources are not scanned (run `terraform init` to download it)"))
                return None, [], (f"module `{self.name}` comes from {source}, which is not downloaded "
                                  "(run `terraform init` to scan it)")
            directory = os.path.normpath(os.path.join(tree.root, found))
        if tree.scanned is not None and not tree.scanned.contains(directory):
            tree.result.notes.append((Place(block.span.file, block.header.line),
                                       f"module {self.address} ({source}) lies outside the scanned tree: "
                                       "its resources are not scanned"))
            return None, [], f"module `{self.name}` source {source} lies outside the scanned tree: not read"
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
        files = tree.module_files(directory)
        if not files:  # a missing input, like a module that is not downloaded: a note, not a finding
            tree.result.notes.append((Place(block.span.file, block.header.line),
                                       f"module {self.address} ({source}) has no Terraform files (a git "
                                       "submodule that is not checked out?): its resources are not scanned"))
            return None, [], f"module `{self.name}` source {source} has no Terraform files"
        return directory, files, ""

    # -- instances

    def expansion(self) -> tuple:
        if self._expansion is None:
            from iaclint.frontends.terraform.resources import expand, note_capped, note_uncreated

            self._expansion = expand(self.block, Scope(self.parent))
            note_capped(self.block, self.parent, self._expansion, self.address)
            note_uncreated(self.block, self.parent, self._expansion, self.address, "module")
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
        tree = self.parent.tree
        tree.instances += 1
        if tree.instances > MAX_MODULE_INSTANCES:
            tree.error(self.block, f"more than {MAX_MODULE_INSTANCES} module instances: the rest is not evaluated")
            return None
        blocks = [b for path in files for b in tree.blocks_of(path, dependency=True)]
        instance = f"{self.address}{key_suffix(key)}"
        inputs = Inputs(self, scope, instance)
        child = self.parent.child(directory, blocks, prefix=instance + ".", inputs=inputs,
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
        text = attribute.text()
        match = _VARIABLE.fullmatch(text.strip())
        if match:
            before = self.call.parent.origin(match.group(1))
            if before:
                return f"{where} <- {before}"
        return where


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
