"""The write gate: every file iaclint writes (a report, a baseline, a starter
configuration, a cache entry) is written through here.

A repository can commit a symlink named like the report (`report.sarif -> ~/.bashrc`)
or a symlinked directory (`reports -> /home/runner/.ssh`), and its configuration can
name `baseline: ../../x`. So a write

- never goes through a symlink at the path itself: the content goes to a new temporary
  file in the same directory, which then replaces the path (`os.replace` replaces a
  symlink, it does not write through it); readers never see half a file either;
- when the path lies inside the scanned tree as written, must still lie inside it once
  the directory's symlinks are resolved;
- with `confined=True` (a path that came from the tree's own configuration), must lie
  inside the tree, as written and as resolved: `~/.bashrc` or `../x` is refused.

A path outside the tree that the user named on the command line (`--output
/tmp/report.sarif`) is written where it says.

API:

    write_file(path, data, tree=tree, confined=False, mode=0o644)   # raises OSError
    with replacing(path, tree=tree, mode=0o600) as out:  # written as it comes (out.handle)
        ...  # in place when the block ends; removed when it raises or out.abandon()
    create_file(path, data, tree=tree, confined=False)  # never replaces an existing path

`Refused` (from `iaclint.gate.reads`) is the OSError of a refused write.
"""
from __future__ import annotations

import os

from iaclint.gate.reads import OUTSIDE, Refused, Tree


def _check(path: str, tree: Tree | None, confined: bool) -> str:
    """The path to write (its directory's symlinks resolved), or Refused."""
    absolute = os.path.abspath(path)
    directory, name = os.path.split(absolute)
    if not name or name in (".", ".."):
        raise Refused(path, "not a file name")
    real = os.path.join(os.path.realpath(directory), name)
    if tree is None or tree._inside(os.path.dirname(real)) or tree._inside(real):
        return real
    if confined:
        raise Refused(path, OUTSIDE)
    # Outside the tree: fine when the user named it so, not when the path passes through
    # the tree and a symlinked directory there leads it out.
    ancestor = directory
    while True:
        if tree._inside(os.path.realpath(ancestor)):
            raise Refused(path, f"{OUTSIDE} (a symlinked directory in the tree leads out of it)")
        parent = os.path.dirname(ancestor)
        if parent == ancestor:
            return real
        ancestor = parent


def write_file(path: str, data, tree: Tree | None = None, confined: bool = False, mode: int = 0o644) -> None:
    """Write `data` (bytes, a str, or an iterable of str or bytes pieces, written as they
    come: a large report or cache entry is never held whole, or twice) to `path`
    atomically (see the module docstring); raises OSError."""
    with replacing(path, tree, confined, mode) as out:
        handle = out.handle
        if isinstance(data, (bytes, bytearray, memoryview)):
            handle.write(data)
        elif isinstance(data, str):
            handle.write(data.encode("utf-8", "backslashreplace"))
        else:
            for piece in data:
                handle.write(piece if isinstance(piece, (bytes, bytearray, memoryview))
                             else piece.encode("utf-8", "backslashreplace"))


def replacing(path: str, tree: Tree | None = None, confined: bool = False, mode: int = 0o644) -> Replacement:
    """A file that will replace `path` atomically, written through `handle` (binary) by
    whoever makes it as the content comes (a cache entry as it is pickled, a report as it
    is rendered), so it is never held whole: see `Replacement`. Raises OSError."""
    real = _check(path, tree, confined)
    fd, temp = _temporary_file(os.path.dirname(real))
    return Replacement(os.fdopen(fd, "wb"), temp, real, mode)


class Replacement:
    """The temporary file of `replacing`: `done()` puts it in place of the path (with
    `mode`), `abandon()` removes it; as a `with` block, done when the block ends, abandoned
    when it raises."""

    def __init__(self, handle, temp: str, real: str, mode: int):
        self.handle, self._temp, self._real, self._mode = handle, temp, real, mode

    def done(self) -> None:
        """Put the file in place; raises OSError (the file is removed then)."""
        try:
            self.handle.close()
            if self._mode != 0o600:
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(self._temp, self._mode & ~umask)
            os.replace(self._temp, self._real)
        except BaseException:
            self.abandon()
            raise

    def abandon(self) -> None:
        """Remove the file: the path is left as it was."""
        try:
            self.handle.close()
        except OSError:
            pass
        try:
            os.unlink(self._temp)
        except OSError:
            pass

    def __enter__(self) -> Replacement:
        return self

    def __exit__(self, kind, value, trace) -> None:
        if kind is None:
            self.done()
        else:
            self.abandon()


# As tempfile.mkstemp opens its file: new (never an existing path or a symlink), private.
_TEMPORARY_FLAGS = (os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
                    | getattr(os, "O_BINARY", 0))


def _temporary_file(directory: str) -> tuple[int, str]:
    """(descriptor, path) of a new file `.iaclint-<random>` in `directory`, mode 0600, as
    `tempfile.mkstemp(dir=directory, prefix=".iaclint-")` makes it, without importing
    `tempfile` (with `random` and `shutil` it was about 10 ms of every start: a scan
    writes its cache entries through here)."""
    for _ in range(100):
        path = os.path.join(directory, ".iaclint-" + os.urandom(6).hex())
        try:
            return os.open(path, _TEMPORARY_FLAGS, 0o600), path
        except FileExistsError:
            continue
    raise FileExistsError(f"no unused temporary file name in {directory}")


def create_file(path: str, data: bytes | str, tree: Tree | None = None, confined: bool = False) -> None:
    """Write `data` to a new file at `path`; FileExistsError when anything (a file, a
    symlink, even a dangling one) is there already."""
    real = _check(path, tree, confined)
    if isinstance(data, str):
        data = data.encode("utf-8")
    fd = os.open(real, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o644)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
