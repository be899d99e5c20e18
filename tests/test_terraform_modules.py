"""Terraform modules end to end (issue 4): which units are roots, where module findings are
reported and what they say, remote modules, the cache, recursion bounds, the rendered
`aws_iam_policy_document` and JSON with unknown parts as IAM checks see them.

The loader's evaluated values are covered by the golden cases in fixtures/parsers/terraform
(modules-local, modules-downloaded, modules-errors, iam-policy-document-merge,
heredoc-json-unknown); these tests run whole scans.
"""
from __future__ import annotations

import os
import subprocess
import sys

from conftest import FIXTURES, ROOT, builtin_policies, rel

from iaclint.api import scan
from iaclint.frontends.terraform.module import load_module
from iaclint.model.project import Project
from iaclint.model.symbolic import cannot_be
from iaclint.model.unknown import Unknown
from iaclint.normalize import normalize
from iaclint.pipeline.cache import Cache

EXAMPLE = FIXTURES / "examples" / "ml-platform-modules" / "terraform"

NOTEBOOK_MODULE = '''variable "internet" {
  default = "Disabled"
}

resource "aws_sagemaker_notebook_instance" "this" {
  name                   = "nb"
  role_arn               = "arn:aws:iam::111122223333:role/nb"
  instance_type          = "ml.t3.medium"
  direct_internet_access = var.internet
}
'''


def _scan(paths, **kwargs):
    return scan([str(p) for p in paths], policies=list(builtin_policies()), **kwargs)


def _triples(result):
    return sorted((os.path.normpath(f.file), f.line, f.policy_id, f.resource) for f in result.findings)


