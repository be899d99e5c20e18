"""Load one CloudFormation template file into `RawResource`s (the public entry point).

Bytes in, resources and parse errors out, never an exception: undecodable text, NUL
bytes and syntax errors become `ParseError`s with the line they occur on; files that are
not templates (workflows, Kubernetes manifests, package.json) give None and are skipped.
"""
from __future__ import annotations


from iaclint.frontends.cloudformation.cdk import CDK_PATH, construct_paths
from iaclint.frontends.cloudformation.sam import is_sam
from iaclint.frontends.cloudformation.sniff import (
    bytes_look_like_template,
    is_template,
    looks_like_template,
    probably_template,
)
from iaclint.frontends.cloudformation.source import (
    _SNIFF_BYTES,
    MAX_FILE_BYTES,
    decode,
    duplicate_keys,
)
from iaclint.frontends.cloudformation.switches import root_parameters
from iaclint.model.notes import Place
from iaclint.model.records import dataclass, field
from iaclint.model.resource import (
    CLOUDFORMATION,
    ParseError,
    RawResource,
    Span,
    Uncreated,
)

SAM_GENERATED = "iaclint:sam-generated-from"  # Metadata key of resources the SAM transform adds


@dataclass
class TemplateResult:
    resources: list = field(default_factory=list)  # list[RawResource]
    errors: list = field(default_factory=list)  # list[ParseError]
    nested: dict = field(default_factory=dict)  # local nested stack templates read: file -> digest
    notes: list = field(default_factory=list)  # [(file:line, what was not scanned)], model.resource.Uncreated
    declared: frozenset = frozenset()  # the names in `Parameters` (environment files must name only these)
    effort: int = field(default=0, compare=False)  # bytes parsed, evaluation work (pipeline.scan_budget)


def load_template(file: str, data: bytes, parameters: dict | None = None, tree=None) -> TemplateResult | None:
    """Parse and evaluate `data` (the content of `file`); None when it is not a template.
    `tree` (`iaclint.gate.reads.Tree`) is where files beside it (CDK's `manifest.json`)
    may be read from."""
    if len(data) > MAX_FILE_BYTES:
        if not bytes_look_like_template(data[:_SNIFF_BYTES]):
            return None  # a big data file (a dataset, a lock file): not ours to judge
        return TemplateResult([], [ParseError(file, 1, 1, f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB "
                                                          "(CloudFormation accepts at most 1 MB): not scanned")])
    try:
        return _load(file, data, parameters, tree)
    except Exception as exc:  # a bug must not take the scan down: report it on the file
        return TemplateResult([], [ParseError(file, 1, 1, f"internal error reading template: "
                                                          f"{type(exc).__name__}: {exc}")])


def _load(file: str, data: bytes, parameters: dict | None, tree=None) -> TemplateResult | None:
    text = decode(file, data)
    if text is None or isinstance(text, ParseError):
        return None if text is None else TemplateResult([], [text])
    if not looks_like_template(text):
        return None
    from iaclint.frontends.cloudformation.parser import ParseFailure, parse

    is_json = text.lstrip()[:1] == "{"
    try:
        doc = parse(text, is_json)
    except ParseFailure as exc:
        if not probably_template(text):
            return None
        return TemplateResult([], [ParseError(file, exc.line, exc.column, exc.message)])
    template = doc.value
    if not is_template(template):
        return None
    result = _resources(file, template, doc, parameters, tree)
    declared = template.get("Parameters")
    result.declared = frozenset(declared) if isinstance(declared, dict) else frozenset()
    result.errors.extend(duplicate_keys(file, doc.duplicates))
    result.effort += len(data)
    return result


def _span(file: str, t: tuple | None, fallback: Span) -> Span:
    return Span(file, *t) if t is not None else fallback


def _resources(file: str, template: dict, doc, parameters: dict | None, tree=None) -> TemplateResult:
    from iaclint.frontends.cloudformation.evaluator import Evaluator
    from iaclint.frontends.cloudformation.nested import NestedStacks, Nesting

    result = TemplateResult()
    evaluator = Evaluator(template, doc.spans, file, parameters)
    nesting = Nesting(file)
    evaluator.nested = NestedStacks(file, template, evaluator, tree, nesting)
    _stack(result, file, template, doc, evaluator, file, tree)
    result.nested = nesting.loaded
    result.notes.extend(nesting.notes)
    result.errors.extend(nesting.errors)
    result.effort = evaluator.budget.spent + sum(len(p[2]) for p in nesting.parsed.values() if p is not None)
    return result


