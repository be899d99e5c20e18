"""What a scan from the editor runs with: the repository's configuration file (data
unless the workspace is trusted: iaclint.pipeline.trust) under the editor's settings."""
from __future__ import annotations

from iaclint.gate.text import listed
from iaclint.pipeline.config import ConfigError, merge
from iaclint.pipeline.trust import EDITOR_OPT_IN, effective_config


def scan_options(s, target: str, warn) -> tuple[dict, tuple]:
    """`scan()` keyword arguments and policy dirs for `target` under the editor's settings
    `s`: the configuration file that applies to it (.iaclint.yaml or [tool.iaclint],
    found as `iaclint scan` finds it), overridden by the settings as the command line's
    flags override it. Problems go to `warn` and the scan goes on without that part."""
    try:  # a configuration in the opened file's tree is data unless the workspace is trusted (pipeline.trust)
        config, notes = effective_config([target], trust_flag=s.trusted_workspace, opt_in=EDITOR_OPT_IN)
        for where, message in notes:
            warn(f"iaclint: {where}: {message}")
    except ConfigError as exc:
        warn("iaclint: " + "; ".join(f"{exc.file}: {m}" for m in listed(exc.messages, 5)))
        config = None
    editor = {"select": s.select, "extend-select": s.extend_select, "ignore": s.ignore, "strict": s.strict, "policy-dirs": s.policy_dirs,
              "variables": s.variables, "parameters": s.parameters, "var-files": s.var_files,
              "environment": s.environment}
    try:
        merged = merge(config, editor)
    except ValueError as exc:  # an invalid glob in the file: said, and the file is left out
        warn(f"iaclint: {config.file if config is not None else 'settings'}: {exc}")
        merged = merge(None, editor)
    options = {"select": merged["select"], "extend_select": merged["extend-select"], "ignore": merged["ignore"],
               "strict": merged["strict"],
               "var_files": merged["var-files"], "variables": merged["variables"],
               "parameters": merged["parameters"], "severity": merged["severity"],
               "environments": s.environments or merged["environments"], "environment": merged["environment"],
               "exclude": merged["exclude"], "per_path_ignores": merged["per-path-ignores"],
               "options": {"trusted_accounts": merged["trusted-accounts"]}}
    if merged.get("baseline"):
        try:
            from iaclint.gate.reads import Tree
            from iaclint.pipeline.baseline import load_baseline

            options["baseline"] = load_baseline(merged["baseline"], tree=Tree.of([target]))
        except Exception as exc:  # a missing or broken baseline: say so, scan without it
            warn(f"iaclint: baseline {merged['baseline']}: {exc}")
    return options, tuple(merged["policy-dirs"])
