"""Opt-in policies: off by default, run only when `select` or `extend-select` names them
(by ID or name, on the command line, in the configuration file, from an editor), marked
by `rules`, `explain`, the policy reference and SARIF; the built-in IAC419 is one."""
from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest
from conftest import FIXTURES, builtin_policies

from iaclint.api import UnknownPolicyError, scan
from iaclint.engine.policy import FAIL, Policy
from iaclint.engine.registry import PolicyLoadError, load_policies
from iaclint.faces.cli import main

OPT_IN = "IAC419"
NAME = "sagemaker-model-platform-registry"
CASES = FIXTURES / "policies" / NAME
# What IAC419 reports on its own fixtures (tests/test_policy_fixtures.py holds every line to
# the markers; here: the same places through each way of selecting it).
EXPECTED = [
    ("main.tf", 22, "aws_sagemaker_model.fail_primary_unset"),
    ("main.tf", 33, "aws_sagemaker_model.fail_primary_platform"),
    ("main.tf", 49, "aws_sagemaker_model.fail_pipeline_containers"),
    ("main.tf", 56, "aws_sagemaker_model.fail_pipeline_containers"),
    ("main.tf", 131, "aws_sagemaker_model.fail_both_branches_platform"),
    ("template.yaml", 26, "FailPrimaryUnset"),
    ("template.yaml", 36, "FailPrimaryPlatform"),
    ("template.yaml", 46, "FailPipelineContainers"),
    ("template.yaml", 49, "FailPipelineContainers"),
    ("template.yaml", 101, "FailAllowedValuesPlatform"),
    ("template.yaml", 111, "FailIfPlatformOrUnset"),
]


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A repository holding IAC419's Terraform and CloudFormation fixtures."""
    (tmp_path / ".git").mkdir()
    for name in ("main.tf", "template.yaml"):
        shutil.copy(CASES / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys, *argv):
    code = main(["scan", ".", "--format", "json", *argv])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out else None), err


def ours(report) -> list:
    return sorted((f["file"], f["line"], f["resource"]) for f in report["findings"] if f["policy_id"] == OPT_IN)


def ids(report) -> set:
    return {f["policy_id"] for f in report["findings"]}


def test_the_builtin_opt_in_policy_is_marked_and_only_it():
    marked = [p.id for p in builtin_policies() if p.opt_in]
    assert marked == [OPT_IN]


def test_a_scan_without_selection_does_not_run_it(repo, capsys):
    code, report, _ = run(capsys)
    assert code == 1 and report["findings"], "the default policies still report on these models"
    assert OPT_IN not in ids(report)
    result = scan(["."])
    assert OPT_IN not in {p.id for p in result.policies}
    assert OPT_IN not in {f.policy_id for f in result.unknowns}


@pytest.mark.parametrize("name", [OPT_IN, NAME, "iac419"])
def test_select_by_id_or_name_runs_only_it(repo, capsys, name):
    code, report, _ = run(capsys, "--select", name)
    assert code == 1
    assert ids(report) == {OPT_IN}
    assert ours(report) == EXPECTED


def test_extend_select_adds_it_to_the_default_policies(repo, capsys):
    _, default, _ = run(capsys)
    _, extended, _ = run(capsys, "--extend-select", NAME)
    assert ours(extended) == EXPECTED
    assert ids(extended) == ids(default) | {OPT_IN}
    assert len(extended["findings"]) == len(default["findings"]) + len(EXPECTED)


def test_extend_select_adds_to_a_selection_and_ignore_wins(repo, capsys):
    _, report, _ = run(capsys, "--select", "IAC401", "--extend-select", OPT_IN)
    assert ids(report) == {"IAC401", OPT_IN}
    assert ours(report) == EXPECTED
    _, report, _ = run(capsys, "--extend-select", OPT_IN, "--ignore", NAME)
    assert OPT_IN not in ids(report)


def test_the_configuration_file_selects_it(repo, capsys):
    (repo / ".iaclint.yaml").write_text("select: [sagemaker-model-platform-registry]\n")
    _, report, _ = run(capsys)
    assert ids(report) == {OPT_IN} and ours(report) == EXPECTED
    (repo / ".iaclint.yaml").write_text("extend-select: [iac419]\n")
    _, report, _ = run(capsys)
    assert ours(report) == EXPECTED and "IAC401" in ids(report)
    # The command line adds to the file's list, as with `ignore`.
    (repo / ".iaclint.yaml").write_text("extend-select: [IAC419]\nselect: [IAC205]\n")
    _, report, _ = run(capsys, "--extend-select", "IAC401")
    assert ids(report) == {"IAC205", "IAC401", OPT_IN}


