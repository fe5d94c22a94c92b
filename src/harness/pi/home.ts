// Pi's private agent dir (PI_CODING_AGENT_DIR): a models.json whose one provider points at the
// session's model route, plus the user's global AGENTS.md copied read-only.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyReadOnly, writePrivate } from '../user-config.js';

export const PROVIDER_ID = 'bridle';

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
  if (userHome !== undefined) copyReadOnly(path.join(userHome, '.pi', 'agent', 'AGENTS.md'), path.join(configHome, 'AGENTS.md'));
  const models = { providers: { [PROVIDER_ID]: { baseUrl: route.baseUrl, api: route.api, apiKey: route.keyEnv, models: [{ id: model }] } } };
  writePrivate(path.join(configHome, 'models.json'), `${JSON.stringify(models, null, 2)}\n`);
}

/** The compiled gate extension next to this module. */
export function gateExtensionPath(): string {
  return path.join(path.dirname(fileURLToPath(import.meta.url)), 'extension', 'gate.js');
}
