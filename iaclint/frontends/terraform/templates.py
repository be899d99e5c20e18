"""Quoted and heredoc templates: literal text, `${...}` interpolations and the
`%{if}`/`%{for}` directives, with `~` strip markers and `<<-` indentation.

`Templates` is a part of `iaclint.frontends.terraform.expressions.Evaluator` (it evaluates the
interpolations with the evaluator's `evaluate`); it lives here so each module has one job.
A template with unknown parts that reads as JSON stays a readable document with Unknown
leaves (`iaclint.model.holes_json`), and a heredoc JSON document gets the file's own
lines and columns for the paths inside it.
"""
from __future__ import annotations

from iaclint.frontends.terraform import functions
from iaclint.frontends.terraform.hcl import (
    EXPRESSION,
    HEREDOC_TEMPLATE,
    QUOTED_TEMPLATE_END,
    QUOTED_TEMPLATE_START,
    TEMPLATE_INTERPOLATION,
    TEMPLATE_LITERAL,
)
from iaclint.frontends.terraform.values import (
    ITEM_WORK,
    EvalError,
    budget_of,
    node_text,
    refs_inside,
    spend,
    to_bool,
    to_string,
    unescape,
    unknown,
)
from iaclint.model import holes_json, symbolic
from iaclint.model.documents import EncodedJson
from iaclint.model.resource import Span
from iaclint.model.sizes import MAX_VALUE_SIZE, TooLarge
from iaclint.model.unknown import Unknown


