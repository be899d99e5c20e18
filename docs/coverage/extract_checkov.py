"""Write docs/coverage/checkov-checks.json: the Checkov checks that apply to every
AI-related AWS resource type, for the coverage table in docs/coverage.md.

Runs only where Checkov is installed (it is not a dependency of iaclint, and CI never
runs this script); the JSON it writes is committed, and `python -m iaclint.reference.coverage`
renders the page from it:

    /tmp/ckv/bin/python docs/coverage/extract_checkov.py   # any Python with checkov
    .venv/bin/python -m iaclint.reference.coverage > docs/coverage.md

Which types (the "universe" recorded in the JSON):

- Terraform: every resource type the AWS provider registers for the AI services of
  iaclint.normalize.scope (SageMaker, Bedrock, Bedrock AgentCore, OpenSearch Service and
  Serverless, Kendra, Q Business, Comprehend, Lex V1 `aws_lex_*` and V2 `aws_lexv2models_*`,
  Textract, Transcribe, Rekognition, Personalize), listed below from the provider's generated
  service registrations; plus every type an iaclint policy or translation table names, and
  the Terraform types named in ../shared/POLICY_CATALOG.md that Checkov knows.
- CloudFormation: every type cfn-lint's bundled us-east-1 schema list has in those
  services' namespaces; plus every CloudFormation type in iaclint's translation tables and
  those named in the catalog (checked against the same schema list).
- `canonical_only`: names iaclint uses as canonical types for CloudFormation-only
  resources (the Terraform provider has no such resource).

Which checks: Checkov's Terraform resource and data-source registries and its
CloudFormation registry (each check declares `supported_resources`), and the graph
(CKV2) checks of both frameworks. A graph check applies to the types its definition
filters on (`cond_type: filter` on `resource_type`) when it has such a filter, else to
the types Checkov loads into `resource_types`; the filter is the subject Checkov reports
on, and Checkov's own `resource_types` is wrong for a few checks with the filter first
(CKV2_AWS_75 and CKV2_AWS_37 would otherwise apply to all ~1,500 AWS types).
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent / "checkov-checks.json"
# Beside the checkout (/work/main), or two levels up from a worktree (/work/wt/<name>).
CATALOG = next((p for p in (ROOT.parent / "shared" / "POLICY_CATALOG.md", ROOT.parent.parent / "shared" / "POLICY_CATALOG.md")
                if p.is_file()), ROOT.parent / "shared" / "POLICY_CATALOG.md")

# Resource types registered by hashicorp/terraform-provider-aws in
# internal/service/<package>/service_package_gen.go (SDK and Framework resources), read
# in February 2026 (main after v6.31.0; sagemaker, bedrock, bedrockagent,
# bedrockagentcore, opensearch and lexv2models at commit 000cd09abd66). The
# website/docs/r/ pages agree; pages that exist only on unmerged branches
# (aws_sagemaker_cluster, aws_sagemaker_inference_component, aws_sagemaker_compute_quota,
# a scaffold for aws_lexv2models_bot_alias) are left out because the provider does not
# register them.
TERRAFORM_AI_TYPES = {
    "sagemaker": [
        "aws_sagemaker_algorithm", "aws_sagemaker_app", "aws_sagemaker_app_image_config",
        "aws_sagemaker_code_repository", "aws_sagemaker_data_quality_job_definition",
        "aws_sagemaker_device", "aws_sagemaker_device_fleet", "aws_sagemaker_domain",
        "aws_sagemaker_endpoint", "aws_sagemaker_endpoint_configuration", "aws_sagemaker_feature_group",
        "aws_sagemaker_flow_definition", "aws_sagemaker_hub", "aws_sagemaker_hub_content_reference",
        "aws_sagemaker_human_task_ui", "aws_sagemaker_hyper_parameter_tuning_job", "aws_sagemaker_image",
        "aws_sagemaker_image_version", "aws_sagemaker_labeling_job", "aws_sagemaker_mlflow_app",
        "aws_sagemaker_mlflow_tracking_server", "aws_sagemaker_model", "aws_sagemaker_model_card",
        "aws_sagemaker_model_card_export_job", "aws_sagemaker_model_package_group",
        "aws_sagemaker_model_package_group_policy", "aws_sagemaker_monitoring_schedule",
        "aws_sagemaker_notebook_instance", "aws_sagemaker_notebook_instance_lifecycle_configuration",
        "aws_sagemaker_pipeline", "aws_sagemaker_project", "aws_sagemaker_servicecatalog_portfolio_status",
        "aws_sagemaker_space", "aws_sagemaker_studio_lifecycle_config", "aws_sagemaker_training_job",
        "aws_sagemaker_user_profile", "aws_sagemaker_workforce", "aws_sagemaker_workteam",
    ],
    "bedrock": [
        "aws_bedrock_custom_model", "aws_bedrock_evaluation_job", "aws_bedrock_foundation_model_agreement",
        "aws_bedrock_guardrail", "aws_bedrock_guardrail_version", "aws_bedrock_inference_profile",
        "aws_bedrock_model_invocation_job", "aws_bedrock_model_invocation_logging_configuration",
        "aws_bedrock_provisioned_model_throughput", "aws_bedrock_use_case_for_model_access",
    ],
    "bedrockagent": [
        "aws_bedrockagent_agent", "aws_bedrockagent_agent_action_group", "aws_bedrockagent_agent_alias",
        "aws_bedrockagent_agent_collaborator", "aws_bedrockagent_agent_knowledge_base_association",
        "aws_bedrockagent_data_source", "aws_bedrockagent_flow", "aws_bedrockagent_knowledge_base",
        "aws_bedrockagent_prompt",
    ],
    "bedrockagentcore": [
        "aws_bedrockagentcore_agent_runtime", "aws_bedrockagentcore_agent_runtime_endpoint",
        "aws_bedrockagentcore_api_key_credential_provider", "aws_bedrockagentcore_browser",
        "aws_bedrockagentcore_browser_profile", "aws_bedrockagentcore_code_interpreter",
        "aws_bedrockagentcore_evaluator", "aws_bedrockagentcore_gateway", "aws_bedrockagentcore_gateway_rule",
        "aws_bedrockagentcore_gateway_target", "aws_bedrockagentcore_harness", "aws_bedrockagentcore_memory",
        "aws_bedrockagentcore_memory_strategy", "aws_bedrockagentcore_oauth2_credential_provider",
        "aws_bedrockagentcore_online_evaluation_config", "aws_bedrockagentcore_policy",
        "aws_bedrockagentcore_policy_engine", "aws_bedrockagentcore_registry",
        "aws_bedrockagentcore_resource_policy", "aws_bedrockagentcore_token_vault_cmk",
        "aws_bedrockagentcore_workload_identity",
    ],
    "opensearch": [
        "aws_opensearch_application", "aws_opensearch_authorize_vpc_endpoint_access", "aws_opensearch_domain",
        "aws_opensearch_domain_policy", "aws_opensearch_domain_saml_options",
        "aws_opensearch_inbound_connection_accepter", "aws_opensearch_outbound_connection",
        "aws_opensearch_package", "aws_opensearch_package_association", "aws_opensearch_vpc_endpoint",
    ],
    "opensearchserverless": [
        "aws_opensearchserverless_access_policy", "aws_opensearchserverless_collection",
        "aws_opensearchserverless_collection_group", "aws_opensearchserverless_lifecycle_policy",
        "aws_opensearchserverless_security_config", "aws_opensearchserverless_security_policy",
        "aws_opensearchserverless_vpc_endpoint",
    ],
    "kendra": [
        "aws_kendra_data_source", "aws_kendra_experience", "aws_kendra_faq", "aws_kendra_index",
        "aws_kendra_query_suggestions_block_list", "aws_kendra_thesaurus",
    ],
    "comprehend": ["aws_comprehend_document_classifier", "aws_comprehend_entity_recognizer"],
    "lexmodels": ["aws_lex_bot", "aws_lex_bot_alias", "aws_lex_intent", "aws_lex_slot_type"],
    "lexv2models": [
        "aws_lexv2models_bot", "aws_lexv2models_bot_locale", "aws_lexv2models_bot_version",
        "aws_lexv2models_intent", "aws_lexv2models_slot", "aws_lexv2models_slot_type",
    ],
    # Q Business: the application is in the provider's schema (6.x); the package's other
    # resources (index, retriever, data source, plugin) are in the repository but not in the
    # schema the registry publishes.
    "qbusiness": ["aws_qbusiness_application"],
    "rekognition": ["aws_rekognition_collection", "aws_rekognition_project", "aws_rekognition_stream_processor"],
    "transcribe": [
        "aws_transcribe_language_model", "aws_transcribe_medical_vocabulary", "aws_transcribe_vocabulary",
        "aws_transcribe_vocabulary_filter",
    ],
    "elasticsearch": [
        "aws_elasticsearch_domain", "aws_elasticsearch_domain_policy", "aws_elasticsearch_domain_saml_options",
        "aws_elasticsearch_vpc_endpoint",
    ],
    # Textract and Personalize: the provider has no resources.
}


def ai_scope() -> tuple[tuple, tuple]:
    """(Terraform prefixes, CloudFormation namespaces) of the AI services: iaclint.normalize.scope's."""
    sys.path.insert(0, str(ROOT))
    from iaclint.normalize.scope import AI_SERVICES

    return (tuple(p for _, prefixes, _ in AI_SERVICES for p in prefixes),
            tuple(n for _, _, namespaces in AI_SERVICES for n in namespaces))


