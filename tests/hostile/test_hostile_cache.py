"""The cache cannot execute anything (`iaclint.pipeline.cache`): an entry is unpickled
only when it carries the user's signature, so a "cache" committed to a repository or
planted in a shared directory is a miss, never code."""
from __future__ import annotations

import os
import pickle

import pytest
from harness import MARKER, NOTEBOOK, assert_inert, iaclint, repository


class Planted:
    """Unpickling this runs `open(marker, 'w')`."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return open, (self.marker, "w")


@pytest.fixture
def world(tmp_path):
    repo = repository(tmp_path / "repo")
    for i in range(3):
        (repo / f"m{i}").mkdir()
        (repo / f"m{i}" / "main.tf").write_text(NOTEBOOK.replace('"Disabled"', '"Enabled"'))
    home = tmp_path / "home"
    home.mkdir()
    return repo, home, tmp_path / MARKER


def entries(directory):
    return [p for p in directory.rglob("*") if p.is_file() and p.name != "signing.key"]


@pytest.mark.parametrize("keep_header", [False, True], ids=["bare-pickle", "forged-header"])
def test_a_planted_cache_entry_never_runs(world, keep_header):
    repo, home, marker = world
    cache = repo / ".cache"
    first = iaclint("scan", ".", "--cache-dir", cache, "--format", "json", cwd=repo, home=home)
    assert_inert(first, code=1)
    written = entries(cache)
    assert len(written) == 5  # three units, the whole scan and its JSON report (report_cache)
    evil = pickle.dumps(Planted(marker))
    for entry in written:
        head = entry.read_bytes()[:len(b"IACLINT-CACHE-2\n") + 32] if keep_header else b""
        entry.write_bytes(head + evil)
    again = iaclint("scan", ".", "--cache-dir", cache, "--format", "json", cwd=repo, home=home)
    assert_inert(again, code=1, markers=[marker])
    assert again.out == first.out  # misses, loaded again: the same report


def test_another_users_entries_are_misses(world, tmp_path):
    """Two users sharing a cache directory (or a repository shipping one) do not share
    entries: each signs with their own key."""
    repo, home, marker = world
    cache = tmp_path / "shared-cache"
    other_home = tmp_path / "other"
    other_home.mkdir()
    iaclint("scan", ".", "--cache-dir", cache, cwd=repo, home=other_home)
    from iaclint.pipeline.cache import Cache

    theirs = Cache(cache, key_file=other_home / ".cache" / "iaclint" / "signing.key")
    mine = Cache(cache, key_file=home / "signing.key")
    key = next(p.name for p in entries(cache))
    assert theirs.get(key) is not None
    assert mine.get(key) is None and mine.misses == 1


def test_a_key_others_can_read_turns_the_cache_off(world):
    repo, home, _ = world
    key = home / ".cache" / "iaclint" / "signing.key"
    key.parent.mkdir(parents=True)
    key.write_bytes(os.urandom(32))
    key.chmod(0o644)
    run = iaclint("scan", ".", cwd=repo, home=home)
    assert_inert(run, code=1)
    assert "cache not used: the cache signing key" in run.err and "mode 0600" in run.err
    assert entries(home / ".cache" / "iaclint") == []


def test_the_signing_key_is_private(world):
    repo, home, _ = world
    iaclint("scan", ".", cwd=repo, home=home)
    key = home / ".cache" / "iaclint" / "signing.key"
    assert key.stat().st_mode & 0o777 == 0o600 and len(key.read_bytes()) == 32
    assert (home / ".cache" / "iaclint").stat().st_mode & 0o077 == 0


def test_a_malformed_but_signed_entry_is_a_miss(world, tmp_path):
    """An entry that passes the signature but is not a unit's result (another iaclint's
    layout) is ignored and rewritten, never a traceback."""
    from iaclint.pipeline.cache import Cache

    repo, home, _ = world
    cache_dir = tmp_path / "c"
    first = iaclint("scan", ".", "--cache-dir", cache_dir, "--format", "json", cwd=repo, home=home)
    cache = Cache(cache_dir, key_file=home / ".cache" / "iaclint" / "signing.key")
    for entry in entries(cache_dir):
        cache.put(entry.name, ("not", "a", "result"))
    again = iaclint("scan", ".", "--cache-dir", cache_dir, "--format", "json", cwd=repo, home=home)
    assert_inert(again, code=1)
    assert again.out == first.out
