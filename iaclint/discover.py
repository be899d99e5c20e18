"""Find what to scan: Terraform modules (directories) and CloudFormation candidates.

A Terraform module is a directory, so `.tf` files are grouped by directory and a file
named on the command line brings its siblings along (references across files resolve)
while findings stay limited to the named file. YAML and JSON files are only candidates:
the CloudFormation loader decides whether they are templates, and skips the rest
silently. Tool caches and vendored trees are never walked, and symlinked directories are
not followed.

CDK synth output is scanned: a cloud assembly (`cdk.out/`, or any directory holding the
`cdk.out` marker file next to `manifest.json`, with its `assembly-*` subdirectories) is
walked for `*.template.json` only; its `asset.*` directories (bundled Lambda code, Docker
contexts) and its other JSON files (`manifest.json`, `tree.json`, `*.assets.json`) are not
candidates. The loader reads `manifest.json` itself for construct paths.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

SKIP_DIRS = {".git", ".terraform", "node_modules", ".venv", "venv", "__pycache__",
             ".tox", ".mypy_cache", ".pytest_cache", ".hypothesis", ".terragrunt-cache"}
CDK_OUT = "cdk.out"  # the default cloud assembly directory, and the marker file inside one
CDK_TEMPLATE_SUFFIX = ".template.json"
TERRAFORM_SUFFIXES = (".tf", ".tf.json")
CLOUDFORMATION_SUFFIXES = (".yaml", ".yml", ".json", ".template")
NOT_TEMPLATES = (".tfvars.json", ".tf.json", "package.json", "package-lock.json", "tsconfig.json",
                 ".pre-commit-config.yaml", ".pre-commit-hooks.yaml", ".iaclint.yaml")


@dataclass
class Discovery:
    terraform_dirs: dict = field(default_factory=dict)  # directory -> sorted .tf/.tf.json files
    cloudformation: list = field(default_factory=list)  # candidate template files
    reportable: set = field(default_factory=set)  # files whose findings are reported
    missing: list = field(default_factory=list)  # paths that do not exist


def is_terraform(name: str) -> bool:
    return name.endswith(TERRAFORM_SUFFIXES)


def is_cloudformation_candidate(name: str) -> bool:
    return name.endswith(CLOUDFORMATION_SUFFIXES) and not name.endswith(NOT_TEMPLATES)


def discover(paths: list[str], unsaved: set = frozenset()) -> Discovery:
    """`unsaved` names files that exist only as editor buffers (they count as present)."""
    found = Discovery()
    for raw in paths:
        path = os.path.normpath(raw)
        if os.path.isdir(path):
            _walk(path, found)
        elif os.path.isfile(path) or os.path.islink(path) or path in unsaved:
            _add_file(path, found)
        else:
            found.missing.append(raw)
    for directory in found.terraform_dirs:
        found.terraform_dirs[directory] = sorted(set(found.terraform_dirs[directory]))
    found.cloudformation = sorted(set(found.cloudformation))
    return found


def _walk(root: str, found: Discovery) -> None:
    assemblies: set = set()  # cloud assembly directories met so far (top-down walk)
    for directory, dirs, files in os.walk(root, onerror=None):
        if (os.path.basename(os.path.normpath(directory)) == CDK_OUT
                or (CDK_OUT in files and "manifest.json" in files)
                or os.path.dirname(directory) in assemblies
                or (directory == root and CDK_OUT in os.path.normpath(os.path.abspath(root)).split(os.sep))):
            assemblies.add(directory)
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("asset."))
            cfn = [_join(directory, f) for f in files if f.endswith(CDK_TEMPLATE_SUFFIX)]
            found.cloudformation.extend(cfn)
            found.reportable.update(cfn)
            continue
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        tf = [_join(directory, f) for f in files if is_terraform(f)]
        if tf:
            found.terraform_dirs.setdefault(os.path.normpath(directory), []).extend(tf)
            found.reportable.update(tf)
            # A broken variables file is reported too: it changes what the module means.
            found.reportable.update(_join(directory, f) for f in files if f.endswith((".tfvars", ".tfvars.json")))
        cfn = [_join(directory, f) for f in files if is_cloudformation_candidate(f)]
        found.cloudformation.extend(cfn)
        found.reportable.update(cfn)


def _join(directory: str, name: str) -> str:
    """`./main.tf` is reported as `main.tf`, the way users and other linters write it."""
    return os.path.normpath(os.path.join(directory, name))


def _add_file(path: str, found: Discovery) -> None:
    name = os.path.basename(path)
    directory = os.path.dirname(path) or "."
    if is_terraform(name):
        siblings = _terraform_files(directory)
        found.terraform_dirs.setdefault(directory, []).extend(siblings or [path])
        if path not in found.terraform_dirs[directory]:
            found.terraform_dirs[directory].append(path)
        found.reportable.add(path)
    elif name.endswith((".tfvars", ".tfvars.json")):
        # A changed variables file can change any finding of its module.
        files = _terraform_files(directory)
        found.terraform_dirs.setdefault(directory, []).extend(files)
        found.reportable.update(files)
        found.reportable.add(path)  # its own parse errors
    else:
        found.cloudformation.append(path)
        found.reportable.add(path)


def _terraform_files(directory: str) -> list[str]:
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    return [_join(directory, f) for f in names if is_terraform(f)]


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
    found.reportable = {f for f in found.reportable if not excluded(f)}
    return found
