// Finding the `iaclint` executable and checking its version. Plain Node: no VS Code API,
// so the unit tests run it as it is.
//
// The workspace is untrusted input: an executable inside it (a `.venv/bin/iaclint`) is
// workspace code, so it is a candidate only when the workspace is trusted. A relative
// `iaclint.path`, or a relative PATH entry, would also resolve into the workspace and is
// refused when the workspace is not trusted (relative PATH entries always are).
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The oldest iaclint whose `iaclint lsp` this extension works with. */
export const MIN_VERSION = '0.1.0';
export const INSTALL_COMMAND = "pipx install 'iaclint[lsp]'";
export const UPGRADE_COMMAND = "pipx install --force 'iaclint[lsp]'";

export type Source = 'setting' | 'workspace' | 'PATH' | 'pipx';

export interface Candidate {
  path: string;
  source: Source;
}

export interface LocateOptions {
  /** `iaclint.path` as it applies (in an untrusted workspace: the user's value only). */
  configuredPath?: string;
  /** The workspace folders' file-system paths. */
  workspaceFolders: readonly string[];
  trusted: boolean;
  envPath?: string;
  pathExt?: string;
  platform?: NodeJS.Platform;
  home?: string;
  isExecutable?: (file: string) => boolean;
}

export interface Located {
  found?: Candidate;
  /** Where it looked, in order (for the "not found" message). */
  searched: string[];
  /** Why `iaclint.path` was not used, when it was set and not used. */
  problem?: string;
}

export function isExecutableFile(file: string): boolean {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) {
      return false;
    }
    if (process.platform === 'win32') {
      return true;
    }
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `~`, `${userHome}` and `${workspaceFolder}` expanded; undefined when it needs a workspace folder there is none of. */
export function expandPath(value: string, home: string, workspaceFolder?: string): string | undefined {
  let out = value.trim();
  if (out.includes('${workspaceFolder}')) {
    if (!workspaceFolder) {
      return undefined;
    }
    out = out.split('${workspaceFolder}').join(workspaceFolder);
  }
  out = out.split('${userHome}').join(home);
  if (out === '~') {
    return home;
  }
  if (out.startsWith('~/') || out.startsWith('~\\')) {
    out = path.join(home, out.slice(2));
  }
  return out;
}

/** Whether `file` lies inside one of `folders` (or is one). */
export function isInside(file: string, folders: readonly string[], platform: NodeJS.Platform = process.platform): boolean {
  const p = platform === 'win32' ? path.win32 : path.posix;
  const norm = (s: string) => (platform === 'win32' ? p.resolve(s).toLowerCase() : p.resolve(s));
  const target = norm(file);
  return folders.some((folder) => {
    const base = norm(folder);
    const rel = p.relative(base, target);
    return rel === '' || (!rel.startsWith('..') && !p.isAbsolute(rel));
  });
}

