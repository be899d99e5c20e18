"""Fuzzing what a repository hands iaclint besides its infrastructure: configuration files
(`.iaclint.yaml`, `[tool.iaclint]`) and baselines. Whatever they hold, the CLI ends with
exit code 0, 1 or 2 and a message, never a traceback, and never loads a policy."""
from __future__ import annotations

import contextlib
import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iaclint.faces.cli import main

KEYS = ["select", "ignore", "severity", "fail-on", "exclude", "per-path-ignores", "policy-dirs", "variables",
        "var-files", "parameters", "trusted-accounts", "strict", "show-suppressed", "jobs", "cache", "cache-dir",
        "baseline", "format", "fail_on", "unknown-key"]
WORDS = ["IAC201", "IAC2O1", "high", "info", "x", "../x", "~/.bashrc", "/etc/passwd", "**", "[z-a]", "[", "",
         "sagemaker-notebook-root-access", "0", "-1", "2000", "true", "\x00", "\n::error::x", "\udcff"]
scalars = st.one_of(st.sampled_from(WORDS), st.integers(-5, 5000), st.booleans(), st.none(), st.floats(),
                    st.text(max_size=20))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.sampled_from(WORDS + KEYS), inner,
                                                                       max_size=4)), max_leaves=12)
configs = st.one_of(
    st.dictionaries(st.sampled_from(KEYS), values, max_size=6).map(lambda d: json.dumps(d, default=str)),
    st.text(max_size=200),
    st.lists(st.sampled_from(["a: &a [x, x]", "b: &b [*a, *a, *a]", "c: [*b, *b, *b, *b]", "select: *c",
                              "exclude: [", "- x", "? x", "!!python/object/apply:os.system ['id']",
                              "policy-dirs: [pol]", "%YAML 1.1", "---", "...", "{", "jobs: 99999"]),
             max_size=8).map("\n".join),
)
baselines = st.one_of(
    values.map(lambda v: json.dumps(v, default=str)),
    st.fixed_dictionaries({"version": st.sampled_from([1, 2, "1", None]), "tool": st.sampled_from(["iaclint", 1]),
                           "findings": st.lists(values, max_size=4)}).map(lambda d: json.dumps(d, default=str)),
    st.binary(max_size=100).map(lambda b: b.decode("latin-1")),
    st.integers(1, 3000).map(lambda n: "[" * n + "]" * n),
)


def run(argv) -> int:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    assert "Traceback" not in err.getvalue()
    return code


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(config=configs, baseline=baselines, as_toml=st.booleans())
def test_any_configuration_and_baseline_ends_with_a_documented_exit_code(tmp_path, monkeypatch, config, baseline,
                                                                        as_toml):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True, exist_ok=True)
    (repo / "pol").mkdir(exist_ok=True)
    (repo / "pol" / "evil.py").write_text(f"open({str(tmp_path / 'PWNED')!r}, 'w')\n")
    (repo / "main.tf").write_text('resource "aws_sagemaker_notebook_instance" "nb" {\n  name = "nb"\n}\n')
    for name in (".iaclint.yaml", "pyproject.toml"):
        (repo / name).unlink(missing_ok=True)
    if as_toml:
        (repo / "pyproject.toml").write_text("[tool.iaclint]\n" + config, errors="surrogateescape")
    else:
        (repo / ".iaclint.yaml").write_text(config, errors="surrogateescape")
    (repo / "base.json").write_text(baseline, errors="surrogateescape")
    monkeypatch.chdir(repo)
    assert run(["scan", ".", "--no-cache", "--format", "json"]) in (0, 1, 2)
    assert run(["scan", ".", "--no-cache", "--no-config", "--baseline", "base.json"]) in (0, 1, 2)
    assert run(["baseline", "create", "--no-cache", "--output", "out.json"]) in (0, 1, 2)
    assert not (tmp_path / "PWNED").exists()
