"""Find what to scan: Terraform modules (directories) and CloudFormation candidates.

A Terraform module is a directory, so `.tf` files are grouped by directory and a file
named on the command line brings its siblings along (references across files resolve)
while findings stay limited to the named file. YAML and JSON files are only candidates:
the CloudFormation loader decides whether they are templates, and skips the rest
silently. Tool caches and vendored trees are never walked, and symlinked directories are
not followed.

CDK synth output is scanned: in a cloud assembly (`cdk.out/`, or any directory holding
the `cdk.out` marker file, `{"version": ...}`, next to `manifest.json`, with its
`assembly-*` subdirectories) the `asset.*` directories (bundled Lambda code, Docker
contexts) are not walked and CDK's own JSON files (`manifest.json`, `tree.json`,
`*.assets.json`, the marker) are not candidates. Nothing else is left out: a marker
committed at a repository's root cannot hide its templates or its Terraform. The loader
reads `manifest.json` itself for construct paths.

Terraform plan JSON (`terraform show -json plan.out > plan.json`) is told apart from the
other JSON candidates by its first bytes (`format_version` with `terraform_version`,
`planned_values` or `resource_changes`; `PLAN_SNIFF_BYTES` of it are read) and listed in
`plans`; the plan loader reads the whole file.

What is not read: a symlinked file whose target lies outside the scanned tree (the git
work tree holding the scanned path: `iaclint.gate.reads.Tree`), and anything that is not
a regular file (a FIFO would block the scan, a device would never end). Those are listed
in `skipped` with the reason, and so are symlinked directories that lead out of the tree.
Files named on the command line follow the same rule: a `main.tf` that git tracks as a
symlink to `/etc/passwd` is not read. A directory that cannot be listed is an IAC001
finding (`errors`): what it holds was not checked.

Directories never walked (`SKIP_DIRS`): version control and tool state (`.git`,
`.terraform`, `.terragrunt-cache`), dependencies and virtual environments
(`node_modules`, `.venv`, `venv`, `.tox`), and Python caches (`__pycache__`,
`.mypy_cache`, `.pytest_cache`, `.hypothesis`). docs/usage.md lists them for users.
"""
from __future__ import annotations

import os
import stat

from iaclint.gate import reads
from iaclint.model.records import dataclass, field
from iaclint.model.resource import ParseError

SKIP_DIRS = {".git", ".terraform", "node_modules", ".venv", "venv", "__pycache__",
             ".tox", ".mypy_cache", ".pytest_cache", ".hypothesis", ".terragrunt-cache"}
CDK_OUT = "cdk.out"  # the default cloud assembly directory, and the marker file inside one
CDK_OWN_FILES = (CDK_OUT, "manifest.json", "tree.json")  # with `*.assets.json`: not templates
TERRAFORM_SUFFIXES = (".tf", ".tf.json")
CLOUDFORMATION_SUFFIXES = (".yaml", ".yml", ".json", ".template")
NOT_TEMPLATES = (".tfvars.json", ".tf.json", "package.json", "package-lock.json", "tsconfig.json",
                 ".pre-commit-config.yaml", ".pre-commit-hooks.yaml", ".iaclint.yaml")
PLAN_SNIFF_BYTES = 4096


@dataclass
class Discovery:
    terraform_dirs: dict = field(default_factory=dict)  # directory -> sorted .tf/.tf.json files
    cloudformation: list = field(default_factory=list)  # candidate template files
    reportable: set = field(default_factory=set)  # files whose findings are reported
    missing: list = field(default_factory=list)  # paths that do not exist
    errors: list = field(default_factory=list)  # ParseErrors: directories that could not be listed
    skipped: list = field(default_factory=list)  # (path, reason): left out on purpose, not read
    plans: list = field(default_factory=list)  # Terraform plan JSON files (`terraform show -json`)
    environments: dict = field(default_factory=dict)  # unit -> {name: Inputs} (`pipeline.environments`)


def is_terraform(name: str) -> bool:
    return name.endswith(TERRAFORM_SUFFIXES)


def is_cloudformation_candidate(name: str) -> bool:
    return name.endswith(CLOUDFORMATION_SUFFIXES) and not name.endswith(NOT_TEMPLATES)


