"""Same verdicts as Checkov: a generated corpus of Checkov policies (tests/checkov_corpus.py)
runs over the policy fixtures, the example stacks and tests/data/checkov_differential in
the real Checkov 3.3.30 (offline; the run is shared with the export test,
`checkov_oracle.shared_run`) and in iaclint, and every verdict is compared.

A disagreement is allowed only with one of the reasons docs/checkov.md lists, each
recognised here from the resource itself (`explain`); anything else fails the test. The
counts are printed (`pytest -s`) and quoted in docs/checkov.md.
"""
from __future__ import annotations

import functools
import json
import os
from collections import Counter

import checkov_oracle
import pytest
from conftest import ROOT

from iaclint.engine import grammar, jsonpaths, operators
from iaclint.engine.policy import Verdict
from iaclint.engine.registry import load_policies
from iaclint.engine.runner import evaluate
from iaclint.model.project import Project
from iaclint.model.resource import CLOUDFORMATION, TERRAFORM
from iaclint.model.unknown import Unknown
from iaclint.pipeline.discover import discover
from iaclint.pipeline.loading import Options, load_all

CHECKOV = {"PASSED": "PASS", "FAILED": "FAIL"}


@functools.lru_cache(maxsize=1)
def _run(tmp: str):
    shared = checkov_oracle.shared_run(tmp)
    documents, found = shared["documents"], shared["records"]
    ids = {d["metadata"]["id"] for d in documents}
    found = {k: v for k, v in found.items() if k[0] in ids}
    theirs = {k: CHECKOV.get(result, result) for k, (result, _) in found.items()}
    entities = {k: entity for k, (_, entity) in found.items()}
    policies = [p for p in load_policies([str(shared["corpus"])]) if p.id.startswith("CKV2_DIFF_")]
    loaded = load_all(discover([str(shared["tree"])]), Options([], {}, {}, {}), jobs=1)
    project = Project(loaded.resources)
    errors: list = []
    ours, resources = {}, {}
    for ev in evaluate(project, policies, errors):
        address = ev.resource.address
        address = address[len("data."):] if address.startswith("data.") else address  # Checkov's spelling
        key = (ev.policy.id, os.path.realpath(ev.resource.file), address)
        ours[key] = ev.result.verdict.value
        resources[key] = (ev.policy, ev.resource)
    assert not errors
    return documents, theirs, ours, resources, shared["attempts"], entities, project


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    return _run(str(tmp_path_factory.getbasetemp() / "checkov-run"))


def explain(policy, resource, ours: str | None, theirs: str | None, entity, project) -> str | None:
    """The documented reason for a disagreement on this resource, or None. The values
    both tools saw are compared first: a different input is a different verdict."""
    if ours == "UNKNOWN":
        return "unknown value"
    if theirs is None and not checkov_oracle.written(resource.file, resource.address):
        return "resource SAM's transform creates"
    if theirs is None and any(isinstance(_our_value(resource, c), Unknown) for c, _ in _paths(policy)):
        return "value iaclint settles (variable validation, every branch)"
    if resource.fmt == TERRAFORM and any(
            _our_value(resource, c) is checkov_oracle.MISSING and
            checkov_oracle.entity_value(entity, False, list(n)) == "" for c, n in _paths(policy)):
        return "empty argument the provider treats as unset"
    if isinstance(policy.tree, grammar.ResourceCondition):
        return None
    if grammar.has_connection(policy.tree):
        linked = [t for _, t in project.outgoing(resource) if t is not None] + [s for s, _ in project.incoming(resource)]
        if any(r.native_type != r.type for r in linked):
            return "connection to a resource iaclint translates (CloudFormation, awscc)"
        return None
    cloudformation = resource.fmt == CLOUDFORMATION
    for canonical, native in _paths(policy):
        mine = _our_value(resource, canonical)
        other = checkov_oracle.entity_value(entity, cloudformation, list(native))
        if _same(mine, other):
            continue
        if any(_plain(d)[:len(canonical)] == tuple(p for p in canonical if p != "*")[:len(_plain(d))]
               for d in resource.defaults):
            return "AWS default"
        if _unrendered(other):
            return "value Checkov does not resolve"
        if {type(mine), type(other)} == {str, bool} and str(mine).lower() == str(other).lower():
            return "string boolean"
        return "value Checkov evaluates differently"
    for canonical, _ in _paths(policy):
        if _repeated(resource.attributes, canonical):
            return "repeated block"
        if any(isinstance(v, str) and v.lower() in ("true", "false") for v in _values(resource, canonical)):
            return "string boolean"
    return None


