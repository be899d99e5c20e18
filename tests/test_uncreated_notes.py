"""Blocks that create nothing with the scan's values (a Terraform `count` of 0 or an empty
`for_each`, a CloudFormation `Condition` that is false) are not checked, as they are not
deployed; the scan says so in one note per module instance or stack, naming the AI
resources, module calls and nested stacks among them (`iaclint.pipeline.uncreated_notes`)."""
from __future__ import annotations

import shutil

import pytest
from conftest import ROOT

from iaclint.api import scan
from iaclint.faces.cli import main
from iaclint.frontends.terraform import halves
from iaclint.model.resource import Uncreated
from iaclint.pipeline import forked
from iaclint.pipeline.environments import DROPPED
from iaclint.pipeline.uncreated_notes import merged, notes

FIXTURES = ROOT / "fixtures" / "uncreated"
TF_HOW = "(`--var`, `--var-file` or an environment)"
CFN_HOW = "(`--parameter`, a parameter file or an environment)"
TF_ROOT_NOTE = ("main.tf:24", "aws_opensearchserverless_security_policy.network, aws_opensearchserverless_collection.kb, "
                "aws_bedrockagent_agent.agent and 1 more create nothing with this scan's values (`count` is 0 or "
                "`for_each` is empty): not checked; to check them, set `var.agents`, `var.knowledge_base` " + TF_HOW)
TF_CHILD_NOTE = ("notebooks/main.tf:12", "module.notebooks.aws_sagemaker_notebook_instance.lab creates nothing with "
                 "this scan's values (`count` is 0): not checked; to check it, set `var.notebooks` " + TF_HOW)


def _notes(capsys) -> list:
    return [line for line in capsys.readouterr().err.splitlines() if line.startswith("iaclint: note: ")]


@pytest.fixture
def terraform(tmp_path, monkeypatch):
    shutil.copytree(FIXTURES / "terraform", tmp_path / "tf")
    monkeypatch.chdir(tmp_path / "tf")
    return tmp_path / "tf"


def test_terraform_blocks_switched_off_by_a_default_are_said_once_per_module_instance(terraform, capsys):
    assert main(["scan", "--no-cache", "."]) == 0
    assert _notes(capsys) == [f"iaclint: note: {where}: {message}" for where, message in (TF_ROOT_NOTE, TF_CHILD_NOTE)]
    # Not named: the bucket (not an AI resource; the "1 more" is module.endpoint), the domain
    # with a literal `count = 0` and the child's notebook that the child's own default
    # switches off: the code says so, no variable of the root decides it.


def test_terraform_blocks_switched_on_are_checked_and_no_longer_noted(terraform, capsys):
    result = scan(["."], variables={"knowledge_base": "true"})
    got = {(f.policy_id, f.resource, f.file, f.line) for f in result.findings}
    assert ("IAC211", "aws_opensearchserverless_security_policy.network[0]", "main.tf", 30) in got
    assert ("IAC103", "module.endpoint[0].aws_sagemaker_endpoint_configuration.serving", "endpoint/main.tf", 1) in got
    assert result.skipped == [
        ("main.tf:56", "aws_bedrockagent_agent.agent creates nothing with this scan's values (`for_each` is empty): "
                       "not checked; to check it, set `var.agents` " + TF_HOW),
        TF_CHILD_NOTE,
    ]


def test_cloudformation_resources_whose_condition_is_false_are_said_once_per_stack(tmp_path, monkeypatch, capsys):
    shutil.copytree(FIXTURES / "cloudformation", tmp_path / "cfn")
    monkeypatch.chdir(tmp_path / "cfn")
    assert main(["scan", "--no-cache", "."]) == 0
    assert _notes(capsys) == [
        "iaclint: note: template.yaml:13: Notebook and SharedPolicy create nothing with this scan's values "
        "(Condition IsProd is false or Condition IsShared is false): not checked; to check them, set `Stage` "
        + CFN_HOW]  # not `Retired`: its condition is on literals
    result = scan(["."], parameters={"Stage": "prod"})
    assert ("IAC201", "Notebook", "template.yaml", 13) in {(f.policy_id, f.resource, f.file, f.line)
                                                           for f in result.findings}
    assert result.skipped == [("template.yaml:22", "SharedPolicy creates nothing with this scan's values (Condition "
                                                   "IsShared is false): not checked; to check it, set `Stage` "
                                                   + CFN_HOW)]


