"""Find and load policies: the built-in pack (`iaclint_policies`) and users' directories.

YAML files (and JSON ones, as in Checkov's `--external-checks-dir`) become `YamlPolicy`
objects; Python files are imported and every `Policy` subclass they define with an `id`
is instantiated. A Checkov Python check (it imports `checkov`) cannot run here and is
named as such. A malformed user policy raises
`PolicyLoadError` naming the file and the reason; the CLI turns it into exit code 2.
Built-in YAML is validated by the test suite rather than on every run, which keeps
jsonschema off the scan path.
"""
from __future__ import annotations

import importlib.util
import json
import os
import sys
from functools import lru_cache, partial

from iaclint.engine import policy_index
from iaclint.engine.policy import SEVERITIES, Policy

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: a whole-scan cache hit does not import `typing`
if TYPE_CHECKING:  # the YAML machinery is imported only when a YAML policy is made
    from pathlib import Path

    from iaclint.engine.yaml_policy import YamlPolicy

# os.path, not pathlib, where a scan goes: a whole-scan cache hit imports no pathlib.
SCHEMA_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "policy_schema.json")


class PolicyLoadError(Exception):
    def __init__(self, file: str, reason: str):
        super().__init__(f"{file}: {reason}")
        self.file = file
        self.reason = reason


def builtin_policy_dir() -> Path:
    """The installed `iaclint_policies` package, else `policies/` beside a source checkout."""
    from pathlib import Path

    return Path(_builtin_dir())


@lru_cache(maxsize=1)
def _builtin_dir() -> str:
    spec = importlib.util.find_spec("iaclint_policies")
    if spec is not None and spec.submodule_search_locations:
        return os.fspath(list(spec.submodule_search_locations)[0])
    checkout = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
    return os.path.join(checkout, "policies")


BUILTIN_PACKAGE = "iaclint_policies"


def load_policies(policy_dirs: list[str] = ()) -> list[Policy]:
    """Built-in policies plus those in `policy_dirs`, sorted by id; ids must be unique.
    The built-in ones come through the pack's index where it holds (`policy_index`)."""
    policies = _load_builtin(_builtin_dir())
    for directory in policy_dirs:
        if not os.path.isdir(directory):
            raise PolicyLoadError(directory, "policy directory not found")
        from pathlib import Path

        policies.extend(_load_dir(Path(directory), validate=True, package=None))
    seen: dict[str, str] = {}
    for policy in policies:
        if policy.id in seen:
            raise PolicyLoadError(policy.source, f"policy id {policy.id} is already used by {seen[policy.id]}")
        seen[policy.id] = policy.source
    return sorted(policies, key=lambda p: p.id)


def _load_dir(directory: Path, validate: bool, package: str | None) -> list[Policy]:
    policies: list[Policy] = []
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            policies.extend(_load_file(path, directory, validate, package))
    return policies


def _load_file(path: Path, directory: Path, validate: bool, package: str | None) -> list[Policy]:
    if path.suffix in (".yaml", ".yml", ".json"):
        return [load_yaml_policy(path, validate)]
    if path.suffix == ".py" and path.name != "__init__.py":
        return load_python_policies(path, directory, package)
    return []


def _load_builtin(directory: str) -> list[Policy]:
    """The built-in pack: each file whose bytes match its record in the index from the
    record (Python policies as `LazyPolicy`, imported on first use), any other as usual."""
    index = policy_index.read_index(directory)
    policies: list[Policy] = []
    for relative, path in policy_index.pack_entries(directory):
        record = index.get(relative)
        try:
            fresh = record is not None and policy_index.file_digest(path) == record.get("sha256")
        except OSError:
            fresh = False
        if not fresh:
            from pathlib import Path

            policies.extend(_load_file(Path(path), Path(directory), validate=False, package=BUILTIN_PACKAGE))
        elif "document" in record and "policy" not in record:
            policies.append(_yaml_policy(record["document"], path))
        elif "document" in record:
            policies.append(policy_index.LazyPolicy(record["policy"], str(path),
                                                    partial(_yaml_policy, record["document"], path)))
        else:
            policies.extend(policy_index.LazyPolicy(r, str(path), partial(_load_class, str(path), r["module"], r["class"]))
                            for r in record["policies"])
    return policies


