"""Everything a role, user or group is granted, gathered across the project graph.

A principal's permissions are rarely written in one place. A role gets inline policies,
`aws_iam_role_policy` resources, customer managed policies attached by
`aws_iam_role_policy_attachment` / `aws_iam_policy_attachment` / `managed_policy_arns`, or
by the policy itself (CloudFormation `AWS::IAM::ManagedPolicy` / `AWS::IAM::Policy`
`Roles`), spread over several files of a Terraform module. An escalation path such as
`iam:PassRole` in one policy plus `sagemaker:CreateTrainingJob` in another only shows when
they are put together, so `principal_policies` gathers them into one `PrincipalPolicies`:

- each piece is a `Grant`: a `Document`, the resource that holds it, the resource that
  links it to the principal (an attachment, a group membership), and the path *on the
  principal* a finding should point at (the inline document, the `ManagedPolicyArns`
  item, else the principal's header, since findings live on the principal);
- links are found through the reference graph (`role = aws_iam_role.r.name`,
  `Roles: [!Ref Role]`) and by literal name (`role = "ml-execution"` against the role's
  `name`), within the same Terraform module or CloudFormation template;
- a user also gets the policies of its groups (`aws_iam_user_group_membership`,
  `aws_iam_group_membership`, CloudFormation `Groups`);
- whatever could grant something but cannot be read (a policy ARN in a variable, a policy
  outside the scanned files) is kept in `unknowns`, so a question that finds nothing can
  still answer "unknown" rather than a false "no";
- AWS managed policies are known by name only. `AdministratorAccess` and the main
  statement of `PowerUserAccess` are modelled (their content is fixed and well known);
  the others are left out, a possible missed finding rather than a guessed one
  (iam-ml-role-full-access-managed-policy reports the broad vendor policies by name);
- a permissions boundary caps what the principal can do (`boundary_allows`), and an
  unconditional explicit Deny removes an action (`denies`). Service control policies and
  session policies are outside what a template can show.
"""
from __future__ import annotations

import re
import weakref
from functools import lru_cache
from typing import Any, Callable, Iterator

from iaclint.aws.iam.documents import granted_documents
from iaclint.aws.iam.logic import Tri, all3, any3, not3
from iaclint.aws.iam.matching import value_glob
from iaclint.aws.iam.model import Document, Statement
from iaclint.aws.iam.questions import (
    actions_cover,
    has_principals,
    is_deny,
    resource_is_star,
)
from iaclint.aws.iam.results import statement_name
from iaclint.aws.iam.roles import data_source_arn
from iaclint.aws.iam.roles import listed as _items
from iaclint.aws.iam.statements import json_document, unknown_reason
from iaclint.model import lazy_re
from iaclint.model.project import kept_with
from iaclint.model.records import dataclass, field
from iaclint.model.unknown import Unknown, is_unknown

ROLE, USER, GROUP = "aws_iam_role", "aws_iam_user", "aws_iam_group"
PRINCIPAL_TYPES = (ROLE, USER, GROUP)

# Resources that hold a document and name the principals it applies to:
# type -> ((attribute, principal type), ...).
POLICY_HOLDERS = {
    "aws_iam_role_policy": (("role", ROLE),),
    "aws_iam_user_policy": (("user", USER),),
    "aws_iam_group_policy": (("group", GROUP),),
    # CloudFormation AWS::IAM::ManagedPolicy and AWS::IAM::Policy name their principals.
    "aws_iam_policy": (("roles", ROLE), ("users", USER), ("groups", GROUP)),
}
# Resources that attach a policy by ARN: type -> (((attribute, principal type), ...), ARN attribute).
ATTACHMENTS = {
    "aws_iam_role_policy_attachment": ((("role", ROLE),), "policy_arn"),
    "aws_iam_user_policy_attachment": ((("user", USER),), "policy_arn"),
    "aws_iam_group_policy_attachment": ((("group", GROUP),), "policy_arn"),
    "aws_iam_policy_attachment": ((("roles", ROLE), ("users", USER), ("groups", GROUP)), "policy_arn"),
    "aws_iam_role_policy_attachments_exclusive": ((("role_name", ROLE),), "policy_arns"),
    "aws_iam_user_policy_attachments_exclusive": ((("user_name", USER),), "policy_arns"),
    "aws_iam_group_policy_attachments_exclusive": ((("group_name", GROUP),), "policy_arns"),
}
# Group memberships: type -> (user attribute, group attribute).
MEMBERSHIPS = {
    "aws_iam_user_group_membership": ("user", "groups"),
    "aws_iam_group_membership": ("users", "group"),
}
_LINKS = {**POLICY_HOLDERS, **{t: pairs for t, (pairs, _) in ATTACHMENTS.items()}}  # type -> its principal pairs
_MEMBER_LINKS = {t: ((user, USER),) for t, (user, _) in MEMBERSHIPS.items()}

