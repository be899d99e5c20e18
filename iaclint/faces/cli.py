"""The `iaclint` command: parse arguments, call the library API, print, return an exit code.

Exit codes (DESIGN section 5): 0 nothing at or above `--fail-on`; 1 findings (parse errors
always count); 2 usage, configuration or internal error. Kept thin on purpose: editors
and hooks use `iaclint.api` directly. Heavy modules are imported only by the command
that needs them, so `iaclint --version` starts instantly.
"""
from __future__ import annotations

import argparse
import sys

from iaclint import __version__

SEVERITY_ORDER = ("info", "low", "medium", "high", "critical")
COMMANDS = ("scan", "rules", "explain", "lsp", "baseline", "init", "inventory", "export", "export-checkov", "server")
EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _split_list(values) -> list[str]:
    out: list[str] = []
    for value in values or ():
        out.extend(v.strip() for v in value.split(",") if v.strip())
    return out


def _pairs(values, flag: str) -> dict:
    out = {}
    for value in values or ():
        name, sep, val = value.partition("=")
        if not sep or not name:
            from iaclint.gate.text import echo

            raise SystemExit(_usage_error(f"{flag} expects NAME=VALUE, got {echo(value)}"))
        out[name] = val
    return out


def _usage_error(message: str) -> int:
    from iaclint.gate.text import inert, short

    print(f"iaclint: error: {inert(short(message))}", file=sys.stderr)
    return EXIT_ERROR


REPORT_FORMATS = ("text", "json", "sarif", "junit", "github", "markdown", "gitlab", "checkov-json")


class _FormatAction(argparse.Action):
    """`--format F`: a new report; an --output given before any --format is its file."""

    def __call__(self, parser, namespace, value, option_string=None):
        reports = list(getattr(namespace, self.dest, None) or [])
        waiting = next((r for r in reports if r[0] is None), None)
        if waiting is not None:
            waiting[0] = value
        else:
            reports.append([value, None])
        setattr(namespace, self.dest, reports)


class _OutputAction(argparse.Action):
    """`--output FILE`: the file of the latest --format that has none yet."""

    def __call__(self, parser, namespace, value, option_string=None):
        reports = list(getattr(namespace, self.dest, None) or [])
        if reports and reports[-1][1] is None:
            reports[-1][1] = value
        elif not reports or reports[-1][0] is not None:
            reports.append([None, value])  # the format may follow (`-o r.json -f json`)
        else:
            parser.error(f"{option_string} {value}: two outputs for one --format")
        setattr(namespace, self.dest, reports)


def _reports(pairs) -> list[tuple[str, str | None]]:
    """(format, file or None for stdout) pairs; text to stdout when nothing was asked."""
    reports = [(fmt or "text", None if out in (None, "-") else out) for fmt, out in (pairs or [["text", None]])]
    if sum(1 for _, out in reports if out is None) > 1:
        raise SystemExit(_usage_error("only one --format can go to standard output; give the others an --output"))
    outputs = [out for _, out in reports if out is not None]
    if len(outputs) != len(set(outputs)):
        raise SystemExit(_usage_error("two reports would be written to the same --output file"))
    return reports


class _Parser(argparse.ArgumentParser):
    """argparse, with the value it quotes in an error (`invalid choice: '...'`) shortened
    and made inert like every other error message."""

    def _get_formatter(self):
        # argparse's own asks `shutil.get_terminal_size()` for the width, and importing
        # shutil (with bz2, lzma and fnmatch) cost every run about 2 ms: the same width here.
        return self.formatter_class(prog=self.prog, width=_terminal_columns() - 2)

    def error(self, message):
        import re

        from iaclint.gate.text import ECHO_LIMIT, inert, short

        message = re.sub(r"\S{%d,}" % (ECHO_LIMIT + 20), lambda m: short(m.group(0), ECHO_LIMIT), message)
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"{self.prog}: error: {inert(short(message))}\n")


