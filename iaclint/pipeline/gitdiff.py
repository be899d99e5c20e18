"""`--diff REF`: which lines changed since a git ref, so a pull request sees its own findings.

The rule (docs/usage.md repeats it for users):

- The comparison is `git diff --unified=0 BASE` in the working tree, where BASE is the merge
  base of REF and HEAD (for a branch this is where it left REF, so commits that landed on
  REF since then are not counted as this branch's changes); staged and unstaged edits
  count. Files git does not track yet count as changed in full.
- A finding is reported when a line from its `line` to its `end_line` was added or
  modified, or, for a finding on a resource, when the resource (from its header to its
  last line) has a line added or modified, or lines deleted between two of its lines.
  Removing `direct_internet_access = "Disabled"` makes the notebook's header the finding's
  line, and the deletion inside the resource puts it in the diff.
- Everything else is counted as outside the diff and not reported. A change elsewhere
  that alters a finding (a `terraform.tfvars` value, a module input) does not bring the
  resource into the diff: run a full scan on the main branch for those.

git runs as a subprocess with a fixed output format (no colour, no external diff, fixed
prefixes), whatever the user's git configuration says, and without the commands a
repository's own `.git/config` can name: an archive of a repository carries its
`.git/config`, whose `core.fsmonitor` git would run on `git diff` (textconv and external
diff drivers are off too).
"""
from __future__ import annotations

import os
import re
import subprocess

from iaclint.gate.text import echo
from iaclint.model.records import dataclass, field

# A repository's configuration may name commands; these options keep git from running them.
SAFE_CONFIG = ("-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "diff.external=",
               "-c", "core.pager=cat")
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


class DiffError(Exception):
    """Not a git repository, an unknown ref, git missing (exit code 2)."""


@dataclass
class FileChanges:
    added: set = field(default_factory=set)  # new-side line numbers added or modified
    deleted_after: set = field(default_factory=set)  # c: lines were deleted between c and c + 1
    whole: bool = False  # an untracked file: every line is new

    def touches(self, first: int, last: int) -> bool:
        if self.whole:
            return True
        if last < first:
            last = first
        if any(first <= line <= last for line in self.added):
            return True
        return any(first <= c < last for c in self.deleted_after)


@dataclass
class Changes:
    """Changed lines per file, keyed by real absolute path."""

    ref: str
    base: str
    files: dict = field(default_factory=dict)  # realpath -> FileChanges

    def touches(self, file: str, first: int, last: int) -> bool:
        changes = self.files.get(os.path.realpath(file))
        return changes is not None and changes.touches(first, last)


def changed_lines(ref: str, cwd: str = ".") -> Changes:
    """The lines changed in the working tree since the merge base of `ref` and HEAD."""
    top = _git(["rev-parse", "--show-toplevel"], cwd,
               f"not inside a git repository: {os.path.abspath(cwd)} (--diff needs one)", detail=False).strip()
    if not ref or ref.startswith("-"):
        raise DiffError(f"unknown git ref {echo(ref)}")
    resolved = _git(["rev-parse", "--verify", "--quiet", ref + "^{commit}"], top,
                    f"unknown git ref {echo(ref)} (is it fetched? in CI, fetch the base branch first)").strip()
    base = _try_git(["merge-base", resolved, "HEAD"], top) or resolved
    base = base.strip()
    diff = _git(["-c", "core.quotepath=off", "diff", "--unified=0", "--no-color", "--no-ext-diff",
                 "--no-textconv", "-M", "--src-prefix=a/", "--dst-prefix=b/", base, "--"], top,
                f"git diff {ref} failed")
    changes = Changes(ref=ref, base=base, files=parse_diff(diff, top))
    untracked = _try_git(["ls-files", "--others", "--exclude-standard", "-z"], top) or ""
    for name in untracked.split("\0"):
        if name:
            changes.files[os.path.realpath(os.path.join(top, name))] = FileChanges(whole=True)
    return changes


def parse_diff(text: str, top: str) -> dict:
    """realpath -> FileChanges from `git diff --unified=0` output."""
    files: dict = {}
    current: FileChanges | None = None
    for line in text.split("\n"):
        if line.startswith("+++ "):
            name = _unquote(line[4:].rstrip("\t"))
            if name == "/dev/null" or not name.startswith("b/"):
                current = None  # a deleted file: nothing to report in it
            else:
                path = os.path.realpath(os.path.join(top, name[2:]))
                current = files.setdefault(path, FileChanges())
            continue
        match = _HUNK.match(line)
        if match is None or current is None:
            continue
        start, count = int(match.group(1)), int(match.group(2) or 1)
        if count:
            current.added.update(range(start, start + count))
        else:
            current.deleted_after.add(start)
    return files


def _unquote(name: str) -> str:
    """git's C-style quoting of unusual paths (`"b/caf\\303\\251.tf"`)."""
    if not (len(name) >= 2 and name.startswith('"') and name.endswith('"')):
        return name
    body, out, i = name[1:-1], bytearray(), 0
    simple = {"n": b"\n", "t": b"\t", '"': b'"', "\\": b"\\", "a": b"\a", "b": b"\b", "f": b"\f",
              "r": b"\r", "v": b"\v"}
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt in simple:
                out += simple[nxt]
                i += 2
                continue
            if re.match(r"[0-7]{3}", body[i + 1:i + 4]):
                out.append(int(body[i + 1:i + 4], 8))
                i += 4
                continue
        out += c.encode("utf-8", "surrogateescape")
        i += 1
    return out.decode("utf-8", "surrogateescape")


def _run(args: list[str], cwd: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *SAFE_CONFIG, *args], cwd=cwd or ".", capture_output=True, check=False,
                              env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"})
    except FileNotFoundError:
        raise DiffError("git is not installed or not on PATH (--diff needs it)") from None
    except NotADirectoryError:
        raise DiffError(f"not a directory: {cwd}") from None


def _git(args: list[str], cwd: str, error: str, detail: bool = True) -> str:
    proc = _run(args, cwd)
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines() if detail else []
        raise DiffError(error + (f": {lines[-1]}" if lines else ""))
    return proc.stdout.decode("utf-8", "surrogateescape")


def _try_git(args: list[str], cwd: str) -> str | None:
    proc = _run(args, cwd)
    return proc.stdout.decode("utf-8", "surrogateescape") if proc.returncode == 0 else None
