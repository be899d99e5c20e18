"""The server's state: settings, policies, scans of the open buffers (one at a time, in a
worker thread, given up after `scanTimeout`) and the diagnostics last published."""
from __future__ import annotations

import asyncio
import functools
import logging
import os
import threading

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from iaclint import __version__
from iaclint.faces.lsp.editor_settings import (
    POLICY_DOCS,
    SCAN_THREADS,
    SEVERITY,
    SOURCE,
    Settings,
    kind,
)
from iaclint.faces.lsp.scan_options import scan_options
from iaclint.faces.lsp.workspace_scan import scan_workspace
from iaclint.gate.reads import MAX_FILE_BYTES

log = logging.getLogger("iaclint.faces.lsp")


class IaclintServer(LanguageServer):
    """The open buffers, the scans that run on them and what was last published."""

    def __init__(self) -> None:
        super().__init__("iaclint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.settings = Settings()
        self.policies: list | None = None  # built-in + the settings' policy dirs
        self.policy_cache: dict[tuple, list] = {}  # + a configuration file's policy dirs
        self.config_errors: set = set()  # configuration problems already shown
        self.timers: dict[str, asyncio.TimerHandle] = {}
        self.tasks: set = set()  # running rescans (kept referenced until done)
        self.lock = asyncio.Lock()
        self.loop: asyncio.AbstractEventLoop | None = None  # for messages from the scan thread
        # uri -> [(Diagnostic, Finding)] as last published
        self.published: dict[str, list] = {}
        self.hung: set = set()  # units whose last scan timed out and is still running
        self._executor = None
        self.scanned_roots: list[str] = []  # folders a workspace scan covered: closed files keep diagnostics
        self.from_disk: dict[str, str] = {}  # path -> uri: closed files with published findings

    # -- configuration ---------------------------------------------------------------
    def configure(self, raw) -> None:
        self.settings = Settings.parse(raw)
        self.policy_cache.clear()
        self.config_errors.clear()
        self.policies = self.load_policies(tuple(self.settings.policy_dirs))

    def load_policies(self, policy_dirs: tuple) -> list:
        if policy_dirs in self.policy_cache:
            return self.policy_cache[policy_dirs]
        from iaclint.api import load_all_policies
        from iaclint.engine.registry import PolicyLoadError

        try:
            policies = load_all_policies(list(policy_dirs))
        except PolicyLoadError as exc:
            self.warn(f"iaclint: cannot load policy {exc.file}: {exc.reason}; using the built-in policies")
            policies = load_all_policies()
        self.policy_cache[policy_dirs] = policies
        return policies

    def warn(self, message: str) -> None:
        """Show a configuration problem once (scans go on without the broken part)."""
        from iaclint.gate.text import short

        message = short(message)
        if message in self.config_errors:
            return
        self.config_errors.add(message)
        params = types.ShowMessageParams(type=types.MessageType.Error, message=message)
        if self.loop is not None and threading.current_thread() is not threading.main_thread():
            self.loop.call_soon_threadsafe(self.window_show_message, params)
        else:
            self.window_show_message(params)

    # -- scanning ----------------------------------------------------------------------
    def open_paths(self) -> dict[str, str]:
        """Open documents that are files on disk: path -> uri."""
        out = {}
        for uri in list(self.workspace.text_documents):
            path = to_fs_path(uri) if uri.startswith("file:") else None
            if path:
                out[os.path.normpath(path)] = uri
        return out

    def unit(self, path: str) -> str:
        """What one scan covers: a Terraform directory, or one template."""
        return "dir:" + os.path.dirname(path) if kind(path) in ("terraform", "tfvars") else "file:" + path

    def schedule(self, path: str, delay: float) -> None:
        key = self.unit(path)
        timer = self.timers.pop(key, None)
        if timer is not None:
            timer.cancel()
        loop = asyncio.get_running_loop()

        def start() -> None:
            task = loop.create_task(self.rescan(key))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

        if delay <= 0:
            start()
        else:
            self.timers[key] = loop.call_later(delay, start)

    async def rescan(self, key: str) -> None:
        self.timers.pop(key, None)
        self.loop = asyncio.get_running_loop()
        async with self.lock:
            opened = self.open_paths()
            if key.startswith("dir:"):
                directory = key[4:]
                targets = [p for p in opened if kind(p) == "terraform" and os.path.dirname(p) == directory]
                targets += [p for p in self.closed_in_scanned_roots(directory) if p not in opened]
            else:
                path = key[5:]
                targets = [path] if path in opened or (self.in_scanned_roots(path) and os.path.isfile(path)) else []
            if not targets:
                return
            overlay, versions = self.buffers(opened, [p for p in targets if p in opened])
            result = await self.run_scan(targets, overlay, key)
            if result is None:
                return
            self.publish(result, dict.fromkeys(targets), opened, versions)

    def buffers(self, opened: dict, paths) -> tuple[dict, dict]:
        """The open buffers of `paths` (path -> bytes) and their versions."""
        overlay, versions = {}, {}
        for path in paths:
            doc = self.workspace.get_text_document(opened[path])
            overlay[path] = doc.source.encode("utf-8", "surrogatepass")
            versions[path] = doc.version
        return overlay, versions

    async def run_scan(self, targets: list, overlay: dict, key: str = ""):
        """`scan()` in a worker thread; None (and a message) when it fails, when a buffer
        is larger than a file may be, or when it does not end within `scanTimeout`: the
        unit (`key`) is then `hung` until its thread ends, since a thread cannot be
        stopped and another scan of the same unit would only pile up threads."""
        key = key or "scan:" + ",".join(targets)
        if key in self.hung:
            return None
        too_big = [p for p, data in overlay.items() if len(data) > MAX_FILE_BYTES]
        if too_big:  # the cap of a file on disk (iaclint.gate.reads)
            self.warn(f"iaclint: {os.path.basename(too_big[0])} is larger than {MAX_FILE_BYTES // 2**20} MB: "
                      "not scanned")
            return None
        if self._executor is None:
            from concurrent.futures import ThreadPoolExecutor

            self._executor = ThreadPoolExecutor(max_workers=SCAN_THREADS, thread_name_prefix="iaclint-scan")
        future = asyncio.get_running_loop().run_in_executor(self._executor,
                                                            functools.partial(self.scan, targets, overlay))
        try:
            result = await asyncio.wait_for(asyncio.shield(future), self.settings.scan_timeout)
        except asyncio.TimeoutError:
            self.hung.add(key)
            future.add_done_callback(lambda _: self.hung.discard(key))
            message = (f"iaclint: scanning {key.partition(':')[2]} took longer than {self.settings.scan_timeout:g} s "
                       "and was given up; other files are still scanned")
            log.warning(message)
            self.warn(message)
            return None
        except Exception as exc:  # never take the editor down with us
            log.exception("scan failed")
            self.window_log_message(types.LogMessageParams(type=types.MessageType.Error,
                                                           message=f"iaclint: scan failed: {exc!r}"))
            return None
        for error in result.errors:
            self.window_log_message(types.LogMessageParams(type=types.MessageType.Error,
                                                           message=f"iaclint: internal error: {error}"))
        return result

    def publish(self, result, targets: dict, opened: dict, versions: dict, everywhere: bool = False) -> dict:
        """Publish the diagnostics of `targets` (paths; those without findings get an
        empty list) and, with `everywhere`, of every other file with findings. Returns
        path -> findings as published."""
        by_file: dict[str, list] = {p: [] for p in targets}
        for finding in result.findings:
            if getattr(finding, "suppressed", False):
                continue  # suppressed in the source: nothing to show
            path = os.path.normpath(os.path.abspath(finding.file))
            if path in by_file or everywhere:
                by_file.setdefault(path, []).append(finding)
        still_open = set(self.workspace.text_documents)
        for path, findings in by_file.items():
            uri = opened.get(path)
            if uri is None:  # a closed file (a workspace scan, or a sibling of a buffer after one)
                uri = from_fs_path(path)
                if not findings:
                    self.from_disk.pop(path, None)
                    self.published.pop(uri, None)
                    self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
                    continue
                self.from_disk[path] = uri
            elif uri not in still_open:
                continue  # closed while we scanned: its diagnostics were cleared
            doc = self.workspace.get_text_document(uri)
            pairs = [(self.diagnostic(doc, f), f) for f in findings]
            self.published[uri] = pairs
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=uri, version=versions.get(path), diagnostics=[d for d, _ in pairs]))
        return by_file

    def in_scanned_roots(self, path: str) -> bool:
        return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in self.scanned_roots)

    def closed_in_scanned_roots(self, directory: str) -> list:
        """The Terraform files of `directory` on disk, when a workspace scan covered it."""
        if not self.in_scanned_roots(directory):
            return []
        try:
            names = sorted(os.listdir(directory))
        except OSError:
            return []
        return [os.path.join(directory, n) for n in names
                if kind(n) == "terraform" and os.path.isfile(os.path.join(directory, n))]

    def scan(self, targets: list, overlay: dict):
        from iaclint.api import scan

        if self.policies is None:
            self.configure({})
        from iaclint.api import UnknownEnvironmentError, UnknownPolicyError

        options, policy_dirs = scan_options(self.settings, targets[0], self.warn)
        policies = self.load_policies(policy_dirs)
        try:
            return scan(targets, policies=policies, overlay=overlay, **options)
        except UnknownEnvironmentError as exc:  # this file's units do not have it: every environment
            self.warn(f"iaclint: {exc}; scanning every environment")
            return scan(targets, policies=policies, overlay=overlay, **{**options, "environment": None})
        except UnknownPolicyError as exc:  # the command line stops (exit 2); an editor says so and goes on
            self.warn(f"iaclint: {exc}; scanning without them")
            known = {key for p in policies for key in (p.id, p.name)}
            options["select"] = [n for n in options["select"] if n in known or n.upper() in known]
            options["extend_select"] = [n for n in options["extend_select"] if n in known or n.upper() in known]
            options["ignore"] = [n for n in options["ignore"] if n in known or n.upper() in known]
            options["severity"] = {k: v for k, v in options["severity"].items() if k in known or k.upper() in known}
            options["per_path_ignores"] = [(glob, [n for n in names if n in known or n.upper() in known])
                                           for glob, names in options["per_path_ignores"]]
            return scan(targets, policies=policies, overlay=overlay, **options)


    # -- diagnostics -------------------------------------------------------------------
    def diagnostic(self, doc, finding) -> types.Diagnostic:
        lines = doc.lines
        start_line, start_col = max(finding.line - 1, 0), max(finding.column - 1, 0)
        end_line, end_col = max(finding.end_line - 1, start_line), max(finding.end_column - 1, 0)
        if (end_line, end_col) <= (start_line, start_col):  # a point (a parse error): the rest of the line
            text = lines[start_line].rstrip("\r\n") if start_line < len(lines) else ""
            end_line, end_col = start_line, len(text)
            if end_col <= start_col:
                start_col = 0
        from pygls.workspace.position_codec import ServerTextPosition, ServerTextRange

        rng = doc.range_to_client_units(ServerTextRange(ServerTextPosition(start_line, start_col),
                                                        ServerTextPosition(end_line, end_col)))
        unknown = finding.verdict == "UNKNOWN"
        message = ("UNKNOWN: " if unknown else "") + finding.message
        if finding.resource:
            message += f" ({finding.resource})"
        return types.Diagnostic(
            range=rng,
            message=message,
            severity=types.DiagnosticSeverity.Information if unknown else SEVERITY.get(
                finding.severity, types.DiagnosticSeverity.Warning),
            code=finding.policy_id,
            code_description=types.CodeDescription(href=POLICY_DOCS + finding.policy_id.lower()),
            source=SOURCE,
            data={"id": finding.policy_id, "name": finding.policy_name, "severity": finding.severity,
                  "resource": finding.resource, "line": finding.line, "verdict": finding.verdict,
                  "fingerprint": finding.fingerprint},
        )

    def findings_at(self, uri: str, rng: types.Range) -> list:
        out = []
        for diagnostic, finding in self.published.get(uri, []):
            d = diagnostic.range
            if (d.start.line, d.start.character) <= (rng.end.line, rng.end.character) and \
                    (rng.start.line, rng.start.character) <= (d.end.line, d.end.character):
                out.append((diagnostic, finding))
        return out

    def policy(self, policy_id: str):
        return next((p for p in self.policies or () if p.id == policy_id), None)

    # -- the workspace scan ------------------------------------------------------------
    async def scan_workspace(self, folders=None, token=None, announce: bool = True) -> dict:
        return await scan_workspace(self, folders, token, announce)


    def rescan_workspace(self) -> None:
        """After a settings change: the folders a workspace scan covered, again."""
        if self.scanned_roots:
            task = asyncio.get_running_loop().create_task(self.scan_workspace(
                [from_fs_path(r) for r in self.scanned_roots], announce=False))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
