"""The command line's scan settings: flags merged over the configuration file, the
baseline and the git diff loaded, and the `baseline create` and `init` commands.

Kept out of `cli.py` so that the CLI stays a thin dispatcher, and so that everything
that can fail on user input here (a bad configuration, a missing baseline, an unknown git
ref) fails before the scan starts, with exit code 2 and a message naming the culprit.
"""
from __future__ import annotations

import argparse
import os
import sys

from iaclint.model.records import dataclass, field

EXIT_OK, EXIT_ERROR = 0, 2
SEVERITIES = ("critical", "high", "medium", "low", "info")


def add_scan_options(scan: argparse.ArgumentParser) -> None:
    """The flags for configuration, suppressions, baseline and diff (`iaclint scan`)."""
    scan.add_argument("--config", metavar="FILE",
                      help="configuration file (default: .iaclint.yaml or [tool.iaclint] in pyproject.toml, "
                      "found by walking up from the first path)")
    scan.add_argument("--no-config", action="store_true", help="ignore configuration files")
    scan.add_argument("--trust-config", action="store_true",
                      help="honour every setting of the configuration file, also those a file inside the scanned "
                      "tree may not make (policy-dirs, cache-dir, paths outside the tree); see docs/security.md")
    scan.add_argument("--no-strict", action="store_false", dest="strict",
                      help="do not report UNKNOWN verdicts, whatever the configuration says")
    scan.add_argument("--severity", action="append", default=[], metavar="ID=LEVEL",
                      help="override a policy's severity (ID or name), e.g. IAC402=high")
    scan.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                      help="do not scan files matching GLOB (relative to the working directory; repeatable)")
    scan.add_argument("--per-path-ignore", action="append", default=[], metavar="GLOB=IDS",
                      help="skip policies IDS (comma-separated) for files matching GLOB")
    scan.add_argument("--show-suppressed", action="store_true", default=None,
                      help="list suppressed findings in the text and Markdown reports")
    scan.add_argument("--no-show-suppressed", action="store_false", dest="show_suppressed",
                      help=argparse.SUPPRESS)
    scan.add_argument("--baseline", metavar="FILE",
                      help="report only findings that are not in this baseline (iaclint baseline create)")
    scan.add_argument("--no-baseline", action="store_true", help="ignore the configuration's baseline")
    scan.add_argument("--diff", metavar="REF",
                      help="report only findings on lines or resources changed since git ref REF")
    scan.add_argument("--trusted-account", action="append", default=[], metavar="ID",
                      help="an AWS account ID that IAC310/IAC313 accept as a trusted partner (repeatable, "
                      "or comma-separated)")
    scan.add_argument("--no-cache", action="store_true",
                      help="do not read or write the parse cache (default: on, in the user cache directory)")
    scan.add_argument("--cache-dir", metavar="DIR", help="where the parse cache lives (default: ~/.cache/iaclint)")
    scan.add_argument("--jobs", "-j", type=int, metavar="N",
                      help="load files in N processes (default: the number of cores); output is the same for any N")
    scan.add_argument("--work-budget", type=int, metavar="STEPS",
                      help="the scan-wide work budget's floor (default: 50000000, about half a minute of one core): "
                      "units past the budget are not evaluated, each named in a note (docs/security.md)")


def add_commands(sub) -> None:
    """The `baseline` and `init` sub-commands."""
    baseline = sub.add_parser("baseline", help="record today's findings so later scans report only new ones",
                              description="`iaclint baseline create [PATHS] [--output FILE]` takes every "
                              "`iaclint scan` option (configuration, selection, variables) and writes the "
                              "fingerprints of the findings to FILE (default: the configuration's `baseline`, "
                              "else .iaclint-baseline.json).")
    baseline.add_argument("action", choices=("create",))
    baseline.add_argument("rest", nargs=argparse.REMAINDER, help="paths and scan options")
    init = sub.add_parser("init", help="write a commented starter .iaclint.yaml")
    init.add_argument("directory", nargs="?", default=".", help="where to write it (default: .)")


@dataclass
class Settings:
    scan: dict = field(default_factory=dict)  # keyword arguments for iaclint.api.scan
    policy_dirs: list = field(default_factory=list)
    fail_on: str = "info"
    format: str | None = None
    baseline_file: str | None = None
    config: object = None
    baseline_confined: bool = False  # the baseline path came from a configuration file: it stays in the tree
    tree: object = None  # iaclint.gate.reads.Tree of the scanned paths (the write gate's boundary)


def _fail(message: str):
    from iaclint.gate.text import inert, short

    print(f"iaclint: error: {inert(short(message))}", file=sys.stderr)
    raise SystemExit(EXIT_ERROR)