# What the few AWS managed policies that are modelled grant (a subset is enough: a
# question asks whether something is granted, and a subset never claims too much).
AWS_MANAGED_STATEMENTS = {
    "administratoraccess": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    "poweruseraccess": [{"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"],
                         "Resource": "*"}],
}
_AWS_MANAGED_ARN = lazy_re.compile(r"^arn:[^:]*:iam::aws:policy/(?:.*/)?(?P<name>[^/]+)$")
_CUSTOMER_POLICY_ARN = lazy_re.compile(r"^arn:[^:]*:iam::[^:]*:policy/(?:.*/)?(?P<name>[^/]+)$")
PRINCIPAL_ARN = re.compile(r"^arn:[^:]*:iam::[^:]*:(?P<kind>role|user|group)/(?:.*/)?(?P<name>[^/]+)$")


@dataclass
class Grant:
    """One document that applies to a principal, and how it got there.

    `holder` is the resource the document is written in (the principal, one of its
    groups, an `aws_iam_policy`, an `aws_iam_role_policy`; for an AWS managed policy,
    whose statements are built here, the resource that names its ARN); `path` where a
    finding on the principal points (the inline document, the `managed_policy_arns` item,
    else `()`: the principal's header, since the statement is written elsewhere); `link`
    how the document is attached, for messages (`attached through
    `aws_iam_role_policy_attachment.ml``); `group` the group it comes through, for a user;
    `managed` the name of an AWS managed policy."""

    document: Document
    holder: Any
    principal: Any
    path: tuple = ()
    link: str = ""
    group: Any = None
    managed: str = ""

    def point(self, stmt: Statement, *fields: str) -> tuple:
        """The path on the principal that a finding about `stmt` points at: the element
        itself when the principal holds it, else the principal's link to it."""
        if self.holder is self.principal and not self.managed:
            if stmt.resource is self.principal:
                return stmt.path_of(*fields) if fields else stmt.path
            return self.document.path  # followed into a data source
        return self.path

    def describe(self, stmt: Statement) -> str:
        """How a message names the statement: `statement "PassAny" in
        `inline_policy.policy``, `statement 1 of `aws_iam_policy.ml` (attached through
        `aws_iam_role_policy_attachment.ml`)`, `the AWS managed policy `AdministratorAccess``."""
        notes = []
        if self.managed:
            text = f"the AWS managed policy `{self.managed}`"
        elif self.holder is self.principal:
            text = statement_name(self.principal, self.document, stmt)
        elif self.holder is self.group:
            text = f"{statement_name(self.group, self.document, stmt)} of group `{self.group.address}`"
        elif stmt.resource is not self.holder:
            text = f"{stmt.label()} of `{stmt.resource.address}`"
            notes.append(f"the document of `{self.holder.address}`")
        else:
            text = f"{stmt.label()} of `{self.holder.address}`"
        if self.link:
            notes.append(self.link)
        if self.group is not None and self.holder is not self.group:
            notes.append(f"through group `{self.group.address}`")
        return f"{text} ({', '.join(notes)})" if notes else text


