"""The AI asset graph and `iaclint inventory`: the graph is built once and shared with the
attack-path policies; every format is valid against its published schema (ours for
JSON, the official CycloneDX 1.6 schema shipped with cyclonedx-python-lib, OASIS SARIF
2.1.0 for code flows); names from a hostile tree cannot break out of any format; and the
command's options and exit codes."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from conftest import FIXTURES, ROOT, builtin_policies, rel

from iaclint.api import inventory, scan

SCHEMA = json.loads((ROOT / "docs" / "schema" / "inventory.json").read_text(encoding="utf-8"))
FINDINGS_SCHEMA = json.loads((ROOT / "docs" / "schema" / "findings.json").read_text(encoding="utf-8"))
SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
EXAMPLES = sorted(str(p.relative_to(ROOT)) for p in (FIXTURES / "examples").glob("*/*") if p.is_dir())
PATH_FIXTURES = rel(FIXTURES / "policies")


def _inventory(paths, **kwargs):
    return inventory(list(paths), policies=list(builtin_policies()), **kwargs)


@pytest.fixture(scope="module")
def examples():
    import os

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        return _inventory(EXAMPLES)
    finally:
        os.chdir(cwd)


def test_schema_kinds_are_the_models_kinds():
    from iaclint.inventory.model import EDGE_KINDS, EXPOSURES, KINDS

    assert SCHEMA["$defs"]["kind"]["enum"] == list(KINDS)
    assert SCHEMA["$defs"]["edge"]["properties"]["kind"]["enum"] == list(EDGE_KINDS)
    assert SCHEMA["$defs"]["asset"]["properties"]["exposure"]["oneOf"][0]["enum"] == list(EXPOSURES)


def test_json_inventory_of_the_examples_validates(examples, in_root):
    from iaclint.formatters.inventory_json import format_inventory_json

    document = json.loads(format_inventory_json(examples))
    jsonschema.Draft202012Validator(SCHEMA).validate(document)
    assert document["summary"]["assets"] == len(document["assets"]) > 100
    ids = {a["id"] for a in document["assets"]}
    assert len(ids) == len(document["assets"])
    assert all(e["source"] in ids and e["target"] in ids for e in document["edges"])
    # rag 3+3, mlops 3+3, sagemaker-insecure 3+3 (IAC607, IAC602 twice), ml-platform-modules 1+2 (IAC602)
    assert document["summary"]["paths"] == 21
    assert all(p["flows"] for p in document["paths"])
    # every link of a chain names the assets it joins, as `assets` does: a reader (the
    # HTML page) ties a chain to the graph by id, never by a name two stacks may share
    for p in document["paths"]:
        for chain in p["flows"]:
            assert all(step["source_asset"] in ids for step in chain), p["message"]
            assert all(step["target_asset"] in ids for step in chain if p["policy_id"] != "IAC602")
            assert all(b["source_asset"] == a.get("target_asset") for a, b in zip(chain, chain[1:]))
    chat = next(p for p in document["paths"] if p["policy_id"] == "IAC605" and p["file"].endswith("api/main.tf"))
    assert [s["target_asset"] for s in chat["flows"][0]] == [
        "fixtures/examples/rag-assistant/terraform#module.api.aws_lambda_function.chat_function",
        "fixtures/examples/rag-assistant/terraform#module.api.aws_iam_role.chat_role",
        "fixtures/examples/rag-assistant/terraform#module.assistant.aws_bedrockagent_agent.assistant"]
    assert chat["flows"][0][0]["source_asset"] == "external:internet"


def test_json_inventory_of_the_path_fixtures_validates_with_unknowns(in_root):
    from iaclint.formatters.inventory_json import format_inventory_json

    result = _inventory([PATH_FIXTURES])
    document = json.loads(format_inventory_json(result))
    jsonschema.Draft202012Validator(SCHEMA).validate(document)
    assert document["summary"]["unknown_paths"] >= 4
    assert document["summary"]["unknown_edges"] >= 3
    unknown = [e for e in document["edges"] if not e["known"]]
    assert all(e["reason"] for e in unknown)


def test_scan_json_with_attack_paths_validates(in_root):
    from iaclint.formatters.json_format import format_json

    result = scan([PATH_FIXTURES], policies=list(builtin_policies()), strict=True)
    document = json.loads(format_json(result))
    jsonschema.Draft202012Validator(FINDINGS_SCHEMA).validate(document)
    flows = [f for f in document["findings"] if "flows" in f]
    assert flows and all(step["target"] for f in flows for chain in f["flows"] for step in chain)


def test_cyclonedx_is_a_valid_1_6_bom(examples):
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    from iaclint.formatters.cyclonedx import format_cyclonedx

    text = format_cyclonedx(examples)
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    bom = json.loads(text)
    assert bom["specVersion"] == "1.6"
    types = {c["type"] for c in bom["components"]}
    assert {"machine-learning-model", "data", "cryptographic-asset"} <= types
    assert any(s["name"].endswith("aws_sagemaker_endpoint.churn_endpoint") for s in bom["services"])
    assert bom["dependencies"] and bom["vulnerabilities"]
    assert text == format_cyclonedx(examples), "same input, same bytes (serial number from the content)"


def test_sarif_carries_each_chain_as_a_code_flow(in_root):
    from iaclint.formatters.sarif import format_sarif

    result = scan([rel(FIXTURES / "examples" / "rag-assistant" / "terraform")], policies=list(builtin_policies()))
    log = json.loads(format_sarif(result))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    flowing = [r for r in log["runs"][0]["results"] if r.get("codeFlows")]
    assert {r["ruleId"] for r in flowing} == {"IAC605", "IAC606", "IAC608"}
    chat = next(r for r in flowing if r["ruleId"] == "IAC605")
    steps = chat["codeFlows"][0]["threadFlows"][0]["locations"]
    assert [s["importance"] for s in steps] == ["essential", "important", "important"]
    assert steps[0]["location"]["physicalLocation"]["artifactLocation"]["uri"] == \
        "fixtures/examples/rag-assistant/terraform/modules/api/main.tf"
    assert steps[-1]["location"]["message"]["text"].startswith("role `module.api.aws_iam_role.chat_role` invokes agent")


def test_the_graph_is_built_once_and_is_the_one_the_policies_read(monkeypatch, in_root):
    """One build per unit for the inventory and the attack-path policies together."""
    from iaclint.inventory import builder

    built = []
    real = builder.build_unit

    def counting(resources, ctx):
        graph = real(resources, ctx)
        built.append((resources[0].unit if resources else "", graph))
        return graph

    monkeypatch.setattr(builder, "build_unit", counting)
    result = _inventory([rel(FIXTURES / "examples" / "rag-assistant" / "terraform"),
                         rel(FIXTURES / "examples" / "mlops-pipeline" / "cloudformation")], jobs=2)
    units = [u for u, _ in built]
    assert len(units) == len(set(units)) == 3  # one Terraform root, two templates
    assert len(result.findings) == 6
    for _, graph in built:  # the inventory is made of the very graphs the policies read
        for asset in graph:
            if not asset.pseudo:
                assert result.inventory.get(asset.id) is asset


def test_a_scan_runs_the_path_policies_where_units_load(in_root):
    """A plain scan (no inventory) takes attack-path verdicts in the workers, on each
    unit's graph, and finds the same paths."""
    paths = [rel(FIXTURES / "examples" / "rag-assistant" / "terraform")]
    scanned = scan(paths, policies=list(builtin_policies()), jobs=1)
    listed = _inventory(paths)
    assert scanned.inventory is None
    assert [(f.policy_id, f.line) for f in scanned.findings if f.policy_id.startswith("IAC60")] == \
        [(f.policy_id, f.line) for f in listed.findings]



