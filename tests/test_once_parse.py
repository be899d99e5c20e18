"""Each `.tf` file of a module is parsed whole once (`iaclint.frontends.terraform.halves`):
a first pass reads only the blocks that are not resources (`hcl.parse_shared`: tree-sitter
on their lines alone), the module is built from them, then each file is parsed whole and
its resources evaluated while its tree is alive (`module.evaluate_files`). The result must
be what parsing every file first gives (`halves.by_blocks`), on every fixture and when the
first pass is wrong (the module is then loaded again that way)."""
from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from conftest import FIXTURES

from iaclint.frontends.terraform import halves, hcl, kept
from iaclint.frontends.terraform.module import load_module
from iaclint.frontends.terraform.tree import Mismatch
from iaclint.gate.reads import Tree
from iaclint.pipeline import forked

DIRECTORIES = sorted({p.parent for p in FIXTURES.rglob("*.tf")})


@pytest.fixture(autouse=True)
def _first_pass_always(monkeypatch):
    """A module whose trees are all kept (up to `kept.WHOLE_BYTES`: every fixture) is
    parsed whole first, each file once already; here every module is past it."""
    monkeypatch.setattr(kept._THREADS, "kept", kept.Kept(whole=0))


def _files(directory) -> list:
    return sorted(str(p) for p in directory.iterdir() if p.name.endswith((".tf", ".tf.json")))


def _dump(result) -> bytes:
    return pickle.dumps((result.resources, result.errors, result.notes, result.files_read, result.module_files,
                         result.inputs, result.effort))


def _all_parsed_first(monkeypatch):
    """Make every load take the procedure that parses every file whole first."""
    def wrong(*args, **kwargs):
        raise Mismatch("test")

    monkeypatch.setattr(halves, "load", wrong)


def _full_parses(monkeypatch) -> list:
    """The bytes of every whole parse of a file (the first pass's ranged parses are not)."""
    parses = []
    real = hcl._parse
    monkeypatch.setattr(hcl, "_parse", lambda data: parses.append(bytes(data)) or real(data))
    return parses


@pytest.mark.parametrize("directory", DIRECTORIES, ids=lambda d: str(d.relative_to(FIXTURES)))
def test_one_parse_a_file_gives_what_parsing_all_first_gives(directory, monkeypatch):
    monkeypatch.chdir(directory)
    once = _dump(load_module(str(directory), _files(directory), tree=Tree([FIXTURES])))
    _all_parsed_first(monkeypatch)
    assert _dump(load_module(str(directory), _files(directory), tree=Tree([FIXTURES]))) == once


def _module(tmp_path, files: int = 12, extra: dict | None = None, across: bool = True):
    """`files` files of resources with a data source and locals each, a local read from
    the next file (`across`) or from its own."""
    for i in range(files):
        other = (i + 1) % files if across else i
        (tmp_path / f"f{i:02}.tf").write_text(
            f'locals {{\n  name_{i} = "n{i}"\n}}\n\n'
            f'resource "aws_s3_bucket" "b{i}" {{\n  bucket = "${{local.name_{other}}}-${{var.v}}"\n}}\n\n'
            f'data "aws_iam_policy_document" "d{i}" {{\n  statement {{\n    actions   = ["s3:GetObject"]\n'
            f'    resources = ["arn:aws:s3:::${{local.name_{i}}}/*"]\n  }}\n}}\n\n'
            f'resource "aws_iam_policy" "p{i}" {{\n  policy = data.aws_iam_policy_document.d{i}.json\n}}\n')
    (tmp_path / "variables.tf").write_text('variable "v" {\n  default = "x"\n}\n')
    for name, text in (extra or {}).items():
        (tmp_path / name).write_text(text)
    return sorted(str(p) for p in tmp_path.iterdir())


@pytest.mark.parametrize("split", [False, True])
def test_each_file_is_parsed_whole_once(tmp_path, monkeypatch, split):
    """One big module's files were parsed twice (for their blocks, then again when their
    resources were evaluated, its trees not all kept); now once, split or not."""
    files = _module(tmp_path, across=False)
    if split:
        monkeypatch.setattr(halves, "SPLIT_MIN_BLOCKS", 10)
    monkeypatch.setattr(kept._THREADS, "kept", kept.Kept(limit=1024, whole=1024))
    parses = _full_parses(monkeypatch)
    result = load_module(str(tmp_path), files, tree=Tree([tmp_path]))
    assert len(result.resources) == 12 * 3 and not result.errors
    assert sorted(parses) == sorted(Path(f).read_bytes() for f in files)
    p0 = next(r for r in result.resources if r.address == "aws_s3_bucket.b0")
    assert p0.attributes["bucket"] == "n0-x"


