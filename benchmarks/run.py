"""Time `iaclint scan` against Checkov on the same generated inputs, in one run.

    python benchmarks/run.py            # full run: 1 file, 200 and 1,000 TF files (also as ONE module), 200 CFN templates
    python benchmarks/run.py --quick    # tiny inputs, one run each: proves the harness works (CI)
    python benchmarks/run.py --scale    # also 10,000 TF files and 2,000/20,000-line single files

iaclint is timed as users run it: unless --iaclint names one, the run first makes a
regular (not editable) install of this checkout in a temporary virtual environment
(`pip install .`, README's first command; about a minute) and times that `iaclint`.

Every measurement is a cold process (a new interpreter per run), as in a pre-commit hook
or a CI step; iaclint and Checkov take turns, run by run, on each input, so the load of a
shared machine falls on both alike. Each command runs under a small Python wrapper that takes the wall time
around the child and reads the child's peak RSS from `getrusage(RUSAGE_CHILDREN)`, so the
wrapper's own start-up is not counted and every run gets its own memory figure. The
table reports medians. Checkov runs only when it is on PATH or given with --checkov.

The row `single-tf (server)` times the same command as `single-tf` cold (an empty cache
directory each run) with a scan server running (`iaclint server start` before the runs,
`iaclint server stop` after, in a runtime directory of the benchmark's own): the command
then hands the scan to a fork of the server, which has imported the scan path already
(docs/performance.md, "One file cold through the scan server"). Its RSS column is "-": the
client's own is not the scan's. `--no-server` leaves the row out.

With --scale the run adds the inputs of issue 7 and prints a second table of how
iaclint's time grows with size, in three series: Terraform trees of 200, 1,000 and 10,000
files, and single CloudFormation and Terraform files of about 125/230, 2,000 and 20,000
lines. The scale inputs get no warm-cache runs, and Checkov runs on each of them once,
stopped (and reported as such) after --checkov-timeout seconds.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (sibling module; benchmarks/ is not a package)

# Runs `argv` once; prints {"seconds", "max_rss_kb", "returncode", "timed_out"} as JSON on
# stdout. With a timeout (seconds, 0 = none) the child gets its own process group, and the
# group (the child and any workers it forked) is killed when the time is up.
WRAPPER = r"""
import json, os, resource, signal, subprocess, sys, time
out, err, timeout, argv = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4:]
timed_out = False
with open(out, "wb") as o, open(err, "wb") as e:
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=o, stderr=e, stdin=subprocess.DEVNULL, start_new_session=timeout > 0)
    try:
        code = child.wait(timeout=timeout or None)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        code = child.wait()
        timed_out = True
    seconds = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
if sys.platform == "darwin":
    rss //= 1024
