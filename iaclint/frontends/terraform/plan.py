"""Terraform plan JSON (`terraform show -json plan.out`) as RawResources.

A plan is the configuration fully evaluated by Terraform itself: variables, modules,
`count`/`for_each` and provider defaults are resolved, so its values are the deployment's
(DESIGN section 1). `planned_values.root_module` and its `child_modules` give each managed
resource instance with its values; what only the apply will know is left out there and
marked `true` in the instance's `resource_changes[].change.after_unknown`, which becomes
an Unknown here (with the references its configuration expression makes, as graph edges).
Null values and empty lists are dropped: the plan writes every attribute and block of the
schema, and an unset block must not look like a written one. Data sources are not loaded:
their results already are in the values of the resources that use them (an
`aws_iam_role_policy.policy` holds the rendered JSON), and checking both would report one
document twice.

Findings should point at the `.tf` source. The plan's `configuration` section names each
module call's source but has no line numbers, so a resource is looked up by address in the
`.tf` files of its module's directory, found from the plan file's directory (where
`terraform show` is normally run) through local sources and `.terraform/modules/
modules.json`. When the block is there, the resource is reported at its file, header and
attribute lines; otherwise at the plan file's own lines for that resource.
"""
from __future__ import annotations

import json
import os
import re

from iaclint.frontends.jsonspans import JsonSpanError, loads_with_spans
from iaclint.model.records import dataclass, field
from iaclint.model.resource import TERRAFORM, ParseError, RawResource, Reference, Span
from iaclint.model.unknown import Unknown

SUPPORTED_MAJOR = "1"
# Values in one plan: ~45 per resource with its change (`prior_state` and `configuration`
# add as many again), so a plan of 20,000 resources. Only `planned_values` keeps spans
# (what a finding points at without the `.tf` files), so a value takes ~250 bytes here.
MAX_VALUES = 2_000_000
_NOT_RESOURCES = ("var.", "local.", "each.", "count.", "path.", "self.", "terraform.")
_INSTANCE_KEY = re.compile(r'\[(?:"(?:[^"\\]|\\.)*"|[0-9]+)\]')


@dataclass
class PlanResult:
    resources: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    module_dirs: list = field(default_factory=list)  # configuration directories the plan was mapped to
    module_files: list = field(default_factory=list)  # .tf files findings were mapped to
    inputs: dict = field(default_factory=dict)  # (kind, path) -> digest, for the parse cache


def load_plan(path: str, data: bytes, overlay: dict | None = None, tree=None) -> PlanResult | None:
    """The plan's managed resources, or None when the document is not a plan (a state
    file, or other JSON that only looked like one). `tree` (`iaclint.gate.reads.Tree`) is
    where the configuration beside it may be read from."""
    overlay = overlay or {}
    result = PlanResult()
    try:
        document, spans = loads_with_spans(data.decode("utf-8-sig"), max_values=MAX_VALUES,
                                           spans_of="planned_values")
    except UnicodeDecodeError:
        result.errors.append(ParseError(path, 1, 1, "plan JSON is not valid UTF-8"))
        return result
    except JsonSpanError as exc:
        result.errors.append(ParseError(path, exc.line, exc.column, f"invalid plan JSON: {exc.message}"))
        return result
    if not isinstance(document, dict) or not ("planned_values" in document or "resource_changes" in document):
        return None
    version = document.get("format_version")
    if not isinstance(version, str) or version.split(".")[0] != SUPPORTED_MAJOR:
        result.errors.append(ParseError(path, 1, 1, f"plan JSON format_version {version!r} is not supported "
                                                    f"(major version {SUPPORTED_MAJOR} is)"))
        return result
    mapper = _Mapper(path, document, overlay, result, tree)
    changes = {c.get("address"): c for c in document.get("resource_changes") or []
               if isinstance(c, dict) and not c.get("deposed")}
    planned = (document.get("planned_values") or {}).get("root_module")
    if isinstance(planned, dict):
        _walk(planned, ("planned_values", "root_module"), changes, _Spans(spans), mapper, result)
    mapper.finish()
    return result


def _walk(module: dict, json_path: tuple, changes: dict, spans: dict, mapper, result: PlanResult) -> None:
    for i, entry in enumerate(module.get("resources") or []):
        if isinstance(entry, dict) and entry.get("mode", "managed") == "managed":
            resource = _resource(entry, json_path + ("resources", i), changes, spans, mapper)
            if resource is not None:
                result.resources.append(resource)
    for i, child in enumerate(module.get("child_modules") or []):
        if isinstance(child, dict):
            _walk(child, json_path + ("child_modules", i), changes, spans, mapper, result)


