"""A JSON report rendered in two parts (`formatters.json_format.iter_json(parts=...)`), the
second by a forked child (`pipeline.forked.in_order`), is the report rendered in one: the
parts joined in order, every cut point, suppressed findings, environments and attack
paths included; and the command line that renders it so still writes the whole-scan
entry (in that child)."""
from __future__ import annotations

import json
import os
import shutil
from itertools import chain

import pytest
from conftest import FIXTURES
from test_report_cache import BASE, _tree

from iaclint import api
from iaclint.formatters import json_format
from iaclint.pipeline import forked, scan


@pytest.fixture
def tree(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    root.mkdir()
    _tree(root)
    shutil.copytree(FIXTURES / "examples", root / "examples", dirs_exist_ok=True)  # attack paths
    monkeypatch.chdir(root)
    return root


@pytest.fixture(autouse=True)
def idle(monkeypatch):
    """A core is idle (`forked.idle_core`), whatever else runs on the machine meanwhile."""
    monkeypatch.setattr(forked, "idle_core", lambda: True)


@pytest.fixture
def result(tree):
    found = api.scan(["."], strict=True, show_suppressed=True, **BASE)
    kinds = {key for f in found.findings + found.unknowns for key in ("flows", "environments") if getattr(f, key)}
    assert kinds == {"flows", "environments"} and found.suppressed == 1 and found.unknowns
    return found


def _in_order(first, second):
    return chain(first(), second())


def _swapped(first, second):
    return chain(second(), first())


@pytest.mark.parametrize("share", [0, 0.01, 0.3, 0.5, 0.97, 1, 2])
def test_the_parts_joined_in_order_are_the_report(result, monkeypatch, share):
    whole = json_format.format_json(result)
    monkeypatch.setattr(json_format, "SPLIT_MIN", 1)
    monkeypatch.setattr(json_format, "BATCH", 3)  # many batches: cuts inside the findings
    monkeypatch.setattr(json_format, "FIRST_SHARE", share)
    asked = []
    parts = "".join(json_format.iter_json(result, parts=lambda a, b: asked.append(1) or _in_order(a, b)))
    assert asked == [1] and parts == whole
    json.loads(parts)
    if 0 < share < 1:  # both parts hold records: joined the other way round, another text
        assert "".join(json_format.iter_json(result, parts=_swapped)) != whole


def test_a_small_report_is_rendered_in_one_run(result):
    asked = []
    json_format.iter_json(result, parts=lambda a, b: asked.append(1) or _in_order(a, b))
    assert "".join(json_format.iter_json(result, parts=lambda a, b: asked.append(1))) == \
        json_format.format_json(result)
    assert asked == []  # fewer records than SPLIT_MIN


def test_a_suppression_made_after_the_report_began_shows_in_both_parts(result, monkeypatch):
    """The parts are rendered from the findings as they are when each part runs (no record
    is rendered ahead of its suppression)."""
    monkeypatch.setattr(json_format, "SPLIT_MIN", 1)
    monkeypatch.setattr(json_format, "BATCH", 2)
    last = next(f for f in reversed(result.findings) if not f.suppressed)  # in the second part
    whole = json_format.format_json(result)
    last.suppressed, last.suppression_reason = True, "accepted"
    try:
        marked = json_format.format_json(result)
        assert "".join(json_format.iter_json(result, parts=_in_order)) == marked != whole
    finally:
        last.suppressed, last.suppression_reason = False, ""


def test_the_second_part_from_a_forked_child(result, monkeypatch, tmp_path):
    monkeypatch.setattr(json_format, "SPLIT_MIN", 1)
    monkeypatch.setattr(json_format, "BATCH", 2)
    whole = json_format.format_json(result)
    children = []
    marker = tmp_path / "then"

    def parts(first, second):
        return forked.in_order(first, second, then=lambda: marker.write_text(str(os.getpid())),
                               started=children.append)

    assert "".join(json_format.iter_json(result, parts=parts)) == whole
    assert len(children) == 1
    _, status = os.waitpid(children[0], 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert marker.read_text() == str(children[0])  # `then` ran in the child, after its part


def test_a_child_that_fails_its_part_leaves_it_to_the_scans_process(result, monkeypatch):
    monkeypatch.setattr(json_format, "SPLIT_MIN", 1)
    monkeypatch.setattr(json_format, "BATCH", 2)
    whole = json_format.format_json(result)
    here, children = os.getpid(), []

    def parts(first, second):
        def failing():
            if os.getpid() != here:
                raise RuntimeError("the child's part fails")
            return second()
        return forked.in_order(first, failing, started=children.append)

    assert "".join(json_format.iter_json(result, parts=parts)) == whole
    os.waitpid(children[0], 0)


def _cache_files(directory) -> set:
    return {os.path.relpath(os.path.join(d, f), directory) for d, _, files in os.walk(directory) for f in files}


def test_the_command_line_renders_in_two_processes_and_writes_the_scans_entry(tree, tmp_path, monkeypatch,
                                                                              capsys):
    """As `console` runs it (`_ENDS_AT_ONCE`), with two jobs: the report is the one a
    library scan renders, and the cache holds the same entries (the whole-scan one written
    by the child after its part), so a repeated scan in another format is a hit."""
    from iaclint.faces import cli

    monkeypatch.setattr(json_format, "SPLIT_MIN", 1)
    monkeypatch.setattr(json_format, "BATCH", 2)
    args = ["scan", ".", "--format", "json", "--policy-dir", "pack", "--strict", "--jobs", "2"]
    assert cli.main([*args, "--cache-dir", str(tmp_path / "one")]) == 1
    expected = capsys.readouterr()
    for name in ("UNTIL_EXIT", "LATER", "HELPERS"):
        monkeypatch.setattr(scan, name, None)  # restored after the test
    monkeypatch.setattr(cli, "_ENDS_AT_ONCE", True)
    calls = []
    real = forked.in_order
    monkeypatch.setattr(forked, "in_order", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert cli.main([*args, "--cache-dir", str(tmp_path / "two")]) == 1
    assert capsys.readouterr() == expected and calls == [1]
    assert scan.HELPERS == [] and scan.LATER == []  # the child waited for, nothing left to write
    assert _cache_files(tmp_path / "two") == _cache_files(tmp_path / "one")
    from iaclint.pipeline.cache import Cache

    monkeypatch.setattr(scan, "_load_and_check", lambda *a, **k: pytest.fail("evaluated again"))
    again = api.scan_reports(["."], [("sarif", False)], cache=Cache(tmp_path / "two"), policy_dirs=("pack",),
                             strict=True, jobs=2)
    assert again.result is not None and again.result.findings  # rendered from the whole-scan entry


def test_one_job_renders_and_writes_in_one_process(tree, tmp_path, monkeypatch, capsys):
    from iaclint.faces import cli

    monkeypatch.setattr(json_format, "SPLIT_MIN", 1)
    for name in ("UNTIL_EXIT", "LATER", "HELPERS"):
        monkeypatch.setattr(scan, name, None)
    monkeypatch.setattr(cli, "_ENDS_AT_ONCE", True)
    monkeypatch.setattr(forked, "in_order", lambda *a, **k: pytest.fail("forked with one job"))
    assert cli.main(["scan", ".", "--format", "json", "--policy-dir", "pack", "--jobs", "1",
                     "--cache-dir", str(tmp_path / "c")]) == 1
    assert json.loads(capsys.readouterr().out)["findings"]


def test_no_child_when_no_core_is_idle(result, monkeypatch):
    monkeypatch.setattr(json_format, "SPLIT_MIN", 1)
    monkeypatch.setattr(json_format, "BATCH", 2)
    monkeypatch.setattr(forked, "idle_core", lambda: False)
    monkeypatch.setattr(os, "fork", lambda: pytest.fail("forked on a busy machine"))
    children = []
    assert "".join(json_format.iter_json(result, parts=lambda a, b: forked.in_order(a, b, started=children.append))) \
        == json_format.format_json(result)
    assert children == []


def test_an_idle_core_is_told_from_the_runnable_tasks(monkeypatch, tmp_path):
    import builtins

    real_open = builtins.open

    def machine(running: int):
        def fake_open(path, *args, **kwargs):
            if path == "/proc/loadavg":
                target = tmp_path / "loadavg"
                target.write_bytes(f"0.50 0.40 0.30 {running}/200 4242\n".encode())
                return real_open(target, *args, **kwargs)
            return real_open(path, *args, **kwargs)
        return fake_open

    monkeypatch.undo()  # the real `idle_core`
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(builtins, "open", machine(1))
    assert forked.idle_core()  # only this process runs: the other core is idle
    monkeypatch.setattr(builtins, "open", machine(2))
    assert not forked.idle_core()
    monkeypatch.setattr(builtins, "open", machine(5))
    assert not forked.idle_core()
