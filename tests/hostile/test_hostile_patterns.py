"""Our own regular expressions over text from the tree: a pattern that can start a long
match at every position (`[A-Za-z][A-Za-z0-9+.-]*://` over `aaaa...`, `\\$\\{[^}]*\\}`
over `${${${...`) is quadratic in Python's `re`, and a value may hold millions of
characters. Each case here took from minutes to hours on a file of one or two megabytes;
those patterns now run in RE2 (`iaclint.model.linear_regex.Program`) or cannot cross a
line, and long IAM globs are matched piece by piece (`iaclint.aws.iam.matching`). The timeout is "it ends", not a speed bound."""
from __future__ import annotations

import pytest
from harness import assert_inert, iaclint, repository

LONG = 1_000_000

ATTACKS = {
    "IAC307 URL without `://`": ("main.tf", 'resource "aws_sagemaker_code_repository" "r" {\n'
                                 '  code_repository_name = "r"\n  git_config {\n'
                                 f'    repository_url = "{"a" * LONG}"\n  }}\n}}\n'),
    "IAC307 userinfo of `{`": ("main.tf", 'variable "x" {}\nresource "aws_sagemaker_code_repository" "r" {\n'
                               '  code_repository_name = "r"\n  git_config {\n'
                               f'    repository_url = "https://{"{" * LONG}${{var.x}}@example.com/x"\n  }}\n}}\n'),
    "lifecycle script of `curl`s": ("main.tf", 'resource "aws_sagemaker_notebook_instance_lifecycle_configuration" '
                                    f'"l" {{\n  name = "l"\n  on_create = "{"curl " * (LONG // 5)}"\n}}\n'),
    "instance family `a1ddd...d!`": ("main.tf", 'resource "aws_sagemaker_endpoint_configuration" "e" {\n'
                                     '  production_variants {\n    variant_name = "v"\n'
                                     f'    instance_type = "ml.a1{"d" * LONG}!.xlarge"\n  }}\n}}\n'),
    "Fn::Sub of `${`": ("t.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B:\n"
                        "    Type: AWS::S3::Bucket\n    Properties:\n"
                        f"      BucketName: !Sub '{'${' * (LONG // 2)}'\n"),
    "pyproject.toml of newlines": ("pyproject.toml", "\n" * LONG + "!\n"),
    # an IAM-style glob (`*` for the unknown part) against a long bucket name: the
    # two-pointer matcher went back to the `*` at every character (20,000: a minute)
    "glob `*aaa...ab` against `aaa...a`": ("main.tf", 'variable "x" {}\nresource "aws_s3_bucket" "b" {\n'
                                          f'  bucket = "{"a" * (LONG // 5)}"\n}}\n'
                                          'resource "aws_sagemaker_notebook_instance" "nb" {\n  name = "nb"\n'
                                          '  role_arn = "arn:aws:iam::123456789012:role/sm"\n'
                                          '  instance_type = "ml.t3.medium"\n'
                                          f'  default_code_repository = "s3://${{var.x}}{"a" * (LONG // 10)}b/code"\n}}\n'),
}


@pytest.mark.parametrize("name", list(ATTACKS))
def test_a_long_value_cannot_make_a_pattern_quadratic(tmp_path, name):
    repo = repository(tmp_path / "repo")
    file, text = ATTACKS[name]
    (repo / file).write_text(text)
    if file == "pyproject.toml":
        (repo / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n')
    home = tmp_path / "home"
    home.mkdir()
    run = iaclint("scan", ".", "--no-cache", "--format", "json", cwd=repo, home=home, timeout=60)
    assert_inert(run, code=(0, 1))
    assert run.out.startswith("{"), run.err
