"""Issue 11, "every evaluation is bounded by size as well as steps", through the real CLI.

Each attack is a small repository that asks the evaluators for gigabytes or for hours: a
pattern that backtracks, a string repeated through a join or a `!Sub`, a list doubled
through chains of locals, YAML aliases of one long string. Each scan runs through the
shared harness (`harness.iaclint`: the CLI isolated, under a memory limit and a timeout);
a test asserts that it ended, its exit code, that the run is inert, and that the report
says which value was not evaluated and why. Nothing here measures speed.
"""
from __future__ import annotations

import json
from pathlib import Path

from harness import assert_inert, iaclint, repository

NOTEBOOK = '''resource "aws_sagemaker_notebook_instance" "{name}" {{
  name                   = "{name}"
  role_arn               = "arn:aws:iam::123456789012:role/r"
  instance_type          = "ml.t3.medium"
  direct_internet_access = {value}
}}
'''
CFN_NOTEBOOK = '''  {name}:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: arn:aws:iam::123456789012:role/r
      DirectInternetAccess: {value}
'''
TOO_LARGE = "` is not evaluated: the result would hold about {:,} characters and items, over the limit of 5,000,000 " \
            "for one value"


def scan(tmp_path: Path, name: str, text: str) -> dict:
    """`iaclint scan --format json` of a repository holding the file `name`: its report,
    after checking that the run ended with findings (exit 1) and was inert."""
    repo = repository(tmp_path / "repo")
    (repo / name).write_text(text)
    home = tmp_path / "home"
    home.mkdir()
    run = iaclint("scan", ".", "--no-cache", "--format", "json", cwd=repo, home=home)
    assert_inert(run, code=1)
    assert "MemoryError" not in run.text
    return json.loads(run.out)


def unknown_messages(report: dict, policy: str) -> dict:
    """{resource: message} of the UNKNOWN verdicts of `policy`."""
    return {u["resource"]: u["message"] for u in report["unknowns"] if u["policy_id"] == policy}


def test_terraform_attacks_end_as_unknowns_with_their_reasons(tmp_path):
    a10k, a100k = "a" * 10_000, "a" * 100_000
    report = scan(tmp_path, "main.tf",
        f'locals {{\n  s10k = "{a10k}"\n  s100k = "{a100k}"\n  hostile = "{"a" * 50_000}!"\n'
        f'  sep = "{"-" * 1000}"\n'
        + "".join(f"  l{i} = [local.l{i - 1}, local.l{i - 1}]\n" for i in range(1, 40))
        + f'  l0 = ["{"a" * 1000}"]\n}}\n'
        + NOTEBOOK.format(name="backtracking", value='regex("(a+)+$", local.hostile)')
        + NOTEBOOK.format(name="replaced", value='replace(local.s10k, "a", local.s10k)')
        + NOTEBOOK.format(name="joined", value="join(local.sep, range(100000))")
        + NOTEBOOK.format(name="formatted", value='format("%s%s%s%s%s%s%s%s%s%s", ' + ", ".join(["local.s100k"] * 10)
                          + ") == \"\" ? \"Enabled\" : format(\"%s\", join(local.sep, range(100000)))")
        + NOTEBOOK.format(name="doubled", value="jsonencode(local.l39) == \"\" ? \"Enabled\" : local.l13"))
    got = unknown_messages(report, "IAC201")
    reasons = {
        "backtracking": "`regex` failed: pattern did not match any part of the given string",
        "replaced": '`replace(local.s10k, "a", local.s10k)' + TOO_LARGE.format(100_000_001),
        "joined": "`join(local.sep, range(100000))` is not evaluated: the result would hold about",
        "formatted": "`join(local.sep, range(100000))` is not evaluated: the result would hold about",
        "doubled": "`[local.l12, local.l12]` is not evaluated: the result would be larger than the limit of "
                   "5,000,000 characters and items for one value",
    }
    assert sorted(got) == sorted(f"aws_sagemaker_notebook_instance.{name}" for name in reasons)
    for name, reason in reasons.items():
        assert reason in got[f"aws_sagemaker_notebook_instance.{name}"], (name, got)


