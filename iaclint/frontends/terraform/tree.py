"""What one root load shares: parsed files, the module manifest, the work budget, and the
record of every input read beyond the root's own files.

A directory called twice is parsed once (and its errors are reported once). Every extra
input (a called module's files and directory listing, `.terraform/modules/modules.json`,
`file()` targets) is recorded with a digest, which the parse cache checks before it
reuses a result (`iaclint.pipeline.loading`).
"""
from __future__ import annotations

import json
import os

from iaclint.gate import reads
from iaclint.gate.files import content_hash
from iaclint.model.resource import ParseError
from iaclint.model.sizes import Budget

MAX_FILE_BYTES = reads.MAX_FILE_BYTES
MANIFEST_MAX_BYTES = 5 * 1024 * 1024  # modules.json: a few hundred bytes per module
MANIFEST = os.path.join(".terraform", "modules", "modules.json")
TERRAFORM_SUFFIXES = (".tf", ".tf.json")


# --- the dependency record (checked by the parse cache) -----------------------------------

def digest(kind: str, path: str, overlay: dict, tree: reads.Tree | None = None) -> str:
    """The digest of one extra input as it is now: a file's content ("" when it cannot be
    read) or a directory's list of Terraform files."""
    if kind == "dir":
        return content_hash("\n".join(terraform_files(path, overlay, tree)).encode("utf-8"))
    data = overlay.get(path)
    if data is None:
        try:
            data = reads.read_bytes(path, tree=tree)
        except OSError:
            return ""
    return content_hash(data)


def file_size(path: str) -> int:
    """The size of a file as listed (a symlink's own size: it is not followed), 0 when it
    cannot be listed."""
    try:
        return os.lstat(path).st_size
    except OSError:
        return 0


def terraform_files(directory: str, overlay: dict, tree: reads.Tree | None = None) -> list[str]:
    """The `.tf`/`.tf.json` files of a directory (unsaved editor buffers included), sorted:
    regular files inside the scanned tree only."""
    try:
        names = reads.list_dir(directory, tree=tree)
    except OSError:
        names = []
    found = {os.path.normpath(os.path.join(directory, n)) for n in names
             if n.endswith(TERRAFORM_SUFFIXES) and reads.is_regular_file(os.path.join(directory, n), tree=tree)}
    found.update(p for p in overlay if os.path.dirname(p) == os.path.normpath(directory)
                 and p.endswith(TERRAFORM_SUFFIXES))
    return sorted(found)


class ModuleTree:
    """State shared by the modules of one root load (see the module docstring)."""

    def __init__(self, root: str, overlay: dict, result, scanned: reads.Tree | None = None):
        self.root = root
        self.overlay = overlay
        self.result = result
        self.scanned = scanned  # the scanned tree: every read stays inside it (iaclint.gate.reads)
        self.budget = Budget()
        self.files_read: list = []
        self.templates: list = []  # templatefile() paths being rendered (a template may not render itself)
        self.instances = 0
        self.parsed_bytes = 0  # of every file parsed (the scan-wide budget charges it)
        self._parsed: dict = {}
        self._texts: dict = {}  # path -> its bytes, for files whose resource blocks were let go
        self._manifest = None
        self._errors: set = set()
        self._dependencies: set = set()

    def blocks_of(self, path: str, dependency: bool = False) -> list:
        """The blocks of a file, parsed once per load; its errors are reported once."""
        if path not in self._parsed:
            data = self.overlay.get(path)
            blocks, errors = read_config_file(path, data, self.scanned)
            self.parsed_bytes += self.size(path)
            self._parsed[path] = blocks
            self.result.errors.extend(errors)
        if dependency:
            self._dependencies.add(("file", path))
        return self._parsed[path]

    def let_go(self, paths: list) -> None:
        """Keep only the blocks that are not resources of `paths` (they were evaluated, and
        no module call reads them again: `halves`), and their bytes for `finish`."""
        for path in paths:
            blocks = self._parsed.get(path)
            if blocks and blocks[0].source.file == path:
                self._texts[path] = blocks[0].source.data
            if blocks:
                self._parsed[path] = [b for b in blocks if b.type != "resource"]

    def size(self, path: str) -> int:
        """The size of a file to parse (an unsaved buffer's, else as listed)."""
        data = self.overlay.get(path)
        return len(data) if data is not None else file_size(path)

    def module_files(self, directory: str) -> list[str]:
        self._dependencies.add(("dir", directory))
        files = terraform_files(directory, self.overlay, self.scanned)
        self.result.module_dirs.append(directory)
        self.result.module_files.extend(files)
        return files

    def manifest(self) -> dict:
        """modules.json of the root: module key -> directory (relative to the root)."""
        if self._manifest is None:
            path = os.path.normpath(os.path.join(self.root, MANIFEST))
            self._dependencies.add(("file", path))
            self._manifest = {}
            try:
                document = json.loads(reads.read_bytes(path, tree=self.scanned, limit=MANIFEST_MAX_BYTES)
                                      .decode("utf-8-sig"))
                for entry in document.get("Modules", []):
                    if isinstance(entry, dict) and isinstance(entry.get("Key"), str) \
                            and isinstance(entry.get("Dir"), str):
                        self._manifest[entry["Key"]] = entry["Dir"]
            except (OSError, ValueError, AttributeError):
                pass
        return self._manifest

    def note(self, block, message: str) -> None:
        """Say that something at `block` was not scanned (a note, not a finding)."""
        self.result.notes.append((f"{block.span.file}:{block.header.line}", message))

    def error(self, block, message: str) -> None:
        key = (block.span.file, block.header.line, message)
        if key not in self._errors:
            self._errors.add(key)
            self.result.errors.append(ParseError(block.span.file, block.header.line, block.header.column, message))

    def finish(self) -> None:
        """Fill the result's lists and the digests of every extra input read."""
        result = self.result
        result.files_read = sorted(set(self.files_read))
        result.module_dirs = sorted(set(result.module_dirs))
        result.module_files = sorted(set(result.module_files))
        result.notes = list(dict.fromkeys(result.notes))
        deps = set(self._dependencies) | {("file", p) for p in result.files_read}
        result.inputs = {key: digest(key[0], key[1], self.overlay, self.scanned) for key in sorted(deps)}
        result.effort = self.parsed_bytes + self.budget.spent
        result.texts = {path: self._texts[path] if path in self._texts else blocks[0].source.data
                        for path, blocks in self._parsed.items()
                        if path in self._texts or (blocks and blocks[0].source.file == path)}


def read_config_file(path: str, data: bytes | None = None, tree: reads.Tree | None = None):
    """Blocks of one `.tf` or `.tf.json` file (or of `data`, its unsaved content), or the
    ParseError that stops it."""
    if data is None:
        try:
            data = reads.read_bytes(path, tree=tree, limit=MAX_FILE_BYTES)
        except reads.Refused as exc:
            reason = exc.strerror if not exc.strerror.startswith("larger") else (
                f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
            return [], [ParseError(path, 1, 1, f"{reason}: not scanned")]
        except OSError as exc:
            return [], [ParseError(path, 1, 1, f"cannot read file: {exc.strerror or exc}")]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return [], [ParseError(path, 1, 1, "file is UTF-16 encoded; Terraform requires UTF-8")]
    if path.endswith(".tf.json"):
        from iaclint.frontends.terraform.tfjson import parse_json_file

        return parse_json_file(path, data)
    from iaclint.frontends.terraform.hcl import parse_file

    return parse_file(path, data)
