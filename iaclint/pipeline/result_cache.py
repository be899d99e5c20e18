"""The whole-scan cache: a repeated scan of an unchanged tree skips evaluation entirely.

The per-unit cache (`iaclint.pipeline.cache`, `iaclint.pipeline.loading`) saves parsing, but the policies
still run on every resource every time, and on a large tree that is most of a repeated
scan. This cache stores what evaluation produced, before the report-only filters (strict,
baseline), under a key of every unit's key (all file contents and variables), the set of
reportable files and the policies that ran (their IDs, severities and source files). The
extra inputs modules read (`file()` targets, module files) are checked on every hit.

It is bypassed when the result depends on more than that key: a `--diff` run (the changed
lines) and per-path ignores given as matchers. An inventory run has its own entries (the
key says so) that hold the asset graph too, without the resources it was read from.
"""
from __future__ import annotations

import hashlib
import os

from iaclint.model.records import dataclass, field, fields
from iaclint.pipeline.loading import Options, inputs_fresh, unit_keys


@dataclass
class Evaluated:
    """What `api.scan` computes before its report-only filters."""

    failed: list  # FAIL findings, suppression problems included, suppression marks applied
    unknowns: list  # UNKNOWN findings
    passed: int
    files: int
    resources: int  # reportable resources
    errors: list  # internal errors
    reportable: set = field(default_factory=set)  # after module settling
    skipped: list = field(default_factory=list)  # discovery and module notes
    inputs: dict = field(default_factory=dict)  # extra inputs read, with their digests
    inventory: object = None  # the AI asset graph, when asked for (cached without its resources)
    inert: bool | None = None  # no finding's text needs escaping in reports (formatters._common.already_inert)
    unchecked: list = field(default_factory=list)  # scan.Unchecked: AI resources no running policy checks

    def __reduce__(self):
        """Pickled (the whole-scan entry) with each list of findings as one flat run of
        their values (`_Flat`): one memo entry for all of them instead of two a finding (it
        and its `__reduce__` tuple, kept alive by the memo until the end). A module of 1,000
        files has about 14,700 findings: 90,685 memo entries, past the 87,381 at which the
        memo's table doubles to 4 MB, and 2.9 MB of those tuples, while the scan's process
        is at its largest."""
        values = [getattr(self, f.name) for f in fields(Evaluated)]
        return _evaluated, (_packed(values[0]), _packed(values[1]), *values[2:])


def _packed(findings: list):
    """`findings` to be pickled as one flat run of their values (`_Flat`), or the list
    itself when it holds anything but findings."""
    from iaclint.model.finding import Finding

    if any(type(f) is not Finding for f in findings):
        return findings
    return _Flat(findings)


class _Flat(list):
    """The values of a list of findings, one after another. Pickled as a list whose items
    are appended as the pickler goes (`__reduce__`'s items iterator: batches of 1,000),
    so the flat run is never built while the entry is written: as one tuple it was 8
    bytes a value, 2.5 MB for 14,700 findings, at the scan's largest; unpickled, it is
    the list of those values."""

    def __init__(self, findings=()):
        self._findings = findings

    def __reduce__(self):
        from itertools import chain

        from iaclint.model.finding import finding_values

        return _Flat, (), None, chain.from_iterable(map(finding_values, self._findings))


def _evaluated(failed, unknowns, *rest) -> Evaluated:
    return Evaluated(_unpacked(failed), _unpacked(unknowns), *rest)


def _unpacked(findings) -> list:
    if type(findings) is not _Flat:
        return findings
    from iaclint.model.finding import Finding

    size = len(fields(Finding))
    return [Finding(*findings[i:i + size]) for i in range(0, len(findings), size)]


def policy_fingerprint(policies) -> str:
    """The policies that ran: IDs, names, severities and source files, each file by its
    size and modification time (as `cache.code_fingerprint`: a changed policy file has a
    new one; reading all ~110 at every start cost a one-file scan about 3 ms)."""
    digest = hashlib.sha256()
    for policy in policies:
        digest.update(f"{policy.id}\x1f{policy.name}\x1f{policy.severity}\x1f{policy.source}\x1e".encode())
        if policy.source:
            try:
                info = os.stat(policy.source)
                digest.update(f"{info.st_size}\x1f{info.st_mtime_ns}\x1e".encode())
            except OSError:
                digest.update(b"?")
    return digest.hexdigest()


def key(cache, found, options: Options, policies, policy_options: dict | None = None,
        inventory: bool = False) -> tuple[str | None, list | None]:
    """(the scan's key, the units' keys); (None, None) when some input cannot be read.

    The working directory is part of the key: a finding's fingerprint names its file
    relative to it when the file was given as an absolute path (`model.finding`)."""
    keys = unit_keys(found, options, cache)
    if keys is None:
        return None, None
    return cache.key("inventory" if inventory else "scan", keys, sorted(found.reportable),
                     policy_fingerprint(policies), sorted((policy_options or {}).items()),
                     options.work_budget, os.getcwd()), keys


def get(cache, scan_key: str | None, overlay: dict, tree=None) -> Evaluated | None:
    if scan_key is None:
        return None
    hit = cache.get(scan_key)
    if not isinstance(hit, Evaluated) or not inputs_fresh(hit.inputs, overlay, tree):
        return None
    return hit
