"""The example stacks in fixtures/examples/ scanned with every built-in policy.

Each insecure stack seeds known problems and marks every line where a finding must appear
with `# expect-finding: <policy-name>[, <policy-name>...]`; the scan must report exactly
those (file, line, policy) triples. The secure twins must be clean. The Terraform and
CloudFormation versions of a stack describe the same resources (TF `aws_x.training_role`
is CFN `TrainingRole`), so they must produce the same policies on the same resources.
"""
from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, builtin_policies, rel

EXAMPLES = FIXTURES / "examples"
STACKS = ("sagemaker-insecure", "sagemaker-secure", "bedrock-insecure", "bedrock-secure")
# Several stacks (Terraform modules, CloudFormation templates) built for the asset graph
# and its attack paths; both formats must report the same problems on the same resources.
MULTI_STACK = ("rag-assistant", "mlops-pipeline")
FORMATS = ("terraform", "cloudformation")
# Examples in one format only (no twin to compare with): checked against their markers.
SINGLE_FORMAT = (("ml-platform-modules", "terraform"), ("ml-platform-conditions", "cloudformation"))
MARKER = re.compile(r"#\s*expect-finding:\s*(?P<names>[a-z0-9, -]+?)\s*$")
TF_HEADER = re.compile(r'^(resource|data)\s+"[^"]+"\s+"(?P<name>[^"]+)"')
CFN_LOGICAL_ID = re.compile(r"^  (?P<name>[A-Za-z0-9]+):")


def markers(directory: Path) -> set[tuple[str, int, str]]:
    """(file, line, policy name) for every `# expect-finding:` marker under `directory`."""
    out = set()
    for path in sorted(directory.rglob("*")):
        if not path.is_file():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if "expect-finding" not in line:
                continue
            match = MARKER.search(line)
            assert match, f"{rel(path)}:{number}: malformed marker (want '# expect-finding: name, ...')"
            for name in match["names"].split(","):
                out.add((rel(path), number, name.strip()))
    return out


def marker_owners(directory: Path, fmt: str) -> dict[str, Counter]:
    """Markers grouped by the resource whose block holds them, keyed by CFN-style name.

    A plain text scan of our own example files (not the tool's parser): a TF marker belongs
    to the nearest `resource`/`data` header above it, a CFN marker to the nearest logical id.
    """
    header = TF_HEADER if fmt == "terraform" else CFN_LOGICAL_ID
    owners: dict[str, Counter] = {}
    for path in sorted(directory.rglob("*")):
        if not path.is_file():
            continue
        current = None
        in_resources = fmt == "terraform"
        for line in path.read_text(encoding="utf-8").splitlines():
            if fmt == "cloudformation" and not line.startswith(" ") and line.strip():
                in_resources = line.startswith("Resources:")
            match = header.match(line) if in_resources else None
            if match:
                current = match["name"]
            found = MARKER.search(line)
            if found:
                assert current, f"{rel(path)}: marker outside any resource: {line!r}"
                key = pascal(current) if fmt == "terraform" else current
                owners.setdefault(key, Counter()).update(n.strip() for n in found["names"].split(","))
    return owners


def pascal(address: str) -> str:
    """`aws_iam_role.training_role[0]` -> `TrainingRole` (the CFN logical id of the twin)."""
    name = address.split(".")[-1].split("[")[0]
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def scan_example(directory: Path):
    from iaclint.api import scan

    result = scan([rel(directory)], policies=list(builtin_policies()))
    assert not result.errors, result.errors
    assert not result.missing, result.missing
    return result


def found(result) -> set[tuple[str, int, str]]:
    return {(os.path.normpath(f.file), f.line, f.policy_name) for f in result.findings}


CASES = [pytest.param(stack, fmt, id=f"{stack}-{fmt}") for stack in STACKS + MULTI_STACK for fmt in FORMATS]
CASES += [pytest.param(stack, fmt, id=f"{stack}-{fmt}") for stack, fmt in SINGLE_FORMAT]


