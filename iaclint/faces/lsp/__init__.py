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

import logging
import os

from iaclint.faces.lsp.handlers import server
from iaclint.faces.lsp.suppressions import suppression_edits

__all__ = ["main", "server", "suppression_edits"]


def main(argv=None) -> int:
    logging.basicConfig(level=logging.WARNING, format="iaclint lsp: %(levelname)s %(message)s")
    server.start_io()
    if server.hung:  # a scan that timed out still runs in its thread: exit without waiting for it
        os._exit(0)
    return 0
