"""The cache cannot execute anything (`iaclint.pipeline.cache`): an entry is unpickled
only when it carries the user's signature, so a "cache" committed to a repository or
planted in a shared directory is a miss, never code."""
from __future__ import annotations

import os
import pickle
import time

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
    # three units, the whole scan, its JSON report (report_cache) and the report's bytes, the digest memo
    assert len(written) == 7
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


def _swapped(text: str) -> str:
    """`text` with two of its lines swapped: the same size, findings on other lines."""
    first, second = "  instance_type          = \"ml.t3.medium\"\n", "  direct_internet_access = var.internet\n"
    swapped = text.replace(first + second, second + first)
    assert swapped != text and len(swapped) == len(text)
    return swapped


def _unpickled(entry):
    """An entry's value (the tests' own entries), without the cache's checks."""
    try:
        return pickle.loads(entry.read_bytes()[len(b"IACLINT-CACHE-2\n") + 32:])
    except Exception:  # noqa: BLE001 - a stored report: its bytes follow a length
        return None


def test_the_digest_memo_is_not_fooled(world, tmp_path):
    """The digest memo (`iaclint.gate.files`) takes an unchanged file's digest from its
    device, inode, size, modification and change time. A tree that rewrites a file with
    the same size and puts its modification time back, or replaces it by a rename with
    the same size and time, or a memo signed by someone else naming the files as they
    are now with their old digests: each scan still reports what the files hold now."""
    from iaclint.gate.files import RACY_NS, stamp
    from iaclint.pipeline.cache import Cache

    repo, home, marker = world
    cache_dir = tmp_path / "c"
    time.sleep(RACY_NS / 1e9 + 0.2)  # the files have aged: the first scan remembers them

    def scans():
        cached = iaclint("scan", ".", "--cache-dir", cache_dir, "--format", "json", cwd=repo, home=home)
        fresh = iaclint("scan", ".", "--no-cache", "--format", "json", cwd=repo, home=home)
        assert_inert(cached, code=1, markers=[marker])
        return cached.out, fresh.out

    first, _ = scans()
    key_file = home / ".cache" / "iaclint" / "signing.key"
    cache = Cache(cache_dir, key_file=key_file)
    memo = [p for p in entries(cache_dir) if isinstance(_unpickled(p), dict)]
    assert len(memo) == 1
    remembered = cache.get(memo[0].name, count=False)
    assert sorted(remembered) == [os.path.join(f"m{i}", "main.tf") for i in range(3)]

    rewritten = repo / "m0" / "main.tf"  # the same inode, size and modification time
    before = rewritten.stat()
    rewritten.write_text(_swapped(rewritten.read_text()))
    os.utime(rewritten, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = rewritten.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (before.st_ino, before.st_size, before.st_mtime_ns)
    cached, fresh = scans()
    assert cached == fresh != first

    replaced = repo / "m1" / "main.tf"  # a new inode, the same size and modification time
    before = replaced.stat()
    (repo / "m1" / "new").write_text(_swapped(replaced.read_text()))
    os.utime(repo / "m1" / "new", ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(repo / "m1" / "new", replaced)
    cached, fresh = scans()
    assert cached == fresh

    forged_file = repo / "m2" / "main.tf"  # a memo signed by another user: old digests, current stamps
    old = cache.get(memo[0].name, count=False)
    forged_file.write_text(_swapped(forged_file.read_text()))
    forged = {path: (stamp(os.stat(repo / path)), digest) for path, (_, digest) in old.items()}
    Cache(cache_dir, key_file=tmp_path / "other.key").put(memo[0].name, forged)
    cached, fresh = scans()
    assert cached == fresh
