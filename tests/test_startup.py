"""A one-file scan starts fast (issue 12: one file cold in at most 0.06 s): modules that
cost start-up time and that such a scan does not need are not imported by it.

No timing here (the machine is shared): what is imported is exact, and each module below
was measured (docs/performance.md, "Start-up")."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

# module -> what brought it in before, and what it cost
NOT_IMPORTED = {
    "dataclasses": "records (iaclint.model.records) instead: ~45 M instructions of class creation",
    "inspect": "imported by dataclasses and the registry: ~40 M instructions",
    "tempfile": "the write gate's temporary files (with random): ~15 M instructions",
    "shutil": "argparse's terminal width (with bz2, lzma): ~9 M instructions",
}

PROBE = """
import contextlib, io, json, sys
from iaclint.faces.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


@pytest.mark.parametrize("cached", [False, True], ids=["no-cache", "cache"])
def test_a_one_file_scan_leaves_out_what_it_does_not_need(tmp_path, cached):
    (tmp_path / "main.tf").write_text('resource "aws_sagemaker_notebook_instance" "n" {\n'
                                      '  name          = "n"\n  role_arn      = "arn:aws:iam::123456789012:role/r"\n'
                                      '  instance_type = "ml.t3.medium"\n}\n')
    args = ["scan", "main.tf", "--format", "json"] + ([] if cached else ["--no-cache"])
    env = {"PATH": "/usr/bin:/bin", "XDG_CACHE_HOME": str(tmp_path / "cache"), "HOME": str(tmp_path)}
    for _ in range(2 if cached else 1):  # with the cache: the cold run, then the warm one
        out = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True,
                             cwd=tmp_path, env=env)
        result = json.loads(out.stdout.splitlines()[-1])
        assert result["code"] == 1  # it did scan: the notebook has findings
        assert sorted(set(NOT_IMPORTED) & set(result["modules"])) == []


# module -> what a whole-scan cache hit (the report from the cache) imported it for, and what it cost
NOT_IMPORTED_ON_A_HIT = {
    "typing": "annotations of model.resource, model.project, engine.policy and engine.registry: ~10 M instructions",
    "threading": "the lock around forking workers (loading): ~2 M instructions",
}


def test_a_whole_scan_cache_hit_leaves_out_what_it_does_not_need(tmp_path):
    """A cold scan (which parses, and imports typing through tree-sitter) and then the
    whole-scan cache hit, which needs neither."""
    (tmp_path / "main.tf").write_text('resource "aws_kms_key" "k" {\n  enable_key_rotation = false\n}\n')
    env = {"PATH": "/usr/bin:/bin", "XDG_CACHE_HOME": str(tmp_path / "cache"), "HOME": str(tmp_path)}
    modules = []
    for _ in range(2):
        out = subprocess.run([sys.executable, "-c", PROBE, "scan", "main.tf", "--format", "json"], capture_output=True,
                             text=True, check=True, cwd=tmp_path, env=env)
        modules.append(json.loads(out.stdout.splitlines()[-1])["modules"])
    assert "iaclint.frontends.terraform.hcl" in modules[0] and "iaclint.frontends.terraform.hcl" not in modules[1]
    assert sorted(set(NOT_IMPORTED_ON_A_HIT) & set(modules[1])) == []


BLOCKED = """
import contextlib, io, json, sys
sys.modules["pathlib"] = None  # `import pathlib` fails from here on (an editable install's finder has it already)
from iaclint.faces.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "report": out.getvalue()}))
"""


def test_a_whole_scan_cache_hit_needs_no_pathlib(tmp_path):
    """`pathlib` (with `urllib.parse`, `ipaddress`, `ntpath`, `fnmatch`: ~15 M instructions)
    was imported by the cache, the policy registry and its index; a hit now runs with
    `import pathlib` failing, and writes the same report."""
    (tmp_path / "main.tf").write_text('resource "aws_kms_key" "k" {\n  enable_key_rotation = false\n}\n')
    env = {"PATH": "/usr/bin:/bin", "XDG_CACHE_HOME": str(tmp_path / "cache"), "HOME": str(tmp_path)}
    args = ["scan", "main.tf", "--format", "json"]
    cold = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True,
                          cwd=tmp_path, env=env)
    hit = subprocess.run([sys.executable, "-c", BLOCKED, *args], capture_output=True, text=True, cwd=tmp_path,
                         env=env)
    assert hit.returncode == 0, hit.stderr
    result = json.loads(hit.stdout.splitlines()[-1])
    assert result["code"] == 1 and json.loads(result["report"])["findings"]
    assert json.loads(cold.stdout.splitlines()[-1])["code"] == 1
