"""`iaclint export checkov DIR` (also `iaclint export-checkov DIR`): iaclint's policies as
Checkov external checks, so that `checkov -d . --external-checks-dir DIR` reports the AI
findings under iaclint's IDs and titles.

Each policy becomes one small Python file naming the policy and the native types it runs
on in each framework (the Terraform `aws` type, its `awscc` twins, the CloudFormation
types the translation tables map to it); the verdict is iaclint's own, taken by
`iaclint.faces.checkov_bridge` when Checkov runs the check, so Checkov and iaclint agree
on every resource. iaclint must be installed where Checkov runs. Tool policies (parse
errors, suppressions) and policies on every resource type are left out. The files are
regenerated whole: the directory may hold nothing else of ours.
"""
from __future__ import annotations

import os
import re

from iaclint import __version__

HEADER = "# Written by `iaclint export checkov` (iaclint {version}); export again after upgrading iaclint.\n"


def export_checkov(directory: str, policies: list) -> list[str]:
    """Write the checks of `policies` into `directory`; the file names written."""
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(directory):  # stale checks of policies that are gone
        path = os.path.join(directory, name)
        if name.endswith(".py") and os.path.isfile(path) and _ours(path):
            os.remove(path)
    written = ["__init__.py"]
    with open(os.path.join(directory, "__init__.py"), "w", encoding="utf-8") as handle:
        handle.write(HEADER.format(version=__version__))
    for policy in sorted(policies, key=lambda p: p.id):
        types = [t for t in policy.resource_types if t != "all"]
        if not types or "all" in policy.resource_types:
            continue
        resources = [t for t in types if not t.startswith("data.")]
        cloudformation = sorted({c for t in resources for c in _cloudformation_types(t)})
        terraform = sorted({*resources, *_awscc_twins(cloudformation)})
        data = sorted(t[len("data."):] for t in types if t.startswith("data."))
        name = f"{policy.id}_{re.sub(r'[^A-Za-z0-9]+', '_', policy.name).strip('_')}.py"
        with open(os.path.join(directory, name), "w", encoding="utf-8") as handle:
            handle.write(_check_file(policy, terraform, data, cloudformation))
        written.append(name)
    return written


def _cloudformation_types(canonical: str) -> list:
    """The CloudFormation types iaclint reads as `canonical`: those of the translation
    tables, and every other type whose derived name it is (`AWS::ApiGatewayV2::Api`,
    SAM's `AWS::Serverless::Function`)."""
    from iaclint.frontends.cloudformation.sam import GLOBALS_SECTIONS
    from iaclint.normalize.awscc import awscc_types
    from iaclint.normalize.dialects import cloudformation_types
    from iaclint.normalize.translate import canonical_type

    known = set(cloudformation_types(canonical))
    known.update(c for c in {*awscc_types().values(), *GLOBALS_SECTIONS} if canonical_type(c) == canonical)
    return sorted(known)


def _awscc_twins(cloudformation: list) -> list:
    from iaclint.normalize.awscc import awscc_twins

    return awscc_twins(cloudformation)


def _ours(path: str) -> bool:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.readline().startswith("# Written by `iaclint export checkov`")
    except (OSError, UnicodeDecodeError):
        return False


def _check_file(policy, terraform: list, data: list, cloudformation: list) -> str:
    guideline = getattr(policy, "guideline", "") or (policy.references[0] if policy.references else None)
    return (HEADER.format(version=__version__)
            + f'"""{policy.id} {policy.name}: {_doc(policy.title)}"""\n'
            + "from iaclint.faces.checkov_bridge import register\n\n"
            + "register(\n"
            + f"    id={policy.id!r},\n"
            + f"    name={(policy.title or policy.name)!r},\n"
            + f"    severity={policy.severity.upper()!r},\n"
            + f"    category={policy.category!r},\n"
            + f"    guideline={guideline!r},\n"
            + f"    terraform={terraform!r},\n"
            + f"    terraform_data={data!r},\n"
            + f"    cloudformation={cloudformation!r},\n"
            + ")\n")


def _doc(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"""', "'''")
