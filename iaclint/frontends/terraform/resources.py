"""One `RawResource` per instance of a `resource` or `data` block of a module.

Split from `iaclint.frontends.terraform.module` (which knows what a module *is*: its scope, its
calls, its files) because building a resource is its own job: `count`/`for_each`
expansion (also used for module calls and data sources that are referred to), the
nested and `dynamic` blocks of a body with the span of every path, and the graph edges a
resource's values make. `_attribute_read` runs for every reference of every resource, so
it is plain string search, not a regular expression compiled per address.
"""
from __future__ import annotations

from iaclint.frontends.terraform.expressions import Evaluator, Recorder, Scope, unknown
from iaclint.frontends.terraform.functions import SetValue
from iaclint.frontends.terraform.switches import root_variables
from iaclint.frontends.terraform.values import ITEM_WORK, refs_inside, short, spend, uncertain_positions
from iaclint.model import symbolic
from iaclint.model.documents import EncodedJson
from iaclint.model.resource import TERRAFORM, RawResource, Reference, SpanMap, Uncreated
from iaclint.model.sizes import MAX_VALUE_SIZE, OverBudget, TooLarge
from iaclint.model.unknown import ABSENT, Unknown

MAX_INSTANCES = 10_000
# `dynamic` blocks whose unknown `for_each` gives "zero or more blocks like the content"
# (`_repeated`): IAM statements, which the IAM helpers read item by item. Other dynamic
# blocks with an unknown `for_each` make the whole attribute Unknown.
REPEATABLE_BLOCKS = frozenset({"statement"})
META_ATTRIBUTES = {"count", "for_each", "depends_on", "provider"}
META_BLOCKS = {"lifecycle", "provisioner", "connection"}
_PLAIN = frozenset({str, int, float, bool, type(None)})  # exact classes: EncodedJson is a str subclass


def expand(block, scope: Scope) -> tuple:
    """How `count`/`for_each` expand a resource, data or module block:
    (mode, [(key, scope)], reason) with mode "one" (key None), "count" (int keys),
    "for_each" (string keys) or "unknown" (one instance whose `count.index` or `each` is
    Unknown, and the reason). For "count"/"for_each", `reason` is "" unless more than
    `MAX_INSTANCES` instances were asked for: it then says what was left out, and the
    caller notes it (`capped`)."""
    evaluator = Evaluator()
    if "count" in block.attributes:
        attr = block.attributes["count"]
        count = evaluator.evaluate(attr.expr, attr.source, scope)
        if isinstance(count, bool) or not isinstance(count, (int, float)):
            reason = count.reason if isinstance(count, Unknown) else "count is not a number"
            index = unknown("count.index", f"count is unknown: {reason}")
            return "unknown", [(None, scope.child(count={"index": index}))], f"count is unknown: {reason}"
        return ("count", [(i, scope.child(count={"index": i})) for i in range(min(int(count), MAX_INSTANCES))],
                _capped("count", int(count)))
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
            return "unknown", [(None, scope.child(each=each))], f"for_each is unknown: {reason}"
        return "for_each", [(key, scope.child(each={"key": key, "value": value}))
                            for key, value in items[:MAX_INSTANCES]], _capped("for_each", len(items))
    return "one", [(None, scope)], ""


def _capped(what: str, asked: int) -> str:
    if asked <= MAX_INSTANCES:
        return ""
    return (f"{what} asks for {asked:,} instances: only the first {MAX_INSTANCES:,} are scanned, "
            f"the other {asked - MAX_INSTANCES:,} are not")


def note_capped(block, module, expansion: tuple, address: str) -> None:
    """Say (a note of the run, not a finding) that an expansion was cut at the cap."""
    mode, _, reason = expansion
    tree = getattr(module, "tree", None)
    if mode in ("count", "for_each") and reason and tree is not None and hasattr(tree, "note"):
        tree.note(block, f"{address}: {reason}")


