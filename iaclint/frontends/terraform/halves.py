"""Load a module: its files' blocks that are not resources first, then each file whole as its
resources are evaluated; a large module in two halves of its files, the second in another
process when one can be forked, with the same result for any `--jobs`.

**One parse a file.** Evaluating a resource needs the module's variables, locals and data
sources, which may be in any file, so every file used to be parsed for its blocks before
any was evaluated, and parsed again when its trees had been dropped (`kept`: a big module's
trees do not fit in memory) or freed all at once at the end (a module's twenty trees kept
together cost more to free than each freed right after its use). Now the first pass
(`tree.ModuleTree.shared_of`, `hcl.parse_shared`) reads only the blocks that are not
resources, the module is built from them, and `evaluate_files` parses each file whole
(`complete`, on the same `Source`), evaluates its resource and data blocks in file order,
then drops its tree and resource blocks (`done`). The evaluation order, the budget's charges
and the parse errors' places (`_settle`: before the build's errors, in file order) are what
parsing every file first gives (`by_blocks`). The whole parse must find the blocks the first
pass built the module from, and the first pass's count of resource blocks must give the
same decision to split; otherwise `tree.Mismatch` is raised and the module is loaded again
by `by_blocks` (so is a module with calls, whose children's files are read across the
evaluation, and one whose evaluation asks for a resource's instances as a whole:
`Module.resource_instances` needs the resource's block), and so is a module whose trees
are all kept (up to `kept.WHOLE_BYTES` of source: each file is parsed once that way, and
measured inside the pipeline, freeing each tree right after its file costs what freeing
them together does, so a first pass would only add time: docs/performance.md).

**Two halves.** A monorepo root of 1,000 files in one directory is one module: loaded in
one process, it left the second core idle. Its resources are independent once the module's
blocks are known, except for what evaluation shares: memoised locals and data sources and
the module's work budget, charged in evaluation order. So a large module is evaluated by
this procedure, whatever `--jobs` is: the module's files are cut in two halves of about the
same size (`cut`, from the files' sizes alone; the first a little larger, `FIRST_PERCENT`);
the resource and data blocks of the first half are evaluated from the state once the module
is built, then those of the second half from the *same* memoised state (what the first half
memoised is set aside) with the budget the first half left. The second half's resources are
a copy that shares no object with the first half's (a memoised local's value is one object
per half).

With a second process, a child forked before any file is read makes the first pass over
the second half's files while this process makes it over the first half's; the two then
swap those blocks (variables, locals, data sources, outputs: each file's own and few), with
each half's count of resource and data blocks; this process also sends the variables'
values. The child then evaluates its half's files with the whole budget, while this
process evaluates the first half; it sends its resources a portion of files at a time as
they are evaluated (`_portions`), which a thread here unpickles meanwhile (`_Arrivals`),
then its notes, errors, its files' parse errors, files read and the work it spent. When both halves' work fits in the budget,
no step of the procedure ran out either, and the child's half is what it gives; otherwise
(or when the child died) this process parses the second half's files and evaluates them as
the procedure says. A module that turns out not to be one to split (fewer than
`SPLIT_MIN_BLOCKS` resource and data blocks, or module calls: module instances and the
called modules' files are counted and read across the whole evaluation) is loaded here in
one pass. A module below `FORK_MIN_BYTES` has its files read here (by the first pass, or
whole when its trees are all kept), and a child forked at the cut evaluates the second half
(the same procedure). So resources, errors, notes and
the work the module's budget was charged are the same with or without a child, and where
the child stepped in.
"""
from __future__ import annotations

SPLIT_MIN_BLOCKS = 1_000  # resource and data blocks; below this a fork costs more than it saves
FORK_MIN_BYTES = 256 * 1024  # of source: below it the blocks are built here, then a child evaluates
FIRST_PERCENT = 52  # of the source bytes in the first half (`_cut`): measured, docs/performance.md


