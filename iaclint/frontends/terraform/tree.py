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
from iaclint.model.notes import Place
from iaclint.model.resource import ParseError
from iaclint.model.sizes import Budget

MAX_FILE_BYTES = reads.MAX_FILE_BYTES
MANIFEST_MAX_BYTES = 5 * 1024 * 1024  # modules.json: a few hundred bytes per module
MANIFEST = os.path.join(".terraform", "modules", "modules.json")
TERRAFORM_SUFFIXES = (".tf", ".tf.json")
UTF16 = (b"\xff\xfe", b"\xfe\xff")  # byte-order marks: Terraform reads UTF-8 only


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
        self._parsed: dict = {}  # path -> its blocks, the file parsed whole
        self._pending: dict = {}  # path -> hcl.Shared: its first pass, the file not parsed whole yet
        self._peeked: dict = {}  # path -> (bytes, None) or (None, errors): read, not parsed yet
        self.file_errors: dict = {}  # path -> its parse errors, while `halves` holds them to put them in place
        self.real = 0  # resource and data blocks of the files parsed whole here (`halves` checks its estimate)
        self._texts: dict = {}  # path -> its bytes, for files whose resource blocks were let go
        self._manifest = None
        self._errors: set = set()
        self._dependencies: set = set()

    def blocks_of(self, path: str, dependency: bool = False) -> list:
        """The blocks of a file, parsed once per load; its errors are reported once."""
        if path not in self._parsed:
            errors = self.complete(path)[1]
            self.result.errors.extend(errors)
        if dependency:
            self._dependencies.add(("file", path))
        return self._parsed[path]

    # --- one parse a file (`halves`): the blocks others need first, each file whole as it is evaluated

    def shared_of(self, path: str) -> list:
        """The first pass over a file: its blocks that are not resources (variables,
        locals, data sources, outputs, module calls: what the module is built from), its
        resources left unparsed (`hcl.parse_shared`); `complete` parses it whole. A file
        that cannot be read, is JSON or does not parse is parsed whole now."""
        from iaclint.frontends.terraform.hcl import Shared, _evaluated, parse_shared, shared_blocks

        if path in self._parsed:
            return shared_blocks(self._parsed[path])
        if path not in self._pending:
            data, errors = self._read(path)
            self.parsed_bytes += self.size(path)
            if errors is not None:
                self._pending[path] = Shared(None, [], 0, [], errors)
            elif path.endswith(".tf.json") or data.startswith(UTF16):
                blocks, errors = read_config_file(path, data, self.scanned)
                self._pending[path] = Shared(None, shared_blocks(blocks), _evaluated(blocks),
                                             blocks, errors)
            else:
                self._pending[path] = parse_shared(path, data)
        return self._pending[path].shared

    def pending(self, paths: list) -> bool:
        """Whether any of `paths` has had its first pass."""
        return any(path in self._pending for path in paths)

    def calls_modules(self, paths: list) -> bool:
        """Whether the first lines of `paths` show a module call (`module "name" {` at
        column 0): such a module is parsed whole first (`halves.by_blocks`), and its first
        pass would only cost time. A call this does not see is found by the first pass."""
        from iaclint.frontends.terraform.hcl import calls_module

        return any(calls_module(self._peek(path)[0] or b"") for path in paths
                   if not path.endswith(".tf.json") and path not in self._pending and path not in self._parsed)

    def _peek(self, path: str) -> tuple:
        """The bytes of a file (or its read error), read once, kept for `_read`."""
        if path not in self._peeked:
            data = self.overlay.get(path)
            self._peeked[path] = (data, None) if data is not None else read_file(path, self.scanned)
        return self._peeked[path]

    def _read(self, path: str) -> tuple:
        """(the bytes of a file, None) or (None, [its read error]), taken once."""
        self._peek(path)
        return self._peeked.pop(path)

    def estimate(self, paths: list) -> int:
        """How many resource and data blocks `paths` hold, as their first pass says."""
        from iaclint.frontends.terraform.hcl import _evaluated

        return sum(self._pending[p].evaluated if p in self._pending else _evaluated(self._parsed[p]) for p in paths)

    def adopt(self, paths: list, shared: list) -> None:
        """The first pass over `paths` made in another process (`shared`: their blocks that
        are not resources), for `complete` to parse them here when that process's answer
        is not taken."""
        from iaclint.frontends.terraform.hcl import Shared

        by_path: dict = {}
        for block in shared:
            by_path.setdefault(block.source.file, []).append(block)
        for path in paths:
            found = by_path.get(path, [])
            self._pending[path] = Shared(found[0].source if found else None, found, 0)

    def complete(self, path: str) -> tuple[list, list]:
        """The blocks of a file and its errors, the file parsed whole now (once per load):
        after its first pass (`shared_of`, `adopt`) the blocks found then are the ones
        kept, and they must be what the whole parse finds (`Mismatch` otherwise). Errors
        are given the first time only."""
        from iaclint.frontends.terraform.hcl import _evaluated

        if path in self._parsed:
            return self._parsed[path], []
        pending = self._pending.pop(path, None)
        if pending is None:
            data, errors = self._read(path)
            blocks, errors = read_config_file(path, data, self.scanned) if errors is None else ([], errors)
            self.parsed_bytes += self.size(path)
        elif pending.blocks is not None:
            blocks, errors = pending.blocks, pending.errors
        else:
            blocks, errors = self._again(path, pending)
        self.real += _evaluated(blocks)
        self._parsed[path] = blocks
        return blocks, errors

    def _again(self, path: str, pending) -> tuple[list, list]:
        """The whole parse of a file after its first pass, with the first pass's blocks in
        their places (they were built into the module)."""
        from iaclint.frontends.terraform.hcl import parse_file, same_blocks, shared_blocks

        source = pending.source
        if source is None or path.endswith(".tf.json") or source.data.startswith(UTF16):
            data, errors = self._read(path)  # a file the other process read: read here again
            blocks, errors = read_config_file(path, data, self.scanned) if errors is None else ([], errors)
        else:
            blocks, errors = parse_file(path, source.data, source)
        shared = shared_blocks(blocks)
        if len(shared) != len(pending.shared) or (not path.endswith(".tf.json")
                                                  and not same_blocks(pending.shared, shared)):
            raise Mismatch(path)
        first = iter(pending.shared)  # the blocks the module was built from, in their places
        return [b if b.type == "resource" else next(first) for b in blocks], errors

    def done(self, path: str) -> None:
        """A file's resources are evaluated: its syntax tree is dropped now (`kept.drop`),
        and its resource blocks; its other blocks stay (the module reads them), and its
        bytes for `finish`."""
        from iaclint.frontends.terraform.hcl import shared_blocks
        from iaclint.frontends.terraform.kept import kept

        blocks = self._parsed.get(path)
        if not blocks:
            return
        source = blocks[0].source
        if source.file == path:
            self._texts[path] = source.data
            kept().drop(source)
        self._parsed[path] = shared_blocks(blocks)

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
        self.result.notes.append((Place(block.span.file, block.header.line), message))

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


