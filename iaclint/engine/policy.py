"""What a policy is: metadata, documentation and a pure `check()` yielding verdicts.

Python policies subclass `Policy`; YAML policies are loaded into `YamlPolicy`, a subclass.
Importing a policy module registers nothing: the registry collects `Policy` subclasses
from the modules it loads. A policy keeps no state between calls.
"""
from __future__ import annotations

import enum

from iaclint.engine import docs
from iaclint.model.records import dataclass, field

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: a whole-scan cache hit does not import `typing`
if TYPE_CHECKING:
    from typing import Any, ClassVar, Iterable

    from iaclint.model.project import Project
    from iaclint.model.resource import Resource

SEVERITIES = ("critical", "high", "medium", "low", "info")


class Verdict(enum.Enum):
    PASS = "PASS"
    FAIL = "FAIL"
    UNKNOWN = "UNKNOWN"


@dataclass
class Result:
    """One verdict on one resource. `path` is the canonical attribute path that decided it
    (the finding points at it, or at its nearest written ancestor)."""

    verdict: Verdict
    message: str = ""
    path: tuple = ()
    # Attack paths (area 6): the chains behind the verdict, each a tuple of steps (file,
    # line, column, end line, end column, resource, message), and what tells this chain
    # apart from another reported at the same place (part of the fingerprint).
    flows: tuple = ()
    identity: str = ""
    # The resource the finding is about when it is not the checked one (an attack path is
    # checked where it starts and reported at the link to change); `path` is then on it.
    at: Any = None


@dataclass
class Context:
    """What a policy may consult besides the resource: the project graph and options."""

    project: "Project"
    options: dict = field(default_factory=dict)
    # Answers several policies ask of one resource (its parsed IAM documents), kept for
    # the scan: (question, id(resource)) -> answer. Only for values nobody mutates.
    memo: dict = field(default_factory=dict)

    def remembered(self, question: str, resource, compute):
        key = (question, id(resource))
        entry = self.memo.get(key)
        if entry is None:  # (answer, whether finding it looked across units)
            project = self.project
            outer = getattr(project, "touched", None)
            if outer is None:  # the whole project: there is nothing to notice
                entry = self.memo[key] = (compute(), False)
            else:  # a UnitProject: note whether this answer looks across units
                project.touched = False
                try:
                    value = compute()
                finally:
                    wide = project.touched
                    project.touched = outer or wide
                entry = self.memo[key] = (value, wide)
        if entry[1]:
            self.project.look_across_units()  # asked again: it still depends on other units
        return entry[0]

    def targets(self, resource: "Resource", path: tuple = ()) -> list:
        """Resources referenced under `path` of `resource`; None for targets not scanned."""
        return [target for _, target in self.project.outgoing(resource, path)]


class Policy:
    """Base of every policy. Subclasses set the metadata and implement `check`.

    Unknown values: an attribute the scanner cannot know is an `iaclint.model.unknown.Unknown`;
    a policy that meets one where it needs a value yields UNKNOWN, never a guessed FAIL.

    Conditional values (opt-in): an Unknown may carry `alternatives`, every value it can
    take, when it comes from a conditional that cannot be decided (CloudFormation
    `Fn::If` on an undecidable condition, a parameter with `AllowedValues` and no
    default); `ABSENT` marks a branch that leaves the attribute unset (AWS defaults are
    already filled in where the model knows them). YAML policies use them automatically:
    FAIL only if every branch fails, PASS if every branch passes, UNKNOWN otherwise. A
    Python policy keeps seeing a plain Unknown (and so yields UNKNOWN) unless it opts in
    by reading `iaclint.model.unknown.branches(value)` and applying the same rule itself.
    Likewise the questions of `iaclint.model.symbolic` (`cannot_be`, `same`, `covers`,
    `starts_with`, `decide`, ...) read what is known of a value: a partially known string's
    text (`arn:${AWS::Partition}:s3:::${Bucket}/*` is never `*`), a hole's identity, a
    choice's alternatives, by the same three-valued rules everywhere.
    """

    id: ClassVar[str] = ""
    name: ClassVar[str] = ""  # kebab-case, stable: the catalog key
    title: ClassVar[str] = ""  # one line, imperative: "SageMaker notebook volume uses a CMK"
    severity: ClassVar[str] = "medium"
    category: ClassVar[str] = ""
    resource_types: ClassVar[tuple] = ()  # canonical types
    checkov_ids: ClassVar[tuple] = ()
    # Off by default (Ruff's preview rules, cfn-lint's `--include-checks`): runs only when a
    # user names it by ID or name in `select` or `extend-select` (`pipeline.policies`).
    # For properties a standard asks for that most setups rightly choose otherwise.
    opt_in: ClassVar[bool] = False
    # Documentation: what it flags, why it matters for AI workloads, fixes, references,
    # read from `<name>.md` beside `source` (`iaclint.engine.docs`) unless set here.
    what = docs.Section("what")
    why = docs.Section("why")
    fix_terraform = docs.Section("fix_terraform")
    fix_cloudformation = docs.Section("fix_cloudformation")
    references = docs.Section("references")
    source: ClassVar[str] = ""  # file the policy came from (set by the registry)

    def check(self, resource: "Resource", ctx: Context) -> Iterable[Result]:
        raise NotImplementedError

    def metadata(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "title": self.title,
            "severity": self.severity,
            "category": self.category,
            "resource_types": list(self.resource_types),
            "checkov_ids": list(self.checkov_ids),
            "opt_in": bool(self.opt_in),
            "what": self.what,
            "why": self.why,
            "fix_terraform": self.fix_terraform,
            "fix_cloudformation": self.fix_cloudformation,
            "references": list(self.references),
        }


def PASS(message: str = "", path: tuple = ()) -> Result:
    return Result(Verdict.PASS, message, tuple(path))


def FAIL(message: str, path: tuple = ()) -> Result:
    return Result(Verdict.FAIL, message, tuple(path))


def UNKNOWN(message: str, path: tuple = ()) -> Result:
    return Result(Verdict.UNKNOWN, message, tuple(path))
