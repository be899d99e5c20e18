"""Every policy against its fixtures: each `fail` resource is flagged exactly at the lines
marked `# expect-finding`, nothing else is flagged, in Terraform (`aws` provider), in
Terraform with the `awscc` provider (the module in `awscc/`, a directory of its own so that
its variables and account-wide settings do not mix with the `aws` fixtures') and in
CloudFormation.

A property that exists in one format only (a resource type with no twin in the other, such
as `aws_bedrock_custom_model`, which has no CloudFormation type) cannot have failing
fixtures in the other format. Such a policy declares the formats it applies to in a
`formats` class attribute (default: both); the catalog row must agree, its column for the
missing format saying there is no resource. For a format that does not apply, fixture
files are optional: when present, nothing in them may be flagged and their `unknown*`
resources must be UNKNOWN. A policy applies to `awscc` when one of its resource types has an
awscc twin (the provider generates a resource for its CloudFormation type), and then it
needs awscc fixtures: that is how the generic translation is held to every policy.

Attack-path policies (`path_rule`, area 6) judge chains of several resources, so their
fixtures are *cases*: each subdirectory `fail_*`, `pass_*` or `unknown_*` of the fixture
directory (of `awscc/` for the awscc provider) is a stack of its own (a Terraform module,
a CloudFormation `template.yaml`), and all are scanned together. A `fail` case must be
flagged exactly at its marked lines (the cheapest link of each chain), with its chains; a
`pass` case not at all; an `unknown` case must give an UNKNOWN verdict and no finding;
nothing may be UNKNOWN in a `pass` case."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, builtin_policies, expected_markers, rel

from iaclint.api import scan
from iaclint.normalize import dialects

FORMATS = {"terraform": ".tf", "awscc": ".tf", "cloudformation": ".yaml"}
CATALOG = ROOT.parent / "shared" / "POLICY_CATALOG.md"
CATALOG_COLUMN = {"terraform": 3, "cloudformation": 4}  # `| key | sev | TF | CFN | ...`


def has_awscc_twin(policy) -> bool:
    return any(dialects.awscc_types(t) for t in policy.resource_types)


def applicable_formats(policy) -> tuple:
    """The formats a policy's property can be written in (see the module docstring)."""
    declared = getattr(policy, "formats", None)
    if declared is not None:
        return tuple(declared)
    return ("terraform", "cloudformation") + (("awscc",) if has_awscc_twin(policy) else ())


def _policy_cases():
    for policy in builtin_policies():
        if not policy.resource_types:
            continue  # IAC001 is raised by the loaders; tested in test_bad_input
        for fmt, suffix in FORMATS.items():
            yield pytest.param(policy, fmt, id=f"{policy.id}-{policy.name}-{fmt}")


def _fixture_files(directory: Path, fmt: str) -> list[Path]:
    """The fixture files of one format; the awscc provider's are in `awscc/`."""
    if fmt == "awscc":
        directory = directory / "awscc"
        if not directory.is_dir():
            return []
    return sorted(p for p in directory.iterdir() if p.suffix == FORMATS[fmt] and p.is_file())



@pytest.mark.parametrize("policy,fmt", list(_policy_cases()))
def test_policy_fixtures(policy, fmt, monkeypatch):
    monkeypatch.chdir(ROOT)
    directory = FIXTURES / "policies" / policy.name
    files = _fixture_files(directory, fmt) if directory.is_dir() else []
    if fmt not in applicable_formats(policy):
        _check_inapplicable_format(policy, fmt, files)
        return
    if getattr(policy, "path_rule", False):
        _check_path_cases(policy, fmt, directory)
        return
    assert files, f"{policy.id} {policy.name} has no {fmt} fixture in {rel(directory)}"

    result = scan([rel(f) for f in files], policies=[policy], select=[policy.id], strict=False)  # opt-in too
    assert not result.errors, result.errors
    assert [p.id for p in result.policies] == [policy.id]
    got = {(f.file, f.line, f.resource) for f in result.findings}
    assert all(f.policy_id == policy.id for f in result.findings)

    expected = set()
    resources, errors = _load([rel(f) for f in files])  # the same load the scan did, to map lines to resources
    assert not errors, errors
    if fmt != "cloudformation":
        dialect = "awscc" if fmt == "awscc" else "aws"
        assert all(r.dialect == dialect for r in resources if r.type in policy.resource_types), \
            f"{fmt} fixtures of {policy.name} hold resources of another dialect"
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