class Templates:
    """The template methods of `Evaluator`."""

    def _template(self, node, source, scope, path):
        """A quoted or heredoc template: literal text, `${...}` interpolations and the
        `%{if}`/`%{for}` directives, with `~` strip markers and `<<-` indentation."""
        heredoc = node.kind_id == HEREDOC_TEMPLATE
        if not heredoc:
            simple = self._simple_template(node, source, scope, path)
            if simple is not _NOT_SIMPLE:
                return simple
        items = self._template_items(node, source, heredoc)
        markers = [item for item in items if item[0] != "lit"]
        if len(markers) == 1 and markers[0][1].type == "template_interpolation" and \
                not any(item[1] for item in items if item[0] == "lit"):
            expr = next(c for c in markers[0][1].children if c.type == "expression")
            return self.evaluate(expr, source, scope, path)  # "${x}" is x itself, any type
        tree, _ = _template_tree(items, 0, ())
        out = _Rendered()
        try:
            self._render(tree, source, scope, out)
        except _Undecided as exc:
            return unknown(node_text(node), exc.reason, exc.refs)
        budget_of(scope).build(out.length)  # counted piece by piece: known before the join
        text = "".join(out.pieces)
        if out.reasons:
            spans = heredoc and path is not None and self.recorder is not None and len(out.offsets) == len(text)
            decoded = holes_json.decode(text, out.holes, out.offsets if spans else None) if out.holes else None
            if decoded is not None:  # JSON with unknown parts: its known parts stay readable
                value, json_text, offsets = decoded
                if spans:
                    self._note_embedded_json(json_text, offsets, source, path)
                return EncodedJson(value, holes_json.display(text, out.holes))
            # known text and holes: a partially known string (`iaclint.model.symbolic`)
            return symbolic.text(out.parts, holes_json.display(text, out.holes) if not heredoc else node_text(node),
                                 out.reasons[0], refs=out.refs)
        if heredoc and path is not None and self.recorder is not None and len(out.offsets) == len(text):
            self._note_embedded_json(text, out.offsets, source, path)
        return text

    def _simple_template(self, node, source, scope, path):
        """A quoted template of text and plain `${...}` whose values are all known (most
        strings with a variable in them), rendered straight from the syntax tree; anything
        else (directives, `~`, comments, an unknown value) is `_NOT_SIMPLE` and goes the
        general way, which renders it again from the start."""
        children = node.children
        if len(children) < 2 or children[0].kind_id != QUOTED_TEMPLATE_START or \
                children[-1].kind_id != QUOTED_TEMPLATE_END:
            return _NOT_SIMPLE
        data = source.data
        literals, exprs = [], []
        position = children[0].end_byte
        for child in children[1:-1]:
            kind = child.kind_id
            if kind == TEMPLATE_LITERAL:
                continue
            inner = child.children if kind == TEMPLATE_INTERPOLATION else ()
            if len(inner) != 3 or inner[1].kind_id != EXPRESSION or _escaped(data, child, children[0].end_byte, False):
                return _NOT_SIMPLE
            literals.append(data[position:child.start_byte].decode())
            exprs.append(inner[1])
            position = child.end_byte
        literals.append(data[position:children[-1].start_byte].decode())
        if len(exprs) == 1 and not literals[0] and not literals[1]:
            return self.evaluate(exprs[0], source, scope, path)  # "${x}" is x itself, any type
        pieces = [unescape(literals[0])]
        budget = scope.budget
        for expr, literal in zip(exprs, literals[1:]):
            value = self.evaluate(expr, source, scope)
            if value.__class__ is str:  # most values: known text, no call needed
                pieces.append(value)
            elif isinstance(value, Unknown) or budget.holds_unknown(value):
                return _NOT_SIMPLE
            else:
                pieces.append(to_string(value))
            pieces.append(unescape(literal))
        budget.build(sum(map(len, pieces)))  # the length before the join
        return "".join(pieces)

    def _template_items(self, node, source, heredoc: bool) -> list:
        """The template as a flat list: ["lit", text, offsets] for literal text (escapes
        resolved; for a heredoc, the file's byte offset of each character, without what
        `<<-` and `$${` removed) and ("mark", node) for an interpolation or a directive
        keyword (`%{if}`, `%{else}`, `%{endif}`, `%{for}`, `%{endfor}`). `~` markers have
        already trimmed the whitespace next to them."""
        data = source.data
        children = [c for c in node.children if c.type != "comment"]
        if heredoc:
            idents = [c for c in children if c.type == "heredoc_identifier"]
            start_line_end = data.find(b"\n", idents[0].end_byte)
            start = len(data) if start_line_end < 0 else start_line_end + 1
            end = data.rfind(b"\n", 0, idents[-1].start_byte) + 1 if len(idents) > 1 else node.end_byte
            end = max(end, start)
        else:
            start = children[0].end_byte
            end = children[-1].start_byte if children[-1].type == "quoted_template_end" else node.end_byte
        parts: list = []  # str (raw literal text) or a marker node
        starts: list = []
        position = literal = start
        for marker in _template_markers(node):
            if marker.start_byte < max(position, literal) or marker.end_byte > end:
                continue
            if _escaped(data, marker, start, heredoc):
                literal = marker.end_byte  # its text stays in the literal around it
                continue
            parts.append(data[position:marker.start_byte].decode())
            starts.append(position)
            parts.append(marker)
            starts.append(None)
            position = marker.end_byte
        parts.append(data[position:end].decode())
        starts.append(position)
        indent = _heredoc_indent(node, source, parts) if heredoc else 0
        items: list = []
        for i, (part, offset) in enumerate(zip(parts, starts)):
            if not isinstance(part, str):
                items.append(("mark", part))
            elif heredoc:
                items.append(["lit", *_heredoc_literal(part, offset, indent, i == 0)])
            else:
                items.append(["lit", unescape(part), None])
        for i, item in enumerate(items):  # `~` trims the whitespace on its side
            if item[0] != "mark":
                continue
            left, right = _strip_markers(item[1])
            if left and i > 0:
                _trim(items[i - 1], end=True)
            if right and i + 1 < len(items):
                _trim(items[i + 1], end=False)
        return items

    def _render(self, tree: list, source, scope, out: "_Rendered") -> None:
        for item in tree:
            kind = item[0]
            if kind == "lit":
                out.add(item[1])
                out.parts.append(item[1])
                out.offsets.extend(item[2] or ())
            elif kind == "interp":
                node = item[1]
                expr = next((c for c in node.children if c.type == "expression"), None)
                value = self.evaluate(expr, source, scope) if expr is not None else ""
                if isinstance(value, Unknown) or budget_of(scope).holds_unknown(value):
                    inner = value if isinstance(value, Unknown) else None
                    out.reasons.append(inner.reason if inner else "part of the value is unknown")
                    out.refs.extend(inner.refs if inner else ())
                    if inner is None:
                        inner = unknown(node_text(expr), "part of the value is unknown", refs_inside(value))
                    # A placeholder that `holes_json.decode` can find again in JSON text.
                    piece = holes_json.token(len(out.holes))
                    out.holes.append((inner, "${" + node_text(expr) + "}"))
                    out.add(piece)
                    out.parts.append(inner)
                    out.offsets.extend([node.start_byte] * (len(piece) - 1) + [node.end_byte - 1])
                    continue
                piece = to_string(value)
                out.add(piece)
                out.parts.append(piece)
                # An interpolated value sits where `${...}` is: its last character at the `}`.
                out.offsets.extend([node.start_byte] * (len(piece) - 1) + [node.end_byte - 1] * min(1, len(piece)))
            elif kind == "if":
                _, intro, then, otherwise = item
                expr = next(c for c in intro.children if c.type == "expression")
                condition = self.evaluate(expr, source, scope)
                if isinstance(condition, Unknown):
                    raise _Undecided(f"`%{{if {node_text(expr)}}}` is unknown: {condition.reason}", condition.refs)
                self._render(then if to_bool(condition) else otherwise, source, scope, out)
            else:  # "for"
                _, intro, body = item
                names = [c.text.decode() for c in intro.children if c.type == "identifier"]
                expr = next(c for c in intro.children if c.type == "expression")
                collection = self.evaluate(expr, source, scope)
                if isinstance(collection, Unknown):
                    raise _Undecided(f"`%{{for}}` over an unknown collection: {collection.reason}", collection.refs)
                if isinstance(collection, dict):
                    pairs = sorted(collection.items())
                elif isinstance(collection, functions.SetValue):
                    pairs = [(v, v) for v in collection]
                elif isinstance(collection, list):
                    pairs = list(enumerate(collection))
                else:
                    raise EvalError("`%{for}` needs a list, set, map or object")
                for key, value in pairs:
                    spend(scope, ITEM_WORK)
                    bindings = {names[0]: value} if len(names) == 1 else {names[0]: key, names[1]: value}
                    self._render(body, source, scope.child(**bindings), out)

    def _note_embedded_json(self, text: str, offsets: list, source, path) -> None:
        """Spans inside a heredoc JSON document, at the lines and columns of the file."""
        if not text.lstrip().startswith(("{", "[")):
            return
        from iaclint.frontends.jsonspans import JsonSpanError, loads_with_spans

        try:
            _, spans = loads_with_spans(text)
        except JsonSpanError:
            return
        line_starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n"]
        for sub, (line, column, end_line, end_column) in spans.items():
            first = offsets[line_starts[line - 1] + column - 1]
            last = offsets[line_starts[end_line - 1] + end_column - 2]
            line, column = source.position(first)
            end_line, end_column = source.position(last)
            self.recorder.note(path + sub, Span(source.file, line, column, end_line, end_column + 1))


