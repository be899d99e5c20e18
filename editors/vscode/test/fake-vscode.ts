// A stand-in for the `vscode` module, just large enough to activate the extension up to
// the point where it would start a language client (VS Code itself cannot run here: no
// display, no download). It records registrations and messages; tests answer messages.
import Module from 'node:module';

type Listener = (...args: unknown[]) => unknown;

export class FakeVscode {
  commands = new Map<string, Listener>();
  executed: unknown[][] = [];
  messages: { level: string; text: string; items: string[] }[] = [];
  answer: (text: string, items: string[]) => string | undefined = () => undefined;
  outputLines: string[] = [];
  clipboard = '';
  config: Record<string, unknown> = {};
  workspaceConfig: Record<string, unknown> = {};
  trusted = true;
  folders: string[] = [];
  configListeners: Listener[] = [];

  module(): Record<string, unknown> {
    const fake = this;
    class Disposable {
      constructor(private readonly fn: () => void = () => undefined) {}
      dispose() {
        this.fn();
      }
      static from() {
        return new Disposable();
      }
    }
    class EventEmitter {
      private listeners: Listener[] = [];
      event = (listener: Listener) => {
        this.listeners.push(listener);
        return new Disposable();
      };
      fire(value: unknown) {
        this.listeners.forEach((l) => l(value));
      }
      dispose() {
        this.listeners = [];
      }
    }
    const show = (level: string) => async (text: string, ...items: string[]) => {
      fake.messages.push({ level, text, items });
      return fake.answer(text, items);
    };
    const base: Record<string, unknown> = {
      Disposable,
      EventEmitter,
      ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
      ViewColumn: { Beside: -2 },
      Uri: {
        from: (parts: { scheme: string; path: string }) => ({ ...parts, toString: () => `${parts.scheme}:${parts.path}` }),
        file: (p: string) => ({ scheme: 'file', fsPath: p, path: p, toString: () => `file://${p}` }),
      },
      version: '1.82.0',
      env: { clipboard: { writeText: async (text: string) => { fake.clipboard = text; } } },
      window: {
        createOutputChannel: () => ({
          appendLine: (line: string) => fake.outputLines.push(line),
          append: (text: string) => fake.outputLines.push(text),
          show: () => fake.executed.push(['output.show']),
          dispose: () => undefined,
        }),
        showErrorMessage: show('error'),
        showWarningMessage: show('warning'),
        showInformationMessage: show('information'),
      },
      commands: {
        registerCommand: (id: string, fn: Listener) => {
          if (fake.commands.has(id)) {
            throw new Error(`command '${id}' already exists`);
          }
          fake.commands.set(id, fn);
          return new Disposable(() => fake.commands.delete(id));
        },
        executeCommand: async (...args: unknown[]) => {
          fake.executed.push(args);
        },
      },
      workspace: {
        get isTrusted() {
          return fake.trusted;
        },
        get workspaceFolders() {
          return fake.folders.map((f) => ({ uri: { scheme: 'file', fsPath: f, toString: () => `file://${f}` }, name: f }));
        },
        getConfiguration: () => ({
          get: (key: string) => fake.workspaceConfig[key] ?? fake.config[key],
          inspect: (key: string) => ({ globalValue: fake.config[key], workspaceValue: fake.workspaceConfig[key] }),
        }),
        onDidChangeConfiguration: (l: Listener) => {
          fake.configListeners.push(l);
          return new Disposable();
        },
        onDidGrantWorkspaceTrust: () => new Disposable(),
        onDidChangeWorkspaceFolders: () => new Disposable(),
        registerTextDocumentContentProvider: () => new Disposable(),
      },
    };
    // Whatever else vscode-languageclient touches while loading: an inert class.
    return new Proxy(base, {
      get: (target, prop: string) => (prop in target ? target[prop] : class {}),
    });
  }

  /** Make `require('vscode')` return this fake; returns the undo. */
  install(): () => void {
    const mod = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
    const original = mod._load;
    const fakeModule = this.module();
    mod._load = function (request: string, ...rest: unknown[]) {
      return request === 'vscode' ? fakeModule : original.call(this, request, ...rest);
    };
    return () => {
      mod._load = original;
    };
  }
}
