"""Differential test: our Terraform evaluator against python-hcl2 on every fixture.

For every `.tf` file under fixtures/ (examples, policies, parsers), every attribute value
that python-hcl2 reports as a literal (no `${...}` or `%{...}` anywhere in it) and that our
evaluator fully knows must be equal. Blocks, nested blocks and objects are compared
member by member, so one interpolation does not hide its literal siblings.

Representation differences that are python-hcl2's, normalized here:
- blocks come as lists of dicts marked `__is_block__` (ours: lists of dicts);
- strings keep `$${`/`%%{` escapes and interpolations as `${...}` (skipped as not literal);
- a heredoc loses its final newline, and a `<<-` heredoc comes back with `\\` and `"`
  escaped (a second parse with `preserve_heredocs` tells which values are heredocs);
- numbers may be float where ours are int (compared as numbers; a bool never equals one);
- a key written as an expression, `(var.k)`, comes back as `${(var.k)}` (skipped);
- `null` arguments are kept (Terraform, and so our loader, treat them as unset).
Files python-hcl2 cannot parse, and files our loader reports an error for, are skipped.
"""
from __future__ import annotations

import re
from collections import defaultdict

import pytest
from conftest import FIXTURES

from iaclint.frontends.terraform.module import load_module
from iaclint.model.unknown import Unknown, contains_unknown

hcl2 = pytest.importorskip("hcl2")
from hcl2.utils import SerializationOptions  # noqa: E402

OPTIONS = SerializationOptions(with_comments=False, preserve_heredocs=False, strip_string_quotes=True,
                               preserve_scientific_notation=False)
RAW_OPTIONS = SerializationOptions(with_comments=False, preserve_heredocs=True, strip_string_quotes=True,
                                   preserve_scientific_notation=False)
META = {"count", "for_each", "depends_on", "provider", "lifecycle", "provisioner", "connection", "dynamic"}
MARKERS = {"__is_block__", "__start_line__", "__end_line__", "__comments__", "__inline_comments__"}
MIN_COMPARED = 1000

FILES = sorted(p for sub in ("examples", "policies", "parsers/terraform") for p in (FIXTURES / sub).rglob("*.tf")
               if ".terraform" not in p.parts)


def literal(value) -> bool:
    """No interpolation or directive anywhere inside: python-hcl2 gives the value itself."""
    if isinstance(value, str):
        return "${" not in value and "%{" not in value
    if isinstance(value, dict):
        return all(literal(k) and literal(v) for k, v in value.items() if k not in MARKERS)
    if isinstance(value, list):
        return all(literal(v) for v in value)
    return True


def heredoc_value(theirs: str, raw: str) -> str:
    """The value Terraform gives a heredoc, from python-hcl2's rendering of it."""
    if raw.startswith("<<-"):
        theirs = re.sub(r'\\(["\\])', r"\1", theirs)  # python-hcl2 escapes `<<-` bodies
    return theirs + "\n" if theirs else theirs  # and drops the last newline


def _holds_heredoc(raw) -> bool:
    """Does a collection hold a heredoc string (an awscc object attribute often does)?"""
    items = raw.values() if isinstance(raw, dict) else raw if isinstance(raw, list) else ()
    return any(_holds_heredoc(v) or (isinstance(v, str) and v.startswith("<<")) for v in items)


class Comparison:
    def __init__(self, where: str):
        self.where = where
        self.compared = 0
        self.mismatches: list = []

    def value(self, theirs, raw, ours, path: str) -> None:
        if not literal(theirs) or _holds_heredoc(raw):  # (a nested heredoc is compared at its leaf)
            if isinstance(theirs, dict) and isinstance(ours, dict):
                self.members(theirs, raw if isinstance(raw, dict) else {}, ours, path, top=False)
            elif isinstance(theirs, list) and isinstance(ours, list) and len(theirs) == len(ours):
                for i, item in enumerate(theirs):
                    raw_item = raw[i] if isinstance(raw, list) and i < len(raw) else None
                    self.value(item, raw_item, ours[i], f"{path}.{i}")
            return
        if isinstance(ours, Unknown) or contains_unknown(ours):
            return  # not fully known to us: nothing to compare
        if isinstance(theirs, str) and isinstance(raw, str) and raw.startswith("<<"):
            theirs = heredoc_value(theirs, raw)
        theirs = strip_markers(theirs)
        self.compared += 1
        if not same(theirs, ours):
            self.mismatches.append((self.where, path, theirs, ours))

    def members(self, theirs: dict, raw: dict, ours: dict, path: str, top: bool) -> None:
        dynamic = {name for item in theirs.get("dynamic", []) if isinstance(item, dict) for name in item}
        for key, value in theirs.items():
            if key in MARKERS or key in dynamic or (top and key in META) or key == "dynamic":
                continue
            if not literal(key):
                continue  # `(expr) = ...`: the key itself is an expression
            where = f"{path}.{key}" if path else key
            if key not in ours:
                if value is not None and literal(value):
                    self.mismatches.append((self.where, where, value, "<missing>"))
                continue
            self.value(value, raw.get(key), ours[key], where)


