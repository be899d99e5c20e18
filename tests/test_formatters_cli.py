"""Several reports from one run: each --format takes the --output that follows it, and
at most one report goes to standard output. The scan itself is replaced by a hand-built
result so that these tests exercise only the output options."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from test_formatters_samples import sample_result

import iaclint.api
from iaclint.faces.cli import main
from iaclint.formatters.github import format_github
from iaclint.formatters.json_format import format_json
from iaclint.formatters.markdown import format_markdown
from iaclint.formatters.text import format_text


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(iaclint.api, "scan_reports", _sample_reports)
    return tmp_path


def _sample_reports(paths, reports, **asked):
    """`api.scan_reports` of the hand-built result: each asked report rendered from it."""
    from iaclint.formatters import get_writer
    from iaclint.pipeline.report_cache import Reports, outcome

    result = sample_result()
    return Reports(result, outcome(result, {}), [get_writer(fmt)(result, colour=colour) for fmt, colour in reports])


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_default_is_text_on_stdout(workdir, capsys):
    code, out, err = run(capsys, "scan", ".")
    assert code == 1 and err == ""
    assert out == format_text(sample_result())
    assert list(workdir.iterdir()) == []


def test_sarif_to_file_and_text_to_stdout(workdir, capsys):
    code, out, err = run(capsys, "scan", ".", "--format", "sarif", "--output", "a.sarif", "--format", "text")
    assert code == 1 and err == ""
    assert json.loads((workdir / "a.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert out == format_text(sample_result())


def test_three_reports_short_options(workdir, capsys):
    code, out, _ = run(capsys, "scan", "-f", "json", "-o", "r.json", "-f", "junit", "-o", "r.xml", "-f", "github")
    assert code == 1
    assert out == format_github(sample_result())
    assert (workdir / "r.json").read_text(encoding="utf-8") == format_json(sample_result())
    assert ET.parse(workdir / "r.xml").getroot().get("failures") == "3"


def test_output_before_format_belongs_to_the_next_format(workdir, capsys):
    code, out, _ = run(capsys, "scan", "--output", "summary.md", "--format", "markdown")
    assert code == 1 and out == ""
    assert (workdir / "summary.md").read_text(encoding="utf-8") == format_markdown(sample_result())


def test_output_without_format_writes_text(workdir, capsys):
    code, out, _ = run(capsys, "scan", "--output", "report.txt")
    assert code == 1 and out == ""
    assert (workdir / "report.txt").read_text(encoding="utf-8") == format_text(sample_result())


def test_dash_means_stdout(workdir, capsys):
    code, out, _ = run(capsys, "scan", "-f", "github", "-o", "-")
    assert out == format_github(sample_result())


@pytest.mark.parametrize("argv,message", [
    (("--format", "json", "--format", "text"), "only one --format can go to standard output"),
    (("-f", "json", "-o", "same", "-f", "sarif", "-o", "same"), "two reports would be written to the same --output"),
    (("-o", "a", "-o", "b"), "two outputs for one --format"),
])
def test_usage_errors(workdir, capsys, argv, message):
    code, out, err = run(capsys, "scan", *argv)
    assert code == 2 and out == "" and message in err
    assert list(workdir.iterdir()) == []


def test_unknown_format_is_a_usage_error(workdir, capsys):
    code, _, err = run(capsys, "scan", "--format", "xml")
    assert code == 2 and "invalid choice: 'xml'" in err


def test_unwritable_output_exits_2(workdir, capsys):
    code, _, err = run(capsys, "scan", "-f", "sarif", "-o", str(workdir / "no" / "such" / "dir.sarif"))
    assert code == 2 and "cannot write" in err
