"""Configuration: `.iaclint.yaml`, or `[tool.iaclint]` in `pyproject.toml`.

The file is found by walking up from the scanned path: in each directory `.iaclint.yaml`
(or `.iaclint.yml`) first, then a `pyproject.toml` that has a `[tool.iaclint]` table; the
first found wins, and the walk stops at the filesystem root or at the directory holding
`.git` (the repository root), so a scan never picks up a stranger's configuration above
the repository. Paths and globs in it are relative to its directory, so the same file
means the same thing from any working directory.

The file is validated against `config_schema.json` (shipped in the package): an unknown
key or a wrong type is a `ConfigError` naming the file and the key, which the CLI turns
into exit code 2. jsonschema, PyYAML and tomllib are imported only when a file exists.

`merge()` combines a configuration with command-line values: a single value given on the
command line (`--fail-on`, `--format`, `--strict`, `--baseline`, `--select`,
`--environment`) replaces the
file's; lists and maps add to it (`--extend-select`, `--ignore`, `--exclude`, `--per-path-ignore`,
`--policy-dir`, `--var-file`, and `--var`, `--parameter`, `--severity` entry by entry,
the command line winning for a name given in both).
"""
from __future__ import annotations

import json
import os
import re

from iaclint.gate import reads
from iaclint.gate.text import echo
from iaclint.model import lazy_re
from iaclint.model.records import dataclass, field

CONFIG_NAMES = (".iaclint.yaml", ".iaclint.yml")
MAX_CONFIG_BYTES = 1024 * 1024  # a configuration is a few hundred lines
MAX_CONFIG_NODES = 10_000  # YAML nodes, aliases counted each time they are used (alias bombs)
MAX_CONFIG_DEPTH = 32
PYPROJECT = "pyproject.toml"
SCHEMA_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "config_schema.json")
# `[ \t]`, not `\s`: a TOML table header is one line, and `^\s*` over a file of newlines is quadratic
_TOOL_TABLE = lazy_re.compile(r"^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*iaclint[ \t]*[\].]", re.M)

STARTER = """\
# iaclint configuration: https://github.com/iaclint/iaclint/blob/main/docs/usage.md
# Paths and globs are relative to this file. Command-line flags override these values.

# Run only these policies (IDs or names); leave unset to run every default policy.
# select: [IAC101, IAC201, sagemaker-notebook-root-access]

# Run these too: opt-in policies (`iaclint rules` marks them), added to the default set.
# extend-select: [sagemaker-model-platform-registry]

# Skip these policies everywhere.
# ignore: [IAC202]

# Change a policy's severity.
# severity:
#   IAC402: high

# Exit 1 only for findings at or above this severity: critical, high, medium, low, info.
fail-on: info

# Files and directories not to scan (gitignore-style globs).
# exclude: ["legacy/**", "**/*.generated.tf"]

# Skip policies for some paths only.
# per-path-ignores:
#   "sandbox/**": [IAC201, IAC305]

# Your own YAML or Python policies.
# policy-dirs: [policies/]

# Terraform variables and variable files; CloudFormation parameters.
# variables:
#   environment: prod
# var-files: [envs/prod.tfvars]
# parameters:
#   Environment: prod

# Environments: found by themselves (parameter files beside a template, samconfig,
# env/*.tfvars; see docs/usage.md), or named here, which replaces what is found.
# Each is evaluated; `--environment NAME` evaluates one.
# environments:
#   prod: {var-files: [env/prod.tfvars], parameter-files: [config/prod.json]}
# environment: prod

# Partner accounts an ML role's trust policy or a model registry's policy may name
# without a cross-account finding (IAC310, IAC313). Quote them: they are 12-digit strings.
# trusted-accounts: ["444455556666"]

# Report UNKNOWN verdicts (values that cannot be known statically) as findings.
strict: false

# List suppressed findings in the text report.
show-suppressed: false

# Report only findings that are not in this baseline (`iaclint baseline create`).
# baseline: .iaclint-baseline.json

# Speed: processes that load files (default: the number of cores), and the parse cache.
# jobs: 2
# cache: true
# cache-dir: .iaclint-cache
"""


