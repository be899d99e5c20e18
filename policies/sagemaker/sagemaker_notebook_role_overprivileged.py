"""IAC602: a notebook, Studio domain or user profile, Bedrock agent, AgentCore runtime or
AgentCore code interpreter runs as a role with account-wide AI, storage or role-passing rights.

The question is about the role, but the finding belongs on the AI resource: that is what
hands the role to people (notebook and Studio users), to a model steered by prompts
(an agent, an AgentCore runtime) or to the code an agent writes (a code interpreter), and one role may be fine for a scheduled job and dangerous behind a notebook.
The role is followed through the reference graph (`role_arn = aws_iam_role.x.arn`,
`!GetAtt X.Arn`, or a literal role ARN matched by name), and everything it is granted is
gathered with `iam.principal_policies` (inline policies, `aws_iam_role_policy`,
attachments, `ManagedPolicyArns`, CloudFormation policies naming it in `Roles`, and the
AWS managed `AdministratorAccess` / `PowerUserAccess`).

"Overprivileged" is the catalog's list, each on every resource: `*` (`*:*`), `bedrock:*`,
`sagemaker:*`, `s3:*`, `s3:GetObject` on every bucket (`*`, `arn:aws:s3:::*`: every
dataset and model artifact of the account can be read), and `iam:PassRole` on every role
(`*`, or `role/*` of any account). Conditions do not clear a statement: they restrict when
a right applies, not how much it reaches. A role outside the scanned files gives UNKNOWN.

It is the attack-path family "notebook and Studio roles that pass roles or read every
bucket": each finding carries the chain as code flows (the AI resource takes the role,
the role is granted the right), one per granting statement, the statement marked as the
cheapest link to break (narrowing it; the finding itself stays on the role attribute of
the AI resource, where the role is handed out).
"""
from __future__ import annotations

from iaclint.aws import iam
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.inventory.kinds import asset_id, location
from iaclint.inventory.query import CHEAPEST

# canonical type -> (paths of the role it runs as, what the resource is, who inherits the role)
RUNS_AS = {
    "aws_sagemaker_notebook_instance": ((("role_arn",),), "notebook instance",
                                        "anyone who can open the notebook, and any code it runs, holds them"),
    "aws_sagemaker_domain": ((("default_user_settings", "execution_role"),
                              ("default_space_settings", "execution_role")), "Studio domain",
                             "every Studio user of the domain, and any code their apps run, holds them"),
    "aws_sagemaker_user_profile": ((("user_settings", "execution_role"),), "Studio user profile",
                                   "the Studio user, and any code their apps run, holds them"),
    "aws_bedrockagent_agent": ((("agent_resource_role_arn",),), "Bedrock agent",
                               "the agent acts with them on whatever its prompts (injected ones included) ask"),
    "aws_bedrockagentcore_agent_runtime": ((("role_arn",),), "AgentCore runtime",
                                           "the agent code in its container holds them, and does with them whatever "
                                           "its prompts (injected ones included) steer it to"),
    "aws_bedrockagentcore_code_interpreter": ((("execution_role_arn",),), "AgentCore code interpreter",
                                              "any code an agent or a user sends it to run holds them"),
}
# (action query, how a message names it, every-resource test); a statement already
# allowed `s3:*` on every resource is not said again to read every bucket
IMPLIED = {"s3:GetObject": ("*:*", "s3:*")}
# (action query, how a message names it, every-resource test)
BROAD_GRANTS = (
    ("*:*", "every action (`*`) on every resource", iam.resource_is_star),
    ("bedrock:*", "`bedrock:*` on every resource", iam.resource_is_star),
    ("sagemaker:*", "`sagemaker:*` on every resource", iam.resource_is_star),
    ("s3:*", "`s3:*` on every resource", iam.resource_is_star),
    ("s3:GetObject", "`s3:GetObject` on every bucket", iam.resource_is_every_object),
    ("iam:PassRole", "`iam:PassRole` on every role", iam.resource_is_every_role),
)


class SagemakerNotebookRoleOverprivileged(Policy):
    id = "IAC602"
    name = "sagemaker-notebook-role-overprivileged"
    title = "Notebook, Studio, Bedrock agent or AgentCore runtime runs as a role with account-wide AI, S3 or PassRole rights"
    severity = "high"
    category = "attack-paths"
    attack_path = True  # listed by `iaclint inventory` with the path-query policies
    resource_types = tuple(RUNS_AS)
    checkov_ids = ("CKV2_AWS_68",)

    def check(self, resource, ctx):
        role_paths, kind, inherits = RUNS_AS[resource.type]
        found = False
        for role_path in role_paths:
            for path, role, reason in iam.role_of_reference(resource, role_path, ctx):
                found = True
                attribute = resource.native_name(path)
                if role is None:
                    yield _flowing(UNKNOWN(f"Cannot tell statically whether the role in `{attribute}` is "
                                           f"overprivileged: {reason}", path),
                                   _chain(resource, path, kind, f"a role that cannot be known ({reason})", "?"))
                    continue
                yield _judge(resource, path, attribute, role, ctx, kind, inherits)
        if not found:
            yield PASS()


