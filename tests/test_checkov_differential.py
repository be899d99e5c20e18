"""Same verdicts as Checkov: a generated corpus of Checkov policies (tests/checkov_corpus.py)
runs over the policy fixtures, the example stacks and tests/data/checkov_differential in
the real Checkov 3.3.30 (offline) and in iaclint, and every verdict is compared.

A disagreement is allowed only with one of the reasons docs/checkov.md lists, each
recognised here from the resource itself (`explain`); anything else fails the test. The
counts are printed (`pytest -s`) and quoted in docs/checkov.md.
"""
from __future__ import annotations

import functools
import json
import os
from collections import Counter

import checkov_corpus
import checkov_oracle
import pytest
from conftest import ROOT

from iaclint.engine import grammar
from iaclint.engine.policy import Verdict
from iaclint.engine.registry import load_policies
from iaclint.engine.runner import evaluate
from iaclint.model.project import Project
from iaclint.model.resource import CLOUDFORMATION, TERRAFORM
from iaclint.model.unknown import Unknown, contains_unknown
from iaclint.pipeline.discover import discover
from iaclint.pipeline.loading import Options, load_all

ROOTS = ["fixtures/policies", "fixtures/examples", "tests/data/checkov_differential"]
CHECKOV = {"PASSED": "PASS", "FAILED": "FAIL"}


@functools.lru_cache(maxsize=1)
def _run(tmp: str):
    from pathlib import Path

    import shutil

    work = Path(tmp)
    tree = work / "tree"  # one root for both tools (Checkov writes one report per -d)
    for root in ROOTS:
        shutil.copytree(ROOT / root, tree / root)
    corpus = work / "corpus"
    corpus.mkdir()
    documents = checkov_corpus.policies()
    for document in documents:
        (corpus / f"{document['metadata']['id']}.json").write_text(json.dumps(document, indent=1))
    ids = [d["metadata"]["id"] for d in documents]
    reports, attempts = checkov_oracle.run(checkov_oracle.require(), [str(tree)], work, external=[str(corpus)],
                                           checks=ids)
    theirs = {k: CHECKOV.get(v, v) for k, v in checkov_oracle.verdicts(reports).items()}
    policies = [p for p in load_policies([str(corpus)]) if p.id.startswith("CKV2_DIFF_")]
    loaded = load_all(discover([str(tree)]), Options([], {}, {}, {}), jobs=1)
    project = Project(loaded.resources)
    errors: list = []
    ours, resources = {}, {}
    for ev in evaluate(project, policies, errors):
        key = (ev.policy.id, os.path.realpath(ev.resource.file), ev.resource.address)
        ours[key] = ev.result.verdict.value
        resources[key] = (ev.policy, ev.resource)
    assert not errors
    return documents, theirs, ours, resources, attempts


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    return _run(str(tmp_path_factory.mktemp("checkov-differential")))


def explain(policy, resource, ours: str | None, theirs: str | None) -> str | None:
    """The documented reason for a disagreement on this resource, or None."""
    nodes = [n for n in grammar.walk(policy.tree) if isinstance(n, grammar.Attribute)]
    paths = [tuple(n.attribute.lstrip("$.").replace("[*]", "").split(".")) for n in nodes]
    if ours == "UNKNOWN" or any(_unknown_at(resource, p) for p in paths) or _connected(policy) and _refs(resource):
        return "unknown value"
    if any(tuple(p[:len(d)]) == tuple(d[:len(p)]) for d in map(_plain, resource.defaults) for p in paths):
        return "AWS default"
    if any(_repeated(resource.attributes, p) for p in paths):
        return "repeated block"
    if any(_string_bool(resource.attributes, p) for p in paths):
        return "string boolean"
    return None


def _plain(path) -> tuple:
    return tuple(p for p in path if not isinstance(p, int))


def _walk(value, path):
    if not path:
        yield value
        return
    if isinstance(value, list):
        for item in value:
            yield from _walk(item, path)
    elif isinstance(value, dict) and path[0] in value:
        yield from _walk(value[path[0]], path[1:])
    elif isinstance(value, dict) and path[0] == "*":
        yield from _walk(value, path[1:])


def _unknown_at(resource, path) -> bool:
    parts = [p for p in path if p != "*" and not p.isdigit()]
    for cut in range(1, len(parts) + 1):
        if any(isinstance(v, Unknown) or (cut == len(parts) and contains_unknown(v))
               for v in _walk(resource.attributes, parts[:cut])):
            return True
    return False


def _repeated(value, path) -> bool:
    node = value
    for part in path:
        if isinstance(node, list) and len(node) > 1:
            return True
        if isinstance(node, list):
            node = node[0] if node else None
        if part.isdigit() and isinstance(node, list):
            return True
        node = node.get(part) if isinstance(node, dict) else None
    return False


def _string_bool(value, path) -> bool:
    return any(isinstance(v, str) and v.lower() in ("true", "false") for v in _walk(value, [p for p in path if p != "*"]))


def _connected(policy) -> bool:
    return grammar.has_connection(policy.tree)


def _refs(resource) -> bool:
    return bool(resource.references)


def test_checkov_runs_offline(compared):
    assert compared[4] == [], f"Checkov tried the network: {compared[4]}"


def test_same_verdicts_as_checkov_or_a_documented_reason(compared):
    documents, theirs, ours, resources, _ = compared
    counts: Counter = Counter()
    unexplained = []
    for key in sorted(set(theirs) | set(ours)):
        mine, other = ours.get(key), theirs.get(key)
        policy, resource = resources.get(key, (None, None))
        if resource is not None and resource.fmt == CLOUDFORMATION and policy is not None and \
                not any(t.startswith("AWS::") for t in json.dumps(policy.definition).split('"')):
            counts["CloudFormation, Terraform-named policy (iaclint only)"] += 1
            continue
        if mine == other or (mine == "UNKNOWN" and other is None):
            counts["same verdict"] += 1
            continue
        reason = explain(policy, resource, mine, other) if resource is not None else None
        if reason is None:
            unexplained.append((key, mine, other))
        else:
            counts[f"differs: {reason}"] += 1
    print(f"\ncorpus: {len(documents)} policies; verdicts compared: {sum(counts.values())}")
    for name, n in sorted(counts.items()):
        print(f"  {name}: {n}")
    assert not unexplained, "\n".join(f"{k[0]} {k[1].split('/tree/')[-1]} {k[2]}: iaclint {m}, Checkov {o}"
                                      for k, m, o in unexplained[:60]) + f"\n({len(unexplained)} unexplained)"