def load(tree, files: list, build, evaluate_module, evaluate_files, fork=None, finish=None) -> None:
    """Load the module of `files` into `tree.result`: `build(blocks, values=None)` makes the
    module of `blocks` (with `values`, the variables' (values, origins), else resolving
    them), `evaluate_module(module, result, blocks)` evaluates blocks of it,
    `evaluate_files(module, result, files)` the files' resource and data blocks, each file
    parsed whole as it comes (`tree.ModuleTree.complete`, then `done`), `fork(task)` runs
    a task in another process (None: everything here), `finish(resource)` what a split
    module's resources are replaced with as each half is done (`finished`). Raises
    `tree.Mismatch` when a file's first pass was wrong (the caller loads the module again
    with `by_blocks`)."""
    from iaclint.frontends.terraform.kept import kept

    result = tree.result
    cut = _cut(tree, files)
    size = sum(tree.size(path) for path in files)
    if fork is not None and cut is not None and size >= FORK_MIN_BYTES:
        if _on_two(tree, files, cut, build, evaluate_files, fork, finish):
            return
        fork = None  # the child died, or the module is not one to split: no second child
    if (size <= kept().whole and not tree.pending(files)) or tree.calls_modules(files):
        # every tree is kept (each file parsed once): the first pass would only cost time
        # (measured); calls read blocks across the evaluation: every file parsed first
        by_blocks(tree, files, build, evaluate_module, fork, finish)
        return
    shared = [b for path in files for b in tree.shared_of(path)]
    if any(b.type == "module" for b in shared):  # (a call the first lines did not show)
        by_blocks(tree, files, build, evaluate_module, None, finish)
        return
    mark = len(result.errors)
    module = build(shared)
    module.partial = True
    split = cut is not None and _splits(shared, tree.estimate(files))
    if not split:
        evaluate_files(module, result, files)
    else:
        memo = _memo(module)
        left = module.budget.left
        marks = _marks(result, tree)
        pending = fork(lambda: _second_half(module, result, files[cut:], left, marks, evaluate_files)) \
            if fork is not None else None
        _evaluate(module, result, evaluate_files, files[:cut], files[cut:], pending, memo, finish=finish)
    _settle(tree, files, cut, mark, split)


def by_blocks(tree, files: list, build, evaluate_module, fork=None, finish=None) -> None:
    """The procedure with every file parsed whole before the module is built (a module
    whose trees are all kept, a module with calls, one whose first pass was wrong); with
    `fork`, a child forked at the cut evaluates the second half."""
    result = tree.result
    blocks = [b for path in files for b in tree.blocks_of(path)]
    module = build(blocks)
    cut = _cut(tree, files)
    if cut is None or not _splits(blocks, _evaluated(blocks)) or module.calls:
        evaluate_module(module, result)
        return
    at = sum(len(tree.blocks_of(path)) for path in files[:cut])
    first, second = blocks[:at], blocks[at:]
    memo = _memo(module)
    left = module.budget.left
    marks = _marks(result, tree)
    pending = fork(lambda: _second_half(module, result, second, left, marks, evaluate_module)) \
        if fork is not None else None
    del blocks
    _evaluate(module, result, evaluate_module, first, second, pending, memo, finish=finish)


def _settle(tree, files: list, cut, mark: int, split: bool) -> None:
    """Check the first pass's count of resource and data blocks against the files parsed
    whole (it decided whether the module is split), and put the files' parse errors where
    one parse of every file before the build puts them: before the build's errors."""
    from iaclint.frontends.terraform.tree import Mismatch

    if cut is not None and (tree.real >= SPLIT_MIN_BLOCKS) != split:
        raise Mismatch("the module's resource blocks are not what the first lines of its files say")
    tree.result.errors[mark:mark] = [e for path in files for e in tree.file_errors.pop(path, ())]


def _cut(tree, files: list) -> int | None:
    """Where the module's files are cut: the first half is the shortest run of files that
    holds `FIRST_PERCENT` of the bytes, and neither half is empty; None for one file.
    The first half is this process's: the child's takes as long when it is a little
    smaller, for the child pickles its resources and this process waits for them."""
    if len(files) < 2:
        return None
    sizes = [tree.size(path) for path in files]
    total, running = sum(sizes), 0
    for i, size in enumerate(sizes[:-1]):
        running += size
        if 100 * running >= FIRST_PERCENT * total:
            return i + 1
    return len(files) - 1


def _evaluated(blocks: list) -> int:
    """How many of `blocks` are evaluated into resources (resource and data blocks)."""
    return sum(1 for b in blocks if b.type in ("resource", "data") and len(b.labels) == 2)


def _splits(blocks: list, evaluated: int) -> bool:
    """Whether a module of `evaluated` resource and data blocks, whose other blocks are
    among `blocks`, is evaluated in halves."""
    return evaluated >= SPLIT_MIN_BLOCKS and not any(b.type == "module" for b in blocks)


def _marks(result, tree) -> tuple:
    return len(result.resources), len(result.errors), len(result.notes), len(tree.files_read)