def test_a_nested_stack_names_the_parents_parameter_that_decides_it(tmp_path, monkeypatch):
    """The child's `Stage` is what the parent passes from its own `Stage`; the child's
    `Shared` keeps its default, which the parent does not set: that one is not named."""
    shutil.copytree(FIXTURES / "cloudformation-nested", tmp_path / "cfn")
    monkeypatch.chdir(tmp_path / "cfn")
    assert scan(["."]).skipped == [
        ("child.yaml:11", "Notebooks.Notebook (in parent.yaml) creates nothing with this scan's values (Condition "
                          "IsProd is false): not checked; to check it, set `Stage` " + CFN_HOW)]
    result = scan(["."], parameters={"Stage": "prod"})
    assert result.skipped == []
    assert ("IAC201", "Notebooks.Notebook", "child.yaml", 11) in {(f.policy_id, f.resource, f.file, f.line)
                                                                  for f in result.findings}


def test_the_note_names_the_environments_whose_values_switch_them_off(terraform):
    (terraform / "env").mkdir()
    (terraform / "env" / "prod.tfvars").write_text('knowledge_base = true\nagents = { a = "m" }\n')
    (terraform / "env" / "dev.tfvars").write_text("knowledge_base = false\n")
    (terraform / "env" / "test.tfvars").write_text("knowledge_base = false\n")
    assert scan(["."]).skipped == [
        ("main.tf:24", "aws_opensearchserverless_security_policy.network, aws_opensearchserverless_collection.kb, "
                       "aws_bedrockagent_agent.agent and 1 more create nothing with the values of environments "
                       "dev (dev.tfvars) and test (test.tfvars) (`count` is 0 or `for_each` is empty): not checked; "
                       "to check them, set `var.agents`, `var.knowledge_base` " + TF_HOW),
        ("notebooks/main.tf:12", "module.notebooks.aws_sagemaker_notebook_instance.lab creates nothing with the "
                                 "values of environments dev (dev.tfvars), prod (prod.tfvars) and test (test.tfvars) "
                                 "(`count` is 0): not checked; to check it, set `var.notebooks` " + TF_HOW),
    ]
    assert scan(["."], environment="dev").skipped[0][1].startswith(
        "aws_opensearchserverless_security_policy.network, aws_opensearchserverless_collection.kb, "
        "aws_bedrockagent_agent.agent and 1 more create nothing with the values of environment dev (dev.tfvars) (")


def test_a_warm_scan_says_the_same_notes(terraform, tmp_path, capsys):
    cache = ["--cache-dir", str(tmp_path / "cache")]
    assert main(["scan", *cache, "."]) == 0
    cold = _notes(capsys)
    assert main(["scan", *cache, "."]) == 0
    assert _notes(capsys) == cold and len(cold) == 2


def test_the_halves_of_one_large_module_give_the_same_note(tmp_path, monkeypatch):
    """Switched-off blocks in both halves (the second in a forked child) make one note,
    the one a single pass makes."""
    for i in range(12):
        (tmp_path / f"f{i:02}.tf").write_text(
            f'variable "v{i:02}" {{\n  default = 0\n}}\n'
            f'resource "aws_sagemaker_domain" "d{i:02}" {{\n  count = var.v{i:02}\n  domain_name = "d"\n}}\n'
            f'resource "aws_s3_bucket" "b{i:02}" {{\n  bucket = "b{i}"\n}}\n')
    one_pass = scan([str(tmp_path)], jobs=1).skipped
    monkeypatch.setattr(halves, "SPLIT_MIN_BLOCKS", 10)
    children = []
    start = forked.start
    monkeypatch.setattr(forked, "start", lambda task: children.append(task) or start(task))
    assert scan([str(tmp_path)], jobs=2).skipped == one_pass
    assert children, "the second half was not evaluated in a child"
    assert one_pass == [(f"{tmp_path}/f00.tf:4", "aws_sagemaker_domain.d00, aws_sagemaker_domain.d01, "
                                                 "aws_sagemaker_domain.d02 and 9 more create nothing with this "
                                                 "scan's values (`count` is 0): not checked; to check them, set "
                                                 "`var.v00`, `var.v01`, `var.v02` and 9 more " + TF_HOW)]


