"""The read gate: every byte iaclint reads from a scanned tree comes through here.

The scanned tree is hostile (DESIGN section 10): a `terraform.tfvars` may be a symlink
to `/etc/shadow` or to `/dev/zero`, a `modules.json` may be a FIFO, a `file()` call may
name `../../.aws/credentials`. A read through this module is refused, with a reason,
unless the file

- lies inside the scanned tree, after every symlink is resolved (a symlink that stays
  inside is fine; one that leads out is refused);
- is a regular file (a FIFO would block `open()`, a device would never end): it is
  opened without blocking and checked with `fstat` on the open descriptor, so what was
  checked is what is read;
- is not larger than the cap (20 MB unless the caller says otherwise), checked before
  and while reading, so a file that grows while it is read cannot get past it.

**What the scanned tree is.** `Tree.of(paths)` takes, for each scanned path, the git
work tree that holds it (the nearest directory at or above it with a `.git` entry: a
Terraform root reads `../modules/x` of its own repository, and a pre-commit run that
names files one by one sees the same tree as a scan of the whole repository); a path
outside any git work tree is its own tree (the directory, or a named file's directory).
Never the working directory. Files the user names outside the tree on purpose (a
`--var-file ~/secrets/prod.tfvars`) are let through by `Tree.allowing`.

API (paths are `str`; `tree=None` means "no boundary", for files the user named):

    tree = Tree.of(["."])                     # the scanned tree of a scan's paths
    tree = tree.allowing(["/abs/x.tfvars"])    # plus files the user named
    tree.contains(path) -> bool                # inside the tree, symlinks resolved
    tree.check(path) -> str                    # the real path, or raises Refused
    read_bytes(path, tree=tree, limit=MAX_FILE_BYTES) -> bytes
    read_with_stat(path, tree=tree, limit=...) -> (bytes, os.stat_result)
    lstat_regular(path, tree=tree, limit=...) -> os.stat_result | None  # a regular file inside?
    read_head(path, size, tree=tree) -> bytes  # the first `size` bytes (sniffing)
    is_regular_file(path, tree=tree) -> bool   # would a read be allowed (size aside)?
    list_dir(directory, tree=tree) -> list     # names, of a directory inside the tree

`Refused` is an `OSError` whose `strerror` is the reason, so a caller that reports
`cannot read file: {exc.strerror}` for any OSError reports refusals too.

It imports nothing from iaclint (the gate is the bottom layer: every layer may use it).
"""
from __future__ import annotations

import errno
import os
import stat

MAX_FILE_BYTES = 20 * 1024 * 1024
OUTSIDE = "outside the scanned tree"
NOT_REGULAR = "not a regular file"
_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
_CHUNK = 1024 * 1024


class Refused(OSError):
    """A read (or write) the gate does not allow; `strerror` says why."""

    def __init__(self, path: str, reason: str):
        super().__init__(errno.EPERM, reason, path)


def size_text(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit} bytes"


def repository_top(directory: str) -> str | None:
    """The nearest directory at or above `directory` (absolute) holding `.git`, or None."""
    current = directory
    while True:
        if os.path.lexists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


class Tree:
    """The directories scanned content may come from (real paths), plus single files the
    user named. One per scan; it remembers the real path of every directory it checked."""

    def __init__(self, roots=(), files=()):
        self.roots = tuple(sorted({os.path.realpath(r) for r in roots}))
        self.files = frozenset(os.path.realpath(f) for f in files)
        self._dirs: dict = {}
        self._prefixes = tuple(r if r.endswith(os.sep) else r + os.sep for r in self.roots)

    @classmethod
    def of(cls, paths) -> "Tree":
        roots = []
        tops: dict = {}
        for path in paths or ["."]:
            absolute = os.path.abspath(path or ".")
            start = os.path.realpath(absolute if os.path.isdir(absolute) else os.path.dirname(absolute))
            if start not in tops:
                tops[start] = repository_top(start) or start
            roots.append(tops[start])
        return cls(roots)

    def allowing(self, files) -> "Tree":
        """This tree plus `files` (named by the user: read wherever they are)."""
        return Tree(self.roots, set(self.files) | {f for f in files if f})

    def __repr__(self) -> str:
        return f"Tree(roots={self.roots!r}, files={sorted(self.files)!r})"

    def __reduce__(self):  # forked workers and pickles carry the boundary, not the memo
        return Tree, (self.roots, self.files)

    def _inside(self, real: str) -> bool:
        return real.startswith(self._prefixes) or real in self.roots or real in self.files

    def _real_dir(self, directory: str) -> str:
        """The real path of a directory (as written: relative to the working directory,
        which does not change during a scan), remembered."""
        real = self._dirs.get(directory)
        if real is None:
            real = self._dirs[directory] = os.path.realpath(directory or ".")
        return real

    def check(self, path: str) -> str:
        """The real path of `path`, or Refused when it lies (or leads) outside the tree."""
        head, tail = os.path.split(path)
        if not tail or tail in (".", ".."):  # `dir/`, `..`: resolve the whole path
            head, tail = os.path.split(os.path.abspath(path))
        real = os.path.join(self._real_dir(head), tail)
        try:
            if stat.S_ISLNK(os.lstat(real).st_mode):
                real = os.path.realpath(real)
        except OSError:
            pass  # absent: the open reports it
        if not self._inside(real):
            raise Refused(path, OUTSIDE)
        return real

    def contains(self, path: str) -> bool:
        try:
            self.check(path)
        except Refused:
            return False
        return True


