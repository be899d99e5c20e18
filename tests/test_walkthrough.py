"""The "Your first policy" walkthrough in docs/architecture.md works as written.

Every code block marked `<!-- walkthrough: PATH -->` is written to PATH in a temporary
directory; every `<!-- walkthrough-run: COMMAND -->` block is the exact finding lines the
command prints there, with the walkthrough's policies loaded as a policy directory (in
the repository they would sit in the built-in pack). A changed message, line or rule
breaks the page, and this test says so.
"""
from __future__ import annotations

import re
import shlex
import subprocess
import sys

import pytest
from conftest import ROOT, builtin_policies

from iaclint.engine import docs

PAGE = ROOT / "docs" / "architecture.md"
BLOCK = re.compile(r"<!-- walkthrough(-run)?: (.+?) -->\n(`{3,})[a-z]*\n(.*?)\n\3\n", re.S)
FINDING = re.compile(r"^\S+:\d+:\d+: IAC\d{3} ")


def _blocks():
    return BLOCK.findall(PAGE.read_text(encoding="utf-8"))


def test_the_walkthrough_has_files_and_runs():
    kinds = [bool(run) for run, *_ in _blocks()]
    assert kinds.count(False) >= 5 and kinds.count(True) >= 2


def test_walkthrough_ids_are_free():
    taken = {p.id for p in builtin_policies()}
    ids = set(re.findall(r"^  id: (IAC\d{3})$|^    id = \"(IAC\d{3})\"$", PAGE.read_text(), flags=re.M))
    ids = {a or b for a, b in ids}
    assert ids and not ids & taken, f"{ids & taken} became real policies: give the walkthrough free IDs"


@pytest.fixture
def tree(tmp_path):
    for run, where, _fence, body in _blocks():
        if not run:
            target = tmp_path / where
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(body + "\n", encoding="utf-8")
    return tmp_path


def test_walkthrough_pages_follow_the_format(tree):
    for page in (tree / "policies").rglob("*.md"):
        parsed = docs.parse(page.read_text(), str(page))
        assert set(parsed) - {"title_line"} == set(docs.FIELDS)


@pytest.mark.parametrize("command,expected", [(w, b) for run, w, _, b in _blocks() if run])
def test_walkthrough_command_prints_what_the_page_says(tree, command, expected):
    argv = shlex.split(command)
    assert argv[:2] == ["iaclint", "scan"]
    run = subprocess.run([sys.executable, "-m", "iaclint", "scan", "--policy-dir", "policies", *argv[2:]],
                         cwd=tree, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stderr
    got = [line for line in run.stdout.splitlines() if FINDING.match(line)]
    assert got == expected.splitlines()
