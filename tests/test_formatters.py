"""The CI-facing report formats on hand-built results: GitHub annotations, JUnit XML,
the Markdown pull-request summary, and the formatter registry."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from test_formatters_samples import empty_result, sample_result

from iaclint.formatters import FORMATS, get_formatter
from iaclint.formatters._common import report_path
from iaclint.formatters.github import escape_data, escape_property, format_github
from iaclint.formatters.junit import format_junit
from iaclint.formatters.markdown import format_markdown

GITHUB_EXPECTED = """\
::error file=main.tf,line=3,col=1,endLine=3,endColumn=52,title=IAC201 sagemaker-notebook-direct-internet-access::\
[high] SageMaker notebook instance has direct internet access: `direct_internet_access` is not set \
(aws_sagemaker_notebook_instance.open)
::notice file=main.tf,line=14,col=3,endLine=14,endColumn=45,title=IAC201 sagemaker-notebook-direct-internet-access::\
UNKNOWN: [high] `direct_internet_access` depends on var.internet (aws_sagemaker_notebook_instance.unknown)
::error file=odd%2Cdir/x%3Ay.tf,line=2,col=9,endLine=2,endColumn=9,title=IAC001 parse-error::\
[high] unexpected character\\n'\\x00', expected: value
::warning file=stacks/ml stack.yaml,line=7,col=5,endLine=12,endColumn=30,title=IAC105 sagemaker-endpoint-config-kms::\
[medium] EndpointConfig has no `KmsKeyId` | volumes use <AWS-managed> keys (EndpointConfig)
Scanned 3 files, 9 resources: 3 findings (2 high, 1 medium), 1 unknown, 1 suppressed, 6 passed.
"""


def test_registry_lists_every_format():
    assert FORMATS == ("text", "json", "sarif", "junit", "github", "markdown", "gitlab", "checkov-json")
    for name in FORMATS:
        assert get_formatter(name).__name__ == f"format_{name.replace('-', '_')}"
    with pytest.raises(ValueError, match="unknown format 'xml'"):
        get_formatter("xml")


@pytest.mark.parametrize("name", FORMATS)
def test_every_format_is_deterministic_and_ends_with_newline(name, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # gitlab's required scan times
    first = get_formatter(name)(sample_result())
    slower = sample_result()
    slower.elapsed = 12.5
    second = get_formatter(name)(slower)
    if name != "text":  # the text summary shows the time taken; machine formats never do
        assert first == second
    assert first.endswith("\n") and not first.endswith("\n\n\n")


@pytest.mark.parametrize("given,expected", [
    ("./main.tf", "main.tf"), ("main.tf", "main.tf"), ("././a/b.tf", "a/b.tf"), ("", ""),
])
def test_report_path_is_relative_posix(given, expected):
    assert report_path(given) == expected


def test_report_path_makes_absolute_paths_under_cwd_relative(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert report_path(str(tmp_path / "mod" / "main.tf")) == "mod/main.tf"
    outside = str(tmp_path.parent / "elsewhere.tf")
    assert report_path(outside) == outside


# --- github -----------------------------------------------------------------------------

def test_github_annotations_exact():
    assert format_github(sample_result()) == GITHUB_EXPECTED


def test_github_levels_by_severity_and_unknown_is_notice():
    lines = format_github(sample_result()).splitlines()
    assert [line.split(" ", 1)[0] for line in lines[:-1]] == ["::error", "::notice", "::error", "::warning"]


def test_github_suppressed_findings_are_not_annotated():
    assert "Other" not in format_github(sample_result())


def test_github_escaping_rules():
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"
    assert escape_data("a,b:c") == "a,b:c"  # , and : are only special in properties


def test_github_no_findings_is_only_the_summary():
    assert format_github(empty_result()) == "Scanned 1 file, 2 resources: 0 findings, 0 unknown, 4 passed.\n"


# --- junit ------------------------------------------------------------------------------

def test_junit_is_well_formed_with_one_suite_per_policy():
    root = ET.fromstring(format_junit(sample_result()).encode("utf-8"))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("4", "3", "0")
    suites = [(s.get("name"), s.get("tests"), s.get("failures")) for s in root.findall("testsuite")]
    assert suites == [
        ("IAC001 parse-error", "1", "1"),
        ("IAC105 sagemaker-endpoint-config-kms", "1", "1"),
        ("IAC201 sagemaker-notebook-direct-internet-access", "1", "1"),
        ("IAC501 bedrock-invocation-logging", "1", "0"),
    ]


def test_junit_one_case_per_policy_and_file_listing_lines():
    root = ET.fromstring(format_junit(sample_result()).encode("utf-8"))
    cases = {(c.get("classname"), c.get("name")): c for c in root.iter("testcase")}
    assert sorted(cases) == [("IAC001", "odd,dir/x:y.tf"), ("IAC105", "stacks/ml stack.yaml"),
                             ("IAC201", "main.tf"), ("IAC501", "all files")]
    failure = cases[("IAC201", "main.tf")].find("failure")
    assert failure.get("type") == "high"
    assert failure.get("message") == "2 findings: SageMaker notebook instance has no direct internet access"
    assert failure.text.splitlines() == [
        "main.tf:3:1: [high] SageMaker notebook instance has direct internet access: "
        "`direct_internet_access` is not set (aws_sagemaker_notebook_instance.open)",
        "main.tf:14:3: [high] UNKNOWN: `direct_internet_access` depends on var.internet "
        "(aws_sagemaker_notebook_instance.unknown)",
    ]
    endpoint = cases[("IAC105", "stacks/ml stack.yaml")]
    assert endpoint.get("file") == "stacks/ml stack.yaml"
    # One finding: its own message; the suppressed one in the same file is not a failure.
    assert endpoint.find("failure").get("message") == "EndpointConfig has no `KmsKeyId` | volumes use <AWS-managed> keys"
    assert endpoint.find("failure").text == ("stacks/ml stack.yaml:7:5: [medium] EndpointConfig has no `KmsKeyId` | "
                                             "volumes use <AWS-managed> keys (EndpointConfig)")
    assert cases[("IAC501", "all files")].find("failure") is None


def test_junit_replaces_characters_xml_cannot_hold():
    root = ET.fromstring(format_junit(sample_result()).encode("utf-8"))
    failure = next(c for c in root.iter("testcase") if c.get("classname") == "IAC001").find("failure")
    # Control characters from the tree are shown as escapes (iaclint.gate.text): no newline, no NUL.
    assert failure.get("message") == "unexpected character\\n'\\x00', expected: value"


def test_junit_no_findings_every_policy_passes():
    text = format_junit(empty_result())
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="iaclint" tests="4" failures="0"')
    root = ET.fromstring(text.encode("utf-8"))
    assert [c.get("name") for c in root.iter("testcase")] == ["all files"] * 4
    assert list(root.iter("failure")) == []


# --- markdown ---------------------------------------------------------------------------

MARKDOWN_HEAD = """\
## iaclint report