def _terminal_columns() -> int:
    """`shutil.get_terminal_size().columns`: $COLUMNS, else the terminal's, else 80."""
    import os

    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="iaclint",
        description="Policy linter for AI/ML infrastructure as code on AWS (Terraform and CloudFormation).",
    )
    parser.add_argument("--version", action="version", version=f"iaclint {__version__}")
    sub = parser.add_subparsers(dest="command")

    scan = sub.add_parser("scan", help="scan files and directories (the default command)")
    scan.add_argument("paths", nargs="*", default=["."], help="files or directories (default: .)")
    scan.add_argument("--format", "-f", choices=REPORT_FORMATS, action=_FormatAction, dest="reports",
                      default=None, help="report format (default: text); repeat it for several reports, "
                      "each followed by its own --output")
    scan.add_argument("--output", "-o", action=_OutputAction, dest="reports", metavar="FILE",
                      help="write the report of the --format before it to FILE instead of standard output")
    scan.add_argument("--select", action="append", metavar="IDS",
                      help="run only these policies (IDs or names, comma-separated)")
    scan.add_argument("--extend-select", action="append", metavar="IDS",
                      help="run these policies too, besides the selection (how an opt-in policy is added)")
    scan.add_argument("--ignore", action="append", metavar="IDS", help="skip these policies (IDs or names)")
    scan.add_argument("--fail-on", choices=SEVERITY_ORDER, default=None,
                      help="exit 1 only for findings at or above this severity (default: info)")
    scan.add_argument("--strict", action="store_true", default=None, help="also report UNKNOWN verdicts")
    scan.add_argument("--policy-dir", "--external-checks-dir", action="append", default=[], metavar="DIR",
                      help="load extra policies from DIR: iaclint YAML or Python, Checkov YAML or JSON "
                      "(--external-checks-dir is Checkov's name for it)")
    scan.add_argument("--var-file", action="append", default=[], metavar="FILE", help="Terraform variables file")
    scan.add_argument("--var", action="append", default=[], metavar="NAME=VALUE", help="Terraform variable")
    scan.add_argument("--parameter", action="append", default=[], metavar="NAME=VALUE",
                      help="CloudFormation parameter value")
    scan.add_argument("--environment", metavar="NAME",
                      help="evaluate only this environment (its parameter or variable files; see docs/usage.md)")
    scan.add_argument("--no-color", action="store_true", help="never colour the text output")
    scan.add_argument("--stdin", action="store_true",
                      help="read one file's content from standard input (an editor buffer); needs --stdin-filename")
    scan.add_argument("--stdin-filename", metavar="PATH",
                      help="the path the --stdin content is scanned as: its format, its Terraform module "
                      "directory (other files read from disk) and the file name in the report")
    scan.add_argument("--whole-module", action="store_true",
                      help="a Terraform file named on the command line stands for its whole module: findings "
                      "are reported for every .tf/.tf.json file of its directory (the iaclint-dir pre-commit hook)")
    from iaclint.faces.settings import add_commands, add_scan_options

    add_scan_options(scan)  # configuration, suppressions, baseline, diff

    rules = sub.add_parser("rules", help="list the policies")
    rules.add_argument("--format", "-f", choices=("table", "json", "markdown"), default="table")
    rules.add_argument("--policy-dir", "--external-checks-dir", action="append", default=[], metavar="DIR")

    explain = sub.add_parser("explain", help="show one policy's documentation")
    explain.add_argument("policy", help="policy ID or name")
    explain.add_argument("--policy-dir", "--external-checks-dir", action="append", default=[], metavar="DIR")
    add_commands(sub)  # baseline, init
    from iaclint.faces.inventory import add_inventory_command

    add_inventory_command(sub)

    export = sub.add_parser("export", help="write iaclint's policies as another tool's checks (checkov)")
    export.add_argument("target", choices=("checkov",), help="the tool: checkov (external checks)")
    export.add_argument("directory", help="the directory to write (give it to checkov --external-checks-dir)")
    export.add_argument("--policy-dir", "--external-checks-dir", action="append", default=[], metavar="DIR")
    export_checkov = sub.add_parser("export-checkov", help="the same as `export checkov DIRECTORY`")
    export_checkov.add_argument("directory")
    export_checkov.add_argument("--policy-dir", "--external-checks-dir", action="append", default=[], metavar="DIR")

    lsp = sub.add_parser("lsp", help="run the Language Server for editors (needs the lsp extra: iaclint[lsp])")
    lsp.add_argument("--stdio", action="store_true", help="talk over standard input and output (the default)")
    server = sub.add_parser("server", help="start, stop or ask about the scan server that makes one-file "
                            "runs fast (opt-in; see docs/usage.md)")  # iaclint.faces.server
    server.add_argument("action", choices=("start", "stop", "status"))
    server.add_argument("--idle-timeout", type=float, default=None, metavar="SECONDS",
                        help="start: end after this many seconds without a run (default: "
                        "$IACLINT_SERVER_IDLE_TIMEOUT or 300)")
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        code = _main(argv)
        sys.stdout.flush()  # here, where a closed pipe can still be told apart from a bug
        return code
    except BrokenPipeError:
        return _output_closed()