def cfn_schema_index(explicit: str | None) -> tuple[dict, str]:
    """cfn-lint's us-east-1 provider schema list, and cfn-lint's version. Checkov's
    environment usually lacks cfn-lint, so the project's venv is searched too."""
    candidates = [explicit] if explicit else []
    try:
        import cfnlint

        candidates.append(str(Path(cfnlint.__file__).parent))
    except ImportError:
        pass
    candidates += sorted(glob.glob(str(ROOT / ".venv" / "lib" / "python*" / "site-packages" / "cfnlint")))
    for base in candidates:
        index = Path(base) / "data" / "schemas" / "providers" / "us-east-1.json"
        if index.is_file():
            version = "unknown"
            for meta in glob.glob(str(Path(base).parent / "cfn_lint-*.dist-info" / "METADATA")):
                match = re.search(r"^Version: (\S+)", Path(meta).read_text(), flags=re.M)
                version = match.group(1) if match else version
            return json.loads(index.read_text()), version
    sys.exit("cfn-lint's schemas not found: install cfn-lint, create .venv, or pass --cfn-lint DIR")


def iaclint_types() -> tuple[set, dict]:
    """Resource types named by iaclint's policies, and its translation tables
    (CloudFormation type -> canonical type)."""
    sys.path.insert(0, str(ROOT))
    from iaclint.api import load_all_policies
    from iaclint.normalize.tables import CFN_TYPES

    policy_types = {t for p in load_all_policies() for t in p.resource_types}
    return policy_types, {cfn: table["type"] for cfn, table in CFN_TYPES.items()}


