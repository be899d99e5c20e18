"""A content-hash cache of parse and evaluation results, in the user's cache directory.

Parsing and evaluating is most of a scan's time, and in a pre-commit hook or an editor
almost every file is unchanged since the last run. A unit (a Terraform module directory or
a CloudFormation template) is cached under a key made of everything its result depends
on: iaclint's version and loader code, the unit's files and their contents, and the
variables or parameters given. Policies are not part of the key: they run on the cached
resources every time, so changing a policy never serves a stale verdict.

**Entries cannot run code.** An entry is a pickle (fast to read, and what the worker
processes send anyway), and unpickling runs code, so an entry is unpickled only when it
carries a valid signature: an HMAC-SHA256 of the entry's key and bytes, under a
per-user secret (32 random bytes in `signing.key` in the user's cache directory, created
0600 and used only when it belongs to the user and nobody else can read or change it).
Cache keys are the same on every machine for a release, so without the signature a
"cache" committed to a repository, or planted by another user in a shared directory,
would run its code on the next scan; with it, a foreign entry is a miss. See
docs/security.md for the choice (signing rather than a data format) and its cost.

The files' digests in the units' keys come from the digest memo where a file is
unchanged (`iaclint.gate.files.DigestMemo`, stored here as one more signed entry per
scanned tree: `loading.unit_keys`).

Entries are written atomically through the write gate (a temporary file, then a rename),
as they are pickled (the signature is computed as the bytes go out, and written last in
its place at the start), so concurrent runs never see half an entry and a large one is
never held whole; an entry that fails its signature or cannot
be read is ignored and rewritten, never trusted.
"""
from __future__ import annotations

import errno
import hashlib
import hmac
import os
import pickle
import stat
from functools import lru_cache

from iaclint.gate import code, files
from iaclint.gate.files import stamp
from iaclint.gate.writes import replacing

FORMAT = "2"
MAGIC = b"IACLINT-CACHE-2\n"
KEY_FILE = "signing.key"
_MAC_BYTES = 32


def default_directory() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "iaclint")  # os.path, not pathlib: a cache hit imports no pathlib


def signing_key(path: str | os.PathLike | None = None) -> bytes | str:
    """The user's cache signing key (created on first use), or why it cannot be used."""
    path = os.fspath(path) if path else os.path.join(default_directory(), KEY_FILE)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return _create_key(path)
    except OSError as exc:
        return f"cannot read the cache signing key {path}: {exc.strerror or exc}"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size != 32:
            return f"the cache signing key {path} is not a 32-byte file"
        if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & 0o077):
            return (f"the cache signing key {path} belongs to another user or others may read it "
                    "(it must be yours, mode 0600)")
        key = os.read(fd, 64)
    finally:
        os.close(fd)
    return key if len(key) == 32 else f"the cache signing key {path} is not a 32-byte file"


def _create_key(path: str) -> bytes | str:
    key = os.urandom(32)
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
    except FileExistsError:  # another run created it first: use theirs
        return signing_key(path)
    except OSError as exc:
        return f"cannot create the cache signing key {path}: {exc.strerror or exc}"
    return key


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """iaclint's version plus the name, size and modification time of each file of its
    code (loaders, engine, policy helpers) and of the data files the loaders read
    (`normalize/awscc_types.json`): a changed iaclint (a new release, or a working copy
    under development) never reads old entries.

    Size and time, as Python's own bytecode cache decides whether a `.pyc` is stale, and
    not the 1.3 MB of bytes: this runs at every start, and reading and hashing them was
    about 10 ms of a one-file scan (issue 12). Editing, `git checkout` and installing
    all give a file a new modification time."""
    import iaclint

    root = os.path.dirname(iaclint.__file__)
    digest = hashlib.sha256(f"{FORMAT}:{iaclint.__version__}".encode())
    code.stamp(digest, root, code.code_files(root))  # os.walk, not pathlib's rglob: this runs at every start
    return digest.hexdigest()