class ConfigError(Exception):
    """A configuration file that cannot be read or is not valid; names the file."""

    def __init__(self, file: str, messages: list[str]):
        super().__init__("; ".join(f"{file}: {m}" for m in messages))
        self.file = file
        self.messages = messages


@dataclass
class Config:
    file: str  # the file it came from
    root: str  # its directory: paths and globs are relative to it
    values: dict = field(default_factory=dict)  # validated, kebab-case keys
    trusted: bool = False  # every setting applies (pipeline.trust); else its paths stay in the tree

    def get(self, key: str, default=None):
        return self.values.get(key, default)

    def path(self, value: str) -> str:
        """A path written in the file, as the scan should open it."""
        return display_path(os.path.join(self.root, os.path.expanduser(value)))


def display_path(path: str) -> str:
    """Relative to the working directory when under it (messages and reports stay short)."""
    path = os.path.normpath(os.path.abspath(path))
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path
    return path if relative == os.pardir or relative.startswith(os.pardir + os.sep) else relative


def find_config(start: str) -> str | None:
    """The configuration file that applies to `start` (a file or directory), or None."""
    directory = os.path.abspath(start)
    if not os.path.isdir(directory):
        directory = os.path.dirname(directory)
    while True:
        for name in CONFIG_NAMES:
            candidate = os.path.join(directory, name)
            if os.path.lexists(candidate) and not os.path.isdir(candidate):
                return candidate  # a FIFO or a link out of the tree is found, and refused by load_config
        candidate = os.path.join(directory, PYPROJECT)
        if os.path.isfile(candidate) and _has_tool_table(candidate):
            return candidate
        parent = os.path.dirname(directory)
        if os.path.exists(os.path.join(directory, ".git")) or parent == directory:
            return None
        directory = parent


def _has_tool_table(path: str) -> bool:
    try:
        return bool(_TOOL_TABLE.search(reads.read_bytes(path, limit=MAX_CONFIG_BYTES).decode("utf-8", "replace")))
    except OSError:
        return False


def load_config(file: str, tree: reads.Tree | None = None) -> Config:
    """Read and validate one configuration file; `tree` bounds where a file found in the
    scanned tree may be read from (a `.iaclint.yaml` symlinked to `/etc/passwd` would
    print its lines in the error about unknown keys)."""
    shown = display_path(file)
    data = _read_toml(file, shown, tree) if os.path.basename(file) == PYPROJECT else read_yaml(file, shown, tree)
    values, spelled = _canonical_keys(data, shown)
    validate(values, shown, spelled)
    return Config(file=shown, root=os.path.dirname(os.path.abspath(file)), values=values)


def discover_config(paths, explicit: str | None = None) -> Config | None:
    """The configuration for a scan of `paths`: `explicit` if given, else the one found by
    walking up from the first path."""
    if explicit:
        if not os.path.isfile(explicit):
            raise ConfigError(explicit, ["configuration file not found"])
        return load_config(explicit)
    first = next(iter(paths), ".") or "."
    found = find_config(first)
    if not found:
        return None
    tree = reads.Tree.of([first])  # the scanned tree, and the directory the file was found in
    return load_config(found, reads.Tree(tree.roots + (os.path.dirname(os.path.abspath(found)),)))