def _resource(entry: dict, json_path: tuple, changes: dict, spans: dict, mapper) -> RawResource | None:
    address, rtype, name = entry.get("address"), entry.get("type"), entry.get("name")
    if not all(isinstance(x, str) and x for x in (address, rtype, name)):
        return None
    module_address = _module_of(address, rtype, name)
    change = (changes.get(address) or {}).get("change") or {}
    config = mapper.config(module_address, f"{rtype}.{name}")
    refs = _config_references(config, module_address, mapper)
    values = entry.get("values") if isinstance(entry.get("values"), dict) else {}
    attributes = _merge_unknown(values, change.get("after_unknown"), (), refs, address)
    attributes = attributes if isinstance(attributes, dict) else {}
    references = [Reference((attr,), target, attribute)
                  for attr, targets in sorted(refs.items()) for target, attribute in targets]
    block = mapper.block(module_address, rtype, name)
    if block is not None:
        span, header, file = block.span, block.header, block.span.file
        attribute_spans = _block_spans(block, attributes)
    else:
        span = _span(mapper.path, spans, json_path)
        header = _span(mapper.path, spans, json_path + ("address",)) if (json_path + ("address",)) in spans else span
        file = mapper.path
        attribute_spans = {inner: Span(file, *s) for inner, s in spans.values_of(json_path)}
    return RawResource(native_type=rtype, address=address, file=file, span=span, header=header,
                       attributes=attributes, spans=attribute_spans, fmt=TERRAFORM, references=references,
                       unit=mapper.path)


class _Spans(dict):
    """The plan's spans (JSON path -> span), and those inside each resource's `values`
    grouped by resource in one pass: looking them up resource by resource in the whole
    dict made a plan of 5,000 resources take minutes (quadratic)."""

    def __init__(self, spans: dict):
        super().__init__(spans)
        self._values: dict | None = None

    def values_of(self, json_path: tuple) -> list:
        """[(path inside the resource's `values`, span)] of the resource at `json_path`."""
        if self._values is None:
            self._values = {}
            for path, span in self.items():
                cut = _values_start(path)
                if cut and len(path) > cut + 1:
                    self._values.setdefault(path[:cut], []).append((path[cut + 1:], span))
        return self._values.get(json_path, [])


def _values_start(path: tuple) -> int:
    """The length of the resource entry's path when `path` lies in `values` under
    `planned_values.root_module` (`child_modules`, i, ...)`.resources`, i; else 0."""
    if path[:2] != ("planned_values", "root_module"):
        return 0
    k = 2
    while k + 1 < len(path) and path[k] == "child_modules" and isinstance(path[k + 1], int):
        k += 2
    if k + 2 < len(path) and path[k] == "resources" and isinstance(path[k + 1], int) and path[k + 2] == "values":
        return k + 2
    return 0


def _module_of(address: str, rtype: str, name: str) -> str:
    """`module.a[0].module.b` of `module.a[0].module.b.aws_x.y["k"]` ("" at the root)."""
    local = f"{rtype}.{name}"
    cut = address.rfind(local)
    while cut > 0 and not address.startswith(".", cut - 1):
        cut = address.rfind(local, 0, cut)
    return address[:cut - 1] if cut > 0 else ""


def _merge_unknown(value, unknown_marks, path: tuple, refs: dict, address: str):
    """The planned value with Unknowns where `after_unknown` says so; nulls and empty lists
    (unset attributes and blocks) left out."""
    if unknown_marks is True:
        targets = refs.get(path[0], []) if path else []
        return Unknown(".".join(map(str, path)) or address,
                       "known only after apply (the plan marks it unknown)",
                       refs=tuple(dict.fromkeys(t for t, _ in targets)))
    if isinstance(value, dict) or isinstance(unknown_marks, dict):
        value = value if isinstance(value, dict) else {}
        marks = unknown_marks if isinstance(unknown_marks, dict) else {}
        out = {}
        for key in list(value) + [k for k in marks if k not in value]:
            item = _merge_unknown(value.get(key), marks.get(key), path + (key,), refs, address)
            if item is None or item == []:
                continue
            out[key] = item
        return out
    if isinstance(value, list) or isinstance(unknown_marks, list):
        value = value if isinstance(value, list) else []
        marks = unknown_marks if isinstance(unknown_marks, list) else []
        size = max(len(value), len(marks))
        return [_merge_unknown(value[i] if i < len(value) else None, marks[i] if i < len(marks) else None,
                               path + (i,), refs, address) for i in range(size)]
    return value


