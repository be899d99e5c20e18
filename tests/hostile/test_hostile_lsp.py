"""The Language Server follows the trust model (docs/security.md): opening a file never
loads a repository's policies, and one scan that does not end cannot stop diagnostics
for the other files. The server runs isolated, under the memory limit."""
from __future__ import annotations

import sys
import textwrap
import time

import pytest
from harness import MARKER, MEMORY_LIMIT, NOTEBOOK, TEMPLATE, planted_python

pytest.importorskip("pygls", reason="pygls is not installed (the lsp and test extras have it)")
pytest_lsp = pytest.importorskip("pytest_lsp", reason="pytest-lsp is not installed (the test extra has it)")

from lsprotocol import types  # noqa: E402
from pygls.uris import from_fs_path  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402
from test_lsp import codes, open_doc, published_for, recording_client  # noqa: E402

SERVER = [sys.executable, "-I", "-c",
          f"import resource; resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT}, {MEMORY_LIMIT})); "
          "from iaclint.faces.cli import main; raise SystemExit(main(['lsp']))"]
SLOW_POLICY = textwrap.dedent('''\
    import time

    from iaclint.engine.policy import PASS, Policy


    class Slow(Policy):
        id = "IAC990"
        name = "slow-on-purpose"
        title = "Takes a long time on resources named slow"
        severity = "low"
        category = "test"
        resource_types = ("aws_s3_bucket",)

        def check(self, resource, ctx):
            if "slow" in resource.address:
                time.sleep(30)
            yield PASS()
    ''')


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, client_factory=recording_client))
async def editor(lsp_client: LanguageClient, tmp_path):
    (tmp_path / "slow-policies").mkdir()
    (tmp_path / "slow-policies" / "slow.py").write_text(SLOW_POLICY)
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"), root_uri=from_fs_path(str(tmp_path)),
        initialization_options={"iaclint": {"select": ["IAC201", "IAC990"], "debounce": 0.1, "scanTimeout": 1,
                                            "policyDirs": [str(tmp_path / "slow-policies")]}}))
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_opening_a_file_never_loads_the_repositorys_policies(editor: LanguageClient, tmp_path):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "pol").mkdir()
    marker = tmp_path / MARKER
    (repo / "pol" / "evil.py").write_text(planted_python(marker))
    (repo / ".iaclint.yaml").write_text("policy-dirs: [pol]\n")
    uri = open_doc(editor, repo / "main.tf", NOTEBOOK.replace('"Disabled"', '"Enabled"'))
    assert codes(await published_for(editor, uri)) == [("IAC201", 4)]
    assert not marker.exists()
    assert any("`policy-dirs` ignored" in m.message for m in editor.messages)


@pytest.mark.asyncio
async def test_a_scan_that_does_not_end_is_given_up_and_other_files_are_served(editor: LanguageClient, tmp_path):
    (tmp_path / "slow").mkdir()
    slow = open_doc(editor, tmp_path / "slow" / "main.tf", 'resource "aws_s3_bucket" "slow" {}\n')
    deadline = time.monotonic() + 20
    while not any("took longer than 1 s" in m.message for m in editor.messages):
        assert time.monotonic() < deadline, [m.message for m in editor.messages]
        await _pause()
    assert not [p for p in editor.published if p.uri == slow]
    (tmp_path / "other").mkdir()
    started = time.monotonic()
    uri = open_doc(editor, tmp_path / "other" / "stack.yaml", TEMPLATE, language="yaml")
    assert codes(await published_for(editor, uri, timeout=25)) == [("IAC201", 7)]
    assert time.monotonic() - started < 25  # served while the slow scan's thread (30 s) still runs


@pytest.mark.asyncio
async def test_a_buffer_larger_than_a_file_may_be_is_not_scanned(editor: LanguageClient, tmp_path):
    uri = open_doc(editor, tmp_path / "huge.tf", "#" * (21 * 1024 * 1024) + "\n")
    deadline = time.monotonic() + 30
    while not any("huge.tf is larger than 20 MB: not scanned" in m.message for m in editor.messages):
        assert time.monotonic() < deadline
        await _pause()
    (tmp_path / "other").mkdir()  # another module: the huge buffer's directory is not scanned
    small = open_doc(editor, tmp_path / "other" / "small.tf", NOTEBOOK.replace('"Disabled"', '"Enabled"'))
    assert codes(await published_for(editor, small)) == [("IAC201", 4)]
    assert not [p for p in editor.published if p.uri == uri]


async def _pause():
    import asyncio

    await asyncio.sleep(0.05)