def note_uncreated(block, module, expansion: tuple, address: str, kind: str) -> None:
    """Keep, among the notes, a block that creates nothing (`count` is 0, `for_each` is
    empty) because of a root variable's value: the scan says what it did not check
    (`model.resource.Uncreated`)."""
    mode, items, _ = expansion
    tree = getattr(module, "tree", None)
    if mode in ("count", "for_each") and not items and tree is not None:
        switches = root_variables(block.attributes[mode], module)
        if switches:
            why = "`count` is 0" if mode == "count" else "`for_each` is empty"
            tree.result.notes.append(Uncreated(module.prefix[:-1], block.span.file, block.header.line, address,
                                               kind, why, tuple(f"var.{name}" for name in switches)))


def key_suffix(key) -> str:
    """`[0]`, `["k"]` or "" (Terraform's instance key in an address)."""
    if key is None:
        return ""
    return f"[{key}]" if isinstance(key, int) else f'["{key}"]'


def collect(expansion: tuple, one, text: str):
    """The value a reference to a whole expanded block gives: one object, a list (count),
    a map (for_each), or an Unknown when the expansion is unknown."""
    mode, items, reason = expansion
    if mode == "one":
        return one(None, items[0][1])
    if mode == "unknown":
        return unknown(text, reason)
    values = [(key, one(key, scope)) for key, scope in items]
    return [v for _, v in values] if mode == "count" else {k: v for k, v in values}


def instances(block, module) -> list[RawResource]:
    """One RawResource per instance that `count`/`for_each` create (none for count = 0)."""
    rtype, name = block.labels
    native_type = f"data.{rtype}" if block.type == "data" else rtype
    base = f"{module.prefix}{native_type}.{name}"
    expansion = expand(block, Scope(module))
    note_capped(block, module, expansion, base)
    if block.type == "resource":
        note_uncreated(block, module, expansion, base, native_type)
    return [_resource(block, native_type, base + key_suffix(key), module, scope) for key, scope in expansion[1]]


def _resource(block, native_type: str, address: str, module, scope: Scope) -> RawResource:
    recorder = Recorder()
    evaluator = Evaluator(recorder)
    attributes = body(block, scope, evaluator, (), top=True)
    return RawResource(
        native_type=native_type, address=address, file=block.span.file, span=block.span, header=block.header,
        attributes=attributes, spans=SpanMap(recorder.spans), fmt=TERRAFORM,
        references=_references(attributes), unit=module.root, origins=recorder.origins,
    )


def body(block, scope: Scope, evaluator: Evaluator, path: tuple, top: bool = False) -> dict:
    """The attributes and nested blocks of a block. Each attribute's whole value is charged
    to the module's budget (the policies will read all of it: a value shared by 10,000
    instances is read 10,000 times); past the value limit or the budget it is an Unknown."""
    out: dict = {}
    budget = scope.budget
    note = evaluator.recorder.spans.setdefault  # `Recorder.note`: the recorder stays for the whole body
    for name, attribute in block.attributes.items():
        if top and name in META_ATTRIBUTES:
            continue
        where = path + (name,)
        value = evaluator.evaluate(attribute.expr, attribute.source, scope, where)
        if value is None:
            continue  # Terraform treats an argument set to null as not set at all
        if isinstance(value, Unknown) and value.alternatives is not None and None in value.alternatives:
            # a branch that gives null leaves the argument unset (`c ? "aws:kms" : null`)
            value = value.replace(alternatives=tuple(ABSENT if a is None else a for a in value.alternatives))
        note(where, attribute.span)
        out[name] = _charged(budget, value, attribute)
    for child in block.blocks:
        if top and child.type in META_BLOCKS:
            continue
        try:
            if child.type == "dynamic" and child.labels:
                _dynamic(child, scope, evaluator, path, out)
                continue
            _append_block(out, child.type, child, scope, evaluator, path)
        except OverBudget as exc:  # the blocks not made yet are not guessed
            name = child.labels[0] if child.type == "dynamic" and child.labels else child.type
            evaluator.recorder.note(path + (name,), child.span)
            out[name] = unknown(f"{name} {{...}}", str(exc))
    return out