@pytest.mark.parametrize("stack,fmt", CASES)
def test_example_findings_match_markers(stack, fmt, monkeypatch):
    monkeypatch.chdir(ROOT)
    directory = EXAMPLES / stack / fmt
    expected = markers(directory)
    if stack.endswith("-secure"):
        assert not expected, "secure twins must not carry expect-finding markers"
    else:
        assert expected, f"{rel(directory)} has no markers"
    result = scan_example(directory)
    assert result.files >= 1
    got = found(result)
    missing = sorted(expected - got)
    unexpected = sorted(got - expected)
    assert not missing and not unexpected, f"missing: {missing}\nunexpected: {unexpected}"


@pytest.mark.parametrize("stack", [s for s in STACKS if s.endswith("-secure")])
def test_secure_twins_are_clean(stack, monkeypatch):
    monkeypatch.chdir(ROOT)
    for fmt in FORMATS:
        result = scan_example(EXAMPLES / stack / fmt)
        assert result.findings == [], [(f.file, f.line, f.policy_id) for f in result.findings]
        assert result.resources > 5


@pytest.mark.parametrize("stack", [s for s in STACKS if s.endswith("-insecure")] + list(MULTI_STACK))
def test_markers_agree_across_formats(stack):
    """The fixtures themselves: both formats seed the same problems on the same resources."""
    tf = marker_owners(EXAMPLES / stack / "terraform", "terraform")
    cfn = marker_owners(EXAMPLES / stack / "cloudformation", "cloudformation")
    assert tf == cfn


@pytest.mark.parametrize("stack", [s for s in STACKS if s.endswith("-insecure")] + list(MULTI_STACK))
def test_formats_report_the_same_problems(stack, monkeypatch):
    monkeypatch.chdir(ROOT)
    per_format = {}
    for fmt in FORMATS:
        result = scan_example(EXAMPLES / stack / fmt)
        by_resource: dict[str, Counter] = {}
        for f in result.findings:
            key = pascal(f.resource) if fmt == "terraform" else f.resource
            by_resource.setdefault(key, Counter())[f.policy_name] += 1
        per_format[fmt] = by_resource
    tf, cfn = per_format["terraform"], per_format["cloudformation"]
    assert sum(tf.values(), Counter()) == sum(cfn.values(), Counter())
    assert tf == cfn


def test_example_policy_names_exist():
    """Every marker names a real policy, so a typo cannot hide a missing finding."""
    names = {p.name for p in builtin_policies()}
    used = {name for stack in STACKS + MULTI_STACK + tuple(s for s, _ in SINGLE_FORMAT)
            for _, _, name in markers(EXAMPLES / stack)}
    assert used <= names, sorted(used - names)


def test_parameters_decide_conditions_and_mappings(monkeypatch):
    """ml-platform-conditions deployed as prod: the mapping's prod settings apply, the
    Studio key's Fn::If picks the key, and the prod-only endpoint configuration exists."""
    from iaclint.api import scan

    monkeypatch.chdir(ROOT)
    directory = rel(EXAMPLES / "ml-platform-conditions" / "cloudformation")
    result = scan([directory], policies=list(builtin_policies()), parameters={"Environment": "prod"})
    got = sorted((f.line, f.policy_name, f.resource) for f in result.findings)
    assert got == [
        (40, "sagemaker-notebook-no-cmk", "ResearchNotebook"),
        (67, "sagemaker-endpoint-config-no-cmk", "ProductionEndpointConfig"),
        (67, "sagemaker-endpoint-data-capture-disabled", "ProductionEndpointConfig"),
    ]


def test_cloudformation_findings_name_the_parameter_that_set_the_value(monkeypatch):
    """The finding is at the line that uses the value; its message says where it was set."""
    from iaclint.api import scan

    monkeypatch.chdir(ROOT)
    conditions = scan([rel(EXAMPLES / "ml-platform-conditions" / "cloudformation")], select=["IAC201"])
    assert [(f.line, f.message) for f in conditions.findings] == [(47, (
        "SageMaker notebook instance has direct internet access: `DirectInternetAccess` is `Enabled` "
        "(value from mapping EnvironmentSettings selected by parameter Environment = dev (its Default))"))]
    studio = scan([rel(EXAMPLES / "sagemaker-insecure" / "cloudformation")], select=["IAC204"],
                  parameters={"StudioNetworkAccess": "PublicInternetOnly"})
    assert [f.line for f in studio.findings] == [101]
    assert studio.findings[0].message.endswith(
        "(value from parameter StudioNetworkAccess = PublicInternetOnly (set by --parameter))")
