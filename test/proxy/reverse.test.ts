// Reverse routes with real clients: the Anthropic SDK and curl against a real HTTPS upstream that
// stands in for the vendor (reached through the user's own ANTHROPIC_BASE_URL, with its path
// prefix), SSE streamed event by event (a gated upstream proves nothing is buffered), usage
// metered from the wire, and echoes of the real key redacted on the way back.
import test from 'ava';
import Anthropic from '@anthropic-ai/sdk';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { proxyEnvFor, type EgressProxy, type SessionRoute } from '../../src/proxy/index.js';
import { cleanEnv, run } from './helpers/proc.js';
import { rules } from './helpers/policy.js';
import { startUpstream, type Upstream } from './helpers/upstream.js';
import { mapResolver, recorder, startProxy, testPki, type Recorded } from './helpers/world.js';

const REAL = 'sk-ant-api03-REALanthropicKEYneverLEAKS_0123456789abcdefghijklmnop';
const MODEL = 'claude-sonnet-4-5-20250929';

let rec: Recorded;
let proxy: EgressProxy;
let route: SessionRoute;
let up: Upstream;
/** Opened by the test once the client holds the first event; the upstream waits on it. */
let gate: { wait: Promise<void>; open: () => void; secondSent: boolean } | null = null;

/** Older SDKs and curl send `x-api-key`; newer SDKs send the key as a bearer token. */
function keyOf(h: IncomingHttpHeaders): string | undefined {
  const x = h['x-api-key'];
  if (typeof x === 'string') return x;
  return h.authorization?.replace(/^Bearer /, '');
}

function sse(res: ServerResponse, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

test.before(async () => {
  up = await startUpstream(testPki(), async (req, res, body) => {
    const path = req.url ?? '';
    if (path.startsWith('/gateway/v1/messages') && req.method === 'POST') {
      const b = JSON.parse(body) as { stream?: boolean; messages: { content: string }[] };
      const key = keyOf(req.headers);
      if (key !== REAL) {
        // Vendors echo what they got in errors; this one echoes the key it received.
        const out = JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key ${String(key)}` } });
        res.writeHead(401, { 'content-type': 'application/json' });
        return void res.end(out);
      }
      if (b.messages[0]?.content === 'echo') {
        res.writeHead(200, { 'content-type': 'application/json', 'x-echo-key': String(key) });
        return void res.end(JSON.stringify({ id: 'm', type: 'message', role: 'assistant', model: MODEL, content: [{ type: 'text', text: `you sent ${String(key)}` }], stop_reason: 'end_turn', usage: { input_tokens: 3, output_tokens: 4 } }));
      }
      if (!b.stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(
          JSON.stringify({ id: 'msg_1', type: 'message', role: 'assistant', model: MODEL, content: [{ type: 'text', text: 'hi' }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 11, output_tokens: 7, cache_read_input_tokens: 100, cache_creation_input_tokens: 0 } }),
        );
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      sse(res, 'message_start', { type: 'message_start', message: { id: 'msg_2', type: 'message', role: 'assistant', model: MODEL, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 25, output_tokens: 1 } } });
      if (gate) await gate.wait;
      if (gate) gate.secondSent = true;
      sse(res, 'content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
      sse(res, 'content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello' } });
      sse(res, 'content_block_stop', { type: 'content_block_stop', index: 0 });
      sse(res, 'message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 42 } });
      sse(res, 'message_stop', { type: 'message_stop' });
      return void res.end();
    }
    res.writeHead(404).end();
  });
  rec = recorder();
  proxy = await startProxy(rec, {
    // The environment Bridle was started in: the user's own gateway and key.
    env: { ANTHROPIC_BASE_URL: `https://api.anthropic.test:${up.port}/gateway`, ANTHROPIC_API_KEY: REAL },
    decide: rules([{ path: '/gateway/v1/denied', action: 'deny', message: 'no such thing' }]),
    resolver: mapResolver({ 'api.anthropic.test': ['127.0.0.1'] }),
  });
  route = proxy.addSession({ id: 's_rev' });
});

test.after.always(async () => {
  await proxy?.close();
  await up?.close();
});

const client = (): Anthropic => new Anthropic({ apiKey: route.placeholders.ANTHROPIC_API_KEY!, baseURL: route.baseUrls.anthropic!, maxRetries: 0 });

test.serial('the env for the child holds a placeholder and local URLs only', (t) => {
  const env = proxyEnvFor(route);
  t.true(env.ANTHROPIC_API_KEY!.startsWith('sk-ant-api03-'));
  t.not(env.ANTHROPIC_API_KEY, REAL);
  t.is(env.ANTHROPIC_BASE_URL, `http://127.0.0.1:${proxy.port}/s/${route.token}/anthropic`);
  t.is(env.HTTPS_PROXY, `http://bridle:${route.token}@127.0.0.1:${proxy.port}`);
  t.is(env.https_proxy, env.HTTPS_PROXY);
  t.is(env.NO_PROXY, '');
  t.is(env.NODE_EXTRA_CA_CERTS, proxy.caCertPath);
  t.is(env.SSL_CERT_FILE, proxy.caBundlePath);
  t.false(JSON.stringify(env).includes(REAL));
});

test.serial('SDK, JSON reply: path prefix and ?beta=true preserved, key swapped, usage metered', async (t) => {
  const n = rec.usage.length;
  const msg = await client().messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }, { query: { beta: 'true' } });
  t.is(msg.content[0]?.type, 'text');
  const seen = up.seen.at(-1)!;
  t.is(seen.url, '/gateway/v1/messages?beta=true');
  t.is(keyOf(seen.headers), REAL);
  t.false(JSON.stringify(seen.headers).includes(route.placeholders.ANTHROPIC_API_KEY!));
  t.is(seen.headers.host, `api.anthropic.test:${up.port}`);
  const u = rec.usage.slice(n);
  t.is(u.length, 1);
  t.like(u[0], { sessionId: 's_rev', api: 'anthropic-messages', model: MODEL, inputTokens: 11, outputTokens: 7, cacheReadTokens: 100, costKnown: true });
  t.is(u[0]!.costUsd!.toFixed(8), (11 * 3e-6 + 7 * 15e-6 + 100 * 0.3e-6).toFixed(8));
});

test.serial('SDK, streaming: each SSE event reaches the client before the upstream sends the next', async (t) => {
  const n = rec.usage.length;
  let open!: () => void;
  gate = { wait: new Promise<void>((r) => (open = r)), open: () => open(), secondSent: false };
  // Safety bound against a hang if the proxy buffered (then the test fails below, not by timing).
  const safety = setTimeout(() => gate?.open(), 30_000);
  const types: string[] = [];
  let firstBeforeSecond: boolean | null = null;
  try {
    const stream = await client().messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], stream: true });
    for await (const ev of stream) {
      types.push(ev.type);
      if (ev.type === 'message_start') {
        firstBeforeSecond = gate.secondSent === false;
        gate.open();
      }
    }
  } finally {
    clearTimeout(safety);
    gate = null;
  }
  t.true(firstBeforeSecond, 'message_start arrived while the upstream was still holding the rest');
  t.deepEqual(types, ['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
  const u = rec.usage.slice(n);
  t.is(u.length, 1);
  t.like(u[0], { model: MODEL, inputTokens: 25, outputTokens: 42, costKnown: true });
});

