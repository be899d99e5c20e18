"""What a change does to the AI inventory, in words: "this change adds model endpoint
`x`, reachable from the internet (IAC605 ...)". Shared by `iaclint inventory --diff`
(text, JSON) and the pull-request section of the Markdown and GitHub reports.

`diff` is an `iaclint.pipeline.inventory_diff.InventoryDiff`. Supporting assets (roles,
keys, functions, APIs, buckets that hold no AI data) are counted, not listed, unless an
added attack path reaches them; text from the scanned tree is escaped by the caller's
format (these functions return plain text pieces).
"""
from __future__ import annotations

from iaclint.formatters._common import plural, report_path
from iaclint.inventory.builder import is_ai
from iaclint.inventory.kinds import KIND_LABELS


def _where(asset) -> str:
    return f"{report_path(asset.location.file)}:{asset.location.line}" if asset.location else ""


def _lead(finding) -> str:
    """The attack path's sentence without its chain."""
    return finding.message.split(". Path: ")[0]


def _reaching(asset, paths: list) -> list:
    return [f for f in paths if any(chain and _reached(chain[-1], asset) for chain in f.flows)]


def _reached(step: tuple, asset) -> bool:
    """Does the chain end at `asset`? By id where the step has one (two stacks may name
    two assets alike), else by name."""
    return step[9] == asset.id if len(step) > 9 and step[9] else step[7] == asset.name


def sentences(diff) -> list[tuple[str, str, str]]:
    """(verb, text, where) for each change worth a line: AI assets and attack paths added
    and removed; `where` is `file:line` or ""."""
    out = []
    for verb, assets, paths in (("adds", diff.added_assets, diff.added_paths),
                                ("removes", diff.removed_assets, diff.removed_paths)):
        for asset in assets:
            reached = _reaching(asset, paths)
            if not is_ai(asset) and not reached:
                continue
            text = f"{KIND_LABELS.get(asset.kind, asset.kind)} `{asset.name}`"
            if reached and verb == "adds":
                text += ", " + "; ".join(f"{f.policy_id}: {_lead(f)}" for f in reached)
            out.append((verb, text, _where(asset)))
        for f in paths:
            out.append((verb, f"attack path {f.policy_id} {f.policy_name}: {_lead(f)}",
                        f"{report_path(f.file)}:{f.line}"))
    return out


def summary(diff) -> str:
    return (f"{plural(len(diff.added_assets), 'asset')} added, {len(diff.removed_assets)} removed; "
            f"{plural(len(diff.added_edges), 'edge')} added, {len(diff.removed_edges)} removed; "
            f"{plural(len(diff.added_paths), 'attack path')} added, {len(diff.removed_paths)} removed "
            f"(against {diff.ref}, merge base {diff.base[:12]})")