def _open(path: str, tree: Tree | None) -> int:
    real = tree.check(path) if tree is not None else path
    return os.open(real, _FLAGS)


def _regular(fd: int, path: str) -> os.stat_result:
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        raise Refused(path, NOT_REGULAR)
    return info


def read_bytes(path: str, tree: Tree | None = None, limit: int = MAX_FILE_BYTES) -> bytes:
    """The whole content of a regular file inside `tree`, at most `limit` bytes; raises
    OSError (Refused with the reason, or the system's error)."""
    return read_with_stat(path, tree, limit)[0]


def read_with_stat(path: str, tree: Tree | None = None, limit: int = MAX_FILE_BYTES) -> tuple:
    """(`read_bytes`, the `fstat` of the descriptor it read, taken before reading)."""
    fd = _open(path, tree)
    try:
        info = _regular(fd, path)
        if info.st_size > limit:
            raise Refused(path, f"larger than {size_text(limit)}")
        chunks, total, want = [], 0, min(info.st_size + 1, limit + 1)
        while True:  # a short read of a regular file is its end: most files take one read
            chunk = os.read(fd, want)
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise Refused(path, f"larger than {size_text(limit)}")
            if len(chunk) < want:
                return b"".join(chunks), info
            want = min(_CHUNK, limit + 1 - total)
    finally:
        os.close(fd)


def lstat_regular(path: str, tree: Tree | None = None, limit: int = MAX_FILE_BYTES) -> os.stat_result | None:
    """The `lstat` of `path` when it is a regular file (not a symlink) inside `tree` of
    at most `limit` bytes: what `read_bytes` checks, but for the permission to read it,
    with one system call and without opening it. None when it is anything else (a
    symlink, absent, refused): `read_bytes` then reads it or says why not. For
    `gate.files.DigestMemo`, which takes a file's digest from what it remembers of this
    very file (the same device, inode, size and times)."""
    if tree is None:
        real = path
    else:
        head, tail = os.path.split(path)
        if not tail or tail in (".", ".."):
            return None
        real = os.path.join(tree._real_dir(head), tail)  # the directory resolved; `tail` is lstat'ed
        if not tree._inside(real):
            return None
    try:
        info = os.lstat(real)
    except OSError:
        return None
    return info if stat.S_ISREG(info.st_mode) and info.st_size <= limit else None


def read_head(path: str, size: int, tree: Tree | None = None) -> bytes:
    """The first `size` bytes of a regular file inside `tree` (to sniff its kind)."""
    fd = _open(path, tree)
    try:
        _regular(fd, path)
        chunks, total = [], 0
        while total < size:
            chunk = os.read(fd, size - total)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def is_regular_file(path: str, tree: Tree | None = None) -> bool:
    """Whether `path` is a regular file that `read_bytes` may open (its size aside)."""
    try:
        real = tree.check(path) if tree is not None else path
        return stat.S_ISREG(os.stat(real).st_mode)
    except OSError:
        return False


def list_dir(directory: str, tree: Tree | None = None) -> list[str]:
    """The names in a directory that lies inside `tree` (OSError otherwise)."""
    if tree is not None:
        real = tree._real_dir(directory or ".")
        if not tree._inside(real):
            raise Refused(directory, OUTSIDE)
        return os.listdir(real)
    return os.listdir(directory or ".")
