// Which model API a session talks to, and through which route. The runtime's environment names
// the routes (ANTHROPIC_BASE_URL / OPENAI_BASE_URL, pointing at the egress proxy, with
// placeholder keys); the spec's model picks one, and `params.api` can force it.
import { AnthropicClient } from './anthropic.js';
import type { RetryPolicy } from './http.js';
import type { ModelApi, ModelClient } from './model.js';
import { OpenAiResponsesClient } from './openai.js';

/** Model names that are OpenAI's: gpt-*, o1/o3/o4…, codex-*, chatgpt-*. */
const OPENAI_MODEL = /^(gpt-|o\d|codex-|chatgpt-)/i;
const ANTHROPIC_MODEL = /^claude/i;

export function chooseApi(model: string, forced: unknown, env: Record<string, string>): ModelApi {
  if (forced !== undefined) {
    if (forced !== 'anthropic' && forced !== 'openai') throw new Error(`params.api must be "anthropic" or "openai", not ${JSON.stringify(forced)}`);
    return forced;
  }
  if (ANTHROPIC_MODEL.test(model)) return 'anthropic';
  if (OPENAI_MODEL.test(model)) return 'openai';
  // Another vendor's model behind a compatible route: whichever route the session has.
  if (env.ANTHROPIC_BASE_URL) return 'anthropic';
  if (env.OPENAI_BASE_URL) return 'openai';
  throw new Error(`cannot tell which API model "${model}" speaks; set params.api to "anthropic" or "openai"`);
}

export function modelClient(api: ModelApi, env: Record<string, string>, retry: RetryPolicy): ModelClient {
  if (api === 'anthropic') {
    const baseUrl = env.ANTHROPIC_BASE_URL;
    if (!baseUrl) throw new Error('the bridle harness needs ANTHROPIC_BASE_URL in the session environment for Anthropic models');
    return new AnthropicClient({ baseUrl, apiKey: env.ANTHROPIC_API_KEY ?? '', retry });
  }
  const baseUrl = env.OPENAI_BASE_URL;
  if (!baseUrl) throw new Error('the bridle harness needs OPENAI_BASE_URL in the session environment for OpenAI models');
  return new OpenAiResponsesClient({ baseUrl, apiKey: env.OPENAI_API_KEY ?? '', retry });
}