def test_with_a_child_each_file_is_parsed_whole_once_in_one_process(tmp_path, monkeypatch):
    files = _module(tmp_path, across=False)
    monkeypatch.setattr(halves, "SPLIT_MIN_BLOCKS", 10)
    monkeypatch.setattr(halves, "FORK_MIN_BYTES", 0)
    one = _dump(load_module(str(tmp_path), files, tree=Tree([tmp_path])))
    parses = _full_parses(monkeypatch)
    halved = load_module(str(tmp_path), files, tree=Tree([tmp_path]), fork=forked.start)
    assert _dump(halved) == one
    here = [Path(f).read_bytes() for f in files[:halves._cut(_Sizes(), files)]]
    assert sorted(p for p in parses if p in here) == sorted(here)  # the child parsed the others
    # but `variables.tf`, of the child's half: its default is read here, where the variables are resolved
    assert [p for p in parses if p not in here] == [(tmp_path / "variables.tf").read_bytes()]


class _Sizes:
    def size(self, path):
        import os

        return os.path.getsize(path)


def test_no_file_is_parsed_more_than_pin_after_times(tmp_path, monkeypatch):
    """Hostile input can make evaluation read every file's locals from every other file;
    with no room for trees, each file is parsed at most `PIN_AFTER` times (the first pass
    counts as one)."""
    files = _module(tmp_path, 8)
    monkeypatch.setattr(kept._THREADS, "kept", kept.Kept(limit=0, whole=0))
    parses = _full_parses(monkeypatch)
    result = load_module(str(tmp_path), files, tree=Tree([tmp_path]))
    assert len(result.resources) == 8 * 3
    counts = [parses.count(Path(f).read_bytes()) for f in files]
    assert max(counts) <= kept.PIN_AFTER - 1 and sum(counts) > len(files)  # files parsed again, within the bound


HIDDEN = {
    # a top-level block not at column 0: the first pass does not see it
    "hidden.tf": 'resource "aws_s3_bucket" "h" {\n  bucket = local.hidden\n}\n  locals {\n    hidden = "found"\n  }\n',
}
HEREDOC = {
    # lines of a heredoc that read like blocks: the first pass's ranges are not blocks
    "heredoc.tf": 'resource "aws_instance" "i" {\n  user_data = <<EOF\nlocals {\n  x = 1\n}\n'
                  'resource "aws_s3_bucket" "fake" {\nEOF\n}\n',
}


@pytest.mark.parametrize("extra", [HIDDEN, HEREDOC], ids=["hidden", "heredoc"])
@pytest.mark.parametrize("split", [False, True])
def test_a_wrong_first_pass_gives_what_parsing_all_first_gives(tmp_path, monkeypatch, extra, split):
    files = _module(tmp_path, 12, extra)
    if split:
        monkeypatch.setattr(halves, "SPLIT_MIN_BLOCKS", 37)  # the heredoc's fake resource is the 37th
    once = load_module(str(tmp_path), files, tree=Tree([tmp_path]))
    _all_parsed_first(monkeypatch)
    assert _dump(once) == _dump(load_module(str(tmp_path), files, tree=Tree([tmp_path])))
    if extra is HIDDEN:
        assert next(r for r in once.resources if r.address == "aws_s3_bucket.h").attributes["bucket"] == "found"


def test_a_wrong_first_pass_is_found_and_the_module_loaded_again(tmp_path, monkeypatch):
    files = _module(tmp_path, 3, HIDDEN)
    started = []
    by_blocks = halves.by_blocks
    monkeypatch.setattr(halves, "by_blocks", lambda *args: started.append(args) or by_blocks(*args))
    load_module(str(tmp_path), files, tree=Tree([tmp_path]))
    assert len(started) == 1


