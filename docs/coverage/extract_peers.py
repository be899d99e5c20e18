"""Write the control lists of the run-time and static peers that docs/coverage.md compares
iaclint with, one JSON file per tool under docs/coverage/controls/:

- `prowler.json`: Prowler's AWS checks of the `sagemaker` and `bedrock` services (each
  check's `<id>.metadata.json`), from a clone of prowler-cloud/prowler;
- `kics.json`: KICS queries on the AI services (SageMaker, Bedrock, Bedrock AgentCore,
  Comprehend, Kendra, Lex, Q Business) for Terraform and CloudFormation (each query's
  `metadata.json`), from a clone of Checkmarx/kics or a fork with the same layout;
- `modelmoat.json`: modelmoat's checks (`check_id` and the first line of each check
  module's docstring), from its wheel (`pip download modelmoat --no-deps`).

A git clone may be bare (read with `git show`). The Security Hub list
(`securityhub.json`) is not extracted: it is written from the AWS documentation pages it
names. CI never runs this script; tests read the committed JSON and fail when a control
has no row in docs/coverage/parity.yaml.

    python docs/coverage/extract_peers.py --prowler DIR --kics DIR --modelmoat WHEEL
"""
from __future__ import annotations

import argparse
import ast
import hashlib
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent / "controls"
KICS_AI = re.compile(r"sagemaker|bedrock|comprehend|kendra|(^|_)lex_|qbusiness", re.I)


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def _revision(repo: Path) -> str:
    return _git(repo, "log", "-1", "--format=%H %cs").strip()


def prowler(repo: Path) -> dict:
    controls = []
    for service in ("sagemaker", "bedrock"):
        base = f"prowler/providers/aws/services/{service}"
        for directory in _git(repo, "ls-tree", "-d", "--name-only", "HEAD", f"{base}/").split():
            name = directory.rsplit("/", 1)[1]
            meta = json.loads(_git(repo, "show", f"HEAD:{directory}/{name}.metadata.json"))
            controls.append({"id": meta["CheckID"], "title": meta["CheckTitle"], "severity": meta["Severity"].lower(),
                             "service": service})
    return {"source": "Prowler (prowler-cloud/prowler), AWS provider, services sagemaker and bedrock",
            "revision": _revision(repo), "controls": sorted(controls, key=lambda c: c["id"])}


def kics(repo: Path) -> dict:
    controls = []
    for folder, platform in (("assets/queries/terraform/aws", "Terraform"),
                             ("assets/queries/cloudFormation/aws", "CloudFormation")):
        for directory in _git(repo, "ls-tree", "-d", "--name-only", "HEAD", f"{folder}/").split():
            name = directory.rsplit("/", 1)[1]
            if not KICS_AI.search(name):
                continue
            meta = json.loads(_git(repo, "show", f"HEAD:{directory}/metadata.json"))
            controls.append({"id": f"{platform}/{name}", "title": meta["queryName"],
                             "severity": meta["severity"].lower(), "platform": platform, "kics_id": meta["id"]})
    return {"source": "KICS queries on AI services (assets/queries/terraform/aws, assets/queries/cloudFormation/aws)",
            "revision": _revision(repo), "controls": sorted(controls, key=lambda c: c["id"])}


def modelmoat(wheel: Path) -> dict:
    controls = []
    with zipfile.ZipFile(wheel) as archive:
        version = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        for name in sorted(archive.namelist()):
            if not (name.startswith("modelmoat/checks/") and name.endswith(".py")) or name.endswith("__init__.py"):
                continue
            source = archive.read(name).decode("utf-8")
            found = re.search(r'check_id\s*=\s*"([^"]+)"', source)
            if not found:
                continue
            doc = (ast.get_docstring(ast.parse(source)) or "").splitlines()[0]
            title = doc.split(":", 1)[1].strip() if ":" in doc else doc
            controls.append({"id": found.group(1), "title": title.rstrip("."), "module": name})
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    return {"source": f"modelmoat {version.split('-')[1].split('.dist')[0]} (PyPI wheel {wheel.name})",
            "revision": f"sha256 {digest}", "controls": sorted(controls, key=lambda c: c["id"])}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prowler", type=Path, help="a clone of prowler-cloud/prowler")
    parser.add_argument("--kics", type=Path, help="a clone of Checkmarx/kics (or a fork with its layout)")
    parser.add_argument("--modelmoat", type=Path, help="the modelmoat wheel")
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    for name, reader, source in (("prowler", prowler, args.prowler), ("kics", kics, args.kics),
                                 ("modelmoat", modelmoat, args.modelmoat)):
        if source is None:
            continue
        data = reader(source)
        (OUT / f"{name}.json").write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{name}: {len(data['controls'])} controls", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