def discover(paths: list[str], unsaved: set = frozenset(), tree: reads.Tree | None = None) -> Discovery:
    """`unsaved` names files that exist only as editor buffers (they count as present);
    `tree` is the scanned tree (default: `Tree.of(paths)`)."""
    found = Discovery()
    tree = tree if tree is not None else reads.Tree.of(paths)
    for raw in paths:
        path = os.path.normpath(raw)
        if os.path.isdir(path):
            _walk(path, found, tree)
        elif os.path.isfile(path) or os.path.islink(path) or path in unsaved:
            if path not in unsaved and not tree.contains(path):
                found.skipped.append((path, "symlink to a file outside the scanned tree: not followed"))
                continue
            if path not in unsaved and os.path.exists(path) and not os.path.isfile(path):
                found.skipped.append((path, "not a regular file: not read"))
                continue
            _add_file(path, found, tree)
        elif os.path.exists(path):
            found.skipped.append((path, "not a regular file: not read"))
        else:
            found.missing.append(raw)
    for directory in found.terraform_dirs:
        found.terraform_dirs[directory] = sorted(set(found.terraform_dirs[directory]))
    found.cloudformation = sorted(set(found.cloudformation))
    found.plans = [p for p in found.cloudformation
                   if p.endswith(".json") and p not in unsaved and is_plan_file(p, tree)]
    if found.plans:
        plans = set(found.plans)
        found.cloudformation = [p for p in found.cloudformation if p not in plans]
    return found


def is_plan_file(path: str, tree: reads.Tree | None = None) -> bool:
    """Whether a JSON file starts like `terraform show -json` output (see the docstring)."""
    try:
        head = reads.read_head(path, PLAN_SNIFF_BYTES, tree=tree)
    except OSError:
        return False  # the CloudFormation loader reports what it cannot read
    return b'"format_version"' in head and (b'"terraform_version"' in head or b'"planned_values"' in head
                                           or b'"resource_changes"' in head)


def _walk(root: str, found: Discovery, tree: reads.Tree) -> None:
    assemblies: set = set()  # cloud assembly directories met so far (top-down walk)

    def unlisted(exc: OSError) -> None:
        if isinstance(exc, FileNotFoundError):
            return  # removed while we walked: nothing left to scan
        path = os.path.normpath(exc.filename or root)
        found.errors.append(ParseError(path, 1, 1, f"cannot read directory: {exc.strerror or exc}"))
        found.reportable.add(path)

    for directory, dirs, files, plain in _walk_tree(root, unlisted):
        files = [f for f in files if f in plain or _readable(directory, f, tree, found)]
        assembly = (os.path.basename(os.path.normpath(directory)) == CDK_OUT
                    or (CDK_OUT in files and "manifest.json" in files and _is_marker(directory, tree))
                    or os.path.dirname(directory) in assemblies
                    or (directory == root and CDK_OUT in os.path.normpath(os.path.abspath(root)).split(os.sep)))
        if assembly:
            assemblies.add(directory)
            files = [f for f in files if f not in CDK_OWN_FILES and not f.endswith(".assets.json")]
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not (assembly and d.startswith("asset.")))
        _note_outside_links(directory, dirs, tree, found)
        tf = [_join(directory, f) for f in files if is_terraform(f)]
        if tf:
            found.terraform_dirs.setdefault(os.path.normpath(directory), []).extend(tf)
            found.reportable.update(tf)
            # A broken variables file is reported too: it changes what the module means.
            found.reportable.update(_join(directory, f) for f in files if f.endswith((".tfvars", ".tfvars.json")))
        cfn = [_join(directory, f) for f in files if is_cloudformation_candidate(f)]
        found.cloudformation.extend(cfn)
        found.reportable.update(cfn)


def _is_marker(directory: str, tree: reads.Tree) -> bool:
    """Whether `directory/cdk.out` is CDK's marker (`{"version": "36.0.0"}`), not an empty
    or unrelated file of that name."""
    try:
        return b'"version"' in reads.read_head(os.path.join(directory, CDK_OUT), 4096, tree=tree)
    except OSError:
        return False