def catalog_types() -> tuple[set, set]:
    if not CATALOG.is_file():
        return set(), set()
    text = CATALOG.read_text(encoding="utf-8")
    return set(re.findall(r"`(aws_[a-z0-9_]+)`", text)), set(re.findall(r"AWS::[A-Za-z0-9]+::[A-Za-z0-9]+", text))


def graph_subjects(check) -> list:
    """The resource types a graph check reports on (see the module docstring)."""
    definition = None
    path = getattr(check, "check_path", None)
    if path and os.path.isfile(path):
        import yaml

        with open(path, encoding="utf-8") as handle:
            document = yaml.safe_load(handle)  # JSON is YAML too
        definition = document.get("definition") if isinstance(document, dict) else None
    filtered: set = set()

    def walk(node):
        if isinstance(node, dict):
            if node.get("cond_type") == "filter" and node.get("attribute") == "resource_type":
                value = node.get("value")
                filtered.update([value] if isinstance(value, str) else value or [])
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(definition)
    return sorted(filtered) if filtered else sorted(set(check.resource_types or ()))


def checkov_checks() -> tuple[dict, dict, str]:
    """{type: {id: name}} for Terraform (data sources as `data.<type>`) and CloudFormation."""
    from checkov.cloudformation.checks.resource.registry import cfn_registry
    from checkov.common.checks_infra.registry import get_graph_checks_registry
    from checkov.terraform.checks.data.registry import data_registry
    from checkov.terraform.checks.resource.registry import resource_registry
    from checkov.version import version

    terraform: dict = {}
    cloudformation: dict = {}
    for entity, check in resource_registry.all_checks():
        terraform.setdefault(entity, {})[check.id] = check.name
    for entity, check in data_registry.all_checks():
        terraform.setdefault(f"data.{entity}", {})[check.id] = check.name
    for entity, check in cfn_registry.all_checks():
        cloudformation.setdefault(entity, {})[check.id] = check.name
    for framework, table in (("terraform", terraform), ("cloudformation", cloudformation)):
        graph = get_graph_checks_registry(framework)
        graph.load_checks()
        for check in graph.checks:
            for entity in graph_subjects(check):
                table.setdefault(entity, {})[check.id] = check.name
    return terraform, cloudformation, version


