"""Shell scripts that SageMaker runs as root: the lifecycle configurations of notebook
instances (`on_create`, `on_start`; CloudFormation `OnCreate[].Content`,
`OnStart[].Content`) and of Studio apps (`studio_lifecycle_config_content`).

Each is written base64-encoded. `lifecycle_scripts` yields every script of a resource with
its canonical path, an Unknown where it cannot be read statically; `decode` gives the text;
`script_lines` the lines a shell would run (comment lines left out, `\\` continuations
joined), numbered as written.
"""
from __future__ import annotations

import base64
import binascii
from typing import Any, Iterator

from iaclint.model import paths
from iaclint.model.unknown import is_unknown

NOTEBOOK_LIFECYCLE = "aws_sagemaker_notebook_instance_lifecycle_configuration"
STUDIO_LIFECYCLE = "aws_sagemaker_studio_lifecycle_config"
_HOOKS = {NOTEBOOK_LIFECYCLE: ("on_create", "on_start"), STUDIO_LIFECYCLE: ("studio_lifecycle_config_content",)}


def lifecycle_scripts(resource) -> Iterator[tuple[tuple, Any]]:
    """(canonical path, base64 script or Unknown) of each script of a lifecycle configuration."""
    for hook in _HOOKS.get(resource.type, ()):
        value = resource.attributes.get(hook)
        # Terraform and Studio: a base64 string; a notebook's CloudFormation hooks: a list with `Content`.
        if isinstance(value, str) or is_unknown(value):
            yield (hook,), value
        else:
            for path, script in paths.find(resource.attributes, (hook, "content")):
                yield tuple(path), script


def decode(value: str) -> str:
    """The script a base64 value encodes; a value that is not base64 is read as the script
    itself (AWS would reject it, but what it says is still worth reporting)."""
    try:
        return base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return value


def script_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) of the script without comment lines, continuations joined."""
    out, buffer, start = [], "", 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not buffer:
            start = number
        if line.rstrip().endswith("\\"):
            buffer += line.rstrip()[:-1] + " "
            continue
        joined = buffer + line
        buffer = ""
        if not joined.lstrip().startswith("#"):
            out.append((start, joined))
    if buffer and not buffer.lstrip().startswith("#"):
        out.append((start, buffer))
    return out


def shown(line: str, width: int = 90) -> str:
    """A script line for a message: whitespace squeezed, cut at `width`."""
    text = " ".join(line.split())
    return text if len(text) <= width else text[:width - 3] + "..."
