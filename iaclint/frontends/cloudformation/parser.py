"""Read a CloudFormation template (YAML or JSON) into plain data plus a span for every path.

This is the only module that imports PyYAML. It composes the text into nodes with the C
loader, which keeps every node's start and end mark, and converts the nodes itself: that
way no Python object is ever constructed from a tag, the CloudFormation short forms
(`!Ref`, `!GetAtt`, `!Sub`, ...) become their long forms, and the guards against alias
bombs and runaway nesting sit in one loop. Valid JSON that the YAML 1.1 reader rejects
(surrogate escapes, keys over 1,024 characters) goes through `iaclint.frontends.jsonspans`, the
position-keeping JSON reader the Terraform side uses too.

Spans are tuples `(line, column, end_line, end_column)`, 1-based, end column exclusive,
keyed by document path. A mapping entry's span runs from its key to the end of its value;
a sequence item's span is the item's.
"""
from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from iaclint.model.records import dataclass, field

MAX_DEPTH = 128  # a real template nests about 20 deep; past this it is an attack or a bug
MAX_ALIAS_NODES = 100_000  # nodes materialised again through aliases
# Nodes in one document. Composed with their marks they take ~600 bytes each, and the file
# cap in bytes does not bound them (`[0,0,0,...]` is a node per two bytes: 5 MB would take
# 1.5 GB); a 1 MB template, the most CloudFormation accepts, holds about 50,000.
MAX_NODES = 500_000

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MERGE = "tag:yaml.org,2002:merge"
_TRUE = frozenset(("yes", "true", "on", "y"))
# Tags YAML's own schemas resolve to. Any other global tag (`!!python/object/apply:...`,
# `!<tag:example.com,2000:x>`) is refused as a parse error: PyYAML's unsafe loaders would
# construct an object from it, and CloudFormation rejects it. Local `!X` tags are
# CloudFormation's short forms, or stay plain text.
_YAML_TAG = "tag:yaml.org,2002:"
_CORE_TAGS = frozenset(_YAML_TAG + t for t in ("str", "int", "float", "bool", "null", "seq", "map", "merge",
                                               "timestamp", "binary", "set", "omap", "pairs", "value"))

# Short-form tag -> long-form key. `!GetAtt A.B` also splits its string.
SHORT_FORMS = {"!Ref": "Ref", "!Condition": "Condition"}
for _name in ("And", "Base64", "Cidr", "Equals", "FindInMap", "GetAZs", "GetAtt", "If",
              "ImportValue", "Join", "Length", "Not", "Or", "Select", "Split", "Sub",
              "ToJsonString", "Transform", "ForEach"):
    SHORT_FORMS["!" + _name] = "Fn::" + _name
del _name


class ParseFailure(Exception):
    """Text that is not a readable document; line and column are 1-based."""

    def __init__(self, message: str, line: int = 1, column: int = 1):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass
class Document:
    value: Any
    spans: dict = field(default_factory=dict)  # path -> (line, col, end_line, end_col)
    keys: dict = field(default_factory=dict)  # path -> span of the key, for paths of length <= 2
    # Keys written twice in one mapping: (path of the mapping, key, (line, column) of the
    # repeat, line of the first). CloudFormation keeps the last one without a word.
    duplicates: list = field(default_factory=list)


def parse(text: str, is_json: bool = False) -> Document:
    """Parse one YAML or JSON document; raises ParseFailure for bad input, nothing else."""
    source = text.replace("\t", " ") if is_json and "\t" in text else text
    try:
        _count_nodes(source)
        root = yaml.compose(source, Loader=yaml.CSafeLoader)
    except yaml.MarkedYAMLError as exc:
        if is_json:
            return parse_json(text)
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "syntax error"
        if exc.context:
            problem = f"{problem} ({exc.context})"
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        raise ParseFailure(f"YAML syntax error: {problem}", line, column) from None
    except yaml.reader.ReaderError as exc:
        line, column = _line_col(text, exc.position)
        raise ParseFailure(f"unreadable character {exc.character!r}: {exc.reason}", line, column) from None
    except yaml.YAMLError as exc:
        raise ParseFailure(f"YAML error: {exc}") from None
    doc = Document(None)
    if root is None:
        return doc
    converter = _Converter(source, is_json, doc)
    doc.value = converter.node(root, (), 0, None, None)[0]
    return doc


_NODE_EVENTS = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent, yaml.AliasEvent)


def _count_nodes(text: str) -> None:
    """ParseFailure when the document has more than `MAX_NODES` nodes, counted in the
    event stream (constant memory) before anything is composed. A node takes at least
    half a character (`{a,b}`: a key and its empty value per two), so shorter texts are
    not counted."""
    if len(text) <= MAX_NODES // 2:
        return
    count = 0
    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        if isinstance(event, _NODE_EVENTS):
            count += 1
            if count > MAX_NODES:
                mark = event.start_mark
                raise ParseFailure(f"more than {MAX_NODES:,} values in one document: not scanned",
                                   mark.line + 1, mark.column + 1)


