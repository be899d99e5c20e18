"""What keeps a large module linear: `Project.unit_resources(unit, *types)` answers the
resources of one unit of some types, in scan order, from an index (policies that compare
a resource with the others of its kind ask it once per resource: walking the unit each
time was quadratic), and `symbolic.all3`, asked for every statement and asset pair of the
asset graph, answers as Kleene logic says."""
from __future__ import annotations

from iaclint.model.project import Project, UnitProject
from iaclint.model.resource import TERRAFORM, Resource, Span


def _resource(unit: str, rtype: str, name: str) -> Resource:
    span = Span("main.tf", 1, 1, 1, 1)
    return Resource(type=rtype, native_type=rtype, address=f"{rtype}.{name}", file="main.tf", span=span,
                    header=span, attributes={}, spans={}, native_paths={}, defaults=set(), fmt=TERRAFORM,
                    references=[], unit=unit)


def _project(cls=Project):
    kinds = ["aws_a", "aws_b", "aws_c"]
    resources = [_resource(unit, kinds[(i * 7 + len(unit)) % 3], f"r{i}") for unit in ("u1", "u22")
                 for i in range(12)]
    return cls(resources), resources


def test_unit_resources_of_types_are_the_units_resources_of_those_types_in_scan_order():
    project, resources = _project()
    for unit in ("u1", "u22", "elsewhere"):
        whole = project.unit_resources(unit)
        assert whole == [r for r in resources if r.unit == unit]
        for types in (("aws_a",), ("aws_c",), ("aws_b", "aws_a"), ("aws_a", "aws_a", "aws_c"), ("aws_none",)):
            assert project.unit_resources(unit, *types) == [r for r in whole if r.type in types]


def test_the_answer_is_a_copy_and_a_unit_project_is_not_touched():
    project, _ = _project(UnitProject)
    got = project.unit_resources("u1", "aws_a")
    got.clear()
    assert project.unit_resources("u1", "aws_a")
    assert project.touched is False


def test_all3_is_kleene_and_over_every_combination():
    """`symbolic.all3` is a loop now (it is asked hundreds of thousands of times on a large
    module): the same answers as the definition, for every combination up to four values."""
    from itertools import product

    from iaclint.model.symbolic import all3

    for n in range(5):
        for values in product((True, False, None), repeat=n):
            expected = False if any(v is False for v in values) else None if any(v is None for v in values) else True
            assert all3(*values) is expected, values
