"""`iaclint lsp`: a Language Server (on pygls) that lints the editor's unsaved buffers.

- Diagnostics on open, on save and, debounced, on change, computed from the buffers
  (`iaclint.api.scan(..., overlay=...)`), never from a stale disk copy: severity, the
  policy ID as the code with a link to its documentation, the exact range of the
  attribute (or the resource header) that causes the finding.
- A Terraform buffer is evaluated with the other files of its directory (open buffers in
  their edited state, the rest from disk), and every open Terraform buffer of that
  directory gets fresh diagnostics, since an edit in variables.tf can change main.tf's.
- Quick fixes insert a suppression with a reason placeholder above the finding's line or
  above its resource: `# iaclint:ignore IAC201 -- <reason>` in HCL and YAML, the
  resource's `Metadata` in CloudFormation JSON (which has no comments).
- Hover over a diagnostic shows its policy's documentation (what it flags, why it
  matters, the fix for the buffer's format).
- Commands (`workspace/executeCommand`) for editor extensions: `iaclint.server.scanWorkspace`
  scans the workspace folders from disk (open buffers as edited) and publishes the
  diagnostics of every file, with `$/progress`; `iaclint.server.explain` returns a
  policy's Markdown; `iaclint.server.policies` lists the policies.

Settings come from the client's `initializationOptions` (and later from
`workspace/didChangeConfiguration`, under `iaclint`): `select`, `ignore` (lists of IDs or
names), `strict`, `policyDirs`, `varFiles`, `variables`, `parameters`, `environments` (`{"prod":
{"varFiles": [...], "parameterFiles": [...]}}`, as the configuration's), `environment`
(evaluate only that one), `debounce`
(seconds, default 0.4), `scanTimeout` (seconds, default 20) and `trustedWorkspace`
(default false: true says the editor trusts the workspace, as VS Code's Workspace Trust
does, which counts as the user's opt-in of `--trust-config`). Only this module imports
pygls; `iaclint scan` never loads it.

The scanned tree is hostile here as on the command line (docs/security.md): a
configuration file found beside an opened file is data (`iaclint.pipeline.trust`), so
opening a file never loads a repository's policies unless the workspace is trusted;
buffers larger than a file may be are not scanned; and a scan that does not end within
`scanTimeout` is given up (its thread cannot be stopped, so that unit is not scanned
again until it ends), the lock is released and every other file keeps its diagnostics.
"""
from __future__ import annotations

import asyncio
import functools
import json
import logging
import os
import re
import threading
import uuid
from dataclasses import dataclass, field

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from iaclint import __version__
from iaclint.gate.reads import MAX_FILE_BYTES

log = logging.getLogger("iaclint.faces.lsp")

SOURCE = "iaclint"
POLICY_DOCS = "https://github.com/iaclint/iaclint/blob/main/docs/policies.md#"
DEFAULT_DEBOUNCE = 0.4
DEFAULT_SCAN_TIMEOUT = 20.0
SCAN_THREADS = 4  # scans run one at a time; the others are threads left behind by scans that timed out
TERRAFORM = (".tf", ".tf.json")
TFVARS = (".tfvars", ".tfvars.json")
CLOUDFORMATION = (".yaml", ".yml", ".json", ".template")
SEVERITY = {
    "critical": types.DiagnosticSeverity.Error,
    "high": types.DiagnosticSeverity.Error,
    "medium": types.DiagnosticSeverity.Warning,
    "low": types.DiagnosticSeverity.Information,
    "info": types.DiagnosticSeverity.Hint,
}
REASON_PLACEHOLDER = "<reason>"


