// Codex's private home (CODEX_HOME): a config.toml naming Bridle's model provider, the vendor
// sandbox off (Bridle's sandbox wraps the whole process; Codex's own cannot start inside it),
// and a hooks.json whose PreToolUse hook asks Bridle about every tool call. The user's global
// instructions (AGENTS.md, AGENTS.override.md) and an allow-list of their config.toml preferences
// are carried over; the user's files are only ever read.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { hookCommand } from '../hook-command.js';
import { readTomlSubset, tomlString as q, type TomlScalar } from '../toml-subset.js';
import { copyReadOnly, writePrivate } from '../user-config.js';
import type { HarnessContext } from '../types.js';

export const PROVIDER_ID = 'bridle';

/**
 * config.toml keys imported from the user's own file, each with a check of its value (a value
 * Codex rejects would stop the session from starting). Only how the model talks and how output
 * looks: never `sandbox_mode`, `approval_policy`, `model_provider(s)`, `mcp_servers`, hooks,
 * `shell_environment_policy`, `projects` trust, `profile`, `notify` or anything else that could
 * widen what the agent may do or where its traffic goes.
 */
const PREFERENCES: Record<string, (v: TomlScalar) => boolean> = {
  model: (v) => typeof v === 'string' && /^[\w.:/-]{1,200}$/.test(v),
  // Codex takes any effort name its models know (its protocol types it as a string).
  model_reasoning_effort: (v) => typeof v === 'string' && /^[a-z]{1,20}$/.test(v),
  model_reasoning_summary: (v) => v === 'auto' || v === 'concise' || v === 'detailed' || v === 'none',
  model_verbosity: (v) => v === 'low' || v === 'medium' || v === 'high',
  hide_agent_reasoning: (v) => typeof v === 'boolean',
  show_raw_agent_reasoning: (v) => typeof v === 'boolean',
  file_opener: (v) => v === 'vscode' || v === 'vscode-insiders' || v === 'windsurf' || v === 'cursor' || v === 'none',
};

export interface UserCodexPrefs {
  values: Record<string, TomlScalar>;
  /** Why allow-listed keys (or unreadable lines) were left out; for the session's event log. */
  warnings: string[];
}

/** The allow-listed preferences of the user's `~/.codex/config.toml`; empty when it is absent. */
export function readUserCodexPrefs(userHome: string): UserCodexPrefs {
  const file = path.join(userHome, '.codex', 'config.toml');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { values: {}, warnings: [] };
  }
  const { values: all, skipped } = readTomlSubset(text);
  const values: Record<string, TomlScalar> = {};
  const warnings: string[] = [];
  for (const [key, value] of all) {
    const valid = PREFERENCES[key];
    if (!valid) continue; // not a preference Bridle imports: silently left behind
    if (valid(value)) values[key] = value;
    else warnings.push(`${file}: ${key} = ${JSON.stringify(value)} not imported (unexpected value)`);
  }
  for (const s of skipped) {
    // Other keys Bridle would not import anyway; say only what a user might miss.
    if (s.key !== undefined && PREFERENCES[s.key] === undefined) continue;
    warnings.push(`${file}:${s.line}: ${s.key !== undefined ? `${s.key} ` : ''}not imported (${s.reason})`);
  }
  return { values, warnings };
}

function tomlValue(v: TomlScalar): string {
  return typeof v === 'string' ? q(v) : String(v);
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

export interface CodexHomeResult {
  /** The model Codex will run: the spec's, else the user's, else Codex's own default (undefined). */
  model?: string;
  /** User preferences that were not imported, and why. */
  warnings: string[];
}

export function prepareCodexHome(o: CodexHomeOptions): CodexHomeResult {
  mkdirSync(o.configHome, { recursive: true, mode: 0o700 });
  let prefs: UserCodexPrefs = { values: {}, warnings: [] };
  if (o.userHome !== undefined) {
    const real = path.join(o.userHome, '.codex');
    // Codex reads the override instead of AGENTS.md when both exist; copying both keeps that.
    for (const name of ['AGENTS.md', 'AGENTS.override.md']) copyReadOnly(path.join(real, name), path.join(o.configHome, name));
    prefs = readUserCodexPrefs(o.userHome);
  }
  // The spec's model wins over the user's; the user's other preferences fill in around Bridle's keys.
  const user = { ...prefs.values, ...(o.model !== undefined ? { model: o.model } : {}) };
  const lines = [
    '# Written by Bridle for one session. Bridle routes model traffic and decides every tool call.',
    ...Object.entries(user).map(([key, value]) => `${key} = ${tomlValue(value)}`),
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
  return { ...(typeof user.model === 'string' ? { model: user.model } : {}), warnings: prefs.warnings };
}


/**
 * CODEX_HOME for one session, as both modes prepare it: Bridle's provider at the session's
 * OPENAI_BASE_URL (required: Codex would otherwise talk to OpenAI directly) and the PreToolUse
 * hook at `hookUrl`.
 */
export function prepareSessionCodexHome(ctx: HarnessContext, hookUrl: string, hookTimeoutSeconds: number): CodexHomeResult {
  const baseUrl = ctx.env.OPENAI_BASE_URL;
  if (!baseUrl) throw new Error('codex needs OPENAI_BASE_URL (ending in /v1) in the launch environment');
  return prepareCodexHome({
    configHome: ctx.configHome,
    ...(ctx.userHome !== undefined ? { userHome: ctx.userHome } : {}),
    ...(ctx.spec.model !== undefined ? { model: ctx.spec.model } : {}),
    baseUrl,
    envKey: 'OPENAI_API_KEY',
    hookUrl,
    hookTimeoutSeconds,
  });
}
