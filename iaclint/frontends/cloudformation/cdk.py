"""CDK synth output: which construct each CloudFormation resource comes from.

`cdk synth` writes a cloud assembly (`cdk.out/`): one `<Stack>.template.json` per stack
(`<Stack>.nested.template.json` for nested stacks, `assembly-<Stage>/` for stages) and a
`manifest.json` that lists the stacks. A CDK user fixes a construct, not a logical id such
as `NotebookF3C1E1D0`, so every finding on a synthesized resource carries its construct
path (`MlStack/Notebook/Resource`). The path comes from the resource's own
`Metadata: {aws:cdk:path: ...}` (written unless path metadata is turned off), else from the
`aws:cdk:logicalId` entries of `manifest.json`, which map construct paths to logical ids.

Discovery walks into `cdk.out/` for `*.template.json` only (see `iaclint.pipeline.discover`);
assets, `tree.json` and the asset manifests are never read.
"""
from __future__ import annotations

import json
import os

from iaclint.gate import reads

CDK_PATH = "aws:cdk:path"
MANIFEST_MAX_BYTES = 20 * 1024 * 1024
_CACHE: dict = {}


def construct_paths(template_file: str, tree: reads.Tree | None = None) -> dict[str, str]:
    """Logical id -> construct path for a template, from the `manifest.json` beside it;
    empty when there is none (or the read gate refuses it, or it cannot be read: the
    template is still scanned)."""
    directory = os.path.dirname(template_file) or "."
    manifest = os.path.join(directory, "manifest.json")
    try:
        real = tree.check(manifest) if tree is not None else manifest
        stat = os.stat(real)
    except OSError:
        return {}
    key = (real, stat.st_mtime_ns, stat.st_size)
    table = _CACHE.get(key)
    if table is None:
        table = _read_manifest(manifest, tree)
        if len(_CACHE) > 64:
            _CACHE.clear()
        _CACHE[key] = table
    return table.get(os.path.basename(template_file), {})


def _read_manifest(path: str, tree: reads.Tree | None) -> dict[str, dict[str, str]]:
    """Template file name -> (logical id -> construct path)."""
    try:
        document = json.loads(reads.read_bytes(path, tree=tree, limit=MANIFEST_MAX_BYTES).decode("utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return {}
    artifacts = document.get("artifacts") if isinstance(document, dict) else None
    out: dict[str, dict[str, str]] = {}
    if not isinstance(artifacts, dict):
        return out
    for artifact in artifacts.values():
        if not isinstance(artifact, dict) or artifact.get("type") != "aws:cloudformation:stack":
            continue
        properties = artifact.get("properties")
        template = properties.get("templateFile") if isinstance(properties, dict) else None
        metadata = artifact.get("metadata")
        if not isinstance(template, str) or not isinstance(metadata, dict):
            continue
        paths = out.setdefault(os.path.basename(template), {})
        for construct, entries in metadata.items():
            if not isinstance(construct, str) or not isinstance(entries, list):
                continue
            for entry in entries:
                if isinstance(entry, dict) and entry.get("type") == "aws:cdk:logicalId" \
                        and isinstance(entry.get("data"), str):
                    paths.setdefault(entry["data"], construct.lstrip("/"))
    return out
