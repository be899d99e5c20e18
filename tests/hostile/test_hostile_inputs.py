"""Issue 7, robustness: hostile files, hostile expressions and safety (DESIGN section 10).

Every hostile input ends as an IAC001 finding, an `Unknown` with a reason, or a note on
standard error; the other files of the scan are still scanned; exit codes stay as
documented (0 clean, 1 findings, parse errors included, 2 usage or internal error).
Nothing here measures speed: each load or scan runs under `finishes()`, which fails the
test if it has not returned after a generous deadline (a hang), and asserts nothing else
about time.
"""
from __future__ import annotations

import builtins
import json
import os
import re
import socket
import subprocess
import sys
import threading

import pytest
from conftest import FIXTURES, builtin_policies

from iaclint.api import scan
from iaclint.faces.cli import main
from iaclint.model.unknown import Unknown

DEADLINE = 60.0  # seconds: "finishes", not a performance bound

GOOD_TF = ('resource "aws_sagemaker_notebook_instance" "nb" {\n'
           '  name = "nb"\n  role_arn = "arn:aws:iam::1:role/r"\n  instance_type = "ml.t3.medium"\n}\n')
HEAD = b"AWSTemplateFormatVersion: '2010-09-09'\n"
BUCKET = HEAD + b"Resources:\n  R:\n    Type: AWS::S3::Bucket\n    Properties:\n      X: "
N = 10_000


def finishes(function, *args, seconds: float = DEADLINE, **kwargs):
    """`function(*args, **kwargs)`, or a test failure when it is still running after
    `seconds` (the thread is left behind as a daemon; the suite goes on)."""
    box: dict = {}

    def run():
        try:
            box["value"] = function(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True, name=f"finishes-{function.__name__}")
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        pytest.fail(f"{function.__name__} did not finish within {seconds:.0f} s: a hang")
    if "error" in box:
        raise box["error"]
    return box["value"]


def run_scan(paths=("."), **kwargs):
    return finishes(scan, list(paths), policies=list(builtin_policies()), **kwargs)


def parse_errors(result) -> dict:
    """{file: message} of the IAC001 findings."""
    return {f.file: f.message for f in result.findings if f.policy_id == "IAC001"}


def good_is_scanned(result, path="good/main.tf") -> bool:
    return any(f.policy_id == "IAC201" and f.file == path for f in result.findings)


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """A scan root holding one good module (`good/main.tf`, an IAC201 finding); the test
    adds the hostile part under `bad/`."""
    root = tmp_path / "tree"
    (root / "good").mkdir(parents=True)
    (root / "good" / "main.tf").write_text(GOOD_TF)
    (root / "bad").mkdir()
    monkeypatch.chdir(root)
    return root


# --- hostile files ------------------------------------------------------------------------