@dataclass
class Settings:
    select: list = field(default_factory=list)
    ignore: list = field(default_factory=list)
    strict: bool | None = None  # None: as the configuration file says
    policy_dirs: list = field(default_factory=list)
    var_files: list = field(default_factory=list)
    variables: dict = field(default_factory=dict)
    parameters: dict = field(default_factory=dict)
    environments: dict = field(default_factory=dict)  # {name: {"var-files": [...], "parameter-files": [...]}}
    environment: str | None = None
    debounce: float = DEFAULT_DEBOUNCE
    scan_timeout: float = DEFAULT_SCAN_TIMEOUT
    trusted_workspace: bool = False

    @classmethod
    def parse(cls, raw) -> "Settings":
        raw = raw if isinstance(raw, dict) else {}
        if isinstance(raw.get("iaclint"), dict):  # {"iaclint": {...}} as editors nest settings
            raw = raw["iaclint"]

        def strings(key):
            value = raw.get(key) or []
            if isinstance(value, str):
                value = value.split(",")
            return [str(v).strip() for v in value if str(v).strip()]

        def mapping(key):
            value = raw.get(key) or {}
            return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}

        try:
            debounce = max(0.0, float(raw.get("debounce", DEFAULT_DEBOUNCE)))
        except (TypeError, ValueError):
            debounce = DEFAULT_DEBOUNCE
        try:
            scan_timeout = max(0.1, float(raw.get("scanTimeout", DEFAULT_SCAN_TIMEOUT)))
        except (TypeError, ValueError):
            scan_timeout = DEFAULT_SCAN_TIMEOUT
        strict = raw.get("strict")
        return cls(select=strings("select"), ignore=strings("ignore"),
                   strict=None if strict is None else bool(strict),
                   policy_dirs=strings("policyDirs"), var_files=strings("varFiles"), variables=mapping("variables"),
                   parameters=mapping("parameters"), environments=_environments(raw.get("environments")),
                   environment=str(raw["environment"]) if raw.get("environment") else None,
                   debounce=debounce, scan_timeout=scan_timeout,
                   trusted_workspace=raw.get("trustedWorkspace") is True)


def _environments(value) -> dict:
    """The `environments` setting, with the configuration's keys (`varFiles` or `var-files`)."""
    out = {}
    for name, spec in (value.items() if isinstance(value, dict) else ()):
        if isinstance(spec, dict):
            files = {key: [str(f) for f in spec.get(camel) or spec.get(key) or [] if isinstance(f, str)]
                     for camel, key in (("varFiles", "var-files"), ("parameterFiles", "parameter-files"))}
            out[str(name)] = {k: v for k, v in files.items() if v}
    return out


def kind(path: str) -> str:
    """'terraform', 'tfvars', 'cloudformation' or '' (not ours)."""
    name = os.path.basename(path)
    if name.endswith(TERRAFORM):
        return "terraform"
    if name.endswith(TFVARS):
        return "tfvars"
    if name.endswith(CLOUDFORMATION):
        return "cloudformation"
    return ""


