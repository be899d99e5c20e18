"""Parse one `.tf` file with tree-sitter-hcl into blocks and attributes with exact spans.

This is the only module that imports tree-sitter. It keeps expressions as syntax nodes
(the evaluator reads them) and turns everything else into small `Block`/`Attribute`
objects. tree-sitter keeps parsing past a syntax error; the first ERROR or MISSING node
becomes a `ParseError` at its line, and the file's blocks are then not used, because a
half-parsed resource would give half-true findings.

tree-sitter-hcl's number token lacks one form of HCL's grammar: an exponent without a
fraction (`1e3`, `2E-2`). `_parse` parses such a file once more with the exponent's bytes
masked as digits (same length, so every position is unchanged) and the evaluator reads a
number's text from the original bytes.

A file's tree is not kept with its blocks: an `Attribute` of a `.tf` file knows its
expression by start byte and asks its `Source` for the node, which parses the file again
when its tree has been dropped (`iaclint.frontends.terraform.kept` decides which trees
stay: a big module's trees do not fit in memory at once). A module's files are read in
two passes (`parse_shared` for the blocks that are not resources, then `parse_file` on the
same `Source` as each file's resources are evaluated: `iaclint.frontends.terraform.halves`),
so that each file is parsed whole once and its tree freed right after its evaluation.
"""
from __future__ import annotations

import bisect
import re
import threading
from typing import Any

from iaclint.frontends.terraform.kept import kept
from iaclint.model.records import dataclass, field
from iaclint.model.resource import DUPLICATE_KEY_ID, ParseError, Span

_PARSER = None
_NEW_SPAN = Span.__new__
_EXPONENT = re.compile(rb"[eE][-+]?[0-9]+(?![A-Za-z0-9_])")
_MAX_EXPONENT_PASSES = 20

# A byte cap does not bound a syntax tree: tree-sitter makes up to five nodes per token
# (`0` is expression, expr_term, literal_value, numeric_lit), so 19 MB of `0,0,...` took
# 4.7 GB and 36 s to parse. Ordinary Terraform has about 0.2 tokens per byte, so
# 1,000,000 tokens is about 5 MB of it; the densest file at the cap parses in ~0.5 GB.
MAX_TOKENS = 1_000_000
_CHUNK = 1 << 20
_WORD = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_" + bytes(range(128, 256))
_CLASSES = bytes(ord("a") if b in _WORD else ord(" ") if b in b" \t\r\n" else ord(".") for b in range(256))


class TooManyTokens(ValueError):
    """A file past `MAX_TOKENS`, raised before tree-sitter builds its tree."""

    def __init__(self, line: int):
        super().__init__(f"more than {MAX_TOKENS:,} tokens in one file: not scanned (HCL)")
        self.line = line


def _check_tokens(data: bytes) -> None:
    """TooManyTokens when `data` holds more than `MAX_TOKENS` tokens, counted over-generously
    (every punctuation byte is one, every run of word bytes one, text inside strings
    included) in C-speed passes over 1 MB chunks; the line is where the count passed the
    cap. A token takes a byte, so smaller files are not counted."""
    if len(data) <= MAX_TOKENS:
        return
    total = 0
    for start in range(0, len(data), _CHUNK):
        count = _tokens(data, start, start + _CHUNK)
        if total + count > MAX_TOKENS:  # the 4 KB piece where the count passes the cap
            for piece in range(start, start + _CHUNK, 4096):
                total += _tokens(data, piece, piece + 4096)
                if total > MAX_TOKENS:
                    break
            raise TooManyTokens(_line_of(data, piece))
        total += count


def _tokens(data: bytes, start: int, end: int) -> int:
    part = data[start:end].translate(_CLASSES)
    return part.count(b".") + part.count(b" a") + part.count(b".a") + (part[:1] == b"a")


def _parser():
    global _PARSER
    if _PARSER is None:
        from tree_sitter import Parser

        _PARSER = Parser(_LANGUAGE)
    return _PARSER


def _grammar():
    import tree_sitter_hcl
    from tree_sitter import Language

    return Language(tree_sitter_hcl.language())