@dataclass
class PrincipalPolicies:
    """All grants of one principal; `unknowns` holds (path on the principal, reason) for
    what may grant more but cannot be read. `boundary` is None without a permissions
    boundary, else the boundary's grants (`boundary_unknowns` what of it cannot be read)."""

    principal: Any
    grants: list = field(default_factory=list)
    unknowns: list = field(default_factory=list)
    boundary: list | None = None
    boundary_unknowns: list = field(default_factory=list)

    def statements(self) -> Iterator[tuple[Grant, Statement]]:
        """(grant, statement) for every identity statement (statements with a Principal
        belong to trust or resource policies and grant the principal nothing)."""
        return iter(self._identity())

    def _identity(self) -> list[tuple[Grant, Statement]]:
        """`statements`, listed on first use, once `principal_policies` has gathered every
        grant: each question (`allows`, `denies`; IAC601 asks eight of every role) walks
        them again."""
        listed = self.__dict__.get("_identity_statements")
        if listed is None:
            listed = self.__dict__["_identity_statements"] = [
                (grant, stmt) for grant in self.grants for stmt in grant.document.statements
                if not has_principals(stmt)]
        return listed

    def unknown_parts(self) -> list[tuple[tuple, str]]:
        """(path on the principal, reason) for every grant that cannot be read, in whole
        or in part."""
        out = list(self.unknowns)
        for grant in self.grants:
            for path, _value, reason in grant.document.unknowns:
                where = path if grant.holder is self.principal and not grant.managed else grant.path
                out.append((where, reason))
        return out

    def boundary_allows(self, test: Callable[[Statement], Tri]) -> Tri:
        """Does the permissions boundary let through what `test` asks for (`test` sees
        each boundary statement and should include `is_allow`)? True without a boundary."""
        if self.boundary is None:
            return True
        verdict = any3(test(stmt) for grant in self.boundary for stmt in grant.document.statements
                       if not has_principals(stmt))
        if verdict is not True and (self.boundary_unknowns or any(g.document.unknowns for g in self.boundary)):
            return None
        return verdict

    def denies(self, action: str) -> Tri:
        """Does an explicit Deny without conditions remove `action` on every resource?
        A conditional Deny removes it only sometimes, so it does not count."""
        may_deny = self.__dict__.get("_may_deny")
        if may_deny is None:  # `_denies` is False for the rest, before comparing (or charging) anything
            may_deny = self.__dict__["_may_deny"] = [stmt for _, stmt in self._identity() if is_deny(stmt) is not False]
        return any3(_denies(stmt, action) for stmt in may_deny) if may_deny else False

    def allows(self, action: str, test: Callable[[Statement], Tri]) -> list[tuple[Grant, Statement, Tri]]:
        """(grant, statement, verdict) for every statement where `test` is not False,
        with the verdict capped by the permissions boundary and explicit Denies of
        `action`. `test` should include `is_allow`."""
        cap = all3(self.boundary_allows(test), not3(self.denies(action)))
        out = []
        for grant, stmt in self._identity():
            verdict = all3(test(stmt), cap)
            if verdict is not False:
                out.append((grant, stmt, verdict))
        return out


def _denies(stmt: Statement, action: str) -> Tri:
    """Is `stmt` an explicit Deny without conditions of `action` on every resource? An
    Allow is not, whatever its actions: they are compared only for a statement that may be
    a Deny (a role's Allows are most of its statements, and `denies` is asked per action)."""
    deny = is_deny(stmt)
    if deny is False:
        return False
    return all3(deny, actions_cover(stmt, action), resource_is_star(stmt),
                not stmt.conditions and "conditions" not in stmt.paths)


def principal_policies(principal, ctx) -> PrincipalPolicies:
    """Everything `principal` (an `aws_iam_role`, `aws_iam_user` or `aws_iam_group`) is
    granted, as far as the scanned files say."""
    out = PrincipalPolicies(principal)
    _collect(out, principal, ctx, group=None, link=(), seen=set())
    bound = principal.attributes.get("permissions_boundary")
    if bound is not None:
        holder = PrincipalPolicies(principal)
        _policy_arn(holder, principal, ("permissions_boundary",), bound, ctx, point=("permissions_boundary",),
                    seen=set(), boundary=True)
        out.boundary = holder.grants
        out.boundary_unknowns = holder.unknowns
    return out


def _collect(out: PrincipalPolicies, subject, ctx, group, link: tuple, seen: set) -> None:
    """Grants of `subject` into `out`: the principal itself, or (`group` set) a group of
    the user `out.principal`, reached through `link` (a path on the user, or `()`)."""
    if id(subject) in seen:
        return
    seen.add(id(subject))
    own = subject is out.principal
    for doc in granted_documents(subject, ctx):
        out.grants.append(Grant(doc, subject, out.principal, doc.path if own else link, group=group))
    for path, value in _items(subject.attributes.get("managed_policy_arns"), ("managed_policy_arns",)):
        _policy_arn(out, subject, path, value, ctx, point=path if own else link, seen=seen, group=group,
                    link=f"attached through `{subject.native_name(('managed_policy_arns',))}`")
    if ctx is None:
        return  # without the project, only what the principal itself holds is seen
    for other in _linked_by(subject, ctx, _LINKS):
        if other.type in POLICY_HOLDERS and id(other) not in seen:
            seen.add(id(other))
            for doc in granted_documents(other, ctx):
                out.grants.append(Grant(doc, other, out.principal, link, group=group))
        attachment = ATTACHMENTS.get(other.type)
        if attachment:
            for path, value in _items(other.attributes.get(attachment[1]), (attachment[1],)):
                _policy_arn(out, other, path, value, ctx, point=link, seen=seen, group=group,
                            link=f"attached through `{other.address}`")
    if subject.type == USER and group is None:
        for found, reason, group_link in _groups(subject, ctx):
            if found is None:
                out.unknowns.append((group_link, reason))
            else:
                _collect(out, found, ctx, group=found, link=group_link, seen=seen)


