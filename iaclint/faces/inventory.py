"""`iaclint inventory [PATHS]`: the AI assets the code deploys, the edges between them and
the attack paths through them, in text, JSON, CycloneDX, Mermaid or a self-contained HTML
page; with `--diff REF`, what a change adds and removes.

It takes the scan's inputs (configuration, variables, parameters, exclusions, trusted
accounts) through the same settings as `iaclint scan`, so both see the same project.
Exit codes: 0 no attack path (or, with `--diff`, none added), 1 attack paths, 2 usage or
internal error.
"""
from __future__ import annotations

import sys

INVENTORY_FORMATS = ("text", "json", "cyclonedx", "mermaid", "html")
EXIT_OK, EXIT_PATHS, EXIT_ERROR = 0, 1, 2


def add_inventory_command(sub) -> None:
    inventory = sub.add_parser("inventory", help="list the AI assets, their edges and the attack paths through them")
    inventory.add_argument("paths", nargs="*", default=["."], help="files or directories (default: .)")
    inventory.add_argument("--format", "-f", choices=INVENTORY_FORMATS, default="text",
                           help="text (default), json, cyclonedx (CycloneDX 1.6 ML-BOM), mermaid, html")
    inventory.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of standard output")
    inventory.add_argument("--diff", metavar="REF",
                           help="show what the working tree adds and removes since git ref REF (its merge base)")
    inventory.add_argument("--strict", action="store_true", default=None,
                           help="list UNKNOWN attack paths in the text report too")
    inventory.add_argument("--policy-dir", action="append", default=[], metavar="DIR",
                           help="load extra policies (attack-path policies among them run)")
    inventory.add_argument("--var-file", action="append", default=[], metavar="FILE", help="Terraform variables file")
    inventory.add_argument("--var", action="append", default=[], metavar="NAME=VALUE", help="Terraform variable")
    inventory.add_argument("--parameter", action="append", default=[], metavar="NAME=VALUE",
                           help="CloudFormation parameter value")
    inventory.add_argument("--config", metavar="FILE", help="configuration file (default: found as `scan` finds it)")
    inventory.add_argument("--no-config", action="store_true", help="ignore configuration files")
    inventory.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="do not read files matching GLOB")
    inventory.add_argument("--trusted-account", action="append", default=[], metavar="ID",
                           help="an AWS account ID that is a trusted partner, not a stranger")
    inventory.add_argument("--no-cache", action="store_true", help="do not read or write the parse cache")
    inventory.add_argument("--cache-dir", metavar="DIR", help="where the parse cache lives")
    inventory.add_argument("--jobs", "-j", type=int, metavar="N", help="load files in N processes")
    inventory.set_defaults(select=None, extend_select=None, ignore=None, fail_on=None, severity=[], per_path_ignore=[],
                           show_suppressed=None, baseline=None, no_baseline=True)


def diff_inventory(result, ref: str, paths, policies, scan_options: dict) -> int:
    """Set `result.inventory_diff` against git ref `ref`; 0, or 2 after saying why not."""
    from iaclint.api import inventory
    from iaclint.pipeline.inventory_diff import DiffError, compare

    options = {k: v for k, v in scan_options.items() if k not in ("select", "extend_select", "ignore", "severity", "changes",
                                                                    "baseline", "per_path_ignores")}
    options.update(cache=None, jobs=1)
    try:
        result.inventory_diff = compare(result, ref, paths, lambda base: inventory(base, policies=policies, **options))
    except DiffError as exc:
        from iaclint.gate.text import inert

        print(f"iaclint: error: {inert(str(exc))}", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_OK


def inventory_command(args, load_policies) -> int:
    from iaclint.api import inventory
    from iaclint.faces.settings import scan_settings
    from iaclint.formatters import get_inventory_formatter

    paths = list(args.paths)
    diff_ref, args.diff = args.diff, None
    settings = scan_settings(args, paths, use_baseline=False)
    kwargs = {k: v for k, v in settings.scan.items() if k not in ("select", "extend_select", "ignore", "severity")}
    policies = load_policies(settings.policy_dirs)
    result = inventory(paths, policies=policies, **kwargs)
    if diff_ref is not None and diff_inventory(result, diff_ref, paths, policies, kwargs) != 0:
        return EXIT_ERROR
    try:
        text = get_inventory_formatter(args.format)(result)
    except ImportError as exc:
        if (exc.name or "").split(".")[0] != "cyclonedx":
            raise
        print("iaclint: error: --format cyclonedx needs the cyclonedx extra: pip install 'iaclint[cyclonedx]'",
              file=sys.stderr)
        return EXIT_ERROR
    from iaclint.faces.settings import note, said_failures
    from iaclint.gate.text import inert
    from iaclint.gate.writes import write_file

    if args.output in (None, "-"):
        sys.stdout.write(text)
    else:
        try:  # the write gate: never through a committed symlink, never out of the tree by one
            write_file(args.output, text, tree=settings.tree)
        except OSError as exc:
            print(f"iaclint: error: cannot write {inert(args.output)}: {inert(str(exc.strerror or exc))}",
                  file=sys.stderr)
            return EXIT_ERROR
    for path, reason in result.skipped:
        note(path, reason)
    if said_failures(result):
        return EXIT_ERROR
    diff = getattr(result, "inventory_diff", None)
    if diff is not None:
        return EXIT_PATHS if diff.added_paths else EXIT_OK
    return EXIT_PATHS if any(f.verdict == "FAIL" and not f.suppressed for f in result.findings) else EXIT_OK