def _alias_bomb() -> bytes:
    lines = [b"a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 10):
        lines.append(b"a%d: &a%d [%s]" % (i, i, b", ".join([b"*a%d" % (i - 1)] * 10)))
    return HEAD + b"\n".join(lines) + b"\nResources:\n  R:\n    Type: AWS::S3::Bucket\n    Properties:\n      X: *a9\n"


def _big(head: bytes, line: bytes, size: int = 50 * 1024 * 1024) -> bytes:
    return head + line * ((size - len(head)) // len(line) + 1)


HOSTILE_FILES = {
    # name: (content, the IAC001 message it must give, as a regex)
    "bomb.yaml": (_alias_bomb, r"alias expansion limit exceeded \(YAML alias bomb\?\)"),
    "deep-flow.yaml": (lambda: BUCKET + b"[" * N + b"]" * N + b"\n", r"nesting depth"),
    "deep-block.yaml": (lambda: BUCKET + b"\n        " + b"- " * N + b"x\n", r"nesting depth"),
    "deep-map.json": (lambda: b'{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"R": {"Type": "AWS::S3::Bucket",'
                      b' "Properties": {"X": ' + b'{"a": ' * N + b"1" + b"}" * N + b"}}}}",
                      r"nesting deeper than \d+ levels"),
    "deep.tf.json": (lambda: b'{"resource": {"aws_s3_bucket": {"b": {"tags": ' + b"[" * N + b"]" * N + b"}}}}",
                     r"nesting deeper than \d+ levels"),
    "deep-blocks.tf": (lambda: b'resource "aws_s3_bucket" "b" {\n' + b"x {\n" * N + b"}\n" * N + b"}\n",
                       r"nested too deeply"),
    "big.yaml": (lambda: _big(HEAD + b"Resources:\n", b"  # padding padding padding padding padding\n"),
                 r"larger than 5 MB .*not scanned"),
    "big.tf": (lambda: _big(b"", b"# padding padding padding padding padding padding\n"),
               r"larger than 20 MB: not scanned"),
    "nul.yaml": (lambda: HEAD + b"Resources:\n  R:\n    Type: AWS::S3::Bucket\x00\n", r"NUL byte"),
    "nul.tf": (lambda: b'resource "aws_s3_bucket" "b" {\n  bucket = "a\x00b"\n}\n', r"NUL byte"),
    "utf16.yaml": (lambda: (HEAD + b"Resources: {}\n").decode().encode("utf-16"), r"UTF-16"),
    "utf16-no-bom.yaml": (lambda: (HEAD + b"Resources: {}\n").decode().encode("utf-16-le"), r"UTF-16"),
    "utf16.tf": (lambda: 'resource "aws_s3_bucket" "b" {}\n'.encode("utf-16"), r"UTF-16"),
    "latin1.yaml": (lambda: HEAD + b"Description: caf\xe9\nResources: {}\n", r"not valid UTF-8"),
    "latin1.tf.json": (lambda: b'{"resource": {"aws_s3_bucket": {"b": {"bucket": "caf\xe9"}}}}', r"not valid UTF-8"),
    "binary.tf": (lambda: b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 64, r"."),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_hostile_file_is_one_iac001_finding_and_the_rest_is_scanned(tree, name):
    content, message = HOSTILE_FILES[name]
    (tree / "bad" / name).write_bytes(content())
    result = run_scan()
    assert good_is_scanned(result)
    errors = parse_errors(result)
    assert list(errors) == [f"bad/{name}"], errors
    assert re.search(message, errors[f"bad/{name}"]), errors
    assert not result.errors  # never an internal error (exit code 2)


def test_a_big_data_file_is_not_a_finding(tree):
    """A 50 MB JSON dataset next to the templates is not read to its end, nor reported."""
    (tree / "bad" / "dataset.json").write_bytes(_big(b'{"rows": [', b'{"text": "some training example"},\n'))
    result = run_scan()
    assert good_is_scanned(result) and parse_errors(result) == {}


@pytest.mark.parametrize("name,content", [
    ("long.tf", b'resource "aws_sagemaker_notebook_instance" "long" {\n  name = "' + b"n" * 1_000_000
     + b'"\n  role_arn = "r"\n  instance_type = "ml.t3.medium"\n}\n'),
    ("long.yaml", HEAD + b"Resources:\n  long:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n"
     b"      NotebookInstanceName: " + b"n" * 1_000_000 + b"\n      RoleArn: r\n      InstanceType: ml.t3.medium\n"),
])
def test_very_long_lines_are_scanned(tree, name, content):
    (tree / "bad" / name).write_bytes(content)
    result = run_scan()
    assert good_is_scanned(result) and parse_errors(result) == {}
    assert any(f.file == f"bad/{name}" and f.policy_id == "IAC201" for f in result.findings)


def test_hostile_files_through_the_cli_exit_1_and_print_valid_json(tree, capsys):
    for name in ("bomb.yaml", "deep.tf.json", "nul.tf", "utf16.yaml"):
        (tree / "bad" / name).write_bytes(HOSTILE_FILES[name][0]())
    code = finishes(main, ["scan", ".", "--format", "json", "--fail-on", "critical", "--no-cache"])
    assert code == 1  # parse errors always count, whatever --fail-on says
    data = json.loads(capsys.readouterr().out)
    assert sorted(f["file"] for f in data["findings"] if f["policy_id"] == "IAC001") == [
        "bad/bomb.yaml", "bad/deep.tf.json", "bad/nul.tf", "bad/utf16.yaml"]
    assert any(f["file"] == "good/main.tf" for f in data["findings"])


def test_a_directory_tree_deeper_than_the_recursion_limit(tree):
    """1,100 nested directories (Python 3.11's os.walk recursed once per level)."""
    depth = sys.getrecursionlimit() + 100
    path = tree / "bad"
    for _ in range(depth):
        path = path / "d"
        path.mkdir()
    (path / "main.tf").write_text(GOOD_TF.replace('"nb"', '"deep"'))
    try:
        result = run_scan()
        assert good_is_scanned(result) and parse_errors(result) == {}
        assert any(f.resource.endswith(".deep") for f in result.findings)
    finally:  # bottom-up, without recursion: shutil.rmtree would recurse as deep
        for _ in range(depth):
            for name in os.listdir(path):
                os.unlink(path / name)
            os.rmdir(path)
            path = path.parent


# --- symlinks -----------------------------------------------------------------------------

@pytest.fixture
def outside(tmp_path):
    """A directory beside the scan root with IaC that must not be scanned through links."""
    where = tmp_path / "outside"
    where.mkdir()
    (where / "secret.tf").write_text(GOOD_TF.replace('"nb"', '"secret"'))
    (where / "secret.yaml").write_bytes(HEAD + b"Resources:\n  Secret:\n    Type: AWS::SageMaker::NotebookInstance\n"
                                        b"    Properties:\n      RoleArn: r\n      InstanceType: ml.t3.medium\n")
    (where / "sub").mkdir()
    (where / "sub" / "main.tf").write_text(GOOD_TF.replace('"nb"', '"sub"'))
    return where


def test_symlink_loops_end_as_findings(tree):
    bad = tree / "bad"
    os.symlink("b.tf", bad / "a.tf")
    os.symlink("a.tf", bad / "b.tf")
    os.symlink("loop.yaml", bad / "loop.yaml")
    os.symlink("..", bad / "parent")  # a directory loop: symlinked directories are not followed
    os.symlink(".", bad / "self")
    result = run_scan()
    assert good_is_scanned(result)
    errors = parse_errors(result)
    assert sorted(errors) == ["bad/a.tf", "bad/b.tf", "bad/loop.yaml"]
    assert all(m.startswith("cannot read file") for m in errors.values()), errors
    assert result.skipped == []  # links inside the tree are no news


def test_symlinks_out_of_the_tree_are_not_followed(tree, outside):
    bad = tree / "bad"
    os.symlink(outside / "secret.tf", bad / "secret.tf")
    os.symlink(outside / "secret.yaml", bad / "secret.yaml")
    os.symlink(outside / "sub", bad / "sub")
    os.symlink("/dev/zero", bad / "zero.tf")  # would never end if read
    (tree / "shared").mkdir()
    (tree / "shared" / "common.tf").write_text(GOOD_TF.replace('"nb"', '"shared"'))
    os.symlink("../shared/common.tf", bad / "common.tf")  # inside the tree: followed
    result = run_scan()
    assert good_is_scanned(result)
    assert parse_errors(result) == {}
    assert not any("secret" in f.resource or "sub" in f.resource for f in result.findings + result.unknowns)
    assert any(f.file == "bad/common.tf" and f.resource.endswith(".shared") for f in result.findings)
    assert result.skipped == [
        ("bad/secret.tf", "symlink to a file outside the scanned tree: not followed"),
        ("bad/secret.yaml", "symlink to a file outside the scanned tree: not followed"),
        ("bad/sub", "symlink to a directory outside the scanned tree: not followed"),
        ("bad/zero.tf", "symlink to a file outside the scanned tree: not followed"),
    ]


def test_a_symlink_named_explicitly_is_not_followed_out_of_the_tree(tree, outside):
    """A pre-commit hook names the files git tracks, and git tracks symlinks: a `main.tf`
    pointing at a file outside the repository is not read even when named."""
    os.symlink(outside / "secret.tf", tree / "bad" / "secret.tf")
    result = run_scan(["bad/secret.tf"])
    assert not [f for f in result.findings if "secret" in f.resource]
    assert result.skipped == [("bad/secret.tf", "symlink to a file outside the scanned tree: not followed")]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_special_files_are_not_opened(tree):
    """A FIFO would block `open()` for ever; a device would never end."""
    os.mkfifo(tree / "bad" / "pipe.tf")
    os.mkfifo(tree / "bad" / "pipe.yaml")
    result = run_scan()
    assert good_is_scanned(result) and parse_errors(result) == {}
    assert result.skipped == [("bad/pipe.tf", "not a regular file: not read"),
                              ("bad/pipe.yaml", "not a regular file: not read")]
    named = run_scan(["bad/pipe.yaml", "good/main.tf"])
    assert named.skipped == [("bad/pipe.yaml", "not a regular file: not read")] and good_is_scanned(named)


def test_the_cli_notes_what_it_did_not_follow_without_changing_the_exit_code(tree, outside, capsys):
    (tree / "good" / "main.tf").unlink()
    (tree / "good" / "ok.yaml").write_text("AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n")
    os.symlink(outside / "secret.yaml", tree / "bad" / "secret.yaml")
    assert finishes(main, ["scan", ".", "--format", "json", "--no-cache"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["findings"] == []
    assert "iaclint: note: bad/secret.yaml: symlink to a file outside the scanned tree: not followed" in captured.err


# --- unreadable files and directories -----------------------------------------------------

def _deny_open(monkeypatch, *paths):
    """Make `open()` of these paths fail as it does for a file without read permission
    (the tests run as root, who may read anything)."""
    denied = {os.path.realpath(p) for p in paths}
    real_open, real_os_open = builtins.open, os.open

    def check(file):
        if isinstance(file, (str, bytes, os.PathLike)) and os.path.realpath(os.fsdecode(file)) in denied:
            raise PermissionError(13, "Permission denied", os.fsdecode(file))

    def guarded(file, *args, **kwargs):
        check(file)
        return real_open(file, *args, **kwargs)

    def guarded_os_open(file, *args, **kwargs):  # the read gate (iaclint.gate.reads) opens this way
        check(file)
        return real_os_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded)
    monkeypatch.setattr(os, "open", guarded_os_open)


def _deny_listing(monkeypatch, *paths, error=PermissionError):
    denied = {os.path.abspath(p) for p in paths}
    real_scandir, real_listdir = os.scandir, os.listdir

    def check(path):
        if os.path.abspath(os.fsdecode(path if path is not None else ".")) in denied:
            raise error(13 if error is PermissionError else 2, "Permission denied" if error is PermissionError
                        else "No such file or directory", os.fsdecode(path))

    def scandir(path="."):
        check(path)
        return real_scandir(path)

    def listdir(path="."):
        check(path)
        return real_listdir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(os, "listdir", listdir)


def _unreadable_tree(tree):
    (tree / "bad" / "main.tf").write_text(GOOD_TF.replace('"nb"', '"bad"'))
    (tree / "bad" / "other.tf").write_text(GOOD_TF.replace('"nb"', '"other"'))
    (tree / "bad" / "t.yaml").write_bytes(HEAD + b"Resources: {}\n")
    (tree / "locked").mkdir()
    (tree / "locked" / "main.tf").write_text(GOOD_TF.replace('"nb"', '"locked"'))


@pytest.mark.parametrize("cache", [False, True], ids=["no-cache", "cache"])
def test_unreadable_files_and_directories_monkeypatched(tree, tmp_path, monkeypatch, cache):
    """Runs as root too: `open` and directory listing fail as they would without permission."""
    from iaclint.pipeline.cache import Cache

    _unreadable_tree(tree)
    _deny_open(monkeypatch, "bad/main.tf", "bad/t.yaml")
    _deny_listing(monkeypatch, "locked")
    result = run_scan(cache=Cache(tmp_path / "cache") if cache else None)
    assert good_is_scanned(result)
    assert parse_errors(result) == {"bad/main.tf": "cannot read file: Permission denied",
                                    "bad/t.yaml": "cannot read file: Permission denied",
                                    "locked": "cannot read directory: Permission denied"}
    # the module's readable file still loads
    assert any(f.resource.endswith(".other") and f.policy_id == "IAC201" for f in result.findings)


def test_unreadable_directory_through_the_cli_is_exit_1(tree, monkeypatch, capsys):
    _unreadable_tree(tree)
    _deny_listing(monkeypatch, "locked")
    assert finishes(main, ["scan", "locked", "bad/t.yaml", "--format", "json", "--no-cache"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [(f["policy_id"], f["file"], f["message"]) for f in data["findings"]] == [
        ("IAC001", "locked", "cannot read directory: Permission denied")]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files and lists directories whatever their mode; "
                                              "test_unreadable_files_and_directories_monkeypatched covers root")
def test_unreadable_files_and_directories_with_permissions(tree):
    _unreadable_tree(tree)
    (tree / "bad" / "main.tf").chmod(0)
    (tree / "bad" / "t.yaml").chmod(0)
    (tree / "locked").chmod(0)
    try:
        result = run_scan()
    finally:
        (tree / "locked").chmod(0o755)
    assert good_is_scanned(result)
    assert set(parse_errors(result)) == {"bad/main.tf", "bad/t.yaml", "locked"}


# --- files that vanish mid-scan -----------------------------------------------------------

@pytest.mark.parametrize("cache", [False, True], ids=["no-cache", "cache"])
@pytest.mark.parametrize("jobs", [1, 2])
def test_files_that_vanish_after_discovery(tree, tmp_path, monkeypatch, cache, jobs):
    import iaclint.pipeline.scan
    from iaclint.pipeline.cache import Cache

    _unreadable_tree(tree)
    for i in range(16):  # enough units for jobs=2 to load in parallel
        (tree / "many" / str(i)).mkdir(parents=True)
        (tree / "many" / str(i) / "main.tf").write_text(GOOD_TF.replace('"nb"', f'"n{i}"'))
    real_discover = iaclint.pipeline.scan.discover

    def discover_then_delete(*args, **kwargs):
        found = real_discover(*args, **kwargs)
        os.unlink("bad/main.tf")
        os.unlink("bad/t.yaml")
        return found

    monkeypatch.setattr(iaclint.pipeline.scan, "discover", discover_then_delete)
    result = run_scan(cache=Cache(tmp_path / "cache") if cache else None, jobs=jobs)
    assert good_is_scanned(result)
    assert parse_errors(result) == {"bad/main.tf": "cannot read file: No such file or directory",
                                    "bad/t.yaml": "cannot read file: No such file or directory"}
    assert any(f.resource.endswith(".other") for f in result.findings)
    assert sum(f.policy_id == "IAC201" and f.file.startswith("many/") for f in result.findings) == 16


@pytest.mark.parametrize("cache", [False, True], ids=["no-cache", "cache"])
def test_a_worker_that_dies_costs_only_its_unit(tree, tmp_path, monkeypatch, cache):
    """A worker process killed mid-scan (the kernel's out-of-memory killer, a crash in a
    parser's C code) loses the unit it was loading, as an IAC001 finding, and nothing else:
    every other unit is loaded (again) and judged, and the scan ends normally."""
    import signal

    import iaclint.pipeline.loading
    from iaclint.pipeline.cache import Cache

    for i in range(20):
        (tree / "many" / str(i)).mkdir(parents=True)
        (tree / "many" / str(i) / "main.tf").write_text(GOOD_TF.replace('"nb"', f'"n{i}"'))
    real_load_unit = iaclint.pipeline.loading.load_unit

    def load_unit(unit, options):
        if unit[1].endswith(os.path.join("many", "7")):
            os.kill(os.getpid(), signal.SIGKILL)  # in a worker: the pool breaks
        return real_load_unit(unit, options)

    monkeypatch.setattr(iaclint.pipeline.loading, "load_unit", load_unit)  # workers are forked: they see it
    result = run_scan(cache=Cache(tmp_path / "cache") if cache else None, jobs=2)
    assert good_is_scanned(result)
    assert parse_errors(result) == {
        "many/7/main.tf": "the process loading many/7 stopped unexpectedly (out of memory, or a crash in a "
                          "parser): not scanned"}
    assert sorted(f.file for f in result.findings if f.policy_id == "IAC201" and f.file.startswith("many/")) == \
        sorted(f"many/{i}/main.tf" for i in range(20) if i != 7)
    assert not result.errors


def test_a_directory_that_vanishes_during_the_walk_is_no_error(tree, monkeypatch):
    _unreadable_tree(tree)
    _deny_listing(monkeypatch, "locked", error=FileNotFoundError)
    result = run_scan()
    assert good_is_scanned(result) and "locked" not in parse_errors(result)


# --- hostile expressions ------------------------------------------------------------------

def _tf_value(tmp_path, text: str, files: dict | None = None, attribute: str = "x"):
    from iaclint.frontends.terraform.module import load_module

    directory = tmp_path / "module"
    directory.mkdir()
    for name, content in (files or {}).items():
        (directory / name).write_text(content)
    (directory / "main.tf").write_text(text)
    result = finishes(load_module, str(directory), [str(directory / "main.tf")])
    assert not result.errors, result.errors
    (resource,) = result.resources
    return resource.attributes[attribute]


_CHAIN = "\n".join(f"  l{i} = local.l{i + 1}" for i in range(3000))
_DOUBLING = "\n".join(f'  l{i} = "${{local.l{i + 1}}}${{local.l{i + 1}}}"' for i in range(64))


@pytest.mark.parametrize("text,files,reason", [
    ("locals {\n  a = local.b\n  b = local.c\n  c = local.a\n}\n", None,
     r"locals refer to each other in a cycle \(a -> b -> c -> a\)"),
    ('locals {\n  a = "${local.a}-x"\n}\n', None, r"locals refer to each other in a cycle \(a -> a\)"),
    (f"locals {{\n{_CHAIN}\n  l3000 = 1\n  a = local.l0\n}}\n", None, r"nested too deeply"),
    (f'locals {{\n{_DOUBLING}\n  l64 = "xx"\n  a = local.l0\n}}\n', None,
     r'^`"\$\{local\.l43\}\$\{local\.l43\}"` is not evaluated: the result would hold about 8,388,608 '
     r"characters and items, over the limit of 5,000,000 for one value$"),
    ("locals {\n  a = [for i in range(100000000) : i]\n}\n", None, r"range too large"),
    ("locals {\n  a = [for i in range(5000) : [for j in range(5000) : j]]\n}\n", None, r"too much work"),
    ("locals {\n  a = {for i in range(1000000) : tostring(i) => [for j in range(1000) : j]}\n}\n", None,
     r"too much work|range too large"),
    ('locals {\n  a = "' + "%{ if true }" * 1000 + "y" + "%{ endif }" * 1000 + '"\n}\n', None, r"nested too deeply"),
    ("", {"t.tpl": '${templatefile("t.tpl", {})}'}, r"nested too deeply"),
], ids=["locals-cycle", "local-refers-to-itself", "locals-chain-3000", "doubling-locals", "for-over-huge-range",
        "nested-for", "for-map-over-huge-range", "nested-template-directives", "template-renders-itself"])
def test_hostile_terraform_expressions_end_as_unknown_with_a_reason(tmp_path, text, files, reason):
    x = "local.a" if text else 'templatefile("t.tpl", {})'
    value = _tf_value(tmp_path, text + 'resource "aws_s3_bucket" "b" {\n  x = ' + x + "\n}\n", files)
    assert isinstance(value, Unknown), type(value)
    assert re.search(reason, value.reason), value.reason


def test_deeply_nested_interpolations_finish(tmp_path):
    """`"${"${"${...}"}"}"` 1,000 deep: an Unknown or a syntax error, never a hang."""
    from iaclint.frontends.terraform.module import load_module

    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  x = ' + '"${' * 1000 + "1"
                                      + '}"' * 1000 + "\n}\n")
    result = finishes(load_module, str(tmp_path), [str(tmp_path / "main.tf")])
    if result.errors:
        assert result.errors[0].line >= 1 and result.errors[0].message
    else:
        assert isinstance(result.resources[0].attributes["x"], Unknown)


def _cfn_value(properties: str, head: str = "", resource: str = "R", prop: str = "X"):
    from iaclint.frontends.cloudformation.template import load_template

    text = ("AWSTemplateFormatVersion: '2010-09-09'\n" + head + "Resources:\n  R:\n    Type: AWS::S3::Bucket\n"
            "    Properties:\n" + properties)
    result = finishes(load_template, "t.yaml", text.encode())
    assert not result.errors, result.errors
    (found,) = [r for r in result.resources if r.address == resource]
    return found.attributes[prop]


_CONDITION_CHAIN = "".join(f"  C{i}: !Not [!Condition C{i + 1}]\n" for i in range(500)) + "  C500: !Equals [a, a]\n"
_REGION = "".join(f"  C{i}: !Equals [!Ref AWS::Region, r{i}]\n" for i in range(3))


@pytest.mark.parametrize("head,properties,reason", [
    ("", "      X: !Sub ['${A}', {A: !Sub '${A}'}]\n", r"undefined name A"),
    ("", "      X: !Sub '${R.Arn}'\n", r"attribute Arn of resource R"),
    ("Conditions:\n  C: !Not [!Condition C]\n", "      X: !If [C, a, b]\n", r"condition C refers to itself"),
    ("Conditions:\n  A: !And [!Condition B, !Equals [1, 1]]\n  B: !Or [!Condition A, !Equals [1, 2]]\n",
     "      X: !If [A, a, b]\n", r"condition A refers to itself"),
    ("Conditions:\n" + _CONDITION_CHAIN, "      X: !If [C0, a, b]\n", r"conditions nested too deeply"),
    ("", "      X: " + '{"Fn::Base64": ' * 120 + '"a"' + "}" * 120 + "\n", r"nested too deeply"),
    ("Conditions:\n" + _REGION, "      X: !Join ['', [" + ", ".join(f"!If [C{i % 3}, a{i}, b{i}]" for i in range(60))
     + "]]\n", r"pseudo parameter AWS::Region"),
], ids=["sub-variable-refers-to-itself", "sub-refers-to-its-own-resource", "condition-refers-to-itself",
        "conditions-in-a-cycle", "condition-chain-500", "intrinsics-nested-120", "if-combinations"])
def test_hostile_cloudformation_expressions_end_as_unknown_with_a_reason(head, properties, reason):
    value = _cfn_value(properties, head)
    assert isinstance(value, Unknown), value
    assert re.search(reason, value.reason), value.reason


def test_intrinsics_nested_10000_deep_are_a_parse_error():
    from iaclint.frontends.cloudformation.template import load_template

    text = BUCKET + b"!Join ['', [" * N + b"a" + b"]]" * N + b"\n"
    result = finishes(load_template, "t.yaml", text)
    assert [e.message for e in result.errors] == ["YAML syntax error: exceeded maximum nesting depth "
                                                  "(while increasing flow level)"]


def test_a_resource_condition_that_refers_to_itself_keeps_the_resource():
    value = _cfn_value("      X: 1\n", "Conditions:\n  C: !Condition C\n")
    assert value == 1  # an undecidable condition never hides a resource


# --- safety -------------------------------------------------------------------------------

@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection or resolve a name fails the test loudly."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access attempted during a scan")

    class NoSocket(socket.socket):
        def __init__(self, *args, **kwargs):
            refuse(*args)

    for name, value in (("socket", NoSocket), ("create_connection", refuse), ("getaddrinfo", refuse),
                        ("socketpair", refuse), ("create_server", refuse)):
        monkeypatch.setattr(socket, name, value)
    return attempts


@pytest.fixture
def no_processes(monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("a process was started during a scan")

    monkeypatch.setattr(subprocess, "Popen", refuse)
    for name in ("system", "popen", "execv", "execve", "execvp", "spawnv", "posix_spawn", "posix_spawnp"):
        if hasattr(os, name):
            monkeypatch.setattr(os, name, refuse)
    return attempts


def _report(result) -> str:
    from iaclint.formatters import get_formatter

    return get_formatter("json")(result, colour=False)


def test_a_scan_with_the_network_disabled_gives_the_same_findings(tmp_path, monkeypatch):
    import shutil

    for name in ("examples", "policies"):  # a snapshot: both scans read the same bytes
        shutil.copytree(FIXTURES / name, tmp_path / "fixtures" / name)
    monkeypatch.chdir(tmp_path)
    paths = ["fixtures/examples", "fixtures/policies"]
    expected = _report(run_scan(paths))
    with pytest.MonkeyPatch.context() as patch:
        attempts = []

        def refuse(*args, **kwargs):
            attempts.append(args)
            raise OSError("network access attempted during a scan")

        patch.setattr(socket, "socket", refuse)
        patch.setattr(socket, "create_connection", refuse)
        patch.setattr(socket, "getaddrinfo", refuse)
        offline = _report(run_scan(paths))
    assert attempts == []
    assert offline == expected
    assert json.loads(offline)["findings"]


MARKER = "iaclint-was-here"


def _booby_trapped_tree(root, marker):
    (root / "tf").mkdir(parents=True)
    (root / "tf" / "main.tf").write_text(f'''
data "external" "run" {{
  program = ["sh", "-c", "touch {marker}; echo '{{}}'"]
}}

resource "null_resource" "exec" {{
  provisioner "local-exec" {{
    command = "touch {marker}"
  }}
}}

module "remote" {{
  source = "git::https://example.com/modules.git//x?ref=v1"
}}

module "registry" {{
  source  = "hashicorp/consul/aws"
  version = "0.1.0"
}}

resource "aws_s3_bucket" "b" {{
  bucket = data.external.run.result.name
}}
''')
    (root / "tf" / "hook.py").write_text(f"open({str(marker)!r}, 'w').write('imported')\n")
    (root / "tf" / "__init__.py").write_text(f"open({str(marker)!r}, 'w').write('imported')\n")
    (root / "conftest.py").write_text(f"open({str(marker)!r}, 'w').write('imported')\n")
    (root / "setup.py").write_text(f"open({str(marker)!r}, 'w').write('imported')\n")
    (root / "policies").mkdir()
    (root / "policies" / "evil.py").write_text(f"open({str(marker)!r}, 'w').write('imported')\n")
    (root / "cfn.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  R:\n    Type: AWS::S3::Bucket\n    Properties:\n"
        f"      BucketName: !!python/object/apply:os.system ['touch {marker}']\n")
    (root / "cfn2.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Include\nResources:\n  R:\n    Type: AWS::S3::Bucket\n"
        "    Properties:\n      Fn::Transform:\n        Name: AWS::Include\n        Parameters:\n"
        "          Location: https://example.com/x.yaml\n")


def test_scanning_never_executes_imports_or_downloads(tmp_path, monkeypatch, capsys, no_network, no_processes):
    root = tmp_path / "repo"
    marker = tmp_path / MARKER
    _booby_trapped_tree(root, marker)
    monkeypatch.chdir(root)
    modules = set(sys.modules)
    code = finishes(main, ["scan", ".", "--format", "json", "--no-cache"])
    data = json.loads(capsys.readouterr().out)
    assert not marker.exists()
    assert no_network == [] and no_processes == []
    assert not {m for m in set(sys.modules) - modules if m in ("hook", "evil", "conftest", "setup", "tf")}
    assert code == 1
    errors = {f["file"]: f["message"] for f in data["findings"] if f["policy_id"] == "IAC001"}
    assert errors == {"cfn.yaml": "unsupported YAML tag !!python/object/apply:os.system: "
                                  "a CloudFormation template has only intrinsic-function tags"}


def test_the_external_data_source_stays_unknown(tmp_path, no_network, no_processes):
    from iaclint.frontends.terraform.module import load_module

    _booby_trapped_tree(tmp_path / "repo", tmp_path / MARKER)
    directory = tmp_path / "repo" / "tf"
    result = finishes(load_module, str(directory), [str(directory / "main.tf")])
    (bucket,) = [r for r in result.resources if r.address == "aws_s3_bucket.b"]
    assert isinstance(bucket.attributes["bucket"], Unknown)
    assert not (tmp_path / MARKER).exists()


def test_yaml_python_tags_are_a_parse_error_not_a_call(tree, tmp_path):
    marker = tmp_path / MARKER
    (tree / "bad" / "t.yaml").write_text(
        f"AWSTemplateFormatVersion: '2010-09-09'\nX: !!python/object/apply:os.system ['touch {marker}']\n"
        f"Y: !!python/object/new:subprocess.Popen [['touch', '{marker}']]\nResources: {{}}\n")
    result = run_scan()
    assert parse_errors(result) == {"bad/t.yaml": "unsupported YAML tag !!python/object/apply:os.system: "
                                                  "a CloudFormation template has only intrinsic-function tags"}
    assert good_is_scanned(result) and not marker.exists()


SECRET = "top-secret-value-outside-the-tree"


@pytest.mark.parametrize("call", [
    'file("../../secret.txt")', 'file("${path.module}/../../secret.txt")', 'file("/{secret}")',
    'file("link.txt")', 'file("linkdir/secret.txt")', 'templatefile("../../secret.txt", {})',
    'filebase64("../../secret.txt")', 'fileexists("../../secret.txt")',
])
def test_file_never_reads_outside_the_scanned_tree(tmp_path, monkeypatch, call):
    """The module is `tree/mod` in the git work tree `tree`: `../x` from the module is
    inside the tree, `../../x` is not, and neither is a symlink that leads out of it."""
    (tmp_path / "secret.txt").write_text(SECRET)
    module = tmp_path / "tree" / "mod"
    module.mkdir(parents=True)
    (tmp_path / "tree" / ".git").mkdir()
    (tmp_path / "tree" / "inside.txt").write_text("inside")
    os.symlink(tmp_path / "secret.txt", module / "link.txt")
    os.symlink(tmp_path, module / "linkdir")
    monkeypatch.chdir(tmp_path / "tree")
    call = call.replace("{secret}", str(tmp_path / "secret.txt").lstrip("/"))
    (module / "main.tf").write_text(f'resource "aws_s3_bucket" "b" {{\n  x = {call}\n  y = file("../inside.txt")\n}}\n')
    from iaclint.frontends.terraform.module import load_module

    result = finishes(load_module, "mod", ["mod/main.tf"])
    attributes = result.resources[0].attributes
    assert isinstance(attributes["x"], Unknown) and "outside the scanned tree" in attributes["x"].reason
    assert SECRET not in repr(attributes)
    assert attributes["y"] == "inside"  # the rule is not "no file() at all"
