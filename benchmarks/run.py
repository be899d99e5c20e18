"""Time `iaclint scan` against Checkov on the same generated inputs, in one run.

    python benchmarks/run.py            # full run: 1 file, 200 and 1,000 TF files, 200 CFN templates
    python benchmarks/run.py --quick    # tiny inputs, one run each: proves the harness works (CI)

Every measurement is a cold process (a new interpreter per run), as in a pre-commit hook
or a CI step. Each command runs under a small Python wrapper that takes the wall time
around the child and reads the child's peak RSS from `getrusage(RUSAGE_CHILDREN)`, so the
wrapper's own start-up is not counted and every run gets its own memory figure. The
table reports medians. Checkov runs only when it is on PATH or given with --checkov.
"""
from __future__ import annotations

import argparse
import json
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

# Runs `argv` once; prints {"seconds", "max_rss_kb", "returncode"} as JSON on stdout.
WRAPPER = r"""
import json, resource, subprocess, sys, time
out, err, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(out, "wb") as o, open(err, "wb") as e:
    start = time.perf_counter()
    code = subprocess.call(argv, stdout=o, stderr=e, stdin=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
if sys.platform == "darwin":
    rss //= 1024
print(json.dumps({"seconds": seconds, "max_rss_kb": rss, "returncode": code}))
"""

# DESIGN.md section 9.
BUDGET = {"single-tf": (0.2, None), "single-cfn": (0.2, None), "tf-1000": (1.3, 100)}


@dataclass
class Workload:
    name: str
    target: Path
    files: int
    is_file: bool = False


@dataclass
class Measure:
    seconds: list = field(default_factory=list)
    rss_kb: list = field(default_factory=list)
    error: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")

    @property
    def peak_mb(self) -> float:
        return max(self.rss_kb) / 1024 if self.rss_kb else float("nan")


def build_workloads(out: Path, quick: bool) -> list[Workload]:
    sizes = {"tf-a": 4, "tf-b": 12, "cfn": 3} if quick else {"tf-a": 200, "tf-b": 1000, "cfn": 200}
    return [
        Workload("single-tf", generate.single_terraform(out / "single-tf"), 1, is_file=True),
        Workload("single-cfn", generate.single_cloudformation(out / "single-cfn"), 1, is_file=True),
        Workload(f"tf-{sizes['tf-a']}", generate.terraform_tree(out / f"tf-{sizes['tf-a']}", sizes["tf-a"]),
                 sizes["tf-a"]),
        Workload(f"tf-{sizes['tf-b']}", generate.terraform_tree(out / f"tf-{sizes['tf-b']}", sizes["tf-b"]),
                 sizes["tf-b"]),
        Workload(f"cfn-{sizes['cfn']}", generate.cloudformation_tree(out / f"cfn-{sizes['cfn']}", sizes["cfn"]),
                 sizes["cfn"]),
    ]


def iaclint_command(explicit: str | None) -> tuple[list[str], dict]:
    """The iaclint to time: --iaclint, else `iaclint` on PATH, else `python -m iaclint`."""
    env = dict(os.environ)
    if explicit:
        return [explicit], env
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


def measure(argv: list[str], env: dict, runs: int, scratch: Path, check_json: bool) -> Measure:
    result = Measure()
    out, err = scratch / "stdout", scratch / "stderr"
    for _ in range(runs):
        proc = subprocess.run([sys.executable, "-c", WRAPPER, str(out), str(err), *argv],
                              env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            result.error = f"wrapper failed: {proc.stderr.strip()[-500:]}"
            return result
        data = json.loads(proc.stdout)
        if data["returncode"] not in (0, 1):  # both tools exit 1 when they find problems
            result.error = f"exit {data['returncode']}: {err.read_text(errors='replace').strip()[-500:]}"
            return result
        if check_json:
            try:
                json.loads(out.read_text(encoding="utf-8"))
            except ValueError as exc:
                tail = err.read_text(errors="replace").strip()[-500:]
                result.error = f"output is not JSON ({exc}); stderr: {tail}"
                return result
        result.seconds.append(data["seconds"])
        result.rss_kb.append(data["max_rss_kb"])
    return result


def fmt_seconds(m: Measure | None) -> str:
    if m is None:
        return "-"
    return "error" if m.error else f"{m.median:.3f} s"


def fmt_mb(m: Measure | None) -> str:
    if m is None or m.error or not m.rss_kb:
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny inputs, one run each (CI smoke test)")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (median is reported)")
    parser.add_argument("--checkov", help="path of the checkov command (default: checkov on PATH)")
    parser.add_argument("--no-checkov", action="store_true", help="do not run Checkov even if it is on PATH")
    parser.add_argument("--iaclint", help="path of the iaclint command (default: iaclint on PATH, else python -m)")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="where inputs are generated")
    args = parser.parse_args(argv)
    runs = 1 if args.quick else max(1, args.runs)

    base, env = iaclint_command(args.iaclint)
    checkov = None if args.no_checkov else (args.checkov or shutil.which("checkov"))
    # Checkov fetches guideline mappings from the Prisma Cloud API at start; with no network
    # that fails fast but prints a traceback. BC_SKIP_MAPPING skips the fetch; no effect on checks.
    ck_env = dict(os.environ, BC_SKIP_MAPPING="TRUE")

    args.out.mkdir(parents=True, exist_ok=True)
    workloads = build_workloads(args.out, args.quick)
    print(f"iaclint: {' '.join(base)}; checkov: {checkov or 'not found (skipped)'}; runs: {runs}; "
          f"cpus: {os.cpu_count()}", flush=True)

    rows = []
    failed = False
    with tempfile.TemporaryDirectory(prefix="iaclint-bench-") as tmp:
        scratch = Path(tmp)
        for w in workloads:
            m: dict = {}
            # Cold: an empty cache directory for every run. Warm: one shared, pre-filled cache.
            cold_env = dict(env)
            cold = Measure()
            for i in range(runs):
                cold_env["XDG_CACHE_HOME"] = str(scratch / f"cache-cold-{w.name}-{i}")
                one = measure(iaclint_argv(base, w), cold_env, 1, scratch, check_json=True)
                cold.seconds += one.seconds
                cold.rss_kb += one.rss_kb
                cold.error = cold.error or one.error
                if one.error:
                    break
            m["iaclint"] = cold
            warm_env = dict(env, XDG_CACHE_HOME=str(scratch / f"cache-warm-{w.name}"))
            measure(iaclint_argv(base, w), warm_env, 1, scratch, check_json=False)  # fill the cache
            m["iaclint-warm"] = measure(iaclint_argv(base, w), warm_env, runs, scratch, check_json=True)
            if checkov:
                m["checkov"] = measure(checkov_argv(checkov, w), ck_env, runs, scratch, check_json=True)
            for tool, result in m.items():
                if result.error:
                    failed = True
                    print(f"  {w.name} {tool}: {result.error}", file=sys.stderr)
            summary = ", ".join(f"{t} {fmt_seconds(r)}" for t, r in m.items())
            print(f"  {w.name} ({w.files} files): {summary}", flush=True)
            rows.append((w, m))

    print()
    print(table(rows, bool(checkov)))
    if not args.quick:
        print()
        for line in budget_report(rows):
            print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
