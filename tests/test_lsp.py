"""`iaclint lsp` driven by a real LSP client (pytest-lsp) over standard input/output.

The server runs as `python -m iaclint lsp` in a subprocess; the client announces VS Code's
capabilities (UTF-16 positions), opens, edits, saves and closes documents that are
never written to disk unless a test saves them, and checks diagnostics, hover and quick
fixes.
"""
from __future__ import annotations

import asyncio
import json
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("pygls", reason="pygls is not installed (the lsp and test extras have it)")
pytest_lsp = pytest.importorskip("pytest_lsp", reason="pytest-lsp is not installed (the test extra has it)")

from lsprotocol import types  # noqa: E402
from pygls.uris import from_fs_path  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features  # noqa: E402

DEBOUNCE = 0.3
SELECT = ["IAC001", "IAC201", "IAC305"]
DOCS = "https://github.com/iaclint/iaclint/blob/main/docs/policies.md#"

NOTEBOOK = textwrap.dedent('''\
    resource "aws_sagemaker_notebook_instance" "nb" {
      name                   = "nb"
      role_arn               = "arn:aws:iam::123456789012:role/sm"
      instance_type          = "ml.t3.medium"
      root_access            = "Disabled"
      direct_internet_access = var.internet
    }
    ''')
VARIABLES = 'variable "internet" {\n  default = "%s"\n}\n'
TEMPLATE = textwrap.dedent('''\
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      Notebook:
        Type: AWS::SageMaker::NotebookInstance
        Properties:
          InstanceType: ml.t3.medium
          RoleArn: arn:aws:iam::123456789012:role/sm
          RootAccess: Disabled
          DirectInternetAccess: Enabled
    ''')


def recording_client() -> LanguageClient:
    """pytest-lsp's client, also keeping every publishDiagnostics in order."""
    client = LanguageClient()
    client.published = []

    def publish(ls: LanguageClient, params: types.PublishDiagnosticsParams):
        ls.diagnostics[params.uri] = params.diagnostics
        ls.published.append(params)

    register_lsp_features(client, {**DEFAULT_CLIENT_FEATURES, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: publish})
    return client


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "iaclint", "lsp", "--stdio"],
                                              client_factory=recording_client))
async def client(lsp_client: LanguageClient, tmp_path):
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        root_uri=from_fs_path(str(tmp_path)),
        initialization_options={"iaclint": {"select": SELECT, "debounce": DEBOUNCE}},
    ))
    yield
    await lsp_client.shutdown_session()


