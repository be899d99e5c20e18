"""Terraform plan JSON (`terraform show -json plan.out`), issue 4.

fixtures/parsers/terraform-plan/ holds two plans written by hand after the documented JSON
output format (https://developer.hashicorp.com/terraform/internals/json-format):
- with-config/: a role in the root and an insecure notebook in a local module, with the
  `.tf` files the plan was made from next to it. Findings are mapped to those files:
  an attribute the configuration writes is reported at its line, an attribute the
  provider defaulted (`root_access`) at the resource's header.
- plan-only/: a counted notebook with nothing next to the plan: findings point at the
  plan's own lines. Next to it, a state file (`terraform show -json` of a state: no
  planned values) and a JSON settings file, which are not plans and are skipped silently.
"""
from __future__ import annotations

import json

from conftest import FIXTURES, ROOT, builtin_policies, rel

from iaclint.api import scan
from iaclint.frontends.terraform.plan import load_plan
from iaclint.model.unknown import Unknown
from iaclint.pipeline.discover import discover

PLANS = FIXTURES / "parsers" / "terraform-plan"
WITH_CONFIG = PLANS / "with-config"
PLAN_ONLY = PLANS / "plan-only"


def _findings(paths, strict=False):
    result = scan([rel(p) for p in paths], policies=list(builtin_policies()), strict=strict)
    assert not result.errors and not result.missing
    return result, sorted((f.file, f.line, f.column, f.policy_id, f.resource) for f in result.findings)


NOTEBOOK = "module.research.aws_sagemaker_notebook_instance.this"
EXPECTED_WITH_CONFIG = [
    (rel(WITH_CONFIG / "modules/notebook/main.tf"), 13, 1, "IAC101", NOTEBOOK),  # kms_key_id: null in the plan
    (rel(WITH_CONFIG / "modules/notebook/main.tf"), 13, 1, "IAC202", NOTEBOOK),  # subnet_id: null
    (rel(WITH_CONFIG / "modules/notebook/main.tf"), 13, 1, "IAC305", NOTEBOOK),  # root_access: provider default
    (rel(WITH_CONFIG / "modules/notebook/main.tf"), 17, 3, "IAC201", NOTEBOOK),  # direct_internet_access line
]


def test_a_plan_is_mapped_to_the_tf_lines_it_was_made_from(monkeypatch):
    monkeypatch.chdir(ROOT)
    result, found = _findings([WITH_CONFIG / "plan.json"])
    assert found == EXPECTED_WITH_CONFIG
    assert result.files == 1 and result.resources == 2
    [internet] = [f for f in result.findings if f.policy_id == "IAC201"]
    assert "`direct_internet_access` is `Enabled`" in internet.message


def test_a_plan_covers_the_configuration_next_to_it(monkeypatch):
    """Scanning the directory finds the plan and the .tf files: the plan's exact values win,
    the configuration is not evaluated a second time (no duplicate findings)."""
    monkeypatch.chdir(ROOT)
    _, found = _findings([WITH_CONFIG])
    assert found == EXPECTED_WITH_CONFIG


def test_a_plan_alone_is_reported_at_its_own_lines(monkeypatch):
    monkeypatch.chdir(ROOT)
    plan = rel(PLAN_ONLY / "tfplan.json")
    result, found = _findings([PLAN_ONLY])
    assert found == [
        (plan, 16, 13, "IAC201", "aws_sagemaker_notebook_instance.lab[0]"),
        (plan, 19, 17, "IAC203", "aws_sagemaker_notebook_instance.lab[0]"),
    ]
    # The role is outside the plan: what it may do is UNKNOWN, at the `role_arn` line.
    assert [(f.line, f.policy_id) for f in result.unknowns] == [(25, "IAC602")]
    assert result.files == 1  # the state file and the settings file are skipped silently


def test_values_and_unknowns_of_a_plan():
    path = WITH_CONFIG / "plan.json"
    result = load_plan(rel(path), path.read_bytes())
    role, notebook = result.resources
    assert role.address == "aws_iam_role.notebook" and role.header.line == 10
    assert role.attributes["name"] == "ml-notebook" and "description" not in role.attributes  # null: unset
    assert isinstance(role.attributes["arn"], Unknown)
    assert notebook.attributes["root_access"] == "Enabled" and notebook.attributes["volume_size"] == 5
    assert isinstance(notebook.attributes["role_arn"], Unknown)
    # The module input `role_arn = aws_iam_role.notebook.arn` is followed to the caller's resource.
    assert [(r.path, r.target, r.attribute) for r in notebook.references] == [
        (("role_arn",), "aws_iam_role.notebook", "arn")]
    assert notebook.attributes["role_arn"].refs == ("aws_iam_role.notebook",)
    assert all(r.unit == rel(path) for r in result.resources)


def test_discovery_tells_plans_apart():
    found = discover([rel(PLAN_ONLY)])
    assert found.plans == [rel(PLAN_ONLY / "state.json"), rel(PLAN_ONLY / "tfplan.json")]
    assert found.cloudformation == [rel(PLAN_ONLY / "settings.json")]


def test_broken_plans_are_findings(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "future.json").write_text(json.dumps({"format_version": "2.0", "terraform_version": "2.0.0",
                                                      "planned_values": {}}))
    (tmp_path / "cut.json").write_text('{"format_version": "1.2", "terraform_version": "1.6.0",\n'
                                       ' "planned_values": {"root_module": ')
    result = scan(["."], policies=list(builtin_policies()))
    assert sorted((f.file, f.line, f.message) for f in result.findings if f.policy_id == "IAC001") == [
        ("cut.json", 2, "invalid plan JSON: unexpected end of JSON"),
        ("future.json", 1, "plan JSON format_version '2.0' is not supported (major version 1 is)"),
    ]
