"""Run one function in a forked process while this process goes on with other work.

A big unit (a monorepo root of 1,000 files in one directory) is one unit: loaded and
checked in one process, it left the second core idle. Its evaluation and its checks can
be cut in two halves that give, merged, what one pass gives (`iaclint.frontends.terraform.
module.evaluate_module`, `iaclint.pipeline.unit_checks`); `start(task)` runs one half in a
child forked now, which sees this process's memory as it is (nothing is pickled on the way
in) and sends back only the task's result (a task may also talk with this process on
the way, through a pipe made before the fork: `halves` swaps blocks with the child that
parses the second half of a module's files). `Pending.result()` raises `Lost` when the child
died (killed for memory, a crash in C code): the caller then does that half itself.
"""
from __future__ import annotations

import threading

_TASK = None  # what the next forked child runs: set just before the fork, under the lock
_FORKING = threading.Lock()


class Lost(Exception):
    """The child stopped before it answered."""


class Pending:
    """A task running in a forked child."""

    def __init__(self, pool, future):
        self._pool, self._future = pool, future

    def result(self):
        """The task's result (waits for it); raises `Lost` when the child died, and
        re-raises what the task raised."""
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self._future.result()
        except BrokenProcessPool as exc:
            raise Lost(str(exc)) from exc
        finally:
            self._pool.shutdown(wait=True)


def start(task) -> Pending | None:
    """`task()` in a child forked now, or None where fork is not available."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform: the caller works serially
        return None
    global _TASK
    with _FORKING:
        _TASK = task
        try:
            pool = ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_start)
            future = pool.submit(_run)  # a "fork" pool forks its process here, with _TASK set
        finally:
            _TASK = None
    return Pending(pool, future)


def _start() -> None:
    """The child lives for one task and exits: its memory is freed whole, so it needs no
    cyclic collector (whose passes cost time)."""
    import gc

    gc.disable()


def _run():
    return _TASK()