def _charged(budget, value, attribute):
    """`value`, charged by its size; an Unknown past the value limit or the budget."""
    try:
        if value.__class__ is str:  # most values: `walk` of a string, without the calls
            size = len(value) + 1
            budget.spend(size)
        else:
            size = budget.walk(value)
    except OverBudget as exc:
        return unknown(_source_text(attribute), str(exc))
    if size > MAX_VALUE_SIZE:
        text = _source_text(attribute)
        return unknown(text, f"`{short(text)}` is not evaluated: {TooLarge()}")
    return value


def _append_block(out: dict, name: str, block, scope: Scope, evaluator: Evaluator, path: tuple,
                  span_block=None) -> None:
    existing = out.get(name)
    if not isinstance(existing, list):
        existing = out[name] = []
    index = len(existing)
    spend(scope, ITEM_WORK)
    span = (span_block or block).span
    note = evaluator.recorder.spans.setdefault  # `Recorder.note`
    note(path + (name,), span)
    note(path + (name, index), span)
    existing.append(body(block, scope, evaluator, path + (name, index)))


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
    if uncertain_positions(collection):  # how many blocks is unknown: as an unknown for_each
        collection = unknown(_source_text(for_each), "an item of the collection may be absent or several",
                             refs_inside(collection))
    if isinstance(collection, Unknown):
        evaluator.recorder.note(path + (name,), block.span)
        reason = f"dynamic \"{name}\" blocks depend on: {collection.reason}"
        if name in REPEATABLE_BLOCKS:
            _repeated(out, name, content, scope, evaluator, path, block, iterator, collection, reason)
        else:
            out[name] = unknown(collection.expr, reason, collection.refs)
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
    if len(items) > MAX_INSTANCES:
        tree = getattr(scope.module, "tree", None)
        if tree is not None and hasattr(tree, "note"):
            tree.note(block, f"dynamic \"{name}\" asks for {len(items):,} blocks: only the first {MAX_INSTANCES:,} "
                             "are scanned")
    for key, value in items[:MAX_INSTANCES]:
        inner = scope.child(**{iterator: {"key": key, "value": value}})
        _append_block(out, name, content, inner, evaluator, path, span_block=block)


def _repeated(out: dict, name: str, content, scope: Scope, evaluator: Evaluator, path: tuple, block,
              iterator: str, collection: Unknown, reason: str) -> None:
    """The blocks of a `dynamic` whose `for_each` is unknown: zero or more blocks like its
    `content` evaluated with an unknown iterator (`iaclint.model.symbolic.repeated`), after
    the blocks written before it. A statement that could not change a verdict whatever
    the iterator is (a KMS statement next to the Bedrock one) then does not make it
    UNKNOWN (`iaclint.aws.iam.results.check_statements`)."""
    existing = out.get(name)
    if not isinstance(existing, list):
        existing = out[name] = []
    index = len(existing)
    spend(scope, ITEM_WORK)
    evaluator.recorder.note(path + (name, index), block.span)
    hole = {"key": unknown(f"{iterator}.key", f"for_each is unknown: {collection.reason}", collection.refs),
            "value": unknown(f"{iterator}.value", f"for_each is unknown: {collection.reason}", collection.refs)}
    template = body(content, scope.child(**{iterator: hole}), evaluator, path + (name, index))
    refs = list(dict.fromkeys(list(collection.refs) + refs_inside(template)))
    existing.append(symbolic.repeated(template, collection.expr, reason, refs=refs))


def _attribute_read(expr: str, target: str) -> str:
    """The attribute of `target` that `expr` reads (`arn` in `"${aws_x.y.arn}/*"`), or "".

    Plain string search (this runs for every reference of every resource: a regular
    expression compiled per target cost more than the rest of the graph). A target in a
    child module (`module.m.aws_x.y`) is also looked for without its module path, as the
    child's own expression names it."""
    candidate = target
    while True:
        found = _read_after(expr, _without_index(candidate))
        if found or not candidate.startswith("module."):
            return found
        candidate = _after_module_segment(candidate)
        if not candidate:
            return ""


