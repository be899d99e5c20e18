"""`iaclint inventory --diff REF` and the pull-request section of the Markdown and GitHub
reports: which AI assets, edges and attack paths the working tree adds or removes
compared with the merge base of REF and HEAD (what a pull request changes).

The base side is read from git's object store, never checked out: `git ls-tree` lists
the base commit's files under the scanned paths, and `git cat-file --batch` reads the
Terraform, CloudFormation and plan files among them into a temporary directory, which is
then inventoried like any tree and deleted. No hook, filter, attribute, textconv or
fsmonitor of the repository runs (git is invoked with those switched off, and
`ls-tree`/`cat-file` run none), symlinks and submodules are skipped, a path that would
leave the directory is refused, and files past 20 MB are left out. Modules that only
`terraform init` downloads (`.terraform/modules`) are not in git: the base side sees them
as not downloaded, so links through them are unknown rather than invented.

Assets are matched by unit (relative to the repository) and address, edges by their
two ends, kind and label, attack paths by policy, the resource they point at and what
their chains start from and reach.
"""
from __future__ import annotations

import os
import tempfile

from iaclint.gate.text import echo
from iaclint.model.records import dataclass, field
from iaclint.pipeline.gitdiff import DiffError, _git, _try_git

SAFE = ["-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "core.quotepath=off"]
EXTENSIONS = (".tf", ".tf.json", ".tfvars", ".tfvars.json", ".yaml", ".yml", ".json", ".template")
MAX_BYTES = 20 * 1024 * 1024

__all__ = ["DiffError", "InventoryDiff", "compare"]


@dataclass
class InventoryDiff:
    ref: str
    base: str
    added_assets: list = field(default_factory=list)  # Assets of the working tree
    removed_assets: list = field(default_factory=list)  # Assets of the base (paths relative to it)
    added_edges: list = field(default_factory=list)
    removed_edges: list = field(default_factory=list)
    added_paths: list = field(default_factory=list)  # FAIL Findings of the working tree
    removed_paths: list = field(default_factory=list)  # FAIL Findings of the base

    @property
    def empty(self) -> bool:
        return not (self.added_assets or self.removed_assets or self.added_edges or self.removed_edges
                    or self.added_paths or self.removed_paths)


def compare(result, ref: str, paths, run) -> InventoryDiff:
    """The difference between `result` (an inventory of `paths` in the working tree) and
    `run(base_paths)`, the same inventory of the base commit's files."""
    first = os.path.abspath(next(iter(paths), ".") or ".")
    where = first if os.path.isdir(first) else os.path.dirname(first)
    top = _git(["rev-parse", "--show-toplevel"], where, f"not inside a git repository: {where} (--diff needs one)",
               detail=False).strip()
    if not ref or ref.startswith("-"):
        raise DiffError(f"unknown git ref {echo(ref)}")
    resolved = _git(["rev-parse", "--verify", "--quiet", ref + "^{commit}"], top,
                    f"unknown git ref {echo(ref)} (is it fetched? in CI, fetch the base branch first)").strip()
    base = (_try_git(["merge-base", resolved, "HEAD"], top) or resolved).strip()
    relative = [os.path.relpath(os.path.abspath(p), top) for p in paths]
    if any(r == os.pardir or r.startswith(os.pardir + os.sep) for r in relative):
        raise DiffError("--diff scans paths inside one git repository")
    with tempfile.TemporaryDirectory(prefix="iaclint-base-") as tmp:
        export(top, base, relative, tmp)
        base_result = run([os.path.join(tmp, r) for r in relative])
        head_keys = _keys(result, lambda unit: os.path.relpath(os.path.abspath(unit), top))
        base_keys = _keys(base_result, lambda unit: os.path.relpath(unit, tmp))
        _relocate(base_result, lambda path: os.path.relpath(os.path.join(top, os.path.relpath(path, tmp))))
    out = InventoryDiff(ref=ref, base=base)
    for name in ("assets", "edges", "paths"):
        mine, theirs = head_keys[name], base_keys[name]
        setattr(out, f"added_{name}", [v for k, v in mine.items() if k not in theirs])
        setattr(out, f"removed_{name}", [v for k, v in theirs.items() if k not in mine])
    return out


def export(top: str, commit: str, relative: list, dest: str) -> int:
    """Write the commit's IaC files under the `relative` paths into `dest`; their count."""
    specs = [r for r in relative if r != "."] or ["."]
    # `-l` gives each blob's size: one past the cap is never read (a highly compressed
    # gigabyte in the base commit costs the repository a few kilobytes)
    listing = _git([*SAFE, "ls-tree", "-r", "-l", "-z", "--full-tree", commit, "--", *specs], top,
                   f"git ls-tree {commit} failed")
    wanted = []
    for entry in listing.split("\0"):
        meta, _, name = entry.partition("\t")
        parts = meta.split()
        if len(parts) != 4 or parts[1] != "blob" or parts[0] not in ("100644", "100755"):
            continue  # symlinks, submodules
        if not name.endswith(EXTENSIONS) or not _inside(name) or not parts[3].isdigit() or int(parts[3]) > MAX_BYTES:
            continue
        wanted.append((parts[2], name))
    return _write_blobs(top, commit, wanted, dest) if wanted else 0


def _write_blobs(top: str, commit: str, wanted: list, dest: str) -> int:
    """Stream `git cat-file --batch` into files under `dest`, one blob in memory at a time."""
    import subprocess

    written = 0
    with tempfile.TemporaryFile() as shas:
        shas.write("".join(f"{sha}\n" for sha, _ in wanted).encode("ascii"))
        shas.seek(0)
        with subprocess.Popen(["git", *SAFE, "cat-file", "--batch"], cwd=top, stdin=shas, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL,
                              env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}) as proc:
            for _sha, name in wanted:
                header = proc.stdout.readline(200).split()
                if len(header) != 3 or header[1] != b"blob" or not header[2].isdigit():
                    continue  # `<sha> missing`
                size = int(header[2])
                if size > MAX_BYTES:  # changed since ls-tree: stop, rather than read it
                    proc.kill()
                    raise DiffError(f"git cat-file on {commit}: {name} is larger than {MAX_BYTES // 2**20} MB")
                body = proc.stdout.read(size + 1)[:size]
                target = os.path.join(dest, *name.split("/"))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "wb") as handle:
                    handle.write(body)
                written += 1
        if proc.returncode != 0:
            raise DiffError(f"git cat-file failed on {commit}")
    return written