async def published_for(client, uri: str, after: int = 0, timeout: float = 20.0) -> types.PublishDiagnosticsParams:
    """The first publishDiagnostics for `uri` among those after the first `after`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        for params in client.published[after:]:
            if params.uri == uri:
                return params
        await asyncio.sleep(0.02)
    raise AssertionError(f"no diagnostics published for {uri} within {timeout}s")


def open_doc(client, path: Path, text: str, language: str = "terraform", version: int = 1) -> str:
    uri = from_fs_path(str(path))
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id=language, version=version, text=text)))
    return uri


def change_doc(client, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))


def codes(params) -> list:
    return sorted((d.code, d.range.start.line) for d in params.diagnostics)


def apply(text: str, edits) -> str:
    lines = text.splitlines(keepends=True)
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        assert edit.range.start == edit.range.end  # insertions only
        line = edit.range.start.line
        lines[line:line] = [edit.new_text]
    return "".join(lines)


@pytest.mark.asyncio
async def test_open_publishes_diagnostics_from_the_unsaved_buffer(client: LanguageClient, tmp_path):
    (tmp_path / "variables.tf").write_text(VARIABLES % "Enabled")
    (tmp_path / "main.tf").write_text("# on disk: nothing yet\n")
    (tmp_path / "other.tf").write_text('resource "aws_sagemaker_notebook_instance" "other" {\n  name = "o"\n}\n')
    uri = open_doc(client, tmp_path / "main.tf", NOTEBOOK)
    params = await published_for(client, uri)
    assert params.version == 1
    [diagnostic] = params.diagnostics  # other.tf's findings are not main.tf's
    assert diagnostic.code == "IAC201"
    assert diagnostic.source == "iaclint"
    assert diagnostic.severity == types.DiagnosticSeverity.Error  # high
    assert diagnostic.code_description.href == DOCS + "iac201"
    line = NOTEBOOK.splitlines()[5]
    assert diagnostic.range == types.Range(start=types.Position(line=5, character=2),
                                           end=types.Position(line=5, character=len(line)))
    assert "direct internet access" in diagnostic.message
    assert "aws_sagemaker_notebook_instance.nb" in diagnostic.message
    # Nothing was published for files that are not open.
    assert {p.uri for p in client.published} == {uri}


@pytest.mark.asyncio
async def test_changes_are_debounced_and_use_the_latest_buffer(client: LanguageClient, tmp_path):
    (tmp_path / "variables.tf").write_text(VARIABLES % "Enabled")
    uri = open_doc(client, tmp_path / "main.tf", NOTEBOOK)
    await published_for(client, uri)
    before = len(client.published)
    fixed = NOTEBOOK.replace("var.internet", '"Disabled"')
    for version, text in enumerate([NOTEBOOK + "\n", fixed.replace("Disabled", "Dis"), fixed], start=2):
        change_doc(client, uri, version, text)
    params = await published_for(client, uri, after=before)
    assert params.version == 4 and params.diagnostics == ()
    await asyncio.sleep(DEBOUNCE * 3)
    assert len(client.published) == before + 1  # one scan for the burst of edits, not three
    assert not (tmp_path / "main.tf").exists()  # the buffer was never written


@pytest.mark.asyncio
async def test_save_rescans_and_an_edit_in_a_sibling_buffer_updates_the_module(client: LanguageClient, tmp_path):
    (tmp_path / "main.tf").write_text(NOTEBOOK)
    (tmp_path / "variables.tf").write_text(VARIABLES % "Disabled")
    main_uri = open_doc(client, tmp_path / "main.tf", NOTEBOOK)
    assert (await published_for(client, main_uri)).diagnostics == ()
    vars_uri = open_doc(client, tmp_path / "variables.tf", VARIABLES % "Disabled")
    await published_for(client, vars_uri)
    before = len(client.published)
    # An unsaved edit of variables.tf opens up the notebook in main.tf.
    change_doc(client, vars_uri, 2, VARIABLES % "Enabled")
    params = await published_for(client, main_uri, after=before)
    assert codes(params) == [("IAC201", 5)]
    # Saving main.tf rescans at once (no debounce).
    before = len(client.published)
    client.text_document_did_save(types.DidSaveTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=main_uri)))
    params = await published_for(client, main_uri, after=before, timeout=DEBOUNCE * 0.9 + 5)
    assert codes(params) == [("IAC201", 5)]
    # Closing clears the document's diagnostics.
    before = len(client.published)
    client.text_document_did_close(types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=main_uri)))
    assert (await published_for(client, main_uri, after=before)).diagnostics == ()


@pytest.mark.asyncio
async def test_hover_shows_the_policy_documentation(client: LanguageClient, tmp_path):
    (tmp_path / "variables.tf").write_text(VARIABLES % "Enabled")
    uri = open_doc(client, tmp_path / "main.tf", NOTEBOOK)
    await published_for(client, uri)
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=5, character=10)))
    assert hover is not None and hover.contents.kind == types.MarkupKind.Markdown
    text = hover.contents.value
    assert text.startswith("**IAC201** `sagemaker-notebook-direct-internet-access` (high)")
    assert "**Why it matters**" in text and "**Fix in Terraform**" in text
    assert "Fix in CloudFormation" not in text  # the fix for this buffer's format
    assert DOCS + "iac201" in text
    nothing = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=1, character=4)))
    assert nothing is None


@pytest.mark.asyncio
async def test_quick_fixes_insert_a_suppression_above_the_line_or_the_resource(client: LanguageClient, tmp_path):
    (tmp_path / "variables.tf").write_text(VARIABLES % "Enabled")
    uri = open_doc(client, tmp_path / "main.tf", NOTEBOOK)
    [diagnostic] = (await published_for(client, uri)).diagnostics
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=diagnostic.range,
        context=types.CodeActionContext(diagnostics=[diagnostic])))
    assert [a.title for a in actions] == [
        "Suppress IAC201 on this line (iaclint:ignore with a reason)",
        "Suppress IAC201 for aws_sagemaker_notebook_instance.nb (iaclint:ignore with a reason)"]
    assert all(a.kind == types.CodeActionKind.QuickFix and a.diagnostics[0].code == "IAC201" for a in actions)
    on_line = apply(NOTEBOOK, actions[0].edit.changes[uri]).splitlines()
    assert on_line[5] == "  # iaclint:ignore IAC201 -- <reason>"
    assert on_line[6].lstrip().startswith("direct_internet_access")
    on_resource = apply(NOTEBOOK, actions[1].edit.changes[uri]).splitlines()
    assert on_resource[0] == "# iaclint:ignore IAC201 -- <reason>"
    assert on_resource[1].startswith('resource "aws_sagemaker_notebook_instance" "nb"')
    # Away from any diagnostic there is nothing to fix.
    none = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=types.Range(start=types.Position(line=1, character=0), end=types.Position(line=1, character=0)),
        context=types.CodeActionContext(diagnostics=[])))
    assert not none


@pytest.mark.asyncio
async def test_cloudformation_yaml(client: LanguageClient, tmp_path):
    uri = open_doc(client, tmp_path / "stack.yaml", TEMPLATE, language="yaml")
    params = await published_for(client, uri)
    [diagnostic] = params.diagnostics
    assert diagnostic.code == "IAC201" and diagnostic.range.start == types.Position(line=8, character=6)
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=diagnostic.range,
        context=types.CodeActionContext(diagnostics=[diagnostic])))
    fixed = apply(TEMPLATE, actions[-1].edit.changes[uri]).splitlines()
    assert fixed[2] == "  # iaclint:ignore IAC201 -- <reason>" and fixed[3] == "  Notebook:"
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=8, character=8)))
    assert "**Fix in CloudFormation**" in hover.contents.value and "Fix in Terraform" not in hover.contents.value


@pytest.mark.asyncio
async def test_cloudformation_json_quick_fix_adds_metadata(client: LanguageClient, tmp_path):
    import yaml

    text = json.dumps(yaml.safe_load(TEMPLATE), indent=2) + "\n"
    uri = open_doc(client, tmp_path / "stack.json", text, language="json")
    [diagnostic] = (await published_for(client, uri)).diagnostics
    assert diagnostic.code == "IAC201"
    [action] = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=diagnostic.range,
        context=types.CodeActionContext(diagnostics=[diagnostic])))
    fixed = json.loads(apply(text, action.edit.changes[uri]))
    assert fixed["Resources"]["Notebook"]["Metadata"] == {"iaclint": {"ignore": [{"id": "IAC201",
                                                                                   "reason": "<reason>"}]}}
    assert fixed["Resources"]["Notebook"]["Type"] == "AWS::SageMaker::NotebookInstance"


@pytest.mark.asyncio
async def test_ranges_are_in_utf16_code_units(client: LanguageClient, tmp_path):
    text = ('resource "aws_iam_policy" "p" {\n'
            '  policy = jsonencode({ Statement = [{ Sid = "é😀", Effect = "Allow", Action = "bedrock:*", '
            'Resource = "arn:aws:bedrock:us-east-1::foundation-model/x" }] })\n}\n')
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"iaclint": {"select": ["IAC301"], "debounce": DEBOUNCE}}))
    uri = open_doc(client, tmp_path / "iam.tf", text)
    params = await published_for(client, uri)
    while not params.diagnostics:  # the configuration change may land after the open's scan
        params = await published_for(client, uri, after=client.published.index(params) + 1)
    [diagnostic] = params.diagnostics
    line = text.splitlines()[1]
    start = line.index('Action = "bedrock:*"')
    utf16 = len(line[:start].encode("utf-16-le")) // 2
    assert diagnostic.code == "IAC301"
    assert diagnostic.range.start == types.Position(line=1, character=utf16) and utf16 == start + 1  # 😀 is 2 units
    assert diagnostic.range.end.character == utf16 + len('Action = "bedrock:*"')


@pytest.mark.asyncio
async def test_parse_error_and_files_that_are_not_infrastructure(client: LanguageClient, tmp_path):
    uri = open_doc(client, tmp_path / "broken.tf", 'resource "aws_s3_bucket" "b" {\n  bucket = \n')
    [diagnostic] = (await published_for(client, uri)).diagnostics
    assert diagnostic.code == "IAC001" and diagnostic.range.end.character > diagnostic.range.start.character
    readme = open_doc(client, tmp_path / "README.md", "# hello\n", language="markdown")
    workflow = open_doc(client, tmp_path / "ci.yml", "on: push\njobs: {}\n", language="yaml")
    assert (await published_for(client, workflow)).diagnostics == ()
    await asyncio.sleep(DEBOUNCE)
    assert readme not in {p.uri for p in client.published}


def test_cli_without_pygls_says_which_extra_to_install(tmp_path):
    import os
    import subprocess

    blocker = tmp_path / "sitecustomize.py"
    blocker.write_text("import sys\nclass _Block:\n"
                       "    def find_spec(self, name, path=None, target=None):\n"
                       "        if name.split('.')[0] == 'pygls':\n"
                       "            raise ModuleNotFoundError(\"No module named 'pygls'\", name='pygls')\n"
                       "sys.meta_path.insert(0, _Block())\n")
    env = dict(os.environ, PYTHONPATH=str(tmp_path) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-m", "iaclint", "lsp"], capture_output=True, text=True, env=env,
                          timeout=60, stdin=subprocess.DEVNULL)
    assert proc.returncode == 2
    assert "pip install 'iaclint[lsp]'" in proc.stderr


@pytest.mark.asyncio
async def test_applied_quick_fix_with_a_reason_suppresses_the_finding(client: LanguageClient, tmp_path):
    (tmp_path / "variables.tf").write_text(VARIABLES % "Enabled")
    uri = open_doc(client, tmp_path / "main.tf", NOTEBOOK)
    [diagnostic] = (await published_for(client, uri)).diagnostics
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=diagnostic.range,
        context=types.CodeActionContext(diagnostics=[diagnostic])))
    for version, action in enumerate(actions, start=2):
        edited = apply(NOTEBOOK, action.edit.changes[uri]).replace("<reason>", "lab notebook, no data")
        before = len(client.published)
        change_doc(client, uri, version, edited)
        params = await published_for(client, uri, after=before)
        assert params.diagnostics == (), action.title


@pytest.mark.asyncio
async def test_configuration_file_applies_under_the_editor_settings(client: LanguageClient, tmp_path):
    (tmp_path / ".iaclint.yaml").write_text("severity:\n  IAC201: medium\n")
    (tmp_path / "variables.tf").write_text(VARIABLES % "Enabled")
    notebook = NOTEBOOK.replace('  root_access            = "Disabled"\n', "")
    uri = open_doc(client, tmp_path / "main.tf", notebook)
    params = await published_for(client, uri)
    assert {(d.code, d.severity) for d in params.diagnostics} == {
        ("IAC201", types.DiagnosticSeverity.Warning),  # the file's severity override
        ("IAC305", types.DiagnosticSeverity.Error)}
    (tmp_path / ".iaclint.yaml").write_text("ignore: [IAC305]\n")
    before = len(client.published)
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    params = await published_for(client, uri, after=before)
    assert [(d.code, d.severity) for d in params.diagnostics] == [("IAC201", types.DiagnosticSeverity.Error)]


@pytest.mark.asyncio
async def test_trusted_accounts_of_the_configuration_file_apply(client: LanguageClient, tmp_path):
    role = ('resource "aws_iam_role" "ml" {\n  name = "ml"\n  assume_role_policy = jsonencode({\n'
            '    Statement = [\n'
            '      { Effect = "Allow", Principal = { Service = "sagemaker.amazonaws.com" }, Action = "sts:AssumeRole",\n'
            '        Condition = { StringEquals = { "aws:SourceAccount" = "111122223333" } } },\n'
            '      { Effect = "Allow", Principal = { AWS = "arn:aws:iam::444455556666:root" }, Action = "sts:AssumeRole" },\n'
            '    ]\n  })\n}\n')
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"iaclint": {"select": ["IAC310"], "debounce": DEBOUNCE}}))
    uri = open_doc(client, tmp_path / "main.tf", role)
    assert [(d.code, d.range.start.line) for d in (await published_for(client, uri)).diagnostics] == [("IAC310", 6)]
    (tmp_path / ".iaclint.yaml").write_text('trusted-accounts: ["444455556666"]\n')
    before = len(client.published)
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    assert (await published_for(client, uri, after=before)).diagnostics == ()


@pytest.mark.asyncio
async def test_a_broken_configuration_file_is_shown_once_and_scanning_goes_on(client: LanguageClient, tmp_path):
    (tmp_path / ".iaclint.yaml").write_text("selekt: [IAC201]\n")
    (tmp_path / "variables.tf").write_text(VARIABLES % "Enabled")
    uri = open_doc(client, tmp_path / "main.tf", NOTEBOOK)
    assert codes(await published_for(client, uri)) == [("IAC201", 5)]
    before = len(client.published)
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    await published_for(client, uri, after=before)
    errors = [m for m in client.messages if m.type == types.MessageType.Error]
    assert len(errors) == 1 and ".iaclint.yaml" in errors[0].message and "selekt" in errors[0].message


def test_a_scan_never_imports_the_language_server(tmp_path):
    import subprocess

    (tmp_path / "main.tf").write_text(NOTEBOOK)
    code = ("import sys\nfrom iaclint.faces.cli import main\nmain(['scan', sys.argv[1], '-f', 'json', '-o', sys.argv[2]])\n"
            "print(sorted(m for m in ('pygls', 'lsprotocol', 'iaclint.faces.lsp') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "main.tf"), str(tmp_path / "r.json")],
                         capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stderr


def _finding(policy_id="IAC301", line=1, resource="aws_iam_policy.p"):
    from iaclint.model.finding import Finding

    return Finding(policy_id=policy_id, policy_name="x", severity="high", message="m", file="f", line=line,
                   column=1, end_line=line, end_column=2, resource=resource)


def test_no_comment_is_offered_inside_a_heredoc_or_a_yaml_block_scalar():
    from iaclint.faces.lsp import suppression_edits

    heredoc = ['resource "aws_iam_policy" "p" {', '  policy = <<EOF', '{"Action": "bedrock:*"}', 'EOF', '}']
    [(title, edit)] = suppression_edits(heredoc, "main.tf", _finding(line=3))
    assert "for aws_iam_policy.p" in title and edit.range.start.line == 0
    block = ["Resources:", "  P:", "    Type: AWS::IAM::ManagedPolicy", "    Properties:",
             "      PolicyDocument: |", "        {", '          "Action": "bedrock:*"', "        }"]
    [(title, edit)] = suppression_edits(block, "stack.yaml", _finding(line=7, resource="P"))
    assert edit.range.start.line == 1 and edit.new_text == "  # iaclint:ignore IAC301 -- <reason>\n"
    assert suppression_edits(heredoc, "main.tf.json", _finding(line=3)) == []


def test_json_metadata_fix_only_when_the_resource_has_none():
    from iaclint.faces.lsp import suppression_edits

    with_metadata = json.dumps({"Resources": {"P": {"Type": "AWS::IAM::ManagedPolicy", "Metadata": {},
                                                    "Properties": {}}}}, indent=2).splitlines()
    assert suppression_edits(with_metadata, "stack.json", _finding(line=5, resource="P")) == []
    without = json.dumps({"Resources": {"P": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {}}}},
                         indent=2).splitlines()
    [(_, edit)] = suppression_edits(without, "stack.json", _finding(line=4, resource="P"))
    assert edit.range.start.line == 3
    assert edit.new_text.startswith('      "Metadata": {"iaclint": {"ignore": [{"id": "IAC301"')


# -- commands for editor extensions (the VS Code extension's Scan Workspace and Explain) ----
def kinds(reports) -> list:
    return [type(r).__name__ for r in reports]


@pytest.mark.asyncio
async def test_scan_workspace_publishes_every_file_with_progress(client: LanguageClient, tmp_path):
    (tmp_path / "variables.tf").write_text(VARIABLES % "Enabled")
    (tmp_path / "main.tf").write_text(NOTEBOOK)
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "stack.yaml").write_text(TEMPLATE)
    (tmp_path / "stacks" / "other.yaml").write_text(TEMPLATE.replace("Notebook:", "Other:"))
    (tmp_path / "ci.yml").write_text("on: push\njobs: {}\n")
    main_uri, other_uri = from_fs_path(str(tmp_path / "main.tf")), from_fs_path(str(tmp_path / "stacks" / "other.yaml"))
    # An open buffer counts as edited (not saved): the edit fixes stack.yaml.
    stack_uri = open_doc(client, tmp_path / "stacks" / "stack.yaml",
                         TEMPLATE.replace("DirectInternetAccess: Enabled", "DirectInternetAccess: Disabled"), "yaml")
    assert (await published_for(client, stack_uri)).diagnostics == ()
    client.progress_reports["scan-1"] = []
    before = len(client.published)
    summary = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="iaclint.server.scanWorkspace",
        arguments=[{"folders": [from_fs_path(str(tmp_path))], "workDoneToken": "scan-1"}]))
    assert summary == {"folders": 1, "files": 4, "findings": 2, "filesWithFindings": 2, "cancelled": False}
    published = {p.uri: codes(p) for p in client.published[before:]}
    assert published == {main_uri: [("IAC201", 5)], other_uri: [("IAC201", 8)], stack_uri: []}
    [diagnostic] = client.diagnostics[main_uri]
    assert diagnostic.range == types.Range(start=types.Position(line=5, character=2),
                                           end=types.Position(line=5, character=len(NOTEBOOK.splitlines()[5])))
    reports = client.progress_reports["scan-1"]
    assert kinds(reports) == ["WorkDoneProgressBegin", "WorkDoneProgressReport", "WorkDoneProgressEnd"]
    assert reports[0].title == "iaclint: scanning the workspace" and reports[0].cancellable
    assert reports[1].message == f"{tmp_path.name} (1/1)" and reports[2].message == "2 findings in 2 files"

    # Opening and closing a file the scan covered: its findings on disk come back.
    fixed = NOTEBOOK.replace("var.internet", '"Disabled"')
    before = len(client.published)
    opened = open_doc(client, tmp_path / "main.tf", fixed)
    assert opened == main_uri and (await published_for(client, main_uri, after=before)).diagnostics == ()
    before = len(client.published)
    client.text_document_did_close(types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=main_uri)))
    assert codes(await published_for(client, main_uri, after=before)) == [("IAC201", 5)]

    # A settings change rescans what the workspace scan covered: ignoring IAC201 clears it all.
    before = len(client.published)
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"iaclint": {"select": SELECT, "ignore": ["IAC201"], "debounce": DEBOUNCE}}))
    assert (await published_for(client, main_uri, after=before)).diagnostics == ()
    assert (await published_for(client, other_uri, after=before)).diagnostics == ()


@pytest.mark.asyncio
async def test_scan_workspace_without_a_token_creates_its_own_progress(client: LanguageClient, tmp_path):
    (tmp_path / "stack.yaml").write_text(TEMPLATE)
    summary = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="iaclint.server.scanWorkspace"))  # no arguments: the workspace's folders (here its root)
    assert summary["findings"] == 1 and summary["folders"] == 1
    [(token, reports)] = client.progress_reports.items()
    assert str(token).startswith("iaclint-scan-")
    assert kinds(reports) == ["WorkDoneProgressBegin", "WorkDoneProgressReport", "WorkDoneProgressEnd"]
    assert codes(await published_for(client, from_fs_path(str(tmp_path / "stack.yaml")))) == [("IAC201", 8)]


@pytest.mark.asyncio
async def test_explain_and_policies_commands(client: LanguageClient):
    explained = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="iaclint.server.explain", arguments=["iac201"]))
    assert explained["id"] == "IAC201" and explained["severity"] == "high"
    text = explained["markdown"]
    assert text.startswith("# IAC201 `sagemaker-notebook-direct-internet-access`\n\n**high**: ")
    assert "## Why it matters" in text and "## Fix in Terraform" in text and "## Fix in CloudFormation" in text
    assert DOCS + "iac201" in text and "# iaclint:ignore IAC201 -- <reason>" in text
    by_name = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="iaclint.server.explain", arguments=["sagemaker-notebook-direct-internet-access"]))
    assert by_name["id"] == "IAC201"
    assert await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="iaclint.server.explain", arguments=["IAC999"])) is None
    listed = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="iaclint.server.policies"))
    assert {"id": "IAC201", "name": "sagemaker-notebook-direct-internet-access", "severity": "high",
            "title": explained["title"]} in listed
    assert [p["id"] for p in listed] == sorted(p["id"] for p in listed)


@pytest.mark.asyncio
async def test_an_untrusted_workspace_does_not_load_the_policy_dirs_of_its_configuration(client: LanguageClient,
                                                                                         tmp_path):
    marker = tmp_path / "imported"
    (tmp_path / "evil").mkdir()
    (tmp_path / "evil" / "p.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    (tmp_path / "evil" / "p.yaml").write_text(textwrap.dedent('''\
        metadata:
          id: IAC901
          name: workspace-policy
          severity: low
          message: a workspace policy
        definition:
          cond_type: attribute
          resource_types: [aws_sagemaker_notebook_instance]
          attribute: instance_type
          operator: regex_match
          value: '^ml\\.m5\\.'
        '''))
    (tmp_path / ".iaclint.yaml").write_text("policy-dirs: [evil]\n")
    (tmp_path / "variables.tf").write_text(VARIABLES % "Enabled")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"iaclint": {"select": ["IAC201", "IAC901"], "trustedWorkspace": False}}))
    uri = open_doc(client, tmp_path / "main.tf", NOTEBOOK)
    assert codes(await published_for(client, uri)) == [("IAC201", 5)]
    assert not marker.exists()
    errors = [m.message for m in client.messages if m.type == types.MessageType.Error]
    assert any(".iaclint.yaml: `policy-dirs` ignored: a configuration in the scanned tree cannot load policies"
               " (Python policies run code); to use it, trust the workspace" in e for e in errors), errors
    assert any("unknown policy 'IAC901'" in e and "scanning without them" in e for e in errors), errors
    # Trust granted: the extension says so, the configuration's policies load.
    before = len(client.published)
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"iaclint": {"select": ["IAC201", "IAC901"], "trustedWorkspace": True}}))
    assert codes(await published_for(client, uri, after=before)) == [("IAC201", 5), ("IAC901", 3)]  # instance_type
    assert marker.exists()
