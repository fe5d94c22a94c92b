// Cursor's hooks file: a preToolUse command hook (through Bridle's hook client) for every tool.
// Written to the *private* HOME the runtime gave the session (~/.cursor/hooks.json there), never
// to the workspace's .cursor/ (the user's repository) nor the user's real home.
import path from 'node:path';
import { hookCommand } from '../hook-command.js';
import { writePrivate } from '../user-config.js';

export function cursorHooksFile(home: string): string {
  return path.join(home, '.cursor', 'hooks.json');
}

export function writeCursorHooks(home: string, hookUrl: string, timeoutSeconds: number): string {
  const command = hookCommand(hookUrl, 'cursor', timeoutSeconds);
  const file = cursorHooksFile(home);
  writePrivate(file, `${JSON.stringify({ version: 1, hooks: { preToolUse: [{ command }] } }, null, 2)}\n`);
  return file;
}
