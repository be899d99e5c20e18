"""A policy's documentation as the editor shows it: on hover (the fix for the buffer's
format) and for the explain command (everything, as `iaclint explain` has it)."""
from __future__ import annotations

from iaclint.faces.lsp.editor_settings import (
    POLICY_DOCS,
    REASON_PLACEHOLDER,
    TERRAFORM,
    TFVARS,
)


def policy_markdown(policy, finding, path: str) -> str:
    link = POLICY_DOCS + finding.policy_id.lower()
    if policy is None:
        return f"**{finding.policy_id}** {finding.policy_name} ({finding.severity})\n\n[Documentation]({link})"
    out = [f"**{policy.id}** `{policy.name}` ({policy.severity}): {policy.title}"]
    terraform = path.endswith(TERRAFORM + TFVARS)
    fixes = (("Fix in Terraform", policy.fix_terraform),) if terraform else (
        ("Fix in CloudFormation", policy.fix_cloudformation),)
    for heading, body in (("What it flags", policy.what), ("Why it matters", policy.why), *fixes):
        if body and body.strip():
            out.append(f"**{heading}**\n\n{body.strip()}")
    out.append(f"Suppress it with `# iaclint:ignore {policy.id} -- {REASON_PLACEHOLDER}` on the line above. "
               f"[Documentation]({link})")
    return "\n\n".join(out)


def explain_markdown(policy) -> str:
    """A policy's whole documentation (both formats' fixes), as `iaclint explain` has it."""
    out = [f"# {policy.id} `{policy.name}`", f"**{policy.severity}**: {policy.title}"]
    for heading, body in (("What it flags", policy.what), ("Why it matters", policy.why),
                          ("Fix in Terraform", policy.fix_terraform),
                          ("Fix in CloudFormation", policy.fix_cloudformation)):
        if body and body.strip():
            out.append(f"## {heading}\n\n{body.strip()}")
    if getattr(policy, "resource_types", None):
        out.append("Resource types: " + ", ".join(f"`{t}`" for t in policy.resource_types))
    if getattr(policy, "references", None):
        out.append("## References\n\n" + "\n".join(f"- <{r}>" for r in policy.references))
    out.append(f"Suppress a finding with `# iaclint:ignore {policy.id} -- {REASON_PLACEHOLDER}` on the line "
               f"above. [Documentation]({POLICY_DOCS + policy.id.lower()})")
    return "\n\n".join(out) + "\n"
