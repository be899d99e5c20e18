import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';

import {
  candidates,
  checkVersion,
  compareVersions,
  INSTALL_COMMAND,
  isInside,
  locate,
  MIN_VERSION,
  parseVersion,
  problemMessage,
  UPGRADE_COMMAND,
} from '../../src/executable';

const HOME = '/home/u';
const WS = '/work/project';

function paths(options: Parameters<typeof candidates>[0]) {
  return candidates({ home: HOME, platform: 'linux', ...options }).list.map((c) => `${c.source}:${c.path}`);
}

describe('where the executable is looked for', () => {
  it('trusted: the workspace .venv, then venv, then absolute PATH entries, then ~/.local/bin', () => {
    assert.deepEqual(paths({ workspaceFolders: [WS], trusted: true, envPath: '/usr/local/bin::.:bin:/usr/bin' }), [
      `workspace:${WS}/.venv/bin/iaclint`,
      `workspace:${WS}/venv/bin/iaclint`,
      'PATH:/usr/local/bin/iaclint',
      'PATH:/usr/bin/iaclint',
      `pipx:${HOME}/.local/bin/iaclint`,
    ]);
  });

  it('untrusted: never the workspace .venv, nor a PATH entry inside the workspace', () => {
    assert.deepEqual(paths({ workspaceFolders: [WS], trusted: false, envPath: `${WS}/node_modules/.bin:/usr/bin` }), [
      'PATH:/usr/bin/iaclint',
      `pipx:${HOME}/.local/bin/iaclint`,
    ]);
  });

  it('a configured path is the only candidate; ~ and ${workspaceFolder} expand', () => {
    assert.deepEqual(paths({ configuredPath: '~/bin/iaclint', workspaceFolders: [WS], trusted: false, envPath: '/usr/bin' }),
      [`setting:${HOME}/bin/iaclint`]);
    assert.deepEqual(paths({ configuredPath: '${workspaceFolder}/tools/iaclint', workspaceFolders: [WS], trusted: true }),
      [`setting:${WS}/tools/iaclint`]);
    assert.deepEqual(paths({ configuredPath: 'tools/iaclint', workspaceFolders: [WS], trusted: true }),
      [`setting:${WS}/tools/iaclint`]);
  });

  it('untrusted: a configured path into the workspace (relative or not) is refused, and said why', () => {
    for (const configuredPath of ['tools/iaclint', '${workspaceFolder}/tools/iaclint', `${WS}/.venv/bin/iaclint`]) {
      const { list, problem } = candidates({ configuredPath, workspaceFolders: [WS], trusted: false, envPath: '/usr/bin', home: HOME, platform: 'linux' });
      assert.deepEqual(list.map((c) => c.source), ['PATH', 'pipx'], configuredPath);
      assert.match(problem ?? '', /not trusted/);
    }
  });

  it('Windows: Scripts\\ and the PATHEXT names', () => {
    const list = candidates({ workspaceFolders: ['C:\\w'], trusted: true, envPath: 'C:\\Python\\Scripts;relative', pathExt: '.EXE;.CMD', platform: 'win32', home: 'C:\\Users\\u' }).list;
    assert.deepEqual(list.map((c) => c.path), [
      'C:\\w\\.venv\\Scripts\\iaclint.exe', 'C:\\w\\.venv\\Scripts\\iaclint.cmd',
      'C:\\w\\venv\\Scripts\\iaclint.exe', 'C:\\w\\venv\\Scripts\\iaclint.cmd',
      'C:\\Python\\Scripts\\iaclint.exe', 'C:\\Python\\Scripts\\iaclint.cmd',
      'C:\\Users\\u\\.local\\bin\\iaclint.exe', 'C:\\Users\\u\\.local\\bin\\iaclint.cmd',
    ]);
  });

  it('isInside', () => {
    assert.equal(isInside('/a/b/c', ['/a/b'], 'linux'), true);
    assert.equal(isInside('/a/b', ['/a/b'], 'linux'), true);
    assert.equal(isInside('/a/bc', ['/a/b'], 'linux'), false);
    assert.equal(isInside('/a/b/../x', ['/a/b'], 'linux'), false);
    assert.equal(isInside('C:\\A\\b\\x.exe', ['c:\\a'], 'win32'), true);
  });
});

