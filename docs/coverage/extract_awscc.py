"""Write iaclint/normalize/awscc_types.json: every resource type of the `awscc` provider
and the CloudFormation type it is generated from.

Reads a clone of hashicorp/terraform-provider-awscc (a bare git directory is enough): its
`internal/provider/all_schemas.hcl` names the CloudFormation type of every awscc type and
marks the types the provider does not generate (`suppress_resource_generation = true`),
and its `docs/resources/*.md` pages must name exactly the generated types (checked here).
The provider renames two top-level properties to keep clear of Terraform's own names
(`internal/provider/generators/shared/codegen/emitter.go`): `Id` becomes
`<resource>_id` and `Provider` becomes `provider_name`; those of every generated type are
recorded under `renamed`, read from the provider's copies of the CloudFormation schemas
(`internal/service/cloudformation/schemas/`). The JSON is committed; tests check each entry against the provider's naming rule
(`iaclint.normalize.awscc.awscc_type`) and cfn-lint's CloudFormation schemas. CI never runs
this script:

    python docs/coverage/extract_awscc.py /path/to/terraform-provider-awscc
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "iaclint" / "normalize" / "awscc_types.json"
_BLOCK = re.compile(r'^resource_schema "([a-z0-9_]+)" \{(.*?)^\}', re.S | re.M)


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def extract(repo: Path) -> dict:
    commit = _git(repo, "rev-parse", "HEAD").strip()
    date = _git(repo, "log", "-1", "--format=%cs").strip()
    text = _git(repo, "show", "HEAD:internal/provider/all_schemas.hcl")
    generated, suppressed = {}, {}
    for name, body in _BLOCK.findall(text):
        cfn = re.search(r'cloudformation_type_name\s*=\s*"([^"]+)"', body).group(1)
        awscc = "awscc_" + name[len("aws_"):]
        if re.search(r"suppress_resource_generation\s*=\s*true", body):
            suppressed[awscc] = cfn
        else:
            generated[awscc] = cfn
    renamed = {}
    for awscc, cfn in sorted(generated.items()):
        schema = json.loads(_git(repo, "show", f"HEAD:internal/service/cloudformation/schemas/{cfn.replace('::', '_')}.json"))
        properties = schema.get("properties", {})
        names = {}
        if "Id" in properties:
            names[awscc.split("_", 2)[2] + "_id"] = "Id"
        if "Provider" in properties:
            names["provider_name"] = "Provider"
        if names:
            renamed[awscc] = names
    pages = {"awscc_" + Path(p).stem for p in _git(repo, "ls-tree", "--name-only", "HEAD", "docs/resources/").split()}
    if pages != set(generated):
        sys.exit(f"docs/resources and all_schemas.hcl disagree: only in docs {sorted(pages - set(generated))}, "
                 f"only in the schema list {sorted(set(generated) - pages)}")
    return {
        "about": "Resource types of hashicorp/terraform-provider-awscc and their CloudFormation types, from "
                 "internal/provider/all_schemas.hcl (the docs/resources pages agree); written by "
                 "docs/coverage/extract_awscc.py, read by iaclint/normalize/awscc.py. Do not edit by hand.",
        "provider_commit": commit,
        "provider_date": date,
        "types": dict(sorted(generated.items())),
        "not_generated": dict(sorted(suppressed.items())),
        "renamed": renamed,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repository", type=Path, help="a clone of hashicorp/terraform-provider-awscc")
    args = parser.parse_args(argv)
    data = extract(args.repository)
    OUT.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(data['types'])} types ({len(data['not_generated'])} not generated)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