def _paths(policy):
    """(canonical path, Checkov's path) of each attribute condition."""
    native = [n for n in grammar.walk(grammar.parse(policy.definition)) if isinstance(n, grammar.Attribute)]
    canonical = [n for n in grammar.walk(policy.tree) if isinstance(n, grammar.Attribute)]
    split = lambda a: tuple(a.lstrip("$").lstrip(".").replace("[*]", ".*").replace("[", ".").replace("]", "").split("."))
    return [(split(c.attribute), split(n.attribute)) for c, n in zip(canonical, native)]


def _plain(path) -> tuple:
    return tuple(p for p in path if not isinstance(p, int))


def _values(resource, path):
    view = jsonpaths.checkov_view(resource.attributes) if resource.fmt == TERRAFORM else resource.attributes
    node = [view]
    for part in path:
        nxt = []
        for n in node:
            if part == "*" and isinstance(n, list):
                nxt.extend(n)
            elif part == "*":
                nxt.append(n)
            elif isinstance(n, list) and part.isdigit() and int(part) < len(n):
                nxt.append(n[int(part)])
            elif isinstance(n, dict) and part in n:
                nxt.append(n[part])
        node = nxt
    return node


def _our_value(resource, path):
    found = _values(resource, path)
    if not found:
        return checkov_oracle.MISSING
    return found if "*" in path else found[0]


def _same(mine, other) -> bool:
    if mine is checkov_oracle.MISSING or other is checkov_oracle.MISSING:
        return mine is other
    if "*" in json.dumps(mine, default=str) and isinstance(mine, list) and not isinstance(other, list):
        other = [other]
    return _norm(mine) == _norm(other)


def _norm(value):
    if isinstance(value, Unknown):
        return ("unknown",)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_norm(v) for v in value]
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items()}
    return value


def _unrendered(value) -> bool:
    text = json.dumps(value, default=str)
    return any(marker in text for marker in ("var.", "local.", "module.", "${", '"Ref"', "Fn::", "data."))


def _repeated(value, path) -> bool:
    node = value
    for part in path:
        if isinstance(node, list) and (len(node) > 1 or part.isdigit()):
            return True
        if isinstance(node, list):
            node = node[0] if node else None
        node = node.get(part) if isinstance(node, dict) else None
    return False


def test_checkov_runs_offline(compared):
    assert compared[4] == [], f"Checkov tried the network: {compared[4]}"


def test_same_verdicts_as_checkov_or_a_documented_reason(compared):
    documents, theirs, ours, resources, _, entities, project = compared
    counts: Counter = Counter()
    unexplained, samples = [], {}
    for key in sorted(set(theirs) | set(ours)):
        mine, other = ours.get(key), theirs.get(key)
        policy, resource = resources.get(key, (None, None))
        if resource is not None and policy is not None and not _comparable(policy, resource):
            counts[f"iaclint only: {_vocabulary(policy)}-named policy on a {_format(resource)} resource"] += 1
            continue
        if mine == other:
            counts["same verdict"] += 1
            continue
        if mine == "UNKNOWN" and other is None:
            counts["both undecided (iaclint UNKNOWN, Checkov none)"] += 1
            continue
        if resource is None and key[0] in _resource_conditions(documents):
            reason = "block that is not a resource"
        elif resource is None:
            reason = "resource whose Condition is false" if _conditional(key[1], key[2]) else None
        else:
            reason = explain(policy, resource, mine, other, entities.get(key), project)
        if reason is None:
            unexplained.append((key, mine, other))
        else:
            counts[f"differs: {reason}"] += 1
            samples.setdefault(reason, []).append((key, mine, other))
    print(f"\ncorpus: {len(documents)} policies; verdicts compared: {sum(counts.values())}")
    for name, n in sorted(counts.items()):
        print(f"  {name}: {n}")
    for reason, found in sorted(samples.items()):
        for key, mine, other in found[:3]:
            print(f"    e.g. {reason}: {key[0]} {key[1].split('/tree/')[-1]} {key[2]}: iaclint {mine}, Checkov {other}")
    assert not unexplained, "\n".join(f"{k[0]} {k[1].split('/tree/')[-1]} {k[2]}: iaclint {m}, Checkov {o}"
                                      for k, m, o in unexplained[:60]) + f"\n({len(unexplained)} unexplained)"


