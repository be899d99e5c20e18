"""End to end: an undecidable `Fn::If` is FAIL only if every branch fails, PASS if every
branch passes, UNKNOWN otherwise; the SAM transform's implicit role is checked like any
role, with findings on the function's `Policies` lines."""
from __future__ import annotations

import textwrap

from iaclint.api import scan

BRANCHES = "fixtures/parsers/cloudformation/if-branches-notebooks/template.yaml"
NOTEBOOK = ["sagemaker-notebook-direct-internet-access", "sagemaker-notebook-root-access"]


def test_if_verdicts_over_branches(in_root):
    result = scan([BRANCHES], select=NOTEBOOK)
    assert [(f.line, f.policy_name, f.resource, f.message) for f in result.findings] == [
        (18, "sagemaker-notebook-direct-internet-access", "FailEveryBranch",
         "SageMaker notebook instance has direct internet access: `DirectInternetAccess` is `Enabled` "
         "in every branch of `!If IsProd`"),
    ]
    assert [(f.line, f.policy_name, f.resource) for f in result.unknowns] == [
        (32, "sagemaker-notebook-direct-internet-access", "DependsOnBranch"),
        (33, "sagemaker-notebook-root-access", "DependsOnBranch"),
    ]
    assert result.unknowns[0].message.endswith(
        "`DirectInternetAccess` is `Disabled` or `Enabled` (`!If IsProd`) (condition IsProd is unknown: "
        "parameter Env has no default): branch 1 passes, branch 2 fails")
    assert result.passed == 3  # FailEveryBranch root access, PassEveryBranch twice


def test_parameter_override_decides_the_branch(in_root):
    prod = scan([BRANCHES], select=NOTEBOOK, parameters={"Env": "prod"})
    assert [(f.line, f.resource) for f in prod.findings] == [(18, "FailEveryBranch")]
    assert prod.unknowns == []
    dev = scan([BRANCHES], select=NOTEBOOK, parameters={"Env": "dev"})
    # dev: FailEveryBranch has no DirectInternetAccess (AWS default Enabled); DependsOnBranch
    # is Enabled and has no RootAccess (AWS default Enabled).
    assert [(f.line, f.policy_name, f.resource) for f in dev.findings] == [
        (13, "sagemaker-notebook-direct-internet-access", "FailEveryBranch"),
        (27, "sagemaker-notebook-root-access", "DependsOnBranch"),
        (32, "sagemaker-notebook-direct-internet-access", "DependsOnBranch"),
    ]


def test_sam_policies_are_checked_on_the_implicit_role(tmp_path):
    template = tmp_path / "template.yaml"
    template.write_text(textwrap.dedent("""\
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Agent:
            Type: AWS::Serverless::Function
            Properties:
              Handler: agent.handler
              Runtime: python3.12
              Policies:
                - ComprehendBasicAccessPolicy: {}
                - Statement:
                    - Effect: Allow
                      Action: bedrock:*
                      Resource: "*"
        """))
    result = scan([str(template)], select=["iam-bedrock-wildcard-action"])
    assert [(f.line, f.resource, f.resource_type) for f in result.findings] == [(12, "AgentRole", "AWS::IAM::Role")]


def test_every_sam_policy_template_is_expanded(tmp_path):
    # aws-samples/serverless-registration-app-genai's shape: an SNSCrudPolicy beside a Bedrock
    # grant left the implicit role's documents unknown, so six IAM policies said UNKNOWN.
    template = tmp_path / "template.yaml"
    template.write_text(textwrap.dedent("""\
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Notify:
            Type: AWS::Serverless::Function
            Properties:
              Handler: notify.handler
              Runtime: python3.12
              Policies:
                - SNSCrudPolicy:
                    TopicName: signups
                - DynamoDBStreamReadPolicy:
                    TableName: users
                    StreamName: "*"
                - Statement:
                    - Effect: Allow
                      Action: bedrock:*
                      Resource: "*"
          Later:
            Type: AWS::Serverless::Function
            Properties:
              Handler: later.handler
              Runtime: python3.12
              Policies:
                - SomeFutureSamPolicy: {}
        """))
    result = scan([str(template)], select=["IAC301", "IAC303", "IAC304", "IAC601"], strict=True)
    got = sorted((f.policy_id, f.verdict, f.resource, f.line) for f in result.findings)
    assert got == [("IAC301", "FAIL", "NotifyRole", 16), ("IAC301", "UNKNOWN", "LaterRole", 24),
                   ("IAC303", "FAIL", "NotifyRole", 17), ("IAC303", "UNKNOWN", "LaterRole", 24),
                   ("IAC304", "UNKNOWN", "LaterRole", 24), ("IAC601", "UNKNOWN", "LaterRole", 24)]
