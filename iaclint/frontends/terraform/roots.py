"""Which Terraform units of a scan are roots, once every unit is loaded.

Discovery makes every directory with `.tf` files a unit, but a directory that another
unit of the same scan calls as a module is not a configuration of its own: evaluated
alone, its inputs are Unknown or take defaults that the caller overrides (a false
positive), and its findings would repeat the ones its callers already report at the same
lines. So (as Checkov and tfsec do) a directory called by a root of the scan is
evaluated only through its callers: its stand-alone result is dropped. A directory
scanned alone (no caller in the scan) is still evaluated stand-alone. Units that call each
other in a cycle with no outside caller are all kept (the module loader refuses the
recursion). A plan JSON covers the configuration it was made from: its root directory
and module directories, when they are part of the scan, are reported through the plan,
whose values are exact. A CloudFormation template that a scanned template nests as a
local stack (`iaclint.frontends.cloudformation.nested`) is settled the same way.

A root reported as a whole (every one of its files reportable: a walked directory, a
named tfvars file, `--whole-module`) also reports what it found in its modules' files,
even when they lie outside the scanned paths; a plan does the same for the `.tf` files it
maps findings to. Remote modules that are not downloaded are listed once per run.
"""
from __future__ import annotations

import os


def settle(found, units: list, unit_extras: list) -> set:
    """Indices of the units whose results are dropped, given each unit's extras (what its
    load met: `module_dirs`, `module_files`, `notes`; for a template, the local templates
    its nested stacks read are its `module_dirs` and `module_files`; {} when none). Updates
    `found.reportable` with the module files of roots reported as a whole, and
    `found.skipped` with a note for each module call that was not followed."""
    extras = {i: e for i, e in enumerate(unit_extras) if e}
    directory = {i: os.path.realpath(unit[1]) for i, unit in enumerate(units) if unit[0] in ("tf", "cfn")}
    covers = {i: {os.path.realpath(d) for d in extras[i].get("module_dirs", ())} for i in extras}
    callers: dict = {}
    for i, dirs in covers.items():
        for d in dirs:
            callers.setdefault(d, set()).add(i)
    roots = [i for i in extras
             if units[i][0] == "plan" or not (callers.get(directory.get(i), set()) - {i})]
    covered = set().union(*(covers[i] for i in roots)) if roots else set()
    dropped = {i for i, d in directory.items() if d in covered and i not in roots}
    dropped |= {i for i in roots if units[i][0] == "tf" and any(
        directory[i] in covers[j] for j in roots if units[j][0] == "plan")}
    for i in roots:
        if i in dropped:
            continue
        kind, _, files = units[i]
        if all(f in found.reportable for f in files):
            found.reportable.update(extras[i].get("module_files", ()))
    notes = [tuple(r) for i in sorted(extras) if i not in dropped for r in extras[i].get("notes", ())]
    if hasattr(found, "skipped"):
        found.skipped.extend(dict.fromkeys(notes))  # (file:line, what was not scanned), one per thing
    return dropped
