"""Environments: the parameter and variable files a repository deploys its units with.

A template or a root module is often deployed several times with values kept beside it:
CodePipeline template-configuration files (`prod-config.json`), CloudFormation CLI
parameter files, `samconfig.toml`/`samconfig.yaml` environments, Terraform variable files
that are not auto-loaded (`env/prod.tfvars`, `environments/prod/terraform.tfvars`). Each
is an environment; the scan evaluates every environment (`iaclint.pipeline.scan`) and a
finding says in which ones it holds. The rules, also in docs/usage.md:

- **Where.** Files beside the unit (the template's or the root module's directory), in a
  subdirectory named as in `ENV_DIRS` (`env/`, `environments/`, `config/`, `params/`, ...),
  or one level below it (`environments/prod/`). A directory holding `.tf` files is a root
  of its own: its `terraform.tfvars` is auto-loaded there, not an environment of the parent.
- **Which files.** Terraform: `*.tfvars`/`*.tfvars.json` that Terraform does not load by
  itself (not `terraform.tfvars`, not `*.auto.tfvars`) beside the root, and any tfvars file
  in an environment directory. CloudFormation: JSON files shaped as a template
  configuration or a CLI parameter list, and the environments of a samconfig file
  (`frontends/cloudformation/parameter_files`).
- **Which template.** A parameter file applies to a template of its directory when every
  key it sets is a parameter the template declares (CloudFormation refuses any other), so
  two templates side by side each get their own files. The loader decides it (`loading`).
- **Its name.** samconfig's table name; otherwise the file name without its extension and
  without the words in `NAME_WORDS` or the template's own name (`prod-config.json` and
  `my-stack.prod.json` are `prod`), else the directory (`environments/prod/terraform.tfvars`).
- **Named in the configuration.** `environments: {prod: {var-files: [...], parameter-files:
  [...]}}` replaces discovery: the var files apply to every root module, the parameter files
  to every template that declares their keys.
"""
from __future__ import annotations

import os
import re

from iaclint.gate import reads
from iaclint.gate.text import echo
from iaclint.model.records import dataclass

ENV_DIRS = frozenset({"env", "envs", "environment", "environments", "config", "configs", "configuration",
                      "params", "parameters", "stages", "deploy", "deployments", "vars", "tfvars"})
NAME_WORDS = frozenset({"config", "configuration", "params", "parameters", "parameter", "template",
                        "stack", "cfn", "tfvars", "vars", "variables", "terraform", "values"})
SAMCONFIG = ("samconfig.toml", "samconfig.yaml", "samconfig.yml")
SNIFF_BYTES = 4096
DROPPED = "-"  # a unit evaluated in an environment it does not have: its findings are not reported
# Each environment is one more evaluation of every unit: 300 one-line tfvars files in `env/`
# made a scan of one module 300 scans (and every finding's message list all 300). The
# environments past this many (in name order) are not evaluated, with a note.
MAX_ENVIRONMENTS = 32


class UnknownEnvironmentError(ValueError):
    """`--environment` names an environment that no file or configuration defines."""


@dataclass(frozen=True)
class Inputs:
    """What one environment sets for one unit."""

    files: tuple  # the files, as reported (`prod-config.json`)
    parameters: tuple = ()  # CloudFormation: sorted (key, value) pairs
    var_files: tuple = ()  # Terraform

    def label(self, name: str) -> str:
        return f"{name} ({', '.join(os.path.basename(f) for f in self.files)})" if self.files else name


def plan(found, tree: reads.Tree | None = None, configured: dict | None = None, wanted: str | None = None) -> dict:
    """{unit: {environment: Inputs}} for the units of `found` that have environments, at
    most `MAX_ENVIRONMENTS` of them (`wanted` among them), the others noted in `found.skipped`."""
    planned = _configured(found, configured, tree) if configured else _discovered(found, tree)
    return _capped(found, planned, wanted)


