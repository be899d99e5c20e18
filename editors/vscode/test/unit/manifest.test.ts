// package.json against the code: the commands, the settings, Workspace Trust, the files.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import {
  COMMANDS,
  isServedFile,
  policiesAt,
  SERVER_COMMANDS,
  serverHas,
  summaryMessage,
} from '../../src/protocol';
import { RESTART_KEYS, RESTRICTED, serverSettings } from '../../src/settings';
import { manifest } from '../vscode-settings';

describe('package.json', () => {
  it('contributes exactly the commands the extension registers, under the iaclint category', () => {
    const contributed = manifest.contributes.commands as { command: string; category: string }[];
    assert.deepEqual(contributed.map((c) => c.command).sort(), Object.values(COMMANDS).sort());
    assert.ok(contributed.every((c) => c.category === 'iaclint'));
    // The language client registers the server's commands as VS Code commands: no clash.
    for (const id of Object.values(SERVER_COMMANDS)) {
      assert.ok(!(Object.values(COMMANDS) as string[]).includes(id), id);
    }
  });

  it('declares every setting the extension reads, and no other', () => {
    const read = new Set<string>();
    serverSettings((key) => {
      read.add(key);
      return undefined;
    }, { trusted: true, workspaceFolders: [] });
    const declared = Object.keys(manifest.contributes.configuration.properties).map((k) => k.replace(/^iaclint\./, ''));
    assert.deepEqual(declared.sort(), [...read, ...RESTART_KEYS, 'trace.server'].sort());
  });

  it('is limited in untrusted workspaces, iaclint.path and iaclint.policyDirs restricted', () => {
    const trust = manifest.capabilities.untrustedWorkspaces;
    assert.equal(trust.supported, 'limited');
    assert.deepEqual(trust.restrictedConfigurations, RESTRICTED.map((k) => `iaclint.${k}`));
    assert.ok(trust.description.length > 0);
  });

  it('claims no language and no file association (the server decides which YAML is CloudFormation)', () => {
    assert.equal(manifest.contributes.languages, undefined);
    assert.equal(manifest.contributes.grammars, undefined);
    assert.ok(manifest.activationEvents.includes('onLanguage:terraform'));
    assert.ok(manifest.activationEvents.includes('workspaceContains:**/*.tf'));
  });

  it('ships what vsce needs: publisher, repository, license file, main entry', () => {
    assert.ok(manifest.publisher);
    assert.ok(manifest.repository.url);
    assert.equal(manifest.license, 'Apache-2.0');
    const root = path.resolve(__dirname, '..', '..', '..');
    assert.ok(fs.readFileSync(path.join(root, 'LICENSE'), 'utf8').includes('Apache License'));
    assert.ok(fs.existsSync(path.join(root, manifest.main)), manifest.main);
  });
});

describe('protocol helpers', () => {
  it('which files go to the server', () => {
    for (const name of ['main.tf', 'x.tf.json', 'prod.tfvars', 'a.tfvars.json', 'stack.yaml', 'stack.YML', 'cfn.template', 'cdk.template.json']) {
      assert.ok(isServedFile(name), name);
    }
    for (const name of ['README.md', 'main.py', 'tf', 'yaml.txt']) {
      assert.ok(!isServedFile(name), name);
    }
  });

  it('policiesAt: the iaclint diagnostics under the cursor, each once', () => {
    const range = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });
    const diagnostics = [
      { source: 'iaclint', code: 'IAC301', range: range(3, 2, 3, 20) },
      { source: 'iaclint', code: { value: 'IAC303' }, range: range(3, 10, 4, 1) },
      { source: 'tflint', code: 'terraform_x', range: range(3, 0, 3, 40) },
      { source: 'iaclint', code: 'IAC301', range: range(3, 2, 3, 20) },
    ];
    assert.deepEqual(policiesAt(diagnostics, { line: 3, character: 12 }), ['IAC301', 'IAC303']);
    assert.deepEqual(policiesAt(diagnostics, { line: 3, character: 20 }), ['IAC301', 'IAC303']);
    assert.deepEqual(policiesAt(diagnostics, { line: 4, character: 0 }), ['IAC303']);
    assert.deepEqual(policiesAt(diagnostics, { line: 5, character: 0 }), []);
  });

  it('summaryMessage', () => {
    assert.equal(summaryMessage({ folders: 1, files: 4, findings: 5, filesWithFindings: 3, cancelled: false }),
      'iaclint: 5 findings in 3 files (4 files in 1 folder scanned).');
    assert.equal(summaryMessage({ folders: 2, files: 1, findings: 0, filesWithFindings: 0, cancelled: false }),
      'iaclint: no findings (1 file in 2 folders).');
    assert.equal(summaryMessage({ folders: 1, files: 1, findings: 1, filesWithFindings: 1, cancelled: true }),
      'iaclint: scan cancelled; so far 1 finding in 1 file (1 file in 1 folder scanned).');
  });

  it('serverHas', () => {
    assert.equal(serverHas({ executeCommandProvider: { commands: [SERVER_COMMANDS.explain] } }, SERVER_COMMANDS.explain), true);
    assert.equal(serverHas({}, SERVER_COMMANDS.explain), false);
    assert.equal(serverHas(undefined, SERVER_COMMANDS.explain), false);
  });
});
