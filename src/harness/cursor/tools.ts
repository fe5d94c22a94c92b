// Cursor's tool vocabulary → Bridle's normalized tools. Cursor names tools one way in hooks
// (`Shell`, `Read`, `Write`…) and another in stream-json (`shellToolCall`, `readToolCall`…);
// both are mapped. Field names follow Cursor's published docs and are not verified against a
// live CLI (see docs/harnesses.md).
import { absolute, asRecord, passthrough, str, tool } from '../tools.js';
import type { NormalizedTool } from '../types.js';

const STREAM_TO_HOOK: Record<string, string> = {
  shellToolCall: 'Shell',
  readToolCall: 'Read',
  writeToolCall: 'Write',
  editToolCall: 'Edit',
  deleteToolCall: 'Delete',
  grepToolCall: 'Grep',
  globToolCall: 'Glob',
  lsToolCall: 'LS',
  mcpToolCall: 'MCP',
};

/** `{ shellToolCall: { args, result? } }` → the hook-style name and its args/result. */
export function unwrapStreamToolCall(toolCall: unknown): { name: string; args: unknown; result: unknown } {
  const entries = Object.entries(asRecord(toolCall));
  const [key, value] = entries[0] ?? ['unknown', {}];
  const v = asRecord(value);
  return { name: STREAM_TO_HOOK[key] ?? key, args: v.args, result: v.result };
}

export function normalizeCursorTool(name: string, input: unknown, cwd: string): NormalizedTool {
  const i = asRecord(input);
  const p = str(i.file_path) ?? str(i.path) ?? str(i.target_file);
  const abs = p !== undefined ? absolute(cwd, p) : undefined;
  switch (name) {
    case 'Shell':
      return tool('bash', name, input, { command: str(i.command) ?? '' });
    case 'Read':
    case 'Grep':
    case 'Glob':
    case 'LS':
      return tool('read', name, input, { path: abs ?? cwd }, ['file_path', 'target_file']);
    case 'Write':
      return tool('write', name, input, { path: abs }, ['file_path', 'target_file']);
    case 'Edit':
    case 'StrReplace':
    case 'Delete':
      return tool('edit', name, input, { path: abs }, ['file_path', 'target_file']);
    default:
      return passthrough(name, input);
  }
}