# True in the `iaclint` process itself (`console`), which ends without freeing what it made.
_ENDS_AT_ONCE = False
# The parser a scan server built before forking its runs (`faces.server.warm`): used once,
# by the next `_main`, instead of building the same one again (its defaults are constants;
# its help width is asked for when help is written).
PREBUILT = None


def console() -> int:
    """The `iaclint` command and `python -m iaclint`: `main()`, then the process ends at once.

    A scan leaves millions of objects behind (a cold `tf-1000` scan: 6,874 resources with
    their values and spans, 14,000 findings); the interpreter's ordinary exit frees them
    one by one and collects garbage once more, after the report has been written: 25-65 ms
    of that scan's wall time, measured from `main()`'s return to the process's end, against
    ~20 ms with `os._exit` (the kernel dropping the address space). So once `main()` has
    returned and standard output and error are flushed, the process ends with `os._exit`,
    and a scan keeps its resources until then instead of freeing them (`scan.UNTIL_EXIT`).
    Nothing else is skipped: iaclint registers no `atexit` handler, its worker pools and
    forked children have ended before `main()` returns, and every file it writes is closed
    by then. A flush that fails (a closed pipe) falls back to the ordinary exit."""
    global _ENDS_AT_ONCE
    _ENDS_AT_ONCE = True
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return code
    import os

    os._exit(code)


