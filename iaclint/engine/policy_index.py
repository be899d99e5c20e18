"""A precomputed index of the built-in policy pack: a scan imports only the policies it runs.

Loading the whole pack imports ~75 Python modules and parses ~30 YAML files with PyYAML:
about half of a one-file scan's fixed cost, and all of it wasted on a whole-scan cache
hit, where no policy runs. `policies/_index.json` records, for every file of the pack, its
SHA-256 and what loading it gives: a YAML policy's parsed document; a Python policy's
class and its public attributes that are plain values (id, name, title, severity,
category, resource types, Checkov IDs, flags such as `attack_path`). A Python policy is
then a `LazyPolicy`, which imports its module when it first checks a resource (or when
anything the index does not hold is asked of it); a YAML policy is built from the
recorded document, without PyYAML.

A file's record is used only when the file's bytes still have the recorded hash; a file
that changed, or is new, is loaded as before (so a stale index costs speed, never a
wrong policy). What a record cannot see is a helper module changing a policy's metadata
(`resource_types = ENTRY_TYPES`): `tests/test_policy_index.py` checks that the index is
exactly what loading the pack gives today. Regenerate it after changing policies:

    python -m iaclint.engine.policy_index      # rewrites policies/_index.json
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from iaclint.engine import docs
from iaclint.engine.policy import Policy

INDEX_NAME = "_index.json"
FORMAT = 1
# Answered by the index record itself; the documentation fields come from the pages.
_BASE = frozenset(n for n in dir(Policy) if not n.startswith("_"))


class LazyPolicy(Policy):
    """A built-in Python policy known from the index, imported on first real use."""

    def __init__(self, record: dict, source: str, module_name: str, load):
        self.__dict__.update(_values(record["attrs"]))
        self.source = source
        self._record_names = frozenset(record["names"])
        self._module_name = module_name
        self._class_name = record["class"]
        self._load = load  # (path, module name, class name) -> the policy instance
        self._real = None

    @property
    def implementation(self) -> Policy:
        """The real policy (its module imported now, once)."""
        if self._real is None:
            self._real = self._load(self.source, self._module_name, self._class_name)
        return self._real

    @property
    def module_name(self) -> str:
        """The module that defines the policy (as `type(policy).__module__` would say)."""
        return self._module_name

    def check(self, resource, ctx):
        return self.implementation.check(resource, ctx)

    def __getattr__(self, name: str):  # only for names not on the instance or class
        if name.startswith("_") or name not in self.__dict__.get("_record_names", ()):
            raise AttributeError(name)
        return getattr(self.implementation, name)


def index_path(directory: Path) -> Path:
    return directory / INDEX_NAME


def read_index(directory: Path) -> dict:
    """{relative path: record} of the pack's index, or {} when it is absent or unreadable."""
    try:
        data = json.loads(index_path(directory).read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return {}
    return {r["path"]: r for r in data.get("files", ()) if isinstance(r, dict) and "path" in r}


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_index(directory: Path, load_yaml_document, load_python) -> dict:
    """The index of the pack in `directory`: `load_yaml_document(path)` gives a YAML
    file's document, `load_python(path)` a Python file's policy instances."""
    files = []
    for path in pack_files(directory):
        relative = path.relative_to(directory).as_posix()
        record = {"path": relative, "sha256": digest(path.read_bytes())}
        if path.suffix == ".py":
            record["policies"] = [_python_record(p) for p in load_python(path)]
        else:
            document = load_yaml_document(path)
            if json.loads(json.dumps(document)) != document:  # not plain JSON (dates, int keys): loaded as usual
                continue
            record["document"] = document
        files.append(record)
    return {"format": FORMAT, "files": files}


def pack_files(directory: Path) -> list[Path]:
    """The files of a policy directory that hold policies, in the order `registry` loads a
    directory (`sorted(directory.rglob("*"))`), listed with `os.walk` (pathlib's walk was
    a tenth of the pack's loading time)."""
    found = []
    for top, dirs, names in os.walk(directory):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        found += [os.path.join(top, n) for n in names if _holds_policies(n)]
    paths = [Path(p) for p in found]
    return sorted((p for p in paths if p.is_file()), key=lambda p: p.parts)


def _holds_policies(name: str) -> bool:
    if name == INDEX_NAME:
        return False
    return name.endswith((".yaml", ".yml", ".json")) or (name.endswith(".py") and name != "__init__.py")


def _python_record(policy: Policy) -> dict:
    cls = type(policy)
    if any(field in vars(c) for c in cls.__mro__ if c not in (Policy, object) for field in docs.FIELDS):
        raise ValueError(f"{cls.__name__}: inline documentation cannot be indexed (use the page beside the file)")
    names = sorted(n for n in dir(policy) if not n.startswith("_") and n not in _BASE)
    attrs = {}
    for name in ("id", "name", "title", "severity", "category", "resource_types", "checkov_ids", *names):
        value = getattr(policy, name)
        if not callable(value) and _plain(value):
            attrs[name] = _encoded(value)
    return {"class": cls.__name__, "attrs": attrs, "names": [n for n in names if n not in attrs]}


def _plain(value) -> bool:
    if isinstance(value, (tuple, list)):
        return all(isinstance(v, (str, int, float, bool)) or v is None for v in value)
    return isinstance(value, (str, int, float, bool)) or value is None


def _encoded(value):
    """A plain value as JSON that `_values` turns back into the same Python value."""
    if isinstance(value, tuple):
        return {"tuple": list(value)}
    if isinstance(value, list):
        return {"list": value}
    return {"value": value}


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


def index_text() -> str:
    """What `policies/_index.json` should hold for the pack as it is now."""
    from iaclint.engine import registry

    directory = registry.builtin_policy_dir()
    index = build_index(directory, registry.read_policy_document,
                        lambda path: registry.load_python_policies(path, directory, registry.BUILTIN_PACKAGE))
    return json.dumps(index, indent=1, ensure_ascii=True) + "\n"


def main() -> int:
    from iaclint.engine import registry

    path = index_path(registry.builtin_policy_dir())
    path.write_text(index_text(), encoding="utf-8")
    print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
