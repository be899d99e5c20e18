"""Quick fixes that suppress a finding with a reason placeholder: a comment above the
line or the resource in HCL and YAML (never inside a heredoc or a block scalar, where it
would be data), the resource's `Metadata` in CloudFormation JSON (which has no comments)."""
from __future__ import annotations

import json
import os
import re

from lsprotocol import types

from iaclint.faces.lsp.editor_settings import REASON_PLACEHOLDER, TERRAFORM, TFVARS


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
