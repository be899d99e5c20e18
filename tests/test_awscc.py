"""The awscc provider's resources enter the model through the CloudFormation translation.

The type list (`iaclint/normalize/awscc_types.json`, from the provider's `all_schemas.hcl`)
and the naming rule are data checked against cfn-lint's CloudFormation schemas; the
translation is checked on resources loaded from HCL: canonical type and attributes, spans
of nested attributes, the user's spelling in messages, graph edges and AWS defaults."""
from __future__ import annotations

import pytest
from cfn_schemas import property_names, schema_types

from iaclint.normalize import awscc, dialects
from iaclint.normalize.tables import CFN_TYPES
from iaclint.normalize.translate import snake

TYPES = awscc.awscc_types()
DATA = awscc._data()
# Types the provider still lists that CloudFormation has retired (absent from cfn-lint's
# schemas): the provider keeps generating them from its own schema copies.
RETIRED = {
    "AWS::DataSync::StorageSystem", "AWS::IoTEvents::AlarmModel", "AWS::IoTEvents::DetectorModel",
    "AWS::IoTEvents::Input", "AWS::IoTFleetHub::Application", "AWS::LookoutMetrics::Alert",
    "AWS::LookoutMetrics::AnomalyDetector", "AWS::NimbleStudio::LaunchProfile",
    "AWS::NimbleStudio::StreamingImage", "AWS::NimbleStudio::Studio",
    "AWS::NimbleStudio::StudioComponent", "AWS::OpsWorksCM::Server",
}

# Names the provider spells alike within one type, so no inverse can tell them apart:
# `AWS::SageMaker::Cluster` has `FsxLustreConfig` and `FSxLustreConfig` (in different objects),
# both `fsx_lustre_config`; the canonical name is the first's.
AMBIGUOUS = {("AWS::SageMaker::Cluster", "FSxLustreConfig")}


@pytest.mark.parametrize("name,expected", [
    ("Arn", "arn"),
    ("KmsKeyId", "kms_key_id"),
    ("S3Bucket", "s3_bucket"),
    ("AWS99Thing", "aws99_thing"),
    ("EnableSSMAccess", "enable_ssm_access"),
    ("KMSMasterKeyID", "kms_master_key_id"),
    ("AWSOwnedKey", "aws_owned_key"),
    ("IdleSessionTTLInSeconds", "idle_session_ttl_in_seconds"),
    ("Ipv6AddressCount", "ipv_6_address_count"),
    ("OAuth2CredentialProvider", "o_auth_2_credential_provider"),
    ("CloudWatchLogsLogGroupArn", "cloudwatch_logs_log_group_arn"),
    ("CNAMEs", "cnames"),
    ("FSxLustreFileSystemConfig", "fsx_lustre_file_system_config"),
    ("  ", ""),
])
def test_awscc_name_follows_the_provider(name, expected):
    assert awscc.awscc_name(name) == expected


def test_every_awscc_type_follows_the_naming_rule():
    wrong = {a: c for a, c in {**TYPES, **DATA["not_generated"]}.items() if awscc.awscc_type(c) != a}
    assert not wrong, f"awscc types that break the rule (add an exception to awscc.py): {wrong}"
    assert len(set(TYPES.values())) == len(TYPES), "two awscc types for one CloudFormation type"


def test_awscc_types_are_cloudformation_types():
    known = set(schema_types())
    missing = {c for c in TYPES.values() if c not in known}
    assert missing == RETIRED, f"not in cfn-lint's schemas: {sorted(missing - RETIRED)}; " \
                               f"now present: {sorted(RETIRED - missing)}"


def test_renamed_attributes_are_top_level_id_and_provider():
    """(Read from the provider's own schema copies, which may be newer than cfn-lint's.)"""
    for awscc_type, names in DATA["renamed"].items():
        assert awscc_type in TYPES
        for name, native in names.items():
            assert native in ("Id", "Provider")
            assert name == ("provider_name" if native == "Provider" else awscc_type.split("_", 2)[2] + "_id")


def test_canonical_names_invert_the_provider_spelling_on_every_schema():
    """awscc name -> the name the CloudFormation translation gives: on every property of
    every type the provider generates. A failure names the properties to list as exceptions."""
    wrong = {}
    for cfn in sorted(set(TYPES.values()) - RETIRED):
        namer = awscc.canonical_namer(cfn)
        for name in property_names(cfn):
            if namer(awscc.awscc_name(name)) != snake(name) and (cfn, name) not in AMBIGUOUS:
                wrong.setdefault(cfn, []).append(name)
    assert not wrong, wrong


def test_exceptions_are_all_needed():
    for cfn, verbatim in awscc.VERBATIM.items():
        spelt = {awscc.awscc_name(n) for n in property_names(cfn)}
        assert set(verbatim) <= spelt, cfn
        assert all(awscc.inverse_rule(n) != n for n in verbatim), cfn
    assert all(awscc.inverse_rule(a) != c for a, c in awscc.CANONICAL_EXCEPTIONS.items())


def test_every_tabled_type_with_a_twin_is_listed_by_dialects():
    for cfn, table in CFN_TYPES.items():
        twin = awscc.awscc_type(cfn)
        if twin in TYPES:
            assert twin in dialects.awscc_types(table["type"])
            assert dialects.canonical_of_awscc(twin) == table["type"]


def _load(tmp_path, text: str):
    from iaclint.pipeline.discover import discover
    from iaclint.pipeline.loading import Options, load_all

    (tmp_path / "main.tf").write_text(text)
    loaded = load_all(discover([str(tmp_path)]), Options([], {}, {}, {}))
    assert not loaded.errors, loaded.errors
    return {r.address: r for r in loaded.resources}


