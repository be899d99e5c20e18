"""IAC312: an OpenSearch domain with a public endpoint does not allow everyone in its access policy.

The access policy (`access_policies` on `aws_opensearch_domain` / `aws_elasticsearch_domain`
and on the separate `aws_opensearch_domain_policy` / `aws_elasticsearch_domain_policy`;
CloudFormation `AccessPolicies`) is an IAM resource policy. A statement that allows `*`
(`Principal: "*"`, `{"AWS": "*"}`, a `NotPrincipal`) with no source IP, VPC, VPC endpoint,
organization, account or principal condition opens the domain to anyone who can reach it.
A domain in a VPC (`vpc_options`) is only reachable from the VPC and passes; so does a
domain with fine-grained access control (FGAC) on and anonymous access off, where AWS
recommends an open resource policy and FGAC authenticates every request. A domain policy
resource is judged with the domain it names, when that domain is in the scan.
"""
from __future__ import annotations

from iaclint.aws import iam
from iaclint.engine.policy import PASS, Policy
from iaclint.model.unknown import is_unknown

_DOMAINS = ("aws_opensearch_domain", "aws_elasticsearch_domain")
_DOMAIN_POLICIES = ("aws_opensearch_domain_policy", "aws_elasticsearch_domain_policy")
_NARROWING_KEYS = (
    "aws:SourceIp",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:VpcSourceIp",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
)


def _flag(value):
    """True/False for a boolean written either way; None when unknown."""
    if is_unknown(value):
        return None
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value) if value is not None else False


def _first_block(value):
    """A TF block (list of one dict) or a CFN object, as a dict; an Unknown stays Unknown."""
    if isinstance(value, list):
        value = value[0] if value else None
    return value


def _protected(domain) -> "tuple[bool | None, str]":
    """Is the domain out of reach of an open policy: in a VPC, or behind FGAC without
    anonymous access? With the reason, for messages."""
    vpc = _first_block(domain.attributes.get("vpc_options"))
    if is_unknown(vpc):
        return None, ""
    if isinstance(vpc, dict):
        subnets = vpc.get("subnet_ids")
        if is_unknown(subnets) or (isinstance(subnets, list) and subnets):
            return True, "in a VPC"
    fgac = _first_block(domain.attributes.get("advanced_security_options"))
    if is_unknown(fgac):
        return None, ""
    if isinstance(fgac, dict):
        enabled, anonymous = _flag(fgac.get("enabled")), _flag(fgac.get("anonymous_auth_enabled"))
        if enabled is None or (enabled and anonymous is None):
            return None, ""
        if enabled and not anonymous:
            return True, "behind fine-grained access control"
    return False, ""


def _domain_of(resource, ctx):
    """The domain a domain-policy resource names: by reference, else by literal name."""
    for ref, target in ctx.project.outgoing(resource, ("domain_name",)):
        if target is not None and target.type in _DOMAINS:
            return target
        return None
    name = resource.attributes.get("domain_name")
    if isinstance(name, str):
        for other in ctx.project.of_type(*_DOMAINS):
            if other.attributes.get("domain_name") == name:
                return other
    return None


class OpensearchDomainAccessPolicyPublic(Policy):
    id = "IAC312"
    name = "opensearch-domain-access-policy-public"
    title = "OpenSearch domain with a public endpoint does not allow any principal in its access policy"
    severity = "critical"
    category = "identity-and-access"
    resource_types = _DOMAINS + _DOMAIN_POLICIES
    checkov_ids = ()

    def check(self, resource, ctx):
        value = resource.attributes.get("access_policies")
        if value is None or value == "":
            yield PASS()  # no resource policy: nobody is allowed by it
            return
        domain = resource if resource.type in _DOMAINS else _domain_of(resource, ctx)
        protected, how = _protected(domain) if domain is not None else (None, "")
        if protected:
            yield PASS()
            return
        document = iam.document_from_value(resource, ("access_policies",), value, ctx, follow=True)
        if document is None:
            yield PASS()
            return
        if protected is False:
            where = "on a domain with a public endpoint and no fine-grained access control"
        elif domain is None:
            where = "and the domain it applies to is not in the scanned configuration"
        else:
            where = "on a domain whose VPC or fine-grained access control settings are unknown"

        def test(stmt):
            verdict = iam.open_to_everyone(stmt, _NARROWING_KEYS)
            if verdict is True and protected is None:
                verdict = None
            return iam.Outcome(verdict, stmt.path_of("principals", "not_principals"),
                               f"allows any principal without an IP, VPC or account condition, {where}",
                               iam.PUBLIC_FIELDS)

        yield from iam.check_statements(resource, ctx, test, documents=[document], identity_only=False)
