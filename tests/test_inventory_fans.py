"""A `Fan` (many edges that differ only in their target, held as one record) gives the
same graph as its edges linked one by one: the same edges in the same order, the same
answers from `out` and `into`, the same twins dropped or replaced, the same cut by
`keep_only` and `prune`, and the same work charged."""
from __future__ import annotations

import pickle
import random
import tempfile
from pathlib import Path

import pytest

from iaclint.inventory.builder import prune
from iaclint.inventory.model import Asset, AssetGraph, Edge, Fan
from iaclint.model.work import Meter, metered

IDS = [f"a{i}" for i in range(12)]


def _ops(seed: int) -> list:
    """Random edges and fans over a few assets, labels and verdicts, so that twins of
    every sort (edge then fan, fan then edge, fan then fan, known after unknown) occur."""
    rnd = random.Random(seed)
    ops = []
    for _ in range(rnd.randint(1, 25)):
        source = rnd.choice(IDS[:4])
        kind = rnd.choice(("invokes", "reads"))
        label = rnd.choice(("", "x"))
        known = rnd.random() < 0.6
        reason = "" if known else rnd.choice(("r1", "r2"))
        cost = rnd.choice((1, 3))
        if rnd.random() < 0.5:
            ops.append(Edge(source, rnd.choice(IDS), kind, label, (), known, reason, cost))
        else:
            targets = tuple(rnd.choice(IDS) for _ in range(rnd.randint(1, 8)))
            ops.append(Fan(source, targets, kind, label, (), known, reason, cost))
    return ops


def _one_by_one(ops: list) -> AssetGraph:
    graph = AssetGraph([Asset(i, "role" if i < "a4" else "agent", i) for i in IDS])
    for op in ops:
        for edge in ([op] if type(op) is Edge else [op.edge(t) for t in op.targets]):
            graph.link(edge)
    return graph


def _fanned(ops: list) -> AssetGraph:
    graph = AssetGraph([Asset(i, "role" if i < "a4" else "agent", i) for i in IDS])
    for op in ops:
        graph.link(op) if type(op) is Edge else graph.fan(op)
    return graph


def _seen(graph: AssetGraph) -> dict:
    def said(edges):
        return [(e.key(), e.known, e.reason, e.cost) for e in edges]

    return {"edges": said(graph.edges), "out": {i: said(graph.out(i)) for i in IDS},
            "out-reads": {i: said(graph.out(i, "reads")) for i in IDS},
            "into": {i: said(graph.into(i)) for i in IDS}, "assets": list(graph.assets)}


def _spent(build, ops) -> int:
    with metered(Meter(10 ** 9, "test")) as meter:
        build(ops)
    return meter.left


@pytest.mark.parametrize("seed", range(300))
def test_a_fan_is_its_edges_one_by_one(seed):
    ops = _ops(seed)
    plain, fanned = _one_by_one(ops), _fanned(ops)
    assert _seen(fanned) == _seen(plain)
    assert _spent(_fanned, ops) == _spent(_one_by_one, ops)
    keep = set(random.Random(seed).sample(IDS, 8))
    plain.keep_only(keep)
    fanned.keep_only(keep)
    assert _seen(fanned) == _seen(plain)
    again = pickle.loads(pickle.dumps(fanned))
    assert _seen(again) == _seen(plain)


@pytest.mark.parametrize("seed", range(100))
def test_prune_cuts_a_fanned_graph_as_its_edges(seed):
    ops = _ops(seed)
    plain, fanned = _one_by_one(ops), _fanned(ops)
    for graph in (plain, fanned):  # some assets are AI, some not; an isolated pseudo one is dropped
        rnd = random.Random(seed)
        for i in IDS:
            graph.assets[i].kind = rnd.choice(("role", "agent", "data-store", "user"))
        graph.add(Asset("pseudo", "foundation-model", "every model"))
    expected = _pruned_by_search(plain)
    assert _seen(prune(fanned)) == _seen(prune(plain)) == _seen(expected)


def _pruned_by_search(graph: AssetGraph) -> AssetGraph:
    """What `prune` keeps, found by a search from each AI asset over every edge in either
    direction (how it was written before fans)."""
    from iaclint.inventory.builder import is_ai

    graph = pickle.loads(pickle.dumps(graph))
    neighbours: dict = {}
    for e in graph.edges:
        neighbours.setdefault(e.source, set()).add(e.target)
        neighbours.setdefault(e.target, set()).add(e.source)
    keep: set = set()
    for asset in graph:
        if asset.id in keep or not is_ai(asset) or (asset.pseudo and asset.id not in neighbours):
            continue
        stack = [asset.id]
        keep.add(asset.id)
        while stack:
            for other in neighbours.get(stack.pop(), ()):
                if other not in keep:
                    keep.add(other)
                    stack.append(other)
    graph.keep_only(keep)
    return graph


def test_edges_made_from_a_fan_are_the_same_objects_every_time():
    graph = AssetGraph()
    graph.fan(Fan("r", ("a", "b", "c"), "invokes", "s3:GetObject on `*`", cost=1))
    assert len(graph.links()) == 1
    first = graph.out("r")
    assert [e.target for e in first] == ["a", "b", "c"]
    assert all(x is y for x, y in zip(first, graph.edges))
    assert graph.into("b")[0] is first[1]


