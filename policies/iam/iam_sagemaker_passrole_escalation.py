"""IAC601: one principal can pass any role and start SageMaker, Bedrock or AgentCore compute with it.

The two halves of the path are often written apart (`iam:PassRole` in a shared managed
policy, `sagemaker:CreateTrainingJob` inline, or in a second file of the module), so the
check runs on the principal and reads everything it is granted through
`iam.principal_policies`: inline policies, `aws_iam_*_policy` resources, attachments,
`managed_policy_arns`, CloudFormation policies that name it in `Roles`/`Users`/`Groups`,
and for a user the policies of its groups.

"On every role" means `Resource: "*"`, a `NotResource`, or a role ARN whose name is a bare
wildcard (`arn:aws:iam::123456789012:role/*`). An `iam:PassedToService` condition does not
break the path unless it rules out the very service the principal can start compute in.
Passing a role "more privileged than itself" (the catalog's wider reading) needs a
privilege order between roles and is not attempted.
"""
from __future__ import annotations

from iaclint.aws import iam
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy

PASS_ROLE = "iam:PassRole"
# Service a passed role goes to -> the actions that start compute (or hand out access to
# compute) in that service as the passed role.
LAUNCHERS = {
    "sagemaker.amazonaws.com": ("sagemaker:CreateNotebookInstance", "sagemaker:CreateTrainingJob",
                                "sagemaker:CreateProcessingJob", "sagemaker:CreatePresignedNotebookInstanceUrl"),
    "bedrock.amazonaws.com": ("bedrock:CreateAgent", "bedrock:UpdateAgent"),
    # An agent runtime runs its container as its role; a custom code interpreter runs the
    # code it is sent as its execution role.
    "bedrock-agentcore.amazonaws.com": ("bedrock-agentcore:CreateAgentRuntime",
                                        "bedrock-agentcore:UpdateAgentRuntime",
                                        "bedrock-agentcore:CreateCodeInterpreter"),
}
SERVICE_NAMES = {"sagemaker.amazonaws.com": "SageMaker", "bedrock.amazonaws.com": "Bedrock",
                 "bedrock-agentcore.amazonaws.com": "AgentCore"}
OUTCOMES = {
    "sagemaker.amazonaws.com": "run its own code on SageMaker notebooks or jobs as any role in the account",
    "bedrock.amazonaws.com": "give a Bedrock agent any role in the account and act through it",
    "bedrock-agentcore.amazonaws.com": ("run its own agent container or interpreted code on AgentCore as any "
                                        "role in the account"),
}
KINDS = {"aws_iam_role": "Role", "aws_iam_user": "User", "aws_iam_group": "Group"}


class IamSagemakerPassroleEscalation(Policy):
    id = "IAC601"
    name = "iam-sagemaker-passrole-escalation"
    title = "Principal can pass any role to SageMaker, Bedrock or AgentCore compute it can create"
    severity = "critical"
    category = "attack-paths"
    resource_types = iam.PRINCIPAL_TYPES
    checkov_ids = ()

    def check(self, resource, ctx):
        grants = iam.principal_policies(resource, ctx)
        who = f"{KINDS.get(resource.type, 'Principal')} `{resource.address}`"
        undecided = []
        for service, launchers in LAUNCHERS.items():
            passes = grants.allows(PASS_ROLE, lambda stmt, s=service: _passes_any_role(stmt, s))
            launches = [(grant, stmt, verdict, action) for action in launchers
                        for grant, stmt, verdict in grants.allows(action, lambda stmt, a=action: _launches(stmt, a))]
            can_pass = iam.any3(v for _, _, v in passes)
            can_launch = iam.any3(v for _, _, v, _ in launches)
            verdict = iam.all3(can_pass, can_launch)
            if verdict is True:
                grant, stmt, _ = next(p for p in passes if p[2] is True)
                l_grant, l_stmt, _, action = next(x for x in launches if x[2] is True)
                if (l_grant, l_stmt) == (grant, stmt) or (grant.managed and l_grant.managed == grant.managed):
                    granted = (f"{grant.describe(stmt)} allows both `iam:PassRole` on every role and "
                               f"`{action}`")
                else:
                    granted = (f"{grant.describe(stmt)} allows `iam:PassRole` on every role, and "
                               f"{l_grant.describe(l_stmt)} allows `{action}`")
                yield FAIL(f"{who} can escalate privileges through {SERVICE_NAMES[service]}: {granted}; "
                           f"together they let it {OUTCOMES[service]}, including roles more privileged "
                           "than its own", grant.point(stmt, "actions", "not_actions"))
                return
            if verdict is None:
                undecided.append((service, passes, launches, can_pass, can_launch))
        parts = grants.unknown_parts()
        if undecided:
            service, passes, launches, can_pass, can_launch = undecided[0]
            path, reason = _explain(passes, launches, can_pass, can_launch, parts)
            yield UNKNOWN(f"Cannot tell statically whether {who} can pass any role to "
                          f"{SERVICE_NAMES[service]} compute it can create: {reason}", path)
            return
        if parts:
            # Nothing known grants the path, but an unreadable policy might complete it.
            path, reason = parts[0]
            yield UNKNOWN(f"Cannot tell statically whether {who} can pass any role to SageMaker, "
                          f"Bedrock or AgentCore compute it can create: {reason}", path)
            return
        yield PASS()


def _passes_any_role(stmt, service: str):
    """An Allow of `iam:PassRole` on every role, usable with `service`."""
    return iam.all3(iam.is_allow(stmt), iam.actions_overlap(stmt, PASS_ROLE), iam.resource_is_every_role(stmt),
                    iam.condition_allows(stmt, "iam:PassedToService", service))


def _launches(stmt, action: str):
    """An Allow of `action`. Its Resource does not matter: naming the notebook, job or agent
    to create does not limit which role the new one runs as."""
    return iam.all3(iam.is_allow(stmt), iam.actions_overlap(stmt, action))


def _explain(passes, launches, can_pass, can_launch, parts):
    """(path, reason) for an UNKNOWN verdict: the statement that left it open, else the
    first policy that cannot be read."""
    for items, verdict, fields in ((passes, can_pass, ("effect", "actions", "not_actions", "resources",
                                                       "not_resources", "conditions")),
                                   ([(g, s, v) for g, s, v, _ in launches], can_launch,
                                    ("effect", "actions", "not_actions"))):
        if verdict is not None:
            continue
        for grant, stmt, v in items:
            if v is None:
                unknown = iam.first_unknown(stmt, fields)
                detail = f": {iam.unknown_reason(unknown)}" if unknown is not None else ""
                return grant.point(stmt, "actions", "not_actions"), f"{grant.describe(stmt)} cannot be read{detail}"
        if parts:
            return parts[0]
    return (parts[0] if parts else ((), "a permissions boundary or Deny cannot be read"))
