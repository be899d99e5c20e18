// VS Code's `iaclint.*` settings -> the server's initialization options (and the
// `workspace/didChangeConfiguration` settings), which `iaclint lsp` reads under `iaclint`.
// Plain Node: the VS Code configuration comes in through `Inspect`, so the unit tests
// give it as data.
//
// Workspace Trust: `iaclint.path` and `iaclint.policyDirs` are restricted settings (a
// Python policy directory is code that runs). In an untrusted workspace only their user
// (global) value counts, and a policy directory inside the workspace is dropped even when
// the user's own settings name it (a relative one would resolve into the workspace).
// Files to read (`iaclint.varFiles`, `iaclint.environments`) are not restricted: the
// workspace may name its own, but in an untrusted workspace a workspace value naming a
// file outside the workspace folders (`~/.aws/credentials`) is dropped, as the server
// drops a repository configuration's `var-files` outside the tree.
import * as os from 'node:os';
import * as path from 'node:path';

import { expandPath, isInside } from './executable';

export const SECTION = 'iaclint';
/** Must equal package.json's capabilities.untrustedWorkspaces.restrictedConfigurations. */
export const RESTRICTED = ['path', 'policyDirs'] as const;
/** Settings that need a new server process rather than a settings notification. */
export const RESTART_KEYS = ['path', 'enable'] as const;

export interface Inspected {
  defaultValue?: unknown;
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/** `vscode.workspace.getConfiguration('iaclint').inspect(key)`. */
export type Inspect = (key: string) => Inspected | undefined;

export interface ServerSettings {
  select: string[];
  extendSelect: string[];
  ignore: string[];
  strict: boolean | null;
  policyDirs: string[];
  varFiles: string[];
  variables: Record<string, string>;
  parameters: Record<string, string>;
  environments: Record<string, Environment>;
  environment: string | null;
  debounce: number;
  trustedWorkspace: boolean;
}

/** One deployment environment's files, as `.iaclint.yaml`'s `environments:` names them. */
export interface Environment {
  varFiles?: string[];
  parameterFiles?: string[];
}

export interface Context {
  trusted: boolean;
  workspaceFolders: readonly string[];
  home?: string;
}

/** The value that applies: the most specific scope, or only the user's for a restricted
 * setting in an untrusted workspace. */
export function effective(inspect: Inspect, key: string, trusted: boolean): unknown {
  const info = inspect(key);
  if (!info) {
    return undefined;
  }
  const restricted = (RESTRICTED as readonly string[]).includes(key);
  const scopes = trusted || !restricted
    ? [info.workspaceFolderValue, info.workspaceValue, info.globalValue, info.defaultValue]
    : [info.globalValue, info.defaultValue];
  return scopes.find((v) => v !== undefined);
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') {
    value = value.split(',');
  }
  if (!Array.isArray(value)) {
    return [];
  }
  return value.map((v) => String(v).trim()).filter((v) => v.length > 0);
}

function mapping(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return {};
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v !== undefined && v !== null) {
      out[k] = typeof v === 'string' ? v : JSON.stringify(v);
    }
  }
  return out;
}

/** Whether the value that applies comes from the workspace (`.vscode/settings.json` or a
 * folder's settings): the repository's word, not the user's. */
function fromWorkspace(inspect: Inspect, key: string): boolean {
  const info = inspect(key);
  return !!info && (info.workspaceFolderValue !== undefined || info.workspaceValue !== undefined);
}

/** Paths made absolute against the first workspace folder; `~`, `${userHome}` and
 * `${workspaceFolder}` expanded. Returns [kept, dropped-with-reason]. `guard`: a path
 * inside an untrusted workspace is dropped (code to load); `confine`: one outside it is
 * (a file an untrusted workspace's own settings name). */
