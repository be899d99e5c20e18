"""Evaluate a large module in two halves, the second in another process when one can be
forked, with the same result for any `--jobs`.

A monorepo root of 1,000 files in one directory is one module: evaluated in one process
(each file parsed a second time: `kept`), it left the second core idle. Its resources
are independent once the module's blocks are known, except for what evaluation shares:
memoised locals and data sources and the module's work budget, charged in evaluation
order. So a large module is evaluated by this procedure, whatever `--jobs` is: the first
half of its resource and data blocks from the state at the cut, then the second half from
the *same* memoised state (what the first half memoised is set aside) with the budget
the first half left. With a second process, a child forked at the cut evaluates the
second half while this process evaluates the first, with the whole budget left at the
cut; it sends back its resources, notes, errors, files read and the work it spent. When
both halves' work fits in what was left at the cut, no step of the procedure ran out of
budget either, and the child's half is what it gives; otherwise (or when the child died)
this process does the second half as the procedure says. The second half's resources
are a copy that shares no object with the first half's (the child's are pickled; here
they are copied the same way). So resources, errors, notes and the work the module's
budget was charged are the same with or without a child. Modules that call modules are evaluated in one pass (module instances and the called modules' files
are counted and read across the whole evaluation).
"""
from __future__ import annotations

SPLIT_MIN_BLOCKS = 1_000  # resource and data blocks; below this a fork costs more than it saves


def evaluate(module, result, evaluate_module, fork=None) -> bool:
    """Evaluate `module` into `result` in two halves with `evaluate_module(module, result,
    blocks)` (`fork(task)` runs the second half in another process; None: both here);
    False, with nothing done, when the module is not one to split."""
    blocks = module.blocks
    evaluated = [i for i, b in enumerate(blocks) if b.type in ("resource", "data") and len(b.labels) == 2]
    if len(evaluated) < SPLIT_MIN_BLOCKS or module.calls or any(b.type == "module" for b in blocks):
        return False
    cut = evaluated[len(evaluated) // 2]
    budget, tree = module.budget, module.tree
    left = budget.left
    marks = (len(result.resources), len(result.errors), len(result.notes), len(tree.files_read))
    memo = _memo(module)
    pending = fork(lambda: _second_half(module, result, blocks[cut:], left, marks, evaluate_module)) \
        if fork is not None else None
    evaluate_module(module, result, blocks[:cut])
    answer = None
    if pending is not None:
        try:
            answer = pending.result()
        except Exception:  # noqa: BLE001 - the child died or could not answer: one pass, here
            answer = None
    if answer is None or budget.left - answer[0] < 0:  # the child's half may differ: the procedure, here
        first = len(result.resources)
        _restore(module, memo)
        evaluate_module(module, result, blocks[cut:])
        _copy(result.resources, first)
        return True
    spent, resources, errors, notes, files_read, dependencies = answer
    budget.left -= spent
    result.resources.extend(resources)
    result.errors.extend(errors)
    result.notes.extend(notes)
    tree.files_read.extend(files_read)
    tree._dependencies |= dependencies
    return True


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
    """In the child: what evaluating `blocks` adds to the state at the fork."""
    evaluate_module(module, result, blocks)
    resources, errors, notes, files_read = marks
    tree = module.tree
    return (left - module.budget.left, result.resources[resources:], result.errors[errors:], result.notes[notes:],
            tree.files_read[files_read:], set(tree._dependencies))