def note(where: str, message: str) -> None:
    """`iaclint: note: WHERE: MESSAGE` on standard error, made inert (both may come from
    the scanned tree: a file name can hold a newline and a workflow command)."""
    from iaclint.gate.text import note_text

    print(f"iaclint: note: {note_text(where, message)}", file=sys.stderr)


def said_failures(result) -> bool:
    """Print the paths not found and the internal errors of a scan; whether there were
    any (every command then exits 2: its answer would be incomplete)."""
    from iaclint.gate.text import inert

    for path in result.missing:
        print(f"iaclint: error: path not found: {inert(path)}", file=sys.stderr)
    for error in result.errors:
        print(f"iaclint: internal error: {inert(error)}", file=sys.stderr)
    return bool(result.missing or result.errors)


def _items(values, flag: str) -> dict:
    out = {}
    for value in values or ():
        name, sep, val = value.partition("=")
        if not sep or not name.strip():
            from iaclint.gate.text import echo

            _fail(f"{flag} expects NAME=VALUE, got {echo(value)}")
        out[name.strip()] = val
    return out


def _split(values) -> list[str]:
    return [v.strip() for value in values or () for v in value.split(",") if v.strip()]


def scan_settings(args, paths, *, use_baseline: bool = True) -> Settings:
    """Configuration + flags -> Settings. Exits 2 (SystemExit) on a bad configuration,
    baseline or git ref."""
    from iaclint.gate.reads import Tree
    from iaclint.gate.text import inert, inert_path, listed, short
    from iaclint.pipeline.config import ConfigError, merge
    from iaclint.pipeline.trust import effective_config

    config = None
    if not getattr(args, "no_config", False):
        try:
            config, notes = effective_config(paths, getattr(args, "config", None), getattr(args, "trust_config", False))
        except ConfigError as exc:
            for message in listed(exc.messages):
                print(f"iaclint: error: {inert_path(exc.file)}: {inert(short(message))}", file=sys.stderr)
            raise SystemExit(EXIT_ERROR) from None
        for where, message in notes:
            note(where, message)
    severity = _items(getattr(args, "severity", ()), "--severity")
    for name, level in severity.items():
        if level not in SEVERITIES:
            from iaclint.gate.text import ECHO_LIMIT, short

            _fail(f"--severity {short(name, ECHO_LIMIT)}={short(level, ECHO_LIMIT)}: the severity must be one of {', '.join(SEVERITIES)}")
    per_path = {glob: _split([ids]) for glob, ids in _items(getattr(args, "per_path_ignore", ()),
                                                            "--per-path-ignore").items()}
    cli = {
        "select": _split(args.select), "extend-select": _split(getattr(args, "extend_select", None)),
        "ignore": _split(args.ignore), "severity": severity,
        "fail-on": args.fail_on, "exclude": list(getattr(args, "exclude", ()) or ()),
        "per-path-ignores": per_path, "policy-dirs": list(args.policy_dir or ()),
        "variables": _items(args.var, "--var"), "parameters": _items(args.parameter, "--parameter"),
        "var-files": list(args.var_file or ()), "strict": args.strict,
        "environment": getattr(args, "environment", None),
        "show-suppressed": getattr(args, "show_suppressed", None), "baseline": getattr(args, "baseline", None),
        "format": None, "jobs": getattr(args, "jobs", None),
        "cache": False if getattr(args, "no_cache", False) else None,
        "cache-dir": getattr(args, "cache_dir", None),
        "trusted-accounts": _accounts(_split(getattr(args, "trusted_account", ()) or ())),
    }
    from iaclint.pipeline.globs import GlobError

    try:
        merged = merge(config, cli)
    except GlobError as exc:
        _fail(f"exclude or per-path-ignores: {exc}")
    baseline_file = None if getattr(args, "no_baseline", False) else merged["baseline"]
    tree = Tree.of(paths)
    # A baseline named by an untrusted configuration stays in the tree (read and written there).
    from_config = baseline_file is not None and cli["baseline"] is None and not getattr(config, "trusted", False)
    scan = {
        "select": merged["select"], "extend_select": merged["extend-select"], "ignore": merged["ignore"],
        "strict": merged["strict"],
        "var_files": merged["var-files"], "variables": merged["variables"], "parameters": merged["parameters"],
        "environments": merged["environments"], "environment": merged["environment"],
        "severity": merged["severity"], "exclude": merged["exclude"], "per_path_ignores": merged["per-path-ignores"],
        "show_suppressed": merged["show-suppressed"],
        "cache": _cache(merged), "jobs": _jobs(merged), "work_budget": _work_budget(args),
        "options": {"trusted_accounts": merged["trusted-accounts"]},
    }
    if use_baseline and baseline_file:
        from iaclint.pipeline.baseline import BaselineError, load_baseline

        try:
            scan["baseline"] = load_baseline(baseline_file, tree=tree if from_config else None)
        except BaselineError as exc:
            _fail(str(exc))
    if use_baseline and getattr(args, "diff", None):
        from iaclint.pipeline.gitdiff import DiffError, changed_lines

        try:
            scan["changes"] = changed_lines(args.diff, _git_directory(paths))
        except DiffError as exc:
            _fail(str(exc))
    return Settings(scan=scan, policy_dirs=merged["policy-dirs"], fail_on=merged["fail-on"],
                    format=merged["format"], baseline_file=baseline_file, config=config,
                    baseline_confined=from_config, tree=tree)


