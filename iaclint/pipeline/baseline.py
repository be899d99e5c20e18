"""Baselines: adopt iaclint on a repository with existing findings without fixing them first.

`iaclint baseline create` writes the fingerprints of today's findings; `iaclint scan
--baseline FILE` then reports only findings whose fingerprint is not in the file, so a
pull request is judged on what it adds. Fingerprints hash policy, file, resource and
attribute path but never lines (`iaclint.model.finding.fingerprint`), so moving code around does
not resurface a baselined finding, while the same problem on another resource does.

The file is JSON, sorted without line numbers, so regenerating it gives a readable diff:

    {"version": 1, "tool": "iaclint",
     "findings": [{"fingerprint": "...", "policy_id": "IAC201", "file": "main.tf",
                   "resource": "aws_sagemaker_notebook_instance.open", "attribute": ""}]}

Only `fingerprint` is read back; the other fields are there for the people reviewing it.
"""
from __future__ import annotations

import json
import os

from iaclint.gate import reads, writes
from iaclint.gate.text import echo

BASELINE_VERSION = 1
DEFAULT_BASELINE = ".iaclint-baseline.json"
MAX_BASELINE_BYTES = 100 * 1024 * 1024  # ~400,000 findings


class BaselineError(Exception):
    """A baseline file that cannot be read or is not a baseline (exit code 2)."""


def render_baseline(findings) -> str:
    """The baseline document for `findings` (suppressed ones are left out: they are
    accepted in the source already)."""
    entries = {}
    for f in findings:
        if f.suppressed or not f.fingerprint:
            continue
        entries[f.fingerprint] = {"fingerprint": f.fingerprint, "policy_id": f.policy_id,
                                  "file": f.file.replace(os.sep, "/"), "resource": f.resource,
                                  "attribute": f.attribute}
    ordered = sorted(entries.values(), key=lambda e: (e["file"], e["policy_id"], e["resource"], e["attribute"],
                                                      e["fingerprint"]))
    document = {"version": BASELINE_VERSION, "tool": "iaclint", "findings": ordered}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_baseline(findings, path: str, tree: reads.Tree | None = None, confined: bool = False) -> int:
    """Write the baseline of `findings` to `path` through the write gate (`confined`: the
    path came from the tree's configuration and must stay in `tree`); returns how many
    entries it holds."""
    text = render_baseline(findings)
    try:
        writes.write_file(path, text, tree=tree, confined=confined)
    except OSError as exc:
        raise BaselineError(f"cannot write baseline {path}: {exc.strerror or exc}") from None
    return len(json.loads(text)["findings"])


def load_baseline(path: str, tree: reads.Tree | None = None) -> frozenset:
    """The fingerprints a baseline file holds (read through the read gate: inside `tree`
    when given, a regular file, size-capped); BaselineError names the file and the problem."""
    try:
        document = json.loads(reads.read_bytes(path, tree=tree, limit=MAX_BASELINE_BYTES).decode("utf-8-sig"))
    except RecursionError:
        raise BaselineError(f"baseline {path} is not a baseline: nested too deeply") from None
    except FileNotFoundError:
        raise BaselineError(f"baseline {path} not found (create it with `iaclint baseline create`)") from None
    except OSError as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise BaselineError(f"baseline {path} is not valid JSON: {exc}") from None
    if not isinstance(document, dict) or document.get("tool") != "iaclint" \
            or not isinstance(document.get("findings"), list):
        raise BaselineError(f"{path} is not an iaclint baseline (expected `tool: iaclint` and a `findings` list)")
    if document.get("version") != BASELINE_VERSION:
        raise BaselineError(f"baseline {path} has version {echo(document.get('version'))}; this iaclint reads "
                            f"version {BASELINE_VERSION} (recreate it with `iaclint baseline create`)")
    fingerprints = set()
    for i, entry in enumerate(document["findings"]):
        value = entry.get("fingerprint") if isinstance(entry, dict) else None
        if not isinstance(value, str) or not value:
            raise BaselineError(f"baseline {path}: findings[{i}] has no fingerprint")
        fingerprints.add(value)
    return frozenset(fingerprints)