def _on_two(tree, files: list, cut: int, build, evaluate_files, fork, finish=None) -> bool:
    """The procedure with a child that reads the second half's files itself (see the
    module docstring); False, with the first pass over the first half's files made and
    nothing else done, when the child died before it sent its blocks or the module is not
    one to split."""
    import multiprocessing

    here, there = multiprocessing.Pipe()
    try:
        pending = fork(lambda: _second_files(tree, files[cut:], there, here, build, evaluate_files))
    finally:
        there.close()  # the child holds the other end: recv() here ends when it dies
    if pending is None:
        here.close()
        return False
    result = tree.result
    with here:
        first = [b for path in files[:cut] for b in tree.shared_of(path)]
        try:
            shared, evaluated, parsed = here.recv()
        except (EOFError, OSError):  # the child died before it answered
            _reap(pending)
            return False
        if not _splits(first + shared, tree.estimate(files[:cut]) + evaluated):
            _send(here, None)
            _reap(pending)
            return False
        tree.parsed_bytes += parsed
        mark = len(result.errors)
        module = build(first + shared)
        module.partial = True
        memo = _memo(module)
        _send(here, (first, module.variables, module.origins))
        tree.adopt(files[cut:], shared)  # parsed here only when the child's answer is not taken
        arrivals = _Arrivals(here, finish)  # the child's resources, unpickled as they come while this process evaluates
        _evaluate(module, result, evaluate_files, files[:cut], files[cut:], pending, memo, arrivals, finish)
        arrivals.stop()  # (not after an error or Ctrl-C: the child may live on, and the thread is a daemon)
    _settle(tree, files, cut, mark, True)
    return True


def _send(connection, message) -> None:
    """`message` (bytes: as they are) to the other process; nothing when it is gone (the
    child died: its answer says so, `forked.Lost`; this process died: nobody reads)."""
    import contextlib

    with contextlib.suppress(OSError):
        if type(message) is bytes:
            connection.send_bytes(message)
        else:
            connection.send(message)


def _reap(pending) -> None:
    """Wait for a child that is not needed any more: whatever it did or raised is dropped."""
    import contextlib

    with contextlib.suppress(Exception):
        pending.result()


def _second_files(tree, files: list, connection, other, build, evaluate_files):
    """In the child: the first pass over `files`, what the first half needs of them, then
    the evaluation of their resources (None when the module is not split after all)."""
    other.close()
    result = tree.result
    parsed = tree.parsed_bytes
    with connection:
        shared = [b for path in files for b in tree.shared_of(path)]
        connection.send((shared, tree.estimate(files), tree.parsed_bytes - parsed))
        try:
            answer = connection.recv()
        except (EOFError, OSError):
            return None
        if answer is None:
            return None
        first, values, origins = answer
        module = build(first + shared, (values, origins))
        module.partial = True
        return _second_half(module, result, files, module.budget.left, _marks(result, tree), evaluate_files,
                            send=lambda data: _send(connection, data))


def _evaluate(module, result, evaluate, first: list, second: list, pending, memo: tuple, arrivals=None,
              finish=None) -> None:
    """Evaluate `first` here (files with `evaluate_files`, blocks with `evaluate_module`),
    then take the child's answer for `second` when both halves' work fits in the budget,
    else evaluate it here from `memo`, the state at the cut. `arrivals`: the child's
    resources as it sent them, portion by portion (`_Arrivals`; None: in its answer). The
    second half's resources are `finish`ed as each portion arrives or is copied (a copy that
    nothing evaluated later reads), the first half's once the second half is evaluated, as
    when the whole module is finished after its load (`finish` may write into values that
    evaluation memoised and shares: docs/performance.md, "the idle core")."""
    from iaclint.frontends.terraform.tree import Mismatch

    budget, tree = module.budget, module.tree
    try:
        evaluate(module, result, first)
    except Mismatch:
        if pending is not None:
            _reap(pending)
        raise
    first_count = len(result.resources)
    answer = None
    if pending is not None:
        try:
            answer = pending.result()
        except Mismatch:
            raise
        except Exception:  # noqa: BLE001 - the child died or could not answer: the procedure, here
            answer = None
    resources = None
    if answer is not None:
        resources = _unpickled(answer[1]) if arrivals is None else arrivals.taken(answer[1])
    if resources is None or budget.left - answer[0] < 0:  # the child's half may differ: the procedure, here
        _restore(module, memo)
        for portion in _portions(tree, second):
            start = len(result.resources)
            evaluate(module, result, portion)
            copy = _copied(result.resources, start)
            result.resources.extend(copy if finish is None else [finish(r) for r in copy])
        _finish_first(result, first_count, finish)
        return
    spent, _, errors, notes, files_read, dependencies, parse_errors, real = answer
    budget.left -= spent
    result.resources.extend(resources if arrivals is not None or finish is None else [finish(r) for r in resources])
    _finish_first(result, first_count, finish)
    result.errors.extend(errors)
    result.notes.extend(notes)
    tree.files_read.extend(files_read)
    tree._dependencies |= dependencies
    tree.file_errors.update(parse_errors)
    tree.real += real


def _memo(module) -> tuple:
    """What evaluation memoises, as it is at the cut (a forked child starts from it)."""
    return dict(module._locals), dict(module._resolved), dict(module.variables), dict(module.budget._known)


def _restore(module, memo: tuple) -> None:
    module._locals, module._resolved, module.variables, module.budget._known = (dict(m) for m in memo)


