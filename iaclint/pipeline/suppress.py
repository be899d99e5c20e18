"""Suppressions: findings a user has accepted, in the source next to the code they excuse.

Three spellings, found by a line scan of the file's text and kept only where its parser
says a comment is (`iaclint.frontends.comments`): text inside a heredoc, a YAML block
scalar, a quoted or a JSON string that reads like a suppression is data, and suppresses
nothing (a repository could otherwise hide a finding inside a value):

- `# iaclint:ignore IAC101,sagemaker-notebook-root-access -- reason` (`#` or `//`), by
  policy ID or name;
- CloudFormation `Metadata: {iaclint: {ignore: [{id: IAC101, reason: ...}]}}`, which
  works in JSON templates too (the loader keeps `Metadata` and its spans);
- Checkov's `# checkov:skip=CKV_AWS_122:reason` and `Metadata.checkov.skip`, honoured for
  the policies whose `checkov_ids` name that check, so a repository migrating from
  Checkov keeps its accepted risks.

Where a comment applies (its *scope*), with T the line it covers: a comment at the end of
a line covers that line; a comment on a line of its own covers the next line that is not
a comment (a blank line covers nothing).

1. T is a resource's header (`resource "..." "..." {`, a CloudFormation logical ID):
   the whole resource.
2. The comment is inside a resource and an attribute or nested block starts on T: the
   findings located within that attribute or block (its first to its last line).
3. Any other comment inside a resource: the whole resource.
4. Anything else covers nothing.

A `checkov:skip` comment always covers its whole resource (rules 1 and 3), as in Checkov.
Suppressions are applied after evaluation, in one place (`iaclint.api.scan`); a suppressed
finding keeps `suppressed=True` and the reason. Two problems are findings of their own, at
the suppression's line: IAC002, a suppression without a reason (the finding it names is
still suppressed; one that hides nothing is only IAC003), and IAC003, an `iaclint`
suppression that matched nothing. A Checkov comment is reported only when it suppresses
an iaclint finding without a reason: it may well exist for Checkov's own checks, so an
unused one is not iaclint's business.
"""
from __future__ import annotations

import re
from typing import Callable, Iterable

from iaclint.model.finding import Finding, fingerprint
from iaclint.model.records import dataclass, field
from iaclint.model.resource import Resource, Span

WITHOUT_REASON_ID = "IAC002"
UNUSED_ID = "IAC003"

_COMMENT = re.compile(r"(?:#|//)\s*iaclint:ignore(?![\w-])(?P<rest>.*)")
_CHECKOV = re.compile(r"(?:#|//)\s*checkov:skip\s*=\s*(?P<id>[A-Za-z0-9_]*)(?::(?P<reason>.*))?")
_NAME = r"[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*"  # IAC101 or a kebab-case name (never `--`)
_IDS = re.compile(rf"\s*(?P<ids>{_NAME}(?:\s*,\s*{_NAME})*)?\s*,?\s*(?P<tail>.*)", re.S)
_COMMENT_LINE = ("#", "//")

COMMENT, METADATA, CHECKOV = "comment", "metadata", "checkov"
MARKERS = ("iaclint:ignore", "checkov:skip")  # text without either holds no suppression comment


def marked(data: bytes) -> bool:
    """Could the file's text hold a suppression comment? The same answer for its bytes as
    for its text decoded with "replace" (`collect`): the markers are ASCII, and no UTF-8
    sequence or replacement character holds an ASCII byte."""
    return any(marker.encode("ascii") in data for marker in MARKERS)


@dataclass
class Suppression:
    """One written suppression: where it is, what it names, what it covers."""

    kind: str  # COMMENT, METADATA or CHECKOV
    span: Span  # where it is written (reported there)
    names: tuple  # policy IDs or names as written; Checkov check IDs for CHECKOV
    reason: str
    resources: list = field(default_factory=list)  # the resources it covers
    lines: tuple | None = None  # (first, last) line within them, or None for whole resources
    hint: str = ""  # why the reason was not understood, for the IAC002 message
    used: set = field(default_factory=set)  # names that matched a finding

    def covers(self, finding: Finding) -> bool:
        if not self.resources or finding.file != self.span.file:
            return False
        if self.lines is not None and not self.lines[0] <= finding.line <= self.lines[1]:
            return False
        return any(r.address == finding.resource for r in self.resources)

    def matching_name(self, finding: Finding, policy) -> str | None:
        for name in self.names:
            if self.kind == CHECKOV:
                if policy is not None and name in policy.checkov_ids:
                    return name
            elif name.upper() == finding.policy_id or name == finding.policy_name:
                return name
        return None


