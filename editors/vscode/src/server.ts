// Starting and stopping `iaclint lsp` through vscode-languageclient. The decisions
// (which executable, which settings) are made by executable.ts and settings.ts; this
// module only reads VS Code's state and hands it over.
import * as os from 'node:os';

import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from 'vscode-languageclient/node';

import { checkVersion, INSTALL_COMMAND, locate, problemMessage, UPGRADE_COMMAND } from './executable';
import { DOCUMENT_SELECTOR } from './protocol';
import { effective, Inspect, SECTION, serverSettings } from './settings';

export interface Started {
  client: LanguageClient;
  executable: string;
  version: string;
}

function folders(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
}

function inspect(): Inspect {
  const config = vscode.workspace.getConfiguration(SECTION);
  return (key) => config.inspect(key);
}

/** The settings to send, with what was dropped logged to the output channel. */
export function currentSettings(output: vscode.OutputChannel) {
  const { settings, warnings } = serverSettings(inspect(), {
    trusted: vscode.workspace.isTrusted,
    workspaceFolders: folders(),
  });
  for (const warning of warnings) {
    output.appendLine(`[settings] ${warning}`);
  }
  return settings;
}

/** Tell a running server about changed settings (no restart). */
export async function pushSettings(client: LanguageClient, output: vscode.OutputChannel): Promise<void> {
  await client.sendNotification(DidChangeConfigurationNotification.type, { settings: currentSettings(output) });
}

async function notify(message: string, command: string, output: vscode.OutputChannel): Promise<void> {
  output.appendLine(`[start] ${message}`);
  const copy = 'Copy Install Command';
  const settings = 'Open Settings';
  const show = 'Show Output';
  const choice = await vscode.window.showErrorMessage(message, copy, settings, show);
  if (choice === copy) {
    await vscode.env.clipboard.writeText(command);
  } else if (choice === settings) {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'iaclint.path');
  } else if (choice === show) {
    output.show(true);
  }
}

/** Locate the executable, check its version, start the client. Undefined (after telling
 * the user why) when there is nothing to start. */
export async function startServer(output: vscode.OutputChannel): Promise<Started | undefined> {
  const config = vscode.workspace.getConfiguration(SECTION);
  if (config.get<boolean>('enable') === false) {
    output.appendLine('[start] iaclint.enable is false: not starting the server');
    return undefined;
  }
  const trusted = vscode.workspace.isTrusted;
  const workspaceFolders = folders();
  const located = locate({
    configuredPath: String(effective((key) => config.inspect(key), 'path', trusted) ?? ''),
    workspaceFolders,
    trusted,
    envPath: process.env.PATH,
    pathExt: process.env.PATHEXT,
  });
  if (located.problem) {
    output.appendLine(`[start] ${located.problem}`);
  }
  if (!located.found) {
    output.appendLine(`[start] looked for iaclint at: ${located.searched.join(', ')}`);
    await notify(problemMessage(located), INSTALL_COMMAND, output);
    return undefined;
  }
  const executable = located.found.path;
  // The server's working directory: the workspace when it is trusted, else the home
  // directory (a version manager's shim would otherwise read the workspace's pins).
  const cwd = trusted && workspaceFolders.length > 0 ? workspaceFolders[0] : os.homedir();
  const check = await checkVersion(executable, { cwd });
  if (!check.ok) {
    await notify(problemMessage(located, check), UPGRADE_COMMAND, output);
    return undefined;
  }
  output.appendLine(`[start] ${executable} (iaclint ${check.version}, from ${located.found.source}); workspace ${trusted ? 'trusted' : 'not trusted'}`);

  const serverOptions: ServerOptions = {
    command: executable,
    args: ['lsp'],
    options: { cwd, shell: false },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannel: output,
    traceOutputChannel: output,
    initializationOptions: currentSettings(output),
    diagnosticCollectionName: 'iaclint',
  };
  const client = new LanguageClient(SECTION, 'iaclint', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    output.appendLine(`[start] ${String(error)}`);
    await notify(
      `iaclint lsp (${executable}) did not start; the language server needs the lsp extra. Reinstall: ${UPGRADE_COMMAND}`,
      UPGRADE_COMMAND,
      output,
    );
    try {
      await client.dispose();
    } catch {
      // already stopped
    }
    return undefined;
  }
  return { client, executable, version: check.version };
}