class Mismatch(Exception):
    """A file parsed whole does not hold the blocks its first pass found (`ModuleTree.
    complete`): the module is loaded again, every file parsed whole first."""


def read_file(path: str, tree: reads.Tree | None = None) -> tuple[bytes | None, list | None]:
    """(the bytes of a Terraform file, None), or (None, [the ParseError that stops it])."""
    try:
        return reads.read_bytes(path, tree=tree, limit=MAX_FILE_BYTES), None
    except reads.Refused as exc:
        reason = exc.strerror if not exc.strerror.startswith("larger") else (
            f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        return None, [ParseError(path, 1, 1, f"{reason}: not scanned")]
    except OSError as exc:
        return None, [ParseError(path, 1, 1, f"cannot read file: {exc.strerror or exc}")]


def read_config_file(path: str, data: bytes | None = None, tree: reads.Tree | None = None):
    """Blocks of one `.tf` or `.tf.json` file (or of `data`, its unsaved content), or the
    ParseError that stops it."""
    if data is None:
        data, errors = read_file(path, tree)
        if errors is not None:
            return [], errors
    if data.startswith(UTF16):
        return [], [ParseError(path, 1, 1, "file is UTF-16 encoded; Terraform requires UTF-8")]
    if path.endswith(".tf.json"):
        from iaclint.frontends.terraform.tfjson import parse_json_file

        return parse_json_file(path, data)
    from iaclint.frontends.terraform.hcl import parse_file

    return parse_file(path, data)
