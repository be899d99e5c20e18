// The extension's commands: Scan Workspace, Explain Policy (the policy of the diagnostic
// under the cursor), Restart Server, Show Output.
import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  LanguageClient,
  WorkDoneProgress,
  WorkDoneProgressCancelNotification,
} from 'vscode-languageclient/node';

import { UPGRADE_COMMAND } from './executable';
import {
  COMMANDS,
  Explained,
  PolicyInfo,
  policiesAt,
  ScanSummary,
  SERVER_COMMANDS,
  serverHas,
  summaryMessage,
} from './protocol';

export interface Host {
  client(): LanguageClient | undefined;
  restart(): Promise<void>;
  output: vscode.OutputChannel;
}

export const POLICY_SCHEME = 'iaclint-policy';

/** Policy documentation as read-only Markdown documents (iaclint-policy:IAC201.md). */
export class PolicyDocuments implements vscode.TextDocumentContentProvider {
  private readonly pages = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  set(id: string, markdown: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: POLICY_SCHEME, path: `${id}.md` });
    this.pages.set(uri.path, markdown);
    this.changed.fire(uri);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.pages.get(uri.path) ?? '';
  }
}

async function running(host: Host, command: string): Promise<LanguageClient | undefined> {
  const client = host.client();
  if (!client || !client.isRunning()) {
    const restart = 'Restart Server';
    const choice = await vscode.window.showWarningMessage('iaclint: the language server is not running.', restart);
    if (choice === restart) {
      await host.restart();
    }
    return undefined;
  }
  if (!serverHas(client.initializeResult?.capabilities, command)) {
    await vscode.window.showErrorMessage(
      `iaclint: this iaclint has no ${command} command; upgrade it: ${UPGRADE_COMMAND}`);
    return undefined;
  }
  return client;
}

async function scanWorkspace(host: Host): Promise<void> {
  const client = await running(host, SERVER_COMMANDS.scanWorkspace);
  if (!client) {
    return;
  }
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file')
    .map((f) => f.uri.toString());
  if (folders.length === 0) {
    await vscode.window.showInformationMessage('iaclint: open a folder to scan it.');
    return;
  }
  const token = `vscode-scan-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const summary = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'iaclint', cancellable: true },
    async (progress, cancellation) => {
      let done = 0;
      const listener = client.onProgress(WorkDoneProgress.type, token, (value) => {
        if (value.kind === 'end') {
          return;
        }
        const message = value.message ?? (value.kind === 'begin' ? value.title : undefined);
        const increment = value.percentage !== undefined ? Math.max(0, value.percentage - done) : undefined;
        done = value.percentage ?? done;
        progress.report({ message, increment });
      });
      const cancel = cancellation.onCancellationRequested(() => {
        void client.sendNotification(WorkDoneProgressCancelNotification.type, { token });
      });
      try {
        return (await client.sendRequest(ExecuteCommandRequest.type, {
          command: SERVER_COMMANDS.scanWorkspace,
          arguments: [{ folders, workDoneToken: token }],
        })) as ScanSummary;
      } finally {
        listener.dispose();
        cancel.dispose();
      }
    },
  );
  const problems = 'Open Problems';
  const choice = await vscode.window.showInformationMessage(summaryMessage(summary), problems);
  if (choice === problems) {
    await vscode.commands.executeCommand('workbench.actions.view.problems');
  }
}

async function explainPolicy(host: Host, pages: PolicyDocuments): Promise<void> {
  const client = await running(host, SERVER_COMMANDS.explain);
  if (!client) {
    return;
  }
  const editor = vscode.window.activeTextEditor;
  let ids: string[] = [];
  if (editor) {
    ids = policiesAt(vscode.languages.getDiagnostics(editor.document.uri), editor.selection.active);
  }
  let id: string | undefined = ids[0];
  if (ids.length !== 1) {
    let items: PolicyInfo[];
    if (ids.length > 1) {
      items = ids.map((x) => ({ id: x, name: '', severity: '', title: '' }));
    } else {
      items = (await client.sendRequest(ExecuteCommandRequest.type, {
        command: SERVER_COMMANDS.policies,
        arguments: [],
      })) as PolicyInfo[];
    }
    const picked = await vscode.window.showQuickPick(
      items.map((p) => ({ label: p.id, description: p.name, detail: p.title ? `${p.severity}: ${p.title}` : undefined })),
      { placeHolder: ids.length > 1 ? 'Several policies apply here: which one?' : 'No iaclint finding under the cursor: pick a policy' },
    );
    id = picked?.label;
  }
  if (!id) {
    return;
  }
  const explained = (await client.sendRequest(ExecuteCommandRequest.type, {
    command: SERVER_COMMANDS.explain,
    arguments: [id],
  })) as Explained | null;
  if (!explained) {
    await vscode.window.showWarningMessage(`iaclint: no policy ${id}.`);
    return;
  }
  const uri = pages.set(explained.id, explained.markdown);
  try {
    await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
  } catch {
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  }
}

export function registerCommands(host: Host): vscode.Disposable[] {
  const pages = new PolicyDocuments();
  return [
    vscode.workspace.registerTextDocumentContentProvider(POLICY_SCHEME, pages),
    vscode.commands.registerCommand(COMMANDS.scanWorkspace, () => scanWorkspace(host)),
    vscode.commands.registerCommand(COMMANDS.explainPolicy, () => explainPolicy(host, pages)),
    vscode.commands.registerCommand(COMMANDS.restartServer, () => host.restart()),
    vscode.commands.registerCommand(COMMANDS.showOutput, () => host.output.show(true)),
  ];
}