print(json.dumps({"seconds": seconds, "max_rss_kb": rss, "returncode": code, "timed_out": timed_out}))
"""

# DESIGN.md section 9.
BUDGET = {"single-tf": (0.2, None), "single-cfn": (0.2, None), "tf-1000": (1.3, 100)}
# Issue 12 (speed): (cold seconds, warm seconds, Checkov / iaclint cold, peak MB), None = no target.
TARGETS = {"single-tf": (0.06, None, None, None), "single-tf (server)": (0.06, None, None, None),
           "tf-1000": (None, 0.1, 25, 100), "tf-1000-one-module": (None, None, 25, 100)}
SERVER_ROW = "single-tf (server)"


@dataclass
class Workload:
    name: str
    target: Path
    files: int
    is_file: bool = False
    lines: int = 0
    series: str = ""  # with --scale: the growth series this input is a point of
    scale_only: bool = False  # an input of --scale only (no warm cache, Checkov once)


@dataclass
class Measure:
    seconds: list = field(default_factory=list)
    rss_kb: list = field(default_factory=list)
    error: str = ""
    timed_out: float = 0.0  # the limit, when the (only) run was stopped
    summary: dict = field(default_factory=dict)  # iaclint's JSON summary of the last run

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")

    @property
    def peak_mb(self) -> float:
        return max(self.rss_kb) / 1024 if self.rss_kb else float("nan")


def build_workloads(out: Path, quick: bool) -> list[Workload]:
    sizes = {"tf-a": 4, "tf-b": 12, "cfn": 3} if quick else {"tf-a": 200, "tf-b": 1000, "cfn": 200}
    one = f"tf-{sizes['tf-b']}-one-module"
    return [
        Workload("single-tf", generate.single_terraform(out / "single-tf"), 1, is_file=True),
        Workload("single-cfn", generate.single_cloudformation(out / "single-cfn"), 1, is_file=True),
        Workload(f"tf-{sizes['tf-a']}", generate.terraform_tree(out / f"tf-{sizes['tf-a']}", sizes["tf-a"]),
                 sizes["tf-a"]),
        Workload(f"tf-{sizes['tf-b']}", generate.terraform_tree(out / f"tf-{sizes['tf-b']}", sizes["tf-b"]),
                 sizes["tf-b"]),
        Workload(one, generate.one_module_tree(out / one, sizes["tf-b"]), sizes["tf-b"]),
        Workload(f"cfn-{sizes['cfn']}", generate.cloudformation_tree(out / f"cfn-{sizes['cfn']}", sizes["cfn"]),
                 sizes["cfn"]),
    ]


# Growth series of --scale: (series, workload name) in size order. The first points are
# inputs of the default run; the rest are built by build_scale_workloads.
SCALE_SIZES = {"tree": (10_000,), "lines": (2_000, 20_000)}
QUICK_SCALE_SIZES = {"tree": (40,), "lines": (300, 1_000)}


def build_scale_workloads(out: Path, quick: bool) -> list[Workload]:
    sizes = QUICK_SCALE_SIZES if quick else SCALE_SIZES
    work = [Workload(f"tf-{n}", generate.terraform_tree(out / f"tf-{n}", n), n, scale_only=True)
            for n in sizes["tree"]]
    for n in sizes["lines"]:
        work.append(Workload(f"cfn-{n}-lines", generate.cloudformation_lines(out / f"cfn-{n}-lines", n), 1,
                             is_file=True, scale_only=True))
        work.append(Workload(f"tf-{n}-lines", generate.terraform_lines(out / f"tf-{n}-lines", n), 1,
                             is_file=True, scale_only=True))
    return work


def assign_series(workloads: list[Workload]) -> None:
    """Put each input of a growth series in it: TF trees, single CFN files, single TF files."""
    for w in workloads:
        if w.name.startswith("tf-") and not w.is_file:
            w.series = "Terraform tree"
        elif w.name == "single-cfn" or (w.name.startswith("cfn-") and w.name.endswith("-lines")):
            w.series = "one CloudFormation file"
        elif w.name == "single-tf" or (w.name.startswith("tf-") and w.name.endswith("-lines")):
            w.series = "one Terraform file"


def install_checkout(into: Path) -> str:
    """A regular (not editable) install of this checkout in a new virtual environment under
    `into`, as README's first command makes it (`pip install .`), and its `iaclint`.

    What users run is what is timed: an editable install (`pip install -e`) adds
    setuptools' import finder to every start (about 20 ms on a one-file scan), and a
    working copy's `__pycache__` may be missing under PYTHONDONTWRITEBYTECODE, while pip
    compiles an installed package's bytecode when it installs it."""
    venv = into / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(ROOT)],
                   check=True)
    return str(python.with_name("iaclint"))


def iaclint_command(explicit: str | None, installed: str | None = None) -> tuple[list[str], dict]:
    """The iaclint to time: --iaclint, else the regular install made for this run, else
    `iaclint` on PATH, else `python -m iaclint`."""
    env = dict(os.environ)
    if explicit or installed:
        return [explicit or installed], env
    found = shutil.which("iaclint")
    if found:
        return [found], env
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return [sys.executable, "-m", "iaclint"], env


def iaclint_argv(base: list[str], w: Workload) -> list[str]:
    return [*base, "scan", str(w.target), "--format", "json"]


