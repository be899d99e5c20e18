// VS Code's configuration as the tests give it: package.json's defaults under the
// user's (global) and the workspace's values, seen through `inspect` as the extension sees it.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { Inspect } from '../src/settings';

export const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8'));

export function defaults(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(manifest.contributes.configuration.properties as Record<string, { default?: unknown }>)) {
    out[key.replace(/^iaclint\./, '')] = spec.default;
  }
  return out;
}

export function inspectOf(user: Record<string, unknown> = {}, workspace: Record<string, unknown> = {}): Inspect {
  const base = defaults();
  return (key) => (key in base ? { defaultValue: base[key], globalValue: user[key], workspaceValue: workspace[key] } : undefined);
}
