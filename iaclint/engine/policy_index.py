"""A precomputed index of the built-in policy pack: a scan imports only the policies it runs.

Loading the whole pack imports ~75 Python modules and parses ~30 YAML files with PyYAML:
about half of a one-file scan's fixed cost, and all of it wasted on a whole-scan cache
hit, where no policy runs. `policies/_index.json` records, for every file of the pack, its
SHA-256 and what loading it gives: a YAML policy's parsed document, and for every policy
its class and its public attributes that are plain values (id, name, title, severity,
category, resource types, Checkov IDs, flags such as `attack_path`). Each is then a
`LazyPolicy`, made real when it first checks a resource (or when anything the index does
not hold is asked of it): a Python policy's module imported, a YAML policy's definition
compiled from the recorded document (never with PyYAML).

A file's record is used only when the file's bytes still have the recorded hash; a file
that changed, or is new, is loaded as before (so a stale index costs speed, never a
wrong policy). What a record cannot see is a helper module changing a policy's metadata
(`resource_types = ENTRY_TYPES`): `tests/test_policy_index.py` checks that the index is
exactly what loading the pack gives today. Regenerate it after changing policies:

    python -m iaclint.reference.policy_index   # rewrites policies/_index.json
"""
from __future__ import annotations

import hashlib
import json
import os

from iaclint.engine.policy import Policy
from iaclint.gate import code, files

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

INDEX_NAME = "_index.json"
FORMAT = 1


class LazyPolicy(Policy):
    """A built-in policy known from the index, made real on first use (`implementation`)."""

    def __init__(self, record: dict, source: str, load):
        self.__dict__.update(_values(record["attrs"]))
        self.source = source
        self._record_names = frozenset(record["names"])
        self._module_name = record["module"]
        self._load = load  # () -> the real policy (a functools.partial: picklable)
        self._real = None

    @property
    def implementation(self) -> Policy:
        """The real policy (made now, once: its module imported, its YAML compiled)."""
        if self._real is None:
            self._real = self._load()
        return self._real

    @property
    def module_name(self) -> str:
        """The module that defines the policy's class (as `type(policy).__module__` would say)."""
        return self._module_name

    def check(self, resource, ctx):
        check = self.__dict__["check"] = self.implementation.check  # from now on `policy.check` is the real one
        return check(resource, ctx)

    def __getattr__(self, name: str):  # only for names not on the instance or class
        if name.startswith("_") or name not in self.__dict__.get("_record_names", ()):
            raise AttributeError(name)
        return getattr(self.implementation, name)


def index_path(directory: Path) -> Path:
    from pathlib import Path

    return Path(directory) / INDEX_NAME


# Made by a scan server before it forks its runs (`prime`, from `faces.server.warm`), empty
# in a process of its own: the parsed index (used once: the next `read_index`) and each
# pack file's SHA-256, each kept under the identity of the file it came from (device,
# inode, size, modification and change time: what the digest memo of `gate.files` trusts,
# since no one but root can set a ctime back) and used only while the file still has it.
_PRIMED: dict = {}


def _identity(path: str) -> tuple | None:
    try:
        return files.stamp(os.stat(path))
    except OSError:
        return None


def prime(directory: str | os.PathLike) -> None:
    """Read the pack's index and hash its files now, for the runs a scan server forks: each
    run then parses no 130 KB of JSON and hashes no ~110 files (about 5 ms of a one-file
    run), as long as the files are the same files."""
    directory = os.fspath(directory)
    path = os.path.join(directory, INDEX_NAME)
    identity = _identity(path)
    index = read_index(directory)
    if identity is not None and identity == _identity(path):
        _PRIMED["index"] = (path, identity, index)
    digests = {}
    for _, source in pack_entries(directory):
        identity = _identity(source)
        try:
            with open(source, "rb") as handle:
                data = handle.read()
        except OSError:
            continue
        if identity is not None and identity == _identity(source):
            digests[source] = (identity, digest(data))
    _PRIMED["digests"] = digests


def file_digest(path: str) -> str:
    """`digest` of the file's bytes (from `prime`'s hash while it is the same file)."""
    primed = _PRIMED.get("digests", {}).get(path)
    if primed is not None and primed[0] == _identity(path):
        return primed[1]
    with open(path, "rb") as handle:
        return digest(handle.read())


def read_index(directory: str | os.PathLike) -> dict:
    """{relative path: record} of the pack's index, or {} when it is absent or unreadable."""
    primed = _PRIMED.pop("index", None)
    if primed is not None and primed[0] == os.path.join(directory, INDEX_NAME) and primed[1] == _identity(primed[0]):
        return primed[2]
    try:
        with open(os.path.join(directory, INDEX_NAME), "rb") as handle:  # os.path: a cache hit imports no pathlib
            data = json.loads(handle.read())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return {}
    return {r["path"]: r for r in data.get("files", ()) if isinstance(r, dict) and "path" in r}


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pack_files(directory: Path) -> list[Path]:
    """The files of a policy directory that hold policies, in the order `registry` loads a
    directory (`sorted(directory.rglob("*"))`), listed with `os.walk` (pathlib's walk was
    a tenth of the pack's loading time)."""
    from pathlib import Path

    return [Path(path) for _, path in pack_entries(directory)]


def pack_entries(directory: str | os.PathLike) -> list[tuple[str, str]]:
    """(path relative to `directory` with `/`, path) of each of `pack_files(directory)`, in
    its order, as `str`s (a cache hit loads the pack without importing pathlib)."""
    root = os.fspath(directory)
    found = ((parts, os.path.join(root, *parts)) for parts in code.relative_files(root, lambda _, n: _holds_policies(n)))
    return [("/".join(parts), path) for parts, path in found if os.path.isfile(path)]


def _holds_policies(name: str) -> bool:
    if name == INDEX_NAME:
        return False
    return name.endswith((".yaml", ".yml", ".json")) or (name.endswith(".py") and name != "__init__.py")


def _values(attrs: dict) -> dict:
    out = {}
    for name, encoded in attrs.items():
        if "tuple" in encoded:
            out[name] = tuple(encoded["tuple"])
        elif "list" in encoded:
            out[name] = list(encoded["list"])
        else:
            out[name] = encoded["value"]
    return out