def checkov_argv(checkov: str, w: Workload) -> list[str]:
    target = ["-f", str(w.target)] if w.is_file else ["-d", str(w.target)]
    return [checkov, *target, "-o", "json", "--quiet", "--compact", "--framework", "terraform", "cloudformation"]


def measure(argv: list[str], env: dict, runs: int, scratch: Path, check_json: bool,
            timeout: float = 0.0) -> Measure:
    result = Measure()
    out, err = scratch / "stdout", scratch / "stderr"
    for _ in range(runs):
        proc = subprocess.run([sys.executable, "-c", WRAPPER, str(out), str(err), str(timeout), *argv],
                              env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            result.error = f"wrapper failed: {proc.stderr.strip()[-500:]}"
            return result
        data = json.loads(proc.stdout)
        if data.get("timed_out"):
            result.timed_out = timeout
            return result
        if data["returncode"] not in (0, 1):  # both tools exit 1 when they find problems
            result.error = f"exit {data['returncode']}: {err.read_text(errors='replace').strip()[-500:]}"
            return result
        if check_json:
            try:
                parsed = json.loads(out.read_text(encoding="utf-8"))
            except ValueError as exc:
                tail = err.read_text(errors="replace").strip()[-500:]
                result.error = f"output is not JSON ({exc}); stderr: {tail}"
                return result
            if isinstance(parsed, dict) and isinstance(parsed.get("summary"), dict):
                result.summary = parsed["summary"]
        result.seconds.append(data["seconds"])
        result.rss_kb.append(data["max_rss_kb"])
    return result


def measure_server(base: list[str], env: dict, w: Workload, runs: int, scratch: Path) -> Measure:
    """`w`'s cold command (an empty cache directory each run) with a scan server running:
    started before the runs, stopped after; the runs must all have gone through it."""
    run_dir = scratch / "run"
    run_dir.mkdir(mode=0o700, exist_ok=True)
    os.chmod(run_dir, 0o700)
    server_env = {k: v for k, v in env.items() if k != "IACLINT_SERVER"}
    server_env.update(XDG_RUNTIME_DIR=str(run_dir), XDG_CACHE_HOME=str(scratch / "cache-server-start"))
    started = subprocess.run([*base, "server", "start"], env=server_env, capture_output=True, text=True, check=False)
    if started.returncode != 0:
        return Measure(error=f"server start: exit {started.returncode}: {started.stderr.strip()[-500:]}")
    result = Measure()
    try:
        for i in range(runs):
            server_env["XDG_CACHE_HOME"] = str(scratch / f"cache-cold-server-{w.name}-{i}")
            _add(result, measure(iaclint_argv(base, w), server_env, 1, scratch, check_json=True))
            if result.error:
                break
        status = subprocess.run([*base, "server", "status"], env=server_env, capture_output=True, text=True,
                                check=False)
        served = status.stdout.split(" run(s)")[0].rsplit(" ", 1)[-1]
        if not result.error and served != str(len(result.seconds)):
            result.error = f"not every run went through the server: {status.stdout.strip()}"
    finally:
        subprocess.run([*base, "server", "stop"], env=server_env, capture_output=True, check=False)
    result.rss_kb = []  # the client's: not the scan's, which the server's fork made
    return result


def _add(into: Measure, one: Measure) -> None:
    """One more run of a measurement that is taken in turns with another."""
    into.seconds += one.seconds
    into.rss_kb += one.rss_kb
    into.error = into.error or one.error
    into.summary = one.summary or into.summary


def fmt_seconds(m: Measure | None) -> str:
    if m is None:
        return "-"
    if m.timed_out:
        return f"> {m.timed_out:.0f} s (stopped)"
    return "error" if m.error else f"{m.median:.3f} s"


def fmt_mb(m: Measure | None) -> str:
    if m is None or m.error or m.timed_out or not m.rss_kb:
        return "-"
    return f"{m.peak_mb:.0f} MB"


def table(rows: list[tuple[Workload, dict]], have_checkov: bool) -> str:
    head = ["input", "files", "iaclint", "iaclint (warm cache)", "iaclint RSS"]
    if have_checkov:
        head += ["checkov", "checkov RSS", "checkov / iaclint"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for w, m in rows:
        cells = [w.name, str(w.files), fmt_seconds(m["iaclint"]), fmt_seconds(m["iaclint-warm"]), fmt_mb(m["iaclint"])]
        if have_checkov:
            ck, ic = m.get("checkov"), m["iaclint"]
            ratio = "-"
            if ck and ic and not ck.error and not ic.error and ic.median > 0:
                ratio = f"{ck.median / ic.median:.1f}x"
            cells += [fmt_seconds(ck), fmt_mb(ck), ratio]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _ok(m: Measure | None) -> bool:
    return bool(m) and not m.error and not m.timed_out and bool(m.seconds)


def scale_table(rows: list[tuple[Workload, dict]], have_checkov: bool) -> str:
    """How iaclint's cold time grows with size, per series.

    `per 1,000 lines` divides the whole time, so the fixed start-up (about 0.1 s) makes
    small inputs look dear. `step` compares each point with the one before it: the size
    factor, the time factor and the exponent k in time ~ size^k (1.0 = linear), and the
    marginal cost of the added lines, which leaves the fixed start-up out.
    """
    head = ["series", "input", "files", "lines", "resources", "iaclint (cold)", "ms / file",
            "ms / 1,000 lines", "step: size x, time x, k", "marginal ms / 1,000 lines", "iaclint RSS"]
    if have_checkov:
        head += ["checkov", "checkov / iaclint"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    order = ["Terraform tree", "one CloudFormation file", "one Terraform file"]
    for series in order:
        points = sorted((x for x in rows if x[0].series == series), key=lambda x: x[0].lines)
        previous = None
        for w, m in points:
            ic = m["iaclint"]
            cells = [series, f"`{w.name}`", f"{w.files:,}", f"{w.lines:,}",
                     f"{ic.summary.get('resources', '-'):,}" if ic.summary else "-", fmt_seconds(ic)]
            if _ok(ic):
                per_file = f"{1000 * ic.median / w.files:.1f}" if not w.is_file else "-"
                cells += [per_file, f"{1000 * ic.median / (w.lines / 1000):.1f}"]
            else:
                cells += ["-", "-"]
            step, marginal = "-", "-"
            if previous and _ok(ic) and _ok(previous[1]["iaclint"]):
                pw, pm = previous[0], previous[1]["iaclint"]
                size_x, time_x = w.lines / pw.lines, ic.median / pm.median
                k = math.log(time_x) / math.log(size_x) if size_x > 1 and time_x > 0 else float("nan")
                step = f"{size_x:.1f}x, {time_x:.1f}x, k = {k:.2f}"
                marginal = f"{1000 * (ic.median - pm.median) / ((w.lines - pw.lines) / 1000):.1f}"
            cells += [step, marginal, fmt_mb(ic)]
            if have_checkov:
                ck = m.get("checkov")
                ratio = f"{ck.median / ic.median:.1f}x" if _ok(ck) and _ok(ic) and ic.median > 0 else "-"
                label = fmt_seconds(ck)
                if _ok(ck) and len(ck.seconds) == 1 and w.scale_only:
                    label += " (1 run)"
                if ck and ck.timed_out and _ok(ic):
                    ratio = f"> {ck.timed_out / ic.median:.0f}x"
                cells += [label, ratio]
            lines.append("| " + " | ".join(cells) + " |")
            previous = (w, m)
    return "\n".join(lines)


def budget_report(rows: list[tuple[Workload, dict]]) -> list[str]:
    out = []
    for w, m in rows:
        key = w.name
        if key not in BUDGET or m["iaclint"].error:
            continue
        limit_s, limit_mb = BUDGET[key]
        verdict = "met" if m["iaclint"].median <= limit_s else "NOT met"
        line = f"{w.name}: {m['iaclint'].median:.3f} s cold (budget <= {limit_s} s): {verdict}"
        if limit_mb is not None:
            mb = m["iaclint"].peak_mb
            line += f"; peak {mb:.0f} MB (budget <= {limit_mb} MB): {'met' if mb <= limit_mb else 'NOT met'}"
        if key == "tf-1000" and not m["iaclint-warm"].error:
            warm = m["iaclint-warm"].median
            line += f"; warm cache {warm:.3f} s (budget <= 0.3 s): {'met' if warm <= 0.3 else 'NOT met'}"
        out.append(line)
    return out


def target_report(rows: list[tuple[Workload, dict]]) -> list[str]:
    """Issue 12's targets, met or not, from this run's medians (ratios: both tools' medians
    of runs taken in turns)."""
    out = []
    for w, m in rows:
        if w.name not in TARGETS or not _ok(m["iaclint"]):
            continue
        cold_s, warm_s, ratio, mb = TARGETS[w.name]
        ic, parts = m["iaclint"], []
        if cold_s is not None:
            parts.append(f"cold {ic.median:.3f} s (<= {cold_s} s: {'met' if ic.median <= cold_s else 'NOT met'})")
        warm = m.get("iaclint-warm")
        if warm_s is not None and _ok(warm):
            parts.append(f"warm {warm.median:.3f} s (<= {warm_s} s: {'met' if warm.median <= warm_s else 'NOT met'})")
        ck = m.get("checkov")
        if ratio is not None and _ok(ck):
            got = ck.median / ic.median
            parts.append(f"Checkov / iaclint cold {got:.1f}x (>= {ratio}x: {'met' if got >= ratio else 'NOT met'})")
        if mb is not None:
            parts.append(f"peak {ic.peak_mb:.0f} MB (<= {mb} MB: {'met' if ic.peak_mb <= mb else 'NOT met'})")
        out.append(f"{w.name}: " + "; ".join(parts))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny inputs, one run each (CI smoke test)")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (median is reported)")
    parser.add_argument("--checkov", help="path of the checkov command (default: checkov on PATH)")
    parser.add_argument("--no-checkov", action="store_true", help="do not run Checkov even if it is on PATH")
    parser.add_argument("--iaclint", help="path of the iaclint command (default: a regular install of this "
                        "checkout, made in a temporary virtual environment; with --quick or --no-install: iaclint on "
                        "PATH, else python -m)")
    parser.add_argument("--no-install", action="store_true",
                        help="do not install this checkout: time iaclint on PATH (else python -m iaclint)")
    parser.add_argument("--no-server", action="store_true",
                        help="leave out the row `single-tf (server)` (the same command with a scan server running)")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="where inputs are generated")
    parser.add_argument("--scale", action="store_true",
                        help="also 10,000 TF files and 2,000/20,000-line single files, and a growth table")
    parser.add_argument("--checkov-timeout", type=float, default=300.0,
                        help="with --scale: stop Checkov's one run on a scale input after this many seconds")
    args = parser.parse_args(argv)
    runs = 1 if args.quick else max(1, args.runs)

    install_dir = None
    installed = None
    if not (args.iaclint or args.quick or args.no_install):
        install_dir = tempfile.TemporaryDirectory(prefix="iaclint-bench-install-")
        print(f"installing this checkout (pip install {ROOT}) in a temporary virtual environment ...", flush=True)
        try:
            installed = install_checkout(Path(install_dir.name))
        except (OSError, subprocess.CalledProcessError) as exc:
            print(f"cannot install this checkout ({exc}); give --iaclint PATH or --no-install", file=sys.stderr)
            return 2
    base, env = iaclint_command(args.iaclint, installed)
    checkov = None if args.no_checkov else (args.checkov or shutil.which("checkov"))
    # Checkov fetches guideline mappings from the Prisma Cloud API at start; with no network
    # that fails fast but prints a traceback. BC_SKIP_MAPPING skips the fetch; no effect on checks.
    ck_env = dict(os.environ, BC_SKIP_MAPPING="TRUE")

    args.out.mkdir(parents=True, exist_ok=True)
    workloads = build_workloads(args.out, args.quick)
    if args.scale:
        workloads += build_scale_workloads(args.out, args.quick)
        assign_series(workloads)
        for w in workloads:
            w.lines = generate.count_lines(w.target)
    print(f"iaclint: {' '.join(base)}; checkov: {checkov or 'not found (skipped)'}; runs: {runs}; "
          f"cpus: {os.cpu_count()}", flush=True)
    if args.scale and hasattr(os, "getloadavg"):
        print("load average at start: " + " ".join(f"{x:.2f}" for x in os.getloadavg()), flush=True)
    if args.scale and checkov:
        print(f"scale inputs: iaclint {runs} cold run(s), no warm cache; Checkov 1 run, "
              f"stopped after {args.checkov_timeout:.0f} s", flush=True)

    rows = []
    failed = False
    with tempfile.TemporaryDirectory(prefix="iaclint-bench-") as tmp:
        scratch = Path(tmp)
        for w in workloads:
            m: dict = {}
            # Cold: an empty cache directory for every run. Warm: one shared, pre-filled cache.
            # The tools take turns (an iaclint run, then a Checkov run), so that the load of a
            # shared machine falls on both alike and their ratio means something.
            cold_env = dict(env)
            cold = Measure()
            turns = Measure() if checkov and not w.scale_only else None
            for i in range(runs):
                cold_env["XDG_CACHE_HOME"] = str(scratch / f"cache-cold-{w.name}-{i}")
                one = measure(iaclint_argv(base, w), cold_env, 1, scratch, check_json=True)
                _add(cold, one)
                if turns is not None and not turns.error:
                    _add(turns, measure(checkov_argv(checkov, w), ck_env, 1, scratch, check_json=True))
                if one.error:
                    break
            m["iaclint"] = cold
            if w.scale_only:
                m["iaclint-warm"] = None
            else:
                warm_env = dict(env, XDG_CACHE_HOME=str(scratch / f"cache-warm-{w.name}"))
                measure(iaclint_argv(base, w), warm_env, 1, scratch, check_json=False)  # fill the cache
                m["iaclint-warm"] = measure(iaclint_argv(base, w), warm_env, runs, scratch, check_json=True)
            if checkov and w.scale_only:
                m["checkov"] = measure(checkov_argv(checkov, w), ck_env, 1, scratch, check_json=True,
                                       timeout=args.checkov_timeout)
                if m["checkov"].timed_out:
                    print(f"  {w.name} checkov: stopped after {args.checkov_timeout:.0f} s "
                          f"(not finished; no time reported)", flush=True)
            elif checkov:
                m["checkov"] = turns
            for tool, result in m.items():
                if result is not None and result.error:
                    failed = True
                    print(f"  {w.name} {tool}: {result.error}", file=sys.stderr)
            summary = ", ".join(f"{t} {fmt_seconds(r)}" for t, r in m.items() if r is not None)
            size = f"{w.files} files" + (f", {w.lines:,} lines" if w.lines else "")
            print(f"  {w.name} ({size}): {summary}", flush=True)
            rows.append((w, m))
            if w.name == "single-tf" and not args.no_server and os.name == "posix":
                from dataclasses import replace

                served = measure_server(base, env, w, runs, scratch)
                if served.error:
                    failed = True
                    print(f"  {SERVER_ROW}: {served.error}", file=sys.stderr)
                print(f"  {SERVER_ROW}: iaclint {fmt_seconds(served)}", flush=True)
                rows.append((replace(w, name=SERVER_ROW, series=""),
                             {"iaclint": served, "iaclint-warm": None, "checkov": m.get("checkov")}))

    print()
    print(table([r for r in rows if not r[0].scale_only], bool(checkov)))
    if not args.quick:
        print()
        for line in budget_report(rows):
            print(line)
        targets = target_report(rows)
        if targets:
            print()
            print("Issue 12 targets:")
            for line in targets:
                print(line)
    if args.scale:
        print()
        print("Scale (iaclint cold medians; k: exponent in time ~ size^k between a point and the one before)")
        print(scale_table(rows, bool(checkov)))
        if hasattr(os, "getloadavg"):
            print("load average at end: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