def test_cloudformation_attacks_end_as_unknowns_with_their_reasons(tmp_path):
    aliases = ", ".join(["*s"] * 10_000)
    holes = "x".join("${Sub.Arn}" for _ in range(40))
    report = scan(tmp_path, "t.yaml",
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        f"Parameters:\n  P:\n    Type: String\n    Default: {'a' * 100_000}\n"
        f"Mappings:\n  M:\n    K:\n      S: &s {'c' * 100_000}\n"
        f"Conditions:\n  Shape: !Equals [!Sub '{holes}', '{'x' * 200}y']\n"
        "Resources:\n"
        + CFN_NOTEBOOK.format(name="Sub", value="!Sub '" + "${P}" * 10_000 + "'")
        + CFN_NOTEBOOK.format(name="Join", value=f"!Join ['', [{aliases}]]")
        + CFN_NOTEBOOK.format(name="Shape", value="!If [Shape, Enabled, Disabled]"))
    got = unknown_messages(report, "IAC201")
    reasons = {
        "Sub": TOO_LARGE.format(1_000_000_000),
        "Join": TOO_LARGE.format(1_000_000_000),
        "Shape": "condition Shape is unknown: attribute Arn of resource Sub",
    }
    assert sorted(got) == sorted(reasons)
    for name, reason in reasons.items():
        assert reason in got[name], (name, got)


def _errors(report: dict) -> dict:
    return {f["file"]: f["message"] for f in report["findings"] if f["policy_id"] == "IAC001"}


def test_documents_of_millions_of_values_are_refused_not_loaded(tmp_path):
    """A file cap in bytes does not bound the values: `[0,0,0,...]` is one per two bytes,
    and each value read with its position takes hundreds of bytes (4.8 MB of YAML took
    1.4 GB, 18 MB of `.tf.json` 5.6 GB, 19 MB of `.tf` 4.7 GB in tree-sitter alone). Past
    the count the file is an IAC001 finding."""
    repo = repository(tmp_path / "repo")
    (repo / "t.yaml").write_text("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  R:\n    Type: AWS::S3::Bucket\n"
                                 "    Properties:\n      X: [" + ",".join(["0"] * 2_400_000) + "]\n")
    (repo / "main.tf.json").write_text(json.dumps({"resource": {"aws_s3_bucket": {"b": {"x": [0] * 9_000_000}}}},
                                                  separators=(",", ":")))
    # HCL: tree-sitter makes up to five nodes per token, so 19 MB of `0,` took 4.7 GB to parse
    # (a variables file is parsed the same way); the finding is at the line where the count passes.
    zeros = "0," * 9_000_000
    (repo / "main.tf").write_text(f'resource "aws_s3_bucket" "b" {{\n  bucket = "b"\n}}\nlocals {{\n  a = [{zeros}]\n}}\n')
    (repo / "terraform.tfvars").write_text(f"a = [{zeros}]\n")
    home = tmp_path / "home"
    home.mkdir()
    run = iaclint("scan", ".", "--no-cache", "--format", "json", cwd=repo, home=home)
    assert_inert(run, code=1)
    report = json.loads(run.out)
    tokens = "more than 1,000,000 tokens in one file: not scanned (HCL)"
    assert _errors(report) == {
        "t.yaml": "more than 500,000 values in one document: not scanned",
        "main.tf.json": "invalid JSON: more than 1,000,000 values in one document: not scanned",
        "main.tf": tokens, "terraform.tfvars": tokens}
    assert {(f["file"], f["line"]) for f in report["findings"] if f["policy_id"] == "IAC001"} >= {
        ("main.tf", 5), ("terraform.tfvars", 1)}


def test_a_plan_of_5000_resources_without_its_configuration_is_scanned(tmp_path):
    """A plan alone (no `.tf` files beside it) is reported at its own lines: reading it was
    quadratic in its resources (5,000 took a minute, and more hung a CI job)."""
    resources = [{"address": f"aws_sagemaker_notebook_instance.nb{i}", "mode": "managed",
                  "type": "aws_sagemaker_notebook_instance", "name": f"nb{i}",
                  "values": {"name": f"nb{i}", "instance_type": "ml.t3.medium", "direct_internet_access": "Enabled",
                             "role_arn": "arn:aws:iam::123456789012:role/r"}} for i in range(5000)]
    report = scan(tmp_path, "tfplan.json", json.dumps(
        {"format_version": "1.2", "planned_values": {"root_module": {"resources": resources}}}, indent=2))
    fails = [f for f in report["findings"] if f["policy_id"] == "IAC201"]
    assert len(fails) == 5000 and all(f["file"] == "tfplan.json" for f in fails)
    assert fails[-1]["line"] == 14 + 12 * 4999  # `direct_internet_access` of the last resource (12 lines each)


