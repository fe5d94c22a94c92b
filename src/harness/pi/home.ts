// Pi's private agent dir (PI_CODING_AGENT_DIR): a models.json whose one provider points at the
// session's model route, plus the user's global AGENTS.md copied read-only and an allow-list of
// their settings.json preferences. The user's files are only ever read.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyReadOnly, pick, readJsonObject, writePrivate } from '../user-config.js';

export const PROVIDER_ID = 'bridle';

/** The model a pi session runs when neither the spec nor the user's settings name one. */
export const DEFAULT_PI_MODEL = 'claude-sonnet-4-5';

/**
 * settings.json keys carried over: how the model thinks and how output looks. Never
 * `extensions`, `packages`, `skills`, `prompts`, `shellPath`, `shellCommandPrefix`, `npmCommand`,
 * `sessionDir` or provider choice — those load code, run commands or move data.
 */
const PREFERENCE_KEYS = ['defaultThinkingLevel', 'hideThinkingBlock', 'steeringMode', 'followUpMode', 'quietStartup'] as const;

function userSettings(userHome: string | undefined): Record<string, unknown> | undefined {
  return userHome === undefined ? undefined : readJsonObject(path.join(userHome, '.pi', 'agent', 'settings.json'));
}

/**
 * The model for a session: the spec's, else the user's `defaultModel` (only its id: Bridle's
 * provider serves it, whatever provider the user picked), else pi's usual default here.
 */
export function piModel(specModel: string | undefined, userHome: string | undefined): string {
  if (specModel !== undefined) return specModel;
  const mine = userSettings(userHome)?.defaultModel;
  return typeof mine === 'string' && /^[\w.:/-]{1,200}$/.test(mine) ? mine : DEFAULT_PI_MODEL;
}

export interface PiRoute {
  api: 'anthropic-messages' | 'openai-responses';
  baseUrl: string;
  /** Name of the variable holding the placeholder key (pi resolves it from its environment). */
  keyEnv: string;
}

/**
 * Which API the session's model speaks: Anthropic when its route is given (and the model is a
 * Claude model or no OpenAI route exists), else OpenAI Responses.
 */
export function piRoute(env: Record<string, string>, model: string): PiRoute {
  const anthropic = env.ANTHROPIC_BASE_URL;
  const openai = env.OPENAI_BASE_URL;
  if (anthropic && (/claude/i.test(model) || !openai)) return { api: 'anthropic-messages', baseUrl: anthropic, keyEnv: 'ANTHROPIC_API_KEY' };
  if (openai) return { api: 'openai-responses', baseUrl: openai, keyEnv: 'OPENAI_API_KEY' };
  throw new Error('pi needs ANTHROPIC_BASE_URL or OPENAI_BASE_URL in the launch environment');
}

export function preparePiHome(configHome: string, userHome: string | undefined, route: PiRoute, model: string): void {
  mkdirSync(configHome, { recursive: true, mode: 0o700 });
  if (userHome !== undefined) {
    copyReadOnly(path.join(userHome, '.pi', 'agent', 'AGENTS.md'), path.join(configHome, 'AGENTS.md'));
    const prefs = pick(userSettings(userHome), PREFERENCE_KEYS);
    if (Object.keys(prefs).length > 0) writePrivate(path.join(configHome, 'settings.json'), `${JSON.stringify(prefs, null, 2)}\n`);
  }
  const models = { providers: { [PROVIDER_ID]: { baseUrl: route.baseUrl, api: route.api, apiKey: route.keyEnv, models: [{ id: model }] } } };
  writePrivate(path.join(configHome, 'models.json'), `${JSON.stringify(models, null, 2)}\n`);
}

/** The compiled gate extension next to this module. */
export function gateExtensionPath(): string {
  return path.join(path.dirname(fileURLToPath(import.meta.url)), 'extension', 'gate.js');
}
