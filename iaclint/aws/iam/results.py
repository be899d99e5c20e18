"""From per-statement answers to policy results (FAIL / PASS / UNKNOWN) and messages.

Most IAM policies are "flag every statement that does X". `check_statements` is that loop
written once, so that all of them agree on the details that are easy to get wrong: one
finding per offending statement, an UNKNOWN for every unreadable document part (never a
silent PASS), statements carrying a Principal skipped in identity checks, findings on a
followed data source pointing at the attribute of the checked resource, and messages that
name statements and documents in the user's own spelling.
"""
from __future__ import annotations

from typing import Any, Callable, Iterator

from iaclint.aws.iam.documents import permission_documents, resource_policy_documents
from iaclint.aws.iam.model import Document, Statement
from iaclint.aws.iam.questions import first_unknown, has_principals, open_to_everyone
from iaclint.aws.iam.statements import unknown_reason
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Result
from iaclint.model.records import dataclass


@dataclass
class Outcome:
    """What a per-statement test found: `verdict` True (offending), False (fine) or None
    (unknown); `path` the element to point at; `message` what the finding says."""

    verdict: Any
    path: tuple = ()
    message: str = ""
    fields: tuple = ()  # statement fields the test read, to explain an UNKNOWN (all if empty)


# What a test answers for a statement that does not offend: its message would never be read
# (most statements of a scan; describing one compares its actions with the query again).
FINE = Outcome(False)


def check_statements(resource, ctx, test: Callable[[Statement], Outcome],
                     documents: list[Document] | None = None, identity_only: bool = True) -> Iterator[Result]:
    """Run `test` on every statement of `documents` (default: the permission documents)
    and yield one FAIL per offending statement, one UNKNOWN per undecidable statement or
    unreadable document part, and a single PASS when nothing else was found.

    With `identity_only`, statements that carry a Principal are skipped: they belong to a
    data source used as a trust or resource policy, not to a permission policy. A
    statement read from a followed data source points at the document attribute of the
    checked resource, since findings live on the resource being checked."""
    if documents is None:
        documents = permission_documents(resource, ctx)
    found = False
    for doc in documents:
        for path, _value, reason in doc.unknowns:
            if path in doc.maybe and _cannot_offend(doc.maybe[path], test, identity_only):
                continue  # whether it is there or not, and how often, the verdict is the same
            found = True
            name = resource.native_name(path) if path else "statement"
            yield UNKNOWN(f"The policy document `{name}` cannot be analysed: {reason}", path)
        for stmt in doc.statements:
            if identity_only and has_principals(stmt):
                continue
            outcome = test(stmt)
            if outcome.verdict is False:
                continue
            found = True
            where = outcome.path or stmt.path
            if stmt.resource is not resource:
                where = doc.path  # followed into a data source: point at the document attribute
            subject = statement_name(resource, doc, stmt)
            if outcome.verdict is True:
                yield FAIL(f"{subject[0].upper()}{subject[1:]} {outcome.message}", where)
            else:
                unknown = first_unknown(stmt, outcome.fields)
                why = f": {unknown_reason(unknown)}" if unknown is not None else ""
                yield UNKNOWN(f"Cannot tell statically whether {subject} {outcome.message}{why}", where)
    if not found:
        yield PASS()



PUBLIC_FIELDS = ("effect", "principals", "not_principals", "conditions")


def check_public_resource_policy(resource, ctx, narrowing_keys, unless: str, consequence: str) -> Iterator[Result]:
    """`check_statements` over the resource policies of `resource`, flagging every statement
    `open_to_everyone`: "allows principal `*` without <unless> condition, so <consequence>"."""
    def test(stmt: Statement) -> Outcome:
        who = "`NotPrincipal`" if stmt.not_principals else "principal `*`"
        return Outcome(open_to_everyone(stmt, narrowing_keys), stmt.path_of("principals", "not_principals"),
                       f"allows {who} without {unless} condition, so {consequence}", PUBLIC_FIELDS)

    yield from check_statements(resource, ctx, test, documents=resource_policy_documents(resource, ctx),
                                identity_only=False)

def _cannot_offend(options: list, test, identity_only: bool) -> bool:
    """Whether none of the statements a part may be can offend (each tested False)."""
    return all((identity_only and has_principals(stmt)) or test(stmt).verdict is False for stmt in options)


def document_name(resource, doc: Document) -> str:
    """The document's attribute in the user's spelling (`Policies.PolicyDocument`,
    `inline_policy.policy`); "" for the data source, whose blocks are the document."""
    return resource.native_name(doc.path) if doc.path else ""


def statement_name(resource, doc: Document, stmt: Statement) -> str:
    """`statement "MlPlatform" in `Policies.PolicyDocument``, `statement 2 of
    data.aws_iam_policy_document.d (used as `policy`)`: what a message calls a statement."""
    label = stmt.label()
    if stmt.resource is not resource:
        return f"{label} of {stmt.resource.address} (used as `{document_name(resource, doc)}`)"
    name = document_name(resource, doc)
    return f"{label} in `{name}`" if name else label
