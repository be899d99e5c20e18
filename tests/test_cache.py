"""The parse cache and parallel loading: same findings with and without them, stale or
corrupt entries never trusted, a changed file re-read."""
from __future__ import annotations

import json
import os

from iaclint.api import scan
from iaclint.pipeline.cache import Cache

NOTEBOOK = ('resource "aws_sagemaker_notebook_instance" "nb_{i}" {{\n'
            '  name          = "nb-{i}"\n'
            '  role_arn      = "arn:aws:iam::123456789012:role/sm"\n'
            '  instance_type = "ml.t3.medium"\n'
            '  direct_internet_access = "{access}"\n'
            '}}\n')


def _tree(root, modules: int = 20):
    for m in range(modules):
        directory = root / f"module_{m:02d}"
        directory.mkdir()
        (directory / "main.tf").write_text(NOTEBOOK.format(i=m, access="Enabled" if m % 2 else "Disabled"))
    (root / "stack.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n"
        "    Properties:\n      InstanceType: ml.t3.medium\n      RoleArn: arn:aws:iam::1:role/r\n")


def _triples(result):
    return sorted((f.policy_id, f.file, f.line, f.resource) for f in result.findings)


def test_cached_and_parallel_scans_equal_a_plain_serial_scan(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _tree(tmp_path)
    plain = _triples(scan(["."]))
    cache = Cache(tmp_path / "cache")
    first = scan(["."], cache=cache, jobs=2)
    assert cache.misses == 22 and cache.hits == 0  # 21 units and the whole scan
    second = scan(["."], cache=cache, jobs=2)
    assert cache.hits == 1  # the whole scan: nothing evaluated again
    other_policies = scan(["."], cache=cache, jobs=2, select=["IAC201", "IAC101"])
    assert cache.hits == 1 + 21  # a new scan key, but every unit's parse is reused
    assert _triples(first) == _triples(second) == plain
    assert _triples(other_policies) == [t for t in plain if t[0] in ("IAC201", "IAC101")]
    assert ("IAC201", os.path.join("module_01", "main.tf"), 5, "aws_sagemaker_notebook_instance.nb_1") in plain


def test_a_changed_file_is_read_again(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text(NOTEBOOK.format(i=0, access="Disabled"))
    cache = Cache(tmp_path / "cache")
    assert not [f for f in scan(["."], cache=cache, select=["IAC201"]).findings]
    (tmp_path / "main.tf").write_text(NOTEBOOK.format(i=0, access="Enabled"))
    assert [f.line for f in scan(["."], cache=cache, select=["IAC201"]).findings] == [5]


def test_a_changed_tfvars_file_is_part_of_the_key(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text('variable "access" { default = "Disabled" }\n'
                                      + NOTEBOOK.format(i=0, access="${var.access}"))
    cache = Cache(tmp_path / "cache")
    assert not scan(["."], cache=cache, select=["IAC201"]).findings
    (tmp_path / "terraform.tfvars").write_text('access = "Enabled"\n')
    assert [f.line for f in scan(["."], cache=cache, select=["IAC201"]).findings] == [6]


def test_a_corrupt_entry_is_ignored_and_rewritten(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text(NOTEBOOK.format(i=0, access="Enabled"))
    cache_dir = tmp_path / "cache"
    expected = _triples(scan(["."], cache=Cache(cache_dir)))
    entries = [p for p in cache_dir.rglob("*") if p.is_file()]
    assert len(entries) == 3  # the unit, the whole scan and the digest memo (not counted as a hit or miss)
    for entry in entries:
        entry.write_bytes(b"\x80\x04 not a pickle")
    again = Cache(cache_dir)
    assert _triples(scan(["."], cache=again)) == expected
    assert again.misses == 2 and again.hits == 0
    assert _triples(scan(["."], cache=Cache(cache_dir))) == expected


def test_files_read_through_file_are_not_cached(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "policy.json").write_text(json.dumps({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                                                      "Resource": "*"}]}))
    (tmp_path / "main.tf").write_text('resource "aws_iam_policy" "p" {\n  policy = file("policy.json")\n}\n')
    cache = Cache(tmp_path / "cache")
    assert not scan(["."], cache=cache, select=["IAC301"]).findings
    (tmp_path / "policy.json").write_text(json.dumps({"Statement": [{"Effect": "Allow", "Action": "bedrock:*",
                                                                      "Resource": "*"}]}))
    assert [f.policy_id for f in scan(["."], cache=cache, select=["IAC301"]).findings] == ["IAC301"]


def test_an_unwritable_cache_only_costs_speed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text(NOTEBOOK.format(i=0, access="Enabled"))
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    assert [f.policy_id for f in scan(["."], cache=Cache(blocker), select=["IAC201"]).findings] == ["IAC201"]


def test_a_whole_scan_hit_still_applies_strict_and_the_baseline(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text('variable "access" {}\n' + NOTEBOOK.format(i=0, access="${var.access}")
                                      + NOTEBOOK.format(i=1, access="Enabled"))
    cache = Cache(tmp_path / "cache")
    plain = scan(["."], cache=cache, select=["IAC201"])
    assert [f.resource for f in plain.findings] == ["aws_sagemaker_notebook_instance.nb_1"]
    strict = scan(["."], cache=cache, select=["IAC201"], strict=True)
    assert cache.hits == 1
    assert [(f.resource, f.verdict) for f in strict.findings] == [
        ("aws_sagemaker_notebook_instance.nb_0", "UNKNOWN"), ("aws_sagemaker_notebook_instance.nb_1", "FAIL")]
    baselined = scan(["."], cache=cache, select=["IAC201"], baseline={plain.findings[0].fingerprint})
    assert cache.hits == 2 and baselined.findings == [] and baselined.baselined == 1


def test_a_changed_file_read_through_a_module_misses_the_whole_scan(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "policy.json").write_text(json.dumps({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                                                      "Resource": "*"}]}))
    (tmp_path / "main.tf").write_text('resource "aws_iam_policy" "p" {\n  policy = file("policy.json")\n}\n')
    cache = Cache(tmp_path / "cache")
    assert not scan(["."], cache=cache, select=["IAC301"]).findings
    assert not scan(["."], cache=cache, select=["IAC301"]).findings
    (tmp_path / "policy.json").write_text(json.dumps({"Statement": [{"Effect": "Allow", "Action": "bedrock:*",
                                                                      "Resource": "*"}]}))
    assert [f.policy_id for f in scan(["."], cache=cache, select=["IAC301"]).findings] == ["IAC301"]


def test_the_working_directory_is_part_of_the_whole_scan_key(tmp_path, monkeypatch):
    """A fingerprint names an absolutely given file relative to the working directory: a
    whole-scan hit from another directory must not serve the first directory's."""
    tree = tmp_path / "a" / "b"
    tree.mkdir(parents=True)
    (tree / "main.tf").write_text(NOTEBOOK.format(i=0, access="Enabled"))
    cache = Cache(tmp_path / "cache")
    fingerprints = {}
    for cwd in (tmp_path / "a", tree, tmp_path / "a"):
        monkeypatch.chdir(cwd)
        cached = [f.fingerprint for f in scan([str(tree)], cache=cache, select=["IAC201"]).findings]
        assert cached == [f.fingerprint for f in scan([str(tree)], select=["IAC201"]).findings]
        fingerprints.setdefault(str(cwd), cached)
    assert fingerprints[str(tmp_path / "a")] != fingerprints[str(tree)]
    assert cache.hits >= 1  # the third scan: the first one's entry


class _Unpicklable:
    def __reduce__(self):
        raise TypeError("not this one")


def test_an_entry_is_written_as_it_is_pickled_and_read_back_whole(tmp_path, monkeypatch):
    """A large entry goes to its file in pieces (never held whole: the whole-scan entry of a
    module of 1,000 files is megabytes), signed as it goes; it reads back as it was."""
    from iaclint.pipeline import cache as cache_module

    sizes = []
    write = cache_module.Entry.write
    monkeypatch.setattr(cache_module.Entry, "write", lambda self, data: sizes.append(len(data)) or write(self, data))
    cache = Cache(tmp_path / "cache")
    value = [f"value {i}" * 3 for i in range(100_000)]
    cache.put("k" * 64, value)
    assert len(sizes) > 10 and max(sizes) < sum(sizes) / 10
    assert Cache(tmp_path / "cache").get("k" * 64) == value
    cache.put_encoded("e" * 64, b"\x80\x05K\x07.")  # pickled already: 7
    assert cache.get("e" * 64) == 7


def test_an_entry_that_cannot_be_pickled_leaves_nothing_behind(tmp_path):
    cache = Cache(tmp_path / "cache")
    cache.put("k" * 64, ["a" * 100_000, _Unpicklable()])  # fails after its first piece was written
    assert [p for p in (tmp_path / "cache").rglob("*") if p.is_file()] == []
    assert cache.get("k" * 64) is None