def test_a_scan_never_works_out_what_only_the_inventory_shows(monkeypatch, in_root):
    """The attack-path policies read kinds, tags, roles, exposure, guardrails and edges;
    where each asset is written, its encryption, a principal's grants and its facts are
    shown by the inventory only (`builder.detail`): a scan never works them out, the
    inventory adds them once per unit, and the findings are the same either way."""
    from iaclint.inventory import builder

    detailed = []
    real = builder.detail

    def counting(graph, resources, ctx):
        detailed.append(graph)
        return real(graph, resources, ctx)

    monkeypatch.setattr(builder, "detail", counting)
    paths = [rel(FIXTURES / "examples" / "rag-assistant" / "terraform")]
    scanned = scan(paths, policies=list(builtin_policies()), jobs=1)
    assert detailed == []
    listed = _inventory(paths)
    assert len(detailed) == 1  # one Terraform root
    assets = [a for a in listed.inventory if not a.pseudo]
    assert assets and all(a.location is not None for a in assets)
    roles = [a for a in assets if a.kind == "role"]
    assert roles and all(a.grants and set(a.facts) == {"passes_every_role", "reads_every_bucket"} for a in roles)
    assert any(a.encryption is not None for a in assets)
    assert [(f.policy_id, f.line, f.message) for f in scanned.findings if f.policy_id.startswith("IAC60")] == \
        [(f.policy_id, f.line, f.message) for f in listed.findings]