def test_parse_errors_keep_their_order(tmp_path, monkeypatch):
    """Parse errors come before the variables' errors and the evaluation's, in file order,
    as when every file was parsed first."""
    files = _module(tmp_path, 4, {
        "a_broken.tf": 'resource "aws_s3_bucket" "a" {\n  bucket = \n',
        "b_twice.tf": 'resource "aws_s3_bucket" "t" {\n  bucket = "a"\n  bucket = "b"\n}\n',
        "terraform.tfvars": "v = \n",
    })
    files = [f for f in files if f.endswith(".tf")]
    monkeypatch.chdir(tmp_path)
    once = load_module(str(tmp_path), files, tree=Tree([tmp_path]))
    assert len(once.errors) >= 3
    _all_parsed_first(monkeypatch)
    assert once.errors == load_module(str(tmp_path), files, tree=Tree([tmp_path])).errors


def test_a_small_module_is_parsed_whole_first_without_a_first_pass(tmp_path, monkeypatch):
    """Up to `kept.WHOLE_BYTES` every tree is kept until the module is evaluated: each file
    is parsed once that way, and a first pass would cost more than it saves (measured)."""
    files = _module(tmp_path, 3)
    monkeypatch.setattr(kept._THREADS, "kept", kept.Kept())
    first = []
    real = hcl.parse_shared
    monkeypatch.setattr(hcl, "parse_shared", lambda path, data: first.append(path) or real(path, data))
    parses = _full_parses(monkeypatch)
    assert len(load_module(str(tmp_path), files, tree=Tree([tmp_path])).resources) == 9
    assert first == [] and len(parses) == len(files)


def test_a_module_with_calls_is_parsed_whole_first_without_a_first_pass(tmp_path, monkeypatch):
    """Module calls read blocks across the evaluation (`halves.by_blocks`): the first lines
    show the call, so no file's first pass is made."""
    files = _module(tmp_path, 3, {"calls.tf": 'module "m" {\n  source = "./child"\n}\n'})
    (tmp_path / "child").mkdir()
    (tmp_path / "child" / "main.tf").write_text('resource "aws_s3_bucket" "c" {\n  bucket = "c"\n}\n')
    first = []
    real = hcl.parse_shared
    monkeypatch.setattr(hcl, "parse_shared", lambda path, data: first.append(path) or real(path, data))
    result = load_module(str(tmp_path), [f for f in files if f.endswith(".tf")], tree=Tree([tmp_path]))
    assert first == [] and "module.m.aws_s3_bucket.c" in {r.address for r in result.resources}


def test_first_lines_cost_linear_time():
    """The first pass reads a hostile file's first lines in one linear scan: a pattern with
    the labels as a repeated group backtracked exponentially on `resource` and a run of
    letters (22 letters: 39 s)."""
    data = b"".join([b"resource " + b"a" * 200 + b"\n", b"resource " + b'"a' * 100_000 + b"\n",
                     b"locals " + b"b " * 100_000 + b"\n", b"locals {\n  x = 1\n}\n"])
    shared = hcl.parse_shared("hostile.tf", data)
    assert [b.type for b in shared.shared] == ["locals"] and shared.evaluated == 0


def test_a_heredoc_cannot_plant_a_variable_through_the_first_pass(tmp_path):
    """Hostile layout: a heredoc whose lines read like a `variable` block with another
    default, at column 0 where the first pass looks for blocks. The value the resource
    gets is the real variable's, as when every file is parsed first."""
    (tmp_path / "a_vars.tf").write_text(  # before main.tf: a planted duplicate would come last
        'variable "access" {\n  default = "Disabled"\n}\n')
    (tmp_path / "main.tf").write_text(
        'resource "aws_sagemaker_notebook_instance" "nb" {\n'
        '  name = "nb"\n'
        '  direct_internet_access = var.access\n'
        '  lifecycle_config_name = <<EOT\n'
        'variable "access" {\n  default = "Enabled"\n}\n'
        'resource "aws_s3_bucket" "fake" {\n'  # ends the planted block's range: it parses alone
        'EOT\n}\n')
    files = _files(tmp_path)
    result = load_module(str(tmp_path), files, tree=Tree([tmp_path]))
    notebook = next(r for r in result.resources if r.address == "aws_sagemaker_notebook_instance.nb")
    assert notebook.attributes["direct_internet_access"] == "Disabled"
    assert notebook.attributes["lifecycle_config_name"] == (
        'variable "access" {\n  default = "Enabled"\n}\nresource "aws_s3_bucket" "fake" {\n')
    assert [r.address for r in result.resources] == ["aws_sagemaker_notebook_instance.nb"]
