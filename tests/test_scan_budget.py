"""The scan-wide work budget's bookkeeping (`iaclint.pipeline.scan_budget`); the attacks it
stops are built and scanned through the CLI in tests/hostile/test_hostile_sharing.py."""
from __future__ import annotations

import os

from iaclint.pipeline.scan_budget import Ledger, tree_bytes, unit_cost


def ledger(costs, limit):
    out = Ledger(len(costs), limit)
    for i, cost in enumerate(costs):
        out.record(i, cost)
    return out


def test_the_unit_that_passes_the_limit_is_evaluated_and_the_ones_after_it_are_not():
    assert ledger([10, 10, 10, 10], 25).cut() == 3  # 10+10 <= 25: the third is evaluated; 30 > 25
    assert ledger([10, 10, 10, 10], 30).cut() == 4
    assert ledger([100, 1, 1], 5).cut() == 1  # one unit alone is always evaluated
    assert ledger([], 5).cut() == 0


def test_past_is_a_lower_bound_of_what_the_units_before_spent():
    book = Ledger(4, 25)
    book.record(2, 30)  # a unit after an unfinished one: it cannot put unit 2 past, only unit 3
    assert not book.past(2) and book.past(3)
    assert not book.past(0)


def test_the_cost_of_a_unit_counts_its_resources():
    assert unit_cost(1000, 3) == 1000 + 3 * 200
    assert unit_cost(0, 0) == 1


def test_the_tree_is_measured_once_per_file_and_symlinks_by_their_own_size(tmp_path):
    (tmp_path / "a.tf").write_bytes(b"x" * 100)
    big = tmp_path / "outside"
    big.write_bytes(b"y" * 10_000)
    os.symlink(big, tmp_path / "b.tf")
    units = [("tf", str(tmp_path), (str(tmp_path / "a.tf"), str(tmp_path / "b.tf"))),
             ("cfn", str(tmp_path / "a.tf"), (str(tmp_path / "a.tf"),))]
    assert tree_bytes(units, {}) == 100 + os.lstat(tmp_path / "b.tf").st_size
    assert tree_bytes(units, {str(tmp_path / "a.tf"): b"z"}) == 1 + os.lstat(tmp_path / "b.tf").st_size


def test_a_shared_ledger_takes_the_costs_forked_workers_record():
    """`shared()`: an anonymous shared mapping (no `multiprocessing` heap file, no `ctypes`),
    which a forked worker writes and this process reads."""
    ledger = Ledger(4, 10)
    ledger.record(0, 3)
    ledger.shared()
    assert list(ledger.costs) == [3, 0, 0, 0] and not ledger.past(1)
    pid = os.fork()
    if pid == 0:
        ledger.record(2, 2**40)
        os._exit(0)
    os.waitpid(pid, 0)
    assert list(ledger.costs) == [3, 0, 2**40, 0] and ledger.past(3) and ledger.cut() == 3
    assert ledger.spent_before(3) == 3 + 2**40
    assert list(Ledger(0, 1).shared().costs) == [] and Ledger(0, 1).shared().cut() == 0


def test_a_parallel_scan_makes_its_ledger_without_ctypes(tmp_path):
    """`multiprocessing.RawArray` imported `ctypes` and made a heap file: ~6 ms of the serial
    head of a cold scan on two cores, before the workers start."""
    import subprocess
    import sys

    for i in range(20):  # PARALLEL_MIN_FILES: loaded by workers
        module = tmp_path / f"m{i % 4}"
        module.mkdir(exist_ok=True)
        (module / f"f{i}.tf").write_text(f'resource "aws_s3_bucket" "b{i}" {{\n  bucket = "b{i}"\n}}\n')
    code = ("import sys\nfrom iaclint import api\nfrom iaclint.pipeline import loading\n"
            "seen = []\nreal = loading._run_parallel\n"
            "loading._run_parallel = lambda *a: seen.append(1) or real(*a)\n"
            f"api.scan([{str(tmp_path)!r}], jobs=2)\n"
            "print(seen, 'ctypes' in sys.modules, 'multiprocessing.heap' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["[1]", "False", "False"]
