"""The digest memo (`iaclint.gate.files.DigestMemo`): a repeated scan takes an unchanged
file's digest from what it remembers of the file (device, inode, size, modification and
change time) instead of reading and hashing it again, and never for a file that may
have changed: rewritten in place with its old size and modification time, replaced by a
rename, written in the same tick as it was read, or named in a memo it did not sign.

The memo remembers a file only when its times are older than the scan by more than
`RACY_NS` (two seconds); the tests that need a remembered file move the memo's clock
ahead instead of waiting (`files.clock`), which is what waiting would do."""
from __future__ import annotations

import os
import pickle
import time

import pytest

from iaclint.api import scan
from iaclint.gate import files, reads
from iaclint.pipeline.cache import Cache

NOTEBOOK = ('resource "aws_sagemaker_notebook_instance" "nb" {{\n'
            '  name          = "nb"\n'
            '  role_arn      = "arn:aws:iam::123456789012:role/sm"\n'
            '  instance_type = "ml.t3.medium"\n'
            '  direct_internet_access = "{access}"\n'
            '}}\n')
ENABLED, DISABLED = NOTEBOOK.format(access="Enabled"), NOTEBOOK.format(access="Disabled")
# ENABLED with two lines swapped: the same size, the finding on line 4 instead of 5.
MOVED = ENABLED.replace('  instance_type = "ml.t3.medium"\n  direct_internet_access = "Enabled"\n',
                        '  direct_internet_access = "Enabled"\n  instance_type = "ml.t3.medium"\n')
assert len(MOVED) == len(ENABLED) and MOVED != ENABLED



def _later(monkeypatch, seconds: float = 10.0):
    """The memo's clock `seconds` ahead: files written now count as aged."""
    monkeypatch.setattr(files, "clock", lambda: time.time_ns() + int(seconds * 1e9))


def _hashes(monkeypatch) -> list:
    """Counts the files the memo reads and hashes (not the loader's reads)."""
    hashed = []
    real = files.content_hash

    def counting(data):
        hashed.append(len(data))
        return real(data)

    monkeypatch.setattr(files, "content_hash", counting)
    return hashed


def _findings(cache):
    return sorted((f.policy_id, f.line) for f in scan(["."], cache=cache, select=["IAC201"]).findings)


def _rewrite_in_place(path, text: str):
    """Write `text` into the same inode, then put the old modification time back (what
    `cp -p` or a tool restoring times does); waits for the change time to move on, so
    the rewrite is not in the same clock tick as the first write (that case is `racy`)."""
    before = os.stat(path)
    while True:
        with open(path, "r+", encoding="utf-8") as handle:
            handle.write(text)
            handle.truncate()
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        after = os.stat(path)
        if after.st_ctime_ns != before.st_ctime_ns:
            break
        time.sleep(0.01)
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (before.st_ino, before.st_size, before.st_mtime_ns)