def _uncreated(address: str, kind: str, scope: str = "", line: int = 1) -> Uncreated:
    return Uncreated(scope, "main.tf", line, address, kind, "`count` is 0", ("var.on",))


def test_only_ai_resources_module_calls_and_nested_stacks_are_named():
    plain = ("main.tf:9", "remote module module.x is not downloaded")
    assert notes([plain, _uncreated("aws_s3_bucket.b", "aws_s3_bucket")]) == [plain]
    said = notes([_uncreated("module.m", "module"), _uncreated("Stack", "AWS::CloudFormation::Stack", "", 2),
                  _uncreated("module.m.awscc_bedrock_agent.a", "awscc_bedrock_agent", "module.m", 5)])
    assert [where for where, _ in said] == ["main.tf:1", "main.tf:5"]
    assert said[0][1].startswith("module.m and Stack create nothing")
    assert said[1][1].startswith("module.m.awscc_bedrock_agent.a creates nothing")


def test_a_load_in_an_environment_its_unit_does_not_have_says_nothing():
    """Its findings are not reported (`environments.DROPPED`), so neither is what it left out."""
    plain = ("main.tf:9", "remote module module.x is not downloaded")
    assert notes([plain, _uncreated("aws_sagemaker_domain.d", "aws_sagemaker_domain")], DROPPED) == [plain]


def test_notes_of_environments_are_merged_per_place_and_text():
    domain = _uncreated("aws_sagemaker_domain.d", "aws_sagemaker_domain")
    loads = [notes([domain], label) for label in ("b (b.tfvars)", "a (a.tfvars)", "c (c.tfvars)", "d (d.tfvars)")]
    plain = ("main.tf:9", "remote module module.x is not downloaded")
    said = merged([plain, *(n for load in loads for n in load)])
    assert said == [("main.tf:1", "aws_sagemaker_domain.d creates nothing with the values of environments a (a.tfvars), "
                                  "b (b.tfvars), c (c.tfvars) and 1 more (`count` is 0): not checked; to check it, "
                                  "set `var.on` " + TF_HOW), plain]


def test_a_hostile_template_gets_a_note_of_bounded_length():
    """Names and conditions come from the scanned tree: each is shortened, and only three
    of each are said."""
    entries = [Uncreated("", "t.yaml", i, "R" * 5000 + str(i), "AWS::SageMaker::Model",
                         f"Condition {'C' * 5000}{i} is false", ("P" * 5000 + str(i),)) for i in range(500)]
    (where, message), = notes(entries)
    assert where == "t.yaml:0" and len(message) < 2000
    assert "(5,001 characters) and 497 more create nothing with this scan's values (Condition CCC" in message
    assert " or 497 other conditions): not checked; " in message
    assert message.endswith(" and 497 more (`--parameter`, a parameter file or an environment)")


def test_the_variables_named_are_the_switches_reached_through_locals(tmp_path, monkeypatch):
    """`count` depends on `var.enabled` and `var.name` through locals that refer to each
    other; the bool is the switch, the string only names things."""
    (tmp_path / "main.tf").write_text(
        'variable "enabled" {\n  default = false\n}\n'
        'variable "name" {\n  default = "kb"\n}\n'
        'locals {\n  on    = var.enabled && local.named\n  named = var.name != "" || local.on\n}\n'
        'resource "aws_bedrockagent_knowledge_base" "kb" {\n  count = local.on ? 1 : 0\n  name  = var.name\n}\n')
    monkeypatch.chdir(tmp_path)
    (where, message), = scan(["."]).skipped
    assert where == "main.tf:11" and message.endswith("not checked; to check it, set `var.enabled` " + TF_HOW)