def _main(argv: list[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "scan")
    global PREBUILT
    parser, PREBUILT = PREBUILT or build_parser(), None
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_ERROR if exc.code not in (0, None) else EXIT_OK
    try:
        return _dispatch(args)
    except SystemExit as exc:
        return int(exc.code or 0)
    except KeyboardInterrupt:
        return 130


def _dispatch(args) -> int:
    if args.command == "rules":
        return _rules(args)
    if args.command == "explain":
        return _explain(args)
    if args.command == "lsp":
        return _lsp(args)
    if args.command == "server":
        from iaclint.faces.server import command

        return command(args, sys.modules[__name__])  # its runs run this module's `main`
    if args.command in ("export", "export-checkov"):
        return _export(args)
    if args.command == "baseline":
        from iaclint.api import scan
        from iaclint.faces.settings import baseline_command

        return baseline_command(build_parser, args.rest, scan, _load)
    if args.command == "inventory":
        from iaclint.faces.inventory import inventory_command

        return inventory_command(args, _load)
    if args.command == "init":
        from iaclint.faces.settings import init_command

        return init_command(args.directory)
    return _scan(args)


def _output_closed() -> int:
    """Standard output was closed before the report was written (`iaclint ... | head`):
    the reader did not get it all, so exit 2, with no traceback (and none at exit, when
    Python flushes standard output again)."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    print("iaclint: error: standard output was closed before the output was written", file=sys.stderr)
    return EXIT_ERROR


def _load(policy_dirs):
    from iaclint.api import load_all_policies
    from iaclint.engine.registry import PolicyLoadError

    try:
        return load_all_policies(policy_dirs)
    except PolicyLoadError as exc:
        raise SystemExit(_usage_error(f"cannot load policy {exc.file}: {exc.reason}")) from None


def _scan(args) -> int:
    import gc

    # A scan allocates millions of long-lived objects (resources, spans, findings) and few
    # cycles; the default thresholds make full collections re-walk all of them, which on
    # 10,000 files was a third of the run. The CLI owns its process, so it may say so.
    gc.set_threshold(100_000, 50, 1000)
    if _ENDS_AT_ONCE:  # what the scan leaves is dropped with the process (`console`), not freed
        from iaclint.pipeline import scan

        scan.UNTIL_EXIT = []
        scan.LATER, scan.HELPERS = [], []  # the whole-scan entry written later, or on the other core
        done = False
        try:
            code = _scan_and_report(args)
            done = True
        finally:  # after an error or Ctrl-C no entry is written here: the helpers are waited for
            scan.finish_later(write=done)
        return code
    return _scan_and_report(args)


def _scan_and_report(args) -> int:
    from iaclint.api import scan_reports
    from iaclint.faces.settings import scan_settings

    for stream in (sys.stdout, sys.stderr):  # a character no encoder takes is escaped, never a traceback
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    reports = _reports(args.reports)
    paths, overlay = _inputs(args)
    settings = scan_settings(args, paths)  # configuration file + flags; exit 2 when it is bad
    if args.reports is None and settings.format:
        reports = [(settings.format, None)]
    policies = _load(settings.policy_dirs)
    from iaclint.api import UnknownEnvironmentError, UnknownPolicyError

    section = args.diff is not None and any(fmt in ("markdown", "github") for fmt, _ in reports)
    asked = [(fmt, not args.no_color and output is None and fmt == "text" and sys.stdout.isatty())
             for fmt, output in reports]
    try:  # with the cache, an unchanged tree's reports come from it (iaclint.pipeline.report_cache)
        scanned = scan_reports(paths, asked, policies=policies, overlay=overlay, inventory=section, **settings.scan)
    except (UnknownPolicyError, UnknownEnvironmentError) as exc:
        return _usage_error(str(exc))
    if section:  # the pull-request section: what the change adds to the AI inventory (never cached)
        from iaclint.faces.inventory import diff_inventory

        if diff_inventory(scanned.result, args.diff, paths, policies, settings.scan) != 0:
            return EXIT_ERROR
    from iaclint.faces.settings import note, said_failures
    from iaclint.gate.writes import write_file

    for (fmt, output), report in zip(reports, scanned.pieces):  # pieces: a large report is not held whole
        stored = getattr(report, "chunks", None)  # a report from the cache, as UTF-8
        if output is None:
            if stored is not None and _utf8_stdout():
                sys.stdout.flush()
                chunks = stored()
                while True:
                    try:
                        chunk = next(chunks, None)
                    except OSError as exc:  # the stored report changed while it was read
                        return _usage_error(f"cannot read the stored report: {exc.strerror or exc}")
                    if chunk is None:
                        break
                    sys.stdout.buffer.write(chunk)
                sys.stdout.buffer.flush()
                continue
            sys.stdout.writelines(report)
            sys.stdout.flush()
            continue
        try:  # the write gate: never through a committed symlink, never out of the tree by one
            write_file(output, report if stored is None else stored(), tree=settings.tree)
        except OSError as exc:
            return _usage_error(f"cannot write {output}: {exc.strerror or exc}")
    outcome = scanned.outcome
    from iaclint.model.notes import scan_notes

    # What was left out on purpose (DESIGN 10) and, under --strict, the AI resources no
    # policy checks: said, as in the SARIF and JSON reports, but no exit code of their own.
    for where, message in scan_notes(outcome):
        note(where, message)
    if said_failures(outcome):
        return EXIT_ERROR
    threshold = SEVERITY_ORDER.index(settings.fail_on)
    for policy_id, severity in outcome.failing:
        if policy_id == "IAC001" or SEVERITY_ORDER.index(severity) >= threshold:
            return EXIT_FINDINGS
    return EXIT_OK


def _utf8_stdout() -> bool:
    """Whether standard output writes text as UTF-8 bytes, newlines untranslated: then a
    report from the cache (UTF-8 already) goes to its buffer as it is, the same bytes."""
    import codecs
    import os

    encoding = getattr(sys.stdout, "encoding", None)
    try:
        utf8 = bool(encoding) and codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False
    return utf8 and os.linesep == "\n" and hasattr(sys.stdout, "buffer")


def _inputs(args) -> tuple[list[str], dict | None]:
    """The paths to scan and the unsaved contents (`--stdin`) that replace the disk's."""
    if args.stdin_filename and not args.stdin:
        raise SystemExit(_usage_error("--stdin-filename needs --stdin"))
    if args.stdin:
        if not args.stdin_filename:
            raise SystemExit(_usage_error("--stdin needs --stdin-filename PATH (the file the content is scanned as)"))
        if args.paths != ["."]:
            raise SystemExit(_usage_error("--stdin scans only the --stdin-filename file; name no other paths"))
        from iaclint.gate.reads import MAX_FILE_BYTES, size_text

        data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1) if sys.stdin is not None else b""
        if len(data) > MAX_FILE_BYTES:  # the cap of a file on disk
            raise SystemExit(_usage_error(f"standard input is larger than {size_text(MAX_FILE_BYTES)}: not scanned"))
        return [args.stdin_filename], {args.stdin_filename: data}
    if args.whole_module:
        return module_paths(args.paths), None
    return list(args.paths), None


