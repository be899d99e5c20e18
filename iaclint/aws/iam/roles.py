"""Questions about roles as a whole: who may assume them, which AWS policies they carry.

"ML execution role" means a role SageMaker, Bedrock or Bedrock AgentCore can assume
(`ML_SERVICE_PRINCIPALS`, one list for every policy that asks), so several policies ask
the trust document about service principals; and an AWS managed policy is only an ARN,
whose name (`AmazonSageMakerFullAccess`) is what matters, whatever the partition or the
template it is written with.
"""
from __future__ import annotations

from typing import Any, Iterable, Iterator

from iaclint.aws.iam.documents import trust_documents
from iaclint.aws.iam.logic import Tri, all3, any3
from iaclint.aws.iam.matching import (
    is_resource_attribute,
    matches,
    value_glob,
)
from iaclint.aws.iam.questions import actions_overlap, is_allow, service_principals
from iaclint.model import lazy_re
from iaclint.model import symbolic
from iaclint.model.unknown import Unknown, is_unknown

# The services whose trust makes a role an ML execution role: SageMaker notebooks, jobs and
# endpoints, Bedrock agents and knowledge bases, AgentCore runtimes, gateways, code
# interpreters and browsers all run the code or the prompts they are given as that role.
ML_SERVICE_PRINCIPALS = ("sagemaker.amazonaws.com", "bedrock.amazonaws.com", "bedrock-agentcore.amazonaws.com")
# AWS managed policies that grant every action of an AI service on every resource.
AI_FULL_ACCESS_POLICIES = ("AmazonBedrockFullAccess", "AmazonSageMakerFullAccess", "BedrockAgentCoreFullAccess")


def trusts_service(role, services: Iterable[str], ctx=None) -> Tri:
    """Does the role's trust policy let one of `services` (`sagemaker.amazonaws.com`)
    assume it? That is what makes a role an ML execution role. A `Service` principal that
    is unknown, or an unreadable trust document, leaves the answer unknown."""
    wanted = {s.lower() for s in services}
    answers = []
    for doc in trust_documents(role, ctx):
        if doc.unknowns:
            answers.append(None)
        for stmt in doc.statements:
            named = []
            for service in service_principals(stmt):
                service = service_of_partition(service)
                if is_unknown(service):
                    named.append(None if may_name_service(service, wanted) else False)
                else:
                    named.append(str(service).lower() in wanted)
            answers.append(all3(is_allow(stmt), actions_overlap(stmt, "sts:AssumeRole"), any3(named)))
    return any3(answers)


_DNS_SUFFIX = lazy_re.compile(r"(?:^|\.)data\.aws_partition\.[^.]+\.dns_suffix$")


def service_of_partition(value: Any) -> Any:
    """`sagemaker.${data.aws_partition.current.dns_suffix}` (`!Sub sagemaker.${AWS::URLSuffix}`)
    is the SageMaker service principal of whatever partition the role is in: as
    `sagemaker.amazonaws.com`; any other value as it is. Only the partition's own DNS
    suffix counts (a variable or a module output that may hold it does not)."""
    parts = symbolic.pieces(value) if isinstance(value, Unknown) else None
    if parts is None or len(parts) != 2 or not isinstance(parts[0], str) or not parts[0].endswith("."):
        return value
    symbol = parts[1].symbol if isinstance(parts[1], Unknown) else None
    if not isinstance(symbol, tuple) or len(symbol) != 3 or not isinstance(symbol[2], str):
        return value
    if (symbol[0] == "cfn" and symbol[2] == "AWS::URLSuffix") or (symbol[0] == "tf" and _DNS_SUFFIX.search(symbol[2])):
        return parts[0] + "amazonaws.com"
    return value


def may_name_service(value: Unknown, services: set) -> bool:
    """Could an unknown `Service` principal be one of `services`?"""
    if is_resource_attribute(value):
        return False
    glob = value_glob(value)
    return glob is None or any(matches(glob, s) for s in services)


