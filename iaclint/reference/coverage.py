"""The coverage page (docs/coverage.md): every AI-related AWS resource type, in Terraform
and CloudFormation, against iaclint's policies and Checkov's checks; and every control of the
run-time and peer scanners against iaclint (iaclint.reference.parity).

Rendered from the loaded policies, the translation tables (the canonical pairing of
CloudFormation and Terraform types) and docs/coverage/checkov-checks.json, which
docs/coverage/extract_checkov.py writes where Checkov is installed. Checkov is never
imported here. `python -m iaclint.reference.coverage > docs/coverage.md` regenerates the page, and
tests/test_coverage_doc.py fails when the committed page is stale.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from iaclint.model.records import dataclass, field
from iaclint.normalize.awscc import awscc_twins
from iaclint.normalize.scope import AI_SERVICE_NAMES, service_of_cloudformation

CHECKOV_JSON = Path(__file__).resolve().parents[2] / "docs" / "coverage" / "checkov-checks.json"
REGENERATE = "python -m iaclint.reference.coverage > docs/coverage.md"
EXTRACT = "python docs/coverage/extract_checkov.py"

# (Terraform prefix, CloudFormation namespace or None, service); longest prefixes first. The AI
# services are iaclint.normalize.scope's (tests/test_coverage_doc.py checks they agree).
SERVICES = (
    ("aws_sagemaker_", "SageMaker", "SageMaker"),
    ("aws_bedrockagentcore_", "BedrockAgentCore", "Bedrock AgentCore"),
    ("aws_bedrockagent_", "Bedrock", "Bedrock"),
    ("aws_bedrock_", "Bedrock", "Bedrock"),
    ("aws_opensearchserverless_", "OpenSearchServerless", "OpenSearch Serverless"),
    ("aws_opensearch_", "OpenSearchService", "OpenSearch Service"),
    ("aws_elasticsearch_", "Elasticsearch", "OpenSearch Service"),
    ("aws_kendra_", "Kendra", "Kendra"),
    ("aws_qbusiness_", "QBusiness", "Q Business"),
    ("aws_comprehend_", "Comprehend", "Comprehend"),
    ("aws_lexv2models_", "Lex", "Lex"),
    ("aws_lex_", None, "Lex"),  # Lex V1: CloudFormation's AWS::Lex types are V2
    ("aws_textract_", "Textract", "Textract"),
    ("aws_transcribe_", "Transcribe", "Transcribe"),
    ("aws_rekognition_", "Rekognition", "Rekognition"),
    ("aws_personalize_", "Personalize", "Personalize"),
    ("aws_iam_", "IAM", "IAM"),
    ("data.aws_iam_", None, "IAM"),
    ("aws_ssoadmin_", "SSO", "IAM"),
    ("aws_s3_", "S3", "S3"),
    ("aws_kms_", "KMS", "KMS"),
    ("aws_ecr_", "ECR", "ECR"),
    ("aws_instance", "EC2", "EC2"),
    ("aws_launch_template", None, "EC2"),
    ("aws_ebs_", None, "EC2"),
    ("aws_volume_attachment", None, "EC2"),
    ("aws_subnet", None, "EC2"),
    ("aws_efs_", "EFS", "EFS"),
    ("aws_lambda_", "Lambda", "Lambda"),
)
AI_SERVICES = AI_SERVICE_NAMES
SUPPORT_SERVICES = ("IAM", "S3", "KMS", "ECR", "EC2", "EFS", "Lambda", "Other")


def service_of(tf_type: str | None, cfn_type: str | None) -> str:
    if tf_type:
        for prefix, _, service in SERVICES:
            if tf_type.startswith(prefix):
                return service
    if cfn_type:
        service = service_of_cloudformation(cfn_type)
        if service:
            return service
        namespace = cfn_type.split("::")[1]
        for _, ns, service in SERVICES:
            if ns == namespace:
                return service
    return "Other"


@dataclass
class Row:
    service: str
    canonical: str | None  # iaclint's type: the Terraform name, or its own for CloudFormation-only types
    terraform: str | None  # None: the Terraform provider has no such resource
    cloudformation: list = field(default_factory=list)
    awscc: list = field(default_factory=list)  # the awscc provider's types of the CloudFormation types
    by_name: bool = False  # CloudFormation type paired by name, not by iaclint's tables
    policies: list = field(default_factory=list)  # IDs of the policies that run by default
    opt_in: list = field(default_factory=list)  # IDs of opt-in policies (off unless selected)
    checkov_tf: list | None = None  # None: not applicable (no type in that format)
    checkov_cfn: list | None = None

    @property
    def key(self) -> str:
        return self.terraform or self.canonical or self.cloudformation[0]

    @property
    def checkov(self) -> bool:
        return bool(self.checkov_tf) or bool(self.checkov_cfn)


def _pair_by_name(terraform_types, cfn_types) -> dict:
    """{Terraform type: CloudFormation type} where the names are the same within the
    service (`aws_sagemaker_app_image_config` / `AWS::SageMaker::AppImageConfig`) and the
    match is unique both ways."""
    candidates: dict = {}
    for tf in terraform_types:
        for prefix, namespace, _ in SERVICES:
            if tf.startswith(prefix):
                if namespace:
                    suffix = tf[len(prefix):].replace("_", "")
                    candidates[tf] = [c for c in cfn_types
                                      if c.split("::")[1] == namespace and c.split("::")[2].lower() == suffix]
                break
    taken: dict = {}
    for matches in candidates.values():
        for cfn in matches:
            taken[cfn] = taken.get(cfn, 0) + 1
    return {tf: m[0] for tf, m in candidates.items() if len(m) == 1 and taken[m[0]] == 1}


def build_rows(policies, checkov: dict, cfn_tables: dict) -> list[Row]:
    """One row per resource type: AI-service types, and every type an iaclint policy names."""
    tf_checks, cfn_checks = checkov.get("terraform", {}), checkov.get("cloudformation", {})
    canonical_only = set(checkov.get("canonical_only", ()))
    by_type: dict = {}
    opt_in: dict = {}  # opt-in policies do not make a type checked: a default scan does not run them
    for policy in policies:
        for rtype in policy.resource_types:
            (opt_in if getattr(policy, "opt_in", False) else by_type).setdefault(rtype, []).append(policy.id)
    tabled: dict = {}
    for cfn, table in cfn_tables.items():
        tabled.setdefault(table["type"], []).append(cfn)
    canonical = set(tf_checks) | canonical_only | set(by_type) | set(opt_in) | set(tabled)
    untabled_cfn = sorted(set(cfn_checks) - set(cfn_tables))
    named = _pair_by_name(sorted(t for t in canonical if t not in tabled), untabled_cfn)

    rows = []
    for rtype in sorted(canonical):
        cfn = sorted(tabled.get(rtype, ())) or ([named[rtype]] if rtype in named else [])
        terraform = None if rtype in canonical_only else rtype
        rows.append(Row(service=service_of(rtype, cfn[0] if cfn else None), canonical=rtype, terraform=terraform,
                        cloudformation=cfn, by_name=rtype in named, policies=sorted(set(by_type.get(rtype, ()))),
                        opt_in=sorted(set(opt_in.get(rtype, ())))))
    paired = {c for row in rows for c in row.cloudformation}
    for cfn in untabled_cfn:
        if cfn not in paired:
            rows.append(Row(service=service_of(None, cfn), canonical=None, terraform=None, cloudformation=[cfn]))
    rows = [r for r in rows if r.service in AI_SERVICES or r.policies]
    for row in rows:
        row.awscc = awscc_twins(row.cloudformation)
        if row.terraform:
            checks = tf_checks.get(row.terraform)
            row.checkov_tf = [c["id"] for c in checks] if checks is not None else ["?"]
        if row.cloudformation:
            ids: list = []
            for cfn in row.cloudformation:
                checks = cfn_checks.get(cfn)
                ids += [c["id"] for c in checks] if checks is not None else ["?"]
            row.checkov_cfn = sorted(set(ids), key=_id_key)
    order = {s: i for i, s in enumerate(AI_SERVICES + SUPPORT_SERVICES)}
    return sorted(rows, key=lambda r: (order.get(r.service, len(order)), r.key))


def missing_from_checkov_data(policies, checkov: dict, cfn_tables: dict) -> list[str]:
    """Types iaclint's policies cover that the extracted Checkov data does not list (the
    extractor must be run again), in either format."""
    known_tf = set(checkov.get("terraform", {})) | set(checkov.get("canonical_only", ()))
    known_cfn = set(checkov.get("cloudformation", {}))
    covered = {t for p in policies for t in p.resource_types}
    missing = sorted(covered - known_tf)
    missing += sorted(c for c, table in cfn_tables.items() if table["type"] in covered and c not in known_cfn)
    return missing


def _id_key(check_id: str):
    prefix, _, number = check_id.rpartition("_")
    return (prefix, int(number) if number.isdigit() else 0, check_id)


def _ids(ids: list | None) -> str:
    if ids is None:
        return "-"
    return ", ".join(ids) if ids else "none"


def _listed(names) -> str:
    names = list(names)
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


def _count(rows) -> list:
    both = sum(1 for r in rows if r.policies and r.checkov)
    iaclint_only = sum(1 for r in rows if r.policies and not r.checkov)
    checkov_only = sum(1 for r in rows if r.checkov and not r.policies)
    neither = len(rows) - both - iaclint_only - checkov_only
    return [len(rows), both + iaclint_only, both + checkov_only, both, iaclint_only, checkov_only, neither]


def render_coverage(policies, checkov: dict, cfn_tables: dict | None = None, parity=None) -> str:
    """`parity`: the loaded control sources (iaclint.reference.parity.load()); None loads
    the committed ones."""
    if cfn_tables is None:
        from iaclint.normalize.tables import CFN_TYPES as cfn_tables
    if parity is None:
        from iaclint.reference.parity import load as load_parity
        parity = load_parity()
    rows = build_rows(policies, checkov, cfn_tables)
    version = checkov.get("checkov_version", "?")
    out = [
        "# Coverage: AI-related AWS resource types and run-time controls, iaclint and its peers", "",
        f"Generated by `{REGENERATE}` from iaclint's policies and "
        f"[coverage/checkov-checks.json](coverage/checkov-checks.json); do not edit by hand. "
        "`tests/test_coverage_doc.py` fails when this page is stale.", "",
        f"The Checkov data is for Checkov {version}. It is extracted where Checkov is installed, by "
        f"`{EXTRACT}` (run it with Checkov's Python); CI and the tests only read the committed JSON. Re-run it "
        "when a policy covers a type the JSON does not list, or to compare with a newer Checkov.", "",
        "Rows: every resource type of " + _listed(AI_SERVICES) + " (the AI/ML services of "
        "`iaclint.normalize.scope`) that the Terraform AWS provider registers or that cfn-lint "
        f"{checkov.get('cfn_lint_version', '?')}'s CloudFormation schemas list, and every other type an iaclint "
        "policy checks (IAM, S3, KMS, ECR, EC2, EFS, Lambda). One row is one resource in three dialects: the "
        "Terraform `aws` provider's type, the `awscc` provider's type and the CloudFormation type. The "
        "CloudFormation type is paired with the Terraform type by iaclint's translation tables, which are how "
        "one iaclint policy covers every dialect; the `awscc` type is the provider's name for the CloudFormation "
        "type (`iaclint.normalize.awscc`), read through the same table. A pair marked \\* is matched by "
        "identical names only: iaclint has no translation table for that CloudFormation type and reads its "
        "properties by the generic snake_case rule, which the Terraform type's attributes need not follow. "
        "`-` means the dialect has no such type (the `awscc` "
        f"provider generates no resource for some CloudFormation types); a Terraform cell that names an iaclint "
        "type stands for a CloudFormation-only resource. Every type is in iaclint's model (it is loaded and "
        "its references followed); *unchecked* means no policy judges it, and `iaclint scan --strict` notes "
        "such AI resources in the scanned code. An *opt-in* policy runs only when selected by name "
        "(docs/usage.md): it does not count as checking its type.", "",
        "A Checkov check is listed for a type when it declares the type in `supported_resources`, or, for a "
        "graph (CKV2) check, when its definition filters on the type. A listed check is not necessarily a "
        "correct one: CKV_AWS_122, for one, passes a notebook whose `direct_internet_access` is unset, although "
        "AWS enables it by default (see [IAC201](policies.md#iac201)). Checkov has no check for `awscc` "
        "types.", "",
    ]
    out += ["## Summary", "",
            "| service | types | iaclint | Checkov | both | iaclint only | Checkov only | neither |",
            "|---|---|---|---|---|---|---|---|"]
    services = list(dict.fromkeys(r.service for r in rows))
    for service in services:
        counts = _count([r for r in rows if r.service == service])
        out.append(f"| {service} | " + " | ".join(map(str, counts)) + " |")
    ai_rows = [r for r in rows if r.service in AI_SERVICES]
    for label, subset in (("AI services", ai_rows), ("all", rows)):
        out.append(f"| **{label}** | " + " | ".join(f"**{n}**" for n in _count(subset)) + " |")
    tf_rows = [r for r in rows if r.terraform]
    cfn_types = {c: r for r in rows for c in r.cloudformation}
    awscc_types = {a: r for r in rows for a in r.awscc}
    ai_checks = {i for r in ai_rows for i in (r.checkov_tf or []) + (r.checkov_cfn or [])}
    out += ["",
            f"Terraform: {len(tf_rows)} types, {sum(1 for r in tf_rows if r.policies)} with an iaclint policy, "
            f"{sum(1 for r in tf_rows if r.checkov_tf)} with a Checkov check. CloudFormation: {len(cfn_types)} "
            f"types, {sum(1 for r in cfn_types.values() if r.policies and not r.by_name)} with an iaclint policy, "
            f"{sum(1 for t in cfn_types if checkov.get('cloudformation', {}).get(t))} with a Checkov check. "
            f"awscc: {len(awscc_types)} types, "
            f"{sum(1 for r in awscc_types.values() if r.policies and not r.by_name)} with an iaclint policy. "
            f"Checkov checks on the AI-service types: {len(ai_checks)} distinct IDs. AI-service types without "
            f"an iaclint policy (unchecked): {sum(1 for r in ai_rows if not r.policies)} of {len(ai_rows)}.", ""]
    if parity:
        from iaclint.reference.parity import render as render_parity
        out += render_parity(parity, policies)

    header = ["| Terraform (`aws`) | `awscc` | CloudFormation | iaclint | Checkov (Terraform) | "
              "Checkov (CloudFormation) |", "|---|---|---|---|---|---|"]
    for service in services:
        out += [f"## {service}", ""] + header
        for r in (r for r in rows if r.service == service):
            if r.terraform:
                tf = f"`{r.terraform}`"
            else:
                tf = f"- (iaclint: `{r.canonical}`)" if r.canonical else "-"
            cfn = "<br>".join(f"`{c}`" for c in r.cloudformation) + (" \\*" if r.by_name else "") or "-"
            awscc = "<br>".join(f"`{a}`" for a in r.awscc) or "-"
            ours = ", ".join(f"[{p}](policies.md#{p.lower()})" for p in r.policies) or "*unchecked*"
            if r.opt_in:
                ours += ", " + ", ".join(f"[{p}](policies.md#{p.lower()}) (opt-in)" for p in r.opt_in)
            if r.policies and r.by_name:
                ours += " (Terraform only)"
            out.append(f"| {tf} | {awscc} | {cfn} | {ours} | {_ids(r.checkov_tf)} | {_ids(r.checkov_cfn)} |")
        out.append("")

    names: dict = {}
    for fmt, table in (("Terraform", checkov.get("terraform", {})), ("CloudFormation", checkov.get("cloudformation", {}))):
        listed = {t for r in rows for t in ([r.terraform] if fmt == "Terraform" else r.cloudformation) if t}
        for rtype in listed:
            for check in table.get(rtype, ()):
                entry = names.setdefault(check["id"], {"name": check["name"], "formats": []})
                if fmt not in entry["formats"]:
                    entry["formats"].append(fmt)
    out += ["## Checkov checks in this table", "",
            "Titles as Checkov gives them (the Terraform check's, where the two formats word it differently).", "",
            "| ID | Checkov's title | formats |", "|---|---|---|"]
    for check_id in sorted(names, key=_id_key):
        entry = names[check_id]
        title = entry["name"].replace("|", "\\|")
        out.append(f"| {check_id} | {title} | {', '.join(entry['formats'])} |")
    return "\n".join(line.rstrip() for line in out).rstrip() + "\n"


def load_checkov_data(path: Path | str = CHECKOV_JSON) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def main(argv=None) -> int:
    from iaclint.api import load_all_policies

    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("-h", "--help"):
        print(f"usage: {REGENERATE}  (optionally: python -m iaclint.reference.coverage CHECKOV_JSON)")
        return 0
    data = load_checkov_data(argv[0] if argv else CHECKOV_JSON)
    sys.stdout.write(render_coverage(load_all_policies(), data))
    return 0


if __name__ == "__main__":
    sys.exit(main())