@pytest.fixture
def tree(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text(ENABLED)
    return tmp_path


def test_an_unchanged_file_is_not_read_for_the_key(tree, monkeypatch):
    _later(monkeypatch)
    cache = Cache(tree / "cache")
    first = _findings(cache)
    hashed = _hashes(monkeypatch)
    assert _findings(cache) == first == [("IAC201", 5)]
    assert hashed == []  # the digest came from the memo
    assert cache.hits == 1  # the whole scan (the memo is not counted)


def test_a_file_rewritten_with_its_size_and_modification_time_is_read_again(tree, monkeypatch):
    _later(monkeypatch)
    cache = Cache(tree / "cache")
    assert _findings(cache) == [("IAC201", 5)]
    _rewrite_in_place(tree / "main.tf", MOVED)  # same inode, size and mtime: only the ctime differs
    hashed = _hashes(monkeypatch)
    assert _findings(cache) == _findings(None) == [("IAC201", 4)]
    assert hashed == [len(MOVED)]


def test_a_file_replaced_by_a_rename_is_read_again(tree, monkeypatch):
    _later(monkeypatch)
    cache = Cache(tree / "cache")
    assert _findings(cache) == [("IAC201", 5)]
    before = os.stat(tree / "main.tf")
    (tree / "new.tf.tmp").write_text(MOVED)
    os.utime(tree / "new.tf.tmp", ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(tree / "new.tf.tmp", tree / "main.tf")
    assert os.stat(tree / "main.tf").st_ino != before.st_ino
    hashed = _hashes(monkeypatch)
    assert _findings(cache) == [("IAC201", 4)]
    assert hashed == [len(MOVED)]


def test_a_forged_memo_is_ignored(tree, monkeypatch):
    """A memo that names the file as it is now but with the old content's digest, not
    signed with the user's key (planted in a shared cache directory): a miss, so the
    file is read and the new content scanned."""
    _later(monkeypatch)
    cache = Cache(tree / "cache")
    assert _findings(cache) == [("IAC201", 5)]
    memo_files = [p for p in (tree / "cache").rglob("*") if p.is_file() and _is_memo(cache, p)]
    assert len(memo_files) == 1
    remembered = cache.get(memo_files[0].name, count=False)
    old_digest = remembered["main.tf"][1]
    (tree / "main.tf").write_text(DISABLED)
    forged = {"main.tf": (files.stamp(os.stat(tree / "main.tf")), old_digest)}
    other = Cache(tree / "cache", key_file=tree / "other.key")  # another user's key
    other.put(memo_files[0].name, forged)
    assert cache.get(memo_files[0].name, count=False) is None  # not ours: never unpickled
    other.put(memo_files[0].name, forged)
    hashed = _hashes(monkeypatch)
    assert _findings(cache) == []
    assert hashed == [len(DISABLED)]
    # The same forgery signed with the user's key is believed: the signature is what protects.
    forged = {"main.tf": (files.stamp(os.stat(tree / "main.tf")), old_digest)}
    cache.put(memo_files[0].name, forged)
    assert _findings(cache) == [("IAC201", 5)]


def _is_memo(cache, path) -> bool:
    value = cache.get(path.name, count=False)
    return isinstance(value, dict) and "main.tf" in value


def test_a_file_written_in_the_tick_it_was_read_is_not_remembered(tree, monkeypatch):
    """Git's racy-timestamp rule: a file whose change time is not older than the scan by
    more than RACY_NS could be written again after it was read with the same times, so
    it is read and hashed on every scan until it has aged."""
    cache = Cache(tree / "cache")  # the real clock: main.tf was written just now
    assert _findings(cache) == [("IAC201", 5)]
    hashed = _hashes(monkeypatch)
    assert _findings(cache) == [("IAC201", 5)]
    assert hashed == [len(ENABLED)]
    _later(monkeypatch)  # two seconds (and more) later, it is remembered, then not read
    assert _findings(cache) == [("IAC201", 5)]
    assert _findings(cache) == [("IAC201", 5)]
    assert hashed == [len(ENABLED)] * 2


def test_the_racy_rule_on_the_memo_itself(tmp_path):
    path = tmp_path / "f.tf"
    path.write_text("x")
    info = os.stat(path)
    memo = files.DigestMemo(None)
    memo.started = max(info.st_mtime_ns, info.st_ctime_ns) + files.RACY_NS  # not older by more than RACY_NS
    memo.digest(str(path))
    assert memo.entries() == {}
    memo = files.DigestMemo(None)
    memo.started = max(info.st_mtime_ns, info.st_ctime_ns) + files.RACY_NS + 1
    assert memo.digest(str(path)) == files.content_hash(b"x")
    assert memo.entries() == {str(path): (files.stamp(info), files.content_hash(b"x"))}
    again = files.DigestMemo(memo.entries())
    assert again.digest(str(path)) == files.content_hash(b"x") and again.hashed == 0
    assert again.entries() is None  # nothing new: the memo is not written again


@pytest.mark.parametrize("replacement", ["symlink-out", "fifo", "directory"])
def test_a_hit_still_passes_the_read_gate(tree, tmp_path_factory, monkeypatch, replacement):
    """A remembered file replaced by a symlink leading out of the tree, a FIFO or a
    directory is looked at by the read gate as on the first scan: refused, reported,
    never taken from the memo."""
    _later(monkeypatch)
    cache = Cache(tree / "cache")
    assert _findings(cache) == [("IAC201", 5)]
    outside = tmp_path_factory.mktemp("outside") / "main.tf"
    outside.write_text(ENABLED)
    os.remove(tree / "main.tf")
    if replacement == "symlink-out":
        os.symlink(outside, tree / "main.tf")
    elif replacement == "fifo":
        os.mkfifo(tree / "main.tf")
    else:
        os.mkdir(tree / "main.tf")
    fresh = scan(["."], select=["IAC201"])
    cached = scan(["."], cache=cache, select=["IAC201"])
    assert [(f.policy_id, f.message) for f in cached.findings] == [(f.policy_id, f.message) for f in fresh.findings]
    assert not [f for f in cached.findings if f.policy_id == "IAC201"]
    assert reads.lstat_regular("main.tf", reads.Tree.of(["."])) is None


def test_the_memo_is_per_user_and_groups(tree, monkeypatch):
    """Whether a file may be read depends on who reads it: another user's or group's
    scan does not use the memo (it has its own)."""
    from iaclint.pipeline import loading

    _later(monkeypatch)
    cache = Cache(tree / "cache")
    _findings(cache)
    monkeypatch.setattr(loading, "_credentials", lambda: (12345, 12345, 12345, 12345, [12345]))
    hashed = _hashes(monkeypatch)
    _findings(cache)
    assert hashed == [len(ENABLED)]


def test_the_memo_is_kept_small():
    memo = files.DigestMemo({f"old{i}": ((0, i, 1, 0, 0), "d") for i in range(files.MAX_ENTRIES)})
    memo.seen["new"] = ((0, -1, 1, 0, 0), "d")
    assert memo.entries() == {"new": ((0, -1, 1, 0, 0), "d")}
    memo = files.DigestMemo({"old": ((0, 1, 1, 0, 0), "d")})
    memo.seen["new"] = ((0, -1, 1, 0, 0), "d")
    memo.seen["gone"] = None
    assert memo.entries() == {"old": ((0, 1, 1, 0, 0), "d"), "new": ((0, -1, 1, 0, 0), "d")}
    assert pickle.loads(pickle.dumps(memo.entries())) == memo.entries()


def test_where_ctime_is_not_a_change_time_nothing_is_trusted_by_its_times(tree, monkeypatch):
    """On Windows a file's st_ctime is its creation time, which a rewrite in place keeps:
    no digest memo (every file read and hashed) and no stored report (rendered again)."""
    from iaclint.api import scan_reports

    _later(monkeypatch)
    monkeypatch.setattr(files, "CHANGE_TIMES", False)
    cache = Cache(tree / "cache")
    assert _findings(cache) == [("IAC201", 5)]
    hashed = _hashes(monkeypatch)
    assert _findings(cache) == [("IAC201", 5)] and cache.hits == 1  # the whole scan, from hashed keys
    assert hashed == [len(ENABLED)]  # read and hashed again, though unchanged and aged
    assert not [p for p in (tree / "cache").rglob("*") if p.is_file() and _is_memo(cache, p)]
    for _ in range(2):
        scanned = scan_reports(["."], [("json", False)], cache=cache)
        assert scanned.result is not None and "".join(scanned.pieces[0])
    assert not list((tree / "cache").rglob("*.bytes"))