class _Undecided(Exception):
    """A template directive whose condition or collection is unknown: so is the text."""

    def __init__(self, reason: str, refs=()):
        super().__init__(reason)
        self.reason = reason
        self.refs = tuple(refs)


_NOT_SIMPLE = object()  # `_simple_template`: render this template the general way


class _Rendered:
    def __init__(self):
        self.length = 0  # of the text so far: past the value limit, rendering stops
        self.pieces: list = []
        self.offsets: list = []  # heredoc: the file's byte offset of each character of the text
        self.reasons: list = []
        self.refs: list = []
        self.holes: list = []  # (Unknown, the `${...}` text written) of each unknown interpolation
        self.parts: list = []  # the text as known pieces and the Unknowns of the holes

    def add(self, piece: str) -> None:
        self.length += len(piece)
        if self.length > MAX_VALUE_SIZE:
            raise TooLarge()
        self.pieces.append(piece)


_MARKER_TYPES = {"template_interpolation", "template_if_intro", "template_else_intro", "template_if_end",
                 "template_for_start", "template_for_end"}


def _template_markers(node) -> list:
    """Interpolations and directive keywords of a template, in order (nested directives too)."""
    out = []
    for child in node.children:
        if child.type in _MARKER_TYPES:
            out.append(child)
        elif child.type in ("template_directive", "template_if", "template_for"):
            out.extend(_template_markers(child))
    return out


