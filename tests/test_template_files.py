"""`templatefile()` of a file without a final newline (JSON written by editors and tools
often has none): the newline the loader adds to read the file as a heredoc is taken off
again, whatever the rendering is. It was taken off by slicing the rendered text, which
turned a JSON document with unknown parts (`EncodedJson`) into a plain string with
`${bucket}` spelt out: a known value that is false, so a pipeline's `s3://${bucket}/...`
named no bucket and the bucket it writes to was not seen as an ML bucket."""
from __future__ import annotations

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
