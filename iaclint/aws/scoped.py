"""The verdict of a scoped policy: a problem that matters only on an in-scope resource.

Many policies ask two three-valued questions of a resource: is the problem present (a
`iaclint.aws.verdicts.Check`), and is the resource in scope, i.e. part of an ML workload (a
`iaclint.aws.mlscope.Scope`: an ML bucket, a GPU host, a volume or file system of ML data)?
`scoped_verdict` folds the two into the one result the policy reports, so a policy's
`check()` keeps only what is specific to it: its problem check, its scope and its wording.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterator, Union

from iaclint.aws.verdicts import Check
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Result

if TYPE_CHECKING:
    from iaclint.aws.mlscope import Scope


def scoped_verdict(problem: Check, scope: Union["Scope", Callable[[], "Scope"]], *, subject: str,
                   out_of_scope: str, question: str, scope_question: str,
                   explain_pass: bool = False) -> Iterator[Result]:
    """Yield the one result of `problem` on a resource whose scope is `scope`.

    No problem: PASS (with the check's message when `explain_pass`, for checks whose pass
    says why). Otherwise the scope is read (`scope` may be a callable, called only then, so
    an expensive scope is computed only when there is a problem): out of scope, PASS
    `out_of_scope`; a problem in scope, FAIL "`subject` (scope reason): problem message";
    an unknown problem, UNKNOWN "Cannot tell `question`: ..."; a problem with an unknown
    scope, UNKNOWN "Problem message; `scope_question` is unknown: scope reason". Results
    point at the problem's path.

    `subject` names an in-scope resource ("ML bucket", "GPU/accelerator host"),
    `out_of_scope` is the pass message ("not an ML bucket"), `question` the problem as an
    indirect question ("whether the bucket is versioned"), `scope_question` the scope as one
    ("whether it is an ML bucket").
    """
    if problem.verdict is False:
        yield PASS(problem.message) if explain_pass else PASS()
        return
    if callable(scope):
        scope = scope()
    if scope.verdict is False:
        yield PASS(out_of_scope)
    elif problem.verdict is True and scope.verdict is True:
        yield FAIL(f"{subject} ({scope.reason}): {problem.message}", problem.path)
    elif problem.verdict is None:
        yield UNKNOWN(f"Cannot tell {question}: {problem.message}", problem.path)
    else:
        yield UNKNOWN(f"{problem.message[:1].upper()}{problem.message[1:]}; {scope_question} is unknown: "
                      f"{scope.reason}", problem.path)
