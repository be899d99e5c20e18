"""What a large scan holds, kept small (docs/performance.md, "One big module: cache entries
written as they are pickled"): a resource's spans packed, the resources let go before the
whole-scan entry is pickled, and that entry's findings pickled flat."""
from __future__ import annotations

import gc
import pickle

from conftest import ROOT

from iaclint.api import scan
from iaclint.model.finding import Finding
from iaclint.model.resource import Resource, Span, SpanMap
from iaclint.pipeline.cache import Cache
from iaclint.pipeline.result_cache import Evaluated

EXAMPLES = ROOT / "fixtures" / "examples"


def _spans(n: int, files=("a.tf",)) -> dict:
    return {("k", i) if i % 3 else (f"k{i}",): Span(files[i % len(files)], i + 1, 2, i + 3, 40 + i) for i in range(n)}


def test_packed_spans_read_as_the_dict_they_were_made_from():
    for spans in (_spans(0), _spans(5), _spans(40), _spans(7, ("a.tf", "vars.tfvars")), {(): Span("x", 2**40, 1, 1, 1)}):
        packed = SpanMap(spans)
        assert packed == spans and spans == packed and len(packed) == len(spans)
        assert list(packed) == list(spans) and list(packed.keys()) == list(spans.keys())
        assert packed.values() == list(spans.values()) and packed.items() == list(spans.items())
        for path, span in spans.items():
            assert packed[path] == span and packed.get(path) == span and path in packed
        assert packed.get(("missing",)) is None and ("missing",) not in packed
        again = pickle.loads(pickle.dumps(packed, protocol=pickle.HIGHEST_PROTOCOL))
        assert again == packed and list(again) == list(spans)
    assert SpanMap(_spans(3)) != SpanMap(_spans(4))


def test_packed_numbers_are_four_per_span_in_order_in_32_bits_until_they_do_not_fit():
    numbers = SpanMap(_spans(3))._numbers
    assert numbers.typecode == "i" and list(numbers) == [1, 2, 3, 40, 2, 2, 4, 41, 3, 2, 5, 42]
    edge = SpanMap({("a",): Span("x", 2**31 - 1, 1, 2**31 - 1, 7)})._numbers
    assert edge.typecode == "i" and list(edge) == [2**31 - 1, 1, 2**31 - 1, 7]
    wide = SpanMap({("a",): Span("x", 1, 2, 3, 4), ("b",): Span("x", 5, 6, 2**31, 8)})._numbers
    assert wide.typecode == "q" and list(wide) == [1, 2, 3, 4, 5, 6, 2**31, 8]
    assert list(SpanMap({})._numbers) == []


def test_a_scans_resources_hold_their_spans_packed(monkeypatch):
    from iaclint.pipeline import loading

    loaded = []
    load_unit = loading.load_unit
    monkeypatch.setattr(loading, "load_unit", lambda *a, **k: loaded.append(load_unit(*a, **k)) or loaded[-1])
    scan([str(EXAMPLES)], jobs=1)
    resources = [r for result in loaded for r in result[0]]
    assert resources and all(type(r.spans) is SpanMap for r in resources)
    assert any(r.fmt == "terraform" for r in resources) and any(r.fmt == "cloudformation" for r in resources)


def test_the_resources_are_let_go_before_the_whole_scan_entry_is_pickled(tmp_path, monkeypatch):
    gc.collect()
    before = [o for o in gc.get_objects() if isinstance(o, Resource)]
    known = {id(o) for o in before}
    alive = []
    put = Cache.put

    def spy(self, key, value):
        if isinstance(value, Evaluated):
            alive.append(sum(1 for o in gc.get_objects() if isinstance(o, Resource) and id(o) not in known))
        return put(self, key, value)

    monkeypatch.setattr(Cache, "put", spy)
    result = scan([str(EXAMPLES)], cache=Cache(tmp_path / "cache"), jobs=1)
    assert result.findings and alive == [0]


def test_the_whole_scan_entry_pickles_its_findings_flat():
    findings = [Finding("IAC101", "name", "high", f"message {i}", "main.tf", i, 1, i, 9, f"aws_x.r{i}",
                        fingerprint=f"{i:016x}", flows=((("main.tf", i, 1, i, 2, "aws_x.r", "step"),),) if i % 2 else ())
                for i in range(300)]
    evaluated = Evaluated(findings[:200], findings[200:], 5, 2, 3, ["an error"], {"main.tf"}, [("x", "why")],
                          {("file", "f"): "digest"}, None, True, [])

    def memo(value) -> int:
        class Nowhere:
            def write(self, data):
                return len(data)

        pickler = pickle.Pickler(Nowhere(), protocol=pickle.HIGHEST_PROTOCOL)
        pickler.dump(value)
        return len(pickler.memo.copy())

    assert memo(evaluated) < memo(findings) - len(findings)  # not a finding and its tuple each: one tuple for all
    again = pickle.loads(pickle.dumps(evaluated, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == evaluated and all(type(f) is Finding for f in again.failed + again.unknowns)
    odd = Evaluated([findings[0], "not a finding"], [], 0, 0, 0, [])
    assert pickle.loads(pickle.dumps(odd)) == odd


def test_the_whole_scan_entry_never_holds_its_findings_values_at_once():
    """The flat run of values is appended as the pickler goes: 20,000 findings of 21 values
    as one tuple would be 3.4 MB while the entry is written (at the scan's largest)."""
    import tracemalloc

    base = Finding("IAC101", "name", "high", "message", "main.tf", 1, 1, 1, 9, "aws_x.r", fingerprint="0" * 16)
    findings = [base] * 20_000  # one finding many times: the memo stays small, the values do not
    evaluated = Evaluated(findings, [], 0, 1, 1, [])

    class Nowhere:
        def write(self, data):
            return len(data)

    tracemalloc.start()
    try:
        pickle.Pickler(Nowhere(), protocol=pickle.HIGHEST_PROTOCOL).dump(evaluated)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000, peak
    again = pickle.loads(pickle.dumps(evaluated, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == evaluated and len(again.failed) == 20_000


def test_an_unknown_pickles_as_its_slots_and_comes_back_whole():
    """`Unknown.__reduce__` (the workers and the cache pickle thousands): every slot comes
    back, an Unknown met twice in one pickle is one object again (identity is what
    `Unknown.__eq__` compares), and the slots' names are not written for each one."""
    from iaclint.model.resource import Span
    from iaclint.model.unknown import ABSENT, Unknown

    inner = Unknown("var.x", "a variable", refs=["var.x"])
    value = Unknown("var.y ? 1 : var.x", "a conditional", Span("main.tf", 2, 3, 2, 20), ("var.y",),
                    alternatives=(1, ABSENT, inner), parts=("a", inner), pattern="a*", symbol=("sym", 1), many=True)
    back = pickle.loads(pickle.dumps([value, value, inner], protocol=pickle.HIGHEST_PROTOCOL))
    assert back[0] is back[1] and back[0].alternatives[2] is back[2] and back[0].parts[1] is back[2]
    for name in Unknown.__slots__:
        if name not in ("alternatives", "parts"):
            assert getattr(back[0], name) == getattr(value, name), name
    assert back[0].alternatives[:2] == (1, ABSENT) and back[0].parts[0] == "a"
    assert back[2].refs == ("var.x",) and back[2].alternatives is None and back[2].many is False
    data = pickle.dumps(inner, protocol=pickle.HIGHEST_PROTOCOL)
    assert b"_unknown" in data and b"expr" not in data  # its values in order, not a dict of slot names
