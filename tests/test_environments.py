"""Environments: parameter and variable files kept beside a unit are evaluated each, and a
finding says in which environments it holds (issue 12, `iaclint.pipeline.environments`)."""
from __future__ import annotations

import json
import os
import textwrap
from collections import Counter

import pytest

from iaclint.api import UnknownEnvironmentError, scan
from iaclint.frontends.cloudformation.parameter_files import read_parameter_file, read_samconfig

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Access: {Type: String}
Resources:
  Nb:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: arn:aws:iam::123456789012:role/x
      DirectInternetAccess: !Ref Access
"""
MAIN_TF = """\
variable "access" { type = string }
resource "aws_sagemaker_notebook_instance" "nb" {
  name                   = "nb"
  role_arn               = "arn:aws:iam::123456789012:role/x"
  instance_type          = "ml.t3.medium"
  direct_internet_access = var.access
}
"""
TF_NB = "aws_sagemaker_notebook_instance.nb"


def _write(root, files: dict):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if isinstance(text, str) else json.dumps(text))


def _found(result):
    return [(f.policy_id, f.resource, f.line, f.verdict, f.environments) for f in result.findings]


def _scan(tmp_path, **asked):
    result = scan([str(tmp_path)], select=["IAC201"], strict=True, **asked)
    assert not result.errors, result.errors
    return result


def test_codepipeline_configurations_are_environments_and_a_finding_names_where_it_holds(tmp_path):
    _write(tmp_path, {"template.yaml": TEMPLATE, "prod-config.json": {"Parameters": {"Access": "Enabled"}},
                      "staging-config.json": {"Parameters": {"Access": "Disabled"}, "Tags": {"a": "b"}}})
    result = _scan(tmp_path)
    assert _found(result) == [("IAC201", "Nb", 10, "FAIL", ("prod (prod-config.json)",))]
    assert result.findings[0].message.endswith("(set in prod-config.json)), in prod (prod-config.json)")
    # One fingerprint for baselines: the same as the finding without environments.
    (tmp_path / "prod-config.json").unlink()
    (tmp_path / "staging-config.json").unlink()
    alone = scan([str(tmp_path)], select=["IAC201"], parameters={"Access": "Enabled"})
    assert [f.fingerprint for f in alone.findings] == [result.findings[0].fingerprint]
    assert alone.findings[0].environments == ()


def test_a_finding_of_every_environment_is_reported_once_with_all_of_them(tmp_path):
    _write(tmp_path, {"template.yaml": TEMPLATE, "prod-config.json": {"Parameters": {"Access": "Enabled"}},
                      "dev-config.json": {"Parameters": {"Access": "Enabled"}}})
    assert _found(_scan(tmp_path)) == [("IAC201", "Nb", 10, "FAIL",
                                        ("dev (dev-config.json)", "prod (prod-config.json)"))]


def test_cli_parameter_files_in_a_parameters_directory(tmp_path):
    _write(tmp_path, {"stack.yaml": TEMPLATE,
                      "parameters/stack.prod.json": [{"ParameterKey": "Access", "ParameterValue": "Enabled"}],
                      "parameters/stack.qa.json": [{"ParameterKey": "Access", "ParameterValue": "Disabled"}]})
    assert _found(_scan(tmp_path)) == [("IAC201", "Nb", 10, "FAIL", ("prod (stack.prod.json)",))]


def test_samconfig_environments_override_parameters(tmp_path):
    _write(tmp_path, {"template.yaml": TEMPLATE, "samconfig.toml": """\
        version = 0.1
        [default.deploy.parameters]
        stack_name = "nb"
        parameter_overrides = "Access=Enabled"
        [prod.deploy.parameters]
        parameter_overrides = "Other=\\"two words\\" Access=Enabled"
        """})
    # `Other` is not a parameter of the template: CloudFormation would refuse prod's values.
    assert _found(_scan(tmp_path)) == [("IAC201", "Nb", 10, "FAIL", ("default (samconfig.toml)",))]
    (tmp_path / "samconfig.toml").unlink()
    _write(tmp_path, {"samconfig.yaml": """\
        version: 0.1
        default:
          deploy:
            parameters:
              parameter_overrides: ["Access=Disabled"]
        prod:
          global:
            parameters:
              parameter_overrides: ["Access=Disabled"]
          deploy:
            parameters:
              parameter_overrides: ["ParameterKey=Access,ParameterValue=Enabled"]
        """})
    assert _found(_scan(tmp_path)) == [("IAC201", "Nb", 10, "FAIL", ("prod (samconfig.yaml)",))]


def test_a_parameter_file_applies_only_to_the_templates_that_declare_its_keys(tmp_path):
    other = TEMPLATE.replace("Access: {Type: String}", "Mode: {Type: String, Default: x}").replace(
        "!Ref Access", "Enabled")
    _write(tmp_path, {"a.yaml": TEMPLATE, "b.yaml": other, "prod.json": {"Parameters": {"Access": "Enabled"}}})
    result = _scan(tmp_path)
    assert sorted((f.file.rsplit("/", 1)[1], *t) for f, t in zip(result.findings, _found(result))) == [
        ("a.yaml", "IAC201", "Nb", 10, "FAIL", ("prod (prod.json)",)),
        ("b.yaml", "IAC201", "Nb", 10, "FAIL", ()),
    ]


def test_terraform_variable_files_that_are_not_auto_loaded_are_environments(tmp_path):
    _write(tmp_path, {"main.tf": MAIN_TF, "env/prod.tfvars": 'access = "Enabled"\n',
                      "environments/staging/terraform.tfvars": 'access = "Enabled"\n',
                      "dev.tfvars": 'access = "Disabled"\n'})
    result = _scan(tmp_path)
    assert _found(result) == [("IAC201", TF_NB, 6, "FAIL",
                               ("prod (prod.tfvars)", "staging (terraform.tfvars)"))]
    assert "var.access set in " in result.findings[0].message


def test_auto_loaded_files_and_roots_of_their_own_are_not_environments(tmp_path):
    _write(tmp_path, {"main.tf": MAIN_TF, "terraform.tfvars": 'access = "Enabled"\n',
                      "prod.auto.tfvars": 'access = "Enabled"\n',
                      "environments/prod/main.tf": 'variable "access" { type = string }\n',
                      "environments/prod/terraform.tfvars": 'access = "Disabled"\n'})
    result = _scan(tmp_path)
    assert _found(result) == [("IAC201", TF_NB, 6, "FAIL", ())]


def test_one_environment_is_evaluated_on_request(tmp_path):
    _write(tmp_path, {"main.tf": MAIN_TF, "env/prod.tfvars": 'access = "Enabled"\n',
                      "env/dev.tfvars": 'access = "Disabled"\n'})
    assert _found(_scan(tmp_path, environment="dev")) == []
    assert _found(_scan(tmp_path, environment="prod")) == [("IAC201", TF_NB, 6, "FAIL", ("prod (prod.tfvars)",))]
    with pytest.raises(UnknownEnvironmentError, match=r"unknown environment 'qa' \(environments: dev, prod\)"):
        _scan(tmp_path, environment="qa")


def test_environments_named_in_the_configuration_replace_discovery(tmp_path):
    _write(tmp_path, {"main.tf": MAIN_TF, "env/prod.tfvars": 'access = "Disabled"\n',
                      "vars/live.tfvars": 'access = "Enabled"\n', "template.yaml": TEMPLATE,
                      "p/live.json": {"Parameters": {"Access": "Enabled"}}})
    result = _scan(tmp_path, environments={"live": {"var-files": [str(tmp_path / "vars/live.tfvars")],
                                                    "parameter-files": [str(tmp_path / "p/live.json")]}})
    assert sorted(_found(result)) == [("IAC201", "Nb", 10, "FAIL", ("live (live.json)",)),
                                      ("IAC201", TF_NB, 6, "FAIL", ("live (live.tfvars)",))]


def test_without_environment_files_nothing_changes(tmp_path):
    _write(tmp_path, {"main.tf": MAIN_TF, "terraform.tfvars": 'access = "Enabled"\n'})
    result = _scan(tmp_path)
    assert _found(result) == [("IAC201", TF_NB, 6, "FAIL", ())]
    assert ", in " not in result.findings[0].message


def test_the_command_line_selects_and_reports_environments(tmp_path, capsys):
    from iaclint.faces.cli import main

    _write(tmp_path, {"template.yaml": TEMPLATE, "prod-config.json": {"Parameters": {"Access": "Enabled"}}})
    assert main(["scan", str(tmp_path), "--no-cache", "--environment", "nope"]) == 2
    assert "unknown environment 'nope' (environments: prod)" in capsys.readouterr().err
    assert main(["scan", str(tmp_path), "--no-cache", "--select", "IAC201", "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["resource"], f["line"], f["environments"]) for f in findings] == [
        ("Nb", 10, ["prod (prod-config.json)"])]


def test_parameter_file_readers_take_only_their_shapes():
    assert read_parameter_file(b'{"Parameters": {"A": 1, "B": true, "C": ["x", "y"]}}') == {
        "A": "1", "B": "true", "C": "x,y"}
    assert read_parameter_file(b'[{"ParameterKey": "A", "ParameterValue": "v"}, '
                               b'{"ParameterKey": "B", "UsePreviousValue": true}]') == {"A": "v"}
    for other in (b'{"Resources": {}, "Parameters": {"A": "x"}}', b'{"Parameters": {"A": {"x": 1}}}',
                  b'[1, 2]', b'not json', b'[' * 100_000, b'{"name": "package"}'):
        assert read_parameter_file(other) is None
    assert read_samconfig("samconfig.toml", b'version = 0.1\n[default.deploy.parameters]\n'
                          b'parameter_overrides = "A=\'unclosed"\n') == {}
    assert read_samconfig("samconfig.toml", b"[[[not toml") == {}
    assert read_samconfig("samconfig.yaml", b"!!python/object/apply:os.system [x]") == {}


def test_the_language_server_takes_the_environments_settings(tmp_path):
    pytest.importorskip("pygls")
    from iaclint.faces.lsp.server import IaclintServer

    _write(tmp_path, {"main.tf": MAIN_TF, "env/prod.tfvars": 'access = "Enabled"\n',
                      "custom/live.tfvars": 'access = "Enabled"\n'})
    server = IaclintServer()
    warnings: list = []
    server.warn = warnings.append
    server.configure({"iaclint": {"select": ["IAC201"], "environment": "qa"}})
    target = str(tmp_path / "main.tf")
    assert _found(server.scan([target], {})) == [("IAC201", TF_NB, 6, "FAIL", ("prod (prod.tfvars)",))]
    assert warnings == ["iaclint: unknown environment 'qa' (environments: prod); scanning every environment"]
    server.configure({"select": ["IAC201"], "environments": {"live": {"varFiles": [str(tmp_path / "custom/live.tfvars")]}}})
    assert _found(server.scan([target], {})) == [("IAC201", TF_NB, 6, "FAIL", ("live (live.tfvars)",))]


def test_a_unit_without_environments_is_loaded_once_whatever_the_number_of_environments(tmp_path, monkeypatch):
    # Regression: each environment loaded and checked every unit again, also those no
    # parameter file applies to (a repository with twelve environments: 21 s, not 2 s).
    from iaclint.pipeline import loading

    always = TEMPLATE.replace("!Ref Access", "Enabled").replace("Access: {Type: String}", "Mode: {Type: String}")
    _write(tmp_path, {"stage/template.yaml": TEMPLATE,
                      "stage/prod-config.json": {"Parameters": {"Access": "Enabled"}},
                      "stage/dev-config.json": {"Parameters": {"Access": "Disabled"}},
                      "stage/qa-config.json": {"Parameters": {"Access": "Enabled"}},
                      "other/always.yaml": always})
    loads: list = []
    real = loading.load_unit
    monkeypatch.setattr(loading, "load_unit", lambda unit, *a, **k: loads.append(unit[1]) or real(unit, *a, **k))
    result = _scan(tmp_path)
    assert sorted((f.file.rsplit("/", 2)[1], *t) for f, t in zip(result.findings, _found(result))) == [
        ("other", "IAC201", "Nb", 10, "FAIL", ()),
        ("stage", "IAC201", "Nb", 10, "FAIL", ("prod (prod-config.json)", "qa (qa-config.json)")),
    ]
    # Three environments: the staged template three times; the other template and the JSON
    # files (candidates that turn out not to be templates) once each.
    assert Counter(os.path.relpath(p, tmp_path) for p in loads) == {
        os.path.join("stage", "template.yaml"): 3, os.path.join("other", "always.yaml"): 1,
        **{os.path.join("stage", f"{env}-config.json"): 1 for env in ("dev", "prod", "qa")}}
    assert result.passed == 1  # dev's PASS of the staged template; the other unit's verdict counted once


def test_a_finding_of_a_unit_without_environments_is_reported_once_when_no_finding_names_one(tmp_path):
    # Regression: with environments whose own units gave no finding, the other units'
    # findings were reported once per environment (the grouping looked for a finding that
    # names an environment, and there was none).
    always = TEMPLATE.replace("!Ref Access", "Enabled").replace("Access: {Type: String}", "Mode: {Type: String}")
    _write(tmp_path, {"stage/template.yaml": TEMPLATE,
                      "stage/prod-config.json": {"Parameters": {"Access": "Disabled"}},
                      "stage/dev-config.json": {"Parameters": {"Access": "Disabled"}},
                      "other/always.yaml": always})
    result = _scan(tmp_path)
    assert [(os.path.relpath(f.file, tmp_path), *t) for f, t in zip(result.findings, _found(result))] == [
        (os.path.join("other", "always.yaml"), "IAC201", "Nb", 10, "FAIL", ())]
    assert result.passed == 1
