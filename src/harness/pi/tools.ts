// Pi's tool vocabulary → Bridle's normalized tools (pi's built-ins already use Bridle's names).
import { absolute, asRecord, passthrough, str, tool } from '../tools.js';
import type { NormalizedTool } from '../types.js';

export function normalizePiTool(name: string, input: unknown, cwd: string): NormalizedTool {
  const i = asRecord(input);
  const p = str(i.path);
  switch (name) {
    case 'bash':
      return tool('bash', name, input, { command: str(i.command) ?? '' });
    case 'read':
    case 'ls':
    case 'grep':
    case 'find':
      return tool('read', name, input, { path: p !== undefined ? absolute(cwd, p) : cwd });
    case 'write':
      return tool('write', name, input, { path: p !== undefined ? absolute(cwd, p) : undefined });
    case 'edit':
      return tool('edit', name, input, { path: p !== undefined ? absolute(cwd, p) : undefined });
    default:
      return passthrough(name, input);
  }
}
