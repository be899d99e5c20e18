"""Nested stacks: a template's `AWS::CloudFormation::Stack` resources whose `TemplateURL`
is a file in the repository (as written before `aws cloudformation package` uploads it).

A child template deployed that way is not a stack of its own: its parameters are what its
parent passes, and its outputs are what the parent reads with `!GetAtt Stack.Outputs.Name`.
Evaluated alone, every parameter without a default would be Unknown (and a default the
parent overrides would be a guess). So the child is evaluated inside its parent's unit,
with the parameters the parent passes (a value the parent does not know stays Unknown,
with its identity), its resources addressed `Stack.Resource`, and the parent's
`!GetAtt Stack.Outputs.Name` is the child's output, evaluated there. The stand-alone
result of a template that a scanned parent nests is dropped once every unit is loaded
(`iaclint.frontends.terraform.roots.settle`, as for Terraform modules).

The scanned tree is hostile: a child is read through the read gate (inside the tree, a
regular file, under the size cap), nesting is at most `MAX_DEPTH` deep, a parent's
stacks evaluate at most `MAX_STACKS` children in all, a template never nests itself, and
every child shares its root's work budget. What is not followed is said in a note.
"""
from __future__ import annotations

import os

from iaclint.gate import reads
from iaclint.gate.files import content_hash
from iaclint.model.notes import Place
from iaclint.model.records import dataclass, field
from iaclint.model.unknown import ABSENT, Unknown

STACK_TYPE = "AWS::CloudFormation::Stack"
MAX_DEPTH = 5  # parent -> child -> ... ; CloudFormation allows more, reviewers rarely meet it
MAX_STACKS = 100  # children evaluated for one root template, at every depth


@dataclass
class Child:
    file: str
    template: dict
    doc: object  # parser.Document
    evaluator: object  # Evaluator, with the parameters the parent passes


@dataclass
class Nesting:
    """What one root template's nested stacks met: shared by every level below it."""

    root: str
    loaded: dict = field(default_factory=dict)  # child file -> its content's digest
    notes: list = field(default_factory=list)  # (where, what was not followed)
    count: int = 0
    # child file -> (template, document, bytes) or None: read and parsed once however many
    # stacks deploy it (a parent of 100 stacks of one 5 MB template must not parse it 100 times)
    parsed: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)  # a child's own problems (its stand-alone result is dropped)


def local_template(url, parent_file: str) -> str | None:
    """The repository file a `TemplateURL` names, or None for a URL (https://, s3://)
    or a value that is not a known string."""
    if not isinstance(url, str) or not url.strip() or "://" in url or url.startswith(("s3:", "http:", "https:")):
        return None
    if os.path.isabs(url):
        return None  # only paths relative to the parent, as `aws cloudformation package` reads them
    return os.path.normpath(os.path.join(os.path.dirname(parent_file), url))