def _line_col(text: str, index: int) -> tuple[int, int]:
    index = max(0, min(index, len(text)))
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


class _Converter:
    """Turns composed nodes into plain values, recording spans on the way."""

    def __init__(self, text: str, is_json: bool, doc: Document):
        self.text = text
        self.json = is_json
        self.spans = doc.spans
        self.keys = doc.keys
        self.duplicates = doc.duplicates
        self.seen: set[int] = set()
        self.in_alias = 0
        self.expanded = 0

    def _fail(self, message: str, n) -> ParseFailure:
        return ParseFailure(message, n.start_mark.line + 1, n.start_mark.column + 1)

    def node(self, n, path: tuple, depth: int, sl, sc) -> tuple[Any, int, int]:
        if depth > MAX_DEPTH:
            raise self._fail(f"nesting deeper than {MAX_DEPTH} levels", n)
        if self.in_alias:
            self.expanded += 1
            if self.expanded > MAX_ALIAS_NODES:
                raise self._fail("alias expansion limit exceeded (YAML alias bomb?)", n)
        if sl is None:
            mark = n.start_mark
            sl, sc = mark.line + 1, mark.column + 1
        tag = n.tag
        if tag[0] != "!" and tag not in _CORE_TAGS:
            raise self._fail(_unsupported_tag(tag), n)
        long_form = SHORT_FORMS.get(tag) if tag[0] == "!" else None
        inner = path + (long_form,) if long_form else path
        cls = n.__class__
        if cls is ScalarNode:
            if long_form:
                value = n.value
            else:
                value = self.scalar(n)
            if n.style in ("|", ">"):
                el, ec = self._block_scalar_end(n)
            else:
                em = n.end_mark
                el, ec = em.line + 1, em.column + 1
        else:
            key = id(n)
            alias = key in self.seen
            if alias:
                self.in_alias += 1
            else:
                self.seen.add(key)
            if cls is MappingNode:
                value, el, ec = self.mapping(n, inner, depth, sl, sc)
            elif cls is SequenceNode:
                value, el, ec = self.sequence(n, inner, depth, sl, sc)
            else:  # pragma: no cover - compose only yields the three node kinds
                value, el, ec = None, sl, sc
            if alias:
                self.in_alias -= 1
            if n.flow_style:
                em = n.end_mark
                el, ec = em.line + 1, em.column + 1
        if long_form:
            if long_form == "Fn::GetAtt" and isinstance(value, str):
                value = value.split(".", 1) if "." in value else [value]
            mark = n.start_mark
            self.spans[inner] = (mark.line + 1, mark.column + 1, el, ec)
            value = {long_form: value}
        self.spans[path] = (sl, sc, el, ec)
        return value, el, ec

    def mapping(self, n, path: tuple, depth: int, sl: int, sc: int) -> tuple[dict, int, int]:
        out: dict = {}
        el, ec = sl, sc
        pairs = n.value
        if any(k.tag == _MERGE for k, _ in pairs):
            out, pairs = self._merge(pairs, path, depth)
        record_keys = len(path) <= 1
        node = self.node
        written: dict = {}  # key -> line of its first explicit use (merged keys may be overridden)
        for k, v in pairs:
            if k.__class__ is not ScalarNode:
                continue  # complex keys mean nothing to CloudFormation
            if k.tag[0] != "!" and k.tag not in _CORE_TAGS:
                raise self._fail(_unsupported_tag(k.tag), k)
            name = k.value
            km = k.start_mark
            if name in written:
                self.duplicates.append((path, name, (km.line + 1, km.column + 1), written[name]))
            else:
                written[name] = km.line + 1
            child_path = path + (name,)
            value, el, ec = node(v, child_path, depth + 1, km.line + 1, km.column + 1)
            out[name] = value  # a duplicate key: the last one wins, as in CloudFormation
            if record_keys:
                kem = k.end_mark
                self.keys[child_path] = (km.line + 1, km.column + 1, kem.line + 1, kem.column + 1)
        return out, el, ec

    def _merge(self, pairs: list, path: tuple, depth: int) -> tuple[dict, list]:
        """YAML merge keys (`<<: *base`): merged entries first, explicit keys override."""
        merged: dict = {}
        rest = []
        for k, v in pairs:
            if k.tag != _MERGE:
                rest.append((k, v))
                continue
            sources = v.value if v.__class__ is SequenceNode else [v]
            for source in reversed(sources):
                if source.__class__ is MappingNode:
                    value = self.node(source, path, depth + 1, None, None)[0]
                    if isinstance(value, dict):
                        merged.update(value)
        return merged, rest

    def sequence(self, n, path: tuple, depth: int, sl: int, sc: int) -> tuple[list, int, int]:
        out: list = []
        el, ec = sl, sc
        node = self.node
        for i, item in enumerate(n.value):
            value, el, ec = node(item, path + (i,), depth + 1, None, None)
            out.append(value)
        return out, el, ec

    def scalar(self, n) -> Any:
        value = n.value
        tag = n.tag
        if self.json:
            return _json_scalar(value) if not n.style else value
        if tag == _STR:
            return value
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return value.lower() in _TRUE
        if tag == _INT:
            return _yaml_int(value)
        if tag == _FLOAT:
            return _yaml_float(value)
        return value  # timestamps, binary and unknown tags stay text: nothing is constructed

    def _block_scalar_end(self, n) -> tuple[int, int]:
        """A block scalar's end mark lies past its trailing newlines: step back to the text."""
        em = n.end_mark
        end = em.index
        start = n.start_mark.index
        text = self.text
        j = end
        while j > start and text[j - 1] in " \t\r\n":
            j -= 1
        if j == end:
            return em.line + 1, em.column + 1
        newlines = text.count("\n", j, end)
        if newlines:
            return em.line + 1 - newlines, j - text.rfind("\n", 0, j)
        return em.line + 1, em.column + 1 - (end - j)


