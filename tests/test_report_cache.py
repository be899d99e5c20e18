"""Rendered reports from the cache (`iaclint.pipeline.report_cache`): on a whole-scan hit,
a report is the text rendering would produce, in every cached format, and changing any
one thing its bytes depend on misses."""
from __future__ import annotations

import json
import os
import shutil
import textwrap

import pytest
from conftest import FIXTURES
from test_environments import TEMPLATE

from iaclint.api import scan_reports
from iaclint.faces.cli import main
from iaclint.pipeline.cache import Cache
from iaclint.pipeline.report_cache import CACHEABLE

NOTEBOOK = textwrap.dedent('''\
    resource "aws_sagemaker_notebook_instance" "nb_{i}" {{
      name                   = "nb-{i}"
      role_arn               = "arn:aws:iam::123456789012:role/sm"
      instance_type          = "ml.t3.medium"
      direct_internet_access = {access}
    }}
    ''')
USER_POLICY = textwrap.dedent('''\
    metadata:
      id: CUSTOM_1
      name: notebook-needs-owner-tag
      severity: low
    definition:
      cond_type: attribute
      resource_types: [aws_sagemaker_notebook_instance]
      attribute: tags.owner
      operator: exists
    ''')
PAGE = "# CUSTOM_1 notebook-needs-owner-tag\n\n## What it flags\n\nA notebook without an owner tag{}.\n"


def _tree(root):
    """Findings of every kind a report shows: failed, unknown, suppressed, with
    environments, a file read through `file()`; attack paths in `examples/`."""
    shutil.copytree(FIXTURES / "examples" / "bedrock-secure", root / "examples" / "bedrock-secure")
    (root / "tf").mkdir()
    (root / "tf" / "main.tf").write_text(
        'variable "access" {}\n' + NOTEBOOK.format(i=0, access="var.access")
        + NOTEBOOK.format(i=1, access='"Enabled"')
        + "# iaclint:ignore IAC201 -- a lab notebook\n" + NOTEBOOK.format(i=2, access='"Enabled"')
        + 'resource "aws_iam_policy" "p" {\n  policy = file("policy.tpl")\n}\n')
    _policy_json(root, "s3:GetObject")
    (root / "cfn").mkdir()
    (root / "cfn" / "template.yaml").write_text(TEMPLATE)
    (root / "cfn" / "prod-config.json").write_text(json.dumps({"Parameters": {"Access": "Enabled"}}))
    (root / "cfn" / "staging-config.json").write_text(json.dumps({"Parameters": {"Access": "Disabled"}}))
    (root / "pack").mkdir()
    (root / "pack" / "owner.yaml").write_text(USER_POLICY)
    (root / "pack" / "notebook-needs-owner-tag.md").write_text(PAGE.format(""))


def _policy_json(root, action: str):
    (root / "tf" / "policy.tpl").write_text(json.dumps({"Statement": [{"Effect": "Allow", "Action": action,
                                                                         "Resource": "*"}]}))


def _texts(scanned) -> list:
    return ["".join(pieces) for pieces in scanned.pieces]


