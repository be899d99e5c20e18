"""Parse and evaluate every discovered unit, from the cache when unchanged, in parallel
when there are many.

A unit is a Terraform module directory or a CloudFormation template. Units are
independent, so they can be loaded (and normalized) in any order and in any process;
the results are put back in discovery order, so the output is identical whatever
`--jobs` is. Each unit's result is cached under a key of all the inputs it read
(`iaclint.pipeline.cache`). Inputs that only the load itself discovers (the files of called
modules, `file()` targets, `.terraform/modules/modules.json`, the `.tf` files a plan maps
to) are stored with the result as digests and checked before a cached result is reused.

A unit is also a Terraform plan JSON (`terraform show -json`), which discovery tells
apart from CloudFormation candidates. With `Checks`, a unit's policy verdicts are taken in
the process that loaded it, as far as the unit alone decides them
(`iaclint.engine.runner.check_unit`): on many cores the policies run in parallel too.
Once all units are loaded, `iaclint.frontends.terraform.roots.settle` drops the stand-alone results
of directories that another unit calls as a module (or a plan covers).

Each unit's result carries its cost, and the scan-wide work budget (`scan_budget`) cuts
the units past it, in scan order: a unit the costs known so far already put past the
budget is not loaded, and the cut is decided once every unit before it is loaded.
"""
from __future__ import annotations

import _thread
import os
import pickle
from contextlib import contextmanager

from iaclint.gate import reads
from iaclint.model.records import dataclass, field
from iaclint.model.resource import ParseError
from iaclint.pipeline import scan_budget
from iaclint.pipeline.environments import DROPPED
from iaclint.pipeline.uncreated_notes import notes

# Below this many files, starting worker processes costs more than it saves. Counted in
# files, not units: ten modules of twenty files are worth two cores (`tf-200`).
PARALLEL_MIN_FILES = 16
PLAN_MAX_BYTES = 100 * 1024 * 1024  # a plan of ~50,000 resources; its loader is linear
KEY_MAX_BYTES = PLAN_MAX_BYTES  # the largest input any loader reads whole
DIGESTS_FORMAT = "1"  # of the digest memo's entry (`unit_keys`)


@dataclass
class Loaded:
    resources: list = field(default_factory=list)  # canonical Resources, in discovery order
    errors: list = field(default_factory=list)  # ParseErrors
    files: int = 0  # reportable files that were read as Terraform or CloudFormation
    inputs: dict = field(default_factory=dict)  # extra inputs read (file() targets, modules): digests
    # With `Checks`: the verdicts taken where the units were loaded, and what is left for
    # the whole project (`iaclint.engine.runner.check_unit`).
    findings: list = field(default_factory=list)  # Findings of FAIL and UNKNOWN verdicts
    passes: dict = field(default_factory=dict)  # (file, policy id) -> PASS verdicts
    policy_errors: list = field(default_factory=list)  # internal errors of policies
    deferred: list = field(default_factory=list)  # (Resource, Policy) pairs not judged yet
    # Files whose text the loading process saw -> whether it may hold a suppression comment
    # (`suppress.marked`): the suppressions read only the marked ones again (`filters.suppress`).
    marks: dict = field(default_factory=dict)


@dataclass
class Checks:
    """Policies (those with resource types) and their options, to check units with."""

    policies: list
    options: dict


@dataclass
class Options:
    var_files: list
    variables: dict
    parameters: dict
    overlay: dict
    tree: object = None  # iaclint.gate.reads.Tree: where scanned content may be read from
    environments: dict = field(default_factory=dict)  # unit -> {name: environments.Inputs}
    environment: str = ""  # the environment this load evaluates ("" when the scan has none)
    work_budget: int | None = None  # floor of the scan-wide work budget (None: scan_budget.FLOOR_STEPS)


