// What the extension and `iaclint lsp` agree on: command IDs, the files the server is
// given, and the shapes of the server commands' answers. Plain data, no VS Code API.

/** The extension's commands (package.json contributes.commands). */
export const COMMANDS = {
  scanWorkspace: 'iaclint.scanWorkspace',
  explainPolicy: 'iaclint.explainPolicy',
  restartServer: 'iaclint.restartServer',
  showOutput: 'iaclint.showOutput',
} as const;

/** The server's `workspace/executeCommand` commands. Named apart from the extension's:
 * the language client registers each server command as a VS Code command too. */
export const SERVER_COMMANDS = {
  scanWorkspace: 'iaclint.server.scanWorkspace',
  explain: 'iaclint.server.explain',
  policies: 'iaclint.server.policies',
} as const;

/** Files sent to the server. YAML and JSON are sent whatever their language: the server
 * decides which are CloudFormation templates and gives the others no diagnostics. The
 * extension contributes no language and no file association. */
export const DOCUMENT_SELECTOR = [
  { scheme: 'file', pattern: '**/*.{tf,tf.json,tfvars,tfvars.json}' },
  { scheme: 'file', pattern: '**/*.{yaml,yml,json,template}' },
];

/** The same rule as the selector, for a file name (tests and the Explain fallback). */
export function isServedFile(fileName: string): boolean {
  return /\.(tf|tf\.json|tfvars|tfvars\.json|ya?ml|json|template)$/i.test(fileName);
}

export interface ScanSummary {
  folders: number;
  files: number;
  findings: number;
  filesWithFindings: number;
  cancelled: boolean;
}

export interface PolicyInfo {
  id: string;
  name: string;
  severity: string;
  title: string;
}

export interface Explained extends PolicyInfo {
  markdown: string;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function summaryMessage(summary: ScanSummary): string {
  const scanned = `${plural(summary.files, 'file')} in ${plural(summary.folders, 'folder')}`;
  const head = summary.cancelled ? 'iaclint: scan cancelled; so far ' : 'iaclint: ';
  if (summary.findings === 0) {
    return `${head}no findings (${scanned}).`;
  }
  return `${head}${plural(summary.findings, 'finding')} in ${plural(summary.filesWithFindings, 'file')} (${scanned} scanned).`;
}

interface Position {
  line: number;
  character: number;
}

export interface DiagnosticLike {
  source?: string;
  code?: string | number | { value: string | number };
  range: { start: Position; end: Position };
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character <= b.character);
}

/** The iaclint policy IDs of the diagnostics at `position` (in order, each once). */
export function policiesAt(diagnostics: readonly DiagnosticLike[], position: Position): string[] {
  const out: string[] = [];
  for (const d of diagnostics) {
    if (d.source !== 'iaclint' || d.code === undefined) {
      continue;
    }
    const code = String(typeof d.code === 'object' ? d.code.value : d.code);
    if (before(d.range.start, position) && before(position, d.range.end) && !out.includes(code)) {
      out.push(code);
    }
  }
  return out;
}

/** Whether the server (its initialize result's capabilities) offers `command`. */
export function serverHas(capabilities: { executeCommandProvider?: { commands?: string[] } } | undefined,
  command: string): boolean {
  return capabilities?.executeCommandProvider?.commands?.includes(command) ?? false;
}