def read_yaml(file: str, shown: str, tree: reads.Tree | None = None) -> dict:
    """A YAML mapping, read through the read gate and bounded (size, values, depth)."""
    import yaml

    try:
        text = reads.read_bytes(file, tree=tree, limit=MAX_CONFIG_BYTES).decode("utf-8-sig")
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
        try:
            node = loader.get_single_node()
            if node is not None:
                _check_size(node, shown)
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except RecursionError:
        raise ConfigError(shown, [f"nested deeper than {MAX_CONFIG_DEPTH} levels"]) from None
    except OSError as exc:
        raise ConfigError(shown, [f"cannot read: {exc.strerror or exc}"]) from None
    except UnicodeDecodeError:
        raise ConfigError(shown, ["not UTF-8 text"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(shown, [f"invalid YAML{where}: {problem}"]) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(shown, ["the configuration must be a mapping of keys to values"])
    return data


def _read_toml(file: str, shown: str, tree: reads.Tree | None = None) -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ModuleNotFoundError:
            raise ConfigError(shown, ["reading pyproject.toml needs Python 3.11+ or the `tomli` package"]) from None
    try:
        document = tomllib.loads(reads.read_bytes(file, tree=tree, limit=MAX_CONFIG_BYTES).decode("utf-8"))
    except OSError as exc:
        raise ConfigError(shown, [f"cannot read: {exc.strerror or exc}"]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(shown, [f"invalid TOML: {exc}"]) from None
    except RecursionError:
        raise ConfigError(shown, ["invalid TOML: nested too deeply"]) from None
    table = document.get("tool", {}).get("iaclint", {})
    if not isinstance(table, dict):
        raise ConfigError(shown, ["[tool.iaclint] must be a table"])
    return table


def _check_size(root, shown: str) -> None:
    """Refuse a YAML document whose nodes, with every alias expanded, are too many or too
    deep: a configuration has no use for either, and both are how small files exhaust a
    reader (a "billion laughs" alias bomb)."""
    count = 0
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_CONFIG_NODES:
            raise ConfigError(shown, [f"more than {MAX_CONFIG_NODES} values once aliases are expanded "
                                      "(a YAML alias bomb?)"])
        if depth > MAX_CONFIG_DEPTH:
            raise ConfigError(shown, [f"nested deeper than {MAX_CONFIG_DEPTH} levels"])
        if isinstance(node.value, list):
            for item in node.value:
                if isinstance(item, tuple):
                    stack.extend((part, depth + 1) for part in item)
                else:
                    stack.append((item, depth + 1))


def _canonical_keys(data: dict, shown: str) -> tuple[dict, dict]:
    """Top-level keys in kebab-case (`fail_on` -> `fail-on`), and canonical -> as written."""
    values, spelled = {}, {}
    for key, value in data.items():
        if not isinstance(key, str):
            raise ConfigError(shown, [f"key {echo(key)} is not a string"])
        canonical = key.replace("_", "-")
        if canonical in values:
            raise ConfigError(shown, [f"`{spelled[canonical]}` and `{key}` are the same key; keep one"])
        values[canonical] = value
        spelled[canonical] = key
    return values, spelled


def schema() -> dict:
    with open(SCHEMA_FILE, encoding="utf-8") as handle:
        document = json.load(handle)
    from iaclint.formatters import FORMATS

    document["properties"]["format"]["enum"] = list(FORMATS)
    return document


def validate(values: dict, shown: str, spelled: dict | None = None) -> None:
    """Raise ConfigError listing every problem, each naming the key."""
    import jsonschema

    spelled = spelled or {}
    document = schema()
    validator = jsonschema.Draft202012Validator(document)
    messages = []
    for error in sorted(validator.iter_errors(values), key=lambda e: [str(p) for p in e.absolute_path]):
        path = list(error.absolute_path)
        if error.validator == "additionalProperties" and not path:
            known = list(document["properties"])
            for key in sorted(set(values) - set(known)):
                messages.append(f"unknown key `{spelled.get(key, key)}`{_suggest(key, known)}")
            continue
        where = _key_path(path, spelled)
        message = error.message.replace(repr(error.instance), echo(error.instance))
        if error.validator == "pattern" and error.validator_value == document["$defs"]["policy"]["pattern"]:
            message = f"{echo(error.instance)} is not a policy ID (IAC101) or name (sagemaker-notebook-no-cmk)"
        if "propertyNames" in error.schema_path:
            message = f"invalid key: {message}"
        messages.append(f"`{where}`: {message}")
    if messages:
        raise ConfigError(shown, messages)


def _key_path(path: list, spelled: dict) -> str:
    """`severity.IAC101`, `per-path-ignores["legacy/**"][1]`: the key as the user wrote it."""
    out = ""
    for i, part in enumerate(path):
        if isinstance(part, int):
            out += f"[{part}]"
        elif i == 0:
            out = spelled.get(part, part)
        elif re.fullmatch(r"[A-Za-z0-9_-]+", part):
            out += f".{part}"
        else:
            out += f"[{json.dumps(part)}]"
    return out


def _suggest(key: str, known: list) -> str:
    import difflib

    close = difflib.get_close_matches(key, known, n=1)
    return f" (did you mean `{close[0]}`?)" if close else f" (known keys: {', '.join(known)})"


def merge(config: Config | None, cli: dict) -> dict:
    """Settings for a scan: the configuration's values under the command line's.

    `cli` holds the command-line values by configuration key, None (or empty) when a flag
    was not given. Returns every key of the schema with its effective value; paths are
    resolved (the file's relative to its directory), and `exclude`/`per-path-ignores`
    become path matchers so that globs from the file and from the command line each keep
    their own base directory.
    """
    from iaclint.pipeline.globs import PathMatcher

    conf = config.values if config is not None else {}
    resolve = config.path if config is not None else (lambda p: p)
    root = config.root if config is not None else None

    def scalar(key, default=None):
        value = cli.get(key)
        return value if value is not None else conf.get(key, default)

    select = cli.get("select") or conf.get("select") or []
    extend_select = list(conf.get("extend-select", [])) + list(cli.get("extend-select") or [])
    ignore = list(conf.get("ignore", [])) + list(cli.get("ignore") or [])
    exclude = []
    if conf.get("exclude"):
        exclude.append(PathMatcher(conf["exclude"], root))
    if cli.get("exclude"):
        exclude.append(PathMatcher(cli["exclude"]))
    per_path = [(PathMatcher([glob], root), ids) for glob, ids in conf.get("per-path-ignores", {}).items()]
    per_path += [(PathMatcher([glob]), ids) for glob, ids in (cli.get("per-path-ignores") or {}).items()]
    variables = {name: _tf_text(value) for name, value in conf.get("variables", {}).items()}
    variables.update(cli.get("variables") or {})
    parameters = {name: _cfn_text(value) for name, value in conf.get("parameters", {}).items()}
    parameters.update(cli.get("parameters") or {})
    severity = dict(conf.get("severity", {}))
    severity.update(cli.get("severity") or {})
    baseline = cli.get("baseline")
    if baseline is None and conf.get("baseline"):
        baseline = resolve(conf["baseline"])
    return {
        "select": list(select), "extend-select": extend_select, "ignore": ignore, "severity": severity,
        "fail-on": scalar("fail-on", "info"), "exclude": exclude, "per-path-ignores": per_path,
        "policy-dirs": [resolve(d) for d in conf.get("policy-dirs", [])] + list(cli.get("policy-dirs") or []),
        "variables": variables, "parameters": parameters,
        "trusted-accounts": sorted(set(conf.get("trusted-accounts", [])) | set(cli.get("trusted-accounts") or [])),
        "var-files": [resolve(f) for f in conf.get("var-files", [])] + list(cli.get("var-files") or []),
        "environments": {name: {key: [resolve(f) for f in files] for key, files in spec.items()}
                         for name, spec in conf.get("environments", {}).items()} or None,
        "environment": scalar("environment"),
        "strict": bool(scalar("strict", False)), "show-suppressed": bool(scalar("show-suppressed", False)),
        "baseline": baseline or None, "format": scalar("format"),
        "jobs": scalar("jobs"), "cache": bool(scalar("cache", True)),
        "cache-dir": cli.get("cache-dir") or (resolve(conf["cache-dir"]) if conf.get("cache-dir") else None),
    }


def _tf_text(value) -> str:
    """A configuration value as `--var` text: strings as they are, the rest as JSON, which
    is valid HCL for numbers, booleans, lists and maps."""
    return value if isinstance(value, str) else json.dumps(value)


def _cfn_text(value) -> str:
    """A configuration value as a CloudFormation parameter string (lists comma-joined)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_cfn_text(v) for v in value)
    return str(value)


def write_starter(directory: str = ".") -> str:
    """Write a commented starter `.iaclint.yaml` in `directory`; never overwrite one (nor
    write through a symlink of that name: the write gate creates it or refuses)."""
    from iaclint.gate.writes import create_file

    path = os.path.join(directory, CONFIG_NAMES[0])
    try:
        create_file(path, STARTER)
    except FileExistsError:
        raise ConfigError(display_path(path), ["already exists; not overwriting it"]) from None
    except OSError as exc:
        raise ConfigError(display_path(path), [f"cannot write: {exc.strerror or exc}"]) from None
    return display_path(path)