def test_a_called_module_is_evaluated_only_through_its_callers(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = _scan([rel(EXAMPLE)])
    module_findings = [f for f in result.findings if "/modules/" in f.file]
    assert module_findings
    assert all(f.resource.startswith("module.") for f in module_findings)
    assert ("IAC201", "module.research_notebook.aws_sagemaker_notebook_instance.this") in \
        {(f.policy_id, f.resource) for f in module_findings}


def test_a_module_scanned_alone_is_evaluated_on_its_own(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = _scan([rel(EXAMPLE / "modules" / "notebook")], strict=True)
    assert {f.resource for f in result.findings + result.unknowns} == {"aws_sagemaker_notebook_instance.this"}
    # Its inputs are unknown alone (no caller gives them): UNKNOWN, never a guess.
    assert not [f for f in result.findings if f.verdict == "FAIL" and f.policy_id == "IAC201"]


def test_a_module_input_finding_names_where_the_value_was_set(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = _scan([rel(EXAMPLE)], select=["IAC201"])
    [finding] = result.findings
    assert finding.file == rel(EXAMPLE / "modules" / "notebook" / "main.tf") and finding.line == 11
    assert finding.message.endswith(
        f"(value from var.direct_internet_access set by module.research_notebook in {rel(EXAMPLE / 'main.tf')}:75 "
        f"<- var.research_notebook_internet set in {rel(EXAMPLE / 'terraform.tfvars')}:4)")


def test_references_inside_modules_resolve_in_the_project(monkeypatch):
    monkeypatch.chdir(ROOT)
    files = sorted(str(p) for p in EXAMPLE.glob("*.tf"))
    loaded = load_module(rel(EXAMPLE), [rel(p) for p in files])
    project = Project([normalize(r) for r in loaded.resources])
    by_address = {r.address: r for r in project}
    config = by_address["module.endpoint[0].aws_sagemaker_endpoint_configuration.this"]
    targets = {ref.target: target for ref, target in project.outgoing(config)}
    assert targets["module.endpoint[0].aws_sagemaker_model.this"] is by_address[
        "module.endpoint[0].aws_sagemaker_model.this"]
    notebook = by_address["module.analytics_notebook.aws_sagemaker_notebook_instance.this"]
    role = dict((ref.target, target) for ref, target in project.outgoing(notebook, ("role_arn",)))
    assert role["aws_iam_role.notebook"] is by_address["aws_iam_role.notebook"]
    assert all(r.unit == rel(EXAMPLE) for r in project)


def test_incoming_references_are_indexed_when_first_asked(monkeypatch):
    """The whole scan's project is made once per scan and rarely asked for incoming
    references, so their index is made on the first `incoming` call: the same answers,
    in the same order, as walking every reference."""
    monkeypatch.chdir(ROOT)
    files = sorted(str(p) for p in EXAMPLE.glob("*.tf"))
    resources = [normalize(r) for r in load_module(rel(EXAMPLE), [rel(p) for p in files]).resources]
    project = Project(resources)
    assert project._incoming is None
    role = next(r for r in resources if r.address == "aws_iam_role.notebook")
    expected = [(r, ref) for r in resources for ref in r.references if project.lookup(r, ref.target) is role]
    assert expected and list(project.incoming(role)) == expected
    assert project._incoming is not None


def test_remote_modules_not_downloaded_are_said_once_each(tmp_path, monkeypatch):
    """One short note per call (issue 11: one note naming 35 modules was a 3,600-character
    line), each at the call's line."""
    monkeypatch.chdir(tmp_path)
    for root in ("prod", "staging"):
        (tmp_path / root).mkdir()
        (tmp_path / root / "main.tf").write_text(
            'module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n\n'
            'module "bedrock" {\n  source = "git::https://example.com/bedrock.git"\n}\n\n'
            'resource "aws_sagemaker_notebook_instance" "nb" {\n  name      = "nb"\n'
            '  subnet_id = module.vpc.private_subnets[0]\n}\n')
    result = _scan(["."])
    notes = [s for s in result.skipped if "remote module" in s[1]]
    assert [where for where, _ in notes] == [os.path.join(r, "main.tf") + f":{line}" for r in ("prod", "staging")
                                             for line in (1, 5)]
    assert notes[0][1] == ("remote module module.vpc (terraform-aws-modules/vpc/aws) is not downloaded: its "
                           "resources are not scanned (run `terraform init` to download it)")
    proc = subprocess.run([sys.executable, "-m", "iaclint", "scan", ".", "--no-cache"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    lines = [line for line in proc.stderr.splitlines() if "is not downloaded" in line]
    assert len(lines) == 4 and all(len(line) < 200 for line in lines), proc.stderr


def test_the_cache_sees_a_change_inside_a_called_module(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "modules" / "nb").mkdir(parents=True)
    (tmp_path / "modules" / "nb" / "main.tf").write_text(NOTEBOOK_MODULE)
    (tmp_path / "main.tf").write_text('module "nb" {\n  source = "./modules/nb"\n}\n')
    cache = Cache(tmp_path / "cache")
    assert not _scan(["."], cache=cache, select=["IAC201"]).findings
    (tmp_path / "main.tf").write_text('module "nb" {\n  source   = "./modules/nb"\n  internet = "Enabled"\n}\n')
    assert [f.line for f in _scan(["."], cache=cache, select=["IAC201"]).findings] == [9]
    # Only the module changes: the root's own files are unchanged, the cached result is not reused.
    (tmp_path / "main.tf").write_text('module "nb" {\n  source = "./modules/nb"\n}\n')
    assert not _scan(["."], cache=cache, select=["IAC201"]).findings
    (tmp_path / "modules" / "nb" / "main.tf").write_text(NOTEBOOK_MODULE.replace('"Disabled"', '"Enabled"'))
    assert [f.line for f in _scan(["."], cache=cache, select=["IAC201"]).findings] == [9]
    # A new file in the module directory counts too.
    (tmp_path / "modules" / "nb" / "extra.tf").write_text(
        'resource "aws_sagemaker_notebook_instance" "extra" {\n  name = "x"\n}\n')
    found = _scan(["."], cache=cache, select=["IAC201"]).findings
    assert sorted((os.path.basename(f.file), f.line, f.resource) for f in found) == [
        ("extra.tf", 1, "module.nb.aws_sagemaker_notebook_instance.extra"),
        ("main.tf", 9, "module.nb.aws_sagemaker_notebook_instance.this")]


def test_module_nesting_and_instances_are_bounded(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    directory = tmp_path
    for depth in range(20):  # a chain of 20 modules, each calling the next
        (directory / "main.tf").write_text(f'module "m{depth}" {{\n  source = "./next"\n}}\n'
                                           f'resource "aws_sns_topic" "t" {{\n  name = "t{depth}"\n}}\n')
        directory = directory / "next"
        directory.mkdir()
    result = load_module(".", ["main.tf"])
    assert any("nested more than 16 modules deep" in e.message for e in result.errors)
    assert len(result.resources) == 16  # the root and 15 modules below it: 16 modules deep
    (tmp_path / "main.tf").write_text('module "many" {\n  source = "./wide"\n  count  = 5000\n}\n')
    (tmp_path / "wide").mkdir()
    (tmp_path / "wide" / "main.tf").write_text('resource "aws_sns_topic" "t" {\n  name = "t"\n}\n')
    result = load_module(".", ["main.tf"])
    assert len(result.resources) == 1000
    assert [e.message for e in result.errors] == ["more than 1000 module instances: the rest is not evaluated"]


def test_a_rendered_policy_document_is_reported_where_it_is_written(tmp_path, monkeypatch):
    """`policy = data.aws_iam_policy_document.d.json` is now the rendered document; the IAM
    checks still report the statement once, at the data source, and follow it where they
    must (a KMS key policy is judged on the key)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text(
        'data "aws_iam_policy_document" "d" {\n'
        '  statement {\n'
        '    actions   = ["bedrock:*"]\n'
        '    resources = ["*"]\n'
        '  }\n'
        '}\n\n'
        'resource "aws_iam_policy" "p" {\n'
        '  policy = data.aws_iam_policy_document.d.json\n'
        '}\n')
    result = _scan(["."], select=["IAC301"], strict=True)
    assert [(f.line, f.resource, f.verdict) for f in result.findings] == [(3, "data.aws_iam_policy_document.d", "FAIL")]


def test_json_with_an_unknown_part_keeps_its_known_text():
    directory = FIXTURES / "parsers" / "terraform" / "heredoc-json-unknown"
    loaded = load_module(str(directory), [str(directory / "main.tf")])
    policy = next(r for r in loaded.resources if r.address == "aws_iam_policy.partial").attributes["policy"]
    resource = policy.value["Statement"][0]["Resource"][0]
    assert isinstance(resource, Unknown) and resource.parts[-1] == "/*"
    assert cannot_be(resource, "*")  # `${arn}/*` is never the whole wildcard


RUNTIMES_MODULE = '''variable "runtimes" {
  type = map(object({
    image        = string                     # the container image
    network_mode = optional(string, "PUBLIC") // AWS's own default, written out
  }))
}

resource "aws_bedrockagentcore_agent_runtime" "this" {
  for_each           = var.runtimes
  agent_runtime_name = each.key
  role_arn           = "arn:aws:iam::111122223333:role/agent"
  agent_runtime_artifact {
    container_configuration {
      container_uri = each.value.image
    }
  }
  network_configuration {
    network_mode = each.value.network_mode
  }
}
'''


def test_an_optional_default_reaches_the_module_through_a_commented_type(tmp_path, monkeypatch):
    """Comments inside a `type = object({...})` constraint (common in published modules)
    left the constraint unparsed, so the `optional()` default never filled the attribute a
    caller omits: UNKNOWN ("no attribute") where Terraform sends `PUBLIC`."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "agents").mkdir()
    (tmp_path / "agents" / "main.tf").write_text(RUNTIMES_MODULE)
    (tmp_path / "main.tf").write_text(
        'module "agents" {\n'
        '  source   = "./agents"\n'
        '  runtimes = { support = { image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/agent:1" } }\n'
        '}\n')
    result = _scan(["."], select=["IAC212"], strict=True)
    assert [(os.path.normpath(f.file), f.line, f.resource, f.verdict) for f in result.findings] == [
        (os.path.join("agents", "main.tf"), 18, 'module.agents.aws_bedrockagentcore_agent_runtime.this["support"]', "FAIL")]


def test_a_resource_instance_picked_by_a_computed_index_is_an_arn(monkeypatch):
    """`aws_sagemaker_endpoint.scored[i].arn` in a `for` and
    `aws_sagemaker_endpoint.scored[count.index].arn` were read as values that may be `*`
    (the index is not a literal): UNKNOWN where the statement names instances' ARNs."""
    monkeypatch.chdir(ROOT)
    fixture = FIXTURES / "policies" / "iam-ai-action-resource-star" / "main.tf"
    result = _scan([rel(fixture)], select=["IAC303"], strict=True)
    assert [(f.line, f.resource) for f in result.unknowns] == [(132, "aws_iam_role_policy.unknown_model_arns")]
    assert not [f for f in result.findings if "indexed" in f.resource or "counted" in f.resource]