def collect(file: str, text: str | None, resources: list[Resource], in_comments=None) -> list[Suppression]:
    """Every suppression written in `file`: its comments, then its resources' Metadata.
    `in_comments(file, text, [(line, column)])` says which candidate positions are real
    comments (default: `iaclint.frontends.comments.comment_positions`)."""
    found: list[Suppression] = []
    if text and any(marker in text for marker in MARKERS):
        if in_comments is None:
            from iaclint.frontends.comments import comment_positions as in_comments
        found.extend(_comments(file, text, resources, in_comments))
    for resource in resources:
        found.extend(_metadata(resource))
    return found


def _comments(file: str, text: str, resources: list[Resource], in_comments) -> Iterable[Suppression]:
    # Split on "\n" only: str.splitlines() also splits on \x0c, \x1c, U+2028 ..., which
    # parsers do not, and the line numbers would drift.
    lines = [line.rstrip("\r") for line in text.split("\n")]
    candidates = {}  # (line, column) -> (kind, match), every spelling on every marked line
    for index, line in enumerate(lines):
        if "iaclint:ignore" not in line and "checkov:skip" not in line:
            continue
        for kind, pattern in ((COMMENT, _COMMENT), (CHECKOV, _CHECKOV)):
            for match in pattern.finditer(line):
                candidates[(index + 1, match.start() + 1)] = (kind, match)
    real = in_comments(file, text, sorted(candidates))
    taken: set = set()
    for (number, _), (kind, match) in sorted(candidates.items()):
        if (number, match.start() + 1) not in real or number in taken:
            continue  # data that reads like a suppression; or a second one in one comment
        taken.add(number)
        index = number - 1
        line = lines[index]
        own_line = not line[:match.start()].strip()
        target = _target(lines, index) if own_line else number
        span = Span(file, number, match.start() + 1, number, len(line) + 1)
        covered, line_range = _scope(number, target, resources, whole=kind == CHECKOV)
        if kind == CHECKOV:
            names = (match.group("id"),) if match.group("id") else ()
            reason = (match.group("reason") or "").strip()
            hint = "" if reason else "write it after a second colon: `checkov:skip=CKV_AWS_123:why`"
        else:
            names, reason, hint = _parse_comment(match.group("rest"))
        yield Suppression(kind, span, names, reason, covered, line_range, hint)


def _parse_comment(rest: str) -> tuple[tuple, str, str]:
    """`IAC101, IAC102 -- reason` -> (names, reason, hint for a missing reason)."""
    rest = rest.strip()
    if rest.endswith("*/"):
        rest = rest[:-2].rstrip()
    match = _IDS.match(rest)
    ids = match.group("ids") or ""
    names = tuple(n.strip() for n in ids.split(",") if n.strip())
    tail = match.group("tail").strip()
    if tail.startswith("--"):
        reason = tail[2:].strip()
        if reason.startswith("<") and reason.endswith(">"):  # the editor quick fix's placeholder
            return names, "", f"replace the placeholder {reason} with why this is acceptable"
        return names, reason, "" if reason else "the text after `--` is empty"
    if tail:
        return names, "", f"write it after `--`: `iaclint:ignore {', '.join(names) or 'IAC101'} -- {tail}`"
    return names, "", "write it after `--`: `iaclint:ignore IAC101 -- why this is acceptable`"


def _target(lines: list[str], index: int) -> int | None:
    """The line a comment on a line of its own covers: the next line that is not a comment."""
    j = index + 1
    while j < len(lines) and lines[j].lstrip().startswith(_COMMENT_LINE):
        j += 1
    if j < len(lines) and lines[j].strip():
        return j + 1
    return None


def _region(resource: Resource) -> tuple[int, int]:
    return min(resource.header.line, resource.span.line), max(resource.span.end_line, resource.header.end_line)


def _scope(line: int, target: int | None, resources: list[Resource], whole: bool):
    """(covered resources, (first, last) line range or None) of a comment; see the module doc."""
    if target is not None:
        headed = [r for r in resources if r.header.line == target]
        if headed:
            return headed, None
    inside = [r for r in resources if _region(r)[0] <= line <= _region(r)[1]]
    if not inside or whole or target is None:
        return inside, None
    ends = [s.end_line for r in inside for s in r.spans.values() if s.line == target]
    if ends:
        return inside, (target, max(ends))
    return inside, None


