"""The library API that the CLI, the pre-commit hook, editors and tests all call.

`scan()` runs the whole pipeline (`iaclint.pipeline.scan`): choose the policies, discover
the units, evaluate them (parse, normalize, check, suppress), report. It never raises on
bad input: unreadable or broken files become IAC001 findings and the other files are
still scanned. Everything that decides what is *reported* (per-path ignores,
suppressions, baseline, diff, strict) is applied inside it, so the CLI, editors and hooks
cannot disagree about it.
"""
from __future__ import annotations

import time

from iaclint.model.finding import Finding, fingerprint  # noqa: F401 - API
from iaclint.model.project import Project  # noqa: F401 - API
from iaclint.model.resource import PARSE_ERROR_ID, ParseError  # noqa: F401 - API
from iaclint.pipeline.environments import UnknownEnvironmentError  # noqa: F401 - API
from iaclint.pipeline.policies import (  # noqa: F401 - API
    UnknownPolicyError,
    load_all_policies,
    override_severities,
    select_policies,
)
from iaclint.pipeline.scan import (
    Request,
    ScanResult,
    choose_policies,
    discover_units,
    evaluate,
    report,
)


def scan(paths=(".",), **asked) -> ScanResult:
    """Scan `paths`. Keyword arguments (all optional; `iaclint.pipeline.scan.Request`):

    `select`/`ignore` policy IDs or names, and `extend_select` ones to run besides the
    selection (an opt-in policy runs only when `select` or `extend_select` names it);
    `strict` reports UNKNOWN verdicts; `policies` (already loaded) or `policy_dirs`; `var_files`, `variables` (Terraform) and
    `parameters` (CloudFormation); `overlay` maps file paths to unsaved contents (bytes)
    read instead of the disk's (an editor buffer, `--stdin`); `severity` maps IDs or names
    to a severity; `exclude` globs and `per_path_ignores` ({glob: [IDs]}) are relative to
    `root` (the configuration file's directory; default: the working directory);
    `show_suppressed`; `baseline`, a set of fingerprints not to report; `changes`
    (`iaclint.pipeline.gitdiff.Changes`) limits the report to changed lines and resources;
    `cache` (`iaclint.pipeline.cache.Cache`) reuses the results of unchanged units; `jobs`
    loads units in that many processes (the result is the same for any value); `options`
    is what policies read besides the files (`trusted_accounts`); `environments`
    ({name: {"var-files": [...], "parameter-files": [...]}}) names the environments instead
    of finding them (`iaclint.pipeline.environments`), and `environment` evaluates only one.

    Raises `UnknownPolicyError` (a ValueError) when `select`, `extend_select`, `ignore`,
    `severity` or `per_path_ignores` name a policy that does not exist (a typo must not pass quietly), and
    `UnknownEnvironmentError` (a ValueError) when `environment` names none that exists.
    """
    started = time.perf_counter()
    request = Request(paths=tuple(paths), **asked)
    chosen = choose_policies(request)
    found = discover_units(request)
    evaluated, resources = evaluate(request, found, chosen)
    return report(request, found, chosen, evaluated, resources, time.perf_counter() - started)


def scan_reports(paths=(".",), reports=(("json", False),), **asked):
    """`scan()` and its reports: `reports` lists (format, colour) pairs, and the answer
    (`iaclint.pipeline.report_cache.Reports`) has each report's text in pieces, the
    `ScanResult` (None when every report came from the cache) and the `Outcome` (notes,
    errors, what decides the exit code). With a `cache`, a repeated scan of an unchanged
    tree writes the reports it rendered last time instead of evaluating and rendering
    again (`iaclint.pipeline.report_cache` says what their key holds). Takes and raises
    what `scan()` does."""
    from iaclint.pipeline.report_cache import rendered

    started = time.perf_counter()
    request = Request(paths=tuple(paths), **asked)
    chosen = choose_policies(request)
    found = discover_units(request)
    return rendered(request, found, chosen, list(reports), started)


def inventory(paths=(".",), **asked) -> ScanResult:
    """The AI asset graph of `paths` (`ScanResult.inventory`, an
    `iaclint.inventory.model.AssetGraph`) and the attack paths through it: the findings of
    the policies written with the path-query layer (area 6), whose chains are in each
    finding's `flows`. Takes `scan()`'s keyword arguments; of the policies given (default:
    every policy), only the attack-path ones run (`attack_path`: the path-query policies
    and the notebook-role family, IAC602). The graph is built once, and the policies read
    that same graph."""
    policies = asked.pop("policies", None)
    if policies is None:
        policies = load_all_policies(asked.pop("policy_dirs", ()))
    asked["policies"] = [p for p in policies if getattr(p, "attack_path", False)]
    return scan(paths, inventory=True, **asked)