def _load_class(source: str, module_name: str, class_name: str) -> Policy:
    """The policy of class `class_name` in a built-in policy file (for `LazyPolicy`)."""
    from pathlib import Path

    for policy in load_python_policies(Path(source), builtin_policy_dir(), BUILTIN_PACKAGE):
        if type(policy).__name__ == class_name and type(policy).__module__ == module_name:
            return policy
    raise PolicyLoadError(source, f"policy class {class_name} not found (regenerate the policy index)")


def read_policy_document(path: Path):
    """The parsed content of a YAML (or JSON) policy file."""
    import yaml

    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyLoadError(str(path), f"cannot read: {exc}") from None
    except yaml.YAMLError as exc:  # JSON is YAML: one loader reads both
        raise PolicyLoadError(str(path), f"invalid {'JSON' if path.suffix == '.json' else 'YAML'}: {exc}") from None


def load_yaml_policy(path: Path, validate: bool = True) -> "YamlPolicy":
    document = read_policy_document(path)
    if validate:
        validate_policy_document(document, str(path))
    elif not isinstance(document, dict) or "metadata" not in document or "definition" not in document:
        raise PolicyLoadError(str(path), "a policy needs `metadata` and `definition`")
    return _yaml_policy(document, path)


def _yaml_policy(document, path: Path) -> "YamlPolicy":
    from iaclint.engine.grammar import GrammarError  # the grammar only when a YAML policy is made
    from iaclint.engine.yaml_policy import YamlPolicy

    try:
        return YamlPolicy(document, str(path))
    except GrammarError as exc:
        raise PolicyLoadError(str(path), str(exc)) from None
    except (KeyError, TypeError) as exc:
        raise PolicyLoadError(str(path), f"malformed policy: missing {exc}") from None


def validate_policy_document(document: object, source: str) -> None:
    """Check a YAML policy against the JSON Schema; the error names the failing location."""
    import jsonschema

    with open(SCHEMA_FILE, encoding="utf-8") as handle:
        schema = json.load(handle)
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        best = jsonschema.exceptions.best_match(errors)
        where = "/".join(str(p) for p in best.absolute_path) or "(top level)"
        raise PolicyLoadError(source, f"invalid policy at {where}: {best.message}")
    severity = str(document["metadata"].get("severity", "medium")).lower()  # type: ignore[index]
    if severity not in SEVERITIES:
        raise PolicyLoadError(source, f"unknown severity {severity!r}")


def load_python_policies(path: Path, root: Path, package: str | None) -> list[Policy]:
    if package is None and _is_checkov_check(path):
        raise PolicyLoadError(str(path), "a Checkov Python check: iaclint runs Checkov's YAML and JSON policies, "
                              "not its Python checks (move it out of the directory, or rewrite it as YAML)")
    module_name = _module_name(path, root, package)
    try:
        module = sys.modules.get(module_name)
        if module is None:
            spec = importlib.util.spec_from_file_location(module_name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module
            spec.loader.exec_module(module)
    except Exception as exc:  # a user's file may raise anything at import
        sys.modules.pop(module_name, None)
        raise PolicyLoadError(str(path), f"cannot import: {type(exc).__name__}: {exc}") from None
    found = []
    for _, cls in sorted(vars(module).items()):  # in name order, as inspect.getmembers (not imported: 4 ms)
        if isinstance(cls, type) and issubclass(cls, Policy) and cls.__module__ == module_name and getattr(cls, "id", ""):
            policy = cls()
            policy.source = str(path)
            if not policy.resource_types:
                raise PolicyLoadError(str(path), f"policy {policy.id} has no resource_types")
            if policy.severity not in SEVERITIES:
                raise PolicyLoadError(str(path), f"policy {policy.id} has unknown severity {policy.severity!r}")
            found.append(policy)
    return found


def _module_name(path: Path, root: Path, package: str | None) -> str:
    relative = path.relative_to(root).with_suffix("")
    prefix = package or f"iaclint_user_policies_{abs(hash(str(root))) % 10**8}"
    return ".".join([prefix, *relative.parts])


def _is_checkov_check(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return "from checkov." in text or "import checkov" in text