def _resource_conditions(documents) -> set:
    return {d["metadata"]["id"] for d in documents if d["definition"].get("cond_type") == "resource"}


def _vocabulary(policy) -> str:
    named = json.dumps(policy.definition)
    return "CloudFormation" if '"AWS::' in named else "Terraform"


def _conditional(file: str, logical_id: str) -> bool:
    """Does the template give the resource a `Condition` (iaclint decides it false and
    leaves the resource out; Checkov checks it anyway)?"""
    import re

    lines = open(file, encoding="utf-8").read().split("\n")
    for i, line in enumerate(lines):
        match = re.match(rf"^(\s+){re.escape(logical_id)}:\s*(#.*)?$", line)
        if match:
            indent = len(match.group(1))
            for following in lines[i + 1:]:
                if following.strip() and len(following) - len(following.lstrip()) <= indent:
                    return False
                if re.match(r"^\s+Condition:\s*\S", following):
                    return True
    return False


def _named_types(policy) -> set:
    """Every resource type the policy names, as written."""
    tree = grammar.parse(policy.definition)
    out: set = set()
    for node in grammar.walk(tree):
        out.update(getattr(node, "types", ()) + getattr(node, "connected", ()))
        if isinstance(node, grammar.Filter):
            out.update(v for v in node.values if isinstance(v, str))
    return out


def _comparable(policy, resource) -> bool:
    """Does Checkov run the policy on this resource's native type? (iaclint also runs a
    policy on the resources translated into the types it names: CloudFormation, awscc.)"""
    if "all" in policy.resource_types:
        return resource.native_type == resource.type
    return resource.native_type in _named_types(policy)


def _format(resource) -> str:
    if resource.native_type.startswith("AWS::"):
        return "CloudFormation"
    return "Terraform awscc" if resource.native_type.startswith("awscc_") else "Terraform aws"


def test_the_grammar_knows_exactly_the_installed_checkovs_operators():
    """The operators, blocks and condition types of the pinned Checkov, read from its
    parser's registries: a new operator in a new pin fails here, not silently."""
    import subprocess

    script = ("import json; from checkov.common.checks_infra import checks_parser as c; print(json.dumps({"
              "'attribute': sorted(c.operators_to_attributes_solver_classes), "
              "'complex': sorted(c.operators_to_complex_solver_classes), "
              "'connection': sorted(c.operator_to_connection_solver_classes), "
              "'filter': sorted(c.operator_to_filter_solver_classes), "
              "'resource': sorted(c.operator_to_resource_solver_classes), "
              "'cond_type': sorted(c.condition_type_to_solver_type), 'jsonpath': c.JSONPATH_PREFIX}))")
    done = subprocess.run([checkov_oracle.require(), "-c", script], capture_output=True, text=True, check=True)
    theirs = json.loads(done.stdout)
    assert theirs["attribute"] == sorted(operators.OPERATORS) and len(theirs["attribute"]) == 45
    assert theirs["jsonpath"] == operators.JSONPATH_PREFIX
    assert theirs["complex"] == sorted(grammar.COMPLEX)
    assert theirs["connection"] == sorted(grammar.CONNECTION_OPERATORS)
    assert theirs["filter"] == ["within"]
    assert theirs["resource"] == sorted(grammar.RESOURCE_OPERATORS)
    # "" is Checkov's condition without `cond_type` (always true), refused by iaclint at load
    assert theirs["cond_type"] == sorted(["", *grammar.CONDITION_TYPES])
