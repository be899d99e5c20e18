"""IAC310: an ML execution role can be assumed from another AWS account.

Which role is an ML role is decided on the graph: its trust policy names
`sagemaker.amazonaws.com`, `bedrock.amazonaws.com` or `bedrock-agentcore.amazonaws.com`
(`iam.ML_SERVICE_PRINCIPALS`), or a SageMaker, Bedrock, AgentCore, Comprehend,
Kendra or Lex resource runs as it (`role_arn`, `execution_role`, `execution_role_arn`,
`agent_resource_role_arn`, at any depth, by reference or literal ARN).

"Another account" is decided statically by `iaclint.aws.iam.accounts`, and never guessed:

- `{"AWS": "*"}`, `Principal: "*"` and `NotPrincipal` let every account in;
- the deploying account written as such (`${AWS::AccountId}`, `!Ref AWS::AccountId`,
  `data.aws_caller_identity.<name>.account_id`) or as the ARN of a role or user the same
  stack defines is the role's own account;
- a literal account ID (or an ARN in it) is compared with the accounts the same Terraform
  module or CloudFormation template shows it lives in: account IDs in its literal ARNs and
  in `aws:SourceAccount` / `aws:ResourceAccount` / `aws:SourceOwner` / `kms:CallerAccount`
  conditions (principals excluded). Not among them -> another account (FAIL); no such
  evidence at all -> UNKNOWN;
- a principal in a variable or parameter -> UNKNOWN.

An `sts:ExternalId`, `aws:PrincipalOrgID` or `aws:PrincipalOrgPaths` condition clears a
statement; for `*` an `aws:PrincipalAccount` or `aws:PrincipalArn` condition does too.
Accounts the configuration trusts (`trusted-accounts`, `--trusted-account`) are partners,
not strangers: a principal in one of them passes; the other principals are still judged.
"""
from __future__ import annotations

from iaclint.aws import iam
from iaclint.engine.policy import PASS, UNKNOWN, Policy, Verdict
from iaclint.model.unknown import is_unknown

ASSUME = "sts:AssumeRole"
GUARDS = ("sts:ExternalId", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths")
PUBLIC_GUARDS = GUARDS + ("aws:PrincipalAccount", "aws:PrincipalArn")


class IamMlRoleCrossAccountTrust(Policy):
    id = "IAC310"
    name = "iam-ml-role-cross-account-trust"
    title = "ML execution role can be assumed from another AWS account without an external ID or organization condition"
    severity = "high"
    category = "identity-and-access"
    resource_types = ("aws_iam_role",)
    checkov_ids = ()

    def check(self, resource, ctx):
        users = iam.execution_role_users(resource, ctx)
        ml = True if users else iam.trusts_service(resource, iam.ML_SERVICE_PRINCIPALS, ctx)
        if ml is False:
            yield PASS()
            return
        if users:
            kind = f"ML execution role `{resource.address}` (used by `{users[0][0].address}`)"
        else:
            kind = f"ML execution role `{resource.address}` (assumable by SageMaker, Bedrock or AgentCore)"
        def own():  # read the stack for its account only when a literal account needs it
            return iam.own_accounts(resource, ctx)

        trusted = iam.trusted_accounts(ctx)

        def test(stmt):
            return _judge(stmt, own, kind, trusted)

        for result in iam.check_statements(resource, ctx, test, iam.trust_documents(resource, ctx),
                                           identity_only=False):
            if ml is None and result.verdict is not Verdict.PASS:
                yield UNKNOWN("Cannot tell statically whether the role is an ML execution role (its trust "
                              f"policy names a service that is not known); if it is: {result.message}",
                              result.path)
            else:
                yield result


def _judge(stmt, own, kind: str, trusted: frozenset = frozenset()) -> iam.Outcome:
    base = iam.all3(iam.is_allow(stmt), iam.actions_overlap(stmt, ASSUME))
    public, foreign, undecided = [], [], []
    if stmt.not_principals or "not_principals" in stmt.paths:
        public.append("everyone but the `NotPrincipal`")
    for principal in stmt.principals:
        verdict, label = _classify(principal, own, trusted)
        if verdict == "public":
            public.append(label)
        elif verdict == "foreign":
            foreign.append(label)
        elif verdict is None:
            undecided.append(label)
    public_v = iam.all3(base, bool(public), iam.not3(iam.has_condition(stmt, PUBLIC_GUARDS)))
    foreign_v = iam.all3(base, True if foreign else (None if undecided else False),
                         iam.not3(iam.has_condition(stmt, GUARDS)))
    verdict = iam.any3([public_v, foreign_v])
    path = stmt.path_of("principals", "not_principals")
    guard = "an `sts:ExternalId` or `aws:PrincipalOrgID` condition"
    if public_v is True:
        message = (f"lets every AWS account ({', '.join(public)}) assume {kind} without {guard}: "
                   "anyone in any account can take its access to training data, models and endpoints")
    elif foreign_v is True:
        seen = f" (it shows {_accounts(own())})"
        message = (f"lets {', '.join(foreign)} assume {kind} without {guard}; that is not an account the "
                   f"scanned stack lives in{seen}")
    else:
        who = ", ".join(undecided + foreign + public) or "its principals"
        context = "" if not any("account `" in u for u in undecided) or own() else "; the scanned files do not show which account the stack is deployed to"
        message = f"lets another AWS account ({who}) assume {kind} without {guard}{context}"
    return iam.Outcome(verdict, path, message,
                       fields=("effect", "actions", "not_actions", "principals", "not_principals", "conditions"))


def _classify(principal, own, trusted: frozenset = frozenset()):
    """("public" | "foreign" | "own" | None, label) for one principal of a trust statement;
    an account the configuration trusts counts as "own"."""
    kind, identifier = principal.type, principal.identifier
    if is_unknown(kind):
        return None, "a principal that is not known"
    text = str(kind)
    if text == "*":
        return ("public", "`*`") if iam.is_star(identifier) is True else (None, "`*`")
    if text.upper() != "AWS":
        return "own", ""  # services and federated providers are not accounts
    account = iam.account_of(identifier)
    shown = f"`{identifier.expr}`" if is_unknown(identifier) else f"`{identifier}`"
    if account == iam.PUBLIC:
        return "public", "`{\"AWS\": \"*\"}`"
    if account == iam.SELF:
        return "own", shown
    if account is None:
        return None, shown
    if account in trusted:
        return "own", shown
    accounts = own()
    if not accounts:
        return None, f"account `{account}`"
    return ("own", shown) if account in accounts else ("foreign", f"account `{account}`")


def _accounts(own: frozenset) -> str:
    listed = sorted(own)
    if len(listed) == 1:
        return f"account `{listed[0]}`"
    return "accounts " + ", ".join(f"`{a}`" for a in listed)
