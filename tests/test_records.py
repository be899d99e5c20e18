"""iaclint.model.records behaves as the standard library's dataclasses for what iaclint uses."""
from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from iaclint.model import records


def _pair(**options):
    """The same class made by the standard library and by records."""
    made = []
    for module in (dataclasses, records):
        @module.dataclass(**options)
        class Point:
            """A point."""

            x: int
            y: str = "a"
            tags: list = module.field(default_factory=list)
            note: object = module.field(default=None, repr=False, compare=False)

        made.append(Point)
    return made


OPTIONS = [{}, {"frozen": True}, {"frozen": True, "slots": True}, {"slots": True},
           {"order": True, "slots": True, "unsafe_hash": True}, {"eq": False}]


@pytest.mark.parametrize("options", OPTIONS, ids=str)
def test_instances_behave_as_dataclasses(options):
    std, rec = _pair(**options)
    for cls in (std, rec):
        cls.__module__ = __name__
    a, b = std(1, "b", [2], note="n"), rec(1, "b", [2], note="n")
    assert repr(a) == repr(b) == "_pair.<locals>.Point(x=1, y='b', tags=[2])"
    assert (std(1) == std(1)) == (rec(1) == rec(1))
    assert (std(1, note=1) == std(1, note=2)) == (rec(1, note=1) == rec(1, note=2))
    assert rec(1).tags is not rec(1).tags and rec(1).tags == []
    assert (std.__hash__ is None) == (rec.__hash__ is None)
    if std.__hash__ is not None and options.get("eq", True):
        assert hash(std(1, tags=())) == hash(rec(1, tags=()))
    assert hasattr(std, "__slots__") == hasattr(rec, "__slots__")
    assert hasattr(std(1), "__dict__") == hasattr(rec(1), "__dict__")
    assert std.__match_args__ == rec.__match_args__
    assert ("x" in std.__dict__) == ("x" in rec.__dict__) and repr(getattr(std, "y", None)) == repr(getattr(rec, "y", None))
    assert [f.name for f in dataclasses.fields(b)] == [f.name for f in records.fields(b)] == ["x", "y", "tags", "note"]
    assert dataclasses.asdict(b) == dataclasses.asdict(a)
    assert dataclasses.replace(b, y="c").y == records.replace(b, y="c").y == "c"
    assert records.replace(b, y="c").tags == [2]
    assert dataclasses.is_dataclass(b) and records.is_dataclass(b) and records.is_dataclass(rec)
    if options.get("frozen"):
        with pytest.raises(dataclasses.FrozenInstanceError):
            a.x = 2
        with pytest.raises(records.FrozenInstanceError):
            b.x = 2
        with pytest.raises(AttributeError):
            del b.x
    else:
        b.x = 5
        assert b.x == 5
    if options.get("order"):
        assert (std(1) < std(2)) == (rec(1) < rec(2)) is True
        assert sorted([rec(2), rec(1)]) == [rec(1), rec(2)]


@pytest.mark.parametrize("options", OPTIONS, ids=str)
def test_pickle_and_copy(options):
    _, rec = _pair(**options)
    globals()["Point"] = rec  # picklable by name
    rec.__qualname__ = "Point"
    try:
        one = rec(3, "z", [1], note="kept")
        for again in (pickle.loads(pickle.dumps(one)), copy.copy(one), copy.deepcopy(one)):
            assert (again.x, again.y, again.tags, again.note) == (3, "z", [1], "kept")
    finally:
        del globals()["Point"]


def test_rules_of_the_standard_library_hold():
    with pytest.raises(TypeError):
        @records.dataclass
        class Bad:
            a: int = 1
            b: int

    with pytest.raises(ValueError):
        @records.dataclass
        class Mutable:
            a: list = []

    @records.dataclass
    class Own:
        a: int

        def __repr__(self):
            return "own"

    assert repr(Own(1)) == "own" and Own(1) == Own(1)



def test_generated_inits_are_current():
    """`record_inits.py` holds every record's `__init__` (compiled at install, not at each
    start). When this fails, a record was added or changed: run
    `python -m iaclint.reference.record_inits` and commit the file."""
    import subprocess
    import sys

    probe = ("from iaclint.reference import record_inits as c\nc.import_everything()\n"
             "print(c.render(c.ours()) == open(c.path(), encoding='utf-8').read())\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True", "stale: run `python -m iaclint.reference.record_inits`"


def test_an_init_from_the_generated_module_is_the_compiled_one():
    """Each `__init__` in record_inits behaves as its source compiled at start-up would:
    the same parameters, the same defaults, the same attributes set."""
    import re

    from iaclint.model.record_inits import INITS

    assert len(INITS) > 50

    class Plain:
        pass

    for source, make in INITS.items():
        scope = {"_MISSING": records._MISSING, "_setattr": object.__setattr__}
        for name in set(re.findall(r"\b_(?:default|factory)_\w+\b", source)):
            value = object()
            scope[name] = (lambda value=value: value) if name.startswith("_factory_") else value
        compiled_scope = dict(scope)
        exec(source, compiled_scope)  # noqa: S102 - the module's own source text
        compiled, made = compiled_scope["__init__"], make(dict(scope))
        code, other = compiled.__code__, made.__code__
        assert other.co_varnames[:other.co_argcount] == code.co_varnames[:code.co_argcount], source
        assert made.__defaults__ == compiled.__defaults__, source
        required = code.co_argcount - 1 - len(compiled.__defaults__ or ())
        args = [object() for _ in range(required)]
        a, b = Plain(), Plain()
        compiled(a, *args)
        made(b, *args)
        assert vars(a) == vars(b) and list(vars(a)) == list(vars(b)), source
