"""Run the real Checkov (pinned, in its own environment) offline, for the tests that
compare verdicts with it.

Checkov 3.3.30 pins versions that clash with the test environment (`packaging<24`, and
its `bc-python-hcl2` installs over python-hcl2's `hcl2` module, which the HCL
differential test needs), so it lives in its own virtual environment: `.venv-checkov`
beside the checkout (`.ci/run` makes it: `pip install -e '.[checkov]'`), or the Python
named by `IACLINT_CHECKOV_PYTHON`. The tests that need it are skipped, saying so, when it
is absent, unless `IACLINT_REQUIRE_CHECKOV=1` (set by CI), which makes that a failure.

The differential test (a corpus of Checkov YAML policies) and the export test (iaclint's
policies exported as Checkov Python checks) share one Checkov run over one copy of the
trees (`shared_run`): parsing the fixtures is most of Checkov's time.

Checkov runs offline: `--skip-download`, no API key, `BC_SKIP_MAPPING=TRUE`,
`CKV_SKIP_PACKAGE_UPDATE_CHECK=TRUE` (else it asks PyPI for a newer version), and a
`sitecustomize` that refuses every network connection and name lookup and records the
attempt, so a test can assert that none was made.
"""
from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VERSION = "3.3.30"
TREES = ["fixtures/policies", "fixtures/examples", "tests/data/checkov_differential"]

_GUARD = textwrap.dedent('''\
    """Installed by tests/checkov_oracle.py: no network for Checkov."""
    import os, socket

    _LOG = os.environ["IACLINT_NETWORK_LOG"]

    def _refuse(what):
        with open(_LOG, "a") as log:
            log.write(what + "\\n")
        raise OSError("network access refused by the iaclint test harness: " + what)

    _connect = socket.socket.connect

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _refuse(f"connect {address!r}")
        return _connect(self, address)

    def getaddrinfo(host, *args, **kwargs):
        if host not in (None, "localhost", "127.0.0.1", "::1"):
            _refuse(f"getaddrinfo {host!r}")
        return _getaddrinfo(host, *args, **kwargs)

    _getaddrinfo = socket.getaddrinfo
    socket.socket.connect = connect
    socket.getaddrinfo = getaddrinfo
    ''')


def python() -> str | None:
    """The Python of the Checkov environment, or None."""
    named = os.environ.get("IACLINT_CHECKOV_PYTHON")
    candidates = [Path(named)] if named else [ROOT / ".venv-checkov" / "bin" / "python"]
    for candidate in candidates:
        if candidate.exists():
            return str(candidate)
    return None


def require() -> str:
    """The Checkov Python, or skip (fail under IACLINT_REQUIRE_CHECKOV=1) saying why."""
    found = python()
    if found is not None:
        version = subprocess.run([found, "-c", "import checkov.version as v; print(v.version)"],
                                 capture_output=True, text=True, check=False).stdout.strip()
        if version == VERSION:
            return found
        reason = f"Checkov {VERSION} is needed, found {version or 'none'} in {found}"
    else:
        reason = (f"Checkov {VERSION} is not installed: python3 -m venv .venv-checkov && "
                  ".venv-checkov/bin/pip install -e '.[checkov]' (or set IACLINT_CHECKOV_PYTHON)")
    if os.environ.get("IACLINT_REQUIRE_CHECKOV") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def run(checkov_python: str, roots: list[str], work: Path, external: list[str] = (), checks: list[str] = (),
        frameworks=("terraform", "cloudformation"), extra: list[str] = ()) -> tuple[list, list[str]]:
    """Checkov's JSON reports (one per framework) and the network attempts it made."""
    guard = work / "guard"
    guard.mkdir(exist_ok=True)
    (guard / "sitecustomize.py").write_text(_GUARD)
    log = work / "network.log"
    log.write_text("")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("BC_", "CKV_", "PRISMA_"))}
    env.update({"BC_SKIP_MAPPING": "TRUE", "CKV_SKIP_PACKAGE_UPDATE_CHECK": "TRUE", "PYTHONPATH": str(guard), "IACLINT_NETWORK_LOG": str(log),
                "HOME": str(work), "LOG_LEVEL": "WARNING", "CHECKOV_EXPERIMENTAL_IMAGE_REFERENCING": "FALSE"})
    command = [checkov_python, "-m", "checkov.main", "--skip-download", "--framework", *frameworks, "-o", "json",
               "--compact", *extra]
    for root in roots:
        command += ["-d", root]
    for directory in external:
        command += ["--external-checks-dir", directory]
    if checks:
        command += ["-c", ",".join(checks)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=str(ROOT), check=False, timeout=900)
    if done.returncode not in (0, 1):
        raise AssertionError(f"checkov failed ({done.returncode}): {done.stderr[-3000:]}")
    reports = json.loads(done.stdout) if done.stdout.strip() else []
    if isinstance(reports, dict):
        reports = [reports]
    return reports, [line for line in log.read_text().splitlines() if line]


