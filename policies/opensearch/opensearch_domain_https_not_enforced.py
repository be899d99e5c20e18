"""IAC126: an OpenSearch domain accepts HTTPS only, with TLS 1.2 or later.

The defaults diverge by format. With no `domain_endpoint_options` block (Terraform) or no
`DomainEndpointOptions` (CloudFormation) the service default applies: HTTP is accepted.
Inside a written block, an omitted `enforce_https` is `true` in Terraform (the provider's
default) but an omitted `EnforceHTTPS` is left to the service, which does not enforce HTTPS.
`tls_security_policy = "Policy-Min-TLS-1-0-2019-07"` still allows TLS 1.0 and 1.1.
"""
from __future__ import annotations

from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.model.unknown import is_unknown

_BLOCK = ("domain_endpoint_options",)
_WEAK_TLS = "Policy-Min-TLS-1-0-2019-07"


def _blocks(value, path):
    """Each written instance of a nested block: a TF list of blocks or a CFN object."""
    if isinstance(value, dict) or is_unknown(value):
        return [(path, value)]
    if isinstance(value, list):
        return [(path + (i,), item) for i, item in enumerate(value)]
    return []


class OpensearchDomainHttpsNotEnforced(Policy):
    id = "IAC126"
    name = "opensearch-domain-https-not-enforced"
    title = "OpenSearch domain enforces HTTPS with TLS 1.2 or later"
    severity = "high"
    category = "data-protection"
    resource_types = ("aws_opensearch_domain", "aws_elasticsearch_domain")
    checkov_ids = ()

    def check(self, resource, ctx):
        value = resource.attributes.get("domain_endpoint_options")
        blocks = _blocks(value, _BLOCK)
        if not blocks:
            yield FAIL(f"OpenSearch domain accepts plain HTTP: `{resource.native_name(_BLOCK)}` is not set, and "
                       f"AWS does not enforce HTTPS by default", _BLOCK)
            return
        found = False
        for path, block in blocks:
            if is_unknown(block):
                found = True
                yield UNKNOWN(f"`{resource.native_name(path)}` is unknown until deployment ({block.reason})", path)
                continue
            if not isinstance(block, dict):
                continue
            enforce_path = path + ("enforce_https",)
            enforce = block.get("enforce_https")
            if is_unknown(enforce):
                found = True
                yield UNKNOWN(f"`{resource.native_name(enforce_path)}` is `{enforce.expr}`, unknown until "
                              f"deployment ({enforce.reason})", enforce_path)
            elif enforce is None and resource.cloudformation_schema:
                found = True
                yield FAIL(f"OpenSearch domain accepts plain HTTP: `{resource.native_name(enforce_path)}` is not "
                           f"set, and AWS does not enforce HTTPS by default", path)
            elif enforce is not None and str(enforce).strip().lower() in ("false", "0"):
                found = True
                yield FAIL(f"OpenSearch domain accepts plain HTTP: `{resource.native_name(enforce_path)}` is "
                           f"`false`", enforce_path)
            tls_path = path + ("tls_security_policy",)
            tls = block.get("tls_security_policy")
            if is_unknown(tls):
                found = True
                yield UNKNOWN(f"`{resource.native_name(tls_path)}` is `{tls.expr}`, unknown until deployment "
                              f"({tls.reason})", tls_path)
            elif isinstance(tls, str) and tls.strip() == _WEAK_TLS:
                found = True
                yield FAIL(f"OpenSearch domain still accepts TLS 1.0 and 1.1: `{resource.native_name(tls_path)}` "
                           f"is `{_WEAK_TLS}`", tls_path)
        if not found:
            yield PASS()
