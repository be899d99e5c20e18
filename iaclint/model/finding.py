"""A finding: a policy result worth reporting, and its line-independent fingerprint."""
from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from operator import attrgetter

from iaclint.model.records import dataclass, fields


@dataclass
class Finding:
    """A policy result worth reporting (FAIL, or UNKNOWN under --strict), or a parse error."""

    policy_id: str
    policy_name: str
    severity: str
    message: str
    file: str
    line: int
    column: int
    end_line: int
    end_column: int
    resource: str  # address, "" for file-level findings
    resource_type: str = ""
    attribute: str = ""  # native spelling of the attribute path, "" for the resource
    verdict: str = "FAIL"  # FAIL or UNKNOWN
    fingerprint: str = ""
    suppressed: bool = False
    suppression_reason: str = ""
    construct: str = ""  # CDK construct path (`aws:cdk:path`) of the resource, "" if none
    # Attack paths: the chains behind the finding, each a tuple of steps (file, line, column,
    # end line, end column, resource, message); SARIF shows them as code flows.
    flows: tuple = ()
    # The environments it holds in (`prod (prod-config.json)`), when the unit has some
    # (`iaclint.pipeline.environments`); not part of the fingerprint.
    environments: tuple = ()
    # The root module a module's resource was evaluated in (`environments/dev`), "" for a
    # root's own resources and templates; part of the fingerprint when set.
    root: str = ""

    def __reduce__(self):  # as a tuple: half the time to unpickle (the scan cache, workers)
        return Finding, finding_values(self)

    def sort_key(self) -> tuple:
        return (self.file, self.line, self.column, self.policy_id, self.resource, self.attribute)


finding_values = attrgetter(*(f.name for f in fields(Finding)))  # a finding's values, in its fields' order


def fingerprint(policy_id: str, file: str, address: str, path: tuple, root: str = "", cwd: str | None = None) -> str:
    """Stable across line moves: policy, file, resource and attribute path, never lines;
    and the root module, for a module's resource (two roots that call one module under
    one name deploy two resources: a baseline must tell them apart).

    The file is keyed as a relative POSIX path when it lies under the working directory
    (`./main.tf`, `main.tf` and `/repo/main.tf` scanned from /repo are one file), so a
    baseline written by one invocation matches the next one run from the same directory.
    `cwd`: that directory, when the caller asked for it once for many findings (`getcwd`
    is a system call, a few microseconds on some file systems: a large scan has ~14,000
    findings).
    """
    if cwd is None:
        cwd = os.getcwd()
    parts = [policy_id, _relative_posix(file, cwd) if file else file, address, ".".join(map(str, path))]
    key = "\x1f".join(parts + [_relative_posix(root, cwd)] if root else parts)
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@lru_cache(maxsize=8192)  # every finding of a file asks again; relpath is slow
def _relative_posix(file: str, cwd: str) -> str:
    path = os.path.normpath(file)
    if os.path.isabs(path):
        try:
            relative = os.path.relpath(path, cwd)
        except ValueError:  # another drive on Windows
            relative = path
        if relative != os.pardir and not relative.startswith(os.pardir + os.sep):
            path = relative
    return path.replace(os.sep, "/")
