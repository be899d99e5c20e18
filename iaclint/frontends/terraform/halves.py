"""Load a large module in two halves of its files, the second in another process when one
can be forked, with the same result for any `--jobs`.

A monorepo root of 1,000 files in one directory is one module: loaded in one process
(each file parsed for its blocks, then again as it is evaluated: `kept`), it left the
second core idle. Its resources are independent once the module's blocks are known,
except for what evaluation shares: memoised locals and data sources and the module's work
budget, charged in evaluation order. So a large module is evaluated by this procedure,
whatever `--jobs` is: the module's files are cut in two halves of about the same size
(`cut`, from the files' sizes alone; the first a little larger, `FIRST_PERCENT`); the
resource and data blocks of the first half are evaluated from the state once the module
is built, then those of the second half from the *same* memoised state (what the first
half memoised is set aside) with the budget the first half left. The second half's
resources are a copy that shares no object with the first half's (a memoised local's
value is one object per half).

With a second process, a child forked before any file is parsed (`load`) builds the
blocks of the second half's files while this process builds the first half's; the two
then swap what the other needs to build the module: every block but the resources (the
variables, locals, data sources, outputs, module calls: each file's own and few), with
each half's count of resources and the child's parse errors; this process also sends the
variables' values. The child then evaluates its half's blocks with the whole budget,
while this process evaluates the first half; it sends back its resources, notes, errors,
files read and the work it spent. When both halves' work fits in the budget, no step of
the procedure ran out either, and the child's half is what it gives; otherwise (or when
the child died) this process parses the second half's files again and evaluates them as
the procedure says. A module that turns out not to be one to split (fewer than
`SPLIT_MIN_BLOCKS` resource and data blocks, or module calls: module instances and the
called modules' files are counted and read across the whole evaluation) is loaded here
in one pass, the child's files parsed again. A module below `FORK_MIN_BYTES` is parsed
here whole, and a child forked at the cut evaluates the second half (the same procedure).
So resources, errors, notes and the work the module's budget was charged are the same
with or without a child, and where the child stepped in.
"""
from __future__ import annotations

SPLIT_MIN_BLOCKS = 1_000  # resource and data blocks; below this a fork costs more than it saves
FORK_MIN_BYTES = 256 * 1024  # of source: below it the blocks are built here, then a child evaluates
FIRST_PERCENT = 52  # of the source bytes in the first half (`_cut`): measured, docs/performance.md


def load(tree, files: list, build, evaluate_module, fork=None) -> None:
    """Load the module of `files` into `tree.result`: `build(blocks, values=None)` makes the
    module of `blocks` (with `values`, the variables' (values, origins), else resolving
    them), `evaluate_module(module, result, blocks)` evaluates blocks of it, `fork(task)`
    runs a task in another process (None: everything here)."""
    result = tree.result
    cut = _cut(tree, files)
    if fork is not None and cut is not None and sum(tree.size(path) for path in files) >= FORK_MIN_BYTES:
        if _on_two(tree, files, cut, build, evaluate_module, fork):
            return
        fork = None  # the child died, or the module is not one to split: no second child
    blocks = [b for path in files for b in tree.blocks_of(path)]
    module = build(blocks)
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
    del blocks  # the first half's resource blocks are let go once evaluated (`_evaluate`)
    _evaluate(module, result, evaluate_module, first, lambda: second, pending, memo, files[:cut])


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


def _shared(blocks: list) -> list:
    """The blocks the other half needs to build the module: all but the resources."""
    return [b for b in blocks if b.type != "resource"]


def _marks(result, tree) -> tuple:
    return len(result.resources), len(result.errors), len(result.notes), len(tree.files_read)


def _on_two(tree, files: list, cut: int, build, evaluate_module, fork) -> bool:
    """The procedure with a child that parses the second half's files itself (see the
    module docstring); False, with the first half's files parsed and nothing else done,
    when the child died before it sent its blocks or the module is not one to split."""
    import multiprocessing

    here, there = multiprocessing.Pipe()
    try:
        pending = fork(lambda: _second_files(tree, files[cut:], there, here, build, evaluate_module))
    finally:
        there.close()  # the child holds the other end: recv() here ends when it dies
    if pending is None:
        here.close()
        return False
    result = tree.result
    with here:
        first = [b for path in files[:cut] for b in tree.blocks_of(path)]
        try:
            shared, evaluated, errors, parsed = here.recv()
        except (EOFError, OSError):  # the child died before it answered
            _reap(pending)
            return False
        if not _splits(first + shared, _evaluated(first) + evaluated):
            _send(here, None)
            _reap(pending)
            return False
        result.errors.extend(errors)
        tree.parsed_bytes += parsed
        module = build(first + shared)
        memo = _memo(module)
        _send(here, (_shared(first), module.variables, module.origins))

    def second() -> list:  # the child's half, when it has to be evaluated here
        from iaclint.frontends.terraform.tree import read_config_file

        return [b for path in files[cut:] for b in read_config_file(path, tree.overlay.get(path), tree.scanned)[0]]

    _evaluate(module, result, evaluate_module, first, second, pending, memo, files[:cut])
    return True