_UNITS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _same_unit(resource, ctx, types=None, keep_self: bool = False) -> list:
    """Other resources of `resource`'s Terraform module or CloudFormation template (of
    `types` only, when given). Indexed once per project: principals and AI resources ask
    this for every resource, and a scan can hold thousands."""
    per_unit = kept_with(_UNITS, ctx.project)
    index = per_unit.get(resource.unit)
    if index is None:
        index = per_unit[resource.unit] = {}
        for position, r in enumerate(ctx.project.unit_resources(resource.unit)):
            index.setdefault(r.type, []).append((position, r))
            index.setdefault(None, []).append((position, r))
    if types is None or isinstance(types, str):
        found = index.get(types, [])
    else:  # several types: merged back into unit order, so results stay in source order
        found = sorted((item for t in types for item in index.get(t, [])), key=lambda x: x[0])
    return [r for _, r in found if keep_self or r is not resource]


def _linked_by(subject, ctx, table: dict) -> list:
    """The resources of `table`'s types (type -> ((attribute, principal type), ...)) in
    `subject`'s unit that name `subject` in one of their pairs, by reference or by
    literal name, in unit order.

    Every principal asks this, so each unit is indexed once per project and table: the
    linking resources are read once, not once per principal (which made one large module
    quadratic)."""
    per_unit = kept_with(_UNITS, ctx.project)
    key = ("linked", subject.unit, id(table))
    index = per_unit.get(key)
    if index is None:
        index = per_unit[key] = _link_index(subject, ctx, table)
    return index.get(id(subject), [])


def _link_index(member, ctx, table: dict) -> dict:
    """id(principal) -> [linking resources, in unit order] for `member`'s unit."""
    index: dict = {}
    for other in _same_unit(member, ctx, tuple(table), keep_self=True):
        linked = []
        for attribute, kind in table[other.type]:
            for path, value in _items(other.attributes.get(attribute), (attribute,)):
                linked += [t for _, t in ctx.project.outgoing(other, path) if t is not None and t.type == kind]
                if isinstance(value, str):
                    linked += named_in_unit(other, ctx, kind, value, keep_self=True)
        for principal in {id(p): p for p in linked}.values():
            index.setdefault(id(principal), []).append(other)
    return index


def named_in_unit(resource, ctx, kind: str, value: str, keep_self: bool = False) -> list:
    """The principals of type `kind` in `resource`'s unit that the literal `value` (a name
    or an ARN) names, in unit order; the names of a unit are indexed once per project."""
    per_unit = kept_with(_UNITS, ctx.project)
    key = ("named", resource.unit, kind)
    names = per_unit.get(key)
    if names is None:
        names = per_unit[key] = {}
        for principal in _same_unit(resource, ctx, kind, keep_self=True):
            name = principal.attributes.get("name")
            if isinstance(name, str) and name:
                names.setdefault(name, []).append(principal)
    return [p for p in names.get(_literal_name(value, kind), ()) if keep_self or p is not resource]


@lru_cache(maxsize=4096)
def _literal_name(value: str, kind: str) -> str | None:
    """The name a literal (a name, or an ARN of a principal of type `kind`) gives."""
    text = value.strip()
    match = PRINCIPAL_ARN.match(text)
    if match:
        return match.group("name") if f"aws_iam_{match.group('kind')}" == kind else None
    return text