def _id_key(check_id: str):
    prefix, _, number = check_id.rpartition("_")
    return (prefix, int(number) if number.isdigit() else 0, check_id)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cfn-lint", help="directory of the cfnlint package (for its bundled schemas)")
    parser.add_argument("--output", default=str(OUT))
    args = parser.parse_args(argv)

    schema_index, cfn_lint_version = cfn_schema_index(args.cfn_lint)
    policy_types, tables = iaclint_types()
    catalog_tf, catalog_cfn = catalog_types()
    tf_checks, cfn_checks, checkov_version = checkov_checks()

    terraform_ai_prefixes, cfn_ai_namespaces = ai_scope()
    ai_terraform = {t for types in TERRAFORM_AI_TYPES.values() for t in types}
    canonical = policy_types | set(tables.values())
    # An AI-service name that the provider does not register is iaclint's own name for a
    # CloudFormation-only resource type.
    canonical_only = {t for t in canonical if t.startswith(terraform_ai_prefixes) and t not in ai_terraform}
    terraform_types = (ai_terraform | canonical | {t for t in catalog_tf if t in tf_checks}) - canonical_only
    cfn_types = {t for t in schema_index if t.split("::")[1] in cfn_ai_namespaces}
    cfn_types |= {t for t in set(tables) | catalog_cfn if t in schema_index}

    def table(types, checks):
        return {t: [{"id": i, "name": checks.get(t, {})[i]} for i in sorted(checks.get(t, {}), key=_id_key)]
                for t in sorted(types)}

    document = {
        "about": "Checkov checks per AI-related AWS resource type; written by docs/coverage/extract_checkov.py, "
                 "read by iaclint/reference/coverage.py to render docs/coverage.md. Do not edit by hand.",
        "checkov_version": checkov_version,
        "cfn_lint_version": cfn_lint_version,
        "terraform_provider": "hashicorp/terraform-provider-aws service registrations, February 2026 "
                              "(main after v6.31.0)",
        "canonical_only": sorted(canonical_only),
        "terraform": table(terraform_types, tf_checks),
        "cloudformation": table(cfn_types, cfn_checks),
    }
    Path(args.output).write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    covered_tf = sum(1 for v in document["terraform"].values() if v)
    covered_cfn = sum(1 for v in document["cloudformation"].values() if v)
    print(f"Checkov {checkov_version}: {len(terraform_types)} Terraform types ({covered_tf} with checks), "
          f"{len(cfn_types)} CloudFormation types ({covered_cfn} with checks) -> {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
