"""Three-valued answers for the shared readers and the Python policies built on them.

A policy asks one security question of a resource ("is the default encryption a
customer-managed key?", "does the host get a public IP?") and may have to read several
places to answer it: nested blocks, a launch template, a separate Terraform resource. Each
place gives a `Check` (True: the problem is present, False: it is not, None: it cannot be
known statically), and `combine` folds them into the one answer the policy reports. The
readers of `iaclint.aws.s3` and `iaclint.aws.gpu_hosts` and the compute and S3 policies share these,
so they live here, apart from any one service.

`blocks` and `leaves` are the two walks those readers make over canonical attribute values,
which come as Terraform block lists or CloudFormation objects (see CONTRACT: the canonical
model), with JSON documents possibly encoded (`EncodedJson`).
"""
from __future__ import annotations

from typing import Any, Iterator, Optional

from iaclint.model.documents import EncodedJson
from iaclint.model.records import dataclass

Tri = Optional[bool]


@dataclass
class Check:
    """One security question about a resource: `verdict` True when the problem is present,
    False when it is not, None when it cannot be known. `path` is the canonical path of the
    resource to point at (`()` for the resource header, e.g. when the setting lives in a
    separate Terraform resource, which `message` then names)."""

    verdict: Tri
    message: str = ""
    path: tuple = ()


def combine(checks: list[Check]) -> Check:
    """The answer of several places: the first problem, else the first unknown, else the
    first check (a pass); a pass when there are none."""
    for c in checks:
        if c.verdict is True:
            return c
    for c in checks:
        if c.verdict is None:
            return c
    return checks[0] if checks else Check(False)


def blocks(value: Any, path: tuple) -> Iterator[tuple[tuple, Any]]:
    """Items of a Terraform block list, a CloudFormation object as one item; an Unknown is
    yielded as it is."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield path + (i,), item
    elif value is not None:
        yield path, value


def leaves(value: Any, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """(path, value) of every scalar or Unknown under `value`, through dicts, lists and
    `jsonencode()` documents (walked as what they encode, Unknowns kept)."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from leaves(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from leaves(v, path + (i,))
    elif isinstance(value, EncodedJson):
        yield from leaves(value.value, path)
    else:
        yield path, value
