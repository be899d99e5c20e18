// A Language Server Protocol client over stdio, as VS Code's is: it starts the real
// `iaclint lsp`, announces VS Code's capabilities and records what the server sends
// (diagnostics, progress, messages). The integration tests drive it.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

import {
  createProtocolConnection,
  Diagnostic,
  InitializeRequest,
  InitializeResult,
  InitializedNotification,
  LogMessageNotification,
  ProtocolConnection,
  PublishDiagnosticsNotification,
  PublishDiagnosticsParams,
  RegistrationRequest,
  ShowMessageNotification,
  ShowMessageParams,
  StreamMessageReader,
  StreamMessageWriter,
  WorkDoneProgressCreateRequest,
  DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  ExitNotification,
  ShutdownRequest,
} from 'vscode-languageserver-protocol/node';

/** The iaclint executable: $IACLINT_EXE, else the repository's .venv (python3 -m venv .venv && .venv/bin/pip install -e '.[test]'). */
export function iaclintExecutable(): string {
  const fromEnv = process.env.IACLINT_EXE;
  const exe = fromEnv || path.resolve(__dirname, '..', '..', '..', '..', '.venv', process.platform === 'win32' ? 'Scripts/iaclint.exe' : 'bin/iaclint');
  if (!fs.existsSync(exe)) {
    throw new Error(`iaclint not found at ${exe}: create the repository's .venv (python3 -m venv .venv && .venv/bin/pip install -e '.[test]') or set IACLINT_EXE`);
  }
  return exe;
}

export function uri(file: string): string {
  return pathToFileURL(file).href;
}

export interface Progress {
  token: string | number;
  value: { kind: string; title?: string; message?: string; percentage?: number; cancellable?: boolean };
}

export class TestClient {
  readonly published: PublishDiagnosticsParams[] = [];
  readonly messages: ShowMessageParams[] = [];
  readonly logs: string[] = [];
  readonly progress: Progress[] = [];
  readonly created: (string | number)[] = [];
  readonly stderr: string[] = [];
  initializeResult?: InitializeResult;
  private versions = new Map<string, number>();

  private constructor(readonly process: ChildProcess, readonly connection: ProtocolConnection) {}

  static start(cwd: string): TestClient {
    const child = spawn(iaclintExecutable(), ['lsp'], { cwd, stdio: ['pipe', 'pipe', 'pipe'], shell: false });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new TestClient(child, connection);
    child.stderr!.on('data', (chunk: Buffer) => client.stderr.push(chunk.toString()));
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => client.published.push(params));
    connection.onNotification(ShowMessageNotification.type, (params) => client.messages.push(params));
    connection.onNotification(LogMessageNotification.type, (params) => client.logs.push(params.message));
    connection.onNotification('$/progress', (params: Progress) => client.progress.push(params));
    connection.onRequest(WorkDoneProgressCreateRequest.type, (params) => {
      client.created.push(params.token);
      return null;
    });
    connection.onRequest(RegistrationRequest.type, () => null);
    connection.listen();
    return client;
  }

  async initialize(root: string, initializationOptions: unknown): Promise<InitializeResult> {
    this.initializeResult = await this.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      clientInfo: { name: 'Visual Studio Code', version: '1.82.0' },
      rootUri: uri(root),
      workspaceFolders: [{ uri: uri(root), name: path.basename(root) }],
      initializationOptions,
      capabilities: {
        general: { positionEncodings: ['utf-16'] },
        window: { workDoneProgress: true, showMessage: {} },
        workspace: { configuration: true, workspaceFolders: true, didChangeConfiguration: { dynamicRegistration: true },
          executeCommand: { dynamicRegistration: true } },
        textDocument: {
          synchronization: { dynamicRegistration: true, didSave: true, willSave: true },
          publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
          codeAction: {
            dynamicRegistration: true,
            isPreferredSupport: true,
            dataSupport: true,
            codeActionLiteralSupport: { codeActionKind: { valueSet: ['', 'quickfix', 'refactor', 'source'] } },
          },
          hover: { contentFormat: ['markdown', 'plaintext'] },
        },
      },
    });
    await this.connection.sendNotification(InitializedNotification.type, {});
    return this.initializeResult;
  }

  async open(file: string, languageId: string, text?: string): Promise<string> {
    const id = uri(file);
    this.versions.set(id, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: id, languageId, version: 1, text: text ?? fs.readFileSync(file, 'utf8') },
    });
    return id;
  }

  async change(id: string, text: string): Promise<number> {
    const version = (this.versions.get(id) ?? 1) + 1;
    this.versions.set(id, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: id, version },
      contentChanges: [{ text }],
    });
    return version;
  }

  async close(id: string): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: id } });
  }

  /** The first publishDiagnostics for `id` after the first `after` ones. */
  async diagnostics(id: string, after = 0, timeoutMs = 20000): Promise<PublishDiagnosticsParams> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.published.slice(after).find((p) => p.uri === id);
      if (found) {
        return found;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no diagnostics for ${id} within ${timeoutMs} ms; stderr: ${this.stderr.join('')}`);
  }

  async stop(): Promise<void> {
    try {
      await this.connection.sendRequest(ShutdownRequest.type);
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      // already gone
    }
    await new Promise<void>((resolve) => {
      if (this.process.exitCode !== null) {
        resolve();
        return;
      }
      const timer = setTimeout(() => {
        this.process.kill();
        resolve();
      }, 5000);
      this.process.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.connection.dispose();
  }
}

/** (code, start line, start char, end line, end char, severity) of each diagnostic, sorted. */
export function brief(diagnostics: readonly Diagnostic[]): [string, number, number, number, number, number][] {
  return diagnostics
    .map((d) => [String(d.code), d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character,
      d.severity ?? 0] as [string, number, number, number, number, number])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
}

/** The text a range covers. */
export function textAt(text: string, d: Diagnostic): string {
  const lines = text.split('\n');
  if (d.range.start.line === d.range.end.line) {
    return lines[d.range.start.line].slice(d.range.start.character, d.range.end.character);
  }
  const out = [lines[d.range.start.line].slice(d.range.start.character)];
  for (let i = d.range.start.line + 1; i < d.range.end.line; i++) {
    out.push(lines[i]);
  }
  out.push(lines[d.range.end.line].slice(0, d.range.end.character));
  return out.join('\n');
}

/** A copy of the fixture workspace in a temporary directory (no configuration file above it). */
export function copyFixtures(into: string): string {
  const source = path.resolve(__dirname, '..', '..', 'test', 'fixtures', 'workspace');
  fs.cpSync(source, into, { recursive: true });
  return into;
}
