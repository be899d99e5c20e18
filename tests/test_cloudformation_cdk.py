"""CDK synth output: discovery walks into the cloud assembly for `*.template.json` only,
and findings carry the construct path (resource `aws:cdk:path` metadata, else the
`aws:cdk:logicalId` entries of manifest.json) in every output format."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from conftest import FIXTURES, ROOT

from iaclint.api import scan
from iaclint.formatters.json_format import format_json
from iaclint.formatters.sarif import format_sarif
from iaclint.formatters.text import format_text
from iaclint.pipeline.discover import discover

CDK = FIXTURES / "parsers" / "cloudformation" / "cdk"
TEMPLATE = "fixtures/parsers/cloudformation/cdk/cdk.out/MlStack.template.json"
NOTEBOOK_POLICIES = ["IAC101", "IAC201", "IAC305"]  # no CMK, direct internet access, root access


@pytest.fixture
def result(in_root):
    return scan(["fixtures/parsers/cloudformation/cdk"], select=NOTEBOOK_POLICIES)


def test_findings_carry_the_construct_path(result):
    got = [(f.file, f.line, f.policy_id, f.resource, f.construct, f.attribute) for f in result.findings]
    assert got == [
        # No KmsKeyId and no RootAccess: reported at the logical id (line 76).
        (TEMPLATE, 76, "IAC101", "ResearchNotebook5D2E8F11", "MlStack/Research/Notebook", "KmsKeyId"),
        (TEMPLATE, 76, "IAC305", "ResearchNotebook5D2E8F11", "MlStack/Research/Notebook", "RootAccess"),
        (TEMPLATE, 79, "IAC201", "ResearchNotebook5D2E8F11", "MlStack/Research/Notebook", "DirectInternetAccess"),
        # No aws:cdk:path metadata on this one: the construct path comes from manifest.json.
        (TEMPLATE, 107, "IAC305", "ExperimentsNotebookC0FFEE42", "MlStack/Experiments/Notebook", "RootAccess"),
    ]
    # The template bundled in the asset directory is never read; only the stack template is.
    assert result.files == 1 and result.resources == 5


def test_discovery_reads_only_stack_templates_in_the_assembly(in_root):
    found = discover(["fixtures/parsers/cloudformation/cdk"])
    assert found.cloudformation == ["fixtures/parsers/cloudformation/cdk/cdk.json", TEMPLATE]
    assert found.terraform_dirs == {}
    # Scanning the assembly itself behaves the same.
    assert discover(["fixtures/parsers/cloudformation/cdk/cdk.out"]).cloudformation == [TEMPLATE]


def test_custom_output_directory_is_recognised_by_its_marker(tmp_path):
    out = tmp_path / "build" / "synth"
    shutil.copytree(CDK / "cdk.out", out)
    (out / "assembly-Prod").mkdir()
    shutil.copy(CDK / "cdk.out" / "MlStack.template.json", out / "assembly-Prod" / "ProdMlStack.template.json")
    (tmp_path / "other.json").write_text("{}")
    found = discover([str(tmp_path)])
    names = sorted(Path(p).relative_to(tmp_path).as_posix() for p in found.cloudformation)
    assert names == ["build/synth/MlStack.template.json", "build/synth/assembly-Prod/ProdMlStack.template.json",
                     "other.json"]


def test_text_json_and_sarif_show_the_construct(result):
    text = format_text(result)
    assert (f"{TEMPLATE}:79:5: IAC201 [high] SageMaker notebook instance has direct internet access: "
            "`DirectInternetAccess` is `Enabled` (ResearchNotebook5D2E8F11, construct MlStack/Research/Notebook)"
            ) in text.splitlines()

    document = json.loads(format_json(result))
    schema = json.loads((ROOT / "docs" / "schema" / "findings.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(document)
    assert [f["construct"] for f in document["findings"]] == [
        "MlStack/Research/Notebook", "MlStack/Research/Notebook", "MlStack/Research/Notebook",
        "MlStack/Experiments/Notebook"]

    log = json.loads(format_sarif(result))
    first = log["runs"][0]["results"][0]
    assert first["locations"][0]["logicalLocations"] == [
        {"name": "ResearchNotebook5D2E8F11", "fullyQualifiedName": "ResearchNotebook5D2E8F11", "kind": "resource"},
        {"name": "Notebook", "fullyQualifiedName": "MlStack/Research/Notebook", "kind": "module"},
    ]
    assert first["properties"]["construct"] == "MlStack/Research/Notebook"
    sarif_schema = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    assert not list(jsonschema.Draft4Validator(sarif_schema).iter_errors(log))


def test_resources_outside_cdk_have_no_construct(in_root):
    result = scan(["fixtures/parsers/cloudformation/sam/template.yaml"])
    assert all(f.construct == "" for f in result.findings + result.unknowns)


def test_cache_key_covers_the_manifest(tmp_path, monkeypatch):
    from iaclint.pipeline.cache import Cache

    shutil.copytree(CDK / "cdk.out", tmp_path / "cdk.out")
    monkeypatch.chdir(tmp_path)
    cache = Cache(tmp_path / ".cache")
    first = scan(["cdk.out"], select=["IAC305"], cache=cache)
    assert [f.construct for f in first.findings] == ["MlStack/Research/Notebook", "MlStack/Experiments/Notebook"]
    manifest = tmp_path / "cdk.out" / "manifest.json"
    manifest.write_text(manifest.read_text().replace("/MlStack/Experiments/Notebook", "/MlStack/Lab/Notebook"))
    again = scan(["cdk.out"], select=["IAC305"], cache=cache)
    assert [f.construct for f in again.findings] == ["MlStack/Research/Notebook", "MlStack/Lab/Notebook"]
