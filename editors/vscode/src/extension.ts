// Activation: one output channel, the commands, the server, and the events that restart
// it (iaclint.path or iaclint.enable changed, trust granted) or update its settings
// (any other iaclint.* setting: no restart).
import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/node';

import { registerCommands } from './commands';
import { pushSettings, startServer } from './server';
import { needsRestart, SECTION } from './settings';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel | undefined;
let queue: Promise<void> = Promise.resolve();

async function stop(): Promise<void> {
  const old = client;
  client = undefined;
  if (old) {
    try {
      await old.stop();
    } catch (error) {
      output?.appendLine(`[stop] ${String(error)}`);
    }
  }
}

/** Stop the running server (if any) and start one again; restarts run one at a time. */
function restart(): Promise<void> {
  queue = queue.then(async () => {
    await stop();
    if (output) {
      client = (await startServer(output))?.client;
    }
  });
  return queue;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('iaclint');
  context.subscriptions.push(output);
  context.subscriptions.push(...registerCommands({ client: () => client, restart, output }));
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (!event.affectsConfiguration(SECTION)) {
        return;
      }
      if (needsRestart((section) => event.affectsConfiguration(section)) || !client) {
        await restart();
      } else if (output) {
        await pushSettings(client, output);
      }
    }),
    // Trust granted: the workspace's .venv and settings may now be used.
    vscode.workspace.onDidGrantWorkspaceTrust(() => restart()),
    vscode.workspace.onDidChangeWorkspaceFolders(() => restart()),
  );
  await restart();
}

export async function deactivate(): Promise<void> {
  await queue;
  await stop();
}