def _config_references(config: dict | None, module_address: str, mapper) -> dict:
    """attribute -> [(resource address, attribute read)] from the configuration's
    expressions (`references` lists `aws_iam_role.r.arn` and `aws_iam_role.r`). A module
    input (`var.role_arn` in a child) is followed to what the call passes in."""
    out: dict = {}
    if not isinstance(config, dict):
        return out
    for attr, expression in (config.get("expressions") or {}).items():
        found: dict = {}
        _resolve_references(_expression_references(expression), module_address, mapper, found, 0)
        if found:
            out[attr] = sorted(found.items())
    return out


def _resolve_references(references: list, module_address: str, mapper, found: dict, depth: int) -> None:
    prefix = module_address + "." if module_address else ""
    for reference in references:
        if reference.startswith("var.") and module_address and depth < 32:
            name = _INSTANCE_KEY.sub("", reference).split(".")[1]
            inner = mapper.call_input(module_address, name)
            _resolve_references(inner, _parent_address(module_address), mapper, found, depth + 1)
            continue
        target, attribute = _split_reference(reference)
        if target and (prefix + target not in found or (attribute and not found[prefix + target])):
            found[prefix + target] = attribute


def _expression_references(expression) -> list:
    """Every `references` string inside an expression or a nested block's expressions."""
    out: list = []
    stack = [expression]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            refs = item.get("references")
            if isinstance(refs, list):
                out.extend(r for r in refs if isinstance(r, str))
            stack.extend(v for k, v in item.items() if k != "references")
        elif isinstance(item, list):
            stack.extend(item)
    return out


def _split_reference(reference: str) -> tuple[str, str]:
    """(`aws_iam_role.r`, `arn`) of `aws_iam_role.r.arn`; ("", "") for var/local/..."""
    if reference.startswith(_NOT_RESOURCES):
        return "", ""
    text = _INSTANCE_KEY.sub("", reference)
    parts = text.split(".")
    if parts[0] == "module":
        return (".".join(parts[:2]), parts[2] if len(parts) > 2 else "") if len(parts) > 1 else ("", "")
    size = 3 if parts[0] == "data" else 2
    if len(parts) < size:
        return "", ""
    return ".".join(parts[:size]), parts[size] if len(parts) > size else ""


def _span(file: str, spans: dict, path: tuple) -> Span:
    found = spans.get(path)
    while found is None and path:
        path = path[:-1]
        found = spans.get(path)
    return Span(file, *found) if found else Span(file, 1, 1, 1, 1)


def _block_spans(block, attributes: dict) -> dict:
    """Spans of the paths the `.tf` block writes, for the paths the plan has."""
    out: dict = {}

    def walk(current, value, path: tuple) -> None:
        for name, attribute in current.attributes.items():
            if isinstance(value, dict) and name in value:
                out[path + (name,)] = attribute.span
        counts: dict = {}
        for child in current.blocks:
            if child.type == "dynamic":
                continue
            index = counts.get(child.type, 0)
            counts[child.type] = index + 1
            inner = value.get(child.type) if isinstance(value, dict) else None
            out.setdefault(path + (child.type,), child.span)
            out[path + (child.type, index)] = child.span
            walk(child, inner[index] if isinstance(inner, list) and index < len(inner) else None,
                 path + (child.type, index))

    walk(block, attributes, ())
    return out


