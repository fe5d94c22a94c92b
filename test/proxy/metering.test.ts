// Metering against the scripted model server (the project's stand-in for vendor APIs) with the
// vendors' own SDKs: Anthropic Messages streaming, OpenAI Responses streaming and Chat Completions
// with include_usage. Usage comes from the wire, cost from the price table.
import test from 'ava';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startModelServer, type ModelServer } from '../../src/model-server/index.js';
import type { EgressProxy, SessionRoute } from '../../src/proxy/index.js';
import { rules } from './helpers/policy.js';
import { recorder, startProxy, type Recorded } from './helpers/world.js';

const REAL = 'sk-ant-api03-REALkeyFORmeteringTESTS0123456789';

let ms: ModelServer;
let rec: Recorded;
let proxy: EgressProxy;
let route: SessionRoute;

test.before(async () => {
  ms = await startModelServer({
    script: [
      { once: false, model: 'claude', reply: { text: 'Hello from the script, streamed in pieces.', usage: { input_tokens: 1200, output_tokens: 80, cache_read_input_tokens: 300 } } },
      { once: false, model: 'gpt', reply: { text: 'Hi from the script.', usage: { input_tokens: 900, output_tokens: 50, cache_read_input_tokens: 100 } } },
    ],
  });
  rec = recorder();
  proxy = await startProxy(rec, {
    // A local model server as the user's upstream, and a real key in the user's environment.
    env: { ANTHROPIC_BASE_URL: ms.url, OPENAI_BASE_URL: `${ms.url}/v1`, ANTHROPIC_API_KEY: REAL },
    decide: rules([]),
  });
  route = proxy.addSession({ id: 's_meter' });
});

test.after.always(async () => {
  await proxy?.close();
  await ms?.close();
});

test.serial('Anthropic SDK stream through the proxy: usage recorded from message_start/message_delta', async (t) => {
  const n = rec.usage.length;
  // A local plain-HTTP model needs no key; the SDK insists on one, so it gets a dummy (not a placeholder).
  const client = new Anthropic({ apiKey: 'local-dummy', baseURL: route.baseUrls.anthropic!, maxRetries: 0 });
  const stream = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }], stream: true });
  let text = '';
  let events = 0;
  for await (const ev of stream) {
    events++;
    if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') text += ev.delta.text;
  }
  t.is(text, 'Hello from the script, streamed in pieces.');
  t.true(events > 4);
  const u = rec.usage.slice(n);
  t.is(u.length, 1);
  t.like(u[0], { api: 'anthropic-messages', model: 'claude-sonnet-4-5', inputTokens: 1200, outputTokens: 80, cacheReadTokens: 300, costKnown: true });
  t.is(u[0]!.costUsd!.toFixed(6), (1200 * 3e-6 + 80 * 15e-6 + 300 * 0.3e-6).toFixed(6));
});

test.serial('OpenAI Responses stream: usage from response.completed (cached tokens split out)', async (t) => {
  const n = rec.usage.length;
  const client = new OpenAI({ apiKey: 'local-dummy', baseURL: route.baseUrls.openai!, maxRetries: 0 });
  const stream = await client.responses.create({ model: 'gpt-5', input: 'hi', stream: true });
  for await (const ev of stream) void ev;
  const u = rec.usage.slice(n);
  t.is(u.length, 1);
  t.like(u[0], { api: 'openai-responses', model: 'gpt-5', outputTokens: 50, costKnown: true });
  // The wire reports 1000 input tokens of which 100 cached; they are metered apart.
  t.is(u[0]!.inputTokens, 900);
  t.is(u[0]!.cacheReadTokens, 100);
  t.is(u[0]!.costUsd!.toFixed(8), (900 * 1.25e-6 + 100 * 0.125e-6 + 50 * 10e-6).toFixed(8));
});

test.serial('OpenAI Chat stream with include_usage: usage from the final chunk; unknown model flagged', async (t) => {
  const n = rec.usage.length;
  const client = new OpenAI({ apiKey: 'local-dummy', baseURL: route.baseUrls.openai!, maxRetries: 0 });
  const stream = await client.chat.completions.create({ model: 'gpt-unknown-9', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } });
  for await (const ev of stream) void ev;
  const u = rec.usage.slice(n);
  t.is(u.length, 1);
  t.like(u[0], { api: 'openai-chat', model: 'gpt-unknown-9', inputTokens: 900, outputTokens: 50, cacheReadTokens: 100, costUsd: null, costKnown: false });
});

test.serial('a placeholder headed to a plain-HTTP upstream is refused, even on its own route', async (t) => {
  const n = ms.requests().length;
  const client = new Anthropic({ apiKey: route.placeholders.ANTHROPIC_API_KEY!, baseURL: route.baseUrls.anthropic!, maxRetries: 0 });
  const err = await t.throwsAsync(client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }));
  t.regex(String(err?.message), /403/);
  t.is(ms.requests().length, n);
  const ev = rec.events.at(-1)!;
  t.like(ev.payload, { verdict: 'deny', reason: 'exfiltration', exfiltration: { kind: 'plain-http', credential: 'ANTHROPIC_API_KEY' } });
});