@functools.lru_cache(maxsize=1)
def shared_run(work_dir: str) -> dict:
    """One Checkov run, over a copy of `TREES` in `work_dir/tree`, with the corpus of
    Checkov policies (`work_dir/corpus`, tests/checkov_corpus.py) and iaclint's exported
    checks (`work_dir/checks`, `iaclint export checkov`): the tree, the corpus documents,
    the exported IDs, the records (`records`) and the network attempts."""
    import checkov_corpus

    from iaclint.faces.cli import main

    checkov_python = require()
    work = Path(work_dir)
    tree = work / "tree"  # one root for both tools (Checkov writes one report per -d)
    for root in TREES:
        shutil.copytree(ROOT / root, tree / root)
    corpus = work / "corpus"
    corpus.mkdir()
    documents = checkov_corpus.policies()
    for document in documents:
        (corpus / f"{document['metadata']['id']}.json").write_text(json.dumps(document, indent=1))
    checks = work / "checks"
    if main(["export", "checkov", str(checks)]) != 0:
        raise AssertionError("iaclint export checkov failed")
    exported = sorted({name.split("_", 1)[0] for name in os.listdir(checks) if name.startswith("IAC")})
    ids = [d["metadata"]["id"] for d in documents] + exported
    reports, attempts = run(checkov_python, [str(tree)], work, external=[str(corpus), str(checks)], checks=ids)
    return {"tree": tree, "corpus": corpus, "documents": documents, "exported": exported,
            "records": records(reports), "attempts": attempts}


def records(reports: list) -> dict:
    """{(check id, absolute file, resource): (PASSED | FAILED | SKIPPED, entity)} of Checkov's
    reports, `entity` being the resource as Checkov rendered it. The resource is a
    Terraform address (a data source without `data.`) or a CloudFormation logical id."""
    out = {}
    for report in reports:
        results = report.get("results", {})
        for kind in ("passed_checks", "failed_checks", "skipped_checks"):
            for record in results.get(kind, []):
                resource = record["resource"]
                if report.get("check_type") == "cloudformation":
                    resource = resource.split(".", 1)[1] if "::" in resource else resource
                key = (record["check_id"], os.path.realpath(record["file_abs_path"]), resource)
                out[key] = (record["check_result"]["result"], record["check_result"].get("entity"))
    return out


def entity_value(entity, cloudformation: bool, path: list):
    """The value Checkov saw at a dotted `path` of a rendered entity (Terraform: every
    value wrapped in a list, a block written once a list of one), as its flattened
    attributes hold it; `MISSING` when there is none."""
    if not isinstance(entity, dict):
        return MISSING
    if cloudformation:  # Checkov's vertex: `config_` holds the properties
        node = entity.get("config_", entity.get("Properties", {}))
    else:
        inner = next(iter(entity.values()), {})
        node = next(iter(inner.values()), {}) if isinstance(inner, dict) else {}
    node = node if cloudformation else _block(node)
    for part in path:
        if part == "*":
            continue
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return MISSING
    return node


MISSING = object()


def written(file: str, address: str) -> bool:
    """Is the resource written in its file (its name appears there)? A resource SAM's
    transform makes (a function's implicit role) is not, and Checkov never sees it."""
    text = open(file, encoding="utf-8", errors="replace").read()
    return address.rsplit(".", 1)[-1] in text


def _block(block: dict) -> dict:
    out = {k: _attribute(v) for k, v in block.items() if not k.startswith("__") and k != "dynamic"}
    for dynamic in block.get("dynamic", []):  # rendered `dynamic` blocks, by name
        if isinstance(dynamic, dict):
            for name, content in dynamic.items():
                out.setdefault(name, _attribute(content))
    return out


def _attribute(value):
    """An hcl2 attribute (wrapped in a list) or nested blocks (a list of mappings whose
    values are all wrapped), as Checkov's flattened view holds it."""
    if isinstance(value, list) and value and all(
            isinstance(b, dict) and all(isinstance(v, list) for k, v in b.items() if not k.startswith("__"))
            for b in value):
        blocks = [_block(b) for b in value]
        return blocks[0] if len(blocks) == 1 else blocks
    if isinstance(value, list) and len(value) == 1:
        return value[0]
    return value


if __name__ == "__main__":  # a manual run: python tests/checkov_oracle.py DIR...
    found = python()
    if not found:
        sys.exit("no Checkov environment")
    reports, attempts = run(found, sys.argv[1:], Path("/tmp"))
    print(json.dumps(reports, indent=1)[:5000], attempts)
