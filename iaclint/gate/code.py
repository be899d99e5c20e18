"""Fingerprints of installed code by each file's name, size and modification time.

Two users: the cache key (`pipeline.cache.code_fingerprint`: a changed iaclint never reads
old entries) and the scan server's socket name (`faces.launch`: a changed iaclint never
talks to a server that imported the old code). Size and time, as Python's own bytecode
cache decides whether a `.pyc` is stale, not the bytes: this runs at every start.

It imports only `os` and a SHA-256 (the interpreter's built-in one where it has it:
`hashlib` with OpenSSL costs a start about 3 ms, and the scan server's client imports
nothing it does not need). The digest is the same either way.
"""
from __future__ import annotations

import os

try:  # CPython <= 3.11
    from _sha256 import sha256
except ImportError:  # pragma: no cover - 3.12 renamed it; other interpreters: hashlib
    try:
        from _sha2 import sha256
    except ImportError:
        from hashlib import sha256

__all__ = ["code_files", "relative_files", "sha256", "stamp"]


def code_files(root: str, data: tuple = ("normalize",), suffixes: tuple = (".json",)) -> list[tuple]:
    """The relative paths (as parts) of `root`'s `*.py` files and of the files ending in
    one of `suffixes` in the directories `data` (a prefix of parts; () for every
    directory), in the order of `sorted(Path(root).rglob("*.py") + ...)`; `__pycache__`
    skipped."""
    def wanted(prefix: tuple, name: str) -> bool:
        return name.endswith(".py") or ((data == () or prefix == data) and name.endswith(suffixes))

    return relative_files(root, wanted)


def relative_files(root: str, wanted) -> list[tuple]:
    """The relative paths (as parts, sorted) of the files under `root` for which
    `wanted(directory's parts, name)` holds, listed with `os.walk` (pathlib's `rglob` costs
    a start several milliseconds); `__pycache__` skipped."""
    found = []
    for top, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        relative = os.path.relpath(top, root)
        prefix = () if relative == "." else tuple(relative.split(os.sep))
        found += [(*prefix, n) for n in names if wanted(prefix, n)]
    return sorted(found)


def stamp(digest, root: str, files) -> None:
    """Feed `digest` each file's relative path, size and modification time (nanoseconds)."""
    for parts in files:
        info = os.stat(os.path.join(root, *parts))
        digest.update(f"{'/'.join(parts)}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