def test_a_wildcard_grant_is_held_as_one_record():
    from iaclint import api

    src = '''
resource "aws_iam_role" "r" {
  name = "r"
  assume_role_policy = jsonencode({Statement = [{Effect = "Allow", Principal = {Service = "lambda.amazonaws.com"}, Action = "sts:AssumeRole"}]})
  inline_policy {
    name = "p"
    policy = jsonencode({Statement = [{Effect = "Allow", Action = "sagemaker:InvokeEndpoint", Resource = "*"}]})
  }
}
'''
    src += "".join(f'''
resource "aws_sagemaker_endpoint" "e{i}" {{
  name = "e{i}"
  endpoint_config_name = "c"
}}
''' for i in range(5))
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "main.tf").write_text(src)
        graph = api.inventory([tmp]).inventory
    grants = [item for item in graph.links() if item.source.endswith("aws_iam_role.r")]
    assert [type(item) for item in grants] == [Fan]
    assert [e.target.rsplit(".", 1)[1] for e in graph.out(grants[0].source)] == [f"e{i}" for i in range(5)]


MIXED = '''
resource "aws_iam_role" "r" {
  name = "r"
  assume_role_policy = jsonencode({Statement = [{Effect = "Allow", Principal = {Service = "lambda.amazonaws.com"}, Action = "sts:AssumeRole"}]})
  inline_policy {
    name = "p"
    policy = jsonencode({Statement = [
      {Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::b3/*"},
      {Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject"], Resource = "*"},
      {Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::b1/*", Condition = {Bool = {"aws:SecureTransport" = var.x}}},
      {Effect = "Allow", Action = "s3:*", Resource = ["*", "arn:aws:s3:::b4/*"]},
      {Effect = "Allow", Action = "s3:PutObject", Resource = "arn:aws:s3:::${var.name}/*"},
      {Effect = "Allow", Action = "sagemaker:InvokeEndpoint", Resource = "arn:aws:sagemaker:*:*:endpoint/e2"},
      {Effect = "Allow", Action = "sagemaker:InvokeEndpoint", Resource = var.endpoints},
      {Effect = "Allow", Action = "sagemaker:InvokeEndpoint", Resource = "*"},
      {Effect = "Allow", Action = "bedrock:InvokeModel", Resource = "*"},
    ]})
  }
}

resource "aws_iam_role" "narrow" {
  name = "narrow"
  assume_role_policy = jsonencode({Statement = [{Effect = "Allow", Principal = {Service = "lambda.amazonaws.com"}, Action = "sts:AssumeRole"}]})
  permissions_boundary = aws_iam_policy.boundary.arn
  inline_policy {
    name = "p"
    policy = jsonencode({Statement = [
      {Effect = "Allow", Action = "s3:*", Resource = "*"},
      {Effect = "Deny", Action = "s3:PutObject", Resource = "arn:aws:s3:::b2/*"},
    ]})
  }
}

resource "aws_iam_policy" "boundary" {
  name = "boundary"
  policy = jsonencode({Statement = [{Effect = "Allow", Action = "s3:*", Resource = "*"}]})
}

resource "aws_sagemaker_notebook_instance" "n" {
  name = "n"
  role_arn = aws_iam_role.r.arn
  instance_type = "ml.t3.medium"
}
''' + "".join(f'''
resource "aws_s3_bucket" "b{i}" {{
  bucket = "b{i}"
  tags = {{ purpose = "training-data" }}
}}

resource "aws_sagemaker_endpoint" "e{i}" {{
  name = "e{i}"
  endpoint_config_name = "c"
}}
''' for i in range(6))


def _graph_said(graph) -> list:
    return [list(graph.assets), [(e.key(), e.via, e.known, e.reason, e.cost, e.fix, e.notes) for e in graph.edges]]


@pytest.mark.parametrize("where", ["mixed", "fixtures", "examples"])
def test_wildcards_held_once_per_class_give_the_same_graph(where, monkeypatch):
    """A statement whose `Resource` is `*` is kept once per class of assets, not once per
    asset: the graph is the one each asset's hits give (`_alike` off), edges, order,
    labels, places and reasons alike."""
    from iaclint import api
    from iaclint.inventory import grants

    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as tmp:
        if where == "mixed":
            Path(tmp, "main.tf").write_text(MIXED)
            paths = [tmp]
        else:
            paths = [str(root / "fixtures" / ("examples" if where == "examples" else ""))]
        fast = _graph_said(api.inventory(paths).inventory)
        monkeypatch.setattr(grants, "_alike", lambda b, candidates: False)
        slow = _graph_said(api.inventory(paths).inventory)
    assert fast == slow
    if where == "mixed":
        assert len(slow[1]) > 20


def test_each_row_of_actions_keeps_its_actions_with_their_services():
    from iaclint.inventory.grants import _SERVICES_OF_ACTIONS, ACTIONS

    assert [tuple(a for a, _ in row) for row in _SERVICES_OF_ACTIONS] == [actions for _, actions, _, _ in ACTIONS]
    assert {s for row in _SERVICES_OF_ACTIONS for _, s in row} == {
        "bedrock", "sagemaker", "lambda", "bedrock-agentcore", "s3", "aoss", "es"}
    assert all(a.startswith(s + ":") for row in _SERVICES_OF_ACTIONS for a, s in row)