class IaclintServer(LanguageServer):
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

        options, policy_dirs = self.options(targets[0])
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
            options["ignore"] = [n for n in options["ignore"] if n in known or n.upper() in known]
            options["severity"] = {k: v for k, v in options["severity"].items() if k in known or k.upper() in known}
            options["per_path_ignores"] = [(glob, [n for n in names if n in known or n.upper() in known])
                                           for glob, names in options["per_path_ignores"]]
            return scan(targets, policies=policies, overlay=overlay, **options)

    def options(self, target: str) -> tuple[dict, tuple]:
        """`scan()` keyword arguments and policy dirs: the configuration file that applies
        to `target` (.iaclint.yaml or [tool.iaclint], found as `iaclint scan` finds it),
        under the editor's settings, as the command line's flags are."""
        s = self.settings
        plain = {"select": s.select, "ignore": s.ignore, "strict": bool(s.strict), "var_files": s.var_files,
                 "variables": s.variables, "parameters": s.parameters, "environments": s.environments or None,
                 "environment": s.environment}
        try:
            from iaclint.pipeline.config import ConfigError, merge
            from iaclint.pipeline.trust import EDITOR_OPT_IN, effective_config
        except ImportError:
            return plain, tuple(s.policy_dirs)
        try:  # a configuration in the opened file's tree is data unless the workspace is trusted (pipeline.trust)
            config, notes = effective_config([target], trust_flag=s.trusted_workspace, opt_in=EDITOR_OPT_IN)
            for where, message in notes:
                self.warn(f"iaclint: {where}: {message}")
        except ConfigError as exc:
            self.warn("iaclint: " + "; ".join(f"{exc.file}: {m}" for m in exc.messages))
            config = None
        editor = {"select": s.select, "ignore": s.ignore, "strict": s.strict, "policy-dirs": s.policy_dirs,
                  "variables": s.variables, "parameters": s.parameters, "var-files": s.var_files,
                  "environment": s.environment}
        try:
            merged = merge(config, editor)
        except ValueError as exc:  # an invalid glob in the file: said, and the file is left out
            self.warn(f"iaclint: {config.file if config is not None else 'settings'}: {exc}")
            merged = merge(None, editor)
        options = {"select": merged["select"], "ignore": merged["ignore"], "strict": merged["strict"],
                   "var_files": merged["var-files"], "variables": merged["variables"],
                   "parameters": merged["parameters"], "severity": merged["severity"],
                   "environments": s.environments or merged["environments"], "environment": merged["environment"],
                   "exclude": merged["exclude"], "per_path_ignores": merged["per-path-ignores"],
                   "options": {"trusted_accounts": merged["trusted-accounts"]}}
        if merged.get("baseline"):
            try:
                from iaclint.gate.reads import Tree
                from iaclint.pipeline.baseline import load_baseline

                options["baseline"] = load_baseline(merged["baseline"], tree=Tree.of([target]))
            except Exception as exc:  # a missing or broken baseline: say so, scan without it
                self.warn(f"iaclint: baseline {merged['baseline']}: {exc}")
        return options, tuple(merged["policy-dirs"])

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
        """Scan each workspace folder (or `folders`, URIs) as `iaclint scan FOLDER` does,
        the open buffers as edited, and publish the diagnostics of every file with
        findings (and clear those of files that had some). Progress goes to `token`
        (the client's), else to a progress the server creates when the client allows it."""
        if self.policies is None:
            self.configure({})
        uris = folders or [f.uri for f in self.workspace.folders.values()] or [self.workspace.root_uri]
        roots = []
        for uri in uris:
            path = to_fs_path(uri) if isinstance(uri, str) and uri.startswith("file:") else None
            if path and os.path.isdir(path):
                roots.append(os.path.normpath(os.path.abspath(path)))
        roots = list(dict.fromkeys(roots))
        progress = self.work_done_progress
        if token is None and announce and getattr(self.client_capabilities.window, "work_done_progress", False):
            token = f"iaclint-scan-{uuid.uuid4()}"
            try:
                await progress.create_async(token)
            except Exception:  # the client said no: scan without progress
                token = None
        if token is not None:
            progress.begin(token, types.WorkDoneProgressBegin(title="iaclint: scanning the workspace",
                                                              cancellable=True, percentage=0))
        summary = {"folders": 0, "files": 0, "findings": 0, "filesWithFindings": 0, "cancelled": False}
        try:
            for index, root in enumerate(roots):
                cancel = progress.tokens.get(token) if token is not None else None
                if cancel is not None and cancel.cancelled():
                    summary["cancelled"] = True
                    break
                if token is not None:
                    progress.report(token, types.WorkDoneProgressReport(
                        message=f"{os.path.basename(root) or root} ({index + 1}/{len(roots)})",
                        percentage=100 * index // len(roots)))
                self.loop = asyncio.get_running_loop()
                async with self.lock:
                    opened = self.open_paths()
                    mine = [p for p in opened if kind(p) and (p == root or p.startswith(root.rstrip(os.sep) + os.sep))]
                    overlay, versions = self.buffers(opened, mine)
                    result = await self.run_scan([root], overlay)
                    if result is None:
                        continue
                    if root not in self.scanned_roots:
                        self.scanned_roots.append(root)
                    stale = [p for p in self.from_disk if p == root or p.startswith(root.rstrip(os.sep) + os.sep)]
                    published = self.publish(result, dict.fromkeys(stale + mine), opened, versions, everywhere=True)
                summary["folders"] += 1
                summary["files"] += result.files
                summary["findings"] += sum(len(f) for f in published.values())
                summary["filesWithFindings"] += sum(1 for f in published.values() if f)
        finally:
            if token is not None:
                n = summary["findings"]
                progress.end(token, types.WorkDoneProgressEnd(
                    message=f"{n} finding{'s' * (n != 1)} in {summary['filesWithFindings']} files"))
                progress.tokens.pop(token, None)
        return summary

    def rescan_workspace(self) -> None:
        """After a settings change: the folders a workspace scan covered, again."""
        if self.scanned_roots:
            task = asyncio.get_running_loop().create_task(self.scan_workspace(
                [from_fs_path(r) for r in self.scanned_roots], announce=False))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)


server = IaclintServer()


@server.feature(types.INITIALIZE)
def initialize(ls: IaclintServer, params: types.InitializeParams) -> None:
    ls.configure(params.initialization_options)


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
def did_change_configuration(ls: IaclintServer, params: types.DidChangeConfigurationParams) -> None:
    if isinstance(params.settings, dict) and params.settings:
        ls.configure(params.settings)
        for path in ls.open_paths():
            if kind(path):
                ls.schedule(path, 0)
        ls.rescan_workspace()


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: IaclintServer, params: types.DidOpenTextDocumentParams) -> None:
    _changed(ls, params.text_document.uri, delay=0)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: IaclintServer, params: types.DidChangeTextDocumentParams) -> None:
    _changed(ls, params.text_document.uri, delay=ls.settings.debounce, saved=False)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: IaclintServer, params: types.DidSaveTextDocumentParams) -> None:
    _changed(ls, params.text_document.uri, delay=0)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: IaclintServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    path = to_fs_path(uri) if uri.startswith("file:") else None
    path = os.path.normpath(path) if path else None
    if path and kind(path) and ls.in_scanned_roots(path):
        ls.schedule(path, 0)  # a workspace scan covered it: its findings on disk stay in view
        return
    ls.published.pop(uri, None)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
    if path and kind(path) in ("terraform", "tfvars"):
        ls.schedule(path, 0)  # siblings now read this file from disk