function paths(values: string[], ctx: Context, guard: boolean, confine = false): [string[], string[]] {
  const home = ctx.home ?? os.homedir();
  const folder = ctx.workspaceFolders[0];
  const kept: string[] = [];
  const dropped: string[] = [];
  for (const value of values) {
    const expanded = expandPath(value, home, folder);
    if (expanded === undefined) {
      dropped.push(`${value}: names \${workspaceFolder} and no folder is open`);
      continue;
    }
    let absolute = expanded;
    if (!path.isAbsolute(expanded)) {
      if (!folder) {
        dropped.push(`${value}: relative, and no folder is open`);
        continue;
      }
      absolute = path.resolve(folder, expanded);
    }
    if (guard && !ctx.trusted && isInside(absolute, ctx.workspaceFolders)) {
      dropped.push(`${value}: inside the workspace, which is not trusted`);
      continue;
    }
    if (confine && !ctx.trusted && !isInside(absolute, ctx.workspaceFolders)) {
      dropped.push(`${value}: outside the workspace, named by the settings of a workspace that is not trusted`);
      continue;
    }
    kept.push(absolute);
  }
  return [kept, dropped];
}

/** `iaclint.environments`: {name: {varFiles, parameterFiles}}, the paths placed as
 * `iaclint.varFiles` are (reading a file runs nothing: no trust needed). */
function environments(value: unknown, ctx: Context, confine: boolean): [Record<string, Environment>, string[]] {
  const out: Record<string, Environment> = {};
  const warnings: string[] = [];
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return [out, warnings];
  }
  for (const [name, spec] of Object.entries(value as Record<string, unknown>)) {
    if (!spec || typeof spec !== 'object' || Array.isArray(spec)) {
      warnings.push(`iaclint.environments.${name}: expects {"varFiles": [...], "parameterFiles": [...]}: ignored`);
      continue;
    }
    const env: Environment = {};
    for (const key of ['varFiles', 'parameterFiles'] as const) {
      const [kept, dropped] = paths(strings((spec as Record<string, unknown>)[key]), ctx, false, confine);
      warnings.push(...dropped.map((d) => `iaclint.environments.${name}.${key}: ${d}: not read`));
      if (kept.length > 0) {
        env[key] = kept;
      }
    }
    out[name] = env;
  }
  return [out, warnings];
}

export function serverSettings(inspect: Inspect, ctx: Context): { settings: { iaclint: ServerSettings }; warnings: string[] } {
  const get = (key: string) => effective(inspect, key, ctx.trusted);
  const [policyDirs, droppedDirs] = paths(strings(get('policyDirs')), ctx, true);
  const [varFiles, droppedFiles] = paths(strings(get('varFiles')), ctx, false, fromWorkspace(inspect, 'varFiles'));
  const [envs, envWarnings] = environments(get('environments'), ctx, fromWorkspace(inspect, 'environments'));
  const environment = get('environment');
  const strict = get('strict');
  const debounce = Number(get('debounce'));
  const warnings = [
    ...droppedDirs.map((d) => `iaclint.policyDirs: ${d}: not loaded`),
    ...droppedFiles.map((d) => `iaclint.varFiles: ${d}: not read`),
    ...envWarnings,
  ];
  return {
    settings: {
      iaclint: {
        select: strings(get('select')),
        extendSelect: strings(get('extendSelect')),
        ignore: strings(get('ignore')),
        strict: typeof strict === 'boolean' ? strict : null,
        policyDirs,
        varFiles,
        variables: mapping(get('variables')),
        parameters: mapping(get('parameters')),
        environments: envs,
        environment: typeof environment === 'string' && environment.trim() ? environment.trim() : null,
        debounce: Number.isFinite(debounce) && debounce >= 0 ? debounce : 0.4,
        trustedWorkspace: ctx.trusted,
      },
    },
    warnings,
  };
}

/** Whether a configuration change (a predicate over `iaclint.KEY` names) needs a restart. */
export function needsRestart(affects: (section: string) => boolean): boolean {
  return RESTART_KEYS.some((key) => affects(`${SECTION}.${key}`));
}
