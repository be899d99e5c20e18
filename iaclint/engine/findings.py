"""A verdict of a policy on a resource, as the `Finding` that reports show."""
from __future__ import annotations

from iaclint.engine.policy import Policy
from iaclint.model.finding import Finding, fingerprint
from iaclint.model.resource import TERRAFORM



def finding(policy: Policy, resource, result, cwd: str | None = None) -> Finding:
    """`cwd`: the working directory, when the caller makes many findings (`fingerprint`)."""
    resource = getattr(result, "at", None) or resource
    path = result.path
    span = resource.span_for(path)
    message = result.message or policy.title
    address = resource.address
    root = resource.unit if resource.fmt == TERRAFORM and address.startswith("module.") else ""
    # (most resources have no values from variables, and no metadata: no call for them)
    origin = resource.origin_of(path) if path and getattr(resource, "origins", None) else ""
    if origin:  # the line is where a variable is used: say where its value was set
        message = f"{message} (value from {origin})"
    environment = getattr(resource, "environment", "")
    # The fields in `Finding`'s order (positional: a third cheaper than by keyword, ~14,000 a large scan)
    return Finding(
        policy.id, policy.name, policy.severity, message, resource.file,
        span.line, span.column, span.end_line, span.end_column,
        address, resource.native_type,
        resource.native_name(path) if path else "",
        result.verdict._value_,  # the member's own attribute: `.value` is a descriptor call, hashing it a Python call
        fingerprint(policy.id, resource.file, address,
                    (*path, result.identity) if result.identity else tuple(path), root, cwd),
        False, "",  # suppressed, suppression_reason
        resource.construct if resource.metadata else "",
        result.flows,
        (environment,) if environment else (),
        root,
    )
