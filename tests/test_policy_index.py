"""The built-in pack's index (`iaclint.engine.policy_index`): current, exact, and what
lets a scan import only the policies it runs."""
from __future__ import annotations

import json
import subprocess
import sys

from iaclint.engine import policy_index, registry
from iaclint.reference.policy_index import index_text

PACK = registry.builtin_policy_dir()


def _eager():
    return [p for path in policy_index.pack_files(PACK)
            for p in registry._load_file(path, PACK, validate=False, package=registry.BUILTIN_PACKAGE)]


def test_index_is_current():
    text = policy_index.index_path(PACK).read_text(encoding="utf-8")
    assert text == index_text(), "policies/_index.json is stale: run `python -m iaclint.reference.policy_index`"


def test_indexed_policies_are_the_loaded_ones():
    lazy, eager = registry._load_builtin(PACK), _eager()
    assert [p.id for p in lazy] == [p.id for p in eager]
    assert all(isinstance(p, policy_index.LazyPolicy) for p in lazy)  # no built-in page is inline
    for fast, slow in zip(lazy, eager):
        assert fast.metadata() == slow.metadata()
        assert fast.source == slow.source
        for name in ("attack_path", "path_rule", "guideline", "message", "definition"):
            assert getattr(fast, name, None) == getattr(slow, name, None), (fast.id, name)
        if isinstance(fast, policy_index.LazyPolicy):
            assert type(fast.implementation) is type(slow)
            assert fast.module_name == type(slow).__module__


def test_a_changed_file_is_loaded_as_usual(monkeypatch):
    index = policy_index.read_index(PACK)
    python = next(path for path, record in index.items() if "policies" in record)
    yaml_file = next(path for path, record in index.items() if "document" in record)
    index[python] = dict(index[python], sha256="0" * 64)  # as if the file changed since
    del index[yaml_file]  # as if the file were new
    monkeypatch.setattr(policy_index, "read_index", lambda directory: index)
    loaded = registry._load_builtin(PACK)
    changed = [p for p in loaded if p.source == str(PACK / python)]
    assert changed and not any(isinstance(p, policy_index.LazyPolicy) for p in changed)
    assert [p.id for p in loaded] == [p.id for p in _eager()]


def test_lazy_policy_answers_unknown_names_without_importing():
    policy = next(p for p in registry._load_builtin(PACK) if isinstance(p, policy_index.LazyPolicy))
    assert getattr(policy, "no_such_attribute", "absent") == "absent"
    assert policy._real is None
    assert policy.implementation is policy.implementation


def test_lazy_policy_checks_with_the_real_policy_and_pickles_after_use(tmp_path):
    import pickle

    from iaclint.engine.policy import Context
    from iaclint.model.project import Project
    from iaclint.pipeline.discover import discover
    from iaclint.pipeline.loading import Options, load_all

    (tmp_path / "main.tf").write_text('resource "aws_kms_key" "k" {\n  enable_key_rotation = false\n}\n')
    key, = load_all(discover([str(tmp_path)]), Options([], {}, {}, {})).resources
    policy = next(p for p in registry._load_builtin(PACK)
                  if isinstance(p, policy_index.LazyPolicy) and "aws_kms_key" in p.resource_types)
    ctx = Context(Project([key]))
    first = [r.verdict for r in policy.check(key, ctx)]
    assert policy.check.__self__ is policy.implementation  # later checks skip the wrapper
    assert [r.verdict for r in policy.check(key, ctx)] == first
    again = pickle.loads(pickle.dumps(policy))
    assert again.id == policy.id and [r.verdict for r in again.check(key, ctx)] == first


def test_lazy_yaml_policy_is_the_yaml_policy():
    from iaclint.engine.yaml_policy import YamlPolicy

    lazy = [p for p in registry._load_builtin(PACK) if p.module_name == "iaclint.engine.yaml_policy"]
    assert lazy and all(isinstance(p.implementation, YamlPolicy) for p in lazy)
    assert all(p.connected == p.implementation.connected for p in lazy)


def _modules_after_scan(tmp_path, name: str, text: str) -> dict:
    (tmp_path / name).write_text(text)
    code = ("import json, sys\nfrom iaclint.faces.cli import main\n"
            f"main(['scan', {str(tmp_path)!r}, '--format', 'json', '--no-cache'])\n"
            "print(json.dumps({'policies': sorted(m for m in sys.modules if m.startswith('iaclint_policies.')),"
            " 'yaml': 'yaml' in sys.modules}))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return json.loads(out.splitlines()[-1])


def test_a_scan_imports_only_the_policies_of_its_resource_types(tmp_path):
    found = _modules_after_scan(tmp_path, "main.tf", 'resource "aws_kms_key" "k" {\n  enable_key_rotation = true\n}\n')
    wanted = {p.module_name for p in registry._load_builtin(PACK)
              if "aws_kms_key" in p.resource_types and p.module_name.startswith("iaclint_policies.")}
    assert wanted and set(found["policies"]) == wanted
    assert found["yaml"] is False  # the YAML policies come from the index, not PyYAML


def test_a_whole_scan_cache_hit_makes_no_policy(tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_kms_key" "k" {\n  enable_key_rotation = false\n}\n')
    cache = tmp_path / "cache"
    code = ("import json, sys\nfrom iaclint.faces.cli import main\n"
            f"main(['scan', {str(tmp_path / 'main.tf')!r}, '--format', 'json', '--cache-dir', {str(cache)!r}])\n"
            "print(json.dumps(sorted(m for m in sys.modules if m.startswith('iaclint_policies.')"
            " or m in ('iaclint.engine.grammar', 'yaml'))))\n")
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    again = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(first.splitlines()[-1])  # the first scan ran policies
    assert json.loads(again.splitlines()[-1]) == []
    assert first.splitlines()[:-1] == again.splitlines()[:-1]  # the same report