def _stack(result: TemplateResult, file: str, template: dict, doc, evaluator, unit: str, tree) -> None:
    """The resources of one template into `result` (`unit`: the root template's file),
    then those of its local nested stacks, addressed `Stack.Resource`."""
    top = Span(file, 1, 1, 1, 1)
    resources = template.get("Resources")
    if resources is None:
        return
    if not isinstance(resources, dict):
        span = _span(file, doc.spans.get(("Resources",)), top)
        result.errors.append(ParseError(file, span.line, span.column, "Resources must be a mapping"))
        return
    prefix = evaluator.prefix
    sam = None
    if is_sam(template):
        from iaclint.frontends.cloudformation.sam import SamTransform

        sam = SamTransform(template, doc.spans)
        evaluator.resources = {**evaluator.resources, **sam.implicit_resources()}
    constructs = construct_paths(file, tree) if file.endswith(".template.json") else {}
    for logical_id, body in resources.items():
        path = ("Resources", logical_id)
        entry = _span(file, doc.spans.get(path), top)
        header = _span(file, doc.keys.get(path), entry)
        if logical_id.startswith("Fn::ForEach"):  # language-extension loops are not expanded: said, not silent
            result.notes.append((Place(file, header.line), f"{logical_id}: Fn::ForEach loops are not expanded: "
                                                          "the resources it makes are not scanned"))
            continue
        if not isinstance(body, dict):
            result.errors.append(ParseError(file, header.line, header.column,
                                            f"resource {logical_id} is not a mapping"))
            continue
        rtype = body.get("Type")
        if not isinstance(rtype, str) or not rtype:
            result.errors.append(ParseError(file, header.line, header.column,
                                            f"resource {logical_id} has no Type"))
            continue
        try:
            eval_path = path
            if sam is not None:
                body, eval_path = sam.resource_body(logical_id, body, path)
            evaluated = evaluator.resource(logical_id, body, eval_path)
        except Exception as exc:  # RecursionError or a bug: lose this resource, not the file
            result.errors.append(ParseError(file, header.line, header.column,
                                            f"cannot evaluate resource {logical_id}: {type(exc).__name__}"))
            continue
        if evaluated is None:  # its Condition is false: not created; said when a parameter decides it
            condition = body.get("Condition")
            switches = root_parameters(evaluator, condition)
            if switches:
                result.notes.append(Uncreated(prefix[:-1], file, header.line, prefix + logical_id, rtype,
                                              f"Condition {condition} is false", switches))
            continue
        attributes, spans, references = evaluated
        metadata = body.get("Metadata")
        metadata = metadata if isinstance(metadata, dict) else {}
        if logical_id in constructs and not isinstance(metadata.get(CDK_PATH), str):
            metadata = {**metadata, CDK_PATH: constructs[logical_id]}
        result.resources.append(RawResource(
            native_type=rtype, address=prefix + logical_id, file=file, span=entry, header=header,
            attributes=attributes, spans={p: Span(file, *t) for p, t in spans.items()},
            fmt=CLOUDFORMATION, references=references, unit=unit,
            origins=dict(getattr(evaluator, "last_origins", None) or {}),
            metadata=metadata,
            metadata_spans=_metadata_spans(file, metadata, doc.spans, path + ("Metadata",)),
        ))
        if sam is not None:
            _implicit_role(result, sam, evaluator, file, logical_id, body, eval_path, entry, header, unit)
    stacks = evaluator.nested
    for logical_id in stacks.logical_ids():
        try:
            child = stacks.child(logical_id) if evaluator.condition_holds(resources[logical_id]) else None
            if child is not None:
                _stack(result, child.file, child.template, child.doc, child.evaluator, unit, tree)
        except Exception as exc:  # RecursionError or a bug: lose this nested stack, not the template
            header = _span(file, doc.keys.get(("Resources", logical_id)), top)
            result.errors.append(ParseError(file, header.line, header.column,
                                            f"cannot evaluate nested stack {logical_id}: {type(exc).__name__}"))


def _implicit_role(result: TemplateResult, sam, evaluator, file: str, logical_id: str, body: dict,
                   path: tuple, entry: Span, header: Span, unit: str) -> None:
    """The role SAM creates for a function: reported at the function, its policies at the
    `Policies` entries they come from."""
    try:
        made = sam.implicit_role(logical_id, body, path)
        if made is None:
            return
        role_id, role_body, role_path, unknown = made
        evaluated = evaluator.resource(role_id, role_body, role_path)
    except Exception as exc:  # a bug must not lose the function or the file
        result.errors.append(ParseError(file, header.line, header.column,
                                        f"cannot expand the role of {logical_id}: {type(exc).__name__}"))
        return
    if evaluated is None:
        return
    attributes, spans, references = evaluated
    for index, value in unknown.items():  # SAM policy templates iaclint does not know
        policies = attributes.get("Policies")
        if isinstance(policies, list) and index < len(policies) and isinstance(policies[index], dict):
            policies[index]["PolicyDocument"] = value.replace(span=Span(file, *spans[("Policies", index)])
                                                              if ("Policies", index) in spans else None)
    result.resources.append(RawResource(
        native_type="AWS::IAM::Role", address=evaluator.prefix + role_id, file=file, span=entry, header=header,
        attributes=attributes, spans={p: Span(file, *t) for p, t in spans.items()},
        fmt=CLOUDFORMATION, references=references, unit=unit,
        metadata={SAM_GENERATED: logical_id},
    ))


def _metadata_spans(file: str, metadata, spans: dict, prefix: tuple) -> dict:
    """Spans of the suppressions in a resource's `Metadata` (`iaclint`, `checkov`), so that
    one is reported at its own line. Only those keys: CDK puts Metadata on every resource."""
    if not isinstance(metadata, dict) or not ({"iaclint", "checkov"} & set(metadata)):
        return {}
    n = len(prefix)
    return {p[n:]: Span(file, *t) for p, t in spans.items()
            if len(p) > n and p[:n] == prefix and p[n] in ("iaclint", "checkov")}