def _capped(found, planned: dict, wanted: str | None) -> dict:
    names = sorted({name for envs in planned.values() for name in envs})
    if len(names) <= MAX_ENVIRONMENTS:
        return planned
    kept = set(names[:MAX_ENVIRONMENTS])
    if wanted in names:
        kept = {wanted}
    left = [n for n in names if n not in kept]
    first = next(inputs for envs in planned.values() for name, inputs in envs.items() if name == left[0])
    shown = ", ".join(left[:5]) + (f" and {len(left) - 5:,} more" if len(left) > 5 else "")
    found.skipped.append((first.files[0] if first.files else ".", f"{len(left):,} environments are not evaluated "
                          f"({shown}): each is one more evaluation of every unit, and at most {MAX_ENVIRONMENTS} are"))
    capped = {unit: {n: i for n, i in envs.items() if n in kept} for unit, envs in planned.items()}
    return {unit: envs for unit, envs in capped.items() if envs}


def _discovered(found, tree) -> dict:
    out: dict = {}
    for directory in found.terraform_dirs:
        envs = _merge(_terraform_files(directory, tree))
        if envs:
            out[directory] = envs
    by_dir: dict = {}
    for template in found.cloudformation:
        by_dir.setdefault(os.path.dirname(template), []).append(template)
    for directory, candidates in by_dir.items():
        files = list(_parameter_files(directory, tree))
        templates = set(candidates) - {path for _, _, path, _ in files}
        stems = {w for t in templates for w in _words(os.path.basename(t))}
        envs = _merge((env or _name(os.path.basename(path), named, os.path.dirname(path), directory, stems),
                       Inputs((path,), tuple(sorted(values.items())))) for env, named, path, values in files)
        for template in sorted(templates) if envs else ():
            out[template] = envs
    return out


def select(planned: dict, wanted: str | None) -> list:
    """The environments to evaluate: all, or the one asked for."""
    known = sorted({name for envs in planned.values() for name in envs})
    if wanted is None:
        return known
    if wanted not in known:
        listed = ", ".join(known) if known else "none: no parameter or variable files were found"
        raise UnknownEnvironmentError(f"unknown environment {echo(wanted)} (environments: {listed})")
    return [wanted]


def merge(runs: list):
    """One `Evaluated` of the evaluations of every environment (`settle` then reports each
    finding once). Counts are the largest run's (every run evaluates every resource once)."""
    from iaclint.model.records import replace

    inputs: dict = {}
    for run in runs:
        inputs.update(run.inputs)
    return replace(runs[0], failed=[f for r in runs for f in r.failed], unknowns=[f for r in runs for f in r.unknowns],
                   passed=max(r.passed for r in runs), files=max(r.files for r in runs),
                   resources=max(r.resources for r in runs), errors=sorted({e for r in runs for e in r.errors}),
                   reportable=set().union(*(r.reportable for r in runs)),
                   skipped=sorted({s for r in runs for s in r.skipped}), inputs=inputs, inventory=runs[-1].inventory)


def settle(evaluated, merged: bool = False):
    """Each finding once, with the environments (or parent stacks) it holds in, in its
    message and `Finding.environments`; one that holds whatever the environment (its unit
    has none) carries none; those of units evaluated in an environment they do not have
    are left out. `merged`: the evaluations of several environments (`merge`), where a
    unit without environments gave its findings once per evaluation, so they are grouped
    even when no finding names an environment."""
    from iaclint.model.records import replace

    from iaclint.formatters._common import already_inert

    if not merged and not any(f.environments for f in evaluated.failed + evaluated.unknowns):
        return evaluated
    failed, unknowns = _grouped(evaluated.failed), _grouped(evaluated.unknowns)
    return replace(evaluated, failed=failed, unknowns=unknowns, inert=already_inert(failed + unknowns))


def _grouped(findings: list) -> list:
    from iaclint.model.records import replace

    groups: dict = {}
    for f in findings:
        if f.environments == (DROPPED,):
            continue
        key = (f.policy_id, f.file, f.line, f.column, f.resource, f.root, f.attribute, f.verdict, f.suppressed)
        first = groups.get(key)
        if first is None:
            groups[key] = (f, list(f.environments))
        elif first[1] and f.environments:
            first[1].extend(e for e in f.environments if e not in first[1])
        else:  # it holds in a unit without environments too: whatever the environment
            first[1].clear()
    return [replace(f, environments=tuple(envs), message=f"{f.message}, in {', '.join(envs)}") if envs else f
            for f, envs in groups.values()]


def _merge(pairs) -> dict:
    """{name: Inputs} from (name, Inputs) pairs; two files of one name are one environment."""
    out: dict = {}
    for name, inputs in sorted(pairs, key=lambda p: (p[0], p[1].files)):
        old = out.get(name)
        if old is None:
            out[name] = inputs
        else:
            out[name] = Inputs(old.files + inputs.files, tuple(sorted(dict(old.parameters + inputs.parameters).items())),
                               old.var_files + inputs.var_files)
    return out