_MANAGED_POLICY_ARN = lazy_re.compile(r"^arn:[^:]+:iam::aws:policy/(?:.*/)?(?P<name>[^/]+)$")


def aws_managed_policy(value: Any, names: Iterable[str]) -> Tri:
    """Is `value` the ARN of one of the AWS managed policies `names`
    (`arn:aws:iam::aws:policy/AmazonSageMakerFullAccess`, any partition)? A partially known
    ARN (`arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess`, `format(...)`,
    `join(...)`) is that policy when the pattern covers every value it can take; a choice
    when every alternative is one of them; other Unknowns give None."""
    wanted = {n.lower() for n in names}
    return symbolic.decide(value, lambda one: _aws_managed_one(one, wanted), absent=False)


def _aws_managed_one(value: Any, wanted: set) -> Tri:
    if isinstance(value, Unknown):
        if value.parts is None:
            return False if is_resource_attribute(value) and not _refers_to_aws_policy(value) else None
        return any3(symbolic.covers(f"arn:*:iam::aws:policy/{n}", value) for n in wanted)
    if not isinstance(value, str):
        return False
    match = _MANAGED_POLICY_ARN.match(value.strip())
    return bool(match) and match.group("name").lower() in wanted


_POLICY_DATA_SOURCE = lazy_re.compile(r"(?:^|\.)data\.aws_iam_policy\.")


def _refers_to_aws_policy(value: Unknown) -> bool:
    """`data.aws_iam_policy.admin.arn` may name an AWS managed policy, in a module too
    (`module.m.data.aws_iam_policy.admin`); `aws_iam_policy.x.arn` (a customer managed
    policy) cannot."""
    return any(_POLICY_DATA_SOURCE.search(ref) for ref in value.refs)


def resolve_policy_arn(resource, arn: Any, ctx) -> Any:
    """`data.aws_iam_policy.admin.arn`: the ARN the data source reads (`data_source_arn`),
    when it is scanned; else `arn` as it is."""
    if not isinstance(arn, Unknown) or ctx is None:
        return arn
    for ref in arn.refs:
        if not _POLICY_DATA_SOURCE.search(ref):
            continue
        source = ctx.project.lookup(resource, ref)
        read = data_source_arn(source) if source is not None else None
        if read is not None:
            return read
    return arn


def data_source_arn(source) -> Any:
    """The ARN a `data "aws_iam_policy"` reads: its `arn`, as far as it is known (the
    partition left unknown, `arn:${local.partition}:iam::aws:policy/X`, is still policy X),
    or the AWS managed policy its known `name` names; None when it says neither."""
    known = source.attributes.get("arn")
    if known is not None:
        return known
    name = source.attributes.get("name")
    return f"arn:aws:iam::aws:policy/{name}" if isinstance(name, str) else None


def managed_policy_name(value: Any) -> str:
    """`AmazonSageMakerFullAccess` from its ARN (or the template's literal text), for messages."""
    text = value_glob(value) if isinstance(value, Unknown) else value
    if isinstance(text, str) and "/" in text:
        return text.rsplit("/", 1)[1]
    return str(value)


def listed(value, path: tuple) -> list[tuple[tuple, Any]]:
    """(path, item) pairs of a single value or a list of them; an Unknown list stays one."""
    if value is None:
        return []
    if isinstance(value, list):
        return [(path + (i,), v) for i, v in enumerate(value) if v is not None]
    return [(path, value)]


def attached_aws_policies(resource, attribute: str, names: Iterable[str], ctx) -> Iterator[tuple]:
    """(path, ARN as written, ARN resolved, verdict) for each policy ARN in `attribute` (one
    ARN or a list) that is (True) or may be (None) one of the AWS managed policies `names`,
    in any partition; the ARNs that are not are left out."""
    for path, arn in listed(resource.attributes.get(attribute), (attribute,)):
        resolved = resolve_policy_arn(resource, arn, ctx)
        verdict = aws_managed_policy(resolved, names)
        if verdict is not False:
            yield path, arn, resolved, verdict