class Cache:
    """Signed, pickled unit results under `directory/<key[:2]>/<key>`.

    `problem` says why the cache is off (the signing key cannot be used); a cache that
    cannot be read or written otherwise only costs speed."""

    def __init__(self, directory: str | os.PathLike | None = None, key_file: str | os.PathLike | None = None):
        self.directory = os.fspath(directory) if directory else default_directory()
        self.hits = 0
        self.misses = 0
        secret = signing_key(key_file or None)
        self.problem = secret if isinstance(secret, str) else ""
        self._secret = secret if isinstance(secret, bytes) else b""

    def key(self, *parts) -> str:
        digest = hashlib.sha256(code_fingerprint().encode())
        for part in parts:
            digest.update(b"\x1f")
            digest.update(repr(part).encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def _path(self, key: str) -> str:
        return os.path.join(self.directory, key[:2], key)

    def _mac(self, key: str, pieces) -> bytes:
        """HMAC-SHA256 (OpenSSL's, which uses the CPU's SHA instructions: measured 2.3 times
        faster here than CPython's BLAKE2b) of the entry's key and bytes (in pieces)."""
        mac = self._signer(key)
        for piece in pieces:
            mac.update(piece)
        return mac.digest()

    def _signer(self, key: str):
        """The HMAC of an entry under `key`, to be fed its bytes (as they are read or written)."""
        return hmac.new(self._secret, key.encode("ascii"), hashlib.sha256)

    def get(self, key: str, count: bool = True):
        """The stored value, or None when absent, unsigned or unreadable (a bad entry is
        removed). `count=False`: not counted in `hits` and `misses` (which count results;
        the digest memo is not one)."""
        hits, misses = self.hits, self.misses
        body = self._verified(key)
        value = None
        if body is not None:
            try:
                value = pickle.loads(body)
                self.hits += 1
            except Exception:  # noqa: BLE001 - signed by us but unreadable (an old layout): a miss
                self._discard(self._path(key))
        if not count:
            self.hits, self.misses = hits, misses
        return value

    def get_with_bytes(self, key: str):
        """(value, SideFile) of an entry written by `entry_with_bytes`, or None (as `get`).
        The side file is trusted when it is the very file the signed entry names (see
        `entry_with_bytes`): its bytes are never hashed, never unpickled, and read in chunks
        through the descriptor that was checked."""
        entry = self.get(key, count=False)
        if not (isinstance(entry, tuple) and len(entry) == 3 and entry[0] == _SIDE):
            self.misses += 1
            return None
        side = SideFile.open(self._side(key), entry[1])
        if side is None:
            return self._discard(self._path(key))
        self.hits += 1
        return entry[2], side

    def _verified(self, key: str) -> memoryview | None:
        """The entry's content after its signature, when the signature is ours; None (a
        miss; a bad entry is removed) otherwise."""
        if not self._secret:
            return None
        path = self._path(key)
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
            with os.fdopen(fd, "rb") as handle:
                data = handle.read()
        except OSError:  # absent (FileNotFoundError) or unreadable
            self.misses += 1
            return None
        head = len(MAGIC) + _MAC_BYTES
        body = memoryview(data)[head:]
        if data[:len(MAGIC)] != MAGIC or not hmac.compare_digest(data[len(MAGIC):head], self._mac(key, (body,))):
            return self._discard(path)  # foreign, truncated or from another key: never unpickled
        return body

    def _discard(self, path: str):
        self.misses += 1
        try:
            os.unlink(path)
        except OSError:
            pass
        return None

    def put(self, key: str, value) -> None:
        """Store atomically, pickled straight into the entry's file (never held whole: the
        whole-scan entry of a module of 1,000 files is megabytes); a cache that cannot be
        written only costs speed, and a value that cannot be pickled is not stored."""
        entry = self._entry(key)
        if entry is None:
            return
        try:
            pickle.Pickler(entry, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
        except (pickle.PicklingError, RecursionError, TypeError, AttributeError, OSError):
            entry.abandon()
            return
        except BaseException:
            entry.abandon()
            raise
        entry.done()

    def put_encoded(self, key: str, data: bytes) -> None:
        """`put` of a value pickled already (a worker process pickles its result once, to
        send it and to store it)."""
        entry = self._entry(key)
        if entry is not None and entry.wrote(data):
            entry.done()

    def entry_with_bytes(self, key: str, value) -> SideEntry | None:
        """A stored report being written (`SideEntry`): the bytes `wrote` is given (a
        rendered report, 11 MB for `tf-1000` in JSON, written as it is rendered, never
        held whole) go to a side file beside the entry, as they are; `done()` puts it in
        place and signs `value` with it. None when the cache cannot be written.

        The side file has no MAC (checking an HMAC over 11 MB was 6-7 ms of a 0.1 s warm
        scan): the signed entry holds the value and the side file's device, inode, size,
        modification and change time, taken once it is in place, and only when it is a
        regular file of the user's. A later read trusts the side file while it is still
        that file (`SideFile.open`): only the user (or root) can write a file of theirs (the
        side file is created 0600), and any write, truncation, `chmod` or `utime` sets a new
        change time; a file planted in its place is another inode, or another user's. See
        docs/security.md. Not on Windows, where a file's ctime is its creation time
        (`gate.files.CHANGE_TIMES`): nothing is stored, the report is rendered every time."""
        if not self._secret or not files.CHANGE_TIMES:
            return None
        side = self._side(key)
        out = _replacing(side)
        return None if out is None else SideEntry(self, key, side, out, value)

    def _side(self, key: str) -> str:
        return self._path(key) + ".bytes"

    def _entry(self, key: str) -> Entry | None:
        """A new signed entry for `key`, or None when the cache cannot be written."""
        if not self._secret:
            return None
        out = _replacing(self._path(key))
        if out is None:
            return None
        entry = Entry(out, self._signer(key))
        return entry if entry.wrote(MAGIC + bytes(_MAC_BYTES), signed=False) else None  # the signature's place


def _replacing(path: str):
    """The write gate's temporary file that will replace `path` (0600, in a 0700
    directory made if need be), or None when the cache cannot be written."""
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        return replacing(path, mode=0o600)
    except OSError:
        return None


class _Writing:
    """A file of the cache being written through the write gate's temporary file (`out`,
    a `gate.writes.Replacement`): `wrote` adds bytes, `abandon()` drops the file."""

    def __init__(self, out):
        self._out = out

    def wrote(self, data) -> bool:
        """False when the file cannot be written (then it is abandoned)."""
        try:
            self._out.handle.write(data)
            return True
        except OSError:
            self.abandon()
            return False

    def abandon(self) -> None:
        self._out.abandon()


class Entry(_Writing):
    """A signed entry being written (`Cache._entry`): what `write` is given goes to the
    temporary file as it comes and into the signature, whose place after `MAGIC` is filled
    in by `done()`, which puts the file in place; `abandon()` drops it. Readers never see
    it before then (the write gate's temporary file and rename). A file-like object:
    `pickle.Pickler` writes into it."""

    def __init__(self, out, mac):
        super().__init__(out)
        self._mac = mac

    def write(self, data) -> int:
        self._mac.update(data)
        return self._out.handle.write(data)

    def wrote(self, data, signed: bool = True) -> bool:
        """`write`, False when the file cannot be written (then it is abandoned)."""
        if signed:
            self._mac.update(data)
        return super().wrote(data)

    def done(self) -> None:
        """Sign and store (a cache that cannot be written only costs speed)."""
        try:
            self._out.handle.seek(len(MAGIC))
            self._out.handle.write(self._mac.digest())
            self._out.done()
        except OSError:
            self._out.abandon()


class SideEntry(_Writing):
    """A stored report being written (`Cache.entry_with_bytes`): `wrote` puts bytes into
    the side file's temporary file as they come, `done()` puts it in place and signs the
    value with the side file's stamp, `abandon()` drops it."""

    def __init__(self, cache: Cache, key: str, side: str, out, value):
        super().__init__(out)
        self._cache, self._key, self._side, self._value = cache, key, side, value

    def done(self) -> None:
        """Put the side file in place and store the signed entry naming it (a cache that
        cannot be written only costs speed)."""
        try:
            self._out.done()
            info = os.stat(self._side, follow_symlinks=False)
        except OSError:
            return
        if stat.S_ISREG(info.st_mode) and _own(info):
            self._cache.put(self._key, (_SIDE, stamp(info), self._value))


_SIDE = "side-file"  # the first item of an entry whose bytes are in its side file (`entry_with_bytes`)


def _own(info) -> bool:
    """Whether a file belongs to the user running iaclint (where there are users)."""
    return not hasattr(os, "getuid") or info.st_uid == os.getuid()


class SideFile:
    """An entry's side file, opened and checked (`SideFile.open`): its bytes, read once, in
    chunks of one reused buffer, through the descriptor that was checked. The 11 MB report
    of `tf-1000` is never held whole: reading it into a fresh 11 MB buffer cost about 4 ms
    of page faults, a third of writing it out."""

    CHUNK = 1024 * 1024

    def __init__(self, fd: int, size: int):
        self._fd, self.size = fd, size

    @classmethod
    def open(cls, path: str, recorded: tuple) -> SideFile | None:
        """The side file at `path` when it is the file whose stamp was recorded (a regular
        file of the user's, the same device, inode, size, modification and change time,
        checked with `fstat` on the descriptor it will be read from); None otherwise."""
        if not files.CHANGE_TIMES:
            return None
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            return None
        try:
            info = os.fstat(fd)
        except OSError:
            info = None
        if info is None or not (stat.S_ISREG(info.st_mode) and _own(info) and stamp(info) == recorded):
            os.close(fd)
            return None
        return cls(fd, info.st_size)

    def chunks(self):
        """The bytes, as views of one buffer (each valid until the next is asked for);
        OSError when the file ends before its recorded size (it changed while read)."""
        fd, self._fd = self._fd, None
        if fd is None:
            raise ValueError("a side file is read once")
        try:
            buffer = memoryview(bytearray(min(self.CHUNK, self.size)))
            left = self.size
            while left:
                got = os.readv(fd, [buffer[:left]])
                if not got:
                    raise OSError(errno.EIO, "a stored report changed while it was read")
                yield buffer[:got]
                left -= got
        finally:
            os.close(fd)

    def __del__(self):
        if self._fd is not None:
            os.close(self._fd)

