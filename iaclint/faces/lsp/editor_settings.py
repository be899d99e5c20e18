"""The editor's settings as the server reads them (initializationOptions and
workspace/didChangeConfiguration, under `iaclint`), and which files are ours: parsed
leniently, since a bad value in an editor must fall back, not stop the server."""
from __future__ import annotations

import os

from lsprotocol import types

from iaclint.model.records import dataclass, field

SOURCE = "iaclint"
POLICY_DOCS = "https://github.com/iaclint/iaclint/blob/main/docs/policies.md#"
DEFAULT_DEBOUNCE = 0.4
DEFAULT_SCAN_TIMEOUT = 20.0
SCAN_THREADS = 4  # scans run one at a time; the others are threads left behind by scans that timed out
TERRAFORM = (".tf", ".tf.json")
TFVARS = (".tfvars", ".tfvars.json")
CLOUDFORMATION = (".yaml", ".yml", ".json", ".template")
SEVERITY = {
    "critical": types.DiagnosticSeverity.Error,
    "high": types.DiagnosticSeverity.Error,
    "medium": types.DiagnosticSeverity.Warning,
    "low": types.DiagnosticSeverity.Information,
    "info": types.DiagnosticSeverity.Hint,
}
REASON_PLACEHOLDER = "<reason>"


@dataclass
class Settings:
    select: list = field(default_factory=list)
    extend_select: list = field(default_factory=list)  # added to the configuration file's, as on the command line
    ignore: list = field(default_factory=list)
    strict: bool | None = None  # None: as the configuration file says
    policy_dirs: list = field(default_factory=list)
    var_files: list = field(default_factory=list)
    variables: dict = field(default_factory=dict)
    parameters: dict = field(default_factory=dict)
    environments: dict = field(default_factory=dict)  # {name: {"var-files": [...], "parameter-files": [...]}}
    environment: str | None = None
    debounce: float = DEFAULT_DEBOUNCE
    scan_timeout: float = DEFAULT_SCAN_TIMEOUT
    trusted_workspace: bool = False

    @classmethod
    def parse(cls, raw) -> Settings:
        raw = raw if isinstance(raw, dict) else {}
        if isinstance(raw.get("iaclint"), dict):  # {"iaclint": {...}} as editors nest settings
            raw = raw["iaclint"]

        def strings(key):
            value = raw.get(key) or []
            if isinstance(value, str):
                value = value.split(",")
            return [str(v).strip() for v in value if str(v).strip()]

        def mapping(key):
            value = raw.get(key) or {}
            return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}

        try:
            debounce = max(0.0, float(raw.get("debounce", DEFAULT_DEBOUNCE)))
        except (TypeError, ValueError):
            debounce = DEFAULT_DEBOUNCE
        try:
            scan_timeout = max(0.1, float(raw.get("scanTimeout", DEFAULT_SCAN_TIMEOUT)))
        except (TypeError, ValueError):
            scan_timeout = DEFAULT_SCAN_TIMEOUT
        strict = raw.get("strict")
        return cls(select=strings("select"), extend_select=strings("extendSelect"), ignore=strings("ignore"),
                   strict=None if strict is None else bool(strict),
                   policy_dirs=strings("policyDirs"), var_files=strings("varFiles"), variables=mapping("variables"),
                   parameters=mapping("parameters"), environments=_environments(raw.get("environments")),
                   environment=str(raw["environment"]) if raw.get("environment") else None,
                   debounce=debounce, scan_timeout=scan_timeout,
                   trusted_workspace=raw.get("trustedWorkspace") is True)


def _environments(value) -> dict:
    """The `environments` setting, with the configuration's keys (`varFiles` or `var-files`)."""
    out = {}
    for name, spec in (value.items() if isinstance(value, dict) else ()):
        if isinstance(spec, dict):
            files = {key: [str(f) for f in spec.get(camel) or spec.get(key) or [] if isinstance(f, str)]
                     for camel, key in (("varFiles", "var-files"), ("parameterFiles", "parameter-files"))}
            out[str(name)] = {k: v for k, v in files.items() if v}
    return out


def kind(path: str) -> str:
    """'terraform', 'tfvars', 'cloudformation' or '' (not ours)."""
    name = os.path.basename(path)
    if name.endswith(TERRAFORM):
        return "terraform"
    if name.endswith(TFVARS):
        return "tfvars"
    if name.endswith(CLOUDFORMATION):
        return "cloudformation"
    return ""