def test_details_past_their_budget_leave_the_unit_out_and_its_paths_stand(monkeypatch, in_root):
    """The inventory's details have a work budget of their own: past it the unit is left
    out of the inventory with the reason, and the attack-path verdicts, taken on the
    graph under its own budget, are those of a scan."""
    from iaclint.inventory import builder
    from iaclint.model.work import SHARED_STEPS, spend

    monkeypatch.setattr(builder, "detail", lambda graph, resources, ctx: spend(SHARED_STEPS + 1))
    paths = [rel(FIXTURES / "examples" / "rag-assistant" / "terraform")]
    listed = _inventory(paths)
    assert len(listed.inventory) == 0
    assert [reason for _, reason in listed.inventory.left_out] == [
        f"its AI assets are not listed: not evaluated: the AI inventory of `{paths[0]}` needs more than "
        f"{SHARED_STEPS:,} steps (the work budget of policy evaluation: a unit this large or this interconnected is "
        "beyond what is checked statically)"]
    scanned = scan(paths, policies=list(builtin_policies()), jobs=1)
    assert [(f.policy_id, f.line) for f in listed.findings] == \
        [(f.policy_id, f.line) for f in scanned.findings if f.policy_id.startswith("IAC60")]


HOSTILE = '</script><script>window.pwned=1</script>\n```\n"]; A --> B["x|y`z<!--'


