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


def test_a_one_file_scan_does_not_import_dataclasses(tmp_path):
    """Start-up cost (issue 12): `dataclasses` (and `inspect`, which it imports) cost a
    one-file scan about a third of its time; records replace them on the scan path."""
    import subprocess
    import sys

    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n')
    probe = ("import sys, io, contextlib\nfrom iaclint.faces.cli import main\n"
             "with contextlib.redirect_stdout(io.StringIO()):\n"
             f"    main(['scan', {str(tmp_path / 'main.tf')!r}, '--format', 'json', '--no-cache'])\n"
             "print(' '.join(sorted(m for m in ('dataclasses', 'inspect') if m in sys.modules)))\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert out.stdout.strip() == ""