def _cache(merged: dict):
    """The parse cache, unless --no-cache, `cache: false` or IACLINT_NO_CACHE turns it off."""
    if not merged.get("cache", True) or os.environ.get("IACLINT_NO_CACHE"):
        return None
    from iaclint.pipeline.cache import Cache

    cache = Cache(merged.get("cache-dir") or os.environ.get("IACLINT_CACHE_DIR"))
    if cache.problem:
        note(str(cache.directory), f"cache not used: {cache.problem}")
        return None
    return cache


def _accounts(values: list) -> list:
    for value in values:
        if not (len(value) == 12 and value.isdigit()):
            _fail(f"--trusted-account {value}: an AWS account ID is 12 digits")
    return values


def _jobs(merged: dict) -> int:
    """Worker processes: at least 1, at most the number of cores (loading is CPU-bound:
    more processes only cost memory, and `jobs: 2000` would fork 2,000)."""
    jobs = merged.get("jobs")
    cores = os.cpu_count() or 1
    if jobs is None:
        return cores
    if jobs < 1:
        _fail(f"--jobs must be at least 1, got {jobs}")
    if jobs > cores:
        note("--jobs", f"{jobs} is more than the {cores} cores: using {cores}")
        return cores
    return jobs


def _work_budget(args) -> int | None:
    """`--work-budget`: the floor of the scan-wide work budget (`iaclint.pipeline.scan_budget`).
    Only the command line sets it: a repository must not raise what protects the machine."""
    steps = getattr(args, "work_budget", None)
    if steps is not None and steps < 0:
        _fail(f"--work-budget must be 0 or more, got {steps}")
    return steps


def _git_directory(paths) -> str:
    """Where git runs for --diff: the first scanned path's directory."""
    first = os.path.abspath(next(iter(paths), ".") or ".")
    while not os.path.isdir(first):
        parent = os.path.dirname(first)
        if parent == first:
            break
        first = parent
    return first


def baseline_command(build_parser, rest: list[str], scan_function, load_policies) -> int:
    """`iaclint baseline create [PATHS] [--output FILE] [scan options]`."""
    from iaclint.gate.text import inert
    from iaclint.pipeline.baseline import (
        DEFAULT_BASELINE,
        BaselineError,
        write_baseline,
    )

    try:
        args = build_parser().parse_args(["scan", *rest])
    except SystemExit as exc:
        return EXIT_ERROR if exc.code not in (0, None) else EXIT_OK
    reports = args.reports or []
    if any(fmt is not None for fmt, _ in reports) or len(reports) > 1:
        _fail("baseline create writes one baseline: give --output FILE and no --format")
    if args.diff or args.baseline:
        _fail("baseline create records every finding: --diff and --baseline do not apply")
    paths = list(args.paths)
    settings = scan_settings(args, paths, use_baseline=False)
    output = reports[0][1] if reports else None
    confined = False
    if output is None:
        output = settings.baseline_file or DEFAULT_BASELINE
        confined = bool(settings.baseline_file) and settings.baseline_confined
    from iaclint.api import UnknownEnvironmentError, UnknownPolicyError

    try:
        result = scan_function(paths, policies=load_policies(settings.policy_dirs), **settings.scan)
    except (UnknownPolicyError, UnknownEnvironmentError) as exc:
        _fail(str(exc))
    if said_failures(result):
        return EXIT_ERROR
    try:
        count = write_baseline(result.findings, output, tree=settings.tree, confined=confined)
    except BaselineError as exc:
        _fail(str(exc))
    print(f"Wrote {count} finding{'s' if count != 1 else ''} to {inert(output)}; "
          f"`iaclint scan --baseline {inert(output)}` now reports only new ones.")
    return EXIT_OK


def init_command(directory: str) -> int:
    """`iaclint init [DIR]`: a commented starter configuration, never over an existing one."""
    from iaclint.pipeline.config import ConfigError, write_starter

    try:
        path = write_starter(directory)
    except ConfigError as exc:
        _fail(str(exc))
    from iaclint.gate.text import inert

    print(f"Wrote {inert(path)}; edit it, then run `iaclint scan`.")
    return EXIT_OK
