// The shell command a vendor's command hook runs to reach the hook endpoint: this very Node
// running the compiled hook client (so the child's PATH need not contain node).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function hookClientPath(): string {
  return path.join(path.dirname(fileURLToPath(import.meta.url)), 'hook-client.js');
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:@=-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

export function hookCommand(url: string, format: 'codex' | 'cursor', timeoutSeconds: number): string {
  return [process.execPath, hookClientPath(), url, format, String(timeoutSeconds)].map(shellQuote).join(' ');
}
