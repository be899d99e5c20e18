"""JUnit XML for CI dashboards (GitLab's test report, Jenkins, Azure DevOps).

Each policy that ran is a test suite; each file a policy flagged is a failing test case
whose failure lists `file:line:col` entries. A policy with nothing to report is one
passing test case, so dashboards show which checks ran. No timings: same input, same bytes.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from iaclint.formatters._common import inert_result, plural, policies_by_id, report_path, reported

# Characters XML 1.0 forbids even when escaped (a binary file's parse error can carry them).
_INVALID_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
PASSING_CASE = "all files"


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def format_junit(result, colour: bool = False) -> str:
    result = inert_result(result)  # text from the tree made harmless (formatters._common)
    policies = policies_by_id(result)
    by_policy: dict[str, dict[str, list]] = {}
    for f in reported(result):
        by_policy.setdefault(f.policy_id, {}).setdefault(report_path(f.file), []).append(f)
    root = ET.Element("testsuites", name="iaclint")
    total_tests = total_failures = 0
    for policy_id in sorted(set(policies) | set(by_policy)):
        policy = policies.get(policy_id)
        files = by_policy.get(policy_id, {})
        name = policy.name if policy is not None else next(iter(files.values()))[0].policy_name
        suite = ET.SubElement(root, "testsuite", name=_clean(f"{policy_id} {name}"),
                              tests=str(max(len(files), 1)), failures=str(len(files)),
                              errors="0", skipped="0")
        if not files:
            ET.SubElement(suite, "testcase", classname=policy_id, name=PASSING_CASE)
        for path, findings in sorted(files.items()):
            case = ET.SubElement(suite, "testcase", classname=policy_id, name=_clean(path), file=_clean(path))
            severity = policy.severity if policy is not None else findings[0].severity
            message = findings[0].message if len(findings) == 1 else (
                f"{plural(len(findings), 'finding')}: {policy.title if policy is not None else policy_id}")
            failure = ET.SubElement(case, "failure", message=_clean(message), type=severity)
            failure.text = _clean("\n".join(_entry(path, f) for f in findings))
        total_tests += max(len(files), 1)
        total_failures += len(files)
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    root.set("errors", "0")
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _entry(path: str, f) -> str:
    verdict = "UNKNOWN: " if f.verdict == "UNKNOWN" else ""
    where = f" ({f.resource})" if f.resource else ""
    return f"{path}:{f.line}:{f.column}: [{f.severity}] {verdict}{f.message}{where}"
