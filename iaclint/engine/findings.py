"""A verdict of a policy on a resource, as the `Finding` that reports show."""
from __future__ import annotations

from iaclint.engine.policy import Policy
from iaclint.model.finding import Finding, fingerprint
from iaclint.model.resource import TERRAFORM


def finding(policy: Policy, resource, result, cwd: str | None = None) -> Finding:
    """`cwd`: the working directory, when the caller makes many findings (`fingerprint`)."""
    resource = getattr(result, "at", None) or resource
    span = resource.span_for(result.path)
    message = result.message or policy.title
    root = resource.unit if resource.fmt == TERRAFORM and resource.address.startswith("module.") else ""
    origin = resource.origin_of(result.path) if result.path and hasattr(resource, "origin_of") else ""
    if origin:  # the line is where a variable is used: say where its value was set
        message = f"{message} (value from {origin})"
    return Finding(
        policy_id=policy.id, policy_name=policy.name, severity=policy.severity,
        message=message, file=resource.file,
        line=span.line, column=span.column, end_line=span.end_line, end_column=span.end_column,
        resource=resource.address, resource_type=resource.native_type,
        attribute=resource.native_name(result.path) if result.path else "",
        verdict=result.verdict.value,
        fingerprint=fingerprint(policy.id, resource.file, resource.address,
                                tuple(result.path) + ((result.identity,) if result.identity else ()), root, cwd),
        construct=resource.construct,
        flows=result.flows,
        environments=(resource.environment,) if getattr(resource, "environment", "") else (),
        root=root,
    )
