"""The `iaclint.server.scanWorkspace` command: every workspace folder scanned as
`iaclint scan FOLDER` scans it (open buffers as edited), every file's diagnostics
published, with `$/progress` the client can cancel."""
from __future__ import annotations

import asyncio
import os
import uuid

from lsprotocol import types
from pygls.uris import to_fs_path

from iaclint.faces.lsp.editor_settings import kind


async def scan_workspace(ls, folders=None, token=None, announce: bool = True) -> dict:
    """Scan each workspace folder (or `folders`, URIs) as `iaclint scan FOLDER` does,
    the open buffers as edited, and publish the diagnostics of every file with
    findings (and clear those of files that had some). Progress goes to `token`
    (the client's), else to a progress the server creates when the client allows it."""
    if ls.policies is None:
        ls.configure({})
    uris = folders or [f.uri for f in ls.workspace.folders.values()] or [ls.workspace.root_uri]
    roots = []
    for uri in uris:
        path = to_fs_path(uri) if isinstance(uri, str) and uri.startswith("file:") else None
        if path and os.path.isdir(path):
            roots.append(os.path.normpath(os.path.abspath(path)))
    roots = list(dict.fromkeys(roots))
    progress = ls.work_done_progress
    if token is None and announce and getattr(ls.client_capabilities.window, "work_done_progress", False):
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
            ls.loop = asyncio.get_running_loop()
            async with ls.lock:
                opened = ls.open_paths()
                mine = [p for p in opened if kind(p) and (p == root or p.startswith(root.rstrip(os.sep) + os.sep))]
                overlay, versions = ls.buffers(opened, mine)
                result = await ls.run_scan([root], overlay)
                if result is None:
                    continue
                if root not in ls.scanned_roots:
                    ls.scanned_roots.append(root)
                stale = [p for p in ls.from_disk if p == root or p.startswith(root.rstrip(os.sep) + os.sep)]
                published = ls.publish(result, dict.fromkeys(stale + mine), opened, versions, everywhere=True)
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