def _path_cases(directory: Path, fmt: str) -> dict:
    """case directory -> its files of `fmt`, for the `fail_*`/`pass_*`/`unknown_*` cases."""
    if fmt == "awscc":
        directory = directory / "awscc"
    cases = {}
    for case in sorted(p for p in directory.iterdir() if p.is_dir() and p.name != "awscc") if directory.is_dir() else ():
        files = sorted(p for p in case.iterdir() if p.suffix == FORMATS[fmt] and p.is_file())
        if files:
            cases[case] = files
    return cases


def _check_path_cases(policy, fmt, directory: Path):
    cases = _path_cases(directory, fmt)
    kinds = {case.name.split("_")[0] for case in cases}
    assert {"fail", "pass"} <= kinds, f"{policy.name} needs fail_* and pass_* {fmt} cases in {rel(directory)}"
    assert kinds <= {"fail", "pass", "unknown"}, f"case directories are named fail_*, pass_* or unknown_*: {kinds}"
    files = [f for group in cases.values() for f in group]
    result = scan([rel(f) for f in files], policies=[policy], select=[policy.id], strict=False)
    assert not result.errors, result.errors
    resources, errors = _load([rel(f) for f in files])
    assert not errors, errors
    if fmt == "awscc":
        assert any(r.dialect == "awscc" for r in resources), f"awscc cases of {policy.name} hold no awscc resource"
    expected = set()
    for f in files:
        for line in expected_markers(f):
            owners = [r for r in resources if r.file == rel(f) and r.span.line <= line <= r.span.end_line]
            assert owners, f"{rel(f)}:{line} marks a line outside any resource"
            expected.add((rel(f), line, min(owners, key=lambda r: r.span.end_line - r.span.line).address))
    got = {(f.file, f.line, f.resource) for f in result.findings}
    assert got == expected, f"missing: {sorted(expected - got)}\nunexpected: {sorted(got - expected)}"
    for case, case_files in cases.items():
        names = {rel(f) for f in case_files}
        found = [f for f in result.findings if f.file in names]
        unknown = [u for u in result.unknowns if u.file in names]
        kind = case.name.split("_")[0]
        if kind == "fail":
            assert found, f"{rel(case)}: no finding"
            assert all(f.flows for f in found), f"{rel(case)}: a finding without its chain"
        elif kind == "pass":
            assert not found and not unknown, f"{rel(case)}: {[f.message for f in found + unknown]}"
        else:
            assert unknown and not found, f"{rel(case)}: want UNKNOWN only, got {found} / {unknown}"


def _load(paths: list) -> tuple[list, list]:
    """(canonical resources, parse errors) of `paths`, loaded as a scan loads them."""
    from iaclint.pipeline.discover import discover
    from iaclint.pipeline.loading import Options, load_all

    loaded = load_all(discover(paths), Options([], {}, {}, {}))
    return loaded.resources, loaded.errors


def _check_inapplicable_format(policy, fmt, files):
    if not files:
        pytest.skip(f"{policy.name} does not apply to {fmt} (formats = {applicable_formats(policy)})")
    result = scan([rel(f) for f in files], policies=[policy], select=[policy.id], strict=False)
    assert not result.errors, result.errors
    assert not result.findings, f"{fmt} does not apply to {policy.name}, yet it reported {result.findings}"
    assert not any(expected_markers(f) for f in files), f"{fmt} fixtures of {policy.name} mark findings"
    resources, errors = _load([rel(f) for f in files])
    assert not errors, errors
    names = {r.address: r.address.split(".")[-1].lower() for r in resources
             if r.type in policy.resource_types}
    assert not [a for a, n in names.items() if n.startswith("fail")], f"no fail cases in {fmt} for {policy.name}"
    unknown_cases = {a for a, n in names.items() if n.startswith("unknown")}
    undecided = {u.resource for u in result.unknowns}
    assert unknown_cases <= undecided, f"unknown cases not UNKNOWN: {sorted(unknown_cases - undecided)}"