class _Mapper:
    """Finds each resource's configuration and its `.tf` block (see the module docstring)."""

    def __init__(self, path: str, document: dict, overlay: dict, result: PlanResult, tree=None):
        from iaclint.gate.reads import Tree

        self.tree = tree if tree is not None else Tree.of([path])
        self.path = path
        self.root = os.path.dirname(path) or "."
        self.overlay = overlay
        self.result = result
        configuration = document.get("configuration") if isinstance(document.get("configuration"), dict) else {}
        self.root_config = configuration.get("root_module") if isinstance(configuration.get("root_module"),
                                                                          dict) else {}
        self._modules: dict = {}  # module path (call names) -> (config, directory or None)
        self._blocks: dict = {}  # directory -> {(type, name): block}
        self._configs: dict = {}  # id(module configuration) -> (it, {address: resource configuration})
        self._manifest = None

    def _module(self, module_address: str) -> tuple:
        names = tuple(part.split("[", 1)[0] for part in _module_names(module_address))
        if names in self._modules:
            return self._modules[names]
        if not names:
            found = (self.root_config, self.root)
        else:
            parent_config, parent_dir = self._module(_parent_address(module_address))
            calls = parent_config.get("module_calls") if isinstance(parent_config, dict) else None
            call = calls.get(names[-1]) if isinstance(calls, dict) else None
            if not isinstance(call, dict):
                found = ({}, None)
            else:
                source = call.get("source") or call.get("resolved_source")
                found = (call.get("module") if isinstance(call.get("module"), dict) else {},
                         self._directory(parent_dir, source, names))
        self._modules[names] = found
        return found

    def _directory(self, parent_dir, source, names: tuple):
        if not isinstance(source, str):
            return None
        if source.startswith(("./", "../")) and parent_dir is not None:
            directory = os.path.normpath(os.path.join(parent_dir, source))
        else:
            found = self._manifest_dirs().get(".".join(names))
            directory = os.path.normpath(os.path.join(self.root, found)) if found else None
        return directory if directory and os.path.isdir(directory) and self.tree.contains(directory) else None

    def _manifest_dirs(self) -> dict:
        if self._manifest is None:
            from iaclint.frontends.terraform.tree import MANIFEST

            manifest = os.path.normpath(os.path.join(self.root, MANIFEST))
            self.result.inputs[("file", manifest)] = None
            self._manifest = {}
            try:
                from iaclint.frontends.terraform.tree import MANIFEST_MAX_BYTES
                from iaclint.gate.reads import read_bytes

                data = read_bytes(manifest, tree=self.tree, limit=MANIFEST_MAX_BYTES)
                for entry in json.loads(data.decode("utf-8-sig")).get("Modules", []):
                        if isinstance(entry, dict) and isinstance(entry.get("Key"), str):
                            self._manifest[entry["Key"]] = entry.get("Dir")
            except (OSError, ValueError, AttributeError):
                pass
        return self._manifest

    def call_input(self, module_address: str, name: str) -> list:
        """The references of the argument `name` of the call that made `module_address`."""
        names = _module_names(module_address)
        if not names:
            return []
        parent_config, _ = self._module(_parent_address(module_address))
        calls = parent_config.get("module_calls") if isinstance(parent_config, dict) else None
        call = calls.get(names[-1].split("[", 1)[0]) if isinstance(calls, dict) else None
        expression = ((call or {}).get("expressions") or {}).get(name) if isinstance(call, dict) else None
        return _expression_references(expression)

    def config(self, module_address: str, local_address: str):
        """The configuration of a managed resource (the first of its address), by an index
        made once per module: a plan of 5,000 resources would otherwise search 5,000 x 5,000."""
        config, _ = self._module(module_address)
        key = id(config)
        if key not in self._configs:
            index: dict = {}
            for entry in (config or {}).get("resources") or []:
                if isinstance(entry, dict) and entry.get("mode") != "data" and isinstance(entry.get("address"), str):
                    index.setdefault(entry["address"], entry)
            self._configs[key] = (config, index)  # the config is kept: its id stays its own
        return self._configs[key][1].get(local_address)

    def block(self, module_address: str, rtype: str, name: str):
        _, directory = self._module(module_address)
        if directory is None:
            return None
        if directory not in self._blocks:
            from iaclint.frontends.terraform.tree import (
                read_config_file,
                terraform_files,
            )

            index: dict = {}
            self.result.inputs[("dir", directory)] = None
            self.result.module_dirs.append(directory)
            for file in terraform_files(directory, self.overlay, self.tree):
                self.result.inputs[("file", file)] = None
                blocks, _ = read_config_file(file, self.overlay.get(file), self.tree)  # errors: its own unit's
                for block in blocks:
                    if block.type == "resource" and len(block.labels) == 2:
                        index.setdefault(tuple(block.labels), block)
            self._blocks[directory] = index
        block = self._blocks[directory].get((rtype, name))
        if block is not None:
            self.result.module_files.append(block.span.file)
        return block

    def finish(self) -> None:
        from iaclint.frontends.terraform.tree import digest

        result = self.result
        result.module_dirs = sorted(set(result.module_dirs))
        result.module_files = sorted(set(result.module_files))
        result.inputs = {key: digest(key[0], key[1], self.overlay, self.tree) for key in sorted(result.inputs)}


def _module_names(module_address: str) -> list:
    """[`a[0]`, `b`] of `module.a[0].module.b`."""
    if not module_address:
        return []
    out = []
    rest = module_address
    while rest.startswith("module."):
        rest = rest[len("module."):]
        match = re.match(r'[^.\[]+(?:\[(?:"(?:[^"\\]|\\.)*"|[0-9]+)\])?', rest)
        if not match:
            break
        out.append(match.group(0))
        rest = rest[match.end():].lstrip(".")
    return out


def _parent_address(module_address: str) -> str:
    names = _module_names(module_address)
    return ".".join(f"module.{n}" for n in names[:-1])
