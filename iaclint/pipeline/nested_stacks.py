"""Nested CloudFormation stacks: a template that an `AWS::CloudFormation::Stack` of another
template of the scan names by a local `TemplateURL` (`./child.yaml`, relative to the
parent) is evaluated with the parameters its parent passes, once per parent stack,
instead of on its own (where its parameters would be unknown or take defaults the parent
overrides). Its resources are marked with the stack they were evaluated in (`stack Child
(parent.yaml)`), which findings carry as an environment (`pipeline.environments.settle`
reports a finding once with every stack it holds in).

A parameter the parent passes is used when its value is known (a string, a number, a
list of them), also when it is another local stack's output (`!GetAtt Other.Outputs.Mode`,
that template's `Outputs` evaluated with the parameters its stack passes); an unknown one
(an output that is a resource's ARN, a parent parameter without a value) leaves the
child's parameter as it is without a parent. A remote `TemplateURL`
(`https://`, `s3://`) is not followed. A child with environments of its own keeps them.
"""
from __future__ import annotations

import os
from dataclasses import replace

from iaclint.frontends.cloudformation.parameter_files import parameter_text

STACK = "aws_cloudformation_stack"
MAX_DEPTH = 8  # outputs of stacks fed by outputs of stacks ...


def evaluate_children(units: list, results: list, verdicts: list, options, load_unit) -> None:
    """Replace, in place, the result of every child template called by a parent of the
    scan with its evaluations through its parents (`load_unit`: `pipeline.loading`'s);
    their verdicts are then taken on the whole project (`verdicts[i] = None`)."""
    for child, calls in _calls(units, results, options).items():
        if options.environments.get(units[child][1]):
            continue
        resources: list = []
        errors = None
        for label, parameters in calls:
            loaded = load_unit(units[child], replace(options, parameters=_parameters(label, parameters, options)))
            for resource in loaded[0]:
                resource.environment = label
            resources.extend(loaded[0])
            errors = loaded[1] if errors is None else errors
        results[child] = (resources, errors or [], False, False)
        verdicts[child] = None


def _calls(units: list, results: list, options) -> dict:
    """{child unit index: [(label, {parameter: value})]} in parent order."""
    index = {where: i for i, (kind, where, _) in enumerate(units) if kind == "cfn"}
    out: dict = {}
    for i, ((kind, where, _), result) in enumerate(zip(units, results)):
        if kind != "cfn" or not result:
            continue
        stacks = {r.address: r for r in result[0] if r.type == STACK and _local(where, r)}
        for resource in stacks.values():
            child = index.get(_local(where, resource))
            if child is None or child == i:
                continue
            values = _passed(where, resource, stacks, options, depth=0)
            out.setdefault(child, []).append((f"stack {resource.address} ({os.path.basename(where)})", values))
    return out


def _local(parent: str, stack) -> str | None:
    """The template file a stack's local `TemplateURL` names, None for a remote or unknown one."""
    url = stack.attributes.get("template_url")
    if not isinstance(url, str) or ":" in url:  # unknown, or remote (https://, s3://)
        return None
    return os.path.normpath(os.path.join(os.path.dirname(parent), url))


def _passed(parent: str, stack, stacks: dict, options, depth: int) -> dict:
    """The known values a stack passes as parameters; `!GetAtt Sibling.Outputs.Name` of a
    sibling stack with a local template is that template's output (`MAX_DEPTH` deep)."""
    from iaclint.model.unknown import Unknown

    passed = stack.attributes.get("parameters")
    values = {}
    for key, value in (passed.items() if isinstance(passed, dict) else ()):
        if isinstance(value, Unknown) and depth < MAX_DEPTH:
            value = _output(parent, value, stacks, options, depth)
        text = parameter_text(value)
        if text is not None:
            values[stack.native_name(("parameters", key)).rsplit(".", 1)[-1]] = text
    return values


def _output(parent: str, value, stacks: dict, options, depth: int):
    symbol = value.symbol
    if not (isinstance(symbol, tuple) and len(symbol) == 4 and symbol[:2] == ("cfn", parent)
            and isinstance(symbol[3], str) and symbol[3].startswith("Outputs.") and symbol[2] in stacks):
        return value
    from iaclint.frontends.cloudformation.template import MAX_FILE_BYTES, output_values
    from iaclint.gate import reads

    sibling = stacks[symbol[2]]
    path = _local(parent, sibling)
    try:
        data = options.overlay.get(path) or reads.read_bytes(path, tree=options.tree, limit=MAX_FILE_BYTES)
    except OSError:
        return value
    parameters = {**options.parameters, **_passed(parent, sibling, stacks, options, depth + 1)}
    return output_values(path, data, parameters).get(symbol[3][len("Outputs."):], value)


def _parameters(label: str, values: dict, options) -> dict:
    from iaclint.frontends.cloudformation.evaluator import Parameters

    parameters = Parameters({**options.parameters, **values})
    parameters.sources = {k: f"passed by {label}" for k in values}
    return parameters