**3 findings** (3 files and 9 resources scanned; 1 unknown, 6 passed, 1 suppressed).

| Severity | Findings |
| --- | ---: |
| critical | 0 |
| high | 2 |
| medium | 1 |
| low | 0 |
| info | 0 |

| Severity | ID | Resource | Location | Message |
| --- | --- | --- | --- | --- |
| high | IAC201 | `aws_sagemaker_notebook_instance.open` | [main.tf:3](main.tf#L3) | \
SageMaker notebook instance has direct internet access: `direct_internet_access` is not set |
| high | IAC001 |  | [odd,dir/x:y.tf:2](odd,dir/x%3Ay.tf#L2) | unexpected character\\n'\\x00', expected: value |
| medium | IAC105 | `EndpointConfig` | [stacks/ml stack.yaml:7](stacks/ml%20stack.yaml#L7) | \
EndpointConfig has no `KmsKeyId` \\| volumes use &lt;AWS-managed&gt; keys |
| high | IAC201 | `aws_sagemaker_notebook_instance.unknown` | [main.tf:14](main.tf#L14) | \
UNKNOWN: `direct_internet_access` depends on var.internet |

<details>
<summary>IAC001 parse-error: File can be read and parsed</summary>
"""

IAC105_DETAILS = """\
<details>
<summary>IAC105 sagemaker-endpoint-config-kms: SageMaker endpoint configuration encrypts its volumes with a KMS key</summary>

**What it flags**

An endpoint configuration
without `kms_key_arn`.

**Why it matters**

Model artefacts rest on disk unencrypted by a key you control.

**Fix in Terraform**

Set `kms_key_arn`.

**Fix in CloudFormation**

Set `KmsKeyId`.

</details>
"""

IAC201_DETAILS_TAIL = """\
**References**

- <https://docs.aws.amazon.com/sagemaker/latest/dg/appendix-notebook-and-internet-access.html>

</details>
"""


def test_markdown_summary_table_and_links():
    text = format_markdown(sample_result())
    assert text.startswith(MARKDOWN_HEAD)
    assert IAC105_DETAILS in text
    assert text.endswith(IAC201_DETAILS_TAIL)


def test_markdown_guidance_only_for_flagged_policies():
    text = format_markdown(sample_result())
    summaries = [line for line in text.splitlines() if line.startswith("<summary>")]
    assert [s.split(":")[0] for s in summaries] == ["<summary>IAC001 parse-error", "<summary>IAC105 sagemaker-endpoint-config-kms",
                                                    "<summary>IAC201 sagemaker-notebook-direct-internet-access"]
    assert text.count("<details>") == text.count("</details>") == 3


def test_markdown_no_findings():
    assert format_markdown(empty_result()) == (
        "## iaclint report\n\nNo findings: 1 file and 2 resources scanned; 0 unknown, 4 passed.\n")


def test_markdown_lists_errors():
    result = empty_result()
    result.errors = ["policy IAC9 failed on a.tf x: KeyError: 'y'"]
    result.missing = ["nope/"]
    assert format_markdown(result).endswith(
        "**Errors**\n\n- policy IAC9 failed on a.tf x: KeyError: 'y'\n- path not found: nope/\n")


def test_markdown_without_strict_has_no_unknown_rows():
    text = format_markdown(sample_result(strict=False))
    assert "UNKNOWN" not in text and "1 unknown" in text


def test_a_control_character_in_any_finding_of_many_is_seen():
    """`already_inert` looks at the findings' text a few thousand at a time: a control
    character in the last of many findings is found as in the first."""
    from dataclasses import replace

    from test_formatters_samples import OPEN

    from iaclint.formatters._common import _INERT_CHUNK, already_inert

    many = [replace(OPEN) for _ in range(2 * _INERT_CHUNK + 3)]
    assert already_inert(many)
    for at in (0, _INERT_CHUNK - 1, _INERT_CHUNK, len(many) - 1):
        hostile = list(many)
        hostile[at] = replace(OPEN, message=OPEN.message + "\x1b[2J")
        assert not already_inert(hostile), at