@pytest.mark.parametrize("policy", [p for p in builtin_policies() if p.resource_types], ids=lambda p: p.id)
def test_awscc_applies_wherever_the_resource_exists_in_awscc(policy):
    """Every policy whose resource has an awscc twin covers it (and has its fixtures)."""
    if has_awscc_twin(policy):
        assert "awscc" in applicable_formats(policy), \
            f"{policy.name}: {dialects.awscc_types(policy.resource_types[0]) or policy.resource_types} exist in " \
            "awscc, but its `formats` leaves awscc out"
    else:
        assert "awscc" not in applicable_formats(policy), f"{policy.name}: no awscc type for {policy.resource_types}"


@pytest.mark.skipif(not CATALOG.exists(), reason="shared/POLICY_CATALOG.md not beside the checkout")
@pytest.mark.parametrize("policy", [p for p in builtin_policies() if p.resource_types
                                    and not {"terraform", "cloudformation"} <= set(applicable_formats(p))],
                         ids=lambda p: p.id)
def test_formats_follow_the_catalog(policy):
    """A policy may leave out a format only where the catalog row says it has no resource."""
    import re

    assert applicable_formats(policy) and set(applicable_formats(policy)) <= set(FORMATS)
    rows = [line for line in CATALOG.read_text(encoding="utf-8").splitlines()
            if line.startswith(f"| `{policy.name}` |")]
    assert rows, f"{policy.name} has no catalog row"
    cells = rows[0].split("|")
    for fmt in {"terraform", "cloudformation"} - set(applicable_formats(policy)):
        cell = re.sub(r"[*`(]", "", cells[CATALOG_COLUMN[fmt]]).strip().lower()
        assert re.match(r"(none|no (cfn|tf|terraform|cloudformation) resource)", cell), \
            f"{policy.name} leaves out {fmt}, but its catalog row names a resource there: {cell!r}"


def _appendix_e_keys() -> list:
    """The policy names of the catalog's Appendix E (the next wave), in row order."""
    import re

    if not CATALOG.exists():
        return []
    text = CATALOG.read_text(encoding="utf-8")
    section = text.split("## Appendix E", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([a-z0-9-]+)` \|", section, re.M)


@pytest.mark.skipif(not CATALOG.exists(), reason="shared/POLICY_CATALOG.md not beside the checkout")
@pytest.mark.parametrize("name", _appendix_e_keys())
def test_appendix_e_policies_have_pass_fail_and_unknown_cases_in_each_format(name):
    """Issue 13: every Appendix E row is a policy with passing, failing and unknown cases in
    every format its resource exists in (the generic fixture test checks what each case
    gives; this one that none of the three kinds is missing)."""
    policy = next((p for p in builtin_policies() if p.name == name), None)
    assert policy is not None, f"Appendix E row {name} has no policy"
    directory = FIXTURES / "policies" / name
    for fmt in applicable_formats(policy):
        if getattr(policy, "path_rule", False):
            kinds = {case.name.split("_")[0] for case in _path_cases(directory, fmt)}
        else:
            files = _fixture_files(directory, fmt) if directory.is_dir() else []
            resources, errors = _load([rel(f) for f in files]) if files else ([], [])
            assert not errors, errors
            kinds = {r.address.split(".")[-1].lower().split("_")[0] for r in resources
                     if r.type in policy.resource_types}
            kinds = {k for k in ("pass", "fail", "unknown") for short in kinds if short.startswith(k)}
        missing = {"pass", "fail", "unknown"} - kinds
        assert not missing, f"{name}: no {sorted(missing)} case in its {fmt} fixtures"
