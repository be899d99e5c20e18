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

BASELINE_VERSION = 1
DEFAULT_BASELINE = ".iaclint-baseline.json"


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


def write_baseline(findings, path: str) -> int:
    """Write the baseline of `findings` to `path`; returns how many entries it holds."""
    text = render_baseline(findings)
    try:
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except OSError as exc:
        raise BaselineError(f"cannot write baseline {path}: {exc.strerror or exc}") from None
    return len(json.loads(text)["findings"])


def load_baseline(path: str) -> frozenset:
    """The fingerprints a baseline file holds; BaselineError names the file and the problem."""
    try:
        with open(path, "rb") as handle:
            document = json.loads(handle.read().decode("utf-8-sig"))
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
        raise BaselineError(f"baseline {path} has version {document.get('version')!r}; this iaclint reads "
                            f"version {BASELINE_VERSION} (recreate it with `iaclint baseline create`)")
    fingerprints = set()
    for i, entry in enumerate(document["findings"]):
        value = entry.get("fingerprint") if isinstance(entry, dict) else None
        if not isinstance(value, str) or not value:
            raise BaselineError(f"baseline {path}: findings[{i}] has no fingerprint")
        fingerprints.add(value)
    return frozenset(fingerprints)