def _unsupported_tag(tag: str) -> str:
    shown = "!!" + tag[len(_YAML_TAG):] if tag.startswith(_YAML_TAG) else f"!<{tag}>"
    return f"unsupported YAML tag {shown}: a CloudFormation template has only intrinsic-function tags"


def _json_scalar(value: str) -> Any:
    if value == "true":
        return True
    if value == "false":
        return False
    if value == "null" or value == "":
        return None
    try:
        return int(value)
    except ValueError:
        pass
    try:
        return float(value)
    except ValueError:
        return value


def _yaml_int(text: str) -> Any:
    value = text.replace("_", "")
    sign = 1
    try:
        if value[:1] == "-":
            sign = -1
        if value[:1] in "+-":
            value = value[1:]
        if value == "0":
            return 0
        if value.startswith("0b"):
            return sign * int(value[2:], 2)
        if value.startswith("0x"):
            return sign * int(value[2:], 16)
        if value.startswith("0o"):
            return sign * int(value[2:], 8)
        if value[:1] == "0":
            return sign * int(value, 8)
        if ":" in value:
            result = 0
            for part in value.split(":"):
                result = result * 60 + int(part)
            return sign * result
        return sign * int(value)
    except ValueError:
        return text


def _yaml_float(text: str) -> Any:
    value = text.replace("_", "").lower()
    sign = 1
    try:
        if value[:1] == "-":
            sign = -1
        if value[:1] in "+-":
            value = value[1:]
        if value == ".inf":
            return sign * float("inf")
        if value == ".nan":
            return float("nan")
        if ":" in value:
            result = 0.0
            for part in value.split(":"):
                result = result * 60 + float(part)
            return sign * result
        return sign * float(value)
    except ValueError:
        return text


# --- JSON fallback: valid JSON that libyaml refuses -------------------------------------

def parse_json(text: str) -> Document:
    """Strict JSON with spans, for what libyaml rejects; raises ParseFailure."""
    from iaclint.frontends.jsonspans import JsonSpanError, decode

    try:
        decoded = decode(text, max_depth=MAX_DEPTH, key_depth=2, root_span=True)
    except JsonSpanError as exc:
        raise ParseFailure(f"JSON syntax error: {exc.message}", exc.line, exc.column) from None
    return Document(decoded.value, decoded.spans, decoded.keys, decoded.duplicates)


def outside_scalars(text: str, offsets) -> set:
    """The character offsets among `offsets` that lie outside every scalar (key or value)
    of the YAML document: where a `#` is a comment, not text inside a quoted string or a
    block scalar. Empty when the document does not compose (its suppressions do not count)."""
    import bisect

    try:
        _count_nodes(text)
        root = yaml.compose(text, Loader=yaml.CSafeLoader)
    except (yaml.YAMLError, ParseFailure):
        return set()
    seen, stack, ranges = set(), [root] if root is not None else [], []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, ScalarNode):
            start = node.start_mark.index
            if node.style in ("|", ">"):  # the content starts on the next line; a comment may follow the indicator
                newline = text.find("\n", start)
                start = newline + 1 if 0 <= newline < node.end_mark.index else start
            ranges.append((start, node.end_mark.index))
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, MappingNode):
            stack.extend(part for pair in node.value for part in pair)
    ranges.sort()  # scalars never overlap: sorted by start, they are sorted by end too
    starts = [start for start, _ in ranges]
    out = set()
    for offset in offsets:
        i = bisect.bisect_right(starts, offset) - 1
        if i < 0 or offset >= ranges[i][1]:
            out.add(offset)
    return out
