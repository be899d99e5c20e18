"""The `awscc` provider's names: its resource types are CloudFormation types, its attribute
names CloudFormation property names, both spelt by the provider's own rule.

`hashicorp/terraform-provider-awscc` generates a resource for every CloudFormation type that
the Cloud Control API can manage (`internal/provider/all_schemas.hcl` lists them, with the
types it does not generate), named `awscc_<service>_<resource>`: the service in lower case
and the resource and every property through `internal/naming`'s
`CloudFormationPropertyToTerraformAttribute`, which `awscc_name` reproduces (an underscore
where the case changes and between letters and digits, after six word replacements such
as `CloudWatch` -> `Cloudwatch`). Nested objects are attributes (`x = { ... }`), lists of
objects are lists, maps are maps: the shapes of CloudFormation, not of the `aws` provider.

`awscc_types.json` beside this module (written by `docs/coverage/extract_awscc.py` from the
provider's `all_schemas.hcl`) lists the generated resources; tests check every entry
against the naming rule and cfn-lint's CloudFormation schemas. It is read on first use
only, so a scan without awscc resources never loads it.

Canonical attribute names are those the CloudFormation translation gives (`snake`), so one
policy path serves `aws`, `awscc` and CloudFormation. From an awscc name, `canonical_name`
undoes the two places where the provider's rule and `snake` differ: letters and digits
(`ipv_6_address` is `ipv6_address`) and the replaced words (`cloudwatch_logs` is
`cloud_watch_logs`). The names the inverse gets wrong are listed (`CANONICAL_EXCEPTIONS`,
`VERBATIM`); tests check the inverse on every property of every schema.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from iaclint.model import lazy_re

PREFIX = "awscc_"
TYPES_FILE = Path(__file__).with_name("awscc_types.json")

# internal/naming/naming.go `propertyNameReplacements`, applied before the case rule.
WORD_REPLACEMENTS = {
    "CloudFormation": "Cloudformation",
    "CloudFront": "Cloudfront",
    "CloudWatch": "Cloudwatch",
    "CNAMEs": "Cnames",
    "FSx": "Fsx",
    "OTel": "Otel",
}
# The replaced words as `snake` spells the originals.
_WORDS_BACK = {"cloudformation": "cloud_formation", "cloudfront": "cloud_front", "cloudwatch": "cloud_watch",
               "cnames": "cnam_es", "fsx": "f_sx", "otel": "o_tel"}
_WORD = lazy_re.compile(r"(?<![a-z0-9])(" + "|".join(_WORDS_BACK) + r")(?![a-z])")
_LETTER_DIGIT = lazy_re.compile(r"(?<=[a-z])_(?=[0-9])")

# awscc names whose CloudFormation spelling the inverse rule cannot recover (digits followed
# by lower case in the original, `A2a`, `M3u8`); checked against the schemas in tests.
CANONICAL_EXCEPTIONS = {
    "a2_a_agent_card": "a2a_agent_card",
    "abp_v10_x": "abp_v10x",
    "ibm_db_2_z_os_settings": "ibm_db2z_os_settings",
    "m2_ts_settings": "m2ts_settings",
    "m3_u_8_settings": "m3u8_settings",
    "multiplex_m2_ts_settings": "multiplex_m2ts_settings",
    "otaa_v10_x": "otaa_v10x",
}

# Properties that CloudFormation itself spells with a replaced word in lower case
# (`CloudwatchLogs`, `FsxLustreConfig`): their awscc names are canonical already.
VERBATIM = {
    "AWS::DataSync::LocationFSxLustre": ("fsx_filesystem_arn",),
    "AWS::DataSync::LocationFSxONTAP": ("fsx_filesystem_arn",),
    "AWS::DataSync::LocationFSxOpenZFS": ("fsx_filesystem_arn",),
    "AWS::DataSync::LocationFSxWindows": ("fsx_filesystem_arn",),
    "AWS::DMS::DataMigration": ("cloudwatch_logs_enabled",),
    "AWS::EC2::VPNConnection": ("cloudwatch_log_options",),
    "AWS::IoT::TopicRule": ("cloudwatch_alarm", "cloudwatch_logs", "cloudwatch_metric"),
    "AWS::M2::Environment": ("fsx",),
    "AWS::Neptune::DBCluster": ("enable_cloudwatch_logs_exports",),
    "AWS::Pipes::Pipe": ("cloudwatch_logs_log_destination",),
    "AWS::RDS::DBCluster": ("enable_cloudwatch_logs_exports",),
    "AWS::RDS::DBInstance": ("enable_cloudwatch_logs_exports",),
    "AWS::SageMaker::Cluster": ("fsx_lustre_config", "fsx_open_zfs_config"),
    "AWS::ServiceCatalog::CloudFormationProvisionedProduct": ("cloudformation_stack_arn",),
}


@lru_cache(maxsize=4096)
def awscc_name(name: str) -> str:
    """The provider's spelling of a CloudFormation name: `KmsKeyId` -> `kms_key_id`,
    `Ipv6Addresses` -> `ipv_6_addresses`, `CloudWatchLogs` -> `cloudwatch_logs`."""
    name = name.strip()
    for old, new in WORD_REPLACEMENTS.items():
        name = name.replace(old, new)
    out = []
    last = len(name) - 1
    for i, ch in enumerate(name):
        cap, low, dig = "A" <= ch <= "Z", "a" <= ch <= "z", "0" <= ch <= "9"
        lower = ch.lower() if cap else ch
        if i < last:
            nxt = name[i + 1]
            ncap, nlow, ndig = "A" <= nxt <= "Z", "a" <= nxt <= "z", "0" <= nxt <= "9"
            if (cap and nlow) or (low and (ncap or ndig)) or (dig and (ncap or nlow)):
                if cap and nlow and i > 0 and "A" <= name[i - 1] <= "Z":
                    out.append("_")
                out.append(lower)
                if low or dig:
                    out.append("_")
                continue
        out.append(lower if (cap or low or dig) else "_")
    return "".join(out)


def awscc_type(cfn_type: str) -> str:
    """`AWS::SageMaker::Domain` -> `awscc_sagemaker_domain` (the provider's rule)."""
    _, service, resource = cfn_type.split("::")
    return f"{PREFIX}{service.lower()}_{awscc_name(resource)}"


@lru_cache(maxsize=4096)
def canonical_name(name: str) -> str:
    """The name the CloudFormation translation gives the property an awscc attribute
    spells: `ipv_6_address_count` -> `ipv6_address_count`."""
    found = CANONICAL_EXCEPTIONS.get(name)
    return found if found is not None else inverse_rule(name)


def inverse_rule(name: str) -> str:
    """`awscc_name` undone where it can be: no underscore between a letter and a digit, and
    the replaced words as `snake` spells their originals."""
    return _WORD.sub(lambda m: _WORDS_BACK[m.group(1)], _LETTER_DIGIT.sub("", name))


def canonical_namer(cfn_type: str):
    """`canonical_name` for the attributes of one type, with the type's own exceptions."""
    verbatim = VERBATIM.get(cfn_type)
    if not verbatim:
        return canonical_name
    return lambda name: name if name in verbatim else canonical_name(name)


@lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads(TYPES_FILE.read_text(encoding="utf-8"))


def awscc_types() -> dict:
    """{awscc resource type: CloudFormation type} for every resource the provider generates."""
    return _data()["types"]


def renamed_attributes(awscc_type: str) -> dict:
    """{awscc attribute: CloudFormation property} of the top-level properties the provider
    renames (`Id` -> `prompt_id` on `awscc_bedrock_prompt`, `Provider` -> `provider_name`)."""
    return _data()["renamed"].get(awscc_type, {})


def cfn_type_of(native_type: str) -> str | None:
    """The CloudFormation type of an awscc resource type, None for anything else."""
    if not native_type.startswith(PREFIX):
        return None
    return awscc_types().get(native_type)


def awscc_twins(cfn_types) -> list:
    """The awscc types of these CloudFormation types that the provider generates."""
    wanted = set(cfn_types)
    return sorted(a for a, c in awscc_types().items() if c in wanted)
