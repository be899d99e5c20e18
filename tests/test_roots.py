"""A finding names the root module it was evaluated in; findings that differ only by
module instance or root are one line of the text report (issue 12)."""
from __future__ import annotations

import textwrap

from iaclint.api import scan
from iaclint.formatters.text import format_text
from iaclint.model.finding import fingerprint

AGENT = """\
resource "aws_sagemaker_notebook_instance" "nb" {
  name                   = "nb"
  role_arn               = "arn:aws:iam::123456789012:role/x"
  instance_type          = "ml.t3.medium"
  direct_internet_access = "Enabled"
}
"""
ADDRESS = "module.agent.aws_sagemaker_notebook_instance.nb"


def _tree(tmp_path, files: dict):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return tmp_path


def test_two_roots_calling_one_module_are_two_findings_told_apart_and_one_text_line(tmp_path, monkeypatch):
    monkeypatch.chdir(_tree(tmp_path, {
        "modules/agent/main.tf": AGENT,
        "environments/dev/main.tf": 'module "agent" {\n  source = "../../modules/agent"\n}\n',
        "environments/staging/main.tf": 'module "agent" {\n  source = "../../modules/agent"\n}\n'}))
    result = scan(["."], select=["IAC201"])
    assert [(f.resource, f.file, f.line, f.root) for f in result.findings] == [
        (ADDRESS, "modules/agent/main.tf", 5, "environments/dev"),
        (ADDRESS, "modules/agent/main.tf", 5, "environments/staging")]
    assert len({f.fingerprint for f in result.findings}) == 2
    assert result.findings[0].fingerprint == fingerprint("IAC201", "modules/agent/main.tf", ADDRESS,
                                                         ("direct_internet_access",), "environments/dev")
    lines = format_text(result).splitlines()
    assert lines[0] == ("modules/agent/main.tf:5:3: IAC201 [high] SageMaker notebook instance has direct internet "
                        f"access: `direct_internet_access` is `Enabled` ({ADDRESS} in environments/dev, "
                        "environments/staging)")
    assert lines[1:] == ["", lines[-1]] and lines[-1].startswith("Scanned 3 files, 2 resources")


def test_module_instances_are_one_text_line_listing_them(tmp_path, monkeypatch):
    monkeypatch.chdir(_tree(tmp_path, {
        "modules/agent/main.tf": AGENT,
        "main.tf": 'module "agent" {\n  count  = 2\n  source = "./modules/agent"\n}\n'}))
    result = scan(["."], select=["IAC201"])
    assert [(f.resource, f.line, f.root) for f in result.findings] == [
        ("module.agent[0].aws_sagemaker_notebook_instance.nb", 5, "."),
        ("module.agent[1].aws_sagemaker_notebook_instance.nb", 5, ".")]
    assert format_text(result).splitlines()[0].endswith(
        "(module.agent[0].aws_sagemaker_notebook_instance.nb, module.agent[1].aws_sagemaker_notebook_instance.nb in .)")


def test_a_roots_own_resources_keep_their_fingerprint(tmp_path, monkeypatch):
    monkeypatch.chdir(_tree(tmp_path, {"main.tf": AGENT}))
    [f] = scan(["."], select=["IAC201"]).findings
    assert (f.resource, f.line, f.root) == ("aws_sagemaker_notebook_instance.nb", 5, "")
    assert f.fingerprint == fingerprint("IAC201", "main.tf", f.resource, ("direct_internet_access",))
    assert format_text(scan(["."], select=["IAC201"])).splitlines()[0].endswith("(aws_sagemaker_notebook_instance.nb)")