def _changed(ls: IaclintServer, uri: str, delay: float, saved: bool = True) -> None:
    path = to_fs_path(uri) if uri.startswith("file:") else None
    if not path:
        return
    path = os.path.normpath(path)
    what = kind(path)
    if what == "tfvars" and not saved:
        return  # variables files are read from disk: they count once saved
    if what:
        ls.schedule(path, delay)


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: IaclintServer, params: types.HoverParams) -> types.Hover | None:
    point = types.Range(start=params.position, end=params.position)
    hits = ls.findings_at(params.text_document.uri, point)
    if not hits:
        return None
    path = to_fs_path(params.text_document.uri) or ""
    parts, seen = [], set()
    for _, finding in hits:
        if finding.policy_id in seen:
            continue
        seen.add(finding.policy_id)
        parts.append(policy_markdown(ls.policy(finding.policy_id), finding, path))
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)),
                       range=hits[0][0].range)


def policy_markdown(policy, finding, path: str) -> str:
    link = POLICY_DOCS + finding.policy_id.lower()
    if policy is None:
        return f"**{finding.policy_id}** {finding.policy_name} ({finding.severity})\n\n[Documentation]({link})"
    out = [f"**{policy.id}** `{policy.name}` ({policy.severity}): {policy.title}"]
    terraform = path.endswith(TERRAFORM + TFVARS)
    fixes = (("Fix in Terraform", policy.fix_terraform),) if terraform else (
        ("Fix in CloudFormation", policy.fix_cloudformation),)
    for heading, body in (("What it flags", policy.what), ("Why it matters", policy.why), *fixes):
        if body and body.strip():
            out.append(f"**{heading}**\n\n{body.strip()}")
    out.append(f"Suppress it with `# iaclint:ignore {policy.id} -- {REASON_PLACEHOLDER}` on the line above. "
               f"[Documentation]({link})")
    return "\n\n".join(out)


@server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
def code_action(ls: IaclintServer, params: types.CodeActionParams) -> list | None:
    uri = params.text_document.uri
    path = to_fs_path(uri) if uri.startswith("file:") else None
    if not path:
        return None
    doc = ls.workspace.get_text_document(uri)
    actions, seen = [], set()
    for diagnostic, finding in ls.findings_at(uri, params.range):
        for title, edit in suppression_edits(doc.lines, path, finding):
            key = (title, edit.range.start.line)
            if key in seen:
                continue
            seen.add(key)
            actions.append(types.CodeAction(
                title=title, kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                edit=types.WorkspaceEdit(changes={uri: [edit]})))
    return actions or None


