"""Run hostile input where it cannot hurt the test run: a child process under a memory cap
(`RLIMIT_AS`) and a generous deadline. A test asserts that the child finished and what it
printed, never how fast: a hang fails at the deadline, a gigabyte value fails with a
MemoryError in the child, and neither takes the suite down with it."""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT

MEMORY = 1024 ** 3  # bytes of address space: the interpreter, the parsers and a margin
DEADLINE = 120.0  # seconds: "finishes", not a performance bound


# The child's printer of a value: an Unknown as {"unknown": reason}, a long string as its length.
_PLAIN = """
def plain(value):
    from iaclint.model.unknown import Unknown
    if isinstance(value, Unknown):
        return {"unknown": value.reason}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value if isinstance(value, (bool, int, float, type(None))) or len(value) < 1000 else len(value)
"""


def _limit(memory: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    return apply


def run_bounded(code: str, memory: int = MEMORY, seconds: float = DEADLINE):
    """Run Python `code` (not indented) in a child; it must print one JSON document, which
    is returned."""
    try:
        done = subprocess.run([sys.executable, "-"], input=code, capture_output=True, text=True,
                              timeout=seconds, preexec_fn=_limit(memory), cwd=ROOT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the child did not finish within {seconds:.0f} s: a hang")
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def terraform_resources(files: dict) -> dict:
    """Load a Terraform module of `files` (name -> text, written here) in a bounded child:
    {address: {attribute: value}} of its resources, printed by `_PLAIN`."""
    with tempfile.TemporaryDirectory() as directory:
        for name, text in files.items():
            Path(directory, name).write_text(text, encoding="utf-8")
        return run_bounded(_PLAIN + textwrap.dedent(f"""
            import json, os
            from iaclint.frontends.terraform.module import load_module
            directory = {directory!r}
            result = load_module(directory, [os.path.join(directory, n) for n in {sorted(files)!r} if n.endswith(".tf")])
            assert not result.errors, result.errors
            print(json.dumps({{r.address: plain(r.attributes) for r in result.resources}}))
        """))


def terraform_unknowns(files: dict) -> dict:
    """{attribute: value} of the one resource of a Terraform module (`terraform_resources`)."""
    (attributes,) = terraform_resources(files).values()
    return attributes


def cloudformation_properties(template: str, logical_id: str = "R"):
    """Load a CloudFormation `template` in a bounded child: the properties of `logical_id`,
    printed by `_PLAIN`."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory, "t.yaml")
        path.write_text(template, encoding="utf-8")
        return run_bounded(_PLAIN + textwrap.dedent(f"""
            import json
            from iaclint.frontends.cloudformation.template import load_template
            with open({str(path)!r}, "rb") as handle:
                result = load_template("t.yaml", handle.read())
            assert not result.errors, result.errors
            (resource,) = [r for r in result.resources if r.address == {logical_id!r}]
            print(json.dumps(plain(resource.attributes)))
        """))
