// Claude Code's private config home and the settings Bridle adds to it.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { copyReadOnly, pick, readJsonObject, writePrivate } from '../user-config.js';

/** User preferences carried into the private home; hooks, permissions, env and helpers never are. */
const PREFERENCE_KEYS = ['model', 'outputStyle', 'language', 'alwaysThinkingEnabled', 'includeCoAuthoredBy', 'theme', 'spinnerTipsEnabled'] as const;

/**
 * Prepares CLAUDE_CONFIG_DIR: the user's global CLAUDE.md (read-only copy) and preference keys
 * from their settings.json. `userHome` is never written.
 */
export function prepareClaudeHome(configHome: string, userHome: string | undefined): void {
  mkdirSync(configHome, { recursive: true, mode: 0o700 });
  if (userHome === undefined) return;
  const real = path.join(userHome, '.claude');
  copyReadOnly(path.join(real, 'CLAUDE.md'), path.join(configHome, 'CLAUDE.md'));
  const prefs = pick(readJsonObject(path.join(real, 'settings.json')), PREFERENCE_KEYS);
  if (Object.keys(prefs).length > 0) writePrivate(path.join(configHome, 'settings.json'), `${JSON.stringify(prefs, null, 2)}\n`);
}

/**
 * Settings passed with `--settings` (as JSON text, so there is no file the agent could edit):
 * an HTTP PreToolUse hook for every tool, blocking when the hook cannot answer.
 */
export function claudeSettings(hookUrl: string, timeoutSeconds: number): Record<string, unknown> {
  return {
    hooks: {
      PreToolUse: [{ matcher: '*', hooks: [{ type: 'http', url: hookUrl, timeout: timeoutSeconds, onFailure: 'block' }] }],
    },
  };
}

/** Normalized tool names → Claude's built-in tools, for `--tools` when a spec restricts tools. */
const BUILTINS: Record<string, string[]> = {
  bash: ['Bash'],
  read: ['Read', 'Glob', 'Grep'],
  write: ['Write'],
  edit: ['Edit', 'MultiEdit', 'NotebookEdit'],
  fetch: ['WebFetch'],
  delegate: ['Task'],
};

export function claudeTools(tools: string[]): string[] {
  return [...new Set(tools.flatMap((t) => BUILTINS[t] ?? []))];
}
