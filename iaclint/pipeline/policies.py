"""The scan's first stage: which policies run, at which severity.

Selection and severity overrides happen before anything is loaded, so every later stage
(verdicts, SARIF rules, `--fail-on`) sees the same set and the same levels.
"""
from __future__ import annotations

import copy

from iaclint.engine.policy import SEVERITIES, Policy
from iaclint.gate.text import echo, listed


def load_all_policies(policy_dirs=()) -> list[Policy]:
    """The tool policies, the built-in pack and the policies in `policy_dirs`, by ID."""
    from iaclint.engine.builtin import (
        DuplicateKeyPolicy,
        ParseErrorPolicy,
        SuppressionWithoutReasonPolicy,
        UnusedSuppressionPolicy,
    )
    from iaclint.engine.registry import load_policies

    tool = [ParseErrorPolicy(), SuppressionWithoutReasonPolicy(), UnusedSuppressionPolicy(), DuplicateKeyPolicy()]
    return sorted([*tool, *load_policies(list(policy_dirs))], key=lambda p: p.id)


class UnknownPolicyError(ValueError):
    """Policy IDs or names that no loaded policy has (a typo would otherwise select
    nothing, or ignore nothing, and the scan would pass): exit code 2."""


def check_names(policies: list[Policy], named: dict) -> None:
    """Raise UnknownPolicyError for every name in `named` ({where: [IDs or names]}, such as
    {"--select": [...]}) that is neither the ID nor the name of a policy, with the
    closest known one."""
    known = {key for p in policies for key in (p.id, p.name)}
    problems = []
    for where, names in named.items():
        for name in names or ():
            name = str(name).strip()
            if not name or name in known or name.upper() in known:
                continue
            import difflib  # only to say what was meant: a clean run does not import it
            close = [_as_id(name)] if _as_id(name) in known else difflib.get_close_matches(
                name.upper() if name[:3].upper() == "IAC" else name, known, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]}?)" if close else " (see `iaclint rules`)"
            problems.append(f"{where}: unknown policy {echo(name)}{hint}")
    if problems:
        raise UnknownPolicyError("; ".join(listed(problems, 10)))


def _as_id(name: str) -> str:
    """`IAC2O1` or `iac20l` as the ID it was meant to be (`IAC201`): letters that look like digits."""
    if name[:3].upper() != "IAC":
        return ""
    return "IAC" + name[3:].upper().translate(str.maketrans("OILS", "0115"))


def select_policies(policies: list[Policy], select=(), ignore=(), extend=()) -> list[Policy]:
    """The policies that run: those named (by ID or name) in `select`, else every policy
    that is on by default, plus those named in `extend` (`extend-select`), minus `ignore`.

    An opt-in policy (`Policy.opt_in`) runs only when `select` or `extend` names it: a
    name is the one way to ask for it, as Ruff's preview rules and cfn-lint's
    `--include-checks` are asked for. (Selection has no prefixes, severities or `ALL`; if
    it ever does, they must not switch on opt-in policies, as Ruff's prefixes do not
    select preview rules.)
    """
    wanted, extra, unwanted = _names(select), _names(extend), _names(ignore)
    out = []
    for policy in policies:
        keys = {policy.id, policy.name}
        named = keys & wanted if wanted else not policy.opt_in
        if not (named or keys & extra) or keys & unwanted:
            continue
        out.append(policy)
    return out


def _names(items) -> set:
    """The names as given and upper-cased: `iac201` is the ID IAC201, as `check_names`
    accepts it (a policy name is lower-case, so its upper-case form names nothing)."""
    names = {str(s).strip() for s in items or () if str(s).strip()}
    return names | {n.upper() for n in names}


def override_severities(policies: list[Policy], severity: dict | None) -> list[Policy]:
    """Copies of the policies named (by ID or name) in `severity` with that severity, so
    findings, SARIF rules and `--fail-on` all see the same value; the originals are shared
    (a cached load) and stay untouched."""
    if not severity:
        return list(policies)
    upper = {str(k).upper(): v for k, v in severity.items()}  # `iac402: high`, as check_names accepts it
    out = []
    for policy in policies:
        level = severity.get(policy.id, severity.get(policy.name, upper.get(policy.id)))
        if level is not None and level != policy.severity:
            if level not in SEVERITIES:
                raise ValueError(f"unknown severity {echo(level)} for {policy.id}")
            policy = copy.copy(policy)
            policy.severity = level
        out.append(policy)
    return out
