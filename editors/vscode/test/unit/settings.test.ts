import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { effective, needsRestart, serverSettings } from '../../src/settings';
import { inspectOf } from '../vscode-settings';

const WS = '/work/project';
const HOME = '/home/u';

describe('settings -> the server initialization options', () => {
  it('the defaults', () => {
    const { settings, warnings } = serverSettings(inspectOf(), { trusted: true, workspaceFolders: [WS], home: HOME });
    assert.deepEqual(settings, {
      iaclint: {
        select: [], extendSelect: [], ignore: [], strict: null, policyDirs: [], varFiles: [], variables: {}, parameters: {},
        environments: {}, environment: null, debounce: 0.4, trustedWorkspace: true,
      },
    });
    assert.deepEqual(warnings, []);
  });

  it('every setting, the workspace value over the user value, paths made absolute', () => {
    const { settings } = serverSettings(inspectOf(
      { select: ['IAC201'], extendSelect: 'IAC419', ignore: 'IAC301, IAC303', debounce: 1 },
      {
        strict: true, policyDirs: ['policies', '~/shared', '${workspaceFolder}/more'], varFiles: ['env/prod.tfvars', '/etc/x.tfvars'],
        variables: { environment: 'prod', count: 3 }, parameters: { Env: 'prod' }, debounce: 0.1,
        environments: { prod: { varFiles: ['env/prod.tfvars'], parameterFiles: ['prod-config.json', '/abs/p.json'] },
          staging: { varFiles: 'env/staging.tfvars' } },
        environment: ' prod ',
      },
    ), { trusted: true, workspaceFolders: [WS, '/other'], home: HOME });
    assert.deepEqual(settings.iaclint, {
      select: ['IAC201'],
      extendSelect: ['IAC419'],
      ignore: ['IAC301', 'IAC303'],
      strict: true,
      policyDirs: [`${WS}/policies`, `${HOME}/shared`, `${WS}/more`],
      varFiles: [`${WS}/env/prod.tfvars`, '/etc/x.tfvars'],
      variables: { environment: 'prod', count: '3' },
      parameters: { Env: 'prod' },
      environments: {
        prod: { varFiles: [`${WS}/env/prod.tfvars`], parameterFiles: [`${WS}/prod-config.json`, '/abs/p.json'] },
        staging: { varFiles: [`${WS}/env/staging.tfvars`] },
      },
      environment: 'prod',
      debounce: 0.1,
      trustedWorkspace: true,
    });
  });

  it('untrusted: the workspace values of iaclint.path and iaclint.policyDirs do not count', () => {
    const inspect = inspectOf({ path: '/usr/bin/iaclint', policyDirs: ['/opt/policies'] },
      { path: '.venv/bin/iaclint', policyDirs: ['/elsewhere'], select: ['IAC201'] });
    assert.equal(effective(inspect, 'path', false), '/usr/bin/iaclint');
    assert.equal(effective(inspect, 'path', true), '.venv/bin/iaclint');
    assert.equal(effective(inspect, 'select', false)?.toString(), 'IAC201'); // not restricted
    const { settings } = serverSettings(inspect, { trusted: false, workspaceFolders: [WS], home: HOME });
    assert.deepEqual(settings.iaclint.policyDirs, ['/opt/policies']);
    assert.equal(settings.iaclint.trustedWorkspace, false);
  });

  it('untrusted: files outside the workspace named by its own settings are not read, and said', () => {
    const workspace = {
      varFiles: ['env/prod.tfvars', '~/.aws/credentials', '/etc/passwd'],
      environments: { prod: { varFiles: ['../secrets.tfvars', `${WS}/env/p.tfvars`] } },
    };
    const untrusted = serverSettings(inspectOf({}, workspace), { trusted: false, workspaceFolders: [WS], home: HOME });
    assert.deepEqual(untrusted.settings.iaclint.varFiles, [`${WS}/env/prod.tfvars`]);
    assert.deepEqual(untrusted.settings.iaclint.environments, { prod: { varFiles: [`${WS}/env/p.tfvars`] } });
    assert.deepEqual(untrusted.warnings, [
      'iaclint.varFiles: ~/.aws/credentials: outside the workspace, named by the settings of a workspace that is not trusted: not read',
      'iaclint.varFiles: /etc/passwd: outside the workspace, named by the settings of a workspace that is not trusted: not read',
      'iaclint.environments.prod.varFiles: ../secrets.tfvars: outside the workspace, named by the settings of a workspace that is not trusted: not read',
    ]);
    const trusted = serverSettings(inspectOf({}, workspace), { trusted: true, workspaceFolders: [WS], home: HOME });
    assert.deepEqual(trusted.settings.iaclint.varFiles, [`${WS}/env/prod.tfvars`, `${HOME}/.aws/credentials`, '/etc/passwd']);
    const user = serverSettings(inspectOf({ varFiles: ['~/shared.tfvars'] }), { trusted: false, workspaceFolders: [WS], home: HOME });
    assert.deepEqual(user.settings.iaclint.varFiles, [`${HOME}/shared.tfvars`]); // the user's own word
    assert.deepEqual(user.warnings, []);
  });

  it("untrusted: the user's own policy directories that lead into the workspace are dropped, and said", () => {
    const { settings, warnings } = serverSettings(
      inspectOf({ policyDirs: ['policies', '${workspaceFolder}/p', `${WS}/q`, '/opt/ok'] }),
      { trusted: false, workspaceFolders: [WS], home: HOME },
    );
    assert.deepEqual(settings.iaclint.policyDirs, ['/opt/ok']);
    assert.deepEqual(warnings, [
      'iaclint.policyDirs: policies: inside the workspace, which is not trusted: not loaded',
      'iaclint.policyDirs: ${workspaceFolder}/p: inside the workspace, which is not trusted: not loaded',
      `iaclint.policyDirs: ${WS}/q: inside the workspace, which is not trusted: not loaded`,
    ]);
  });

  it('no folder open: relative paths cannot be placed', () => {
    const { settings, warnings } = serverSettings(inspectOf({ varFiles: ['prod.tfvars', '/abs.tfvars'] }),
      { trusted: true, workspaceFolders: [], home: HOME });
    assert.deepEqual(settings.iaclint.varFiles, ['/abs.tfvars']);
    assert.deepEqual(warnings, ['iaclint.varFiles: prod.tfvars: relative, and no folder is open: not read']);
  });

  it('bad values fall back', () => {
    const { settings, warnings } = serverSettings(inspectOf({ debounce: -1, strict: 'yes', select: 7, variables: ['x'],
      environments: { prod: 'env/prod.tfvars' }, environment: 3 }),
      { trusted: true, workspaceFolders: [WS] });
    assert.deepEqual(settings.iaclint.environments, {});
    assert.equal(settings.iaclint.environment, null);
    assert.deepEqual(warnings, ['iaclint.environments.prod: expects {"varFiles": [...], "parameterFiles": [...]}: ignored']);
    assert.equal(settings.iaclint.debounce, 0.4);
    assert.equal(settings.iaclint.strict, null);
    assert.deepEqual(settings.iaclint.select, []);
    assert.deepEqual(settings.iaclint.variables, {});
  });

  it('a change of iaclint.path or iaclint.enable restarts the server; others are sent to it', () => {
    assert.equal(needsRestart((s) => s === 'iaclint.path'), true);
    assert.equal(needsRestart((s) => s === 'iaclint.enable'), true);
    assert.equal(needsRestart((s) => s === 'iaclint.ignore'), false);
  });
});
