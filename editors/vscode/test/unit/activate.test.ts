// extension.ts activated against a fake `vscode` module: the commands get registered, and
// a missing or too old iaclint gets a notification with the command that installs it. The
// language client itself is not started here (the integration tests drive the server).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { INSTALL_COMMAND, MIN_VERSION, UPGRADE_COMMAND } from '../../src/executable';
import { COMMANDS } from '../../src/protocol';
import { FakeVscode } from '../fake-vscode';

describe('activate, against a fake VS Code', () => {
  const fake = new FakeVscode();
  let undo: () => void;
  let extension: typeof import('../../src/extension');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iaclint-activate-'));
  const subscriptions: { dispose(): unknown }[] = [];

  before(async () => {
    undo = fake.install();
    extension = await import('../../src/extension');
  });

  after(async () => {
    await extension.deactivate();
    subscriptions.forEach((s) => s.dispose());
    undo();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('registers the four commands; iaclint missing: an error with the install command, which can be copied', async () => {
    fake.config = { path: path.join(dir, 'nowhere', 'iaclint'), enable: true };
    fake.answer = (_text, items) => items.find((i) => i === 'Copy Install Command');
    await extension.activate({ subscriptions } as never);
    assert.deepEqual([...fake.commands.keys()].sort(), Object.values(COMMANDS).sort());
    const [error] = fake.messages;
    assert.equal(error.level, 'error');
    assert.ok(error.text.includes(`is not an executable file`), error.text);
    assert.ok(error.text.includes(`Install it with: ${INSTALL_COMMAND}`), error.text);
    assert.deepEqual(error.items, ['Copy Install Command', 'Open Settings', 'Show Output']);
    assert.equal(fake.clipboard, INSTALL_COMMAND);
  });

  it('Scan Workspace without a running server offers a restart', async () => {
    fake.messages = [];
    fake.answer = () => undefined;
    await fake.commands.get(COMMANDS.scanWorkspace)!();
    assert.deepEqual(fake.messages, [{ level: 'warning', text: 'iaclint: the language server is not running.', items: ['Restart Server'] }]);
  });

  it('a too old iaclint: an error with the upgrade command, after a settings change restarts', async () => {
    const old = path.join(dir, 'iaclint');
    fs.writeFileSync(old, '#!/bin/sh\necho "iaclint 0.0.1"\n');
    fs.chmodSync(old, 0o755);
    fake.config = { path: old, enable: true };
    fake.messages = [];
    for (const listener of fake.configListeners) {
      await listener({ affectsConfiguration: (s: string) => s === 'iaclint' || s === 'iaclint.path' });
    }
    const [error] = fake.messages;
    assert.equal(error.text, `iaclint 0.0.1 is older than ${MIN_VERSION}, the oldest this extension works with (${old}). Upgrade it with: ${UPGRADE_COMMAND}`);
  });

  it('untrusted: a workspace value of iaclint.path is not used', async () => {
    const ws = path.join(dir, 'ws');
    fs.mkdirSync(path.join(ws, '.venv', 'bin'), { recursive: true });
    const planted = path.join(ws, '.venv', 'bin', 'iaclint');
    const marker = path.join(dir, 'ran');
    fs.writeFileSync(planted, `#!/bin/sh\ntouch ${marker}\necho "iaclint 9.0.0"\n`);
    fs.chmodSync(planted, 0o755);
    fake.folders = [ws];
    fake.trusted = false;
    fake.config = { enable: true, path: path.join(dir, 'nowhere', 'iaclint') };
    fake.workspaceConfig = { path: planted };
    fake.messages = [];
    await fake.commands.get(COMMANDS.restartServer)!();
    assert.equal(fs.existsSync(marker), false);
    assert.ok(fake.messages[0].text.startsWith(`iaclint.path "${path.join(dir, 'nowhere', 'iaclint')}" is not an executable file`));
  });

  it('iaclint.enable false: nothing started, nothing shown', async () => {
    fake.config = { enable: false };
    fake.messages = [];
    await fake.commands.get(COMMANDS.restartServer)!();
    assert.deepEqual(fake.messages, []);
    assert.ok(fake.outputLines.includes('[start] iaclint.enable is false: not starting the server'));
  });
});
