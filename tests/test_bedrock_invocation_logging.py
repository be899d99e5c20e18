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


def test_the_account_setting_is_judged_once_per_root(tmp_path, monkeypatch):
    """Twelve agents in one root without logging: one finding, naming the others; a second
    root gets its own. (Before, every agent and knowledge base repeated the same finding.)"""
    agent = ('resource "{kind}" "a{i:02d}" {{\n  agent_name = "a{i}"\n'
             '  agent_resource_role_arn = "arn:aws:iam::123456789012:role/agent"\n'
             '  foundation_model = "anthropic.claude-3-5-sonnet-20240620-v1:0"\n}}\n')
    for root, kind in (("one", "aws_bedrockagent_agent"), ("two", "awscc_bedrock_agent")):
        (tmp_path / root).mkdir()
        (tmp_path / root / "main.tf").write_text("".join(agent.format(kind=kind, i=i) for i in range(12)))
    monkeypatch.chdir(tmp_path)
    policy = next(p for p in builtin_policies() if p.name == "bedrock-invocation-logging-missing")
    result = scan(["one", "two"], policies=[policy])
    assert [(f.file, f.line, f.resource) for f in result.findings] == [
        ("one/main.tf", 1, "aws_bedrockagent_agent.a00"), ("two/main.tf", 1, "awscc_bedrock_agent.a00")]
    assert "also `aws_bedrockagent_agent.a01`, `aws_bedrockagent_agent.a02`, `aws_bedrockagent_agent.a03` " \
           "and 8 more" in result.findings[0].message
    assert result.passed == 22
