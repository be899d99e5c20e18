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


# --- bounded: linear in the plan's size, capped in values ------------------------------------

def _plan(count: int, configuration: bool = False) -> str:
    """A plan of `count` notebook instances (planned values and changes), with their
    configuration when asked."""
    resources, changes, configs = [], [], []
    for i in range(count):
        address = f"aws_sagemaker_notebook_instance.nb{i}"
        values = {"name": f"nb{i}", "instance_type": "ml.t3.medium", "direct_internet_access": "Enabled",
                  "role_arn": "arn:aws:iam::123456789012:role/r", "tags": {"i": str(i)}}
        resources.append({"address": address, "mode": "managed", "type": "aws_sagemaker_notebook_instance",
                          "name": f"nb{i}", "values": values})
        changes.append({"address": address, "change": {"actions": ["create"], "after": values,
                                                       "after_unknown": {"arn": True}}})
        configs.append({"address": address, "mode": "managed", "type": "aws_sagemaker_notebook_instance",
                        "name": f"nb{i}", "expressions": {"name": {"constant_value": f"nb{i}"}}})
    document = {"format_version": "1.2", "planned_values": {"root_module": {"resources": resources}},
                "resource_changes": changes}
    if configuration:
        document["configuration"] = {"root_module": {"resources": configs}}
    return json.dumps(document, indent=1)


def test_a_plan_is_read_in_one_pass_over_its_spans(monkeypatch):
    """Each resource's spans inside its `values` come from one grouping of the plan's
    spans, made once: looking them up resource by resource made a plan quadratic (5,000
    resources took a minute). The configuration of each resource is found by an index."""
    from iaclint.frontends.terraform import plan as plan_module

    passes = []
    real = plan_module._Spans.items

    def items(self):
        passes.append(len(self))
        return real(self)

    monkeypatch.setattr(plan_module._Spans, "items", items)
    for count in (10, 200):
        passes.clear()
        result = load_plan("plan.json", _plan(count, configuration=True).encode())
        assert len(result.resources) == count and not result.errors
        assert len(passes) == 1
        last = result.resources[-1]
        assert last.attributes["name"] == f"nb{count - 1}" and isinstance(last.attributes["arn"], Unknown)
        assert last.spans[("direct_internet_access",)].line == last.header.line + 7  # address, 4 keys, 2 values


def test_a_plan_of_5000_resources_finishes_in_a_bounded_child():
    from bounded import run_bounded

    text = _plan(5000, configuration=True)
    got = run_bounded(f"""
import json
from iaclint.frontends.terraform.plan import load_plan
result = load_plan("plan.json", {text!r}.encode())
print(json.dumps([len(result.resources), [e.message for e in result.errors]]))
""")
    assert got == [5000, []]


def test_a_plan_of_too_many_values_is_a_finding(monkeypatch):
    """Each value of a plan costs memory whatever the file's size in bytes (`[0,0,...]` is a
    value per two bytes): past `MAX_VALUES` the plan is not read."""
    from iaclint.frontends.terraform import plan as plan_module

    monkeypatch.setattr(plan_module, "MAX_VALUES", 1000)
    result = load_plan("plan.json", _plan(100).encode())
    assert [(e.line, e.message) for e in result.errors] == [
        (result.errors[0].line, "invalid plan JSON: more than 1,000 values in one document: not scanned")]
    assert result.resources == []
