"""What every hostile test does: build the attack in a temporary directory, run the real
CLI in a subprocess under a memory limit and a timeout, and look at what came out.

A run is `python -I -m iaclint ...` (isolated: the hostile tree is the working directory,
and a planted `iaclint.py` or `jsonschema.py` there must not be what runs) with its own
user directories (cache, configuration, home), so no test trusts or reads the real ones.
`assert_inert` checks what an attacker wants to see fail: no traceback, no marker file
written by planted code, no outside content in any output, no line of output that a CI
log would read as a command or a terminal would read as an escape.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

MEMORY_LIMIT = 1536 * 1024 * 1024  # bytes of address space: a scan needs ~100 MB; a bomb needs far more
TIMEOUT = 90.0  # seconds: "it ends", not a performance bound
SECRET = "AKIAIOSFODNN7SECRETVALUE"  # outside content: must never be printed
MARKER = "PWNED"  # what planted code writes, where the tests look
# The interpreter whose iaclint is attacked: this one, or another install
# (IACLINT_HOSTILE_PYTHON=/old/.venv/bin/python shows which attacks an older release falls to).
PYTHON = os.environ.get("IACLINT_HOSTILE_PYTHON") or sys.executable


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def _limits():  # pragma: no cover - runs in the child
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def environment(home: Path, **extra) -> dict:
    """A minimal environment whose user directories all lie under `home`."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LANG": "C.UTF-8",
           "XDG_CACHE_HOME": str(home / ".cache"), "XDG_CONFIG_HOME": str(home / ".config")}
    env.update({k: str(v) for k, v in extra.items()})
    return env


def iaclint(*args, cwd: Path, home: Path, stdin: bytes | None = None, timeout: float = TIMEOUT,
            env: dict | None = None) -> Run:
    """The CLI, isolated, under the memory limit; a hang fails the test."""
    command = [PYTHON, "-I", "-m", "iaclint", *map(str, args)]
    try:
        proc = subprocess.run(command, cwd=cwd, env=env or environment(home), input=stdin, capture_output=True,
                              timeout=timeout, preexec_fn=_limits)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"`iaclint {' '.join(map(str, args))}` did not end within {timeout:.0f} s: a hang")
    return Run(proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"))


_COMMAND_LINE = re.compile(r"^\s*(::|##\[|##vso\[)", re.M)


def assert_inert(run: Run, *, code: int | tuple, markers=(), secrets=(SECRET,), files=(), github: bool = False):
    """The run ended as documented and nothing hostile came out of it."""
    codes = code if isinstance(code, tuple) else (code,)
    assert run.code in codes, f"exit {run.code}, expected {codes}\n{run.err}"
    assert "Traceback" not in run.text, run.err
    for marker in markers:
        assert not Path(marker).exists(), f"planted code ran: {marker} exists"
    outputs = [run.out, run.err] + [Path(f).read_text(errors="replace") for f in files if Path(f).exists()]
    for secret in secrets:
        assert not any(secret in o for o in outputs), f"outside content {secret!r} reached the output"
    for text in outputs:
        assert "\x1b" not in text, "a terminal escape reached the output"
        for line in _COMMAND_LINE.findall(text) if not github else ():
            raise AssertionError(f"a line reads as a CI log command: {line!r}")


def repository(root: Path) -> Path:
    """`root` as a git work tree (a `.git` entry is what bounds the scanned tree)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / ".git").mkdir(exist_ok=True)
    return root


def layout(tmp_path: Path, main_tf: str) -> tuple[Path, Path, Path]:
    """(repository with `main.tf`, a home directory, `outside/` with secrets in several forms)."""
    repo = repository(tmp_path / "repo")
    (repo / "main.tf").write_text(main_tf)
    home = tmp_path / "home"
    home.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.tfvars").write_text(f'internet = "{SECRET}"\n')
    (outside / "secret.txt").write_text(SECRET)
    return repo, home, outside


NOTEBOOK = ('resource "aws_sagemaker_notebook_instance" "nb" {\n'
            '  name                   = "nb"\n'
            '  role_arn               = "arn:aws:iam::123456789012:role/sm"\n'
            '  instance_type          = "ml.t3.medium"\n'
            '  direct_internet_access = var.internet\n'
            '}\n\nvariable "internet" {\n  default = "Disabled"\n}\n')

TEMPLATE = ("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Notebook:\n"
            "    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n      InstanceType: ml.t3.medium\n"
            "      RoleArn: arn:aws:iam::123456789012:role/sm\n      DirectInternetAccess: Enabled\n")


def planted_python(marker: Path) -> str:
    """Python that proves it ran by writing `marker`."""
    return f"open({str(marker)!r}, 'w').write('ran')\n"
