"""Which files' syntax trees stay in memory while a module is loaded.

A tree-sitter tree costs about 80 times its file's size (measured: 248 KB for a 3 KB
`.tf` file, 2,700 allocations), and a module's blocks used to hold every file's tree until
the module was evaluated: 270 MB for one module of 1,000 files. `hcl` keeps a file's
expression nodes only while the file is among the most recently used ones, up to
`LIMIT_BYTES` of source in all; a file that is needed again after that is parsed again
(`hcl.Source.expression`). A module of up to `LIMIT_BYTES` of source (nearly all of them)
is parsed once, as before; a bigger one is parsed about twice, in the order it is
evaluated. Up to `WHOLE_BYTES` of source, a module keeps every tree (`LIMIT_BYTES`
applies from the moment a module's trees pass it): the least recently used tree is the
wrong one to drop when a module is evaluated in file order (every file is dropped just
before it is read again), so a module a little over `LIMIT_BYTES` parsed a third of its
files twice (323 of `tf-1000`'s 1,000 files, whose modules hold 66-70 KB each). On the 1,000-file module of the benchmark, 256 KB, 64 KB, 16 KB and 4 KB all
parse 1,999 times (each file once more when its resources are evaluated, in file order)
and the load's peak memory is 130, 113, ~110 and ~110 MB: 64 KB keeps a few dozen files'
trees for modules whose evaluation goes back and forth between files.

Since each file's resources are evaluated right after its whole parse, and its tree dropped
then (`drop`: `halves`, "one parse a file"), a module's files are parsed whole once; the
trees kept here are those of files read again for a local, a data source or a variable of
another file, and of the first pass (`hcl.parse_shared`: its blocks that are not resources).

Hostile input could make loading jump between files so that each one is parsed again
and again; a file parsed `PIN_AFTER` times stays in memory from then on (today's
behaviour for it), so no file is parsed more than `PIN_AFTER` times (the first pass over
its blocks that are not resources, `hcl.parse_shared`, counts as one).

Each thread has its own account (`kept()`): the editor server runs scans in threads, and
one scan's load must not drop another's trees in the middle of a step.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

LIMIT_BYTES = 64 * 1024  # source bytes whose trees are kept (about 5 MB of trees)
WHOLE_BYTES = 256 * 1024  # a module with no more source than this keeps all its trees (about 20 MB)
PIN_AFTER = 3


class Kept:
    """Sources (with `data`, `nodes` and `parses` attributes) whose expression nodes are
    kept, least recently used first; the others have `nodes = None`."""

    def __init__(self, limit: int = LIMIT_BYTES, whole: int = WHOLE_BYTES):
        self.limit = limit
        self.whole = whole
        self.big = False  # this module's trees passed `whole`: `limit` applies until `clear`
        self.total = 0
        self._sources: OrderedDict = OrderedDict()  # id(source) -> source (a Source is unhashable)
        self._last = None  # the source used last (asked again for each attribute of a file)

    def use(self, source) -> None:
        """`source` was just used: keep it, and drop the least recently used others while
        more than `limit` bytes are kept. The newest is always kept, whatever its size."""
        if source is self._last:  # the most recent already (or pinned): nothing changes
            return
        self._last = source
        key = id(source)
        sources = self._sources
        if key in sources:
            sources.move_to_end(key)
            return
        if source.parses >= PIN_AFTER:
            return  # pinned: its nodes stay with it, outside this accounting
        sources[key] = source
        self.total += len(source.data)
        if not self.big and self.total > max(self.limit, self.whole):
            self.big = True
        limit = self.limit if self.big else max(self.limit, self.whole)
        while self.total > limit and len(sources) > 1:
            _, old = sources.popitem(last=False)
            self.total -= len(old.data)
            if old.parses < PIN_AFTER:  # (parsed that often while kept: pinned now)
                old.nodes = None

    def drop(self, source) -> None:
        """`source`'s tree is not needed now (its file was evaluated: `tree.ModuleTree.done`):
        drop it at once, unless it is pinned. Freed right after it was used, a tree's
        memory is still in the processor's caches and the allocator's recent pools."""
        key = id(source)
        if key in self._sources:
            del self._sources[key]
            self.total -= len(source.data)
        if source.parses >= PIN_AFTER:
            return  # pinned
        source.nodes = None
        if self._last is source:
            self._last = None

    def clear(self) -> None:
        """Drop every kept tree (a module is loaded: its trees are not needed any more)."""
        for source in self._sources.values():
            source.nodes = None
        self._sources.clear()
        self.total = 0
        self.big = False
        self._last = None


class _PerThread(threading.local):
    def __init__(self):
        self.kept = Kept()


_THREADS = _PerThread()


def kept() -> Kept:
    """This thread's account of kept trees."""
    return _THREADS.kept
