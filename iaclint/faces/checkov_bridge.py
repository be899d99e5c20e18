"""iaclint's policies inside Checkov: what the checks written by `iaclint export checkov`
call when Checkov runs them (`checkov -d . --external-checks-dir DIR`).

Imported only by those checks, inside Checkov's process, where Checkov and iaclint are
both installed. Each exported check registers a Checkov Python check per framework
(Terraform resources and data sources, CloudFormation resources) under the policy's ID
and title. When Checkov hands a resource over, the check takes iaclint's verdict on it:
the directory Checkov scans (its `-d`/`-f` arguments; the working directory otherwise) is
evaluated by iaclint once per run, with iaclint's own parsers, model, AWS defaults and
cross-resource graph, and the verdict for the policy, the file and the resource address
(`module.m.aws_x.y`, a logical ID) is looked up. PASS is PASSED, FAIL is FAILED with
iaclint's message in `details`, and UNKNOWN (or a resource iaclint does not create, such
as one under a false CloudFormation `Condition`) is Checkov's UNKNOWN, which Checkov
leaves out of its reports.
"""
from __future__ import annotations

import os
import sys

from checkov.cloudformation.checks.resource.base_resource_check import BaseResourceCheck as _CloudFormationCheck
from checkov.common.bridgecrew.severities import get_severity
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.data.base_check import BaseDataCheck as _TerraformDataCheck
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck as _TerraformCheck

_CATEGORIES = {
    "data-protection": CheckCategories.ENCRYPTION,
    "network-exposure": CheckCategories.NETWORKING,
    "identity": CheckCategories.IAM,
    "iam": CheckCategories.IAM,
    "logging": CheckCategories.LOGGING,
}
_RESULTS = {"PASS": CheckResult.PASSED, "FAIL": CheckResult.FAILED}
_TABLES: dict = {}  # scanned root -> {(policy id, real file, address): (verdict, message, attribute)}


def register(id: str, name: str, severity: str, category: str, guideline: str | None,
             terraform: list, terraform_data: list, cloudformation: list) -> list:
    """Create (and so register with Checkov) the checks of one iaclint policy."""
    categories = [_CATEGORIES.get(category, CheckCategories.GENERAL_SECURITY)]
    checks: list = []
    for base, kinds, keyword in ((_TerraformCheck, terraform, "supported_resources"),
                                 (_TerraformDataCheck, terraform_data, "supported_data"),
                                 (_CloudFormationCheck, cloudformation, "supported_resources")):
        if kinds:
            bridge = type(f"{id}{base.__module__.split('.')[1].title()}", (_Bridge, base), {})
            check = bridge(name=name, id=id, categories=categories, guideline=guideline, **{keyword: kinds})
            check.severity = get_severity(severity)
            checks.append(check)
    return checks


class _Bridge:
    """The Checkov check's scan: iaclint's verdict on the resource Checkov hands over."""

    def scan_resource_conf(self, conf):
        return self._verdict(conf)

    def scan_data_conf(self, conf):
        return self._verdict(conf)

    def _verdict(self, conf) -> CheckResult:
        scanned_file, entity_type, entity_name = _split(self.entity_path, self.supported_entities)
        address = conf.get("__address__") if isinstance(conf, dict) else None
        if not address:  # CloudFormation: the logical ID; Terraform data: data.<type>.<name>
            address = entity_name if "::" in entity_type else f"{entity_type}.{entity_name}"
        if self.block_type == "data" and not address.startswith("data.") and "module." not in address:
            address = f"data.{address}"
        found = verdicts_for(scanned_file).get((self.id, os.path.realpath(_absolute(scanned_file)), address))
        if found is None:
            return CheckResult.UNKNOWN
        verdict, message, attribute = found
        if message and verdict != "PASS":
            self.details.append(message)
        if attribute:
            self.evaluated_keys = [attribute.replace(".", "/")]
        return _RESULTS.get(verdict, CheckResult.UNKNOWN)


def _split(entity_path: str, types) -> tuple[str, str, str]:
    """`file:type:name` as Checkov writes it; a CloudFormation type has colons of its own."""
    head, _, name = entity_path.rpartition(":")
    for entity_type in types:
        if head.endswith(":" + entity_type):
            return head[:-len(entity_type) - 1], entity_type, name
    scanned_file, _, entity_type = head.rpartition(":")
    return scanned_file, entity_type, name


def roots() -> list[str]:
    """What Checkov was asked to scan: its `-d`/`--directory` and `-f`/`--file` arguments."""
    out: list[str] = []
    argv = sys.argv[1:]
    for i, arg in enumerate(argv):
        for flag in ("-d", "--directory", "-f", "--file"):
            if arg == flag and i + 1 < len(argv):
                out.append(argv[i + 1])
            elif arg.startswith(flag + "="):
                out.append(arg.split("=", 1)[1])
    return [os.path.abspath(p) for p in out] or [os.getcwd()]


def _absolute(scanned_file: str) -> str:
    """Checkov names a file relative to the root it scans (`/modules/x/main.tf`)."""
    if os.path.isfile(scanned_file):
        return os.path.abspath(scanned_file)
    for root in roots():
        base = root if os.path.isdir(root) else os.path.dirname(root)
        candidate = os.path.join(base, scanned_file.lstrip("/"))
        if os.path.isfile(candidate):
            return candidate
    return scanned_file


def verdicts_for(scanned_file: str) -> dict:
    """iaclint's verdicts on the root that holds `scanned_file`, evaluated once."""
    absolute = os.path.realpath(_absolute(scanned_file))
    for root in roots():
        real = os.path.realpath(root)
        if absolute == real or absolute.startswith(real.rstrip(os.sep) + os.sep):
            if real not in _TABLES:
                _TABLES[real] = evaluate(real)
            return _TABLES[real]
    return {}


def evaluate(root: str) -> dict:
    """{(policy id, real file, address): (verdict, message, attribute)} of every policy on
    every resource under `root`, as iaclint decides them."""
    from iaclint.engine.findings import finding
    from iaclint.engine.runner import evaluate as run
    from iaclint.model.project import Project
    from iaclint.pipeline.discover import discover
    from iaclint.pipeline.loading import Options, load_all
    from iaclint.pipeline.policies import load_all_policies

    policies = [p for p in load_all_policies() if p.resource_types]
    loaded = load_all(discover([root]), Options([], {}, {}, {}), jobs=1)
    table: dict = {}
    errors: list = []
    for ev in run(Project(loaded.resources), policies, errors):
        key = (ev.policy.id, os.path.realpath(ev.resource.file), ev.resource.address)
        shown = finding(ev.policy, ev.resource, ev.result)
        previous = table.get(key)
        if previous is None or previous[0] == "PASS":  # a policy's FAIL wins over its PASS on the resource
            table[key] = (ev.result.verdict.value, shown.message, shown.attribute)
    return table