def _kind_numbers(language, names: tuple) -> dict:
    """{name: its kind number in `language`}; RuntimeError unless each name is exactly one
    kind (then a number stands for exactly that name). The numbers are read from the
    grammar installed, not written here: a release of tree-sitter-hcl that numbers its
    kinds anew must not stop Terraform scans."""
    numbers: dict = {}
    for number in range(language.node_kind_count):
        numbers.setdefault(language.node_kind_for_id(number), []).append(number)
    wrong = sorted(name for name in names if len(numbers.get(name, ())) != 1)
    if wrong:
        raise RuntimeError(f"tree-sitter-hcl's grammar has not exactly one node kind of each name iaclint reads "
                           f"by number: {wrong}")
    return {name: numbers[name][0] for name in names}


# Kinds of syntax node by number (`Node.kind_id`): the loops that visit every node compare
# these instead of `Node.type`, which makes a new string at each call. Read from the
# grammar when this module is imported (`_kind_numbers`; `tests/test_hcl_kinds.py`).
_LANGUAGE = _grammar()
KINDS = _kind_numbers(_LANGUAGE, (
    "identifier", "comment", "quoted_template_start", "quoted_template_end", "body", "attribute", "block",
    "block_start", "expression", "literal_value", "numeric_lit", "string_lit", "collection_value", "tuple",
    "object_elem", "get_attr", "variable_expr", "template_expr", "template_literal", "template_interpolation",
    "null_lit", "bool_lit", "object", "index", "legacy_index", "for_expr", "function_call", "conditional",
    "operation", "quoted_template", "heredoc_template", "ellipsis", "function_arguments"))
(IDENTIFIER, COMMENT, QUOTED_TEMPLATE_START, QUOTED_TEMPLATE_END, BODY, ATTRIBUTE, BLOCK, BLOCK_START, EXPRESSION,
 LITERAL_VALUE, NUMERIC_LIT, STRING_LIT, COLLECTION_VALUE, TUPLE, OBJECT_ELEM, GET_ATTR, VARIABLE_EXPR,
 TEMPLATE_EXPR, TEMPLATE_LITERAL, TEMPLATE_INTERPOLATION, NULL_LIT, BOOL_LIT, OBJECT, INDEX, LEGACY_INDEX, FOR_EXPR,
 FUNCTION_CALL, CONDITIONAL, OPERATION, QUOTED_TEMPLATE, HEREDOC_TEMPLATE, ELLIPSIS, FUNCTION_ARGUMENTS) = KINDS.values()


