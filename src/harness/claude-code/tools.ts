// Claude Code's tool vocabulary → Bridle's normalized tools.
import { absolute, asRecord, passthrough, str, tool } from '../tools.js';
import type { NormalizedTool } from '../types.js';

export function normalizeClaudeTool(name: string, input: unknown, workspace: string): NormalizedTool {
  const i = asRecord(input);
  const pathOf = (key: string): string | undefined => {
    const p = str(i[key]);
    return p === undefined ? undefined : absolute(workspace, p);
  };
  switch (name) {
    case 'Bash':
      return tool('bash', name, input, { command: str(i.command) ?? '' });
    case 'Read':
      return tool('read', name, input, { path: pathOf('file_path') }, ['file_path']);
    // Searches read whatever lies under their root: policies on `read{path}` must see them.
    case 'Glob':
    case 'Grep':
    case 'LS':
      return tool('read', name, input, { path: pathOf('path') ?? workspace }, ['path']);
    case 'Write':
      return tool('write', name, input, { path: pathOf('file_path') }, ['file_path']);
    case 'Edit':
    case 'MultiEdit':
      return tool('edit', name, input, { path: pathOf('file_path') }, ['file_path']);
    case 'NotebookEdit':
      return tool('edit', name, input, { path: pathOf('notebook_path') }, ['notebook_path']);
    case 'WebFetch':
      return tool('fetch', name, input, { url: str(i.url) ?? '' });
    case 'Task':
    case 'Agent':
      return tool('delegate', name, input, { agent: str(i.subagent_type) ?? 'general-purpose', prompt: str(i.prompt) ?? '' }, ['subagent_type']);
    default:
      // mcp__server__tool is already Bridle's spelling; anything else keeps the vendor's name.
      return passthrough(name, input);
  }
}