def strip_markers(value):
    """python-hcl2's markers removed, and a block's null arguments (unset in Terraform)."""
    if isinstance(value, dict):
        block = value.get("__is_block__", False)
        return {k: strip_markers(v) for k, v in value.items() if k not in MARKERS and not (block and v is None)}
    if isinstance(value, list):
        return [strip_markers(v) for v in value]
    return value


def same(theirs, ours) -> bool:
    if isinstance(theirs, bool) or isinstance(ours, bool):
        return isinstance(theirs, bool) and isinstance(ours, bool) and theirs == ours
    if isinstance(theirs, (int, float)) and isinstance(ours, (int, float)):
        return float(theirs) == float(ours) if isinstance(theirs, float) or isinstance(ours, float) else theirs == ours
    if isinstance(theirs, dict) and isinstance(ours, dict):
        return theirs.keys() == ours.keys() and all(same(theirs[k], ours[k]) for k in theirs)
    if isinstance(theirs, list) and isinstance(ours, list):
        return len(theirs) == len(ours) and all(same(a, b) for a, b in zip(theirs, ours))
    return type(theirs) is type(ours) and theirs == ours


def blocks(document: dict):
    """(address prefix, body) of every resource and data block python-hcl2 found."""
    for kind in ("resource", "data"):
        for entry in document.get(kind, []):
            for rtype, named in entry.items():
                for name, body in named.items():
                    prefix = f"data.{rtype}.{name}" if kind == "data" else f"{rtype}.{name}"
                    yield prefix, body


def compare_all() -> tuple[int, list, list]:
    by_directory = defaultdict(list)
    for path in FILES:
        by_directory[path.parent].append(path)
    compared, mismatches, skipped = 0, [], []
    for directory, paths in sorted(by_directory.items()):
        module_files = sorted(str(p) for p in directory.iterdir() if p.name.endswith((".tf", ".tf.json")))
        result = load_module(str(directory), module_files)
        broken = {e.file for e in result.errors}
        for path in paths:
            if str(path) in broken:
                skipped.append((str(path), "our loader reports an error"))
                continue
            try:
                text = path.read_text(encoding="utf-8")
                theirs = hcl2.loads(text, serialization_options=OPTIONS)
                raw = hcl2.loads(text, serialization_options=RAW_OPTIONS)
            except Exception as exc:  # python-hcl2's limits are not ours to test
                skipped.append((str(path), type(exc).__name__))
                continue
            raw_bodies = dict(blocks(raw))
            for prefix, body in blocks(theirs):
                instances = [r for r in result.resources if r.file == str(path)
                             and (r.address == prefix or r.address.startswith(prefix + "["))]
                for resource in instances:
                    comparison = Comparison(f"{path.relative_to(FIXTURES)}:{resource.address}")
                    comparison.members(body, raw_bodies.get(prefix, {}), resource.attributes, "", top=True)
                    compared += comparison.compared
                    mismatches.extend(comparison.mismatches)
    return compared, mismatches, skipped


def test_there_are_terraform_files():
    assert len(FILES) >= 40


def test_literal_values_match_python_hcl2():
    compared, mismatches, skipped = compare_all()
    assert not mismatches, "\n".join(f"{w} {p}: python-hcl2 {t!r} != ours {o!r}" for w, p, t, o in mismatches[:20])
    assert compared >= MIN_COMPARED, (compared, skipped)
    assert len(skipped) <= len(FILES) // 4, skipped