def test_ten_thousand_buckets_beside_ten_thousand_notebooks_are_scanned(tmp_path):
    """Ten lines of Terraform, 20,000 resources: the ML-bucket questions and the asset
    graph compared every bucket with every other (quadratic: 4,000 of each took 49 s,
    5,000 of each in a plan 121 s). Now a name is looked up."""
    report = scan(tmp_path, "main.tf", 'resource "aws_s3_bucket" "b" {\n  count  = 10000\n'
                  '  bucket = "data-${count.index}"\n}\n\nresource "aws_sagemaker_notebook_instance" "nb" {\n'
                  '  count         = 10000\n  name          = "nb-${count.index}"\n'
                  '  role_arn      = "arn:aws:iam::123456789012:role/sm"\n  instance_type = "ml.t3.medium"\n'
                  '  default_code_repository = "s3://data-${count.index}/code"\n}\n')
    assert report["summary"]["resources"] == 20000
    assert len([f for f in report["findings"] if f["policy_id"] == "IAC201"]) == 10000


def test_bucket_names_that_cannot_be_compared_cheaply_have_a_budget(tmp_path):
    """Partly known names (`${var.x}-${count.index}`) are compared symbolically, about
    0.1 ms a pair: 2,000 buckets and 2,000 notebooks writing such names took more than ten
    minutes. Past the unit's budget of comparisons a bucket is UNKNOWN, with the reason."""
    repo = repository(tmp_path / "repo")
    (repo / "main.tf").write_text(
        'variable "x" {}\n\nresource "aws_s3_bucket" "b" {\n  count  = 2000\n  bucket = "${var.x}-${count.index}"\n}\n\n'
        'resource "aws_sagemaker_notebook_instance" "nb" {\n  count         = 2000\n  name          = "nb-${count.index}"\n'
        '  role_arn      = "arn:aws:iam::123456789012:role/sm"\n  instance_type = "ml.t3.medium"\n'
        '  default_code_repository = "s3://${var.x}-${count.index}/code"\n}\n')
    home = tmp_path / "home"
    home.mkdir()
    run = iaclint("scan", ".", "--no-cache", "--format", "json", "--strict", "--select", "IAC112", cwd=repo, home=home)
    assert_inert(run, code=1)
    verdicts = [(f["verdict"], f["message"]) for f in json.loads(run.out)["findings"]]
    assert len(verdicts) == 2000
    assert any(v == "UNKNOWN" and "too many bucket names to compare them all with this bucket's (more than 100,000 "
               "comparisons for the buckets of its unit)" in m for v, m in verdicts)
    assert any(v == "FAIL" and "named by `aws_sagemaker_notebook_instance.nb[0]`" in m for v, m in verdicts), verdicts[:3]


def test_twenty_thousand_buckets_with_their_versioning_are_scanned(tmp_path):
    """2.6 MB of plain Terraform: every bucket looked through every
    `aws_s3_bucket_versioning` for the ones naming it (more than five minutes); now the
    configurations are indexed by the name they write."""
    text = "".join(f'resource "aws_s3_bucket" "b{i}" {{\n  bucket = "bkt-{i}"\n}}\n'
                   f'resource "aws_s3_bucket_versioning" "v{i}" {{\n  bucket = "bkt-{i}"\n}}\n' for i in range(20000))
    repo = repository(tmp_path / "repo")
    (repo / "main.tf").write_text(text)
    home = tmp_path / "home"
    home.mkdir()
    run = iaclint("scan", ".", "--no-cache", "--format", "json", cwd=repo, home=home)
    assert_inert(run, code=0)
    assert json.loads(run.out)["summary"]["resources"] == 40000