def _send(connection, message) -> None:
    import contextlib

    with contextlib.suppress(OSError):  # the child died: its answer says so (`forked.Lost`)
        connection.send(message)


def _reap(pending) -> None:
    """Wait for a child that is not needed any more: whatever it did or raised is dropped."""
    import contextlib

    with contextlib.suppress(Exception):
        pending.result()


def _second_files(tree, files: list, connection, other, build, evaluate_module):
    """In the child: the blocks of `files`, what the first half needs of them, then the
    evaluation of their resources (None when the module is not split after all)."""
    other.close()
    result = tree.result
    errors, parsed = len(result.errors), tree.parsed_bytes
    with connection:
        blocks = [b for path in files for b in tree.blocks_of(path)]
        connection.send((_shared(blocks), _evaluated(blocks), result.errors[errors:], tree.parsed_bytes - parsed))
        try:
            answer = connection.recv()
        except (EOFError, OSError):
            return None
    if answer is None:
        return None
    shared, values, origins = answer
    module = build(shared + blocks, (values, origins))
    return _second_half(module, result, blocks, module.budget.left, _marks(result, tree), evaluate_module)


def _evaluate(module, result, evaluate_module, first: list, second, pending, memo: tuple, files: list) -> None:
    """Evaluate `first` (the blocks of `files`) here, then take the child's answer for
    `second()` when both halves' work fits in the budget, else evaluate `second()` here
    from `memo`, the state at the cut."""
    budget, tree = module.budget, module.tree
    evaluate_module(module, result, first)
    _let_go(module, first, files)
    first = None
    answer = None
    if pending is not None:
        try:
            answer = pending.result()
        except Exception:  # noqa: BLE001 - the child died or could not answer: the procedure, here
            answer = None
    if answer is None or budget.left - answer[0] < 0:  # the child's half may differ: the procedure, here
        start = len(result.resources)
        _restore(module, memo)
        evaluate_module(module, result, second())
        _copy(result.resources, start)
        return
    spent, resources, errors, notes, files_read, dependencies = answer
    budget.left -= spent
    result.resources.extend(resources)
    result.errors.extend(errors)
    result.notes.extend(notes)
    tree.files_read.extend(files_read)
    tree._dependencies |= dependencies


def _let_go(module, first: list, files: list) -> None:
    """Drop the resource blocks of the first half, evaluated now, before the second half
    arrives: nothing reads them again (the second half, here or in the child, reads the
    module's other blocks: variables, locals, data sources), and the memory they free
    (about 10 MB for a module of 1,000 files) is what the second half's resources are
    unpickled into, instead of more. `first` is emptied: the callers' lists go too."""
    first.clear()
    module.blocks = [b for b in module.blocks if b.type != "resource"]
    module.tree.let_go(files)


def _memo(module) -> tuple:
    """What evaluation memoises, as it is at the cut (a forked child starts from it)."""
    return dict(module._locals), dict(module._resolved), dict(module.variables), dict(module.budget._known)


def _restore(module, memo: tuple) -> None:
    module._locals, module._resolved, module.variables, module.budget._known = (dict(m) for m in memo)


def _copy(resources: list, first: int) -> None:
    """Replace `resources[first:]` (the second half) with what the child would send: a
    copy that shares no object with the first half (a memoised local's value is one object
    per half), so that what comes out does not depend on whether a child was forked. The
    originals are let go before the copy is made: the half is never held twice."""
    import pickle

    data = pickle.dumps(resources[first:], protocol=pickle.HIGHEST_PROTOCOL)
    del resources[first:]
    resources.extend(pickle.loads(data))


def _second_half(module, result, blocks: list, left: int, marks: tuple, evaluate_module) -> tuple:
    """In the child: what evaluating `blocks` adds to the state at the cut."""
    evaluate_module(module, result, blocks)
    resources, errors, notes, files_read = marks
    tree = module.tree
    return (left - module.budget.left, result.resources[resources:], result.errors[errors:], result.notes[notes:],
            tree.files_read[files_read:], set(tree._dependencies))