def _metadata(resource: Resource) -> Iterable[Suppression]:
    """`Metadata.iaclint.ignore` and `Metadata.checkov.skip` entries of one resource."""
    meta = resource.metadata or {}
    for kind, outer, inner, text_key in ((METADATA, "iaclint", "ignore", "reason"),
                                         (CHECKOV, "checkov", "skip", "comment")):
        block = meta.get(outer)
        entries = block.get(inner) if isinstance(block, dict) else None
        if entries is None:
            continue
        if not isinstance(entries, list):
            entries = [entries]
        for i, entry in enumerate(entries):
            span = (resource.metadata_spans.get((outer, inner, i)) or resource.metadata_spans.get((outer, inner))
                    or resource.header)
            if isinstance(entry, dict):
                ids, reason = entry.get("id"), entry.get(text_key)
            else:
                ids, reason = entry, None
            if isinstance(ids, str):
                ids = ids.split(",")
            names = tuple(n.strip() for n in ids if isinstance(n, str) and n.strip()) if isinstance(ids, list) else ()
            reason = reason.strip() if isinstance(reason, str) else ""
            hint = "" if reason else f"give the entry a `{text_key}`"
            yield Suppression(kind, span, names, reason, [resource], None, hint)


def apply(suppressions: list[Suppression], findings: Iterable[Finding], policies: dict) -> None:
    """Mark every finding a suppression covers (in place) and record which names were used.
    `policies` maps policy IDs to policies (Checkov IDs are looked up there)."""
    by_file: dict = {}
    for s in suppressions:
        by_file.setdefault(s.span.file, []).append(s)
    if not by_file:  # nothing written (most scans): no finding to look at
        return
    for finding in findings:
        if finding.policy_id in (WITHOUT_REASON_ID, UNUSED_ID):
            continue  # a suppression problem cannot itself be suppressed by a comment
        policy = policies.get(finding.policy_id)
        for s in by_file.get(finding.file, ()):
            if not s.covers(finding):
                continue
            name = s.matching_name(finding, policy)
            if name is None:
                continue
            s.used.add(name)
            if not finding.suppressed:
                finding.suppressed = True
                finding.suppression_reason = s.reason


def problems(suppressions: list[Suppression], known: dict, ran: Callable[[str, str], bool],
             without_reason=None, unused=None) -> list[Finding]:
    """IAC002 and IAC003 findings for `suppressions` after `apply`.

    `known` maps IDs and names of every loaded policy to the policy; `ran(policy_id, file)`
    says whether that policy was run on that file (not deselected, not ignored for the
    path): a suppression for a policy that did not run cannot be judged unused.
    `without_reason`/`unused` are the IAC002/IAC003 policies, None when not selected.
    """
    out: list[Finding] = []
    for s in suppressions:
        if s.kind == CHECKOV and not s.used:
            continue
        # Only a suppression that hides something needs a reason; an unused one is IAC003.
        if without_reason is not None and not s.reason and s.used:
            label = ", ".join(s.names) or "a check"
            spelling = "checkov:skip" if s.kind == CHECKOV else "suppression"
            out.append(_problem(without_reason, s, f"{spelling} of {label} has no reason: {s.hint}",
                                ("reason",) + s.names))
        if unused is None or s.kind == CHECKOV:
            continue
        if not s.names:
            out.append(_problem(unused, s, "suppression names no policy: write `iaclint:ignore IAC101 -- reason`",
                                ("unused",)))
            continue
        for name in s.names:
            if name in s.used:
                continue
            policy = known.get(name) or known.get(name.upper())
            if policy is None:
                message = f"suppression of {name} matches nothing: {name} is not a policy (see `iaclint rules`)"
            elif not ran(policy.id, s.span.file):
                continue
            elif not s.resources:
                message = (f"suppression of {name} matches nothing: it is not on or above a resource, "
                           "or inside one")
            else:
                where = "that attribute" if s.lines is not None else "that resource"
                message = f"suppression of {name} matches nothing: {name} has no finding on {where}"
            out.append(_problem(unused, s, message, ("unused", name)))
    return out


def _problem(policy, s: Suppression, message: str, key: tuple) -> Finding:
    resource = s.resources[0] if s.resources else None
    address = resource.address if resource is not None else ""
    return Finding(
        policy_id=policy.id, policy_name=policy.name, severity=policy.severity, message=message,
        file=s.span.file, line=s.span.line, column=s.span.column, end_line=s.span.end_line,
        end_column=s.span.end_column, resource=address,
        resource_type=resource.native_type if resource is not None else "",
        fingerprint=fingerprint(policy.id, s.span.file, address, (s.kind,) + key),
    )