def _hostile_tree(tmp_path: Path) -> Path:
    (tmp_path / "main.tf").write_text(f'''
resource "aws_iam_role" "agent" {{
  name = "agent"
  assume_role_policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{ Effect = "Allow", Principal = {{ AWS = "*" }}, Action = "sts:AssumeRole" }}]
  }})
  inline_policy {{
    name = "x"
    policy = jsonencode({{
      Version   = "2012-10-17"
      Statement = [{{ Effect = "Allow", Action = ["bedrock:InvokeModel"], Resource = "*" }}]
    }})
  }}
}}

resource "aws_bedrockagent_agent" "agent" {{
  agent_name              = "a"
  agent_resource_role_arn = aws_iam_role.agent.arn
  foundation_model        = {json.dumps(HOSTILE)}
}}
''', encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("fmt", ["text", "json", "cyclonedx", "mermaid", "html"])
def test_names_from_a_hostile_tree_stay_text_in_every_format(tmp_path, fmt):
    from iaclint.formatters import get_inventory_formatter

    result = _inventory([str(_hostile_tree(tmp_path))])
    assert any(HOSTILE in a.name for a in result.inventory), "the hostile model ID is an asset"
    text = get_inventory_formatter(fmt)(result)
    if fmt == "html":
        assert "</script><script>" not in text and "<!--" not in text.split("<body>")[1]
        assert text.count("<script") == 2 and "window.pwned" in text  # only inside the JSON, escaped
        data = re.search(r'<script type="application/json" id="inventory-data">(.*?)</script>', text, re.S).group(1)
        assert any(HOSTILE in a["name"] for a in json.loads(data)["assets"])
        assert not re.search(r'(src|href)\s*=\s*["\']?(https?:)?//', text), "nothing is fetched"
    elif fmt == "mermaid":
        body = text.split("```mermaid\n", 1)[1].rsplit("```", 1)[0]
        assert "```" not in body and "</script>" not in body
        for line in body.splitlines()[1:]:  # every statement is one of ours
            assert re.fullmatch(r'\s*(subgraph u\d+\["[^"\n]*"\]|end|n\d+[\[\(\{>]+"[^"\n]*"[\]\)\}]+|'
                                r'n\d+ -\.?->\|"[^"|]*"\| n\d+|classDef risk .*|class [n\d,]+ risk|%% .*)', line), line
    elif fmt in ("json", "cyclonedx"):
        document = json.loads(text)
        assert HOSTILE in json.dumps(document, ensure_ascii=False).encode().decode("unicode_escape") or \
            any(HOSTILE in str(v) for v in _strings(document))
    else:
        assert "\x1b" not in text and "```\n" not in text and HOSTILE.split("\n")[0] in text
        assert all(not line.startswith('"]; A --> B') for line in text.splitlines())


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def test_html_links_every_node_to_its_file_and_line_without_scripts_in_urls(examples):
    from iaclint.formatters.inventory_html import format_inventory_html

    page = format_inventory_html(examples)
    data = json.loads(re.search(r'id="inventory-data">(.*?)</script>', page, re.S).group(1))
    located = [a for a in data["assets"] if a.get("location")]
    assert located and all(a["location"]["file"] and a["location"]["line"] >= 1 for a in located)
    script = page.split("<script>")[1]
    assert 'href + "#L" + loc.line' in script and 'href = "./" + href' in script
    # chains are drawn by asset id (the steps' source_asset/target_asset), never by name
    assert "s.source_asset" in script and "s.target_asset" in script and ".name]" not in script
    assert 'id="zoom"' in page and "band" in script
    assert 'el("details")' in script  # UNKNOWN paths folded below the attack paths
    assert "innerHTML" not in script and "eval(" not in script
    assert "Content-Security-Policy" in page and "default-src 'none'" in page


def test_inventory_command_formats_and_exit_codes(tmp_path, in_root):
    cmd = [sys.executable, "-m", "iaclint", "inventory", "--no-cache", "--no-config"]
    clean = subprocess.run(cmd + [rel(FIXTURES / "examples" / "bedrock-secure" / "terraform")],
                           capture_output=True, text=True)
    assert clean.returncode == 0, clean.stderr
    assert clean.stdout.startswith("AI inventory: 11 assets")
    paths = subprocess.run(cmd + [rel(FIXTURES / "examples" / "rag-assistant" / "terraform"), "-f", "mermaid",
                                  "-o", str(tmp_path / "g.md")], capture_output=True, text=True)
    assert paths.returncode == 1 and (tmp_path / "g.md").read_text().startswith("```mermaid\nflowchart LR\n")
    bad = subprocess.run(cmd + ["-f", "svg", "."], capture_output=True, text=True)
    assert bad.returncode == 2


def test_the_one_file_scan_path_does_not_import_cyclonedx(tmp_path):
    code = ("import sys; from iaclint.faces.cli import main; main(['scan', '--no-cache', '--no-config', "
            f"{str(FIXTURES / 'examples' / 'bedrock-insecure' / 'terraform' / 'main.tf')!r}]); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('cyclonedx', 'jsonschema')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_cdk_output_and_terraform_plans_are_inventoried(in_root):
    """Every input format: CDK synth output (assets carry their construct path) and a
    Terraform plan (assets at the `.tf` lines the plan maps to, roles through references)."""
    from iaclint.formatters.inventory_text import format_inventory_text

    listed = _inventory([rel(FIXTURES / "parsers" / "cloudformation" / "cdk")])
    cdk = listed.inventory
    text = format_inventory_text(listed)
    assert "notebook: ResearchNotebook5D2E8F11 (fixtures/parsers/cloudformation/cdk/cdk.out/MlStack.template.json:76)\n" \
        "    construct: MlStack/Research/Notebook\n" in text
    notebooks = {a.name: a for a in cdk.of_kind("notebook")}
    assert notebooks["ResearchNotebook5D2E8F11"].construct == "MlStack/Research/Notebook"
    assert cdk.get(notebooks["ResearchNotebook5D2E8F11"].role).construct == "MlStack/NotebookRole/Resource"
    plan = _inventory([rel(FIXTURES / "parsers" / "terraform-plan" / "with-config")]).inventory
    notebook = plan.of_kind("notebook")[0]
    assert notebook.location.file.endswith("with-config/modules/notebook/main.tf")
    assert notebook.module == "module.research"
    assert plan.get(notebook.role).name == "aws_iam_role.notebook"


def test_notebook_roles_that_read_every_bucket_carry_the_chain(in_root):
    """The notebook family of attack paths (IAC602): a notebook whose role reads every
    bucket with `s3:GetObject` alone is found, a statement allowed `s3:*` is not said
    twice, and each finding carries the chain (the notebook takes the role, the role is
    granted the right) with the granting statement as the link to break."""
    from iaclint.formatters.sarif import format_sarif

    case = FIXTURES / "policies" / "sagemaker-notebook-role-overprivileged"
    result = scan([rel(case / "main.tf"), rel(case / "roles.tf")], policies=list(builtin_policies()), select=["IAC602"])
    by_resource = {f.resource: f for f in result.findings}
    reader = by_resource["aws_sagemaker_notebook_instance.fail_reader"]
    assert reader.line == 77 and "`s3:GetObject` on every bucket by statement \"ReadEverything\"" in reader.message
    assert "Cheapest link to break: statement \"ReadEverything\"" in reader.message
    (chain,) = reader.flows
    assert [(step[0].rsplit("/", 1)[1], step[1], step[5], step[7]) for step in chain] == [
        ("main.tf", 77, "aws_sagemaker_notebook_instance.fail_reader", "aws_iam_role.reader"),
        ("roles.tf", 151, "aws_iam_role.reader", "every bucket")]
    assert chain[1][6].endswith("<- cheapest link to break")
    studio = by_resource["aws_sagemaker_domain.fail_studio"]
    assert "`s3:*` on every resource" in studio.message and "s3:GetObject" not in studio.message
    assert [step[1] for step in studio.flows[0]] == [21, 53]
    assert "aws_sagemaker_notebook_instance.pass_prefix_reader" not in by_resource
    log = json.loads(format_sarif(result))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    flowing = [r for r in log["runs"][0]["results"] if r["ruleId"] == "IAC602"]
    assert flowing and all(r["codeFlows"] for r in flowing)
    assert all([s["importance"] for s in r["codeFlows"][0]["threadFlows"][0]["locations"]] == ["important", "essential"]
               for r in flowing)


def test_a_repeated_inventory_is_a_whole_scan_cache_hit_with_the_same_bytes(tmp_path, monkeypatch):
    """The inventory takes the whole-scan cache like a scan (its own entries, holding the
    graph without its resources): every format reads the same from the cached graph, a
    plain scan never gets an inventory entry, and a changed file is read again."""
    import shutil

    from iaclint.formatters import get_inventory_formatter
    from iaclint.pipeline.cache import Cache

    shutil.copytree(FIXTURES / "examples" / "rag-assistant", tmp_path / "rag")
    monkeypatch.chdir(tmp_path)
    cache = Cache(tmp_path / "cache")
    formats = ("text", "json", "cyclonedx", "mermaid", "html")
    first = _inventory(["rag"], cache=cache)
    hits = cache.hits
    second = _inventory(["rag"], cache=cache)
    assert cache.hits == hits + 1 and len(second.findings) == len(first.findings) == 6
    assert all(a.resource is None for a in second.inventory if not a.pseudo)
    for fmt in formats:
        assert get_inventory_formatter(fmt)(second) == get_inventory_formatter(fmt)(first), fmt
    plain = scan(["rag"], policies=list(builtin_policies()), cache=cache)
    assert plain.inventory is None
    main = tmp_path / "rag" / "terraform" / "modules" / "api" / "main.tf"
    main.write_text(main.read_text().replace('authorization_type = "NONE"', 'authorization_type = "AWS_IAM"'))
    changed = _inventory(["rag"], cache=cache)
    assert len(changed.findings) < len(first.findings)


STUDIO_TF = '''resource "aws_iam_role" "studio" {
  name               = "studio"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "sagemaker.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_sagemaker_domain" "studio" {
  domain_name             = "studio"
  auth_mode               = "IAM"
  vpc_id                  = "vpc-1"
  subnet_ids              = ["subnet-1"]
  app_network_access_type = "PublicInternetOnly"
  default_user_settings {
    execution_role = aws_iam_role.studio.arn
  }
}

resource "aws_sagemaker_user_profile" "analyst" {
  domain_id         = aws_sagemaker_domain.studio.id
  user_profile_name = "analyst"
}

resource "aws_sagemaker_space" "team" {
  domain_id  = aws_sagemaker_domain.studio.id
  space_name = "team"
}
'''
STUDIO_CFN = '''AWSTemplateFormatVersion: "2010-09-09"
Resources:
  StudioRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Principal: {Service: sagemaker.amazonaws.com}, Action: sts:AssumeRole}
  Studio:
    Type: AWS::SageMaker::Domain
    Properties:
      DomainName: studio
      AuthMode: IAM
      VpcId: vpc-1
      SubnetIds: [subnet-1]
      AppNetworkAccessType: VpcOnly
      DefaultUserSettings:
        ExecutionRole: !GetAtt StudioRole.Arn
  Analyst:
    Type: AWS::SageMaker::UserProfile
    Properties:
      DomainId: !Ref Studio
      UserProfileName: analyst
'''


def test_studio_profiles_and_spaces_run_in_their_domain(tmp_path, monkeypatch):
    """`runs-in`: a Studio user profile or space runs in its domain, takes the domain's
    network exposure, and a profile without a role of its own its domain's default user
    role (through the reference and the domain's setting); a space has no default space
    role here, so none."""
    (tmp_path / "tf").mkdir()
    (tmp_path / "tf" / "main.tf").write_text(STUDIO_TF)
    (tmp_path / "cfn").mkdir()
    (tmp_path / "cfn" / "template.yaml").write_text(STUDIO_CFN)
    monkeypatch.chdir(tmp_path)
    graph = _inventory(["tf", "cfn"]).inventory
    by_name = {a.name: a for a in graph}
    edges = sorted((by_name_of(graph, e.source), e.kind, by_name_of(graph, e.target), e.label,
                    [(v.file, v.line) for v in e.via]) for e in graph.edges if e.kind in ("runs-in", "assumes"))
    assert edges == [
        ("Analyst", "assumes", "StudioRole", "domain default role", [("cfn/template.yaml", 23), ("cfn/template.yaml", 19)]),
        ("Analyst", "runs-in", "Studio", "", [("cfn/template.yaml", 23)]),
        ("Studio", "assumes", "StudioRole", "execution role", [("cfn/template.yaml", 19)]),
        ("aws_sagemaker_domain.studio", "assumes", "aws_iam_role.studio", "execution role", [("tf/main.tf", 13)]),
        ("aws_sagemaker_space.team", "runs-in", "aws_sagemaker_domain.studio", "", [("tf/main.tf", 23)]),
        ("aws_sagemaker_user_profile.analyst", "assumes", "aws_iam_role.studio", "domain default role",
         [("tf/main.tf", 18), ("tf/main.tf", 13)]),
        ("aws_sagemaker_user_profile.analyst", "runs-in", "aws_sagemaker_domain.studio", "", [("tf/main.tf", 18)]),
    ]
    profile = by_name["aws_sagemaker_user_profile.analyst"]
    assert (profile.exposure, profile.exposure_detail) == ("internet-egress", "domain `aws_sagemaker_domain.studio`")
    assert graph.get(profile.role).name == "aws_iam_role.studio"
    assert by_name["aws_sagemaker_space.team"].role is None
    assert (by_name["Analyst"].exposure, by_name["Analyst"].exposure_detail) == ("vpc", "domain `Studio`")


def by_name_of(graph, asset_id: str) -> str:
    asset = graph.get(asset_id)
    return asset.name if asset is not None else asset_id


def test_llm_jacking_findings_say_whether_the_stack_logs_model_invocations(tmp_path, monkeypatch):
    """IAC607 names the missing trace: no invocation logging in the stack is said, and a
    logging configuration is acknowledged without clearing the finding."""
    case = FIXTURES / "policies" / "model-invocable-without-guardrail" / "fail_public_trust" / "main.tf"
    (tmp_path / "bare").mkdir()
    (tmp_path / "bare" / "main.tf").write_text(case.read_text())
    (tmp_path / "logged").mkdir()
    (tmp_path / "logged" / "main.tf").write_text(case.read_text() + '''
resource "aws_bedrock_model_invocation_logging_configuration" "calls" {
  logging_config {
    text_data_delivery_enabled = true
    cloudwatch_config {
      log_group_name = "bedrock-invocations"
      role_arn       = "arn:aws:iam::111122223333:role/bedrock-logging"
    }
  }
}
''')
    monkeypatch.chdir(tmp_path)
    messages = {f.file.split("/")[0]: f.message for f in _inventory(["bare", "logged"]).findings if f.policy_id == "IAC607"}
    assert "No model invocation logging is configured in this stack: the calls would leave no trace here. " \
           "Cheapest link to break" in messages["bare"]
    assert "Model invocation logging is configured in this stack. Cheapest link to break" in messages["logged"]
    template = _inventory([str(case.parent / "template.yaml")]).findings
    assert "A CloudFormation template cannot configure model invocation logging: make sure the account logs these " \
           "calls. Cheapest link" in template[0].message
