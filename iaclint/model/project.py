"""The project: every canonical resource of a scan and the reference graph between them.

`UnitProject` is one unit's share, for taking verdicts where the unit was loaded; it
notices when a policy looks across units.
"""
from __future__ import annotations

import weakref

from iaclint.model.resource import Path, Reference, Resource
from iaclint.model.work import Metered, spend

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: a whole-scan cache hit does not import `typing`
if TYPE_CHECKING:
    from typing import Iterator


def kept_with(table: "weakref.WeakKeyDictionary", project) -> dict:
    """The dict `table` keeps for `project` and drops with it: the per-unit indexes that
    policy helpers build once per scan. A project that cannot be weakly referenced gets a
    fresh dict each time (no caching, the same answers)."""
    try:
        return table.setdefault(project, {})
    except TypeError:
        return {}


class Project:
    """All canonical resources of one scan, with the reference graph between them.

    The graph is local to a unit (a Terraform root with its modules, a CloudFormation
    template): references resolve only inside their unit, and `unit_resources` lists one
    unit. What looks across units goes through `resources`, iteration or `of_type`, which
    a `UnitProject` notices (see there).

    What these helpers hand a policy is charged to the work budget of policy evaluation
    (`iaclint.model.work`), one step per resource, and lists of resources once more each
    time they are walked (`Metered`)."""

    def __init__(self, resources: list[Resource]):
        self._resources = resources
        self._by_unit_address: dict[tuple[str, str], Resource] = {}
        self._incoming: dict[int, list[tuple[Resource, Reference]]] | None = None  # made on first use
        self._by_type: dict[str, list[Resource]] = {}
        self._by_unit: dict[str, list[Resource]] = {}
        self._by_unit_type: dict[str, dict] = {}  # unit -> type -> [(position, resource)], (type,) -> [resource]
        for r in resources:
            self._by_unit_address[(r.unit, r.address)] = r
            self._by_type.setdefault(r.type, []).append(r)
            self._by_unit.setdefault(r.unit, []).append(r)

    @property
    def resources(self) -> list[Resource]:
        """Every resource of the scan, in scan order."""
        return self._metered(self._resources)

    def of_type(self, *types: str) -> list[Resource]:
        """The resources of these canonical types, in scan order. Policies that look for
        other resources (a logging configuration, a repository by name) use this instead of
        walking every resource for every resource, which is quadratic on a large tree."""
        if len(types) == 1:
            return self._metered(self._by_type.get(types[0], ()))
        spend(len(self._resources))
        return Metered(r for r in self._resources if r.type in types)

    def unit_resources(self, unit: str, *types: str) -> list[Resource]:
        """The resources of one unit (what `Resource.unit` names), in scan order; only those
        of `types` when given. A policy that compares a resource with the others of its
        kind asks this for each one: indexed by type, so a large module (thousands of
        resources) is not walked once per resource."""
        if not types:
            return self._metered(self._by_unit.get(unit, ()))
        by_type = self._by_unit_type.get(unit)
        if by_type is None:
            by_type = self._by_unit_type[unit] = {}
            for position, r in enumerate(self._by_unit.get(unit, ())):
                by_type.setdefault(r.type, []).append((position, r))
        if len(types) == 1:  # a copy of a list kept per type (copying is one C call; asked once per resource)
            plain = by_type.get((types[0],))
            if plain is None:
                plain = by_type[(types[0],)] = [r for _, r in by_type.get(types[0], ())]
            return self._metered(plain)
        found = [item for t in dict.fromkeys(types) for item in by_type.get(t, ())]
        return self._metered([r for _, r in sorted(found, key=lambda item: item[0])])

    @staticmethod
    def _metered(resources) -> Metered:
        """A copy of `resources` for a policy, charged to the work budget."""
        spend(len(resources) + 1)
        return Metered(resources)

    def look_across_units(self) -> None:
        """Say that what is being decided depends on other units: called when data derived
        from the whole project is reused from a cache (see `UnitProject`)."""

    def __iter__(self) -> Iterator[Resource]:
        return iter(self.resources)

    def lookup(self, origin: Resource, address: str) -> Resource | None:
        """The resource `address` names, seen from `origin` (same module or template). An
        instance of a Terraform block whose `count`/`for_each` is unknown (`data.x.y[0]`)
        is the one instance the block was evaluated as (`data.x.y`, its index unknown):
        what every instance has in common is read there."""
        found = self._by_unit_address.get((origin.unit, address))
        if found is None and address.endswith("]"):
            cut = address.rfind("[")
            if cut > 0:
                return self._by_unit_address.get((origin.unit, address[:cut]))
        return found

    def outgoing(self, resource: Resource, path_prefix: Path = (),
                 to: set | None = None) -> list[tuple[Reference, Resource | None]]:
        """References made by `resource` (under `path_prefix`; to an address in `to`, if
        given, and only those are looked up), with their targets if scanned. Charged the
        same either way."""
        out = []
        n = len(path_prefix)
        spend(len(resource.references) + 1)
        for ref in resource.references:
            if tuple(ref.path[:n]) == tuple(path_prefix) and (to is None or ref.target in to):
                out.append((ref, self.lookup(resource, ref.target)))
        return out

    def incoming(self, resource: Resource) -> list[tuple[Resource, Reference]]:
        """Resources that refer to `resource`, with the reference."""
        incoming = self._incoming
        if incoming is None:  # the whole scan's project often has no verdict that asks (~40% of its making)
            incoming = self._incoming = {}
            for r in self._resources:
                for ref in r.references:
                    target = self.lookup(r, ref.target)
                    if target is not None:
                        incoming.setdefault(id(target), []).append((r, ref))
        return self._metered(incoming.get(id(resource), ()))



class UnitProject(Project):
    """The resources of one unit, for checking them where they were loaded (a worker).

    A policy whose verdict depends only on the unit (the resource, the graph around it,
    the unit's own resources) gets the same verdict here as on the whole project. One that
    looks across units (`resources`, iteration, `of_type`: a bucket by name in any stack, an
    account-wide logging configuration) sets `touched`; its verdict is then thrown away and
    taken again on the whole project."""

    touched = False

    @property
    def resources(self) -> list[Resource]:
        self.touched = True
        return self._metered(self._resources)

    def look_across_units(self) -> None:
        self.touched = True

    def of_type(self, *types: str) -> list[Resource]:
        self.touched = True
        return super().of_type(*types)
