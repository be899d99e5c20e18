"""`policies/_index.json`, the built-in pack's index (`iaclint.engine.policy_index`),
generated from the pack as loading it gives it; `tests/test_policy_index.py` fails when
the committed file is stale.

    python -m iaclint.reference.policy_index   # rewrites policies/_index.json
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from iaclint.engine import docs, registry
from iaclint.engine.policy import Policy
from iaclint.engine.policy_index import FORMAT, digest, index_path, pack_files

# Answered by the record itself (`LazyPolicy`); the documentation fields come from the pages.
_BASE = frozenset(n for n in dir(Policy) if not n.startswith("_"))


def build_index(directory: Path, read_document, load_file) -> dict:
    """The index of the pack in `directory`: `read_document(path)` gives a YAML file's
    document, `load_file(path)` the policies a file holds."""
    files = []
    for path in pack_files(directory):
        relative = path.relative_to(directory).as_posix()
        record = {"path": relative, "sha256": digest(path.read_bytes())}
        policies = load_file(path)
        if path.suffix == ".py":
            record["policies"] = [_record(p, inline_docs_allowed=False) for p in policies]
        else:
            document = read_document(path)
            if json.loads(json.dumps(document)) != document:  # not plain JSON (dates, int keys): loaded as usual
                continue
            record["document"] = document
            lazy = _record(policies[0], inline_docs_allowed=True)
            if lazy is not None:  # else built from the document when loaded (inline documentation)
                record["policy"] = lazy
        files.append(record)
    return {"format": FORMAT, "files": files}


def _record(policy: Policy, inline_docs_allowed: bool) -> dict | None:
    """What a `LazyPolicy` needs to stand for `policy`; None for a policy with inline
    documentation (a lazy one reads the page beside its file)."""
    cls = type(policy)
    places = [vars(policy), *(vars(c) for c in cls.__mro__ if c not in (Policy, object))]
    if any(field in place for place in places for field in docs.FIELDS):
        if inline_docs_allowed:
            return None
        raise ValueError(f"{cls.__name__}: inline documentation cannot be indexed (use the page beside the file)")
    names = sorted(n for n in dir(policy) if not n.startswith("_") and n not in _BASE)
    attrs = {}
    for name in ("id", "name", "title", "severity", "category", "resource_types", "checkov_ids", *names):
        value = getattr(policy, name)
        if not callable(value) and _plain(value):
            attrs[name] = _encoded(value)
    if policy.opt_in:  # recorded only when set: a LazyPolicy's class says False
        attrs["opt_in"] = _encoded(True)
    return {"class": cls.__name__, "module": cls.__module__, "attrs": attrs,
            "names": [n for n in names if n not in attrs]}


def _plain(value) -> bool:
    if isinstance(value, (tuple, list)):
        return all(isinstance(v, (str, int, float, bool)) or v is None for v in value)
    return isinstance(value, (str, int, float, bool)) or value is None


def _encoded(value):
    """A plain value as JSON that `policy_index._values` turns back into the same value."""
    if isinstance(value, tuple):
        return {"tuple": list(value)}
    if isinstance(value, list):
        return {"list": value}
    return {"value": value}


def index_text() -> str:
    """What `policies/_index.json` should hold for the pack as it is now."""
    directory = registry.builtin_policy_dir()
    index = build_index(directory, registry.read_policy_document,
                        lambda path: registry._load_file(path, directory, False, registry.BUILTIN_PACKAGE))
    return json.dumps(index, indent=1, ensure_ascii=True) + "\n"


def main() -> int:
    path = index_path(registry.builtin_policy_dir())
    path.write_text(index_text(), encoding="utf-8")
    print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