QUADRATIC_PATHS = '''resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = jsonencode({Statement = [{Effect = "Allow", Principal = {Service = "sagemaker.amazonaws.com"}, Action = "sts:AssumeRole"}]})
}
resource "aws_iam_role_policy" "p" {
  role   = aws_iam_role.r.id
  policy = jsonencode({Statement = [{Effect = "Allow", Action = "bedrock:*", Resource = "*"}]})
}
resource "aws_sagemaker_notebook_instance" "nb" {
  count         = 2000
  name          = "nb-${count.index}"
  role_arn      = aws_iam_role.r.arn
  instance_type = "ml.t3.medium"
}
resource "aws_bedrock_custom_model" "m" {
  count                 = 2000
  custom_model_name     = "m-${count.index}"
  job_name              = "j-${count.index}"
  base_model_identifier = "amazon.titan-text-express-v1"
  role_arn              = aws_iam_role.r.arn
  output_data_config { s3_uri = "s3://b/o" }
  training_data_config { s3_uri = "s3://b/t" }
}
'''


def test_a_policy_past_its_work_budget_is_unknown_naming_it(tmp_path):
    """25 lines: 2,000 internet-connected notebooks share a role that may invoke every
    model, beside 2,000 custom models: IAC607 searched the asset graph from every notebook
    (4,000,000 chains: stopped after 10 minutes, at 5.4 GB). Policies now have a work budget per (unit, policy):
    past it, every verdict of that policy on the unit is UNKNOWN naming the policy, the
    unit and the reason, and the other policies are taken as before. The count is of
    steps, not time: a second run (from the cache) gives the same report."""
    repo = repository(tmp_path / "repo")
    (repo / "main.tf").write_text(QUADRATIC_PATHS)
    home = tmp_path / "home"
    home.mkdir()
    runs = [iaclint("scan", ".", "--format", "json", cwd=repo, home=home) for _ in range(2)]
    for run in runs:
        assert_inert(run, code=1)
    reports = [json.loads(run.out) for run in runs]
    for report in reports:
        report["summary"].pop("elapsed", None)
    assert reports[0] == reports[1]
    over = [u for u in reports[0]["unknowns"] if "work budget" in u["message"]]
    assert {u["policy_id"] for u in over} == {"IAC607"}
    assert len(over) == 2001  # the role and every notebook: nothing dropped silently
    assert over[0]["message"].startswith("not evaluated: policy IAC607 on `.` needs more than 5,000,000 steps (the "
                                         "work budget of policy evaluation")
    assert len([f for f in reports[0]["findings"] if f["policy_id"] == "IAC101"]) == 2000


def test_hundreds_of_environments_are_capped_with_a_note(tmp_path):
    """300 one-line tfvars files in `env/` were 300 evaluations of every unit (and every
    finding's message listed all 300): a small repository scanned for minutes. At most
    32 environments are evaluated, the others are named in a note; one asked for by
    `--environment` is evaluated whatever its place."""
    repo = repository(tmp_path / "repo")
    (repo / "main.tf").write_text('variable "internet" {}\n' + NOTEBOOK.format(name="nb", value="var.internet"))
    (repo / "env").mkdir()
    for i in range(300):
        (repo / "env" / f"e{i:03d}.tfvars").write_text('internet = "Enabled"\n')
    home = tmp_path / "home"
    home.mkdir()
    run = iaclint("scan", ".", "--no-cache", "--format", "json", cwd=repo, home=home)
    assert_inert(run, code=1)
    assert ("iaclint: note: env/e032.tfvars: 268 environments are not evaluated (e032, e033, e034, e035, e036 and "
            "263 more): each is one more evaluation of every unit, and at most 32 are") in run.err
    found = [f for f in json.loads(run.out)["findings"] if f["policy_id"] == "IAC201"]
    assert [f["environments"] for f in found] == [[f"e{i:03d} (e{i:03d}.tfvars)" for i in range(32)]]
    run = iaclint("scan", ".", "--no-cache", "--format", "json", "--environment", "e299", cwd=repo, home=home)
    assert_inert(run, code=1)
    found = [f for f in json.loads(run.out)["findings"] if f["policy_id"] == "IAC201"]
    assert [f["environments"] for f in found] == [["e299 (e299.tfvars)"]]