@dataclass
class Source:
    """A file's bytes and path; converts tree-sitter byte positions to 1-based spans."""

    file: str
    data: bytes
    lines: list = field(default_factory=list)  # byte offsets of line starts, lazily
    ascii: bool | None = None  # an ASCII file's byte columns are its character columns
    duplicates: list = field(default_factory=list)  # IAC004 ParseErrors: arguments set twice in a block
    nodes: dict | None = None  # expression start byte -> node, while the tree is kept (see `kept`)
    parses: int = 0

    def expression(self, start: int):
        """The expression node that starts at byte `start` (of an attribute of a block)."""
        nodes = self.nodes
        if nodes is None:
            self.nodes = nodes = _expression_nodes(_parse(self.data).root_node)
            self.parses += 1
        kept().use(self)
        return nodes.get(start)

    def __getstate__(self) -> dict:
        """Pickled without its syntax nodes (another process parses the file again when
        it needs them: `halves` sends a module's blocks to the other half)."""
        state = dict(self.__dict__)
        state["nodes"] = None
        return state

    def span(self, node) -> Span:
        (row, col), (end_row, end_col) = node.start_point, node.end_point
        if self.ascii is None:
            self.ascii = self.data.isascii()
        if self.ascii:  # the common case, and a large share of a big scan's time otherwise
            # `Span(...)` made without calling the class: its generated `__init__` through
            # `type.__call__` took 2,100 instructions a span, this 1,350 (the same fields,
            # set in the same order); a load of `tf-1000` makes 85,000 spans here.
            span = _NEW_SPAN(Span)
            span.file = self.file
            span.line = row + 1
            span.column = col + 1
            span.end_line = end_row + 1
            span.end_column = end_col + 1
            return span
        return Span(self.file, row + 1, self._column(row, col), end_row + 1, self._column(end_row, end_col))

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and character column of a byte offset."""
        self._column(0, 0)  # computes the line starts
        row = bisect.bisect_right(self.lines, offset) - 1
        return row + 1, self._column(row, offset - self.lines[row])

    def _column(self, row: int, byte_col: int) -> int:
        """Character column (1-based) of a byte column: non-ASCII text counts once per character."""
        if not self.lines:
            starts = [0]
            find = self.data.find
            at = find(b"\n")
            while at >= 0:
                starts.append(at + 1)
                at = find(b"\n", at + 1)
            self.lines = starts
        if row >= len(self.lines):
            return byte_col + 1
        start = self.lines[row]
        chunk = self.data[start:start + byte_col]
        if chunk.isascii():
            return byte_col + 1
        return len(chunk.decode("utf-8", errors="replace")) + 1


class Attribute:
    """`name = expr` in a block. `expr` is a tree-sitter `expression` node (for a `.tf`
    file, asked of the source by start byte: see the module docstring), a `JsonValue` for
    `.tf.json`, or None."""

    __slots__ = ("name", "_expr", "span", "source")  # one per attribute of every file

    def __init__(self, name: str, expr: Any, span: Span, source: Source):
        self.name, self._expr, self.span, self.source = name, expr, span, source

    @property
    def expr(self):
        expr = self._expr
        return self.source.expression(expr) if type(expr) is int else expr

    def text(self) -> str:
        """The source text of the expression (of a `.tf.json` string, without `${}`)."""
        expr = self.expr
        if hasattr(expr, "start_byte"):
            return self.source.data[expr.start_byte:expr.end_byte].decode("utf-8", errors="replace")
        value = getattr(expr, "value", "")
        if isinstance(value, str) and value.startswith("${") and value.endswith("}"):
            return value[2:-1]
        return value if isinstance(value, str) else ""

    def __repr__(self) -> str:
        return f"Attribute({self.name!r}, {self.span!r})"


@dataclass(slots=True)
class Block:
    type: str
    labels: list
    attributes: dict  # name -> Attribute, in source order
    blocks: list  # nested Blocks, in source order
    span: Span
    header: Span  # the line that opens the block
    source: Source


def parse_file(file: str, data: bytes, source: Source | None = None) -> tuple[list[Block], list[ParseError]]:
    """Top-level blocks of a `.tf` file, or a ParseError; never raises on bad input.
    `source`: the file's `Source` from `parse_shared` (its blocks are made again on it)."""
    refused = _refused(file, data)
    if refused:
        return [], refused
    if source is None:
        source = Source(file, data)
    else:
        source.duplicates = []  # found again, every one, in file order
    try:
        tree = _parse(data)
    except TooManyTokens as exc:
        return [], [ParseError(file, exc.line, 1, str(exc))]
    root = tree.root_node
    if root.has_error:
        bad = _first_error(root)
        span = source.span(bad)
        what = "missing " + bad.type if bad.is_missing else "syntax error"
        return [], [ParseError(file, span.line, span.column, f"{what} (HCL)")]
    body = next((c for c in root.children if c.type == "body"), None)
    source.nodes = {}
    source.parses += 1
    try:
        blocks = _blocks(body, source) if body is not None else []
    except RecursionError:
        return [], [ParseError(file, 1, 1, "blocks nested too deeply to read")]
    kept().use(source)
    return blocks, source.duplicates


def _refused(file: str, data: bytes) -> list:
    """The ParseError of a file that is not parsed at all (binary, not UTF-8), else []."""
    if b"\x00" in data:
        return [ParseError(file, _line_of(data, data.index(b"\x00")), 1, "NUL byte in file (binary file?)")]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = _line_of(data, exc.start)
        return [ParseError(file, line, 1, f"not valid UTF-8 (byte 0x{data[exc.start]:02x})")]
    return []


# A top-level block's first line, as `terraform fmt` writes it: at column 0, its type, its
# labels, `{` (the type is matched whole and nothing is nested, so hostile lines cost linear
# time: a pattern with labels as a repeated group took 39 s for `resource` and 22 letters). `parse_shared` reads the file's layout from these lines alone; what it
# makes of them is checked against the whole file's parse (`tree.ModuleTree.complete`).
_HEADER = re.compile(rb"(?m)^([A-Za-z_][A-Za-z0-9_-]*)(?![A-Za-z0-9_-])([^\n{]*)\{")  # linear: no nesting
_LABELS_MAX = 4096  # bytes of one first line whose labels are counted (a real one has a few dozen)
_LABEL = re.compile(rb'"(?:[^"\\\n]|\\.)*"|[A-Za-z_][A-Za-z0-9_-]*')
_RANGED = threading.local()  # a parser per thread: its included ranges are set for each file