def test_an_unknown_name_in_extend_select_is_an_error(repo, capsys):
    code, report, err = run(capsys, "--extend-select", "IAC4l9")
    assert code == 2 and report is None
    assert "extend-select: unknown policy 'IAC4l9' (did you mean IAC419?)" in err
    (repo / ".iaclint.yaml").write_text("extend-select: [sagemaker-model-platform-registy]\n")
    code, _, err = run(capsys)
    assert code == 2 and "(did you mean sagemaker-model-platform-registry?)" in err
    with pytest.raises(UnknownPolicyError, match="extend-select: unknown policy 'IAC999'"):
        scan(["."], extend_select=["IAC999"])


def test_a_lower_case_id_selects_the_policy(repo, capsys):
    """Regression: `--select iac401` was accepted (no unknown-name error) and ran nothing."""
    _, report, _ = run(capsys, "--select", "iac401")
    assert ids(report) == {"IAC401"}
    _, report, _ = run(capsys, "--select", "IAC401", "--severity", "iac401=critical")
    assert {f["severity"] for f in report["findings"]} == {"critical"}


def test_rules_explain_and_the_reference_say_how_to_enable_it(capsys):
    assert main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    line = next(x for x in lines if x.startswith(OPT_IN))
    assert line.endswith("  (opt-in)") and NAME in line
    assert not any(x.endswith("(opt-in)") for x in lines if not x.startswith(OPT_IN))
    assert main(["rules", "--format", "json"]) == 0
    rules = json.loads(capsys.readouterr().out)
    assert {r["id"] for r in rules if r["opt_in"]} == {OPT_IN}
    assert main(["explain", NAME]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"{OPT_IN} {NAME} [low, opt-in]\n")
    assert "`--extend-select IAC419`" in text and "`--select IAC419`" in text
    page = (Path(__file__).resolve().parents[1] / "docs" / "policies.md").read_text(encoding="utf-8")
    assert f"| [{OPT_IN}](#iac419) | `{NAME}` (opt-in) | low |" in page
    assert f"**{NAME}** (low, opt-in):" in page


def test_sarif_rule_metadata_tags_it(repo, capsys):
    assert main(["scan", ".", "--format", "sarif", "--extend-select", OPT_IN]) == 1
    rules = json.loads(capsys.readouterr().out)["runs"][0]["tool"]["driver"]["rules"]
    by_id = {r["id"]: r for r in rules}
    assert by_id[OPT_IN]["properties"]["tags"] == ["security", "model-safeguards", "low", "opt-in"]
    assert "opt-in" not in by_id["IAC401"]["properties"]["tags"]
    assert by_id[OPT_IN]["defaultConfiguration"] == {"level": "note"}


def test_the_index_carries_the_flag_without_importing_the_policy():
    lazy = next(p for p in load_policies() if p.id == OPT_IN)
    assert type(lazy).__name__ == "LazyPolicy" and lazy._real is None
    assert lazy.opt_in is True
    assert not next(p for p in load_policies() if p.id == "IAC414").opt_in


# --- user policies ---------------------------------------------------------------------

USER_YAML = textwrap.dedent('''\
    metadata:
      id: CUSTOM_1
      name: notebook-needs-owner-tag
      severity: low
      opt_in: {flag}
    definition:
      cond_type: attribute
      resource_types: [aws_sagemaker_notebook_instance]
      attribute: tags.owner
      operator: exists
    ''')

NOTEBOOK = textwrap.dedent('''\
    resource "aws_sagemaker_notebook_instance" "nb" {
      name          = "nb"
      role_arn      = "arn:aws:iam::123456789012:role/sm"
      instance_type = "ml.t3.medium"
    }
    ''')


def test_a_yaml_policy_can_be_opt_in(tmp_path, monkeypatch):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "owner.yaml").write_text(USER_YAML.format(flag="true"))
    (tmp_path / "main.tf").write_text(NOTEBOOK)
    monkeypatch.chdir(tmp_path)
    assert "CUSTOM_1" not in {f.policy_id for f in scan(["main.tf"], policy_dirs=[str(pack)]).findings}
    found = scan(["main.tf"], policy_dirs=[str(pack)], extend_select=["notebook-needs-owner-tag"]).findings
    assert [(f.policy_id, f.line, f.resource) for f in found if f.policy_id == "CUSTOM_1"] == \
        [("CUSTOM_1", 1, "aws_sagemaker_notebook_instance.nb")]
    (pack / "owner.yaml").write_text(USER_YAML.format(flag='"yes"'))
    with pytest.raises(PolicyLoadError, match="invalid policy at metadata/opt_in: 'yes' is not of type 'boolean'"):
        load_policies([str(pack)])


class _RekognitionOptIn(Policy):
    id = "IAC950"
    name = "rekognition-collection-opt-in"
    title = "A test policy on a type no built-in policy checks"
    resource_types = ("aws_rekognition_collection",)
    opt_in = True

    def check(self, resource, ctx):
        yield FAIL("flagged")