def _walk_tree(root: str, onerror):
    """`os.walk(root, onerror=onerror)`, top-down, symlinked directories listed but not
    entered, without recursion: before Python 3.12 os.walk recurses once per level, and a
    tree a thousand directories deep would end the scan with a RecursionError. Yields a
    fourth item too: the names of the files the listing says are regular files and not
    symlinks (`_readable` need not look at them again: a `lstat` per file)."""
    stack = [root]
    while stack:
        top = stack.pop()
        try:
            with os.scandir(top) as listing:
                entries = list(listing)
        except OSError as exc:
            onerror(exc)
            continue
        dirs, files, plain = [], [], set()
        for entry in entries:
            try:
                is_dir = entry.is_dir()
                if not is_dir and entry.is_file(follow_symlinks=False):  # from the listing, no system call
                    plain.add(entry.name)
            except OSError:
                is_dir = False
            (dirs if is_dir else files).append(entry.name)
        yield top, dirs, files, plain  # the caller may prune `dirs` in place, as with os.walk
        stack.extend(os.path.join(top, d) for d in reversed(dirs) if not os.path.islink(os.path.join(top, d)))


def _note_outside_links(directory: str, dirs: list, tree: reads.Tree, found: Discovery) -> None:
    """os.walk never follows a symlinked directory; note those that lead out of the tree
    (one that stays inside is walked at its real place)."""
    for name in dirs:
        path = os.path.join(directory, name)
        if os.path.islink(path) and not tree.contains(path):
            found.skipped.append((_join(directory, name), "symlink to a directory outside the scanned tree: "
                                                          "not followed"))


def _readable(directory: str, name: str, tree: reads.Tree, found: Discovery) -> bool:
    """Should the walk read this file? Only files it might scan are looked at."""
    if not (is_terraform(name) or is_cloudformation_candidate(name) or name.endswith((".tfvars", ".tfvars.json"))):
        return True  # not read by anyone: nothing to check
    path = os.path.join(directory, name)
    try:
        mode = os.lstat(path).st_mode
        if stat.S_ISLNK(mode):
            if not tree.contains(path):
                found.skipped.append((_join(directory, name), "symlink to a file outside the scanned tree: "
                                                              "not followed"))
                return False
            mode = os.stat(path).st_mode
    except OSError:
        return True  # vanished, or a symlink loop: the loader reports what it cannot read
    if not stat.S_ISREG(mode):
        found.skipped.append((_join(directory, name), "not a regular file: not read"))
        return False
    return True


def _join(directory: str, name: str) -> str:
    """`./main.tf` is reported as `main.tf`, the way users and other linters write it."""
    return os.path.normpath(os.path.join(directory, name))


def _add_file(path: str, found: Discovery, tree: reads.Tree) -> None:
    name = os.path.basename(path)
    directory = os.path.dirname(path) or "."
    if is_terraform(name):
        siblings = _terraform_files(directory, found, tree, named=name)
        found.terraform_dirs.setdefault(directory, []).extend(siblings or [path])
        if path not in found.terraform_dirs[directory]:
            found.terraform_dirs[directory].append(path)
        found.reportable.add(path)
    elif name.endswith((".tfvars", ".tfvars.json")):
        # A changed variables file can change any finding of its module.
        files = _terraform_files(directory, found, tree)
        found.terraform_dirs.setdefault(directory, []).extend(files)
        found.reportable.update(files)
        found.reportable.add(path)  # its own parse errors
    else:
        found.cloudformation.append(path)
        found.reportable.add(path)


def _terraform_files(directory: str, found: Discovery, tree: reads.Tree, named: str = "") -> list[str]:
    """The Terraform files of a named file's directory (the named file was checked
    already; its siblings follow the walk's rules)."""
    try:
        names = reads.list_dir(directory, tree=tree)
    except OSError:
        return []
    return [_join(directory, f) for f in names
            if is_terraform(f) and (f == named or _readable(directory, f, tree, found))]


def exclude(found: Discovery, excluded) -> Discovery:
    """`found` without the files for which `excluded(path)` is true (configuration
    `exclude` globs). Applied to named files as well as walked ones, so a pre-commit hook,
    which names files one by one, honours the same excludes as a scan of the tree."""
    for directory in list(found.terraform_dirs):
        kept = [f for f in found.terraform_dirs[directory] if not excluded(f)]
        if kept:
            found.terraform_dirs[directory] = kept
        else:
            del found.terraform_dirs[directory]
    found.cloudformation = [f for f in found.cloudformation if not excluded(f)]
    found.plans = [f for f in found.plans if not excluded(f)]
    found.reportable = {f for f in found.reportable if not excluded(f)}
    found.errors = [e for e in found.errors if not excluded(e.file)]
    found.skipped = [s for s in found.skipped if not excluded(s[0])]
    return found