@dataclass
class Shared:
    """What the first pass over a `.tf` file (`parse_shared`) found: its `Source`, the
    blocks that are not resources, and how many resource and data blocks it holds
    (`evaluated`). `blocks` and `errors` are the whole file's when it was parsed whole
    (else None): a file that does not parse, or whose layout the first pass cannot read."""

    source: Source | None
    shared: list
    evaluated: int
    blocks: list | None = None
    errors: list | None = None


def parse_shared(file: str, data: bytes) -> Shared:
    """The blocks of a `.tf` file that are not resources, tree-sitter reading only their
    lines: each runs from a top-level block's first line (`_HEADER`) that is not a
    resource's to the next top-level block's first line (tree-sitter's included ranges:
    every position is the file's). About a tenth of a file of resources is parsed; its
    resources are parsed once, when they are evaluated (`parse_file` on the same
    `Source`). A file whose ranges do not parse, or that is refused, is parsed whole."""
    refused = _refused(file, data)
    if refused:
        return Shared(None, [], 0, [], refused)
    try:
        _check_tokens(data)
    except TooManyTokens as exc:
        return Shared(None, [], 0, [], [ParseError(file, exc.line, 1, str(exc))])
    ranges, resources = _shared_ranges(data)
    source = Source(file, data)
    if not ranges:
        return Shared(source, [], resources)
    parser = getattr(_RANGED, "parser", None)
    if parser is None:
        from tree_sitter import Parser

        parser = _RANGED.parser = Parser(_parser().language)
    parser.included_ranges = ranges
    tree = parser.parse(data)
    root = tree.root_node
    body = next((c for c in root.children if c.type == "body"), None)
    blocks = None
    if not root.has_error:
        source.nodes, source.parses = {}, 1
        try:
            blocks = _blocks(body, source) if body is not None else []
        except RecursionError:
            blocks = None
    del tree, root, body
    if blocks is None:  # the whole file says why (or the ranges were not the blocks)
        source.nodes, source.parses = None, 0
        blocks, errors = parse_file(file, data, source)
        return Shared(source, shared_blocks(blocks), _evaluated(blocks), blocks, errors)
    kept().use(source)
    shared = shared_blocks(blocks)
    return Shared(source, shared, resources + _evaluated(shared))


def resource_heads(data: bytes) -> list[tuple[str, str]]:
    """(type, name) of each `resource` block whose first line opens it at the start of a
    line (see `_HEADER`), in file order: where a resource is, without parsing."""
    heads = []
    for match in _HEADER.finditer(data):
        if match.group(1) == b"resource" and len(match.group(2)) <= _LABELS_MAX:
            labels = [label.strip(b'"').decode("utf-8", "replace") for label in _LABEL.findall(match.group(2))]
            if len(labels) == 2:
                heads.append((labels[0], labels[1]))
    return heads


_CALL = re.compile(rb'(?m)^module[ \t]*"')


def calls_module(data: bytes) -> bool:
    """Whether a first line of `data` opens a module call (see `_HEADER`)."""
    return _CALL.search(data) is not None


def _shared_ranges(data: bytes) -> tuple[list, int]:
    """The included ranges of the blocks that are not resources (see `parse_shared`),
    and how many resource blocks with two labels the file's first lines show."""
    from tree_sitter import Range

    heads = list(_HEADER.finditer(data))
    spans: list = []
    resources = 0
    for i, match in enumerate(heads):
        if match.group(1) == b"resource":
            labels = match.group(2)
            resources += len(labels) <= _LABELS_MAX and len(_LABEL.findall(labels)) == 2
            continue
        start, end = match.start(), heads[i + 1].start() if i + 1 < len(heads) else len(data)
        if spans and spans[-1][1] == start:
            spans[-1][1] = end
        else:
            spans.append([start, end])
    ranges = []
    for start, end in spans:
        row = data.count(b"\n", 0, start)
        end_row = row + data.count(b"\n", start, end)
        end_column = end - (data.rfind(b"\n", 0, end) + 1)
        ranges.append(Range((row, 0), (end_row, end_column), start, end))
    return ranges, resources


