"""Digests of what was read: the cache keys a result on the bytes it came from.

**The digest memo** (`DigestMemo`). A repeated scan computes every unit's cache key, and
that meant reading and hashing every file again: on 1,000 files, about a sixth of a
whole-scan cache hit (issue 12). As git's index does, the memo remembers, for each file
it hashed, the file's device, inode, size, modification time and change time (in
nanoseconds) beside the content's digest, and a later scan takes the digest from it when
all five are equal, without opening the file.

Why that is safe against a hostile tree (docs/security.md, "The digest memo"): a tree can
choose its files' contents and modification times (`os.utime`, `tar`, `cp -p`), but not
their change time (ctime): every write, truncation, `chmod` or `utime` sets it to the
clock's current time, and nothing but changing the system clock sets it back. A file
written with the same size and its old modification time restored has a new ctime (a
miss); a file replaced by a rename is a new inode (a miss). The one way to keep the
ctime is to write again within the same tick of the file system's clock as the write
the memo saw. So a file is remembered only when its modification and change times were
older than the moment its bytes were read by more than `RACY_NS` (git's "racily clean"
rule): a write after the read then has a later ctime. A file written less than that
before the scan is hashed every time until it has aged. The memo itself lives in the
user's signed cache (`pipeline.cache`); a forged or foreign memo is a miss, and then
every file is hashed.

A digest from the memo passes the same gate as a read (`reads.lstat_regular`): the file
lies inside the tree and is a regular file under the cap, not a symlink (a symlink is
read and hashed every time). Whether it may be read: its owner, mode and ACL are in its
change time, a file is remembered only once it has been read, and the memo's cache key
holds the user and groups of the process, so what could read it then can read it now.
"""
from __future__ import annotations

import hashlib
import os
import time

from iaclint.gate import reads

# A file is remembered only when its times were older than the read by more than this:
# the coarsest timestamps of the common file systems (FAT's two seconds) and far more than
# a kernel's clock tick (1-10 ms), to which Linux rounds the times it writes.
RACY_NS = 2_000_000_000
# At most this many files are remembered per scanned tree; past it, only the last scan's.
MAX_ENTRIES = 50_000
clock = time.time_ns  # the time of the moment a scan starts (tests move it)
# Whether a file's st_ctime is the time of its last change (POSIX). On Windows it is the
# file's creation time, which a rewrite in place keeps: nothing is trusted by its times
# there (no digest memo, no stored report in a side file: `pipeline.cache`).
CHANGE_TIMES = os.name != "nt"


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stamp(info) -> tuple:
    """What identifies a file's content without reading it (see the module's text)."""
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns


class DigestMemo:
    """{path: (stamp, digest)} of a scanned tree, from the last scan, and what this scan
    looked up and hashed. `entries()` is what to remember next."""

    def __init__(self, known=None):
        self.started = clock()  # before this scan looks at any file: every read is later
        self.fresh = not isinstance(known, dict)  # nothing (valid) was remembered
        self.known = {} if self.fresh else known
        self.seen: dict = {}  # path -> (stamp, digest), or None: not to be remembered
        self.hashed = 0  # files read and hashed (the others came from the memo)

    def digest(self, path: str, tree: reads.Tree | None = None, limit: int = reads.MAX_FILE_BYTES) -> str:
        """The SHA-256 (hex) of the file's content; raises what `reads.read_bytes` raises."""
        known = self.known.get(path)
        if known is not None:
            info = reads.lstat_regular(path, tree, limit)  # the read gate's checks, one system call
            if info is not None and stamp(info) == known[0]:
                self.seen[path] = known
                return known[1]
        data, info = reads.read_with_stat(path, tree, limit)  # fstat before reading: what was read
        value = content_hash(data)
        self.hashed += 1
        cutoff = self.started - RACY_NS
        self.seen[path] = (stamp(info), value) if info.st_mtime_ns < cutoff and info.st_ctime_ns < cutoff else None
        return value

    def entries(self) -> dict | None:
        """What to remember now, or None when it is what was remembered already."""
        out = dict(self.known)
        for path, entry in self.seen.items():
            if entry is None:
                out.pop(path, None)
            else:
                out[path] = entry
        if len(out) > MAX_ENTRIES:
            out = {path: entry for path, entry in self.seen.items() if entry is not None}
        return out if self.fresh or out != self.known else None
