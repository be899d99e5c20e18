"""A content-hash cache of parse and evaluation results, in the user's cache directory.

Parsing and evaluating is most of a scan's time, and in a pre-commit hook or an editor
almost every file is unchanged since the last run. A unit (a Terraform module directory or
a CloudFormation template) is cached under a key made of everything its result depends
on: iaclint's version and loader code, the unit's files and their contents, and the
variables or parameters given. Policies are not part of the key: they run on the cached
resources every time, so changing a policy never serves a stale verdict.

Entries are written atomically (a temporary file, then a rename), so concurrent runs never
see half an entry; an entry that cannot be read is ignored and rewritten, never trusted.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from functools import lru_cache
from pathlib import Path

FORMAT = "1"


def default_directory() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "iaclint"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """iaclint's version plus the bytes of its code (loaders, engine, policy helpers) and of
    the data files the loaders read (`normalize/awscc_types.json`): a changed iaclint (a new
    release, or a working copy under development) never reads old entries."""
    import iaclint

    root = Path(iaclint.__file__).parent
    digest = hashlib.sha256(f"{FORMAT}:{iaclint.__version__}".encode())
    for path in sorted([*root.rglob("*.py"), *root.glob("normalize/*.json")]):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


class Cache:
    """Pickled unit results under `directory/<key[:2]>/<key>`; `None` disables nothing."""

    def __init__(self, directory: str | os.PathLike | None = None):
        self.directory = Path(directory) if directory else default_directory()
        self.hits = 0
        self.misses = 0

    def key(self, *parts) -> str:
        digest = hashlib.sha256(code_fingerprint().encode())
        for part in parts:
            digest.update(b"\x1f")
            digest.update(repr(part).encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / key

    def get(self, key: str):
        """The stored value, or None when absent or unreadable (a corrupt entry is removed)."""
        path = self._path(key)
        try:
            with open(path, "rb") as handle:
                value = pickle.load(handle)
        except FileNotFoundError:
            self.misses += 1
            return None
        except Exception:  # noqa: BLE001 - truncated, corrupt or foreign: never trusted
            self.misses += 1
            try:
                path.unlink()
            except OSError:
                pass
            return None
        self.hits += 1
        return value

    def put(self, key: str, value) -> None:
        """Store atomically; a cache that cannot be written only costs speed."""
        try:
            data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, RecursionError, TypeError, AttributeError):
            return
        self.put_encoded(key, data)

    def put_encoded(self, key: str, data: bytes) -> None:
        """`put` of a value pickled already (a worker process pickles its result once, to
        send it and to store it)."""
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                os.replace(temp, path)
            except BaseException:
                try:
                    os.unlink(temp)
                except OSError:
                    pass
                raise
        except OSError:
            pass
