"""Configuration files: discovery by walking up, validation against the shipped JSON
Schema (errors name the key and the file, exit 2), every key's effect on a real scan, the
command line overriding the file, and `iaclint init`."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap

import jsonschema
import pytest

from iaclint.faces.cli import main
from iaclint.pipeline.config import ConfigError, find_config, load_config, schema

NOTEBOOKS = textwrap.dedent('''\
    variable "internet" {}

    resource "aws_sagemaker_notebook_instance" "open" {
      name          = "open"
      role_arn      = "arn:aws:iam::123456789012:role/sm"
      instance_type = "ml.t3.medium"
      root_access   = "Enabled"
    }

    resource "aws_sagemaker_notebook_instance" "unknown" {
      name                   = "unknown"
      role_arn               = "arn:aws:iam::123456789012:role/sm"
      instance_type          = "ml.t3.medium"
      root_access            = "Disabled"
      direct_internet_access = var.internet
    }
    ''')

TEMPLATE = textwrap.dedent('''\
    Parameters:
      Internet:
        Type: String
    Resources:
      Nb:
        Type: AWS::SageMaker::NotebookInstance
        Properties:
          InstanceType: ml.t3.medium
          RoleArn: arn:aws:iam::123456789012:role/sm
          RootAccess: Disabled
          DirectInternetAccess: !Ref Internet
    ''')


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A repository root (a `.git` directory stops the walk) with a Terraform stack."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "main.tf").write_text(NOTEBOOKS)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def config(repo, text: str, name: str = ".iaclint.yaml"):
    path = repo / name
    path.write_text(textwrap.dedent(text))
    return path


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def findings(capsys, *argv):
    """(policy, file, line, severity) of a JSON scan, and the exit code."""
    code, out, err = run(capsys, "scan", *argv, "--format", "json")
    assert err == "" or code != 2, err
    data = json.loads(out)
    return code, [(f["policy_id"], f["file"], f["line"], f["severity"]) for f in data["findings"]]


# --- discovery ----------------------------------------------------------------------------

def test_found_by_walking_up_and_the_nearest_wins(repo):
    deep = repo / "stacks" / "ml"
    deep.mkdir(parents=True)
    (deep / "main.tf").write_text(NOTEBOOKS)
    top = config(repo, "fail-on: high\n")
    assert find_config(str(deep / "main.tf")) == str(top)
    nearer = config(repo / "stacks", "fail-on: low\n")
    assert find_config(str(deep)) == str(nearer)


def test_iaclint_yaml_wins_over_pyproject_in_the_same_directory(repo):
    config(repo, '[tool.iaclint]\nfail-on = "low"\n', "pyproject.toml")
    assert find_config(str(repo)) == str(repo / "pyproject.toml")
    config(repo, "fail-on: high\n")
    assert find_config(str(repo)) == str(repo / ".iaclint.yaml")


def test_pyproject_without_the_table_is_passed_over(repo):
    sub = repo / "sub"
    sub.mkdir()
    config(sub, '[project]\nname = "x"\n', "pyproject.toml")
    top = config(repo, "fail-on: high\n")
    assert find_config(str(sub)) == str(top)


def test_the_walk_stops_at_the_repository_root(tmp_path):
    config(tmp_path, "fail-on: high\n")  # above the repository: not ours
    inner = tmp_path / "repo"
    (inner / ".git").mkdir(parents=True)
    assert find_config(str(inner)) is None


def test_pyproject_table_is_read(repo, capsys):
    config(repo, '[tool.iaclint]\nselect = ["IAC305"]\nfail_on = "critical"\n', "pyproject.toml")
    code, rows = findings(capsys, ".")
    assert (code, rows) == (0, [("IAC305", "main.tf", 7, "high")])


# --- validation -----------------------------------------------------------------------------

def test_shipped_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(schema())


@pytest.mark.parametrize("text,messages", [
    ("selct: [IAC101]\n", [".iaclint.yaml: unknown key `selct` (did you mean `select`?)"]),
    ("fail-on: hihg\n", [".iaclint.yaml: `fail-on`: 'hihg' is not one of "
                         "['critical', 'high', 'medium', 'low', 'info']"]),
    ("strict: 'yes'\n", [".iaclint.yaml: `strict`: 'yes' is not of type 'boolean'"]),
    ("exclude: legacy/**\n", [".iaclint.yaml: `exclude`: 'legacy/**' is not of type 'array'"]),
    ("severity: {IAC101: urgent}\n", [".iaclint.yaml: `severity.IAC101`: 'urgent' is not one of "
                                      "['critical', 'high', 'medium', 'low', 'info']"]),
    ('per_path_ignores: {"legacy/**": [IAC201, "not an id"]}\n',
     ['.iaclint.yaml: `per_path_ignores["legacy/**"][1]`: \'not an id\' is not a policy ID (IAC101) or name '
      '(sagemaker-notebook-no-cmk)']),
    ("fail-on: high\nfail_on: low\n", [".iaclint.yaml: `fail-on` and `fail_on` are the same key; keep one"]),
    ("select: [IAC101\n", [".iaclint.yaml: invalid YAML at line 2: did not find expected ',' or ']'"]),
    ("- IAC101\n", [".iaclint.yaml: the configuration must be a mapping of keys to values"]),
    ("bogus: 1\nstrict: 2\n", [".iaclint.yaml: unknown key `bogus` (known keys: select, extend-select, ignore, severity, "
                               "fail-on, exclude, per-path-ignores, policy-dirs, variables, var-files, parameters, "
                               "environments, environment, trusted-accounts, strict, show-suppressed, jobs, cache, cache-dir, baseline, format)",
                               ".iaclint.yaml: `strict`: 2 is not of type 'boolean'"]),
])
def test_invalid_configuration_exits_2_naming_file_and_key(repo, capsys, text, messages):
    config(repo, text)
    code, out, err = run(capsys, "scan", ".")
    assert code == 2 and out == ""
    assert err.splitlines() == [f"iaclint: error: {m}" for m in messages]


def test_unknown_key_in_pyproject(repo, capsys):
    config(repo, '[tool.iaclint]\nfail-on = "high"\n[tool.iaclint.severty]\nIAC101 = "low"\n', "pyproject.toml")
    code, _, err = run(capsys, "scan", ".")
    assert code == 2
    assert err == "iaclint: error: pyproject.toml: unknown key `severty` (did you mean `severity`?)\n"


def test_load_config_raises_with_the_file(repo):
    path = config(repo, "format: xml\n")
    with pytest.raises(ConfigError) as info:
        load_config(str(path))
    assert info.value.file == ".iaclint.yaml"
    assert info.value.messages[0].startswith("`format`: 'xml' is not one of ['text', 'json', 'sarif'")


# --- every key has its effect ------------------------------------------------------------------

def test_select_ignore_and_severity(repo, capsys):
    config(repo, """\
        select: [IAC201, sagemaker-notebook-root-access, IAC101]
        ignore: [IAC101]
        severity: {sagemaker-notebook-root-access: critical}
        """)
    assert findings(capsys, ".") == (1, [("IAC201", "main.tf", 3, "high"), ("IAC305", "main.tf", 7, "critical")])


def test_severity_override_reaches_sarif_rules(repo, capsys):
    config(repo, "select: [IAC305]\nseverity: {IAC305: low}\n")
    _, out, _ = run(capsys, "scan", ".", "--format", "sarif")
    rule = next(r for r in json.loads(out)["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "IAC305")
    assert rule["properties"]["security-severity"] == "3.0"


def test_fail_on_and_the_command_line_overrides_it(repo, capsys):
    config(repo, "select: [IAC201]\nfail-on: critical\n")
    assert run(capsys, "scan", ".")[0] == 0
    assert run(capsys, "scan", ".", "--fail-on", "high")[0] == 1


def test_exclude_and_per_path_ignores_are_relative_to_the_file(repo, capsys):
    for name in ("legacy", "sandbox", "prod"):
        (repo / name).mkdir()
        (repo / name / "main.tf").write_text(NOTEBOOKS)
    config(repo, """\
        select: [IAC201, IAC305]
        exclude: ["legacy/**", "/main.tf"]  # a leading / anchors a name to this directory
        per-path-ignores:
          "sandbox/**": [IAC201]
        """)
    os.chdir(repo / "prod")  # the globs do not depend on the working directory
    assert findings(capsys, "..") == (1, [
        ("IAC201", "../prod/main.tf", 3, "high"), ("IAC305", "../prod/main.tf", 7, "high"),
        ("IAC305", "../sandbox/main.tf", 7, "high"),
    ])


def test_exclude_applies_to_files_named_one_by_one(repo, capsys):
    config(repo, "exclude: [main.tf]\n")
    code, out, _ = run(capsys, "scan", "main.tf")
    assert code == 0 and out.startswith("Scanned 0 files")


def test_variables_var_files_and_strict(repo, capsys):
    config(repo, "select: [IAC201]\nstrict: true\n")
    code, out, _ = run(capsys, "scan", ".", "--format", "json")
    assert [(f["line"], f["verdict"]) for f in json.loads(out)["findings"]] == [(3, "FAIL"), (15, "UNKNOWN")]
    assert findings(capsys, ".", "--no-strict")[1] == [("IAC201", "main.tf", 3, "high")]

    config(repo, "select: [IAC201]\nvariables: {internet: Enabled}\n")
    assert [r[2] for r in findings(capsys, ".")[1]] == [3, 15]
    assert [r[2] for r in findings(capsys, ".", "--var", "internet=Disabled")[1]] == [3]

    (repo / "envs").mkdir()
    (repo / "envs" / "prod.tfvars").write_text('internet = "Enabled"\n')
    config(repo, "select: [IAC201]\nvar-files: [envs/prod.tfvars]\n")
    os.chdir(repo / "envs")
    assert [r[2] for r in findings(capsys, "..")[1]] == [3, 15]


def test_parameters(repo, capsys):
    (repo / "main.tf").unlink()
    (repo / "stack.yaml").write_text(TEMPLATE)
    config(repo, "select: [IAC201]\nparameters: {Internet: Enabled}\n")
    assert findings(capsys, ".")[1] == [("IAC201", "stack.yaml", 11, "high")]
    assert findings(capsys, ".", "--parameter", "Internet=Disabled")[1] == []


def test_policy_dirs_are_relative_to_the_file(repo, capsys):
    (repo / "my-policies").mkdir()
    (repo / "my-policies" / "p.yaml").write_text(textwrap.dedent('''\
        metadata:
          id: IAC901
          name: approved-instance-family
          severity: low
          message: Notebook uses an unapproved instance type
        definition:
          cond_type: attribute
          resource_types: [aws_sagemaker_notebook_instance]
          attribute: instance_type
          operator: regex_match
          value: '^ml\\.m5\\.'
        '''))
    config(repo, "select: [IAC901]\npolicy-dirs: [my-policies]\n")
    (repo / "sub").mkdir()
    os.chdir(repo / "sub")
    assert findings(capsys, "..", "--trust-config")[1] == [("IAC901", "../main.tf", 6, "low"),
                                                           ("IAC901", "../main.tf", 13, "low")]


def test_show_suppressed_and_format(repo, capsys):
    (repo / "main.tf").write_text("# iaclint:ignore IAC201 -- sandbox\n" + NOTEBOOKS.split("\n", 2)[2])
    config(repo, "select: [IAC201]\nshow-suppressed: true\nformat: github\n")
    code, out, _ = run(capsys, "scan", ".")
    assert code == 0 and out.startswith("Scanned 1 file")  # github: suppressed findings never annotate
    code, out, _ = run(capsys, "scan", ".", "--format", "text")
    assert out.splitlines()[0].startswith("main.tf:2:1: IAC201 [high] [suppressed: sandbox] ")


def test_command_line_select_replaces_and_ignore_adds(repo, capsys):
    config(repo, "select: [IAC201]\nignore: [IAC305]\n")
    assert findings(capsys, ".", "--select", "IAC305,IAC201")[1] == [("IAC201", "main.tf", 3, "high")]
    assert findings(capsys, ".", "--ignore", "IAC201")[1] == []


def test_explicit_config_and_no_config(repo, capsys):
    config(repo, "select: [IAC201]\n")
    other = config(repo, "select: [IAC305]\n", "other.yaml")
    assert findings(capsys, ".", "--config", str(other))[1] == [("IAC305", "main.tf", 7, "high")]
    assert len(findings(capsys, ".", "--no-config")[1]) > 2
    code, _, err = run(capsys, "scan", ".", "--config", "missing.yaml")
    assert code == 2 and err == "iaclint: error: missing.yaml: configuration file not found\n"


# --- iaclint init ---------------------------------------------------------------------------------

def test_init_writes_a_valid_commented_starter_and_refuses_to_overwrite(repo, capsys):
    code, out, _ = run(capsys, "init")
    assert code == 0 and out == "Wrote .iaclint.yaml; edit it, then run `iaclint scan`.\n"
    text = (repo / ".iaclint.yaml").read_text()
    assert text.count("\n# ") >= 10  # commented
    loaded = load_config(str(repo / ".iaclint.yaml"))
    assert loaded.values == {"fail-on": "info", "strict": False, "show-suppressed": False}
    # every commented example is valid once uncommented
    keys = set(schema()["properties"])
    uncommented = "\n".join(
        line[2:] if re.match(r"# ([a-z-]+):", line) and line[2:].split(":")[0] in keys or line.startswith("#   ")
        else line for line in text.splitlines())
    (repo / "full.yaml").write_text(uncommented)
    assert set(load_config(str(repo / "full.yaml")).values) == set(schema()["properties"]) - {"format"}
    code, _, err = run(capsys, "init")
    assert code == 2 and err == "iaclint: error: .iaclint.yaml: already exists; not overwriting it\n"


# --- the light import path ----------------------------------------------------------------------------

def test_no_config_file_means_no_jsonschema_import(repo):
    code = ("import sys\nfrom iaclint.faces.cli import main\nmain(['scan', '.', '--select', 'IAC201'])\n"
            "print('jsonschema' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=repo).stdout
    assert out.strip().endswith("False")
    config(repo, "select: [IAC201]\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=repo).stdout
    assert out.strip().endswith("True")


def test_the_documented_examples_are_valid(tmp_path):
    """docs/usage.md's complete example (YAML) and its pyproject.toml table validate."""
    from conftest import ROOT

    text = (ROOT / "docs" / "usage.md").read_text()
    block = re.search(r"```yaml\n(# \.iaclint\.yaml.*?)```", text, flags=re.S).group(1)
    (tmp_path / ".iaclint.yaml").write_text(block)
    values = load_config(str(tmp_path / ".iaclint.yaml")).values
    assert set(values) == set(schema()["properties"])  # the example shows every key
    toml = re.search(r"```toml\n(.*?)```", text, flags=re.S).group(1)
    (tmp_path / "pyproject.toml").write_text(toml)
    assert load_config(str(tmp_path / "pyproject.toml")).values["severity"] == {"IAC402": "high"}


def test_jobs_and_cache_from_the_file(repo, capsys):
    """`jobs`, `cache` and `cache-dir` work from the file as their flags do, `cache-dir`
    only when the file is trusted (docs/security.md)."""
    config(repo, "jobs: 1\ncache-dir: .scan-cache\n")
    first = findings(capsys, ".", "--trust-config")
    assert any(p.is_file() for p in (repo / ".scan-cache").rglob("*"))
    assert findings(capsys, ".", "--trust-config") == first
    code, out, err = run(capsys, "scan", ".", "--format", "json")
    assert not (repo / ".scan-cache" / "not-written").exists()
    assert "iaclint: note: .iaclint.yaml: `cache-dir` ignored: a configuration in the scanned tree cannot choose " \
           "where the cache lives" in err
    config(repo, "cache: false\ncache-dir: .other-cache\n")
    assert findings(capsys, ".") == first
    assert not (repo / ".other-cache").exists()
    config(repo, "jobs: 0\n")
    code, _, err = run(capsys, "scan", ".")
    assert code == 2 and "`jobs`: 0 is less than the minimum of 1" in err