describe('locate, on a real file system', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iaclint-locate-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const ws = path.join(dir, 'ws');
  const venvBin = path.join(ws, '.venv', 'bin');
  const pathBin = path.join(dir, 'usr-bin');
  const plain = path.join(dir, 'plain');
  fs.mkdirSync(venvBin, { recursive: true });
  fs.mkdirSync(pathBin);
  fs.mkdirSync(plain);
  for (const [file, mode] of [[path.join(venvBin, 'iaclint'), 0o755], [path.join(pathBin, 'iaclint'), 0o755], [path.join(plain, 'iaclint'), 0o644]] as const) {
    fs.writeFileSync(file, '#!/bin/sh\necho iaclint 9.9.9\n');
    fs.chmodSync(file, mode);
  }
  const base = { workspaceFolders: [ws], envPath: `${plain}:${pathBin}`, home: path.join(dir, 'home') };

  it('trusted: the workspace .venv wins', () => {
    assert.deepEqual(locate({ ...base, trusted: true }).found, { path: path.join(venvBin, 'iaclint'), source: 'workspace' });
  });

  it('untrusted: PATH, skipping a file that is not executable', () => {
    assert.deepEqual(locate({ ...base, trusted: false }).found, { path: path.join(pathBin, 'iaclint'), source: 'PATH' });
  });

  it('nothing found: the places searched and the install command', () => {
    const located = locate({ ...base, envPath: plain, trusted: false });
    assert.equal(located.found, undefined);
    assert.deepEqual(located.searched, [path.join(plain, 'iaclint'), path.join(dir, 'home', '.local', 'bin', 'iaclint')]);
    assert.equal(problemMessage(located),
      `iaclint was not found. Install it with: ${INSTALL_COMMAND} (then run "iaclint: Restart Server"), or set iaclint.path.`);
  });

  it('a configured path that is not executable is reported, not replaced by another', () => {
    const located = locate({ ...base, configuredPath: path.join(plain, 'iaclint'), trusted: true });
    assert.equal(located.found, undefined);
    assert.equal(located.problem, `iaclint.path "${path.join(plain, 'iaclint')}" is not an executable file`);
    assert.match(problemMessage(located), /^iaclint\.path ".*" is not an executable file\. iaclint was not found\. Install it with: /);
  });
});

describe('version', () => {
  it('parseVersion', () => {
    assert.equal(parseVersion('iaclint 0.1.0\n'), '0.1.0');
    assert.equal(parseVersion('iaclint v1.2\n'), '1.2');
    assert.equal(parseVersion('something 2.3.4'), '2.3.4');
    assert.equal(parseVersion('no version'), undefined);
  });

  it('compareVersions', () => {
    assert.equal(compareVersions('0.1.0', '0.1.0'), 0);
    assert.equal(compareVersions('0.1', '0.1.0'), 0);
    assert.equal(compareVersions('0.10.0', '0.9.9'), 1);
    assert.equal(compareVersions('0.0.9', '0.1.0'), -1);
    assert.equal(compareVersions('1.0.0', MIN_VERSION), 1);
  });

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iaclint-version-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  function script(name: string, body: string): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `#!/bin/sh\n${body}\n`);
    fs.chmodSync(file, 0o755);
    return file;
  }

  it('checkVersion: recent enough, too old, failing, missing, no version', async () => {
    assert.deepEqual(await checkVersion(script('ok', 'echo "iaclint 0.1.0"')), { ok: true, version: '0.1.0' });
    const old = await checkVersion(script('old', 'echo "iaclint 0.0.9"'));
    assert.deepEqual(old, { ok: false, reason: 'too-old', version: '0.0.9', detail: `iaclint 0.0.9 is older than ${MIN_VERSION}, the oldest this extension works with` });
    assert.equal(problemMessage({ found: { path: '/x/iaclint', source: 'PATH' }, searched: [] }, old),
      `iaclint 0.0.9 is older than ${MIN_VERSION}, the oldest this extension works with (/x/iaclint). Upgrade it with: ${UPGRADE_COMMAND}`);
    assert.equal((await checkVersion(script('fails', 'exit 3'))).ok, false);
    const missing = await checkVersion(path.join(dir, 'missing'));
    assert.equal(!missing.ok && missing.reason, 'failed');
    const silent = await checkVersion(script('silent', 'echo hello'));
    assert.equal(!silent.ok && silent.reason, 'unknown');
  });

  it('checkVersion runs the file itself, never through a shell', async () => {
    const marker = path.join(dir, 'pwned');
    const odd = script('ia clint; touch pwned; true', 'echo "iaclint 0.2.0"');
    assert.deepEqual(await checkVersion(odd, { cwd: dir }), { ok: true, version: '0.2.0' });
    assert.equal(fs.existsSync(marker), false);
  });
});
