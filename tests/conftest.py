"""Shared test helpers: the repository root and a cached load of the built-in policies."""
from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"


@pytest.fixture(autouse=True, scope="session")
def _own_user_configuration(tmp_path_factory):
    """The user's configuration directory, for the whole run and every subprocess it
    starts: the real one (its `trusted-directories`) never changes what a test sees. The
    cache directory stays the user's: pre-commit keeps its environments there."""
    home = tmp_path_factory.mktemp("user")
    saved = {k: os.environ.get(k) for k in ("XDG_CONFIG_HOME",)}
    os.environ["XDG_CONFIG_HOME"] = str(home / "config")
    yield home
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@functools.lru_cache(maxsize=1)
def builtin_policies():
    from iaclint.api import load_all_policies

    return tuple(load_all_policies())


def verdicts_of(directory: Path, text: str, select: list, name: str = "main.tf"):
    """Scan one file of `text` written in `directory` (the working directory) with the
    built-in policies `select`, UNKNOWNs included: (sorted (policy id, line, resource,
    verdict) of the findings, the number of PASSes)."""
    from iaclint.api import scan

    (directory / name).write_text(text)
    result = scan([name], policies=list(builtin_policies()), select=select, strict=True)
    return sorted((f.policy_id, f.line, f.resource, f.verdict) for f in result.findings), result.passed


@pytest.fixture
def in_root(monkeypatch):
    """Run with the repository root as the working directory (relative paths in findings)."""
    monkeypatch.chdir(ROOT)
    return ROOT


def expected_markers(path: Path, marker: str = "# expect-finding") -> set[int]:
    """Line numbers (1-based) that carry `marker` in a fixture file."""
    lines = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if marker in line:
            lines.add(number)
    return lines


def rel(path: Path) -> str:
    return os.path.relpath(path, ROOT)


def make_resource(rtype: str, attributes: dict, address: str = "r", spans: dict | None = None,
                  fmt: str = "terraform", references=(), unit: str = "u"):
    """A canonical Resource built by hand, for engine and IAM unit tests."""
    from iaclint.model.resource import Resource, Span
    from iaclint.normalize.translate import fill_defaults

    header = Span("f.tf", 1, 1, 1, 10)
    resource = Resource(type=rtype, native_type=rtype, address=address, file="f.tf",
                        span=Span("f.tf", 1, 1, 20, 2), header=header, attributes=attributes,
                        spans=dict(spans or {}), native_paths={}, defaults=set(), fmt=fmt,
                        references=list(references), unit=unit)
    fill_defaults(resource)
    return resource


# --- values of the symbolic domain, as the evaluators build them -------------------------

def template(*pieces, expr: str = "template"):
    """A partially known string (known text and holes), as `!Sub`, a Terraform template,
    `format` or `join` give it (`iaclint.model.symbolic.text`)."""
    from iaclint.model import symbolic

    return symbolic.text(pieces, expr, "unknown part")


def pseudo(name: str, pattern: str | None = None):
    """A CloudFormation pseudo parameter of template `t` (`AWS::Partition`...), with its shape."""
    from iaclint.model.unknown import Unknown

    return Unknown(f"!Ref {name}", f"pseudo parameter {name}", pattern=pattern, symbol=("cfn", "t", name))
