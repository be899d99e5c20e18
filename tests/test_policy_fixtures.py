"""Every policy against its fixtures: each `fail` resource is flagged exactly at the lines
marked `# expect-finding`, nothing else is flagged, in Terraform and in CloudFormation."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, builtin_policies, expected_markers, rel
from iaclint.api import scan

FORMATS = {"terraform": ".tf", "cloudformation": ".yaml"}


def _policy_cases():
    for policy in builtin_policies():
        if not policy.resource_types:
            continue  # IAC001 is raised by the loaders; tested in test_bad_input
        for fmt, suffix in FORMATS.items():
            yield pytest.param(policy, fmt, id=f"{policy.id}-{policy.name}-{fmt}")


def _fixture_files(directory: Path, suffix: str) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.suffix == suffix and p.is_file())



@pytest.mark.parametrize("policy,fmt", list(_policy_cases()))
def test_policy_fixtures(policy, fmt, monkeypatch):
    monkeypatch.chdir(ROOT)
    directory = FIXTURES / "policies" / policy.name
    files = _fixture_files(directory, FORMATS[fmt]) if directory.is_dir() else []
    assert files, f"{policy.id} {policy.name} has no {fmt} fixture in {rel(directory)}"

    result = scan([rel(f) for f in files], policies=[policy], strict=False)
    assert not result.errors, result.errors
    got = {(f.file, f.line, f.resource) for f in result.findings}
    assert all(f.policy_id == policy.id for f in result.findings)

    expected = set()
    from iaclint.api import _parse_all  # the same parse the scan did, to map lines to resources
    from iaclint.discover import discover
    from iaclint.normalize import normalize

    raws, errors, _ = _parse_all(discover([rel(f) for f in files]), [], {}, {})
    assert not errors, errors
    resources = [normalize(r) for r in raws]
    fail_names = set()
    for f in files:
        marked = expected_markers(f)
        for line in marked:
            owners = [r for r in resources if r.file == rel(f) and r.span.line <= line <= r.span.end_line]
            assert owners, f"{rel(f)}:{line} marks a line outside any resource"
            owner = min(owners, key=lambda r: r.span.end_line - r.span.line)
            expected.add((rel(f), line, owner.address))
    for r in resources:
        if r.type not in policy.resource_types:
            continue
        short = r.address.split(".")[-1]
        if short.lower().startswith("fail"):
            fail_names.add(r.address)
    assert fail_names, f"{policy.name} {fmt} fixtures have no fail resources"
    flagged = {address for _, _, address in got}
    assert fail_names <= flagged, f"fail resources not flagged: {sorted(fail_names - flagged)}"
    wrongly = {a for a in flagged if not a.split(".")[-1].lower().startswith("fail")}
    assert not wrongly, f"flagged resources that are not fail cases: {sorted(wrongly)}"
    assert got == expected
    unknown_cases = {r.address for r in resources if r.type in policy.resource_types
                     and r.address.split(".")[-1].lower().startswith("unknown")}
    undecided = {f.resource for f in result.unknowns}
    assert unknown_cases <= undecided, f"unknown cases not UNKNOWN: {sorted(unknown_cases - undecided)}"