class NestedStacks:
    """The local nested stacks of one template (its evaluator's `nested`), loaded on first use."""

    def __init__(self, file: str, template: dict, evaluator, tree, nesting: Nesting, ancestors: tuple = ()):
        resources = template.get("Resources")
        self.resources = resources if isinstance(resources, dict) else {}
        self.file = file
        self.evaluator = evaluator
        self.tree = tree
        self.nesting = nesting
        self.ancestors = ancestors + (os.path.normpath(file),)
        self._children: dict = {}
        self._loading: set = set()

    def logical_ids(self) -> list:
        return [lid for lid, body in self.resources.items()
                if isinstance(body, dict) and body.get("Type") == STACK_TYPE]

    def child(self, logical_id: str) -> Child | None:
        """The child template of stack `logical_id`, evaluated with its parameters; None
        when it is not a local template we may read (the stack's outputs stay Unknown)."""
        if logical_id in self._children:
            return self._children[logical_id]
        if logical_id in self._loading:
            return None  # its parameters need its own outputs: they stay Unknown
        self._loading.add(logical_id)
        try:
            child = self._children[logical_id] = self._load(logical_id)
        finally:
            self._loading.discard(logical_id)
        return child

    def output(self, logical_id: str, name: str):
        """The value of output `name` of stack `logical_id`, or None when not known here."""
        child = self.child(logical_id)
        outputs = child.template.get("Outputs") if child is not None else None
        entry = outputs.get(name) if isinstance(outputs, dict) else None
        if not isinstance(entry, dict) or "Value" not in entry:
            return None
        value = child.evaluator.evaluate(entry["Value"], ("Outputs", name, "Value"))
        return None if value is ABSENT else value

    def _load(self, logical_id: str) -> Child | None:
        body = self.resources.get(logical_id)
        if not isinstance(body, dict) or body.get("Type") != STACK_TYPE:
            return None
        props = body.get("Properties")
        props = props if isinstance(props, dict) else {}
        where = ("Resources", logical_id, "Properties")
        url = self.evaluator.evaluate(props.get("TemplateURL"), where + ("TemplateURL",))
        path = local_template(url, self.file)
        if path is None:
            return None
        line = self._line(where + ("TemplateURL",))
        if path in self.ancestors:
            self.nesting.notes.append((line, f"nested stack {logical_id} includes {url}, which includes it: "
                                             "not followed"))
            return None
        if len(self.ancestors) > MAX_DEPTH or self.nesting.count >= MAX_STACKS:
            self.nesting.notes.append((line, f"nested stack {logical_id} ({url}) not followed: more than "
                                             f"{MAX_DEPTH} levels or {MAX_STACKS} nested stacks"))
            return None
        loaded = self._parse(path)
        if loaded is None:
            return None  # not readable or not a template: scanned on its own, which says why
        template, doc, data = loaded
        self.nesting.count += 1
        self.nesting.loaded[path] = content_hash(data)
        return Child(path, template, doc, self._evaluator(logical_id, path, template, doc, props, where))

    def _evaluator(self, logical_id: str, path: str, template: dict, doc, props: dict, where: tuple):
        from iaclint.frontends.cloudformation.evaluator import Evaluator

        declared = template.get("Parameters")
        declared = declared if isinstance(declared, dict) else {}
        passed = self.evaluator.evaluate(props.get("Parameters", {}), where + ("Parameters",))
        if isinstance(passed, Unknown):  # which parameters are passed is not known: none is its default
            passed = {name: passed for name in declared}
        passed = {k: v for k, v in passed.items() if v is not ABSENT} if isinstance(passed, dict) else {}
        address = self.evaluator.prefix + logical_id
        child = Evaluator(template, doc.spans, path, passed, prefix=address + ".")
        child.budget = self.evaluator.budget  # one budget for a root and everything it nests
        child.set_by = f"stack {address} in {os.path.basename(self.file)}"
        raw = props.get("Parameters")  # what decides the child's conditions (`switches`)
        child.parent_link = (self.evaluator, raw if isinstance(raw, dict) else {})
        child.nested = NestedStacks(path, template, child, self.tree, self.nesting, self.ancestors)
        return child

    def _parse(self, path: str):
        if path not in self.nesting.parsed:
            self.nesting.parsed[path] = self._read(path)
        return self.nesting.parsed[path]

    def _read(self, path: str):
        from iaclint.frontends.cloudformation.parser import ParseFailure, parse
        from iaclint.frontends.cloudformation.sniff import is_template
        from iaclint.frontends.cloudformation.source import (
            MAX_FILE_BYTES,
            decode,
            duplicate_keys,
        )

        try:
            data = reads.read_bytes(path, tree=self.tree, limit=MAX_FILE_BYTES)
        except OSError:
            return None
        text = decode(path, data)
        if not isinstance(text, str):
            return None
        try:
            doc = parse(text, text.lstrip()[:1] == "{")
        except ParseFailure:
            return None
        if not is_template(doc.value):
            return None
        self.nesting.errors.extend(duplicate_keys(path, doc.duplicates))
        return doc.value, doc, data

    def _line(self, wpath: tuple) -> str:  # a `Place` when the key's line is known
        t = self.evaluator.doc_spans.get(wpath)
        return Place(self.file, t[0]) if t else self.file
