// The real `iaclint lsp`, driven over stdio the way VS Code's language client drives it,
// with the initialization options and settings notifications that the extension's own
// settings translation produces.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  CodeAction,
  CodeActionRequest,
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  HoverRequest,
  MarkupContent,
  TextEdit,
  WorkDoneProgressCancelNotification,
} from 'vscode-languageserver-protocol/node';

import { checkVersion, compareVersions, MIN_VERSION } from '../../src/executable';
import { Explained, PolicyInfo, ScanSummary, SERVER_COMMANDS, serverHas } from '../../src/protocol';
import { serverSettings } from '../../src/settings';
import { brief, copyFixtures, iaclintExecutable, TestClient, textAt, uri } from '../lsp-client';
import { inspectOf } from '../vscode-settings';

const ERROR = 1;
const WARNING = 2;
const INFORMATION = 3;
const DOCS = 'https://github.com/iaclint/iaclint/blob/main/docs/policies.md#';

function settingsFor(root: string, user: Record<string, unknown> = {}, trusted = true) {
  return serverSettings(inspectOf(user), { trusted, workspaceFolders: [root] });
}

/** Insertions applied to `text` (the quick fixes only insert). */
function apply(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  for (const edit of [...edits].sort((a, b) => b.range.start.line - a.range.start.line)) {
    assert.deepEqual(edit.range.start, edit.range.end);
    const line = lines[edit.range.start.line];
    const at = edit.range.start.character;
    lines[edit.range.start.line] = line.slice(0, at) + edit.newText + line.slice(at);
  }
  return lines.join('\n');
}

