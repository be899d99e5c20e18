"""`templatefile()` of a file without a final newline (JSON written by editors and tools
often has none): the newline the loader adds to read the file as a heredoc is taken off
again, whatever the rendering is. It was taken off by slicing the rendered text, which
turned a JSON document with unknown parts (`EncodedJson`) into a plain string with
`${bucket}` spelt out: a known value that is false, so a pipeline's `s3://${bucket}/...`
named no bucket and the bucket it writes to was not seen as an ML bucket.

And the data sources that read or render a file of the tree (`local_file`, the `template`
provider's `template_file`): their result is the file or the rendering, not a value
"known only after apply"."""
from __future__ import annotations

import base64

from conftest import FIXTURES, builtin_policies

from iaclint.api import scan
from iaclint.frontends.terraform.module import load_module
from iaclint.model.documents import EncodedJson
from iaclint.model.unknown import Unknown

PIPELINE = '''resource "aws_s3_bucket" "data" {
  bucket = "churn-pipeline-data"
}

resource "aws_sagemaker_pipeline" "train" {
  pipeline_name         = "train"
  pipeline_display_name = "train"
  role_arn              = "arn:aws:iam::111122223333:role/pipeline"
  pipeline_definition   = templatefile("${path.module}/pipeline.json.tftpl", { bucket = aws_s3_bucket.data.bucket })
}
'''

# No newline at the end, on purpose.
DEFINITION = ('{"Version": "2020-12-01", "Steps": [{"Name": "Prepare", "Type": "Processing", "Arguments": {'
              '"ProcessingInputs": [{"InputName": "raw", "S3Input": {"S3Uri": "s3://${bucket}/raw", '
              '"LocalPath": "/opt/ml/processing/input", "S3DataType": "S3Prefix", "S3InputMode": "File"}}]}}]}')


def test_a_rendered_template_without_a_final_newline_keeps_its_unknown_parts():
    directory = FIXTURES / "parsers" / "terraform" / "functions-files"
    loaded = load_module(str(directory), [str(directory / "main.tf")])
    [role] = loaded.resources
    document = role.attributes["unknown_json"]
    assert isinstance(document, EncodedJson) and not str(document).endswith("\n")
    assert isinstance(document.value["Statement"][0]["Principal"]["AWS"], Unknown)
    text = role.attributes["unknown_text"]
    assert isinstance(text, Unknown) and text.parts[0] == "aws s3 cp s3://" and text.parts[-1] == "/model.tar.gz ."


def test_the_bucket_a_pipeline_template_writes_to_is_an_ml_bucket(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text(PIPELINE)
    (tmp_path / "pipeline.json.tftpl").write_text(DEFINITION)
    result = scan(["."], policies=list(builtin_policies()), select=["IAC115"], strict=True)
    assert [(f.file, f.line, f.resource, f.verdict) for f in result.findings] == [
        ("main.tf", 1, "aws_s3_bucket.data", "FAIL")]


SCRIPT = "#!/bin/bash\nexport HF_TOKEN=hf_abcdefghijklmnopqrstuvwxyzABCDEFGH\npip install -q ${package}\n"

LIFECYCLE = '''data "local_file" "start" {
  filename = "${path.module}/start.sh"
}

data "template_file" "create" {
  template = file("${path.module}/start.sh")
  vars     = { package = "numpy" }
}

resource "aws_sagemaker_notebook_instance_lifecycle_configuration" "local" {
  name     = "local"
  on_start = base64encode(data.local_file.start.content)
}

resource "aws_sagemaker_notebook_instance_lifecycle_configuration" "templated" {
  name      = "templated"
  on_create = base64encode(data.template_file.create.rendered)
}
'''


def test_local_file_and_template_file_are_read_as_file_and_templatefile(tmp_path, monkeypatch):
    """`data "local_file"` reads a file of the tree when Terraform plans, and the `template`
    provider's `data "template_file"` renders its `template` with its `vars`: the script a
    lifecycle configuration runs is known (it was UNKNOWN, "known only after apply")."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text(LIFECYCLE)
    (tmp_path / "start.sh").write_text(SCRIPT)
    loaded = load_module(".", ["main.tf"])
    [local, templated] = [r for r in loaded.resources if not r.address.startswith("data.")]
    assert local.attributes["on_start"] == base64.b64encode(SCRIPT.encode()).decode()
    rendered = SCRIPT.replace("${package}", "numpy")
    assert templated.attributes["on_create"] == base64.b64encode(rendered.encode()).decode()
    result = scan(["."], policies=list(builtin_policies()), select=["IAC319"], strict=True)
    assert [(f.line, f.resource, f.verdict) for f in result.findings] == [
        (12, "aws_sagemaker_notebook_instance_lifecycle_configuration.local", "FAIL"),
        (17, "aws_sagemaker_notebook_instance_lifecycle_configuration.templated", "FAIL")]