@pytest.fixture
def tree(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    root.mkdir()
    _tree(root)
    monkeypatch.chdir(root)
    return root


ALL = [(fmt, False) for fmt in sorted(CACHEABLE)]
BASE = {"policy_dirs": ("pack",)}


def test_a_cached_report_is_the_rendered_one_in_every_format(tree, tmp_path):
    shutil.copytree(FIXTURES / "examples", tree / "examples", dirs_exist_ok=True)  # attack paths
    cache = Cache(tmp_path / "cache")
    first = scan_reports(["."], ALL, cache=cache, **BASE)
    rendered = _texts(first)
    assert first.result is not None
    hit = scan_reports(["."], ALL, cache=cache, **BASE)
    assert hit.result is None  # nothing evaluated, nothing rendered
    fresh = scan_reports(["."], ALL, **BASE)  # no cache at all
    assert _texts(hit) == rendered == _texts(fresh)
    assert hit.outcome == first.outcome == fresh.outcome
    report = json.loads(rendered[[fmt for fmt, _ in ALL].index("json")])
    kinds = {key for f in report["findings"] + report["unknowns"] for key in ("flows", "environments") if f.get(key)}
    assert kinds == {"flows", "environments"} and report["summary"]["suppressed"] == 1 and report["unknowns"]
    assert {f["policy_id"] for f in report["findings"]} >= {"IAC201", "CUSTOM_1", "IAC301"}


def test_text_and_gitlab_are_never_cached(tree, tmp_path):
    """The text report prints the elapsed time, GitLab's the scan's start and end."""
    cache = Cache(tmp_path / "cache")
    for _ in range(2):
        scanned = scan_reports(["."], [("text", False), ("gitlab", False)], cache=cache, **BASE)
        assert scanned.result is not None
        _texts(scanned)
    assert scan_reports(["."], [("json", False)], cache=cache, **BASE).result is not None
    assert scan_reports(["."], [("text", False), ("json", False)], cache=cache, **BASE).result is not None


def _page_edited(root):
    (root / "pack" / "notebook-needs-owner-tag.md").write_text(PAGE.format(", edited"))


def _policy_read_through_file_edited(root):
    _policy_json(root, "bedrock:*")


def _template_edited(root):
    (root / "cfn" / "template.yaml").write_text(TEMPLATE.replace("ml.t3.medium", "ml.t3.large"))


# Each changes one thing a report's bytes may depend on: the report must miss, and be
# what rendering with that change gives.
CHANGES = {
    "format": ({"fmt": "sarif", "stored": "json"}, None),
    "colour": ({"colour": True}, None),
    "paths as given": ({"paths": ["./"]}, None),
    "a path that does not exist": ({"paths": [".", "missing.tf"]}, None),
    "absolute paths": ({"paths": "absolute"}, None),
    "working directory": ({"cwd": "tf", "paths": "absolute", "stored_paths": "absolute"}, None),
    "baseline": ({"baseline": "first"}, None),
    "strict": ({"strict": True}, None),
    "show suppressed": ({"show_suppressed": True}, None),
    "select": ({"select": ("IAC201",)}, None),
    "ignore": ({"ignore": ("IAC201",)}, None),
    "extend select": ({"extend_select": ("IAC419",)}, None),
    "severity": ({"severity": {"IAC201": "low"}}, None),
    "environment": ({"environment": "prod"}, None),
    "exclude": ({"exclude": ("cfn/**",)}, None),
    "options": ({"options": {"trusted_accounts": ["111111111111"]}}, None),
    "variables": ({"variables": {"access": "Disabled"}}, None),
    "work budget": ({"work_budget": 123_456}, None),
    "a policy page (sarif)": ({"fmt": "sarif"}, _page_edited),
    "a file read through file()": ({}, _policy_read_through_file_edited),
    "a scanned file": ({}, _template_edited),
}


@pytest.mark.parametrize("change", list(CHANGES), ids=list(CHANGES))
def test_changing_any_one_input_of_the_report_misses(tree, tmp_path, monkeypatch, change):
    asked, edit = CHANGES[change]
    asked = dict(asked)
    fmt, colour = asked.pop("fmt", "json"), asked.pop("colour", False)
    stored = asked.pop("stored", fmt)
    stored_paths = [str(tree)] if asked.pop("stored_paths", "") == "absolute" else ["."]
    cache = Cache(tmp_path / "cache")
    base = {"policy_dirs": (str(tree / "pack"),)}
    first = scan_reports(stored_paths, [(stored, False)], cache=cache, **base)
    _texts(first)
    assert scan_reports(stored_paths, [(stored, False)], cache=cache, **base).result is None  # stored
    paths = asked.pop("paths", ["."])
    if paths == "absolute":
        paths = [str(tree)]
    if asked.get("baseline") == "first":
        asked["baseline"] = frozenset({first.result.findings[0].fingerprint})
    if "cwd" in asked:
        monkeypatch.chdir(tree / asked.pop("cwd"))
    if edit:
        edit(tree)
    base = {"policy_dirs": (str(tree / "pack"),)}  # the same policies from another directory
    changed = scan_reports(paths, [(fmt, colour)], cache=cache, **base, **asked)
    assert changed.result is not None  # a miss: evaluated (or taken from the whole-scan cache) and rendered
    fresh = _texts(scan_reports(paths, [(fmt, colour)], **base, **asked))
    assert _texts(changed) == fresh
    again = scan_reports(paths, [(fmt, colour)], cache=cache, **base, **asked)
    assert again.result is None and _texts(again) == fresh


def test_a_report_is_stored_only_once_written_whole(tree, tmp_path):
    cache = Cache(tmp_path / "cache")
    pieces = iter(scan_reports(["."], [("json", False)], cache=cache, **BASE).pieces[0])
    next(pieces)  # the reader stopped after the first piece
    del pieces
    assert not [p for p in (tmp_path / "cache").rglob(".iaclint-*")]  # the entry being written is gone
    assert scan_reports(["."], [("json", False)], cache=cache, **BASE).result is not None


def test_the_command_line_from_the_cache_prints_and_exits_as_rendered(tree, tmp_path, capsys):
    """Standard output, a report file, the notes on standard error and the exit code for
    every --fail-on are the same when the reports come from the cache."""
    runs = []
    for cache in ("cache", "cache", None, "cache"):
        for fail_on in ("info", "critical"):
            out_file = tmp_path / f"report-{len(runs)}.sarif"
            argv = ["scan", "tf", "cfn", "examples/bedrock-secure", "--policy-dir", "pack", "--strict", "--format", "json", "--format", "sarif",
                    "--output", str(out_file), "--fail-on", fail_on]
            argv += ["--cache-dir", str(tmp_path / cache)] if cache else ["--no-cache"]
            code = main(argv)
            out, err = capsys.readouterr()
            runs.append((fail_on, code, out, err, out_file.read_text()))
    assert [code for _, code, *_ in runs] == [1, 0] * 4
    by_fail_on = {}
    for fail_on, *rest in runs:
        by_fail_on.setdefault(fail_on, set()).add(tuple(rest))
    assert all(len(same) == 1 for same in by_fail_on.values()), "a cached run printed something else"
    assert "iaclint: note:" in runs[0][3]  # --strict notes unchecked AI resources: said from the cache too
    assert os.path.isdir(tmp_path / "cache")


@pytest.mark.parametrize("encoding", ["utf-8", "latin-1"])
def test_a_report_from_the_cache_has_the_rendered_bytes_on_standard_output(tmp_path, encoding):
    """From the cache, a report goes to a UTF-8 standard output as the stored bytes, and
    to any other as text: the bytes of a rendered report either way (non-ASCII text too)."""
    import subprocess
    import sys

    (tmp_path / "módulo").mkdir()
    (tmp_path / "módulo" / "main.tf").write_text(NOTEBOOK.format(i=0, access='"Enabled"'))
    env = dict(os.environ, PYTHONIOENCODING=encoding)
    outputs = []
    for cache in ("--cache-dir", "--cache-dir", "--no-cache"):
        argv = [sys.executable, "-m", "iaclint", "scan", ".", "--format", "markdown", cache]
        argv += [str(tmp_path / "cache")] if cache == "--cache-dir" else []
        done = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, check=False)
        assert done.returncode == 1, done.stderr
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] == outputs[2]
    assert "módulo".encode(encoding) in outputs[0]