describe('iaclint lsp, driven like VS Code', () => {
  let root: string;
  let client: TestClient;
  let main: string;
  let mainText: string;

  before(async () => {
    root = copyFixtures(fs.mkdtempSync(path.join(os.tmpdir(), 'iaclint-vscode-')));
    main = path.join(root, 'terraform', 'main.tf');
    mainText = fs.readFileSync(main, 'utf8');
    client = TestClient.start(root);
    await client.initialize(root, settingsFor(root).settings);
  });

  after(async () => {
    await client?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('the installed iaclint is recent enough for this extension', async () => {
    const check = await checkVersion(iaclintExecutable());
    assert.equal(check.ok, true, JSON.stringify(check));
    assert.ok(check.ok && compareVersions(check.version, MIN_VERSION) >= 0);
  });

  it('initialize: the server offers its commands, quick fixes and hover', () => {
    const result = client.initializeResult!;
    assert.equal(result.serverInfo?.name, 'iaclint');
    for (const command of Object.values(SERVER_COMMANDS)) {
      assert.ok(serverHas(result.capabilities, command), command);
    }
    assert.ok(result.capabilities.codeActionProvider);
    assert.ok(result.capabilities.hoverProvider);
  });

  it('didOpen: a Terraform buffer gets diagnostics with exact ranges, codes and severities', async () => {
    const id = await client.open(main, 'terraform');
    const params = await client.diagnostics(id);
    assert.equal(params.version, 1);
    assert.deepEqual(brief(params.diagnostics), [
      ['IAC201', 9, 2, 9, 39, ERROR],
      ['IAC301', 20, 37, 20, 57, ERROR],
      ['IAC303', 20, 59, 20, 73, WARNING],
    ]);
    const byCode = new Map(params.diagnostics.map((d) => [String(d.code), d]));
    assert.equal(textAt(mainText, byCode.get('IAC201')!), 'direct_internet_access = var.internet');
    assert.equal(textAt(mainText, byCode.get('IAC301')!), 'Action = "bedrock:*"');
    assert.equal(textAt(mainText, byCode.get('IAC303')!), 'Resource = "*"');
    const notebook = byCode.get('IAC201')!;
    assert.equal(notebook.source, 'iaclint');
    assert.equal(notebook.codeDescription?.href, DOCS + 'iac201');
    assert.match(notebook.message, /^SageMaker notebook instance has direct internet access: .*\(aws_sagemaker_notebook_instance\.research\)$/);
    // Nothing was published for files that are not open.
    assert.deepEqual([...new Set(client.published.map((p) => p.uri))], [id]);
  });

  it('hover over a diagnostic shows the policy', async () => {
    const hover = await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: uri(main) },
      position: { line: 9, character: 10 },
    });
    const contents = hover?.contents as MarkupContent;
    assert.equal(contents.kind, 'markdown');
    assert.ok(contents.value.startsWith('**IAC201** `sagemaker-notebook-direct-internet-access` (high)'));
  });

  it('the suppression quick fix, with a reason written in, clears the finding', async () => {
    const id = uri(main);
    const [diagnostic] = (await client.diagnostics(id)).diagnostics.filter((d) => d.code === 'IAC201');
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: id },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    })) as CodeAction[];
    assert.deepEqual(actions.map((a) => [a.title, a.kind]), [
      ['Suppress IAC201 on this line (iaclint:ignore with a reason)', 'quickfix'],
      ['Suppress IAC201 for aws_sagemaker_notebook_instance.research (iaclint:ignore with a reason)', 'quickfix'],
    ]);
    const edited = apply(mainText, actions[0].edit!.changes![id]);
    const lines = edited.split('\n');
    assert.equal(lines[9], '  # iaclint:ignore IAC201 -- <reason>');
    assert.equal(lines[10], '  direct_internet_access = var.internet');
    const before = client.published.length;
    const version = await client.change(id, edited.replace('<reason>', 'lab notebook, no data'));
    const params = await client.diagnostics(id, before);
    assert.equal(params.version, version);
    assert.deepEqual(brief(params.diagnostics).map((d) => d[0]), ['IAC301', 'IAC303']);
    // Back to the file as it is on disk, for the tests that follow.
    const again = client.published.length;
    await client.change(id, mainText);
    await client.diagnostics(id, again);
  });

  it('changed settings apply without a restart: ignore, then strict, then back', async () => {
    const id = uri(main);
    let before = client.published.length;
    await client.connection.sendNotification(DidChangeConfigurationNotification.type,
      { settings: settingsFor(root, { ignore: ['IAC301', 'iam-ai-action-resource-star'] }).settings });
    assert.deepEqual(brief((await client.diagnostics(id, before)).diagnostics).map((d) => d[0]), ['IAC201']);

    before = client.published.length;
    await client.connection.sendNotification(DidChangeConfigurationNotification.type,
      { settings: settingsFor(root, { select: ['IAC201', 'IAC602'], strict: true }).settings });
    const strict = (await client.diagnostics(id, before)).diagnostics;
    assert.deepEqual(brief(strict), [['IAC201', 9, 2, 9, 39, ERROR], ['IAC602', 3, 2, 3, 69, INFORMATION]]);
    assert.match(strict.find((d) => d.code === 'IAC602')!.message, /^UNKNOWN: /);

    before = client.published.length;
    await client.connection.sendNotification(DidChangeConfigurationNotification.type,
      { settings: settingsFor(root).settings });
    assert.equal((await client.diagnostics(id, before)).diagnostics.length, 3);
  });

  it('CloudFormation YAML and JSON templates get diagnostics; other YAML and JSON get none', async () => {
    const yaml = path.join(root, 'cloudformation', 'notebook.yaml');
    const json = path.join(root, 'cloudformation', 'notebook.json');
    const yamlDiagnostics = (await client.diagnostics(await client.open(yaml, 'yaml'))).diagnostics;
    assert.deepEqual(brief(yamlDiagnostics), [['IAC201', 12, 6, 12, 35, ERROR]]);
    assert.equal(textAt(fs.readFileSync(yaml, 'utf8'), yamlDiagnostics[0]), 'DirectInternetAccess: Enabled');
    const jsonDiagnostics = (await client.diagnostics(await client.open(json, 'json'))).diagnostics;
    assert.deepEqual(brief(jsonDiagnostics), [['IAC201', 15, 8, 15, 41, ERROR]]);
    assert.equal(textAt(fs.readFileSync(json, 'utf8'), jsonDiagnostics[0]), '"DirectInternetAccess": "Enabled"');
    for (const [file, language] of [['workflow.yml', 'yaml'], ['package.json', 'json']]) {
      const id = await client.open(path.join(root, 'other', file), language);
      assert.deepEqual((await client.diagnostics(id)).diagnostics, [], file);
    }
    // The JSON template's quick fix writes Metadata (JSON has no comments).
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: uri(json) },
      range: jsonDiagnostics[0].range,
      context: { diagnostics: jsonDiagnostics },
    })) as CodeAction[];
    assert.deepEqual(actions.map((a) => a.title), ['Suppress IAC201 for Notebook (Metadata with a reason)']);
    const fixed = JSON.parse(apply(fs.readFileSync(json, 'utf8'), actions[0].edit!.changes![uri(json)]));
    assert.deepEqual(fixed.Resources.Notebook.Metadata, { iaclint: { ignore: [{ id: 'IAC201', reason: '<reason>' }] } });
    for (const file of [yaml, json, path.join(root, 'other', 'workflow.yml'), path.join(root, 'other', 'package.json')]) {
      await client.close(uri(file));
    }
  });

  it('Scan Workspace: every file of the workspace gets its diagnostics, with progress', async () => {
    await client.close(uri(main));
    await new Promise((r) => setTimeout(r, 300));
    const before = client.published.length;
    const token = 'vscode-scan-1';
    const summary = (await client.connection.sendRequest(ExecuteCommandRequest.type, {
      command: SERVER_COMMANDS.scanWorkspace,
      arguments: [{ folders: [uri(root)], workDoneToken: token }],
    })) as ScanSummary;
    assert.deepEqual(summary, { folders: 1, files: 4, findings: 5, filesWithFindings: 3, cancelled: false });
    const published = new Map(client.published.slice(before).map((p) => [p.uri, brief(p.diagnostics)]));
    assert.deepEqual(published.get(uri(main)), [
      ['IAC201', 9, 2, 9, 39, ERROR], ['IAC301', 20, 37, 20, 57, ERROR], ['IAC303', 20, 59, 20, 73, WARNING]]);
    assert.deepEqual(published.get(uri(path.join(root, 'cloudformation', 'notebook.yaml'))), [['IAC201', 12, 6, 12, 35, ERROR]]);
    assert.deepEqual(published.get(uri(path.join(root, 'cloudformation', 'notebook.json'))), [['IAC201', 15, 8, 15, 41, ERROR]]);
    assert.equal(published.has(uri(path.join(root, 'other', 'workflow.yml'))), false);
    const progress = client.progress.filter((p) => p.token === token).map((p) => p.value);
    assert.deepEqual(progress.map((v) => v.kind), ['begin', 'report', 'end']);
    assert.equal(progress[0].title, 'iaclint: scanning the workspace');
    assert.equal(progress[0].cancellable, true);
    assert.equal(progress[1].message, `${path.basename(root)} (1/1)`);
    assert.equal(progress[2].message, '5 findings in 3 files');
    // Cancelling an unknown or finished token is harmless.
    await client.connection.sendNotification(WorkDoneProgressCancelNotification.type, { token });
  });

  it('Explain: a policy as Markdown, and the list of policies to pick from', async () => {
    const explained = (await client.connection.sendRequest(ExecuteCommandRequest.type, {
      command: SERVER_COMMANDS.explain,
      arguments: ['IAC301'],
    })) as Explained;
    assert.equal(explained.id, 'IAC301');
    assert.equal(explained.name, 'iam-bedrock-wildcard-action');
    assert.ok(explained.markdown.startsWith('# IAC301 `iam-bedrock-wildcard-action`\n\n**high**: '));
    for (const heading of ['## What it flags', '## Why it matters', '## Fix in Terraform', '## Fix in CloudFormation']) {
      assert.ok(explained.markdown.includes(heading), heading);
    }
    assert.equal(await client.connection.sendRequest(ExecuteCommandRequest.type, {
      command: SERVER_COMMANDS.explain,
      arguments: ['IAC999'],
    }), null);
    const policies = (await client.connection.sendRequest(ExecuteCommandRequest.type, {
      command: SERVER_COMMANDS.policies,
      arguments: [],
    })) as PolicyInfo[];
    assert.ok(policies.length > 50);
    assert.deepEqual(policies.find((p) => p.id === 'IAC201'), {
      id: 'IAC201', name: 'sagemaker-notebook-direct-internet-access', severity: 'high',
      title: policies.find((p) => p.id === 'IAC201')!.title,
    });
  });

  it('the server logged no internal error', () => {
    assert.deepEqual(client.logs.filter((l) => /internal error|scan failed/.test(l)), []);
  });
});