# -- commands for editor extensions ------------------------------------------------------
SCAN_WORKSPACE = "iaclint.server.scanWorkspace"
EXPLAIN = "iaclint.server.explain"
POLICIES = "iaclint.server.policies"


@server.command(SCAN_WORKSPACE)
async def scan_workspace_command(ls: IaclintServer, *args) -> dict:
    """Argument (optional): {"folders": [URI, ...], "workDoneToken": token}; pygls does not
    hand the request's own workDoneToken to a command, so the client passes it here."""
    request = args[0] if args and isinstance(args[0], dict) else {}
    folders = request.get("folders")
    folders = [f for f in folders if isinstance(f, str)] if isinstance(folders, list) else None
    token = request.get("workDoneToken")
    return await ls.scan_workspace(folders or None, token if isinstance(token, (str, int)) else None)


@server.command(EXPLAIN)
def explain_command(ls: IaclintServer, *args) -> dict | None:
    """Arguments: a policy ID or name. The policy's documentation as Markdown, or None."""
    wanted = str(args[0]).strip() if args and isinstance(args[0], (str, int)) else ""
    if ls.policies is None:
        ls.configure({})
    for policy in ls.policies:
        if wanted in (policy.id, policy.name) or wanted.upper() == policy.id:
            return {"id": policy.id, "name": policy.name, "severity": policy.severity, "title": policy.title,
                    "markdown": explain_markdown(policy)}
    return None


@server.command(POLICIES)
def policies_command(ls: IaclintServer, *args) -> list:
    if ls.policies is None:
        ls.configure({})
    return [{"id": p.id, "name": p.name, "severity": p.severity, "title": p.title} for p in ls.policies]


def explain_markdown(policy) -> str:
    """A policy's whole documentation (both formats' fixes), as `iaclint explain` has it."""
    out = [f"# {policy.id} `{policy.name}`", f"**{policy.severity}**: {policy.title}"]
    for heading, body in (("What it flags", policy.what), ("Why it matters", policy.why),
                          ("Fix in Terraform", policy.fix_terraform),
                          ("Fix in CloudFormation", policy.fix_cloudformation)):
        if body and body.strip():
            out.append(f"## {heading}\n\n{body.strip()}")
    if getattr(policy, "resource_types", None):
        out.append("Resource types: " + ", ".join(f"`{t}`" for t in policy.resource_types))
    if getattr(policy, "references", None):
        out.append("## References\n\n" + "\n".join(f"- <{r}>" for r in policy.references))
    out.append(f"Suppress a finding with `# iaclint:ignore {policy.id} -- {REASON_PLACEHOLDER}` on the line "
               f"above. [Documentation]({POLICY_DOCS + policy.id.lower()})")
    return "\n\n".join(out) + "\n"


# -- suppression edits -----------------------------------------------------------------
def suppression_edits(lines, path: str, finding) -> list[tuple[str, types.TextEdit]]:
    """(title, edit) quick fixes that suppress `finding` with a reason placeholder."""
    text = [line.rstrip("\r\n") for line in lines]
    line = finding.line - 1
    if not 0 <= line < len(text):
        return []
    name = os.path.basename(path)
    if name.endswith(".tf.json"):
        return []  # Terraform JSON has no comments
    if name.endswith(".json") or (name.endswith(".template") and text and text[0].lstrip().startswith("{")):
        return _metadata_edit(text, finding)
    comment = f"# iaclint:ignore {finding.policy_id} -- {REASON_PLACEHOLDER}"
    yaml = not name.endswith(TERRAFORM + TFVARS)
    header = _resource_line(text, finding.resource, line, yaml)
    out = []
    inside_string = _in_yaml_block_scalar(text, line) if yaml else _in_heredoc(text, line)
    if header is not None and header != line and not inside_string:
        out.append((f"Suppress {finding.policy_id} on this line (iaclint:ignore with a reason)",
                    _insert_above(text, line, comment)))
    target = header if header is not None else (None if inside_string else line)
    if target is not None:
        label = finding.resource or "this line"
        out.append((f"Suppress {finding.policy_id} for {label} (iaclint:ignore with a reason)",
                    _insert_above(text, target, comment)))
    return out