def units_of(found) -> list[tuple]:
    """(kind, where, files) of every unit discovered, in a fixed order."""
    units = [("tf", d, tuple(files)) for d, files in sorted(found.terraform_dirs.items())]
    units += [("cfn", path, (path,)) for path in found.cloudformation]
    units += [("plan", path, (path,)) for path in getattr(found, "plans", ())]
    return units


def unit_keys(found, options: Options, cache) -> list | None:
    """The cache key of every unit, or None when some input cannot be read. The files'
    digests come from the digest memo where a file is unchanged (`gate.files.DigestMemo`:
    the same inode, size, modification and change time), which is then kept in the cache."""
    from iaclint.gate import files

    tf_vars = _tf_var_environment()  # once, not once per module (50 on tf-1000)
    if not files.CHANGE_TIMES:  # Windows: a file's times cannot say it is unchanged
        keys = [_key(cache, unit, options, tf_vars) for unit in units_of(found)]
        return None if any(k is None for k in keys) else keys
    memo_key = cache.key("digests", DIGESTS_FORMAT, options.tree.roots if options.tree is not None else None,
                         os.getcwd(), _credentials())
    memo = files.DigestMemo(cache.get(memo_key, count=False))
    keys = [_key(cache, unit, options, tf_vars, memo) for unit in units_of(found)]
    remembered = memo.entries()
    if remembered is not None:
        cache.put(memo_key, remembered)
    return None if any(k is None for k in keys) else keys


def inputs_fresh(inputs: dict, overlay: dict, tree=None) -> bool:
    """Whether recorded extra inputs ({(kind, path): digest}) are unchanged (read through
    the same gate as when they were recorded)."""
    if not inputs:
        return True
    from iaclint.frontends.terraform.tree import digest

    return all(digest(kind, path, overlay, tree) == value for (kind, path), value in inputs.items())


def load_all(found, options: Options, cache=None, jobs: int = 1, keys: list | None = None,
             checks: Checks | None = None, shared: dict | None = None) -> Loaded:
    """`keys`: the units' cache keys when the caller has computed them already. With
    `checks`, each unit loaded now is also checked where it was loaded; see `Loaded`.
    `shared`: {unit: (result, verdicts)} of the units without environments that an earlier
    evaluation of the same scan (another environment) loaded, added to here (`reusable`)."""
    units = units_of(found)
    known_keys = keys
    results: list = [None] * len(units)
    verdicts: list = [None] * len(units)  # UnitVerdicts of the units checked where they were loaded
    pending = []
    keys: dict = {}
    for i, unit in enumerate(units):
        if shared is not None and unit in shared and reusable(unit, options):
            results[i], verdicts[i] = shared[unit]
            continue
        if cache is not None:
            key = known_keys[i] if known_keys is not None else _key(cache, unit, options)
            keys[i] = key
            if key is not None:
                hit = cache.get(key)
                if _well_formed(hit) and inputs_fresh(_extras_of(hit).get("inputs"), options.overlay, options.tree):
                    results[i] = hit
                    continue
        pending.append(i)
    size = scan_budget.tree_bytes(units, options.overlay)
    floor = scan_budget.FLOOR_STEPS if options.work_budget is None else options.work_budget
    ledger = scan_budget.Ledger(len(units), floor + scan_budget.FACTOR * size)
    for i, result in enumerate(results):
        if result is not None:
            ledger.record(i, _cost_of(result))
    ran = _run([units[i] for i in pending], options, jobs, [keys.get(i) for i in pending], cache, checks,
               ledger, pending)
    for i, (result, checked) in zip(pending, ran):
        results[i], verdicts[i] = result, checked
    if shared is not None:
        shared.update((unit, (result, checked)) for unit, result, checked in zip(units, results, verdicts)
                      if result is not None and result is not _NOT_EVALUATED and reusable(unit, options))
    for i, result in enumerate(results):
        ledger.record(i, _cost_of(result))
    cut = ledger.cut()  # every unit left out above lies past it (`Ledger.past` is a lower bound)
    for i in range(cut, len(units)):  # past the scan's budget: not evaluated, each one said
        results[i], verdicts[i] = _NOT_EVALUATED, None
        getattr(found, "skipped", []).append(scan_budget.note(_unit_file(units[i]), ledger, cut, size))
    from iaclint.frontends.terraform.roots import settle

    dropped = settle(found, units, [_settled(r) for r in results])
    out = Loaded()
    applicable = None
    by_id = {p.id: p for p in checks.policies} if checks is not None else {}
    for i, ((kind, _, files), result) in enumerate(zip(units, results)):
        resources, errors, skipped = result[0], result[1], result[2]
        if i >= cut:
            continue
        if kind == "tf":
            out.files += len([f for f in files if f in found.reportable])
        elif not skipped:
            out.files += 1
        out.inputs.update(_extras_of(result).get("inputs", {}))
        out.marks.update(_extras_of(result).get("marks", {}))
        if i in dropped:  # a called module's files were read (and are reported) through its callers
            continue
        out.resources.extend(resources)
        out.errors.extend(errors)
        if checks is None:
            continue
        checked = verdicts[i]
        if checked is None:  # from the cache (or its check failed): every verdict is taken on the project
            if applicable is None:
                from iaclint.engine.runner import applicable_policies

                applicable = applicable_policies(checks.policies)
            out.deferred.extend((r, p) for r in resources for p in applicable(r))
            continue
        out.findings.extend(checked.findings)
        for key, count in checked.passes.items():
            out.passes[key] = out.passes.get(key, 0) + count
        out.policy_errors.extend(checked.errors)
        out.deferred.extend((resources[index], by_id[pid]) for index, pid in checked.deferred)
    return out


