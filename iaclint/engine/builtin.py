"""Policies that belong to the tool itself rather than to the policy pack."""
from __future__ import annotations

from iaclint.engine.policy import Policy


class ParseErrorPolicy(Policy):
    """IAC001 is raised by the loaders, not by `check`: a file that cannot be read or
    parsed is a finding, so a broken file never passes silently."""

    id = "IAC001"
    name = "parse-error"
    title = "File can be read and parsed"
    severity = "high"
    category = "tool"
    resource_types = ()
    what = ("A Terraform or CloudFormation file that iaclint could not read or parse: a syntax "
            "error, bytes that are not UTF-8, a binary file, an unreadable file, or input over a "
            "safety limit (such as a YAML alias bomb).")
    why = ("A file that cannot be parsed cannot be checked. Reporting it keeps a broken or "
           "hostile file from passing the scan silently, and the line points at the error.")
    fix_terraform = "Fix the syntax error at the reported line (`terraform validate` shows it too)."
    fix_cloudformation = "Fix the syntax error at the reported line (`cfn-lint` shows it too)."
    references = ("https://developer.hashicorp.com/terraform/language/syntax/configuration",
                  "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html")

    def check(self, resource, ctx):
        return ()
