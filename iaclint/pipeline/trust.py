"""Which settings of a configuration file apply: the trust model of docs/security.md.

A configuration file that lies in the scanned tree was written by whoever wrote the tree,
and iaclint scans trees nobody has reviewed yet (a pull request from a fork, a clone).
So such a file is *data*: it may choose policies, severities, excludes, suppressions,
variables and its own baseline, everything that decides findings, and nothing that
reaches beyond the tree. The settings that would (`UNSAFE`: load Python code, choose
where the cache lives, read or write files outside the tree, start more processes than
there are cores) are left out, each with a note saying how to opt in:

- on the command line, for one run: the flag itself (`--policy-dir`, `--cache-dir`,
  `--baseline`, `--var-file`, `--jobs`), or `--trust-config` to honour the whole file;
- in the user's own configuration, outside every repository (`user_config_file()`:
  `$XDG_CONFIG_HOME/iaclint/config.yaml`, else `~/.config/iaclint/config.yaml`), whose
  `trusted-directories` list works like Git's `safe.directory`: a configuration file
  inside one of them is honoured in full (`"*"` trusts every directory).

A configuration named with `--config FILE` that lies outside every scanned tree is the
user's own, and is honoured in full.
"""
from __future__ import annotations

import os

from iaclint.gate import reads
from iaclint.model.records import dataclass, field

USER_CONFIG_KEYS = ("trusted-directories",)
OPT_IN = ("pass it on the command line, use --trust-config, or list the repository under `trusted-directories` "
          "in {user}")
EDITOR_OPT_IN = ("trust the workspace (VS Code's Workspace Trust; in other editors the `trustedWorkspace` "
                 "initialization option), or list the repository under `trusted-directories` in {user}")


@dataclass
class UserConfig:
    file: str
    trusted: list = field(default_factory=list)  # real paths of trusted directories; "*" for all
    problem: str = ""  # why the file was not used (it is then ignored, with a note)


def user_config_file() -> str:
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return os.path.join(base, "iaclint", "config.yaml")


def load_user_config(path: str | None = None) -> UserConfig:
    """The user's own configuration (absent: nothing trusted). It must belong to the user
    and be writable by nobody else, as Git requires of what it trusts."""
    path = path or user_config_file()
    out = UserConfig(path)
    try:
        info = os.stat(path)
    except OSError:
        return out
    if hasattr(os, "getuid") and (info.st_uid not in (os.getuid(), 0) or info.st_mode & 0o022):
        out.problem = "it belongs to another user or others may write it: ignored"
        return out
    from iaclint.pipeline.config import ConfigError, read_yaml

    try:
        data = read_yaml(path, path)  # bounded (size, nodes, depth) like any configuration file
    except ConfigError as exc:
        out.problem = f"{'; '.join(exc.messages)}: ignored"
        return out
    if not isinstance(data, dict) or set(data) - set(USER_CONFIG_KEYS):
        out.problem = f"only {', '.join(USER_CONFIG_KEYS)} may be set there: ignored"
        return out
    directories = data.get("trusted-directories") or []
    if not isinstance(directories, list) or not all(isinstance(d, str) and d for d in directories):
        out.problem = "`trusted-directories` must be a list of directories: ignored"
        return out
    out.trusted = ["*" if d == "*" else os.path.realpath(os.path.expanduser(d)) for d in directories]
    return out


def is_trusted(config, tree: reads.Tree, user: UserConfig, trust_flag: bool = False,
               explicit: bool = False) -> bool:
    """Whether every setting of `config` applies (see the module docstring)."""
    if trust_flag:
        return True
    real = os.path.realpath(config.root)
    if explicit and not tree.contains(os.path.join(config.root, os.path.basename(config.file))):
        return True  # named with --config and outside the scanned tree: the user's own file
    for directory in user.trusted:
        if directory == "*" or real == directory or real.startswith(directory.rstrip(os.sep) + os.sep):
            return True
    return False


def restrict(config, tree: reads.Tree, user: UserConfig, opt_in: str = OPT_IN) -> tuple[object, list]:
    """`config` without the settings an untrusted file may not make, and a note for each
    one left out: [(file, message)], saying how to opt in (`opt_in`: the command line's
    ways, or the editor's)."""
    from iaclint.pipeline.config import Config

    values = dict(config.values)
    notes = []
    how = opt_in.format(user=user.file)

    def drop(key: str, why: str) -> None:
        values.pop(key, None)
        notes.append((config.file, f"`{key}` ignored: {why}; to use it, {how}"))

    if values.get("policy-dirs"):
        drop("policy-dirs", "a configuration in the scanned tree cannot load policies (Python policies run code)")
    if values.get("cache-dir"):
        drop("cache-dir", "a configuration in the scanned tree cannot choose where the cache lives")
    for key in ("baseline",):
        if values.get(key) and not _inside(config, values[key], tree):
            drop(key, f"{values[key]} lies outside the scanned tree")
    if values.get("var-files"):
        values["var-files"] = _kept(config, values["var-files"], tree, "var-files", notes, how)
    if values.get("environments"):  # the same rule for the files an environment names
        values["environments"] = {name: {key: _kept(config, files, tree, f"environments.{name}.{key}", notes, how)
                                         for key, files in spec.items()}
                                  for name, spec in values["environments"].items()}
    cores = os.cpu_count() or 1
    if isinstance(values.get("jobs"), int) and values["jobs"] > cores:
        notes.append((config.file, f"`jobs: {values['jobs']}` lowered to {cores}, the number of cores"))
        values["jobs"] = cores
    return Config(file=config.file, root=config.root, values=values), notes


def _kept(config, files: list, tree: reads.Tree, key: str, notes: list, how: str) -> list:
    """The files of `key` that lie in the scanned tree; a note for each other one."""
    kept = [f for f in files if _inside(config, f, tree)]
    for outside in [f for f in files if f not in kept]:
        notes.append((config.file, f"{key} entry {outside} ignored: it lies outside the scanned tree; to use it, {how}"))
    return kept


def _inside(config, value: str, tree: reads.Tree) -> bool:
    """Whether a path written in `config` lies inside the scanned tree (symlinks resolved;
    `~` is not expanded: `~/.bashrc` is a path outside)."""
    path = os.path.join(config.root, value)
    return not value.startswith("~") and tree.contains(path)


def effective_config(paths, explicit: str | None = None, trust_flag: bool = False,
                     user: UserConfig | None = None, opt_in: str = OPT_IN) -> tuple[object, list]:
    """(the configuration a scan of `paths` uses, or None; notes [(file, message)]): the
    file named with --config, else the one found by walking up from the first path,
    restricted unless trusted. Raises ConfigError for a file that is not valid."""
    from iaclint.pipeline.config import discover_config

    config = discover_config(paths, explicit)
    if config is None:
        return None, []
    user = user if user is not None else load_user_config()
    notes = [(user.file, user.problem)] if user.problem else []
    tree = reads.Tree.of(list(paths) or ["."])
    if is_trusted(config, tree, user, trust_flag, explicit=bool(explicit)):
        config.trusted = True
        return config, notes
    restricted, more = restrict(config, tree, user, opt_in)
    return restricted, notes + more