describe('an untrusted workspace', () => {
  let root: string;
  let client: TestClient;

  before(() => {
    root = copyFixtures(fs.mkdtempSync(path.join(os.tmpdir(), 'iaclint-vscode-untrusted-')));
  });

  after(async () => {
    await client?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("runs no Python policy from the workspace: not its .iaclint.yaml's, not one the user's settings point into it", async () => {
    const marker = path.join(root, 'imported');
    fs.mkdirSync(path.join(root, 'evil'));
    fs.writeFileSync(path.join(root, 'evil', 'policy.py'), `open(${JSON.stringify(marker)}, 'w').close()\n`);
    fs.writeFileSync(path.join(root, '.iaclint.yaml'), 'policy-dirs: [evil]\n');
    const { settings, warnings } = settingsFor(root, { policyDirs: ['evil'] }, false);
    assert.deepEqual(settings.iaclint.policyDirs, []);
    assert.deepEqual(warnings, ['iaclint.policyDirs: evil: inside the workspace, which is not trusted: not loaded']);
    assert.equal(settings.iaclint.trustedWorkspace, false);
    client = TestClient.start(root);
    await client.initialize(root, settings);
    const id = await client.open(path.join(root, 'terraform', 'main.tf'), 'terraform');
    assert.deepEqual(brief((await client.diagnostics(id)).diagnostics).map((d) => d[0]), ['IAC201', 'IAC301', 'IAC303']);
    assert.equal(fs.existsSync(marker), false);
    assert.equal(client.messages.length, 1);
    assert.match(client.messages[0].message, /\.iaclint\.yaml: `policy-dirs` ignored: a configuration in the scanned tree cannot load policies \(Python policies run code\); to use it, trust the workspace/);
  });
});
