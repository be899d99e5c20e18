"""`iaclint export checkov DIR`: iaclint's policies as Checkov external checks. The real
Checkov runs the exported checks over the fixtures, the examples and the differential
test's data (one run shared with that test) and must give iaclint's verdicts."""
from __future__ import annotations

import os

import checkov_oracle

from iaclint.engine.runner import evaluate
from iaclint.faces.cli import main
from iaclint.model.project import Project
from iaclint.pipeline.discover import discover
from iaclint.pipeline.loading import Options, load_all
from iaclint.pipeline.policies import load_all_policies


def test_export_writes_one_check_per_policy(tmp_path, capsys):
    out = tmp_path / "checks"
    assert main(["export", "checkov", str(out)]) == 0
    exported = [p for p in load_all_policies() if p.resource_types and "all" not in p.resource_types]
    files = sorted(os.listdir(out))
    assert "__init__.py" in files and len(files) == len(exported) + 1
    text = (out / next(f for f in files if f.startswith("IAC101_"))).read_text()
    assert "id='IAC101'" in text and "terraform=['aws_sagemaker_notebook_instance']" in text
    assert "cloudformation=['AWS::SageMaker::NotebookInstance']" in text
    # SAM types are handed over by Checkov as written (iaclint reads them as aws_serverless_api, _function).
    entry = (out / next(f for f in files if f.startswith("IAC605_"))).read_text()
    assert "'AWS::Lambda::Url', 'AWS::Serverless::Api', 'AWS::Serverless::Function']" in entry
    assert f"wrote {len(exported)} Checkov checks to {out}" in capsys.readouterr().out
    # Again, under the other spelling: stale files of ours go, other files stay.
    (out / "IAC999_gone.py").write_text((out / files[1]).read_text())
    (out / "mine.py").write_text("# a check of the user's own\n")
    assert main(["export-checkov", str(out)]) == 0
    assert "IAC999_gone.py" not in os.listdir(out) and "mine.py" in os.listdir(out)


def _ours(tree: str) -> dict:
    policies = [p for p in load_all_policies() if p.resource_types and "all" not in p.resource_types]
    loaded = load_all(discover([tree]), Options([], {}, {}, {}), jobs=1)
    out = {}
    for ev in evaluate(Project(loaded.resources), policies, []):
        address = ev.resource.address
        address = address[len("data."):] if address.startswith("data.") else address
        key = (ev.policy.id, os.path.realpath(ev.resource.file), address)
        verdict = ev.result.verdict.value
        if out.get(key) in (None, "PASS"):
            out[key] = verdict
    return out


def test_checkov_runs_the_exported_checks_with_iaclints_verdicts(tmp_path_factory):
    # One Checkov run with the differential test's corpus (checkov_oracle.shared_run).
    shared = checkov_oracle.shared_run(str(tmp_path_factory.getbasetemp() / "checkov-run"))
    tree, ids = shared["tree"], shared["exported"]
    assert shared["attempts"] == []
    reports = {k: v for k, v in shared["records"].items() if k[0] in set(ids)}
    theirs = {k: {"PASSED": "PASS", "FAILED": "FAIL"}[v] for k, (v, _) in reports.items()
              if v in ("PASSED", "FAILED")}
    ours = _ours(str(tree))
    decided = {k: v for k, v in ours.items() if v != "UNKNOWN"}
    both = set(theirs) & set(decided)
    assert {k: (decided[k], theirs[k]) for k in both if decided[k] != theirs[k]} == {}
    assert set(theirs) <= set(decided), sorted(set(theirs) - set(decided))[:20]  # Checkov reports only iaclint's verdicts
    missing = sorted(set(decided) - set(theirs))
    # What Checkov does not hand over: resources SAM creates for a function (its implicit
    # role), plan files (Checkov's terraform_plan framework is another run), CDK assets.
    unexplained = [k for k in missing if not _not_a_checkov_entity(k)]
    assert unexplained == [], unexplained[:20]
    print(f"\nexported checks: {len(ids)}; verdicts: {len(both)} the same in Checkov and iaclint, "
          f"{len(missing)} on resources Checkov does not hand over, "
          f"{sum(1 for v in ours.values() if v == 'UNKNOWN')} UNKNOWN (left out by both)")
    assert len(both) > 1000


def _not_a_checkov_entity(key) -> bool:
    _, file, address = key
    if file.endswith(".json") and '"resource_changes"' in open(file, encoding="utf-8", errors="replace").read():
        return True  # a Terraform plan
    return not checkov_oracle.written(file, address)  # made by a transform (SAM's implicit role)
