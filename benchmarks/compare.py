"""Time two iaclint installs on the same generated inputs, in one run, runs interleaved.

    python benchmarks/compare.py --before /tmp/old/.venv/bin/iaclint --after .venv/bin/iaclint --runs 7

A change is measured "before and after in one run": both commands take turns on every
input (cold: an empty cache directory per run; warm: a cache each filled once), so the
load of a shared machine falls on both alike. Inputs and the timing wrapper are
`run.py`'s; medians are reported, with the ratio after/before.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402  (sibling module; benchmarks/ is not a package)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, help="path of the iaclint command before the change")
    parser.add_argument("--after", required=True, help="path of the iaclint command after the change")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement and command")
    parser.add_argument("--quick", action="store_true", help="tiny inputs, one run each (proves the harness)")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="where inputs are generated")
    parser.add_argument("--only", action="append", metavar="INPUT", help="time only this input (repeatable)")
    args = parser.parse_args(argv)
    runs = 1 if args.quick else max(1, args.runs)
    args.out.mkdir(parents=True, exist_ok=True)
    commands = {"before": [args.before], "after": [args.after]}
    rows = []
    with tempfile.TemporaryDirectory(prefix="iaclint-compare-") as tmp:
        scratch = Path(tmp)
        for w in run.build_workloads(args.out, args.quick):
            if args.only and w.name not in args.only:
                continue
            cold = {name: run.Measure() for name in commands}
            warm = {name: run.Measure() for name in commands}
            for name, base in commands.items():  # fill each warm cache once
                env = dict(run.os.environ, XDG_CACHE_HOME=str(scratch / f"warm-{name}-{w.name}"))
                run.measure(run.iaclint_argv(base, w), env, 1, scratch, check_json=False)
            for i in range(runs):
                for name, base in commands.items():
                    env = dict(run.os.environ, XDG_CACHE_HOME=str(scratch / f"cold-{name}-{w.name}-{i}"))
                    run._add(cold[name], run.measure(run.iaclint_argv(base, w), env, 1, scratch, check_json=True))
                    env = dict(run.os.environ, XDG_CACHE_HOME=str(scratch / f"warm-{name}-{w.name}"))
                    run._add(warm[name], run.measure(run.iaclint_argv(base, w), env, 1, scratch, check_json=True))
            rows.append((w, cold, warm))
            print(f"  {w.name}: cold {run.fmt_seconds(cold['before'])} -> {run.fmt_seconds(cold['after'])}, "
                  f"warm {run.fmt_seconds(warm['before'])} -> {run.fmt_seconds(warm['after'])}", flush=True)
    print()
    print("| input | files | cold before | cold after | warm before | warm after | peak RSS before | peak RSS after |")
    print("|---|---|---|---|---|---|---|---|")
    for w, cold, warm in rows:
        print(f"| `{w.name}` | {w.files:,} | {run.fmt_seconds(cold['before'])} | {run.fmt_seconds(cold['after'])} | "
              f"{run.fmt_seconds(warm['before'])} | {run.fmt_seconds(warm['after'])} | "
              f"{run.fmt_mb(cold['before'])} | {run.fmt_mb(cold['after'])} |")
    failed = [w.name for w, cold, warm in rows for m in (*cold.values(), *warm.values()) if m.error]
    for name in failed:
        print(f"error on {name}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
