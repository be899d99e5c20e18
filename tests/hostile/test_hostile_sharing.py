"""Issue 11, many small units sharing one large input, through the real CLI.

Each unit is bounded on its own, but units multiply: 150-byte CloudFormation parents that
all nest one large child template, or three-line Terraform roots that all call one large
local module, evaluate the shared input once per unit. The scan-wide work budget
(`iaclint.pipeline.scan_budget`) bounds the whole scan by the tree's own size: units are
charged in path order, and every unit past the budget is named in a note. These tests
build the attacks small, with `--work-budget 0` (no floor: the limit is the tree's size
alone), so they run in seconds; they assert which units are cut, never how long it took,
and that the cut is the same for --jobs 1, --jobs 2 and a cache hit.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from harness import assert_inert, environment, iaclint, repository

PARENTS = 40
CHILD_BUCKETS = 300
NOTED = re.compile(r"^iaclint: note: (\S+): not evaluated: the ([\d,]+) units before it in path order spent "
                   r"[\d,]+ steps, past the scan's work budget of [\d,]+ for [\d,]+ bytes of input", re.M)


def cloudformation_parents(repo: Path, parents: int = PARENTS) -> list[str]:
    """`parents` tiny templates each nesting child.yaml (CHILD_BUCKETS buckets and a notebook
    open to the internet) with a parameter of its own, so no two evaluations are alike."""
    child = ["Parameters:", "  P: {Type: String}", "Resources:",
             "  Open:", "    Type: AWS::SageMaker::NotebookInstance", "    Properties:",
             "      InstanceType: ml.t3.medium", "      RoleArn: arn:aws:iam::123456789012:role/r",
             "      DirectInternetAccess: Enabled", "      NotebookInstanceName: !Sub '${P}-nb'"]
    child += [f"  B{i}:\n    Type: AWS::S3::Bucket\n    Properties: {{BucketName: !Sub '${{P}}-{i}'}}"
              for i in range(CHILD_BUCKETS)]
    (repo / "child.yaml").write_text("\n".join(child) + "\n")
    names = []
    for p in range(parents):
        name = f"p{p:03d}.yaml"
        (repo / name).write_text("Resources:\n  S:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n"
                                 f"      TemplateURL: ./child.yaml\n      Parameters: {{P: x{p}}}\n")
        names.append(name)
    return ["child.yaml"] + names


def terraform_roots(repo: Path, roots: int = PARENTS) -> list[str]:
    """`roots` three-line roots each calling ../big with an input of its own."""
    big = repo / "big"
    big.mkdir()
    text = 'variable "p" {\n  type = string\n}\n' + "".join(
        f'resource "aws_s3_bucket" "b{i}" {{\n  bucket = "${{var.p}}-{i}"\n}}\n' for i in range(CHILD_BUCKETS))
    text += ('resource "aws_sagemaker_notebook_instance" "open" {\n  name = "${var.p}-nb"\n'
             '  role_arn = "arn:aws:iam::123456789012:role/r"\n  instance_type = "ml.t3.medium"\n'
             '  direct_internet_access = "Enabled"\n}\n')
    (big / "main.tf").write_text(text)
    names = ["big/main.tf"]
    for r in range(roots):
        root = repo / f"r{r:03d}"
        root.mkdir()
        (root / "main.tf").write_text(f'module "m" {{\n  source = "../big"\n  p = "x{r}"\n}}\n')
        names.append(f"r{r:03d}/main.tf")
    return names


def scans(repo: Path, home: Path, *extra) -> list:
    """The same scan with --jobs 1, --jobs 2, and --jobs 2 again from the cache."""
    runs = []
    for jobs, cache in (("1", "--no-cache"), ("2", None), ("2", None)):
        args = ["scan", ".", "--format", "json", "--jobs", jobs, *extra] + ([cache] if cache else [])
        runs.append(iaclint(*args, cwd=repo, home=home, env=environment(home, IACLINT_CACHE_DIR=home / "cache")))
    return runs


def check_cut(tmp_path: Path, build) -> tuple:
    repo = repository(tmp_path / "repo")
    units = build(repo)
    home = tmp_path / "home"
    home.mkdir()
    runs = scans(repo, home, "--work-budget", "0")
    for run in runs:
        assert_inert(run, code=1)  # the notebooks of the evaluated units are findings
    first = runs[0]
    assert all(run.out == first.out for run in runs), "--jobs 1, --jobs 2 and the cache disagree"
    notes = [(m.group(1), m.group(2)) for m in NOTED.finditer(first.err)]
    assert all(NOTED.findall(run.err) == NOTED.findall(first.err) for run in runs)
    cut = len(units) - len(notes)
    # Every unit past the budget is named, in path order: the tail of the units.
    assert [name for name, _ in notes] == units[cut:]
    assert {before for _, before in notes} == {f"{cut:,}"}
    assert 2 <= cut <= PARENTS // 2, f"{cut} units evaluated: the budget should cut the scan early"
    return json.loads(first.out), units[:cut]


def test_many_parents_of_one_nested_template_are_cut_by_the_scan_budget(tmp_path):
    report, evaluated = check_cut(tmp_path, cloudformation_parents)
    open_ = [f for f in report["findings"] if f["resource"] == "S.Open" and "direct internet access" in f["message"]]
    # Once per parent evaluated (child.yaml, first in path order, is evaluated through them)
    assert len(open_) == len(evaluated) - 1


def test_many_roots_calling_one_module_are_cut_by_the_scan_budget(tmp_path):
    report, evaluated = check_cut(tmp_path, terraform_roots)
    failed = {f["resource"] for f in report["findings"] if f["resource"].endswith("aws_sagemaker_notebook_instance.open")}
    assert failed == {"module.m.aws_sagemaker_notebook_instance.open"}


def test_a_tree_within_the_budget_loses_nothing(tmp_path):
    """The default budget: fewer of the same roots and parents are all evaluated, nothing noted."""
    repo = repository(tmp_path / "repo")
    terraform_roots(repo, 8)
    (repo / "cfn").mkdir()
    cloudformation_parents(repo / "cfn", 8)
    home = tmp_path / "home"
    home.mkdir()
    run = iaclint("scan", ".", "--format", "json", "--no-cache", cwd=repo, home=home)
    assert_inert(run, code=1)
    assert "not evaluated" not in run.err
    report = json.loads(run.out)
    assert report["summary"]["resources"] == 2 * 8 * (CHILD_BUCKETS + 1) + 8  # and the stacks


def test_the_work_budget_is_a_number_of_steps(tmp_path):
    repo = repository(tmp_path / "repo")
    home = tmp_path / "home"
    home.mkdir()
    run = iaclint("scan", ".", "--work-budget", "-1", cwd=repo, home=home)
    assert_inert(run, code=2)
    assert "--work-budget must be 0 or more, got -1" in run.err