def test_a_tf_json_count_names_its_variable(tmp_path, monkeypatch):
    (tmp_path / "main.tf.json").write_text(
        '{"variable": {"on": {"default": false}},\n'
        ' "resource": {"aws_sagemaker_notebook_instance": {"lab": {\n'
        '   "count": "${var.on ? 1 : 0}", "name": "lab", "instance_type": "ml.t3.medium",\n'
        '   "role_arn": "arn:aws:iam::123456789012:role/lab"}}}}\n')
    monkeypatch.chdir(tmp_path)
    (where, message), = scan(["."]).skipped
    assert message == ("aws_sagemaker_notebook_instance.lab creates nothing with this scan's values (`count` is 0): "
                       "not checked; to check it, set `var.on` " + TF_HOW)


def test_a_long_chain_of_locals_is_followed_once_and_only_so_deep(tmp_path, monkeypatch):
    """500 switched-off blocks behind one chain of 100 locals: each name is worked out
    once (not once per block), and past `MAX_DEPTH` links the chain is not followed, so
    the variable at its end is not named (and nothing is noted)."""
    from iaclint.frontends.terraform import switches
    from iaclint.model import memo_walks

    chain = "".join(f"  l{i} = local.l{i + 1}\n" for i in range(100))
    blocks = "".join(f'resource "aws_sagemaker_domain" "d{i}" {{\n  count = local.l0 ? 1 : 0\n}}\n'
                     for i in range(500))
    (tmp_path / "main.tf").write_text(f'variable "on" {{\n  default = false\n}}\nlocals {{\n{chain}  l100 = var.on\n}}\n'
                                      + blocks)
    calls = []
    of_name = switches._of_name
    monkeypatch.setattr(switches, "_of_name", lambda *args: calls.append(args[1:3]) or of_name(*args))
    monkeypatch.chdir(tmp_path)
    assert scan(["."]).skipped == []
    assert len(calls) < 500 + 2 * memo_walks.MAX_DEPTH
    monkeypatch.setattr(memo_walks, "MAX_DEPTH", 150)
    (_, message), = scan(["."]).skipped
    assert message.endswith("set `var.on` " + TF_HOW)


def test_a_condition_on_a_long_chain_of_conditions_is_followed_once(tmp_path, monkeypatch):
    from iaclint.frontends.cloudformation import switches

    conditions = "".join(f"  C{i}: !And [!Condition C{i + 1}, !Condition C{i + 1}]\n" for i in range(30))
    resources = "".join(f"  M{i}:\n    Type: AWS::SageMaker::Model\n    Condition: C0\n" for i in range(400))
    (tmp_path / "t.yaml").write_text("Parameters:\n  P:\n    Type: String\n    Default: a\nConditions:\n"
                                     f"{conditions}  C30: !Equals [!Ref P, b]\nResources:\n{resources}")
    calls = []
    of_name = switches._of_name
    monkeypatch.setattr(switches, "_of_name", lambda *args: calls.append(args[1:3]) or of_name(*args))
    monkeypatch.chdir(tmp_path)
    (where, message), = scan(["."]).skipped
    assert where == "t.yaml:38" and message.startswith("M0, M1, M2 and 397 more create nothing")
    assert message.endswith("(Condition C0 is false): not checked; to check them, set `P` " + CFN_HOW)
    assert len(calls) < 400 + 3 * 32


def test_a_walk_that_runs_out_of_stack_gives_no_note_and_loses_nothing(tmp_path, monkeypatch):
    from iaclint.frontends.terraform import switches

    def too_deep(*_):
        raise RecursionError

    notebook = ('resource "aws_sagemaker_notebook_instance" "{0}" {{\n  count = {1}\n  name = "{0}"\n'
                '  role_arn = "arn:aws:iam::123456789012:role/lab"\n  instance_type = "ml.t3.medium"\n}}\n')
    (tmp_path / "main.tf").write_text('variable "on" {\n  default = false\n}\n' + notebook.format("off", "var.on ? 1 : 0")
                                      + notebook.format("lab", 1))
    monkeypatch.chdir(tmp_path)
    assert len(scan(["."]).skipped) == 1
    monkeypatch.setattr(switches, "_of_text", too_deep)
    result = scan(["."])
    assert result.skipped == [] and result.errors == [] and "IAC001" not in {f.policy_id for f in result.findings}
    assert ("IAC201", "aws_sagemaker_notebook_instance.lab[0]", 10) in {(f.policy_id, f.resource, f.line)
                                                                         for f in result.findings}