def reusable(unit: tuple, options: Options) -> bool:
    """Whether a unit's result (and verdicts) is the same in every environment of the scan:
    it has no environment of its own (no parameter or variable file applies to it), so each
    evaluation loads it with the same inputs. A scan with twelve environments (ten CLI
    parameter files beside a JSON file that is no template) loaded each of its 44 units
    twelve times: 21 s without a cache, against 2 s."""
    return not options.environments.get(unit[1])


# What forked workers check their units with and charge their costs to: set just before the
# pool forks (the policies are not sent to each task), under a lock so that two threads'
# parallel scans cannot mix.
_CHECKS: Checks | None = None
_LEDGER: scan_budget.Ledger | None = None
_FORKING = _thread.allocate_lock()  # threading.Lock itself, without importing `threading` on every scan
# The result of a unit past the scan's work budget (`scan_budget`): nothing, and a note.
_NOT_EVALUATED = ([], [], True, False, {"cost": 0})


def _run(units: list, options: Options, jobs: int, keys: list, cache, checks: Checks | None,
         ledger: scan_budget.Ledger, indices: list) -> list:
    """(result, UnitVerdicts or None) of every unit, each result stored in `cache` under its
    key (when it has one and the result is cacheable) by whichever process loaded it.
    `indices`: the units' places in scan order, where `ledger` records their costs; a unit
    surely past the budget is not loaded (`_NOT_EVALUATED`)."""
    with _collector_paused():
        return _run_units(units, options, jobs, keys, cache, checks, ledger, indices)


@contextmanager
def _collector_paused():
    """No cyclic garbage collection while units are loaded (here, or received from the
    workers): nearly everything made is kept (the resources, their values, the verdicts)
    and freed by reference counting otherwise, so each pass over the young objects found
    nothing to free, yet cost about a tenth of the parent's CPU on `tf-1000` (as in the
    workers, `_start_worker`). What was made then goes straight to the oldest generation,
    where a full collection still finds any cycle, instead of being walked twice on its
    way there. The collector's state is left as it was."""
    import gc

    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:  # (objects someone else froze stay frozen)
            gc.freeze()
            gc.unfreeze()
        gc.enable()


