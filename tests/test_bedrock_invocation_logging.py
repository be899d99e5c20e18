"""IAC501 on a module without any invocation logging configuration: the project-level case
that the generic fixture test cannot hold next to passing cases (the policy looks at the
whole scan, and every Terraform file of a fixture directory is one module)."""
from __future__ import annotations

from conftest import FIXTURES, builtin_policies, expected_markers, rel

from iaclint.api import scan

CASE = FIXTURES / "policies" / "bedrock-invocation-logging-missing" / "no-logging-configuration"


def test_bedrock_resources_without_any_logging_configuration_fail(in_root):
    policy = next(p for p in builtin_policies() if p.name == "bedrock-invocation-logging-missing")
    main = CASE / "main.tf"
    result = scan([rel(CASE)], policies=[policy])
    assert not result.errors, result.errors
    got = {(f.file, f.line, f.resource) for f in result.findings}
    expected = {(rel(main), line, "aws_bedrockagent_agent.fail_no_logging") for line in expected_markers(main)}
    assert got == expected
    assert all(f.verdict == "FAIL" for f in result.findings)