def _escaped(data: bytes, marker, start: int, heredoc: bool) -> bool:
    """Whether an interpolation that tree-sitter-hcl found is literal text to Terraform:
    HCL's scanner reads a `$` followed by `${` as the escape `$${`, so a `${` right after a
    `$` (from `start`, the template's text) opens nothing. tree-sitter-hcl reads an odd
    run of `$` before `{` (`"$$${x}"`) as `$$` and an interpolation, where Terraform reads
    `$` and the escape: the text `$${x}`. In a quoted template a `\\$` is one escape
    (an odd run of backslashes before the `$`), so the `${` after it does open."""
    at = marker.start_byte
    if marker.kind_id != TEMPLATE_INTERPOLATION or at - 1 < start or data[at - 1] != 36:  # b"$"
        return False
    if heredoc:
        return True
    slashes, i = 0, at - 2
    while i >= start and data[i] == 92:  # b"\\"
        slashes, i = slashes + 1, i - 1
    return slashes % 2 == 0


def _strip_markers(node) -> tuple[bool, bool]:
    """Whether `${~`/`%{~` trims the text before, and `~}` the text after."""
    marks = [c for c in node.children if c.type == "strip_marker"]
    return (any(m.start_byte == node.start_byte + 2 for m in marks),
            any(m.end_byte == node.end_byte - 1 for m in marks))


def _trim(item, end: bool) -> None:
    if item[0] != "lit":
        return
    text, offsets = item[1], item[2]
    kept = text.rstrip(" \t\r\n") if end else text.lstrip(" \t\r\n")
    removed = len(text) - len(kept)
    item[1] = kept
    if offsets is not None and removed:
        item[2] = offsets[:len(offsets) - removed] if end else offsets[removed:]


_CLOSERS = {"template_if_intro": ("template_else_intro", "template_if_end"),
            "template_for_start": ("template_for_end",)}


def _template_tree(items: list, i: int, stop: tuple) -> tuple[list, int]:
    """Nest the flat items: ["lit", ...], ("interp", node), ("if", intro, then, else),
    ("for", intro, body). Returns the sequence and the index of the closer that ended it."""
    out: list = []
    while i < len(items):
        item = items[i]
        if item[0] == "lit":
            out.append(item)
            i += 1
            continue
        node = item[1]
        if node.type in stop:
            return out, i
        if node.type == "template_interpolation":
            out.append(("interp", node))
            i += 1
        elif node.type == "template_if_intro":
            then, i = _template_tree(items, i + 1, _CLOSERS["template_if_intro"])
            otherwise: list = []
            if i < len(items) and items[i][1].type == "template_else_intro":
                otherwise, i = _template_tree(items, i + 1, ("template_if_end",))
            out.append(("if", node, then, otherwise))
            i += 1
        elif node.type == "template_for_start":
            body, i = _template_tree(items, i + 1, _CLOSERS["template_for_start"])
            out.append(("for", node, body))
            i += 1
        else:  # a closer without its opener: tree-sitter would have flagged it
            raise EvalError(f"unexpected `{node_text(node)}` in a template")
    if stop:
        raise EvalError("unterminated template directive")
    return out, i


def _heredoc_indent(node, source, parts) -> int:
    """Spaces that `<<-` removes: the smallest indentation of the non-blank lines."""
    opener = next((c for c in node.children if c.type == "heredoc_start"), None)
    if opener is None or b"-" not in opener.text:
        return 0
    raw = "".join(p if isinstance(p, str) else "x" * max(1, len(node_text(p).splitlines()[0] or "x")) for p in parts)
    widths = [len(line) - len(line.lstrip(" \t")) for line in raw.split("\n") if line.strip()]
    return min(widths) if widths else 0


def _heredoc_literal(raw: str, offset: int, width: int, at_start: bool) -> tuple[str, list]:
    """A heredoc's literal run as Terraform reads it: `<<-` removes `width` leading spaces
    of each line (not of a line that an interpolation began), `$${`/`%%{` are `${`/`%{`.
    Also the byte offset of each character kept."""
    text: list = []
    offsets: list = []
    cut = width if at_start else 0  # spaces still to remove on the current line
    i = 0
    while i < len(raw):
        char = raw[i]
        size = len(char.encode("utf-8"))
        if cut and char in " \t":
            cut -= 1
        elif raw.startswith(("$${", "%%{"), i):
            text.extend(raw[i + 1:i + 3])
            offsets.extend((offset + 1, offset + 2))
            i, offset, cut = i + 3, offset + 3, 0
            continue
        else:
            cut = width if char == "\n" else 0
            text.append(char)
            offsets.append(offset)
        i += 1
        offset += size
    return "".join(text), offsets