def _copied(resources: list, first: int) -> list:
    """`resources[first:]` (one portion of the second half), taken out of `resources` and
    given back as what the child sends for it (`_pickled`, then unpickled): a copy that
    shares no object with the first half (a memoised local's value is one object per half)
    nor with another portion, so that what comes out does not depend on whether a child was
    forked. The originals are let go before the copy is made: never held twice."""
    import pickle

    data = _pickled(resources, first)
    del resources[first:]
    return pickle.loads(data)


def _pickled(resources: list, first: int) -> bytes:
    import pickle

    return pickle.dumps(resources[first:], protocol=pickle.HIGHEST_PROTOCOL)


def finished(result, finish) -> None:
    """`finish` the resources of `result` that were not yet (`result.finished` counts those
    that were), in place."""
    if finish is not None:
        resources = result.resources
        resources[result.finished:] = [finish(r) for r in resources[result.finished:]]
    result.finished = len(result.resources)


def _finish_first(result, count: int, finish) -> None:
    """`finish` the first `count` resources (the first half; the second's are finished):
    then every resource is."""
    if finish is not None:
        result.resources[:count] = [finish(r) for r in result.resources[:count]]
    result.finished = len(result.resources)


def _unpickled(portions: list) -> list:
    """The resources of the portions a child pickled (`_second_half` without `send`)."""
    import pickle

    return [r for data in portions for r in pickle.loads(data)]


PORTION_BYTES = 64 * 1024  # of source: the second half's resources cross in portions of about this many files' worth


def _portions(tree, items: list) -> list:
    """`items` (the second half) cut into the runs of files whose resources are sent (and
    copied, `_copied`) as one pickle: files until `PORTION_BYTES` of source, decided from
    their sizes alone (the same portions in the child and here); blocks as one run."""
    if not items or type(items[0]) is not str:
        return [items]
    portions, running, start = [], 0, 0
    for i, path in enumerate(items):
        running += tree.size(path)
        if running >= PORTION_BYTES:
            portions.append(items[start:i + 1])
            running, start = 0, i + 1
    if start < len(items):
        portions.append(items[start:])
    return portions


class _Arrivals:
    """The child's resources, portion by portion (`_second_half` with `send`), taken off the
    pipe and unpickled by a thread while this process evaluates its own half: they used to
    come in one pickle once the child was done, which this process then waited for and
    unpickled with the other core idle (docs/performance.md, "One big module: the idle
    core")."""

    def __init__(self, connection, finish=None):
        import threading

        self._connection = connection
        self._finish = finish  # given each resource as it is unpickled (the load's `finish`)
        self._portions: list = []
        self._whole = False  # the child's last portion came (an empty message ends them)
        self._thread = threading.Thread(target=self._take, name="iaclint-halves", daemon=True)
        self._thread.start()

    def _take(self) -> None:
        import pickle

        try:
            while True:
                data = self._connection.recv_bytes()
                if not data:
                    self._whole = True
                    return
                portion = pickle.loads(data)
                self._portions.append(portion if self._finish is None else [self._finish(r) for r in portion])
        except Exception:  # noqa: BLE001, S110 - the child died or closed the pipe: `taken` says so
            pass

    def taken(self, count: int) -> list | None:
        """Every resource the child sent (it had sent `count`), in order; None when some
        did not arrive (then its half is evaluated here)."""
        self._thread.join()
        resources = [r for portion in self._portions for r in portion]
        self._portions = []
        return resources if self._whole and len(resources) == count else None

    def stop(self) -> None:
        """No more portions are needed (whatever arrived is dropped): waits for the thread,
        which ends when the child's end of the pipe is closed (once the child's answer was
        waited for, or the child died: its process has ended)."""
        self._thread.join()
        self._portions = []


def _second_half(module, result, items: list, left: int, marks: tuple, evaluate, send=None) -> tuple:
    """In the child: what evaluating `items` (files with `evaluate_files`, blocks with
    `evaluate_module`) adds to the state at the cut. Its resources are pickled portion by
    portion (`_portions`) as they are evaluated; `send(data)` sends each as it is made (then
    an empty message, and the answer holds their count), else the answer holds the pickles."""
    tree = module.tree
    real = tree.real
    _, errors, notes, files_read = marks
    sent, pickled = 0, []
    for portion in _portions(tree, items):
        start = len(result.resources)
        evaluate(module, result, portion)
        data = _pickled(result.resources, start)
        if send is None:
            pickled.append(data)
        else:
            send(data)
            sent += len(result.resources) - start
    if send is not None:
        send(b"")
    files = [item for item in items if type(item) is str]
    return (left - module.budget.left, sent if send is not None else pickled, result.errors[errors:],
            result.notes[notes:], tree.files_read[files_read:], set(tree._dependencies),
            {path: tree.file_errors[path] for path in files if path in tree.file_errors}, tree.real - real)
