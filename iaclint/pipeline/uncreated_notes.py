"""Notes on what a scan did not check because the scan's values create nothing there.

Terraform plans `count = var.is_kb ? 1 : 0` with `is_kb` false as nothing, and
CloudFormation skips a resource whose `Condition` is false. iaclint evaluates code as it
is deployed, so such blocks give no resource and no finding, which is right; but said
nothing, a knowledge base switched off by a default (its public vector store included)
would pass as clean. So the `model.resource.Uncreated` records of a load (kept by the
loaders only when a root variable or parameter decides the block: `switches`) become notes
on standard error: one per module instance or stack, naming the AI resources
(`normalize.scope`), module calls and nested stacks that create nothing, and the
variables or parameters to set to check them. Other resource types are left out: they are
switched off with the AI resources they serve (a bucket, a role), and naming them too
would only lengthen the note.
"""
from __future__ import annotations

from iaclint.gate.text import short
from iaclint.model.notes import Place
from iaclint.model.resource import Uncreated
from iaclint.pipeline.environments import DROPPED

SHOWN = 3  # addresses named in a note; the others are counted
NAME_LIMIT = 200  # characters of an address or a condition's name (both come from the scanned tree)
CALLS = frozenset({"module", "AWS::CloudFormation::Stack"})  # always named: what they hold is not read


def notes(entries: list, environment: str = "", root: str = "") -> list:
    """A load's notes: its plain notes, (file:line, message), as they are; its `Uncreated`
    records grouped by scope into one note each (none when `environment` is `DROPPED`: the
    load's findings are not reported either). In a scan with environments (`environment`
    is the label of this load's), each is (file:line, head, tail, environment) until
    `merged` says in one note every environment whose values switch the same blocks off.
    A note about a child module or nested stack names `root`, the unit it was loaded in
    (`module.bedrock.x ... (in examples/kb)`): the same module is often called by several."""
    plain = [n for n in entries if not isinstance(n, Uncreated)]
    if environment == DROPPED or len(plain) == len(entries):
        return plain
    from iaclint.normalize.scope import ai_service  # (not imported by a scan that has nothing switched off)

    groups: dict = {}
    for entry in entries:
        if isinstance(entry, Uncreated) and (entry.kind in CALLS or ai_service(entry.kind) is not None):
            groups.setdefault(entry.scope, []).append(entry)
    said = [_note(sorted(group, key=lambda e: (e.file, e.line, e.address)), environment, root)
            for group in groups.values()]
    return plain + sorted(said)


def merged(skipped: list) -> list:
    """The scan's notes with those of environments made whole: one note per place and
    text, naming the environments it holds in, sorted."""
    out = {n for n in skipped if len(n) == 2}
    environments: dict = {}
    for where, head, tail, environment in (n for n in skipped if len(n) == 4):
        environments.setdefault((where, head, tail), []).append(environment)
    for (where, head, tail), names in environments.items():
        names = sorted(set(names))
        listed = _listed(names, SHOWN)
        out.add((where, f"{head}the values of environment{'s' if len(names) > 1 else ''} {listed}{tail}"))
    return sorted(out)


def _listed(names: list, shown: int) -> str:
    """`a`, `a and b`, `a, b and c`, or `a, b, c and 2 more`."""
    if len(names) > shown:
        return f"{', '.join(names[:shown])} and {len(names) - shown} more"
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


def _note(group: list, environment: str, root: str) -> tuple:
    first = group[0]
    one = len(group) == 1
    how = ("`--parameter`, a parameter file or an environment" if first.kind.startswith("AWS::")
           else "`--var`, `--var-file` or an environment")
    names = _listed([short(e.address, NAME_LIMIT) for e in group], SHOWN)
    if first.scope and root not in ("", "."):
        names += f" (in {root})"
    whys = list(dict.fromkeys(e.why for e in group))
    why = " or ".join(short(w, NAME_LIMIT) for w in whys[:SHOWN])
    if len(whys) > SHOWN:
        why += f" or {len(whys) - SHOWN} other conditions"
    switches = sorted({s for e in group for s in e.switches})
    setting = ", ".join(f"`{short(s, NAME_LIMIT)}`" for s in switches[:SHOWN])
    if len(switches) > SHOWN:
        setting += f" and {len(switches) - SHOWN} more"
    head = f"{names} {'creates' if one else 'create'} nothing with "
    tail = f" ({why}): not checked; to check {'it' if one else 'them'}, set {setting} ({how})"
    where = Place(first.file, first.line)
    return (where, head, tail, environment) if environment else (where, f"{head}this scan's values{tail}")