def _configured(found, configured: dict, tree) -> dict:
    out: dict = {}
    for name, spec in configured.items():
        var_files = tuple(spec.get("var-files", ()))
        if var_files:
            for directory in found.terraform_dirs:
                out.setdefault(directory, {})[name] = Inputs(var_files, var_files=var_files)
        parameters: dict = {}
        for path in spec.get("parameter-files", ()):
            parameters.update(_read_parameters(path, tree) or {})
        if parameters:
            files = tuple(spec.get("parameter-files", ()))
            for template in found.cloudformation:
                out.setdefault(template, {})[name] = Inputs(files, tuple(sorted(parameters.items())))
    return out


def _places(directory: str, tree) -> list:
    """(directory, name from the directory or "") of the unit's directory and its environment
    directories, without those that are roots of their own."""
    places = [(directory, "")]
    for sub in _names(directory, tree):
        path = os.path.join(directory, sub)
        if sub.lower() not in ENV_DIRS or not os.path.isdir(path) or os.path.islink(path):
            continue
        places.append((path, ""))
        for env in _names(path, tree):
            inner = os.path.join(path, env)
            if os.path.isdir(inner) and not os.path.islink(inner):
                places.append((inner, env))
    return [(p, env) for p, env in places if p == directory or not _is_root(p, tree)]


def _terraform_files(directory: str, tree):
    for place, named in _places(directory, tree):
        for name in _names(place, tree):
            if not name.endswith((".tfvars", ".tfvars.json")) or name.endswith((".auto.tfvars", ".auto.tfvars.json")):
                continue
            if place == directory and name in ("terraform.tfvars", "terraform.tfvars.json"):
                continue  # auto-loaded
            path = os.path.normpath(os.path.join(place, name))
            if reads.is_regular_file(path, tree):
                yield _name(name, named, place, directory, set()), Inputs((path,), var_files=(path,))


def _parameter_files(directory: str, tree):
    """(environment or "", name from the directory, path, values) of the parameter files for
    the templates of `directory`; a samconfig names its environments itself."""
    from iaclint.frontends.cloudformation.parameter_files import MAX_BYTES, read_samconfig

    for name in SAMCONFIG:
        path = os.path.normpath(os.path.join(directory, name))
        if reads.is_regular_file(path, tree):
            try:
                data = reads.read_bytes(path, tree, MAX_BYTES)
            except OSError:
                continue
            for env, values in read_samconfig(name, data).items():
                yield env, "", path, values
    for place, named in _places(directory, tree):
        for name in _names(place, tree):
            path = os.path.normpath(os.path.join(place, name))
            if name.endswith(".json") and not name.endswith(".tfvars.json"):
                values = _read_parameters(path, tree)
                if values:
                    yield "", named, path, values


def _read_parameters(path: str, tree) -> dict | None:
    from iaclint.frontends.cloudformation.parameter_files import MAX_BYTES, read_parameter_file

    try:
        head = reads.read_head(path, SNIFF_BYTES, tree)
        if b'"Resources"' in head or not (b'"Parameters"' in head or b'"ParameterKey"' in head):
            return None  # a template, or JSON of another kind: not read twice
        return read_parameter_file(reads.read_bytes(path, tree, MAX_BYTES))
    except OSError:
        return None


def _name(file: str, named: str, place: str, directory: str, stems: set) -> str:
    words = [w for w in _words(file) if w.lower() not in NAME_WORDS and w not in stems]
    if words:
        return "-".join(words)
    if named:
        return named
    return os.path.basename(place) if place != directory else _words(file)[0] if _words(file) else file


def _words(file: str) -> list:
    for suffix in (".tfvars.json", ".tfvars", ".json", ".yaml", ".yml", ".template"):
        if file.endswith(suffix):
            file = file[:-len(suffix)]
            break
    return [w for w in re.split(r"[-_.]", file) if w]


def _names(directory: str, tree) -> list:
    try:
        return sorted(reads.list_dir(directory, tree))
    except OSError:
        return []


def _is_root(directory: str, tree) -> bool:
    return any(n.endswith((".tf", ".tf.json")) for n in _names(directory, tree))