def _side_files(cache_dir) -> list:
    return sorted(p for p in cache_dir.rglob("*.bytes"))


def _rewrite_keeping_size_and_mtime(path, data: bytes):
    """Write `data` (of the same size) into the same inode and put the old modification
    time back; waits until the change time has moved on."""
    import time

    before = os.stat(path)
    while True:
        with open(path, "r+b") as handle:
            handle.write(data)
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        if os.stat(path).st_ctime_ns != before.st_ctime_ns:
            return
        time.sleep(0.01)


@pytest.mark.parametrize("attack", ["rewritten-in-place", "replaced-by-rename", "another-users", "truncated",
                                    "removed", "symlink"])
def test_the_stored_report_is_its_side_file_only_while_unchanged(tree, tmp_path, monkeypatch, attack):
    """The report's bytes are kept beside its signed entry, which names the side file by
    device, inode, size, modification and change time (no MAC over the report: it cost
    6-7 ms of a warm scan). A side file changed in any way, or not the user's, is a miss:
    the report is rendered again (and stored again), never the planted bytes."""
    cache_dir = tmp_path / "cache"
    first = _texts(scan_reports(["."], [("json", False)], cache=Cache(cache_dir), **BASE))
    hit = scan_reports(["."], [("json", False)], cache=Cache(cache_dir), **BASE)
    assert hit.result is None and _texts(hit) == first
    [side] = _side_files(cache_dir)
    assert side.read_bytes() == first[0].encode("utf-8") and side.stat().st_mode & 0o777 == 0o600
    planted = first[0].replace("IAC201", "IAC999").encode("utf-8")
    assert len(planted) == side.stat().st_size and planted != side.read_bytes()
    if attack == "rewritten-in-place":
        _rewrite_keeping_size_and_mtime(side, planted)
    elif attack == "replaced-by-rename":
        before = side.stat()
        other = side.with_name("planted")
        other.write_bytes(planted)
        os.chmod(other, 0o600)
        os.utime(other, ns=(before.st_atime_ns, before.st_mtime_ns))
        os.replace(other, side)
    elif attack == "another-users":
        pass  # the same file, but the next scan runs as another user (below)
    elif attack == "truncated":
        with open(side, "r+b") as handle:
            handle.truncate(100)
    elif attack == "removed":
        side.unlink()
    else:
        target = tmp_path / "planted.json"
        target.write_bytes(planted)
        side.unlink()
        side.symlink_to(target)
    cache = Cache(cache_dir)
    if attack == "another-users":  # with the key read: from here on, the side file is not theirs
        uid = os.getuid()
        monkeypatch.setattr(os, "getuid", lambda: uid + 1)
    again = scan_reports(["."], [("json", False)], cache=cache, **BASE)
    assert again.result is not None and _texts(again) == first  # rendered again, the scan's own report
    assert cache.misses >= 1