def _judge(resource, path, attribute, role, ctx, kind, inherits):
    grants = iam.principal_policies(role, ctx)
    hits, open_ = [], []
    for query, label, every in BROAD_GRANTS:
        test = _test(query, every)
        found = grants.allows(query, test)
        sure = [(g, s) for g, s, v in found if v is True and not _implied(hits, query, s)]
        found = [(g, s, v) for g, s, v in found if not _implied(hits, query, s)]
        if sure:
            hits.append((label, *sure[0], query))
            if query == "*:*":
                break  # everything else is implied
        elif found:
            open_.append((label, *found[0][:2]))
    runs_as = f"`{role.address}`, the role {kind} `{resource.address}` runs as (`{attribute}`),"
    if hits:
        by_statement: list = []  # [(grant, stmt, [labels])], in the order of BROAD_GRANTS
        for label, grant, stmt, _ in hits:
            for entry in by_statement:
                if entry[0] is grant and entry[1] is stmt:
                    entry[2].append(label)
                    break
            else:
                by_statement.append((grant, stmt, [label]))
        granted = "; ".join(f"{_join(labels)} by {grant.describe(stmt)}" for grant, stmt, labels in by_statement)
        result = FAIL(f"{kind[0].upper()}{kind[1:]} `{resource.address}` runs as `{role.address}` (`{attribute}`), which is "
                      f"allowed {granted}: {inherits}. Cheapest link to break: {by_statement[0][0].describe(by_statement[0][1])} "
                      f"of `{role.address}`; scope it to what the {kind} needs", path)
        return _flowing(result, *(_chain(resource, path, kind, f"role `{role.address}`", role.address, stmt,
                                         f"is allowed {_join(labels)} by {grant.describe(stmt)} {CHEAPEST}", _reach(labels))
                                  for grant, stmt, labels in by_statement))
    if open_:
        label, grant, stmt = open_[0]
        unknown = iam.first_unknown(stmt)
        detail = f": {iam.unknown_reason(unknown)}" if unknown is not None else ""
        return _flowing(UNKNOWN(f"Cannot tell statically whether {runs_as} is allowed {label}: "
                                f"{grant.describe(stmt)} cannot be read{detail}", path),
                        _chain(resource, path, kind, f"role `{role.address}`", role.address, stmt,
                               f"may be allowed {label} by {grant.describe(stmt)} [unknown{detail}]", "?"))
    parts = grants.unknown_parts()
    if parts:
        return _flowing(UNKNOWN(f"Cannot tell statically whether {runs_as} is overprivileged: {parts[0][1]}", path),
                        _chain(resource, path, kind, f"role `{role.address}` [unknown: {parts[0][1]}]",
                               role.address))
    return PASS()


def _implied(hits: list, query: str, stmt) -> bool:
    """Is `query` on this statement already said by a broader right found before?"""
    return any(s is stmt and q in IMPLIED.get(query, ()) for _, _, s, q in hits)


def _flowing(result, *chains):
    result.flows = tuple(chains)
    return result


def _chain(resource, path, kind, role: str, taken: str, stmt=None, right: str = "", reach: str = "") -> tuple:
    """The path as code-flow steps: the AI resource takes the role (`role` names it), and,
    given a statement, the role is granted the right there (the link to break, or the
    link that cannot be read)."""
    role_id = f"{resource.unit}#{taken}" if taken != "?" else ""
    steps = [(location(resource, path), f"{kind} `{resource.address}` assumes {role} (execution role)",
              taken, asset_id(resource), role_id)]
    if stmt is not None:
        steps.append((location(stmt.resource, stmt.path_of("actions", "not_actions")), f"{role} {right}", reach,
                      role_id, ""))
    return tuple((w.file, w.line, w.column, w.end_line, w.end_column, w.resource, text, target, source, reached)
                 for w, text, target, source, reached in steps)


def _reach(labels: list) -> str:
    """What the chain ends at, as a target name."""
    return ", ".join(dict.fromkeys(label.split(" on ", 1)[1] for label in labels))


def _join(labels: list) -> str:
    """`a`, `a and b`, `a, b and c`: the rights one statement grants, in one phrase."""
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def _test(query, every):
    def test(stmt):
        cover = iam.actions_overlap(stmt, query) if query == "iam:PassRole" else iam.actions_cover(stmt, query)
        return iam.all3(iam.is_allow(stmt), cover, every(stmt))
    return test
