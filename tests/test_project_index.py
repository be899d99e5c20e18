"""`Project.unit_resources(unit, *types)`: the resources of one unit of some types, in
scan order, from an index (policies that compare a resource with the others of its kind
ask it once per resource: walking the unit each time was quadratic in a large module)."""
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
