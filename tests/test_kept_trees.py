"""A module's syntax trees are not all kept while it loads (`iaclint.frontends.terraform.kept`):
a file whose tree was dropped is parsed again when one of its expressions is read. Loading
with no room for trees at all (every file parsed again on use) must give exactly what a
load with every tree kept gives, on every Terraform fixture; and no file is parsed more
than `PIN_AFTER` times, whatever order the load reads files in."""
from __future__ import annotations

import pickle

import pytest
from conftest import FIXTURES

from iaclint.frontends.terraform import hcl, kept
from iaclint.frontends.terraform.module import load_module
from iaclint.gate.reads import Tree

DIRECTORIES = sorted({p.parent for p in FIXTURES.rglob("*.tf")})


def _load(directory):
    files = sorted(str(p) for p in directory.iterdir() if p.name.endswith((".tf", ".tf.json")))
    result = load_module(str(directory), files, tree=Tree([FIXTURES]))
    return pickle.dumps((result.resources, result.errors, result.notes, result.files_read, result.module_files))


def test_there_are_fixture_modules():
    assert len(DIRECTORIES) > 100


@pytest.mark.parametrize("directory", DIRECTORIES, ids=lambda d: str(d.relative_to(FIXTURES)))
def test_a_load_that_parses_files_again_gives_the_same_result(directory, monkeypatch):
    monkeypatch.chdir(directory)
    kept_all = _load(directory)
    monkeypatch.setattr(kept.kept(), "limit", 0)  # only the file in use keeps its tree
    monkeypatch.setattr(kept.kept(), "whole", 0)
    assert _load(directory) == kept_all


def test_with_no_room_a_module_of_several_files_is_parsed_again(tmp_path, monkeypatch):
    """The test above can fail: files are parsed again, and values cross files."""
    (tmp_path / "a.tf").write_text('resource "aws_s3_bucket" "a" {\n  bucket = local.name\n}\n')
    (tmp_path / "b.tf").write_text('locals {\n  name = "from-b"\n}\n')
    parses = []
    real = hcl._parse
    monkeypatch.setattr(hcl, "_parse", lambda data: parses.append(data) or real(data))
    monkeypatch.setattr(kept.kept(), "limit", 0)
    monkeypatch.setattr(kept.kept(), "whole", 0)
    result = load_module(str(tmp_path), [str(tmp_path / "a.tf"), str(tmp_path / "b.tf")], tree=Tree([tmp_path]))
    assert [r.attributes["bucket"] for r in result.resources] == ["from-b"]
    assert len(parses) > 2


def test_a_file_parsed_pin_after_times_keeps_its_tree(monkeypatch):
    monkeypatch.setattr(kept._THREADS, "kept", kept.Kept(limit=0, whole=0))
    one, _ = hcl.parse_file("one.tf", b'resource "aws_s3_bucket" "a" {\n  bucket = "x"\n}\n')
    two, _ = hcl.parse_file("two.tf", b'resource "aws_s3_bucket" "b" {\n  bucket = "y"\n}\n')
    first, second = one[0].attributes["bucket"], two[0].attributes["bucket"]
    for _ in range(10):  # each read of one file drops the other's tree
        assert first.expr.text == b'"x"' and second.expr.text == b'"y"'
    # `one` was pinned first; `two` is then the only file kept and is not dropped again
    assert first.source.parses == kept.PIN_AFTER and second.source.parses <= kept.PIN_AFTER
    assert first.source.nodes is not None and second.source.nodes is not None


def _module_of(tmp_path, files: int, size: int):
    """`files` files of about `size` bytes each, every one read again when its resources
    are evaluated (after all files were parsed)."""
    for i in range(files):
        lines = [f'resource "aws_s3_bucket" "b{i}_{j}" {{\n  bucket = "{i}-{j}-{"x" * 40}"\n}}\n'
                 for j in range(size // 80)]
        (tmp_path / f"f{i:02}.tf").write_text("".join(lines))
    return sorted(str(p) for p in tmp_path.iterdir())


def test_a_module_a_little_over_the_limit_is_parsed_once(tmp_path, monkeypatch):
    """Up to `WHOLE_BYTES`, every tree is kept: dropping the least recently used one while
    a module is evaluated in file order dropped each file just before it was read again."""
    files = _module_of(tmp_path, 20, 4000)  # 80 KB: over LIMIT_BYTES, under WHOLE_BYTES
    parses = []
    real = hcl._parse
    monkeypatch.setattr(hcl, "_parse", lambda data: parses.append(data) or real(data))
    monkeypatch.setattr(kept._THREADS, "kept", kept.Kept())
    result = load_module(str(tmp_path), files, tree=Tree([tmp_path]))
    assert len(result.resources) == 20 * 50 and len(parses) == 20
    assert not kept.kept().big and kept.kept().total == 0  # cleared for the next module


def test_a_module_over_whole_bytes_keeps_only_limit_bytes(tmp_path, monkeypatch):
    files = _module_of(tmp_path, 20, 4000)
    parses = []
    real = hcl._parse
    monkeypatch.setattr(hcl, "_parse", lambda data: parses.append(data) or real(data))
    account = kept.Kept(limit=16 * 1024, whole=40 * 1024)
    monkeypatch.setattr(kept._THREADS, "kept", account)
    totals = []
    use = account.use
    monkeypatch.setattr(account, "use", lambda source: use(source) or totals.append(account.total))
    result = load_module(str(tmp_path), files, tree=Tree([tmp_path]))
    assert len(result.resources) == 20 * 50
    # each file parsed once, its resources evaluated while its tree is alive (`module.evaluate_files`),
    # which is then dropped: the account never holds more than the file in use
    assert len(parses) == 20 and max(totals) == max(len(p) for p in parses)


def test_each_thread_keeps_its_own_trees():
    """The editor server loads in threads: one load's eviction or `clear` must not drop
    the trees another thread is evaluating from."""
    import threading

    seen = []
    thread = threading.Thread(target=lambda: seen.append(kept.kept()))
    thread.start()
    thread.join()
    assert seen and seen[0] is not kept.kept() and isinstance(seen[0], kept.Kept)