def named_principals(attachment, ctx) -> list[tuple[tuple, Any, str]]:
    """The principals an attachment (`ATTACHMENTS`) names: (path, principal, kind), the
    principal None when it is not in the scanned files (by reference or literal name)."""
    pairs = ATTACHMENTS.get(attachment.type, ((),))[0]
    out = []
    for attribute, kind in pairs:
        for path, value in _items(attachment.attributes.get(attribute), (attribute,)):
            targets = [t for _, t in ctx.project.outgoing(attachment, path) if t is not None and t.type == kind] \
                if ctx is not None else []
            if not targets and isinstance(value, str) and ctx is not None:
                targets = named_in_unit(attachment, ctx, kind, value)
            out.extend((path, t, kind) for t in targets) if targets else out.append((path, None, kind))
    return out


def _groups(user, ctx) -> list[tuple[Any, str, tuple]]:
    """(group, "", path on the user) for each group of the user; (None, reason, path) for
    a group that cannot be found."""
    out = []
    for path, value in _items(user.attributes.get("groups"), ("groups",)):  # CloudFormation `Groups`
        out.append(_group_of(user, path, value, ctx, link=path))
    for other in _linked_by(user, ctx, _MEMBER_LINKS):
        member = MEMBERSHIPS[other.type]
        for path, value in _items(other.attributes.get(member[1]), (member[1],)):
            out.append(_group_of(other, path, value, ctx, link=()))
    return out


def _group_of(linker, path, value, ctx, link):
    for _, target in ctx.project.outgoing(linker, path):
        if target is not None and target.type == GROUP:
            return target, "", link
    if isinstance(value, str):
        for other in named_in_unit(linker, ctx, GROUP, value):
            return other, "", link
    shown = value.expr if is_unknown(value) else value
    return None, f"the group `{shown}` (in `{linker.address}`) is not in the scanned files", link


def _policy_arn(out: PrincipalPolicies, linker, path: tuple, value: Any, ctx, point: tuple, seen: set,
                group=None, link: str = "", boundary: bool = False) -> None:
    """The grant of the policy whose ARN is written at `path` of `linker` (found through
    the graph, by literal customer-managed ARN, or modelled for an AWS managed policy);
    an unknown part of `out` when it cannot be read."""
    principal = out.principal
    if ctx is not None:
        targets = [t for _, t in ctx.project.outgoing(linker, path)]
        for target in targets:
            if target is not None and target.type == "aws_iam_policy":
                if id(target) not in seen:
                    seen.add(id(target))
                    for doc in granted_documents(target, ctx):
                        out.grants.append(Grant(doc, target, principal, point, link, group))
                return
            if target is not None and target.type == "data.aws_iam_policy":
                read = data_source_arn(target)
                value = value if read is None else read
                if not isinstance(value, str) and not _aws_managed_name(value):
                    out.unknowns.append((point, f"the policy read by `{target.address}` is not in the scanned "
                                                "files"))
                    return
    managed = _aws_managed_name(value)
    if managed:
        statements = AWS_MANAGED_STATEMENTS.get(managed.lower())
        if statements is not None:
            doc = json_document(linker, path, {"Statement": statements})
            out.grants.append(Grant(doc, linker, principal, point, link, group, managed))
        elif boundary:
            out.unknowns.append((point, f"the AWS managed policy `{managed}` is not modelled"))
        return
    if isinstance(value, str):
        match = _CUSTOMER_POLICY_ARN.match(value.strip())
        if match and ctx is not None:
            for other in _same_unit(linker, ctx, "aws_iam_policy"):
                if other.attributes.get("name") == match.group("name"):
                    if id(other) not in seen:
                        seen.add(id(other))
                        for doc in granted_documents(other, ctx):
                            out.grants.append(Grant(doc, other, principal, point, link, group))
                    return
        out.unknowns.append((point, f"the policy `{value}` is not in the scanned files"))
        return
    if is_unknown(value):
        if value.refs and ctx is not None:
            out.unknowns.append((point, f"the policy `{value.expr}` is not in the scanned files"))
        else:
            out.unknowns.append((point, unknown_reason(value)))
        return
    out.unknowns.append((point, f"the policy ARN `{value}` is not a string"))


def _aws_managed_name(value: Any) -> str:
    """`AdministratorAccess` for an AWS managed policy ARN (literal or template), else ""."""
    text = value_glob(value) if isinstance(value, Unknown) else value
    if not isinstance(text, str):
        return ""
    match = _AWS_MANAGED_ARN.match(text.strip())
    return match.group("name") if match and "*" not in match.group("name") else ""