def test_a_side_file_stored_again_is_a_hit_again(tree, tmp_path):
    cache_dir = tmp_path / "cache"
    first = _texts(scan_reports(["."], [("json", False)], cache=Cache(cache_dir), **BASE))
    [side] = _side_files(cache_dir)
    _rewrite_keeping_size_and_mtime(side, side.read_bytes())  # the same bytes, but touched
    missed = scan_reports(["."], [("json", False)], cache=Cache(cache_dir), **BASE)
    assert missed.result is not None and _texts(missed) == first  # rendered, and stored again
    hit = scan_reports(["."], [("json", False)], cache=Cache(cache_dir), **BASE)
    assert hit.result is None and _texts(hit) == first


def test_a_side_file_that_changes_while_it_is_read_is_an_error_not_a_short_report(tree, tmp_path, capsys,
                                                                                  monkeypatch):
    """The side file is read in chunks through the descriptor that was checked; one that
    ends before its recorded size (only its owner can truncate it) stops the command with
    exit 2 and a message, never a report cut short as if it were whole."""
    from iaclint.pipeline.cache import SideFile

    cache_dir = tmp_path / "cache"
    args = ["scan", ".", "--format", "json", "--cache-dir", str(cache_dir), "--policy-dir", "pack"]
    assert main(args) == 1
    whole = capsys.readouterr().out
    [side] = _side_files(cache_dir)
    entry = Cache(cache_dir).get(side.name[:-len(".bytes")], count=False)
    opened = SideFile.open(str(side), entry[1])
    with open(side, "r+b") as handle:  # truncated after the check
        handle.truncate(10)
    with pytest.raises(OSError, match="changed while it was read"):
        list(opened.chunks())
    with pytest.raises(ValueError):
        list(opened.chunks())  # read once
    monkeypatch.setattr(SideFile, "CHUNK", 1000)
    [side] = _side_files(cache_dir)
    assert main(args) == 1  # a miss (the truncated file is not the recorded one): rendered and stored again
    assert capsys.readouterr().out == whole
    real_open = SideFile.open

    def shrinking(path, recorded):
        opened = real_open(path, recorded)
        if opened is not None:
            with open(path, "r+b") as handle:
                handle.truncate(2500)
        return opened

    monkeypatch.setattr(SideFile, "open", staticmethod(shrinking))
    monkeypatch.setattr("iaclint.faces.cli._utf8_stdout", lambda: True)
    assert main(args) == 2
    captured = capsys.readouterr()
    assert "cannot read the stored report" in captured.err and "Traceback" not in captured.err
    assert whole.startswith(captured.out) and len(captured.out) == 2500  # what was there, then the stop