function names(platform: NodeJS.Platform, pathExt: string | undefined): string[] {
  if (platform !== 'win32') {
    return ['iaclint'];
  }
  const exts = (pathExt || '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean);
  return exts.map((ext) => 'iaclint' + ext.toLowerCase());
}

/** Every place to look, in order, with its source. */
export function candidates(options: LocateOptions): { list: Candidate[]; problem?: string } {
  const platform = options.platform ?? process.platform;
  const p = platform === 'win32' ? path.win32 : path.posix;
  const home = options.home ?? os.homedir();
  const exeNames = names(platform, options.pathExt);
  const list: Candidate[] = [];
  let problem: string | undefined;

  const configured = (options.configuredPath ?? '').trim();
  if (configured) {
    const expanded = expandPath(configured, home, options.workspaceFolders[0]);
    if (expanded === undefined) {
      problem = `iaclint.path "${configured}" names \${workspaceFolder}, and no folder is open`;
    } else if (p.isAbsolute(expanded)) {
      if (!options.trusted && isInside(expanded, options.workspaceFolders, platform)) {
        problem = `iaclint.path "${configured}" lies inside the workspace, which is not trusted`;
      } else {
        list.push({ path: p.normalize(expanded), source: 'setting' });
      }
    } else if (options.trusted && options.workspaceFolders.length > 0) {
      list.push({ path: p.resolve(options.workspaceFolders[0], expanded), source: 'setting' });
    } else {
      problem = `iaclint.path "${configured}" is relative: it would resolve into the workspace, which is not trusted`;
    }
    if (!problem) {
      return { list }; // a configured path is used or reported, never silently replaced
    }
  }

  if (options.trusted) {
    for (const folder of options.workspaceFolders) {
      for (const venv of ['.venv', 'venv']) {
        const bin = platform === 'win32' ? p.join(folder, venv, 'Scripts') : p.join(folder, venv, 'bin');
        for (const name of exeNames) {
          list.push({ path: p.join(bin, name), source: 'workspace' });
        }
      }
    }
  }

  const delimiter = platform === 'win32' ? ';' : ':';
  for (const entry of (options.envPath ?? '').split(delimiter)) {
    const dir = entry.replace(/^"(.*)"$/, '$1');
    if (!dir || !p.isAbsolute(dir)) {
      continue; // "", "." or "bin": relative to whatever the working directory is
    }
    if (!options.trusted && isInside(dir, options.workspaceFolders, platform)) {
      continue;
    }
    for (const name of exeNames) {
      list.push({ path: p.join(dir, name), source: 'PATH' });
    }
  }

  const pipxBin = p.join(home, '.local', 'bin'); // pipx's default, on Windows too
  for (const name of exeNames) {
    list.push({ path: p.join(pipxBin, name), source: 'pipx' });
  }
  return { list, problem };
}

/** The first candidate that is an executable file. */
export function locate(options: LocateOptions): Located {
  const isExec = options.isExecutable ?? isExecutableFile;
  const { list, problem } = candidates(options);
  const searched: string[] = [];
  for (const candidate of list) {
    searched.push(candidate.path);
    if (isExec(candidate.path)) {
      return { found: candidate, searched, problem };
    }
  }
  if (list.length === 1 && list[0].source === 'setting') {
    return { searched, problem: `iaclint.path "${list[0].path}" is not an executable file` };
  }
  return { searched, problem };
}

// -- version -------------------------------------------------------------------------------

/** "iaclint 0.1.0" (or any text holding a version) -> "0.1.0". */
export function parseVersion(output: string): string | undefined {
  const match = /iaclint\s+v?(\d+(?:\.\d+){0,3})/i.exec(output) ?? /(\d+\.\d+(?:\.\d+)?)/.exec(output);
  return match ? match[1] : undefined;
}

/** Numeric comparison of dotted versions (missing parts are 0; pre-release tags ignored). */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.split('.').map((x) => parseInt(x, 10) || 0);
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) {
      return d < 0 ? -1 : 1;
    }
  }
  return 0;
}

export type VersionCheck =
  | { ok: true; version: string }
  | { ok: false; reason: 'failed' | 'too-old' | 'unknown'; version?: string; detail: string };

/** Run `EXE --version` (no shell) and compare it with `minimum`. */
export function checkVersion(
  exe: string,
  options: { cwd?: string; timeoutMs?: number; minimum?: string } = {},
): Promise<VersionCheck> {
  const minimum = options.minimum ?? MIN_VERSION;
  return new Promise((resolve) => {
    execFile(
      exe,
      ['--version'],
      { cwd: options.cwd, timeout: options.timeoutMs ?? 20000, windowsHide: true, shell: false },
      (error, stdout, stderr) => {
        const text = `${stdout ?? ''}${stderr ?? ''}`;
        if (error) {
          resolve({ ok: false, reason: 'failed', detail: `${exe} --version failed: ${error.message.trim()}` });
          return;
        }
        const version = parseVersion(text);
        if (!version) {
          resolve({ ok: false, reason: 'unknown', detail: `${exe} --version printed no version: ${text.trim()}` });
          return;
        }
        if (compareVersions(version, minimum) < 0) {
          resolve({
            ok: false,
            reason: 'too-old',
            version,
            detail: `iaclint ${version} is older than ${minimum}, the oldest this extension works with`,
          });
          return;
        }
        resolve({ ok: true, version });
      },
    );
  });
}

/** The message for a missing or unusable executable, with the command that fixes it. */
export function problemMessage(located: Located, check?: VersionCheck): string {
  if (!located.found) {
    const why = located.problem ? `${located.problem}. ` : '';
    return `${why}iaclint was not found. Install it with: ${INSTALL_COMMAND} (then run "iaclint: Restart Server"), or set iaclint.path.`;
  }
  if (check && !check.ok) {
    if (check.reason === 'too-old') {
      return `${check.detail} (${located.found.path}). Upgrade it with: ${UPGRADE_COMMAND}`;
    }
    return `${check.detail}. Reinstall it with: ${UPGRADE_COMMAND}, or set iaclint.path.`;
  }
  return '';
}
