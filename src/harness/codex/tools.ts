// Codex's tool vocabulary (as its PreToolUse hook names them) → Bridle's normalized tools.
import { absolute, asRecord, passthrough, str, tool } from '../tools.js';
import type { NormalizedTool } from '../types.js';

/** Files an apply_patch body touches, from its `*** Add/Update/Delete File:` headers. */
export function patchFiles(patch: string): Array<{ op: 'add' | 'update' | 'delete'; path: string }> {
  const out: Array<{ op: 'add' | 'update' | 'delete'; path: string }> = [];
  for (const m of patch.matchAll(/^\*\*\* (Add|Update|Delete) File: (.+)$/gm)) {
    out.push({ op: m[1]!.toLowerCase() as 'add' | 'update' | 'delete', path: m[2]!.trim() });
  }
  return out;
}

export function normalizeCodexTool(name: string, input: unknown, cwd: string): NormalizedTool {
  const i = asRecord(input);
  if (name === 'Bash' || name === 'exec_command' || name === 'shell' || name === 'local_shell') {
    const command = str(i.command) ?? str(i.cmd) ?? (Array.isArray(i.command) ? i.command.join(' ') : '');
    return tool('bash', name, input, { command }, ['cmd']);
  }
  if (name === 'apply_patch' || name === 'ApplyPatch') {
    const patch = str(i.command) ?? str(i.patch) ?? str(i.input) ?? (typeof input === 'string' ? input : '');
    const files = patchFiles(patch);
    const paths = files.map((f) => absolute(cwd, f.path));
    // A patch that only adds files is a write; anything touching existing files is an edit.
    const kind = files.length > 0 && files.every((f) => f.op === 'add') ? 'write' : 'edit';
    return tool(kind, name, input, { path: paths[0] ?? cwd, paths, patch }, ['command', 'input']);
  }
  return passthrough(name, input);
}
