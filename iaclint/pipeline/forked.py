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


def in_order(first, second, then=None, started=None):
    """The pieces (str) of `first()`, then of `second()`, the second rendered meanwhile by
    a child forked when the first is asked for: it writes its pieces as UTF-8 into an
    anonymous memory file, says whether it got through all of them (one byte on a pipe),
    then runs `then()` (work that can wait for the end: the whole-scan entry) and ends.
    This process renders the first part, then reads the second from that file; when the
    child failed or died first, it renders the second part itself. `started(pid)` is told
    the child's process, which the caller waits for before it ends. Where there is no
    fork or no memory file (not Linux), both parts here, and `then` is the caller's.

    A report of 12,000 findings took ~0.1 s of the scan's serial tail with the second core
    idle; the child starts with this process's memory as it is (nothing is sent to it),
    and renders into the memory that the scan freed: docs/performance.md, "The tail of a
    cold scan on two cores"."""
    import os

    try:
        if not idle_core():  # a child would take a core from this process (or from another program)
            raise OSError
        memory = os.memfd_create("iaclint-report", os.MFD_CLOEXEC)
    except (AttributeError, OSError):
        yield from first()
        yield from second()
        return
    try:
        told, tell = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(told)
            os.close(tell)
            raise
    except OSError:
        os.close(memory)
        yield from first()
        yield from second()
        return
    if pid == 0:
        _child_part(second, memory, tell, then)  # never returns
    os.close(tell)
    if started is not None:
        started(pid)
    try:
        yield from first()
        if os.read(told, 1) != b"1":  # it failed, or died (end of the pipe): the part is rendered here
            yield from second()
            return
        import codecs

        decoder = codecs.getincrementaldecoder("utf-8")("surrogatepass")
        os.lseek(memory, 0, os.SEEK_SET)
        while True:
            chunk = os.read(memory, _CHUNK)
            if not chunk:
                break
            yield decoder.decode(chunk)
        yield decoder.decode(b"", True)
    finally:
        os.close(told)
        os.close(memory)


def idle_core() -> bool:
    """Whether a core this process may run on is idle now: fewer tasks are runnable on the
    whole machine (`/proc/loadavg`'s fourth field, this process included) than there are
    such cores. On a busy machine a forked helper only competes with this process (measured:
    the report's wall time doubled at a load average of 5 on two cores); False where it
    cannot be told."""
    import os

    try:
        with open("/proc/loadavg", "rb") as f:
            running = int(f.read().split()[3].split(b"/")[0])
        return running < len(os.sched_getaffinity(0))
    except (OSError, ValueError, IndexError, AttributeError):
        return False


_CHUNK = 1 << 18  # bytes read and passed on at a time (pieces of 1 MB raised the largest process by 2-4 MB: glibc)


def _child_part(second, memory: int, tell: int, then) -> None:
    """In the child of `in_order`: the second part into `memory`, b"1" on `tell` when all of
    it is there (else b"0"), then `then()`, then the end, whatever happened (its standard
    streams are /dev/null: it prints nothing)."""
    import gc
    import os

    code = 1
    try:
        gc.disable()
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        done = b"0"
        try:
            with open(memory, "wb", buffering=_CHUNK, closefd=False) as out:
                for piece in second():
                    out.write(piece.encode("utf-8", "surrogatepass"))
            done = b"1"
        except Exception:  # noqa: BLE001, S110 - the scan's process renders the part then
            pass
        os.write(tell, done)
        os.close(tell)
        if then is not None:
            then()
        code = 0
    finally:
        os._exit(code)
