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
            "error, bytes that are not UTF-8, a binary file, an unreadable file, a YAML tag beyond "
            "CloudFormation's, or input over a safety limit (such as a YAML alias bomb, a file over "
            "the size limit or nesting past the depth limit). A directory that cannot be listed is "
            "reported the same way: what it holds was not checked.")
    why = ("A file that cannot be parsed cannot be checked. Reporting it keeps a broken or "
           "hostile file from passing the scan silently, and the line points at the error.")
    fix_terraform = "Fix the syntax error at the reported line (`terraform validate` shows it too)."
    fix_cloudformation = "Fix the syntax error at the reported line (`cfn-lint` shows it too)."
    references = ("https://developer.hashicorp.com/terraform/language/syntax/configuration",
                  "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html")

    def check(self, resource, ctx):
        return ()


class SuppressionWithoutReasonPolicy(Policy):
    """IAC002 is raised by `iaclint.pipeline.suppress`, not by `check`: a suppression has to say why,
    or a reviewer cannot tell an accepted risk from a silenced alarm."""

    id = "IAC002"
    name = "suppression-without-reason"
    title = "Every suppression states its reason"
    severity = "low"
    category = "tool"
    resource_types = ()
    what = ("An `iaclint:ignore` comment, a CloudFormation `Metadata.iaclint.ignore` entry or a "
            "Checkov `checkov:skip` comment that silences a finding without saying why. The "
            "finding it names is still suppressed; this finding asks for the reason.")
    why = ("A suppression is an accepted risk. Without a reason, the next reader cannot tell a "
           "deliberate decision (a sandbox account, a compensating control) from a warning that "
           "was silenced to get a pull request merged, and nobody knows when it can be removed.")
    fix_terraform = ("Write the reason after `--`: `# iaclint:ignore IAC201 -- lab notebook in an "
                     "isolated sandbox account`. For a Checkov comment, put it after a second colon: "
                     "`# checkov:skip=CKV_AWS_122:lab notebook in a sandbox account`.")
    fix_cloudformation = ("In YAML, write the reason after `--` in the comment; in JSON (or YAML), give "
                          "the `Metadata` entry a reason: `Metadata: {iaclint: {ignore: [{id: IAC201, "
                          "reason: lab notebook in a sandbox account}]}}`.")
    references = ("https://github.com/iaclint/iaclint/blob/main/docs/usage.md#suppressions",)

    def check(self, resource, ctx):
        return ()


class UnusedSuppressionPolicy(Policy):
    """IAC003 is raised by `iaclint.pipeline.suppress`: a suppression that matches nothing is stale,
    and a stale suppression would silently hide the next, unrelated finding."""

    id = "IAC003"
    name = "unused-suppression"
    title = "Every suppression matches a finding"
    severity = "low"
    category = "tool"
    resource_types = ()
    what = ("An `iaclint:ignore` comment or `Metadata.iaclint.ignore` entry that suppresses nothing: "
            "the policy it names passed on that resource, the comment is not on or above a resource "
            "or attribute that has the finding, or the name is not a policy at all.")
    why = ("A stale suppression is a trap: the resource was fixed (or the comment was misplaced), "
           "and the comment now waits to hide the next finding of that policy there, which may be "
           "a real regression. A misspelt policy ID also looks like a suppression that works.")
    fix_terraform = ("Delete the comment, or move it to the line directly above the resource header "
                     "or above the attribute the finding points at, and check the policy ID or name "
                     "with `iaclint rules`.")
    fix_cloudformation = ("Delete the comment or the `Metadata.iaclint.ignore` entry, or move the "
                          "comment directly above the logical ID or the property the finding points "
                          "at; check the ID with `iaclint rules`.")
    references = ("https://github.com/iaclint/iaclint/blob/main/docs/usage.md#suppressions",)

    def check(self, resource, ctx):
        return ()


class DuplicateKeyPolicy(Policy):
    """IAC004 is raised by the parsers, not by `check`: a key written twice is either
    refused by the deploying tool or silently resolved, and both deserve a line number."""

    id = "IAC004"
    name = "duplicate-key"
    title = "No argument or key is written twice"
    severity = "medium"
    category = "tool"
    resource_types = ()
    what = ("A Terraform argument set twice in one block, or a CloudFormation key written twice in "
            "one mapping (a property, a logical ID in `Resources`, a parameter). The file is still "
            "scanned, with the last value, which is what CloudFormation deploys.")
    why = ("CloudFormation keeps the last of two equal keys without a warning, so a reviewer who "
           "reads the first one (`EnableKeyRotation: true`) approves a template that deploys the "
           "other (`false`), and a copied logical ID silently replaces a whole resource. Terraform "
           "refuses such a block (\"Duplicate argument\"), so the change fails at plan time.")
    fix_terraform = "Delete one of the two arguments; keep the value you mean."
    fix_cloudformation = ("Delete one of the two keys, or rename a copied logical ID; `cfn-lint` reports "
                          "the same problem as E0000.")
    references = ("https://developer.hashicorp.com/terraform/language/syntax/configuration#arguments",
                  "https://github.com/aws-cloudformation/cfn-lint/issues/35")

    def check(self, resource, ctx):
        return ()