def _attribute_of_instance(symbol, target: str) -> str:
    """The attribute read of a resource instance reached through a whole collection
    (`each.value.id` under `for_each = aws_s3_bucket.b`: its text names no resource, its
    symbol does: `module.Instances`), or ""."""
    if symbol is None or len(symbol) != 4 or symbol[2] != target or not symbol[3].startswith("."):
        return ""
    return symbol[3][1:].split(".", 1)[0].split("[", 1)[0]


def _without_index(address: str) -> str:
    """`aws_x.y` of `aws_x.y[0]` or `aws_x.y["k"]` (the index may be written as an
    expression in the source: `aws_x.y[each.key]`)."""
    if not address.endswith("]"):
        return address
    opening = address.rfind('["') if address.endswith('"]') else address.rfind("[")
    return address[:opening] if opening > 0 else address


def _after_module_segment(address: str) -> str:
    """`aws_x.y` of `module.m.aws_x.y` or `module.m["k"].aws_x.y`; "" when nothing follows."""
    i = len("module.")
    while i < len(address) and address[i] not in ".[":
        i += 1
    if i < len(address) and address[i] == "[":
        close = address.find('"]', i) + 1 if address.startswith('["', i) else address.find("]", i)
        if close <= 0:
            return ""
        i = close + 1
    return address[i + 1:] if i < len(address) and address[i] == "." else ""


def _read_after(expr: str, base: str) -> str:
    """The identifier after `base` (and an optional `[...]` index) and a dot in `expr`,
    where `base` starts a name (not inside `x.aws_y.z` or `my_aws_y.z`)."""
    start = expr.find(base)
    while start >= 0:
        before = expr[start - 1] if start else " "
        if not (before.isalnum() or before in "_."):
            i = start + len(base)
            if i < len(expr) and expr[i] == "[":
                close = expr.find("]", i)
                i = close + 1 if close >= 0 else len(expr)
            if i + 1 < len(expr) and expr[i] == "." and _identifier_start(expr[i + 1]):
                j = i + 2
                while j < len(expr) and (_identifier_start(expr[j]) or expr[j].isdigit() or expr[j] == "-"):
                    j += 1
                return expr[i + 1:j]
        start = expr.find(base, start + 1)
    return ""


def _identifier_start(char: str) -> bool:
    return char == "_" or ("a" <= char <= "z") or ("A" <= char <= "Z")


def _source_text(attribute) -> str:
    expr = attribute.expr
    if hasattr(expr, "start_byte"):
        return attribute.source.data[expr.start_byte:expr.end_byte].decode("utf-8", errors="replace")
    return str(getattr(expr, "value", ""))


def _references(attributes: dict) -> list[Reference]:
    """A graph edge for every resource that an Unknown value refers to, at its path, and
    for every data source whose rendered document a value is (`EncodedJson.origin`).

    Most values hold neither (6,874 resources of `tf-1000` make 1,858 edges): dicts and
    lists are walked first (no class is both one of them and a string or an Unknown),
    pushing only the members that can hold one."""
    out: list[Reference] = []
    seen: set = set()
    stack = [((), attributes)]
    push, pop = stack.append, stack.pop
    while stack:
        path, value = pop()
        if isinstance(value, dict):  # plain strings and numbers (most leaves) hold no edge
            for k, v in value.items():
                if v.__class__ not in _PLAIN:
                    push((path + (k,), v))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                if v.__class__ not in _PLAIN:
                    push((path + (i,), v))
        elif isinstance(value, EncodedJson):
            for target in value.origin:
                if (path, target) not in seen:
                    seen.add((path, target))
                    out.append(Reference(path, target, "json"))
            push((path, value.value))
        elif isinstance(value, Unknown):
            for target in value.refs:
                key = (path, target)
                if key in seen:
                    continue
                seen.add(key)
                out.append(Reference(path, target, _attribute_read(value.expr, target)
                                     or _attribute_of_instance(value.symbol, target)))
    out.sort(key=lambda r: (tuple(map(str, r.path)), r.target))
    return out