def test_an_awscc_resource_is_its_cloudformation_type_in_canonical_names(tmp_path):
    resources = _load(tmp_path, """
resource "awscc_kms_key" "k" {
  enable_key_rotation = true
}

resource "awscc_sagemaker_domain" "d" {
  domain_name = "studio"
  auth_mode   = "IAM"
  kms_key_id  = awscc_kms_key.k.arn
  default_user_settings = {
    execution_role = "arn:aws:iam::123456789012:role/studio"
    sharing_settings = {
      notebook_output_option = "Allowed"
    }
  }
}

resource "awscc_sagemaker_model" "m" {
  containers = [{ image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/serve:1" }]
}

resource "awscc_bedrock_prompt" "p" {
  name      = "support"
  prompt_id = "ignored-read-only"
}
""")
    domain = resources["awscc_sagemaker_domain.d"]
    assert (domain.type, domain.native_type, domain.dialect, domain.fmt) == \
        ("aws_sagemaker_domain", "awscc_sagemaker_domain", "awscc", "terraform")
    assert domain.cloudformation_schema
    assert domain.attributes["default_user_settings"]["sharing_settings"]["notebook_output_option"] == "Allowed"
    # The AWS default fills the unset attribute, as for CloudFormation.
    assert domain.attributes["app_network_access_type"] == "PublicInternetOnly"
    assert ("app_network_access_type",) in domain.defaults
    # Spans of nested attributes: the finding points at the attribute, an unset one at the header.
    path = ("default_user_settings", "sharing_settings", "notebook_output_option")
    assert domain.span_for(path).line == 13
    assert domain.span_for(("app_network_access_type",)).line == domain.header.line == 6
    # The user's spelling, written or not.
    assert domain.native_name(path) == "default_user_settings.sharing_settings.notebook_output_option"
    assert domain.native_name(("default_user_settings", "security_groups")) == "default_user_settings.security_groups"
    # References are graph edges, as for aws_*.
    assert [(r.path, r.target, r.attribute) for r in domain.references] == [(("kms_key_id",), "awscc_kms_key.k", "arn")]

    model = resources["awscc_sagemaker_model.m"]
    assert model.type == "aws_sagemaker_model"
    assert model.attributes["container"][0]["image"].endswith("serve:1")  # the table's rename
    assert model.native_name(("container",)) == "containers"
    assert model.native_name(("vpc_config", "subnets")) == "vpc_config.subnets"

    prompt = resources["awscc_bedrock_prompt.p"]
    assert prompt.attributes["id"] == "ignored-read-only"  # the provider's `Id` -> `prompt_id`
    assert prompt.native_name(("id",)) == "prompt_id"


def test_renamed_and_moved_paths_use_the_awscc_spelling(tmp_path):
    resources = _load(tmp_path, """
resource "awscc_sagemaker_pipeline" "p" {
  pipeline_name = "train"
  role_arn      = "arn:aws:iam::123456789012:role/pipeline"
  pipeline_definition = {
    pipeline_definition_body = jsonencode({ Version = "2020-12-01", Steps = [] })
  }
}

resource "awscc_ec2_instance" "i" {
  image_id            = "ami-0123456789abcdef0"
  ipv_6_address_count = 1
  security_group_ids  = ["sg-0123456789abcdef0"]
}
""")
    pipeline = resources["awscc_sagemaker_pipeline.p"]
    assert "pipeline_definition" in pipeline.attributes
    assert pipeline.native_name(("pipeline_definition",)) == "pipeline_definition.pipeline_definition_body"
    assert pipeline.native_name(("pipeline_definition_s3_location",)) == \
        "pipeline_definition.pipeline_definition_s3_location"
    instance = resources["awscc_ec2_instance.i"]
    assert instance.type == "aws_instance"
    assert instance.attributes["ami"] == "ami-0123456789abcdef0"
    assert instance.attributes["ipv6_address_count"] == 1
    assert instance.attributes["vpc_security_group_ids"] == ["sg-0123456789abcdef0"]
    assert instance.native_name(("ipv6_address_count",)) == "ipv_6_address_count"


def test_unknown_awscc_types_and_data_sources_stay_as_written(tmp_path):
    resources = _load(tmp_path, """
resource "awscc_made_up_thing" "x" {
  kms_key_id = "k"
}

data "awscc_sagemaker_domain" "d" {
  id = "d-123"
}
""")
    assert resources["awscc_made_up_thing.x"].type == "awscc_made_up_thing"
    assert resources["awscc_made_up_thing.x"].dialect == "aws"
    assert resources["data.awscc_sagemaker_domain.d"].type == "data.awscc_sagemaker_domain"


def test_a_cloudformation_policy_reports_the_awscc_spelling(tmp_path, monkeypatch):
    from iaclint.api import scan

    (tmp_path / "main.tf").write_text("""resource "awscc_sagemaker_domain" "d" {
  domain_name             = "studio"
  auth_mode               = "IAM"
  app_network_access_type = "PublicInternetOnly"
}
""")
    monkeypatch.chdir(tmp_path)
    result = scan(["main.tf"], select=["IAC102", "IAC204"])
    got = sorted((f.policy_id, f.line, f.resource, f.message) for f in result.findings)
    assert [(p, line, r) for p, line, r, _ in got] == [
        ("IAC102", 1, "awscc_sagemaker_domain.d"), ("IAC204", 4, "awscc_sagemaker_domain.d")]
    assert "`kms_key_id` is not set" in got[0][3]
    assert "`app_network_access_type`" in got[1][3]
