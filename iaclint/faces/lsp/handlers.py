"""The LSP messages the server answers (documents opened, changed, saved, closed;
settings; hover; quick fixes) and the commands editor extensions call."""
from __future__ import annotations

import os

from lsprotocol import types
from pygls.uris import to_fs_path

from iaclint.faces.lsp.editor_settings import kind
from iaclint.faces.lsp.markdown import explain_markdown, policy_markdown
from iaclint.faces.lsp.server import IaclintServer
from iaclint.faces.lsp.suppressions import suppression_edits

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