def _run_units(units: list, options: Options, jobs: int, keys: list, cache, checks: Checks | None,
               ledger: scan_budget.Ledger, indices: list) -> list:
    if jobs <= 1 or len(units) < 2 or sum(len(files) for _, _, files in units) < PARALLEL_MIN_FILES:
        # loaded here, a large unit may still use `jobs` processes (`load_unit`, `unit_checks`)
        return [_load_serial(unit, options, key, cache, checks, ledger, i, jobs)
                for unit, key, i in zip(units, keys, indices)]
    import multiprocessing

    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform: serial is correct, only slower
        return [_load_serial(unit, options, key, cache, checks, ledger, i) for unit, key, i in zip(units, keys, indices)]
    for policy in checks.policies if checks is not None else ():  # imported once here, not in every worker
        getattr(policy, "implementation", None)  # (built-in policies are imported on first use: policy_index)
    order = _largest_first(units)
    global _CHECKS, _LEDGER
    with _FORKING:
        _CHECKS, _LEDGER = checks, ledger.shared()
        try:
            ran = _run_parallel([units[i] for i in order], options, jobs, [keys[i] for i in order], cache, context,
                                [indices[i] for i in order])
        finally:
            _CHECKS = _LEDGER = None
    results: list = [None] * len(units)
    for i, result in zip(order, ran):
        results[i] = result
    return results


def _largest_first(units: list) -> list:
    """The indexes of `units`, the most source bytes first: the workers take them in this
    order, so the last ones to finish are small and both cores stay busy to the end."""
    def size(unit) -> int:
        total = 0
        for path in unit[2]:
            try:
                total += os.stat(path).st_size
            except (OSError, ValueError):
                pass
        return total

    sizes = [size(u) for u in units]
    return sorted(range(len(units)), key=lambda i: -sizes[i])