def test_strict_says_a_type_whose_only_policy_is_off_is_unchecked_and_names_it(tmp_path, monkeypatch):
    (tmp_path / "main.tf").write_text('resource "aws_rekognition_collection" "faces" {\n  collection_id = "f"\n}\n')
    monkeypatch.chdir(tmp_path)
    policies = [_RekognitionOptIn()]
    result = scan(["."], policies=policies)
    assert result.findings == []
    assert [(u.native_type, u.line, u.not_run) for u in result.unchecked] == \
        [("aws_rekognition_collection", 1, ("IAC950 (opt-in)",))]
    assert result.unchecked[0].message() == (
        "aws_rekognition_collection.faces: in scope (Rekognition), but no policy that ran checks "
        "aws_rekognition_collection (not run: IAC950 (opt-in))")
    result = scan(["."], policies=policies, extend_select=["IAC950"])
    assert [(f.policy_id, f.line) for f in result.findings] == [("IAC950", 1)]
    assert result.unchecked == []


def test_strict_on_the_fixtures_does_not_call_the_model_unchecked(repo):
    """The model has default policies: with IAC419 off it is still checked."""
    assert "aws_sagemaker_model" not in {u.native_type for u in scan(["."]).unchecked}


# --- editors ---------------------------------------------------------------------------

def test_the_language_server_passes_extend_select_from_the_configuration(repo):
    from iaclint.faces.lsp.editor_settings import Settings
    from iaclint.faces.lsp.scan_options import scan_options

    (repo / ".iaclint.yaml").write_text("extend-select: [IAC419]\n")
    warnings = []
    options, _ = scan_options(Settings.parse({}), str(repo / "main.tf"), warnings.append)
    assert warnings == [] and options["extend_select"] == ["IAC419"]
    found = scan([str(repo / "main.tf")], **options).findings
    assert sorted((f.line, f.resource) for f in found if f.policy_id == OPT_IN) == \
        [(line, resource) for file, line, resource in EXPECTED if file == "main.tf"]
    # The editor's `extendSelect` adds to the file's, as `--extend-select` does.
    (repo / ".iaclint.yaml").write_text("extend-select: [IAC419]\nselect: [IAC205]\n")
    options, _ = scan_options(Settings.parse({"iaclint": {"extendSelect": "IAC401"}}), str(repo / "main.tf"),
                              warnings.append)
    assert options["extend_select"] == ["IAC419", "IAC401"]
    assert {f.policy_id for f in scan([str(repo / "main.tf")], **options).findings} == {"IAC205", "IAC401", OPT_IN}
    # An editor's `select` names it as the command line's does.
    options, _ = scan_options(Settings.parse({"select": [NAME]}), str(repo / "main.tf"), warnings.append)
    assert {f.policy_id for f in scan([str(repo / "main.tf")], **options).findings} == {OPT_IN}


def test_the_coverage_page_lists_it_apart_and_it_checks_no_type_alone():
    from iaclint.reference.coverage import build_rows

    class Only:
        id, resource_types, opt_in = "IAC950", ("aws_rekognition_collection",), True

    row = next(r for r in build_rows([Only()], {}, {}) if r.key == "aws_rekognition_collection")
    assert (row.policies, row.opt_in) == ([], ["IAC950"])
    page = (Path(__file__).resolve().parents[1] / "docs" / "coverage.md").read_text(encoding="utf-8")
    model = next(line for line in page.splitlines() if line.startswith("| `aws_sagemaker_model` |"))
    assert "[IAC414](policies.md#iac414), [IAC419](policies.md#iac419) (opt-in) |" in model
    for control in ("SageMaker.16", "SageMaker.19"):
        line = next(x for x in page.splitlines() if x.startswith(f"| {control} |"))
        assert f"[{OPT_IN}](policies.md#iac419) `{NAME}` (opt-in)" in line


def test_containers_that_cannot_be_known_are_unknown_where_they_are_written(tmp_path, monkeypatch):
    (tmp_path / "main.tf").write_text(textwrap.dedent('''\
        variable "containers" {}

        resource "aws_sagemaker_model" "dynamic_containers" {
          execution_role_arn = "arn:aws:iam::123456789012:role/inference"
          dynamic "container" {
            for_each = var.containers
            content {
              image = container.value.image
            }
          }
        }

        resource "awscc_sagemaker_model" "containers_from_a_variable" {
          containers = var.containers
        }
        '''))
    monkeypatch.chdir(tmp_path)
    result = scan(["."], select=[OPT_IN])
    assert result.findings == []
    assert [(f.line, f.resource, f.message) for f in result.unknowns] == [
        (5, "aws_sagemaker_model.dynamic_containers",
         "The registry access mode of `container` is not known until deployment"),
        (14, "awscc_sagemaker_model.containers_from_a_variable",
         "The registry access mode of `containers` is not known until deployment"),
    ]