def shared_blocks(blocks: list) -> list:
    """The blocks a module is built from, which the other half of a split module needs
    too (variables, locals, data sources, outputs, module calls): all but the resources."""
    return [b for b in blocks if b.type != "resource"]


def _evaluated(blocks: list) -> int:
    """How many of `blocks` are evaluated into resources (resource and data blocks)."""
    return sum(1 for b in blocks if b.type in ("resource", "data") and len(b.labels) == 2)


def same_blocks(first: list, again: list) -> bool:
    """Whether two lists of blocks of one file say the same: types, labels, spans, the
    attributes' names, spans and expressions' start bytes, nested blocks."""
    try:
        return [_signature(b) for b in first] == [_signature(b) for b in again]
    except RecursionError:
        return False


def _signature(block: Block) -> tuple:
    return (block.type, block.labels, block.span, block.header,
            [(a.name, a.span, a._expr) for a in block.attributes.values()], [_signature(b) for b in block.blocks])


def _parse(data: bytes):
    """The syntax tree of `data`, with exponent-only numbers (`1e3`) understood. After
    such a number tree-sitter may misread the rest of the file, so each pass masks the
    ones it can see and parses again (a bounded number of times). TooManyTokens past
    `MAX_TOKENS`."""
    _check_tokens(data)
    tree = _parser().parse(data)
    masked = bytearray(data)
    for _ in range(_MAX_EXPONENT_PASSES):
        if not tree.root_node.has_error:
            break
        before = bytes(masked)
        stack = [tree.root_node]
        while stack:
            node = stack.pop()
            if node.type == "numeric_lit" and node.text.isdigit():
                match = _EXPONENT.match(data, node.end_byte)
                if match:
                    masked[match.start():match.end()] = b"0" * (match.end() - match.start())
            else:
                stack.extend(node.children)
        if masked == before:
            break
        tree = _parser().parse(bytes(masked))
    return tree


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _first_error(node):
    """The first ERROR or MISSING node in document order (iterative: no recursion limit)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "ERROR" or current.is_missing:
            return current
        if current.has_error:
            stack.extend(reversed(current.children))
    return node


def _blocks(body, source: Source) -> list[Block]:
    return [_block(child, source) for child in body.children if child.kind_id == BLOCK]


def _block(node, source: Source) -> Block:
    # Names are sliced from the file's bytes: `node.text` makes a copy of the text through
    # the tree (3-4 times the cost of a slice), and `decode()` with no argument is
    # CPython's fast path for UTF-8. (A name is never inside what `_parse` masks.) Kinds
    # are compared by number (`KINDS`).
    data = source.data
    span_of = source.span
    nodes = source.nodes
    block_type = ""
    labels: list[str] = []
    attributes: dict = {}
    blocks: list = []
    header = None
    for child in node.children:
        kind = child.kind_id
        if kind == IDENTIFIER:
            text = data[child.start_byte:child.end_byte].decode()
            if block_type:
                labels.append(text)
            else:
                block_type = text
        elif kind == STRING_LIT:
            labels.append(_string_lit(child, data))
        elif kind == BLOCK_START:
            header = child.end_point
        elif kind == BODY:
            for item in child.children:
                kind = item.kind_id
                if kind == ATTRIBUTE:
                    parts = item.children
                    first = parts[0]
                    name = data[first.start_byte:first.end_byte].decode()
                    if len(parts) == 3 and parts[2].kind_id == EXPRESSION:  # `name = expr`, no comment
                        expr = parts[2]
                    else:
                        expr = next((c for c in parts if c.kind_id == EXPRESSION), None)
                    if expr is not None:
                        start = expr.start_byte
                        nodes[start] = expr
                    else:
                        start = None
                    attribute = Attribute(name, start, span_of(item), source)
                    if name in attributes:
                        _duplicate(source, block_type, labels, attributes[name], attribute)
                    attributes[name] = attribute
                elif kind == BLOCK:
                    blocks.append(_block(item, source))
    span = span_of(node)
    if header is None:
        head = Span(span.file, span.line, span.column, span.line, span.end_column)
    else:  # to the end of `{`: its line, and its column as `Source.span` counts it
        row, column = header
        head = Span(span.file, span.line, span.column, row + 1,
                    column + 1 if source.ascii else source._column(row, column))
    return Block(block_type, labels, attributes, blocks, span, head, source)


def _expression_nodes(root) -> dict:
    """Start byte -> expression node of every attribute of every block (nested ones too),
    as `_block` finds them."""
    out = {}
    stack = [c for c in root.children if c.kind_id == BODY]
    while stack:
        for item in stack.pop().children:
            kind = item.kind_id
            if kind == BLOCK:
                stack.extend(c for c in item.children if c.kind_id == BODY)
            elif kind == ATTRIBUTE:
                expr = next((c for c in item.children if c.kind_id == EXPRESSION), None)
                if expr is not None:
                    out[expr.start_byte] = expr
    return out


def _duplicate(source: Source, block_type: str, labels: list, first: Attribute, again: Attribute) -> None:
    """An argument set twice in one block: Terraform refuses the configuration ("Duplicate
    argument"); the scan goes on with the last value and says so (IAC004)."""
    block = " ".join([block_type, *(f'"{label}"' for label in labels)])
    source.duplicates.append(ParseError(
        source.file, again.span.line, again.span.column,
        f"duplicate argument `{again.name}` in `{block}` (first at line {first.span.line}): Terraform "
        "rejects the configuration", DUPLICATE_KEY_ID))


_SPACE = b" \t\r\n"


def _string_lit(node, data: bytes) -> str:
    """A quoted label's text, as written (escapes kept): its literal pieces
    (`_string_lit_parts`, the general rule). tree-sitter leaves out of them whitespace
    after the opening quote and before the closing one (`" x "` is `x`), so only a label
    whose text starts and ends with anything else (nearly all) is read straight from the
    bytes between its quotes (a tree
    with a missing quote has an error, and its file's blocks are not built), without
    making the children's nodes (`tests/test_hcl_kinds.py`)."""
    start, end = node.start_byte, node.end_byte
    if end - start >= 2 and data[start] == 34 and data[end - 1] == 34 and \
            (end - start == 2 or (data[start + 1] not in _SPACE and data[end - 2] not in _SPACE)):
        return data[start + 1:end - 1].decode()
    return _string_lit_parts(node, data)


def _string_lit_parts(node, data: bytes) -> str:
    return "".join([data[c.start_byte:c.end_byte].decode() for c in node.children if c.kind_id == TEMPLATE_LITERAL])


def parse_expression(text: str):
    """Parse a standalone expression (a `--var` value, a `.tf.json` template) or None."""
    data = f"x = {text}\n".encode("utf-8")
    try:
        tree = _parse(data)
    except TooManyTokens:
        return None, None
    if tree.root_node.has_error:
        return None, None
    body = tree.root_node.children[0] if tree.root_node.children else None
    if body is None or not body.children or body.children[0].type != "attribute":
        return None, None
    attribute = body.children[0]
    expr = next((c for c in attribute.children if c.type == "expression"), None)
    return expr, Source("<expression>", data)


def parse_attributes(file: str, data: bytes) -> tuple[dict, list[ParseError]]:
    """Top-level attributes of a `.tfvars` file (name -> Attribute), or a ParseError."""
    source = Source(file, data)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return {}, [ParseError(file, _line_of(data, exc.start), 1, f"not valid UTF-8 (byte 0x{data[exc.start]:02x})")]
    try:
        tree = _parse(data)
    except TooManyTokens as exc:
        return {}, [ParseError(file, exc.line, 1, str(exc))]
    root = tree.root_node
    if root.has_error:
        span = source.span(_first_error(root))
        return {}, [ParseError(file, span.line, span.column, "syntax error (HCL)")]
    body = next((c for c in root.children if c.type == "body"), None)
    out = {}
    for item in (body.children if body is not None else ()):
        if item.type == "attribute":
            name = item.children[0].text.decode("utf-8")
            expr = next((c for c in item.children if c.type == "expression"), None)
            out[name] = Attribute(name, expr, source.span(item), source)
    return out, []


def comment_offsets(data: bytes, offsets) -> set:
    """The byte offsets among `offsets` that lie inside a comment (`#`, `//`, `/* */`),
    not inside a string, a heredoc or any other expression: a suppression is a comment,
    never data that reads like one (and none in a file too large to parse)."""
    try:
        root = _parse(data).root_node
    except TooManyTokens:
        return set()
    return {o for o in offsets if 0 <= o < len(data) and root.descendant_for_byte_range(o, o + 1).type == "comment"}
