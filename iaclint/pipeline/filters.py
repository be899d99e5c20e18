"""What decides what is *reported*, applied after evaluation in one place: per-path
ignores, suppressions (marking findings, reporting IAC002/IAC003), the baseline and the
diff. The CLI, editors and hooks all reach these through `iaclint.api.scan`, so they
cannot disagree about them.
"""
from __future__ import annotations

import os

from iaclint.engine.policy import Policy
from iaclint.gate import reads
from iaclint.model.finding import Finding, fingerprint
from iaclint.model.resource import PARSE_ERROR_ID, ParseError


class _AnyOf:
    def __init__(self, matchers):
        self.matchers = matchers

    def matches(self, path: str) -> bool:
        return any(m.matches(path) for m in self.matchers)


def matcher(items, root: str | None):
    """One matcher for glob strings (relative to `root`) and ready matchers (objects with
    `matches(path)`, such as `iaclint.pipeline.globs.PathMatcher`, which carry their own base)."""
    from iaclint.pipeline.globs import PathMatcher

    if isinstance(items, str) or hasattr(items, "matches"):
        items = [items]
    globs = [i for i in items if isinstance(i, str)]
    return _AnyOf([PathMatcher(globs, root)] * bool(globs) + [i for i in items if not isinstance(i, str)])


def path_ignores(per_path_ignores, root: str | None, known: dict):
    """`ignored(policy_id, file)`: is the policy switched off for that file by a per-path
    ignore? `per_path_ignores` is {glob: [IDs or names]} or a list of (glob or matcher,
    [IDs or names]) pairs."""
    if not per_path_ignores:
        return lambda policy_id, file: False
    pairs = per_path_ignores.items() if isinstance(per_path_ignores, dict) else per_path_ignores
    rules = []
    for pattern, names in pairs:
        ids = {known[n].id if n in known else n.upper() for n in names}
        rules.append((matcher(pattern, root), ids))
    cache: dict = {}

    def ignored(policy_id: str, file: str) -> bool:
        if file not in cache:
            cache[file] = set().union(*[ids for rule, ids in rules if rule.matches(file)])
        return policy_id in cache[file]

    return ignored


def suppress(resources, findings, parse_errors, options, known, by_id, ran, marks=None) -> list[Finding]:
    """Mark suppressed findings in place; return the IAC002/IAC003 findings. `options`
    (`loading.Options`) gives the unsaved buffers and the scanned tree; `marks`
    (`loading.Loaded.marks`) the files whose text the workers saw hold no suppression
    marker, which are not read again here."""
    from iaclint.pipeline import suppress as suppressions

    # A file that did not parse has no judged comments (a duplicate key does not stop it).
    broken = {e.file for e in parse_errors if e.policy_id == PARSE_ERROR_ID}
    by_file: dict = {}
    for r in resources:
        by_file.setdefault(r.file, []).append(r)
    written = []
    for file, file_resources in sorted(by_file.items()):
        if file not in broken:
            text = None if marks and marks.get(file) is False else _read_text(file, options)
            written += suppressions.collect(file, text, file_resources)
    suppressions.apply(written, findings, by_id)
    return suppressions.problems(written, known, ran, by_id.get(suppressions.WITHOUT_REASON_ID),
                                 by_id.get(suppressions.UNUSED_ID))


def _read_text(file: str, options) -> str | None:
    data = options.overlay.get(os.path.normpath(file))
    if data is None:
        try:
            data = reads.read_bytes(file, tree=options.tree)
        except OSError:
            return None
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else data


def baseline_and_diff(findings: list, baseline, changes, resources) -> tuple[list, int, int]:
    """(kept, left out by the baseline, left out by the diff). Suppressed findings are kept
    (reports show them as suppressed); the counts cover reported ones only."""
    if not baseline and changes is None:
        return findings, 0, 0
    regions = {(r.file, r.address): (min(r.header.line, r.span.line), r.span.end_line) for r in resources}
    kept, baselined, outside = [], 0, 0
    for f in findings:
        if baseline and f.fingerprint in baseline:
            baselined += not f.suppressed
            continue
        if changes is not None and not _in_diff(f, changes, regions):
            outside += not f.suppressed
            continue
        kept.append(f)
    return kept, baselined, outside


def _in_diff(f: Finding, changes, regions: dict) -> bool:
    if changes.touches(f.file, f.line, max(f.end_line, f.line)):
        return True
    region = regions.get((f.file, f.resource)) if f.resource else None
    return region is not None and changes.touches(f.file, *region)


def parse_finding(policy: Policy, error: ParseError) -> Finding:
    """An IAC001/IAC004 finding of a file-level error."""
    return Finding(
        policy_id=policy.id, policy_name=policy.name, severity=policy.severity,
        message=error.message, file=error.file, line=error.line, column=error.column,
        end_line=error.line, end_column=error.column, resource="",
        fingerprint=fingerprint(policy.id, error.file, "", (error.message,)),
    )