test.serial('curl through the reverse route, also when it goes via HTTP_PROXY (absolute-form to the proxy itself)', async (t) => {
  const env = cleanEnv(proxyEnvFor(route));
  const ph = route.placeholders.ANTHROPIC_API_KEY!;
  const body = JSON.stringify({ model: MODEL, max_tokens: 5, messages: [{ role: 'user', content: 'echo' }] });
  for (const extra of [['--noproxy', '*'], []]) {
    const r = await run('curl', ['-sS', '-i', '--max-time', '20', ...extra, '-H', `x-api-key: ${ph}`, '-H', 'content-type: application/json', '--data-binary', body, `${route.baseUrls.anthropic}/v1/messages`], env);
    t.is(r.code, 0, r.stderr);
    t.regex(r.stdout, /^HTTP\/1.1 200/);
    t.is(up.seen.at(-1)!.headers['x-api-key'], REAL);
    // The upstream echoed the real key in a header and in the body; the client sees its placeholder.
    t.false(r.stdout.includes(REAL));
    t.true(r.stdout.includes(`x-echo-key: ${ph}`));
    t.true(r.stdout.includes(`you sent ${ph}`));
  }
});

test.serial('an upstream error echoing a wrong key passes, and nothing real leaks', async (t) => {
  const r = await run('curl', ['-sS', '--max-time', '20', '-H', 'x-api-key: sk-ant-api03-wrong', '--data-binary', '{"messages":[]}', `${route.baseUrls.anthropic}/v1/messages`], cleanEnv({}));
  t.regex(r.stdout, /invalid x-api-key sk-ant-api03-wrong/);
});

test.serial('policy deny on a reverse route: 403 with the rule message', async (t) => {
  const r = await run('curl', ['-sS', '-i', '--max-time', '20', `${route.baseUrls.anthropic}/v1/denied`], cleanEnv({}));
  t.regex(r.stdout, /^HTTP\/1.1 403/);
  t.regex(r.stdout, /x-bridle-deny: policy: no such thing/);
  const ev = rec.events.at(-1)!;
  t.like(ev.payload, { host: 'api.anthropic.test', path: '/gateway/v1/denied', route: 'anthropic', verdict: 'deny', message: 'no such thing' });
});

test.serial('unknown route tokens are refused without reaching any upstream', async (t) => {
  const n = up.seen.length;
  const r = await run('curl', ['-sS', '-i', '--max-time', '20', `http://127.0.0.1:${proxy.port}/s/not-a-token/anthropic/v1/messages`], cleanEnv({}));
  t.regex(r.stdout, /^HTTP\/1.1 403/);
  t.is(up.seen.length, n);
});

test.serial('redact() scrubs real secrets and route tokens for the store', (t) => {
  const out = proxy.redact({ msg: `key ${REAL} via /s/${route.token}/x`, list: [REAL], n: 3 }) as { msg: string; list: string[]; n: number };
  t.false(JSON.stringify(out).includes(REAL));
  t.false(out.msg.includes(route.token));
  t.is(out.n, 3);
  t.is(out.list[0], '[REDACTED:ANTHROPIC_API_KEY]');
});
