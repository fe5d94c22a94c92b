// Codex's private home (CODEX_HOME): a config.toml naming Bridle's model provider, the vendor
// sandbox off (Bridle's sandbox wraps the whole process; Codex's own cannot start inside it),
// and a hooks.json whose PreToolUse hook asks Bridle about every tool call.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { hookCommand } from '../hook-command.js';
import { copyReadOnly, writePrivate } from '../user-config.js';

export const PROVIDER_ID = 'bridle';

/** A TOML basic string. */
function q(value: string): string {
  return JSON.stringify(value);
}

export interface CodexHomeOptions {
  configHome: string;
  userHome?: string;
  model?: string;
  /** Responses API base URL ending in `/v1` (model server or proxy route). */
  baseUrl: string;
  /** Variable holding the (placeholder) key. */
  envKey: string;
  hookUrl: string;
  hookTimeoutSeconds: number;
}

export function prepareCodexHome(o: CodexHomeOptions): void {
  mkdirSync(o.configHome, { recursive: true, mode: 0o700 });
  if (o.userHome !== undefined) copyReadOnly(path.join(o.userHome, '.codex', 'AGENTS.md'), path.join(o.configHome, 'AGENTS.md'));
  const lines = [
    '# Written by Bridle for one session. Bridle routes model traffic and decides every tool call.',
    ...(o.model !== undefined ? [`model = ${q(o.model)}`] : []),
    `model_provider = ${q(PROVIDER_ID)}`,
    // Approvals come to Bridle over app-server; tool calls are gated by the PreToolUse hook.
    'approval_policy = "on-request"',
    'sandbox_mode = "danger-full-access"',
    'check_for_update_on_startup = false',
    '',
    `[model_providers.${PROVIDER_ID}]`,
    'name = "Bridle"',
    `base_url = ${q(o.baseUrl)}`,
    `env_key = ${q(o.envKey)}`,
    'wire_api = "responses"',
    '',
  ];
  writePrivate(path.join(o.configHome, 'config.toml'), lines.join('\n'));
  const command = hookCommand(o.hookUrl, 'codex', o.hookTimeoutSeconds);
  const hooks = { hooks: { PreToolUse: [{ matcher: '*', hooks: [{ type: 'command', command, timeout: o.hookTimeoutSeconds + 5 }] }] } };
  writePrivate(path.join(o.configHome, 'hooks.json'), `${JSON.stringify(hooks, null, 2)}\n`);
}