def _run_parallel(units: list, options: Options, jobs: int, keys: list, cache, context, indices: list) -> list:
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # Small batches (one unit each unless there are hundreds): no worker idles long at the end.
    chunk = max(1, min(8, len(units) // (jobs * 16)))
    n = len(units)
    results: list = []
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_start_worker) as pool:
            for data, checked in pool.map(_load_encoded, units, [options] * n, keys, [cache] * n, indices,
                                          chunksize=chunk):
                results.append((pickle.loads(data) if data is not None else _NOT_EVALUATED, checked))
    except BrokenProcessPool:
        # A worker died (killed for memory, a crash in a parser's C code): which unit did it
        # is unknown, so each unit not loaded yet gets a process of its own, and only the
        # one that kills its process again is lost (an IAC001 finding), not the scan.
        for unit, key, i in zip(units[len(results):], keys[len(results):], indices[len(results):]):
            if _LEDGER.past(i):
                results.append((_NOT_EVALUATED, None))
                continue
            results.append(_load_isolated(unit, options, key, cache, context, i))
            _LEDGER.record(i, _cost_of(results[-1][0]))
    return results


def _start_worker() -> None:
    """A worker only loads units, whose objects are freed by reference counting: the few
    reference cycles a unit leaves (~300 objects) cost less memory than the cyclic
    collector's passes over every young object cost time (~10% of a load)."""
    import gc

    gc.disable()


def _load_isolated(unit: tuple, options: Options, key, cache, context, index: int) -> tuple:
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            data, checked = pool.submit(_load_encoded, unit, options, key, cache, index).result()
            return (pickle.loads(data) if data is not None else _NOT_EVALUATED), checked
    except BrokenProcessPool:
        message = (f"the process loading {unit[1]} stopped unexpectedly (out of memory, or a crash in a "
                   "parser): not scanned")
        return ([], [ParseError(_unit_file(unit), 1, 1, message)], False, False, {"cost": 1}), None


def _unit_file(unit: tuple) -> str:
    """The file a problem of the whole unit is reported on."""
    kind, where, files = unit
    return where if kind == "cfn" else (files[0] if files else where)


def _load_serial(unit: tuple, options: Options, key, cache, checks: Checks | None, ledger, index: int,
                 jobs: int = 1) -> tuple:
    if ledger.past(index):
        return _NOT_EVALUATED, None
    loaded = _load_and_store(unit, options, key, cache, checks, jobs)
    ledger.record(index, _cost_of(loaded[0]))
    return loaded


def _load_and_store(unit: tuple, options: Options, key, cache, checks: Checks | None, jobs: int = 1) -> tuple:
    result = load_unit(unit, options, jobs)
    store = None
    if cache is not None and key is not None and result[3]:
        def store():  # a large unit's is written by the process that checks its first policy group
            cache.put(key, result)
    return result, _check(result, checks, jobs, store)


def _load_encoded(unit: tuple, options: Options, key, cache, index: int) -> tuple:
    """In a worker: the unit's result pickled once, both to send it back and to store it,
    so the parent only unpickles; and its verdicts. (None, None) for a unit that the costs
    recorded so far put past the scan's budget: it is not loaded."""
    if _LEDGER is not None and _LEDGER.past(index):
        return None, None
    result = load_unit(unit, options)
    if _LEDGER is not None:
        _LEDGER.record(index, _cost_of(result))
    data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    if cache is not None and key is not None and result[3]:
        cache.put_encoded(key, data)
    return data, _check(result, _CHECKS)


def _check(result: tuple, checks: Checks | None, jobs: int = 1, store=None):
    """The unit's verdicts (`iaclint.engine.runner.check_unit`; a large unit's on `jobs`
    processes: `iaclint.pipeline.unit_checks`), or None without checks or when checking
    failed (the parent then takes every verdict itself, and reports a bug). `store()`
    writes the unit's cache entry (None: nothing to write); it runs before any check,
    where `unit_checks` says."""
    if checks is None or not result[0]:
        if store is not None:
            store()
        return None
    from iaclint.pipeline.unit_checks import check_unit

    try:
        return check_unit(result[0], checks.policies, checks.options, jobs, store)
    except Exception:  # noqa: BLE001 - a bug here must not cost the unit: the parent checks it again
        return None


def load_unit(unit: tuple, options: Options, jobs: int = 1) -> tuple:
    """(canonical resources, parse errors, skipped: not a template, cacheable[, extras]) of
    one unit: parsed, evaluated and normalized (`iaclint.normalize`); with `jobs` > 1, a
    large Terraform module is evaluated on two processes (`iaclint.frontends.terraform.halves`).

    Never raises: a bug of a loader costs that unit (an IAC001 finding), not the scan, and
    in a worker process it would otherwise stop the whole pool."""
    try:
        result = _load_unit(unit, options, jobs)
        from iaclint.normalize import normalize

        resources = result[0] if unit[0] == "tf" else [normalize(r) for r in result[0]]  # (a module's: as it loads)
        extras = dict(_extras_of(result))
        extras["cost"] = scan_budget.unit_cost(extras.pop("effort", 0), len(resources))
        return (resources, result[1], result[2], result[3], extras)
    except Exception as exc:  # noqa: BLE001 - the fuzz and hostile-input tests look for these
        message = f"internal error loading {unit[1]}: {type(exc).__name__}: {exc}"
        return [], [ParseError(_unit_file(unit), 1, 1, message)], False, False, {"cost": 1}


def _load_unit(unit: tuple, options: Options, jobs: int = 1) -> tuple:
    kind, where, files = unit
    if kind == "tf":
        from iaclint.frontends.terraform.module import load_module
        from iaclint.pipeline import forked

        inputs = options.environments.get(where, {})
        env = inputs.get(options.environment)
        from iaclint.normalize import normalize

        result = load_module(where, list(files), var_files=options.var_files + list(env.var_files if env else ()),
                             variables=options.variables, overlay=options.overlay, tree=options.tree,
                             fork=forked.start if jobs > 1 else None, finish=normalize)
        # (the result and its module tree are a reference cycle that only the collector frees: its
        # normalized resources are handed over, not left in it for as long)
        resources, result.resources = result.resources, []
        label = env.label(options.environment) if env else DROPPED if inputs else ""
        return _labelled(resources, label), result.errors, False, True, {
            **_extras(result, label, os.path.normpath(where)), "effort": result.effort, "marks": _marks(result.texts, options)}
    if kind == "plan":
        from iaclint.frontends.terraform.plan import load_plan

        try:
            data = options.overlay.get(where)
            if data is None:
                data = reads.read_bytes(where, tree=options.tree, limit=PLAN_MAX_BYTES)
        except OSError as exc:
            return [], [ParseError(where, 1, 1, f"cannot read file: {exc.strerror or exc}")], False, False
        plan = load_plan(where, data, options.overlay, tree=options.tree)
        if plan is None:
            return [], [], True, True  # JSON that only looked like a plan (a state file): skipped
        return plan.resources, plan.errors, False, True, {**_extras(plan), "effort": len(data)}
    from iaclint.frontends.cloudformation.template import MAX_FILE_BYTES, load_template

    try:
        data = options.overlay.get(where)
        if data is None:  # past the limit only the start matters (is it a template at all?)
            data = reads.read_head(where, MAX_FILE_BYTES + 1, tree=options.tree)
    except OSError as exc:
        return [], [ParseError(where, 1, 1, f"cannot read file: {exc.strerror or exc}")], False, False
    inputs = options.environments.get(where, {})
    env = inputs.get(options.environment)
    result = load_template(where, data, _parameters(env, options.parameters) if env else options.parameters,
                           tree=options.tree)
    if result is None:
        return [], [], True, True  # not a CloudFormation template: skipped silently
    applies = {name for name, i in inputs.items() if {k for k, _ in i.parameters} <= result.declared}
    if env and options.environment not in applies:  # a parameter file of another template of its directory
        result = load_template(where, data, options.parameters, tree=options.tree)
    label = env.label(options.environment) if options.environment in applies else DROPPED if applies else ""
    resources = _labelled(result.resources, label)
    marks = _marks({where: data} if len(data) <= MAX_FILE_BYTES else {}, options)
    said = notes(result.notes, label, os.path.normpath(where))
    if result.nested:  # local nested stacks: evaluated here, dropped as units (`settle`)
        nested = sorted(result.nested)
        return resources, result.errors, False, True, {
            "module_dirs": nested, "module_files": nested, "notes": said,
            "inputs": {("file", path): value for path, value in result.nested.items()}, "effort": result.effort,
            "marks": marks}
    if said:
        return resources, result.errors, False, True, {"notes": said, "effort": result.effort, "marks": marks}
    return resources, result.errors, False, True, {"effort": result.effort, "marks": marks}


def _marks(texts: dict, options: Options) -> dict:
    """{file: may its text hold a suppression comment} of the files whose whole text was
    read (`suppress.marked`); {} with unsaved buffers (the suppressions read those as they
    always did)."""
    if options.overlay:
        return {}
    from iaclint.pipeline.suppress import marked

    return {path: marked(data) for path, data in texts.items()}


def _parameters(env, given: dict) -> dict:
    """An environment's parameter values under the command line's, saying where each was set."""
    from iaclint.frontends.cloudformation.evaluator import Parameters

    values = Parameters({**dict(env.parameters), **given})
    where = ", ".join(os.path.basename(f) for f in env.files)
    values.sources = {k: f"set in {where}" for k, _ in env.parameters if k not in given}
    return values


def _labelled(resources: list, label: str) -> list:
    """The resources, marked with the environment they were evaluated in (`environments`)."""
    if label:
        for r in resources:
            r.environment = label
    return resources


def _well_formed(hit) -> bool:
    """Whether a cache entry has the shape of a unit's result (anything else is a miss)."""
    return (isinstance(hit, tuple) and len(hit) in (4, 5) and isinstance(hit[0], list) and isinstance(hit[1], list)
            and (len(hit) == 4 or isinstance(hit[4], dict)))


def _cost_of(result: tuple) -> int:
    """What a unit's load was charged (`scan_budget`); 1 for an entry without it."""
    cost = _extras_of(result).get("cost")
    return cost if isinstance(cost, int) and cost >= 0 else 1


def _settled(result: tuple) -> dict:
    """A result's extras as `settle` reads them: without its cost and marks, {} when that is all."""
    return {k: v for k, v in _extras_of(result).items() if k not in ("cost", "marks")}


def _extras_of(result: tuple) -> dict:
    """The extras a unit's result carries (Terraform, plans, templates with nested stacks), else {}."""
    return result[4] if len(result) > 4 and result[4] else {}


def _extras(result, environment: str = "", root: str = "") -> dict:
    """What `settle` and the cache need beyond resources and errors (`environment`: the
    label of the environment the result was evaluated in, and `root` the unit: its notes
    name them)."""
    return {"module_dirs": list(result.module_dirs), "module_files": list(result.module_files),
            "notes": notes(getattr(result, "notes", ()), environment, root), "inputs": dict(result.inputs)}


def _credentials() -> tuple:
    """Who reads the files (a digest memo is only for the same user and groups: whether
    a file may be read depends on them and on what its change time covers)."""
    if not hasattr(os, "getuid"):
        return ()
    return os.getuid(), os.geteuid(), os.getgid(), os.getegid(), sorted(os.getgroups())


def _tf_var_environment() -> list:
    """The `TF_VAR_*` environment variables: Terraform variables, part of a module's key."""
    return sorted((k, v) for k, v in os.environ.items() if k.startswith("TF_VAR_"))


def _key(cache, unit: tuple, options: Options, tf_vars: list | None = None, memo=None):
    """Everything a unit's result depends on, or None when an input cannot be read.
    `tf_vars`: `_tf_var_environment()`, when the caller has it already; `memo`: a
    `gate.files.DigestMemo` to take the files' digests from."""
    from iaclint.gate.files import content_hash

    kind, where, files = unit
    inputs = list(files)
    if kind == "tf":
        from iaclint.frontends.terraform.var_files import auto_var_files

        inputs += auto_var_files(where) + list(options.var_files)
        extra = (sorted(options.variables.items()), _tf_var_environment() if tf_vars is None else tf_vars)
    else:
        extra = (sorted(options.parameters.items()),)
        if where.endswith(".template.json"):  # CDK output: construct paths come from manifest.json
            manifest = os.path.join(os.path.dirname(where), "manifest.json")
            if reads.is_regular_file(manifest, tree=options.tree):
                inputs.append(manifest)
    if options.environments.get(where):  # a unit evaluated in one of its environments
        env = options.environments[where].get(options.environment)
        inputs += list(env.var_files if env else ())
        extra += (options.environment, sorted(options.environments[where].items()))
    if options.tree is not None:  # what may be read decides what is found
        extra += (options.tree.roots, sorted(options.tree.files))
    hashes = []
    for path in inputs:
        data = options.overlay.get(path)
        if data is not None:
            hashes.append((path, content_hash(data)))
            continue
        try:
            if memo is not None:
                hashes.append((path, memo.digest(path, options.tree, KEY_MAX_BYTES)))
            else:
                hashes.append((path, content_hash(reads.read_bytes(path, tree=options.tree, limit=KEY_MAX_BYTES))))
        except OSError:
            return None  # unreadable, refused or too big: let the loader report it, uncached
    return cache.key(kind, where, hashes, extra)
