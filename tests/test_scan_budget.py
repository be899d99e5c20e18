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
