"""One enumerated setting of a resource (`network_configuration.network_mode`,
`authorizer_type`), read the same way from a Terraform block, a CloudFormation or awscc
object and a conditional value.

`read_setting` gives every place the dotted path reaches, each with a three-valued answer
to "is it one of these bad values?": True (it is), False (it is not), None (it cannot be
known statically: an Unknown, or a conditional whose branches disagree). A conditional
whose branches all agree is decided (FAIL only when every branch is bad, as the YAML engine
does). A path that reaches nothing gives no place at all: what an unset setting means is the
policy's to say (often AWS's default, already filled in by the normalizer and marked).

A conditional may also leave the setting out on one branch (`cond ? "DEBUG" : null`,
`!If [C, DEBUG, !Ref AWS::NoValue]`), where the normalizer cannot fill in AWS's default.
`unset_is_bad` says what such a branch means: True (AWS's default is one of the bad values:
recording off, a key Active), False (the default is fine), or None for a required setting,
whose branch without it cannot deploy and so does not count.
"""
from __future__ import annotations

from typing import Any, Iterable

from iaclint.aws.iam.logic import Tri
from iaclint.model import paths
from iaclint.model.records import dataclass
from iaclint.model.unknown import ABSENT, Unknown, branches


@dataclass(frozen=True)
class Setting:
    path: tuple  # canonical path of the value (or of the Unknown that stood in the way)
    value: Any
    bad: Tri
    default: bool  # the value is AWS's default, filled in by the normalizer


def read_setting(resource, dotted: str, bad_values: Iterable[str], unset_is_bad: Tri = None) -> list[Setting]:
    """Every value `dotted` reaches in `resource`, judged against `bad_values` (case-blind);
    `unset_is_bad`: what a conditional's branch that leaves it out means (module docstring)."""
    bad = {b.upper() for b in bad_values}
    out = []
    for path, value, complete in paths.find_detailed(resource.attributes, dotted):
        verdict = judge_value(value, bad, unset_is_bad) if complete else None
        out.append(Setting(path, value, verdict, path in resource.defaults))
    return out


def judge_value(value: Any, bad: set, unset_is_bad: Tri = None) -> Tri:
    """Is `value` one of `bad` (upper-case spellings)? True, False, or None when it cannot be
    known: an Unknown, or alternatives that disagree (`unset_is_bad` as for `read_setting`)."""
    options = branches(value)
    if options is None:
        return None if isinstance(value, Unknown) else _spelt(value) in bad
    verdicts = {None if isinstance(o, Unknown) else _spelt(o) in bad for o in options if o is not ABSENT}
    if unset_is_bad is not None and any(o is ABSENT for o in options):
        verdicts.add(unset_is_bad)
    if verdicts == {True}:
        return True
    if verdicts <= {False}:
        return False
    return None


def _spelt(value: Any) -> str | None:
    """A scalar as the bad values are written: `PUBLIC`, `FALSE` (booleans too)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return value.strip().upper() if isinstance(value, str) else None


def shown(value: Any) -> str:
    """A value for a message: the literal, or the expression of an Unknown."""
    if isinstance(value, Unknown):
        return value.expr
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def judge_setting(resource, dotted: str, bad_values: Iterable[str], problem: str, unset=None,
                  unset_is_bad: Tri = None):
    """Policy results for one enumerated setting: FAIL at every bad value (`problem` says
    what that means; the message adds what is written, or that AWS's default applies),
    UNKNOWN where it cannot be known, else PASS. `unset` is the result to give when the
    path reaches nothing (None: PASS); `unset_is_bad` as for `read_setting`."""
    from iaclint.engine.policy import FAIL, PASS, UNKNOWN

    found = read_setting(resource, dotted, bad_values, unset_is_bad)
    if not found:
        yield unset if unset is not None else PASS()
        return
    decided = True
    for setting in found:
        name = resource.native_name(setting.path)
        if setting.bad is True:
            how = f"is not set, and AWS defaults it to `{shown(setting.value)}`" if setting.default \
                else f"is `{shown(setting.value)}`"
            yield FAIL(f"{problem}: `{name}` {how}", setting.path)
            decided = False
        elif setting.bad is None:
            reason = getattr(setting.value, "reason", "")
            yield UNKNOWN(f"`{name}` is `{shown(setting.value)}`, unknown until deployment"
                          + (f" ({reason})" if reason else ""), setting.path)
            decided = False
    if decided:
        yield PASS()