def _relocate(result, move) -> None:
    """Point the base side's assets and findings at the repository's paths, not the
    temporary directory's, for reports."""
    from iaclint.model.records import replace

    for asset in result.inventory or ():
        if asset.location is not None:
            asset.location = replace(asset.location, file=move(asset.location.file))
        if asset.unit:
            asset.unit = move(asset.unit)
    for f in result.findings:
        f.file = move(f.file)
        f.flows = tuple(tuple((move(s[0]),) + tuple(s[1:]) for s in chain) for chain in f.flows)


def _inside(name: str) -> bool:
    parts = name.split("/")
    return not name.startswith("/") and all(p not in ("", ".", "..") for p in parts) and "\\" not in name


def _keys(result, rebase) -> dict:
    graph = result.inventory
    assets, edges, paths = {}, {}, {}
    ids = {}
    for asset in graph or ():
        key = (rebase(asset.unit), asset.name) if asset.unit else ("", asset.id)
        ids[asset.id] = key
        assets[key] = asset
    for edge in graph.edges if graph is not None else ():
        edges[(ids.get(edge.source), ids.get(edge.target), edge.kind, edge.label)] = edge
    for f in result.findings:
        if f.verdict != "FAIL" or f.suppressed:
            continue
        chains = tuple(sorted({(c[0][5], c[-1][7]) for c in f.flows if c}))
        paths[(f.policy_id, f.resource, rebase(f.file), chains)] = f
    return {"assets": assets, "edges": edges, "paths": paths}
