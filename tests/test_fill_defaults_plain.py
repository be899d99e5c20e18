"""`fill_defaults` at `a` or `a.b` over plain attributes (`translate._filled_plainly`)
writes, replaces and records exactly what the general walk (`_fill_branches`, then the
parents found by `paths.find`) does, in the same order."""
from __future__ import annotations

import random
from types import SimpleNamespace

from iaclint.model.unknown import ABSENT, Unknown
from iaclint.normalize import translate
from iaclint.normalize.tables import DEFAULTS

ONE = "aws_kms_key"  # enable_key_rotation, key_usage, customer_master_key_spec
TWO = "aws_sagemaker_data_quality_job_definition"  # network_config.enable_network_isolation, ...


def _choice(rng) -> Unknown:
    return Unknown("c ? x : y", "unknown condition", alternatives=rng.choice(
        [(ABSENT, True), (False, ABSENT), ({"enable_network_isolation": False}, ABSENT), ("x", "y")]))


def _leaf(rng):
    return rng.choice([True, "KMS", 3, None, [], _choice(rng), Unknown("var.x", "unset")])


def _block(rng) -> dict:
    keys = ["enable_network_isolation", "enable_inter_container_traffic_encryption", "other"]
    return {k: _leaf(rng) for k in rng.sample(keys, rng.randint(0, 3))}


def _attributes(rng) -> dict:
    out = {k: _leaf(rng) for k in rng.sample(["enable_key_rotation", "key_usage", "name"], rng.randint(0, 3))}
    shape = rng.randint(0, 6)
    if shape == 1:
        out["network_config"] = _block(rng)
    elif shape in (2, 3):
        out["network_config"] = [_block(rng) for _ in range(rng.randint(0, 3))]
    elif shape == 4:
        out["network_config"] = [_block(rng), _choice(rng)]
    elif shape == 5:
        out["network_config"] = rng.choice([_choice(rng), "text", None])
    return out


def _dump(value):
    if isinstance(value, Unknown):
        return ("unknown", value.expr, value.reason, None if value.alternatives is None
                else tuple(_dump(a) for a in value.alternatives))
    if isinstance(value, dict):
        return [(k, _dump(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [_dump(v) for v in value]
    return ("absent",) if value is ABSENT else value


def _filled(kind: str, seed: int, plainly: bool, monkeypatch) -> tuple:
    rng = random.Random(seed)
    resource = SimpleNamespace(type=kind, attributes=_attributes(rng), defaults=set())
    if not plainly:
        monkeypatch.setattr(translate, "_filled_plainly", lambda *a: False)
    translate.fill_defaults(resource)
    monkeypatch.undo()
    return _dump(resource.attributes), list(resource.defaults)


def test_the_plain_way_fills_what_the_general_way_fills(monkeypatch):
    assert all(len(k.split(".")) == 1 for k in DEFAULTS[ONE]) and all(len(k.split(".")) == 2 for k in DEFAULTS[TWO])
    plain = 0
    for seed in range(400):
        for kind in (ONE, TWO):
            assert _filled(kind, seed, True, monkeypatch) == _filled(kind, seed, False, monkeypatch), (kind, seed)
            plain += 1
    assert plain == 800


def test_the_plain_way_passes_over_what_it_does_not_read(monkeypatch):
    for parent in ([{"enable_network_isolation": True}, "text"], "text", None, _choice(random.Random(1))):
        resource = SimpleNamespace(type=TWO, attributes={"network_config": parent}, defaults=set())
        segments = ("network_config", "enable_network_isolation")
        assert translate._filled_plainly(resource, segments, False) is False
        assert resource.attributes == {"network_config": parent} and resource.defaults == set()
    resource = SimpleNamespace(type=TWO, attributes={"network_config": [{}, {"enable_network_isolation": True}]},
                               defaults=set())
    assert translate._filled_plainly(resource, ("network_config", "enable_network_isolation"), False) is True
    assert resource.attributes == {"network_config": [{"enable_network_isolation": False},
                                                      {"enable_network_isolation": True}]}
    assert resource.defaults == {("network_config", 0, "enable_network_isolation")}
