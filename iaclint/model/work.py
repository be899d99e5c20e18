"""The work budget of policy evaluation: every (unit, policy) may take a bounded number
of steps, counted deterministically, so a hostile unit cannot make a scan run for hours.

Values are bounded where they are evaluated (`iaclint.model.sizes`); policies are bounded
here. A policy that compares every resource of a unit with every other is quadratic, and
ten lines of Terraform (`count = 5000` of a few types) make a unit of tens of thousands of
resources. So the helpers through which a policy reaches beyond the resource it checks
charge the *current meter* one step per item they hand out or compare:

- `Project.unit_resources`, `of_type`, `resources`, `incoming`, `outgoing` (and iterating
  the lists they return again: `Metered`), the asset graph's searches and lookups, the
  IAM and name matchers that compare one value with many;
- what a policy computes once and remembers for the unit (`Context.remembered`: the asset
  graph, an index of bucket names) runs under its own meter, so it costs the same
  whichever policy asks first.

The runner gives each (unit, policy) a meter of `POLICY_STEPS` (and each remembered answer
one of `SHARED_STEPS`). Past it, `TooMuchWork` is raised where the step is charged; the
runner turns that verdict, and every verdict of the same (unit, policy) still to take,
into UNKNOWN naming the policy, the unit and the reason. Steps are counted, not timed,
and resources are checked in scan order in one process, so the same input gives the same
verdicts for any `--jobs` and from the cache. Real projects stay far below the limits
(docs/performance.md gives the largest count measured on the benchmarks).
"""
from __future__ import annotations

from contextvars import ContextVar

POLICY_STEPS = 5_000_000  # per (unit, policy): ~5 s; the largest measured (one-1000, IAC317) is 629,164
SHARED_STEPS = 12_000_000  # per shared table (a unit's asset graph: one-1000 770,721)


class TooMuchWork(Exception):
    """A meter ran out: what was being decided is UNKNOWN with this reason."""


class Meter:
    """Steps left for one (unit, policy) or one remembered answer."""

    __slots__ = ("left", "limit", "what", "spent_out")

    def __init__(self, limit: int, what: str):
        self.left = limit
        self.limit = limit
        self.what = what  # "policy IAC607 on this unit", "the asset graph of this unit"
        self.spent_out = False

    def spend(self, steps: int) -> None:
        self.left -= steps
        if self.left < 0:
            self.spent_out = True
            raise TooMuchWork(self.reason())

    def reason(self) -> str:
        return (f"not evaluated: {self.what} needs more than {self.limit:,} steps (the work budget of policy "
                f"evaluation: a unit this large or this interconnected is beyond what is checked statically)")


_CURRENT: ContextVar = ContextVar("iaclint_meter", default=None)
CURRENT = _CURRENT  # the current meter, for the runner's `set`/`reset` around each check (`metered`)


def spend(steps: int) -> None:
    """Charge `steps` to the current meter (none outside a policy check: free)."""
    meter = _CURRENT.get()
    if meter is not None:
        meter.spend(steps)


def current() -> Meter | None:
    return _CURRENT.get()


class metered:
    """`with metered(meter): ...`: charges inside go to `meter` (None: nothing is charged)."""

    __slots__ = ("meter", "token")

    def __init__(self, meter: Meter | None):
        self.meter = meter

    def __enter__(self):
        self.token = _CURRENT.set(self.meter)
        return self.meter

    def __exit__(self, *exc):
        _CURRENT.reset(self.token)
        return False


def shared(what: str, compute, limit: int = SHARED_STEPS):
    """`compute()` under a meter of its own: for what is computed once for a whole unit
    and shared by many policies (the asset graph), whose cost must not depend on which
    policy asks first. Raises TooMuchWork naming `what` past `limit`."""
    with metered(Meter(limit, what)):
        return compute()


class Metered(list):
    """A list of resources handed to a policy: each walk over it is charged its length,
    so a policy that walks the unit's resources once per resource pays N x N."""

    __slots__ = ()

    def __iter__(self):
        spend(len(self))
        return list.__iter__(self)