def _insert_above(text: list, line: int, comment: str) -> types.TextEdit:
    indent = re.match(r"[ \t]*", text[line]).group(0)
    position = types.Position(line=line, character=0)
    return types.TextEdit(range=types.Range(start=position, end=position), new_text=f"{indent}{comment}\n")


def _resource_line(text: list, address: str, line: int, yaml: bool) -> int | None:
    """The line of the resource's header (HCL block, CloudFormation logical id key)."""
    if not address:
        return None
    if yaml:
        pattern = re.compile(r"^\s*(['\"]?)" + re.escape(address) + r"\1\s*:\s*(#.*)?$")
    else:
        m = re.match(r"^(?:module\.[^.]+(?:\[[^\]]*\])?\.)*(data\.)?([^.\[]+)\.([^.\[]+)", address)
        if not m:
            return None
        block = "data" if m.group(1) else "resource"
        pattern = re.compile(rf'^\s*{block}\s+"?{re.escape(m.group(2))}"?\s+"?{re.escape(m.group(3))}"?\s*\{{')
    for i in range(min(line, len(text) - 1), -1, -1):
        if pattern.match(text[i]):
            return i
    return None


def _in_heredoc(text: list, line: int) -> bool:
    """Whether `line` lies inside an HCL heredoc (a `#` line there would be content)."""
    marker = None
    for i in range(line):
        if marker is None:
            m = re.search(r"<<-?\s*([A-Za-z_][A-Za-z0-9_]*)\s*$", text[i])
            if m:
                marker = m.group(1)
        elif text[i].strip() == marker:
            marker = None
    return marker is not None and text[line].strip() != marker


def _in_yaml_block_scalar(text: list, line: int) -> bool:
    indent = len(text[line]) - len(text[line].lstrip())
    lowest = indent
    for i in range(line - 1, -1, -1):
        stripped = text[i].strip()
        if not stripped:
            continue
        current = len(text[i]) - len(text[i].lstrip())
        if current < lowest:
            if re.search(r"(:|^-)\s*[|>][-+0-9]*\s*(#.*)?$", stripped):
                return True
            lowest = current
            if current == 0:
                break
    return False


def _metadata_edit(text: list, finding) -> list:
    """CloudFormation JSON: add `Metadata.iaclint.ignore` to a resource that has no
    Metadata yet (merging into existing Metadata is left to the user)."""
    if not finding.resource:
        return []
    try:
        template = json.loads("\n".join(text))
        resource = template["Resources"][finding.resource]
    except (ValueError, KeyError, TypeError):
        return []
    if not isinstance(resource, dict) or "Metadata" in resource:
        return []
    pattern = re.compile(r'^(\s*)"' + re.escape(finding.resource) + r'"\s*:\s*\{\s*$')
    for i in range(min(finding.line - 1, len(text) - 1), -1, -1):
        m = pattern.match(text[i])
        if m:
            inner = text[i + 1][: len(text[i + 1]) - len(text[i + 1].lstrip())] if i + 1 < len(text) else ""
            indent = inner or m.group(1) + "  "
            entry = json.dumps({"iaclint": {"ignore": [{"id": finding.policy_id, "reason": REASON_PLACEHOLDER}]}})
            position = types.Position(line=i + 1, character=0)
            edit = types.TextEdit(range=types.Range(start=position, end=position),
                                  new_text=f'{indent}"Metadata": {entry},\n')
            return [(f"Suppress {finding.policy_id} for {finding.resource} (Metadata with a reason)", edit)]
    return []


def main(argv=None) -> int:
    logging.basicConfig(level=logging.WARNING, format="iaclint lsp: %(levelname)s %(message)s")
    server.start_io()
    if server.hung:  # a scan that timed out still runs in its thread: exit without waiting for it
        os._exit(0)
    return 0

