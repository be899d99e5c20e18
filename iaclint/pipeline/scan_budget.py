"""The scan-wide work budget: the units of one scan together may do work proportional to
the size of the tree they come from, whatever the number of units.

Each unit is bounded on its own (value evaluation: `iaclint.model.sizes`; policies:
`iaclint.model.work`), but units multiply: ten 150-byte CloudFormation parents that all
nest one 4 MB child template evaluate the child ten times (484,610 resources, 100 s), and
200 of them take the machine for most of an hour; ten three-line Terraform roots calling one
3 MB local module are the same. So every unit's load reports its cost (`unit_cost`: the
bytes it parsed, modules and nested templates included, the evaluation work it did, and
`RESOURCE_STEPS` per resource it made), and the scan may spend

    FLOOR_STEPS + FACTOR x (bytes of the files of the discovered units)

in all. Units are charged in scan order (`loading.units_of`: sorted paths); a unit is
evaluated when the units before it spent no more than the limit (so one unit alone is
always evaluated, as far as its own bounds allow), and every unit after the one that
crosses it is not evaluated, each named in a note. The cost of a unit depends only on its
inputs (it is counted, not timed, and stored with the unit in the cache), so the same
units are cut for any `--jobs`, and from the cache.

With several workers, a unit that the costs known so far already put past the limit is
not loaded at all (`Ledger.past`: the costs of the units before it that have finished are
a lower bound of what they spend); the parent then decides exactly, in order, and drops
what was loaded past the cut. Work beyond the limit is therefore at most what the workers
had started when it was crossed.

Real trees stay far below the limit (docs/performance.md gives the measured ratios):
each unit reads its own files once, and the floor leaves room for many roots calling the
same modules (a monorepo of environments), which is the legitimate form of sharing.
"""
from __future__ import annotations

import os

RESOURCE_STEPS = 200  # per resource a unit makes: normalizing and checking it costs about what parsing 200 bytes does
FACTOR = 8  # steps per byte of the tree: ordinary code costs about 4 (tf-1000 3.6), so about twice over
FLOOR_STEPS = 50_000_000  # about 25 s of one core (2,000,000 steps a second); `--work-budget` sets it


def unit_cost(effort: int, resources: int) -> int:
    """The steps a unit's load is charged: its frontend's effort (bytes parsed and
    evaluation work) and `RESOURCE_STEPS` per resource."""
    return max(1, int(effort) + RESOURCE_STEPS * resources)


def tree_bytes(units: list, overlay: dict) -> int:
    """The size of the files of the discovered units (each once; an unsaved buffer's size
    instead of the disk's; a symlink's own size, since it is not followed out of the tree)."""
    total = 0
    for path in sorted({f for _, _, files in units for f in files}):
        data = overlay.get(path)
        if data is not None:
            total += len(data)
            continue
        try:
            total += os.lstat(path).st_size
        except OSError:
            pass
    return total


class Ledger:
    """The costs of a scan's units, by their index in scan order (0 while not known), and
    the limit. `shared()` puts the costs in memory that forked workers see and write."""

    def __init__(self, count: int, limit: int):
        self.limit = limit
        self.costs: list | object = [0] * count

    def shared(self) -> "Ledger":
        """The same ledger in memory that workers forked after this see and write: an
        anonymous shared mapping of 64-bit integers, as `multiprocessing.RawArray` makes one
        without its heap file and `ctypes` (~6 ms of the scan's serial head, on `tf-1000`)."""
        import mmap

        count = len(self.costs)
        costs = memoryview(mmap.mmap(-1, 8 * max(count, 1))).cast("q")[:count]
        for index, cost in enumerate(self.costs):
            costs[index] = cost
        self.costs = costs
        return self

    def record(self, index: int, cost: int) -> None:
        self.costs[index] = cost

    def past(self, index: int) -> bool:
        """Whether unit `index` is surely past the limit: the known costs of the units
        before it (a lower bound of what they spend) already exceed it."""
        return sum(self.costs[:index]) > self.limit

    def cut(self) -> int:
        """The index of the first unit not evaluated (the count when all are): the first
        whose predecessors spent more than the limit. Needs the cost of every unit before it."""
        spent = 0
        for index, cost in enumerate(self.costs):
            if spent > self.limit:
                return index
            spent += cost
        return len(self.costs)

    def spent_before(self, index: int) -> int:
        return sum(self.costs[:index])


def note(unit_file: str, ledger: Ledger, cut: int, tree_size: int) -> tuple:
    """(where, why) of a unit that is not evaluated, the first unit past the budget being `cut`."""
    return (unit_file, f"not evaluated: the {cut:,} units before it in path order spent "
                       f"{ledger.spent_before(cut):,} steps, past the scan's work budget of {ledger.limit:,} for "
                       f"{tree_size:,} bytes of input (units that evaluate the same modules or nested templates "
                       "many times; scan it on its own, or raise --work-budget)")