def module_paths(paths) -> list[str]:
    """Each Terraform file (.tf, .tf.json, .tfvars, .tfvars.json) replaced by every
    Terraform file of its directory (not its subdirectories: they are other modules), so
    that the whole module is reported; other paths (directories, CloudFormation templates)
    unchanged. Order kept, duplicates dropped."""
    import os

    def terraform(name: str) -> bool:
        return name.endswith((".tf", ".tf.json", ".tfvars", ".tfvars.json"))

    out: list[str] = []
    for path in paths:
        if os.path.isfile(path) and terraform(os.path.basename(path)):
            directory = os.path.dirname(path)
            try:
                names = sorted(n for n in os.listdir(directory or ".")
                               if terraform(n) and os.path.isfile(os.path.join(directory, n)))
            except OSError:
                names = []
            out.extend(os.path.join(directory, n) for n in names)
        out.append(path)
    return list(dict.fromkeys(os.path.normpath(p) for p in out))


def _export(args) -> int:
    from iaclint.faces.export import export_checkov

    try:
        written = export_checkov(args.directory, _load(args.policy_dir))
    except OSError as exc:
        return _usage_error(f"cannot write {args.directory}: {exc.strerror or exc}")
    print(f"wrote {len(written) - 1} Checkov checks to {args.directory}: "
          f"checkov -d . --external-checks-dir {args.directory}")
    return EXIT_OK


def _lsp(args) -> int:
    try:
        from iaclint.faces.lsp import main as lsp_main
    except ImportError as exc:
        if (exc.name or "").split(".")[0] not in ("pygls", "lsprotocol", "cattrs", "attrs"):
            raise
        return _usage_error("`iaclint lsp` needs the lsp extra: pip install 'iaclint[lsp]'")
    return lsp_main()


def _rules(args) -> int:
    policies = _load(args.policy_dir)
    if args.format == "json":
        import json

        print(json.dumps([p.metadata() for p in policies], indent=2))
        return EXIT_OK
    if args.format == "markdown":
        from iaclint.reference.policies import render_policy_reference

        sys.stdout.write(render_policy_reference(policies))
        return EXIT_OK
    width = max(len(p.name) for p in policies)
    for p in policies:
        print(f"{p.id}  {p.severity:<8}  {p.name:<{width}}  {p.title}" + ("  (opt-in)" if p.opt_in else ""))
    return EXIT_OK


def _explain(args) -> int:
    policies = _load(args.policy_dir)
    wanted = args.policy.strip()
    for p in policies:
        if wanted in (p.id, p.name) or wanted.upper() == p.id:
            print(explain_text(p))
            return EXIT_OK
    from iaclint.gate.text import echo

    return _usage_error(f"no policy {echo(wanted)} (try `iaclint rules`)")


def explain_text(p) -> str:
    from iaclint.reference.policies import opt_in_note

    parts = [f"{p.id} {p.name} [{p.severity}{', opt-in' if p.opt_in else ''}]", p.title, ""]
    if p.opt_in:
        parts += [opt_in_note(p), ""]
    for heading, body in (("What it flags", p.what), ("Why it matters", p.why),
                          ("Fix in Terraform", p.fix_terraform), ("Fix in CloudFormation", p.fix_cloudformation)):
        if body:
            parts += [f"{heading}:", body.strip(), ""]
    if p.resource_types:
        from iaclint.reference.policies import dialect_types

        for dialect, types in zip(("Terraform (aws)", "Terraform (awscc)", "CloudFormation"), dialect_types(p)):
            parts += [f"{dialect}: " + (", ".join(types) or "-")]
    if p.checkov_ids:
        parts += ["Checkov: " + ", ".join(p.checkov_ids)]
    if p.references:
        parts += ["References:"] + [f"  {r}" for r in p.references]
    return "\n".join(parts).rstrip() + "\n"
