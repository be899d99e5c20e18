"""Policies that belong to the tool itself rather than to the policy pack; their
documentation is in the pages beside this file."""
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
    source = __file__
    resource_types = ()

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
    source = __file__
    resource_types = ()

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
    source = __file__
    resource_types = ()

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
    source = __file__
    resource_types = ()

    def check(self, resource, ctx):
        return ()
