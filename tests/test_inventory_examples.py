"""The example stacks' AI inventories, exactly: every asset kind counted, every edge
(source, kind, label, target, known or not) and every attack path (policy, line,
resource, verdict), against `fixtures/examples/<stack>/inventory.<format>.json`.

The expected files are written by hand-checked runs: after a deliberate change to the
graph, `python tests/test_inventory_examples.py --write` rewrites them, and the diff is
reviewed like code. Both formats of a twin stack describe the same resources, so their
AI assets (by kind) and attack paths (by policy and resource) must agree too, except
where a link crosses CloudFormation stacks (`Fn::ImportValue`, which the graph does not
follow: the expected files show those links missing on the CloudFormation side).
"""
from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from conftest import FIXTURES, ROOT, builtin_policies, rel  # noqa: E402

EXAMPLES = FIXTURES / "examples"
DIRECTORIES = sorted((stack.name, fmt.name) for stack in EXAMPLES.iterdir() if stack.is_dir()
                     for fmt in stack.iterdir() if fmt.is_dir())


def summary(stack: str, fmt: str) -> dict:
    """The inventory of one example directory, as the expected files hold it."""
    from iaclint.api import inventory
    from iaclint.formatters.inventory_data import asset_id

    directory = EXAMPLES / stack / fmt
    result = inventory([rel(directory)], policies=list(builtin_policies()))
    assert not result.errors, result.errors
    graph = result.inventory
    prefix = rel(EXAMPLES / stack) + "/"

    def short(asset_key: str) -> str:
        asset = graph.get(asset_key)
        text = asset_id(asset) if asset is not None else asset_key
        return text[len(prefix):] if text.startswith(prefix) else text

    edges = sorted(f"{short(e.source)} -{e.kind}{'' if e.known else '?'}-> {short(e.target)}"
                   + (f" [{e.label}]" if e.label else "") for e in graph.edges)
    paths = sorted(f"{f.policy_id} {f.verdict} {os.path.relpath(f.file, rel(EXAMPLES / stack))}:{f.line} {f.resource}"
                   for f in result.findings + [u for u in result.unknowns if u not in result.findings])
    return {
        "assets": len(graph),
        "by_kind": dict(sorted(Counter(a.kind for a in graph).items())),
        "edges": edges,
        "paths": paths,
    }


def expected_path(stack: str, fmt: str) -> Path:
    return EXAMPLES / stack / f"inventory.{fmt}.json"


@pytest.mark.parametrize("stack,fmt", DIRECTORIES, ids=[f"{s}-{f}" for s, f in DIRECTORIES])
def test_example_inventory_is_exactly_the_expected_one(stack, fmt, monkeypatch):
    monkeypatch.chdir(ROOT)
    expected = json.loads(expected_path(stack, fmt).read_text(encoding="utf-8"))
    got = summary(stack, fmt)
    assert got["by_kind"] == expected["by_kind"]
    assert got["assets"] == expected["assets"]
    assert got["edges"] == expected["edges"]
    assert got["paths"] == expected["paths"]


TWINS = ("rag-assistant", "mlops-pipeline", "bedrock-insecure", "sagemaker-insecure")


@pytest.mark.parametrize("stack", TWINS)
def test_twin_stacks_have_the_same_attack_paths(stack, monkeypatch):
    """Terraform and CloudFormation versions of a stack: the same attack paths, by policy
    and (CloudFormation-style) resource name."""
    from test_examples import pascal

    monkeypatch.chdir(ROOT)
    per_format = {}
    for fmt in ("terraform", "cloudformation"):
        paths = summary(stack, fmt)["paths"]
        per_format[fmt] = sorted((p.split()[0], p.split()[1], pascal(p.split()[3]) if fmt == "terraform" else p.split()[3])
                                 for p in paths)
    assert per_format["terraform"] == per_format["cloudformation"]


if __name__ == "__main__":  # rewrite the expected files (review the diff!)
    if "--write" not in sys.argv:
        sys.exit("usage: python tests/test_inventory_examples.py --write")
    os.chdir(ROOT)
    for stack, fmt in DIRECTORIES:
        expected_path(stack, fmt).write_text(json.dumps(summary(stack, fmt), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {rel(expected_path(stack, fmt))}")
