// Tool-result policy on model requests: the proxy finds the tool results each wire format carries
// back to the model, puts them to the session's screen, and sends the rewritten body upstream —
// untouched bytes when nothing changed, a refusal when screening fails or cannot be done.
import test from 'ava';
import zlib from 'node:zlib';
import type { EgressProxy, ScreenToolResult, WireToolResult } from '../../src/proxy/index.js';
import { toolResultSlots } from '../../src/proxy/tool-results.js';
import { echo, startUpstream, type Upstream } from './helpers/upstream.js';
import { recorder, startProxy, type Recorded } from './helpers/world.js';

// The screen below is the test's own, so any marker works as the "secret".
const KEY = 'SECRET-MARKER-0123456789';

test('anthropic messages: tool_result blocks, string and text-part content, named by their tool_use', (t) => {
  const body = {
    model: 'm',
    messages: [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: [{ type: 'text', text: 'running' }, { type: 'tool_use', id: 'toolu_1', name: 'Bash', input: {} }, { type: 'tool_use', id: 'toolu_2', name: 'Read', input: {} }] },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: 'out one' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: 'out two' }, { type: 'image', source: {} }] },
          { type: 'text', text: 'not a result' },
        ],
      },
    ],
  };
  const slots = toolResultSlots('anthropic-messages', body);
  t.deepEqual(slots.map((s) => [s.callId, s.tool, s.text]), [['toolu_1', 'Bash', 'out one'], ['toolu_2', 'Read', 'out two']]);
  slots[0]!.set('ONE');
  slots[1]!.set('TWO');
  const user = body.messages[2]!.content as Array<Record<string, unknown>>;
  t.is(user[0]!.content, 'ONE');
  t.deepEqual(user[1]!.content, [{ type: 'text', text: 'TWO' }, { type: 'image', source: {} }]);
});

test('openai responses and chat: outputs and tool messages, named by their calls', (t) => {
  const responses = {
    input: [
      { type: 'message', role: 'user', content: 'hi' },
      { type: 'function_call', call_id: 'c1', name: 'exec_command', arguments: '{}' },
      { type: 'function_call_output', call_id: 'c1', output: 'r1' },
      { type: 'custom_tool_call', call_id: 'c2', name: 'apply_patch', input: '' },
      { type: 'custom_tool_call_output', call_id: 'c2', output: [{ type: 'input_text', text: 'r2' }] },
    ],
  };
  t.deepEqual(toolResultSlots('openai-responses', responses).map((s) => [s.callId, s.tool, s.text]), [['c1', 'exec_command', 'r1'], ['c2', 'apply_patch', 'r2']]);
  const chat = {
    messages: [
      { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'bash', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 't1', content: 'r1' },
      { role: 'function', name: 'old', content: 'r0' },
    ],
  };
  t.deepEqual(toolResultSlots('openai-chat', chat).map((s) => [s.callId, s.tool, s.text]), [['t1', 'bash', 'r1'], [undefined, 'old', 'r0']]);
  t.deepEqual(toolResultSlots('openai-chat', 'not an object'), []);
});

let rec: Recorded;
let proxy: EgressProxy;
let up: Upstream;
const screened: WireToolResult[] = [];
let screen: ScreenToolResult = () => undefined;

test.before(async () => {
  up = await startUpstream(null, echo);
  rec = recorder();
  proxy = await startProxy(rec, {
    decide: () => ({ action: 'allow' }),
    screenToolResult: (r, ctx) => {
      screened.push(r);
      return screen(r, ctx);
    },
    upstreams: { anthropic: `http://127.0.0.1:${up.port}` },
  });
});

test.after.always(async () => {
  await proxy?.close();
  await up?.close();
});

function messagesBody(result: string): string {
  // Spaced JSON: an unchanged body must reach the upstream byte for byte, formatting included.
  return JSON.stringify(
    {
      model: 'claude-sonnet-4-5',
      messages: [
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_9', name: 'Bash', input: { command: 'env' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_9', content: result }] },
      ],
    },
    null,
    1,
  );
}

async function post(id: string, body: Buffer | string, headers: Record<string, string> = {}): Promise<Response> {
  const route = proxy.addSession({ id });
  return fetch(`${route.baseUrls.anthropic}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

test.serial('a redacted tool result leaves rewritten, with a new length; the event records the redaction', async (t) => {
  screen = (r) => (r.text.includes(KEY) ? { text: r.text.split(KEY).join('[REDACTED]'), redactions: [{ rule: 'keys', count: 1 }] } : undefined);
  const n = up.seen.length;
  const res = await post('s_redact', messagesBody(`PAY=${KEY}\nHOME=/h`));
  t.is(res.status, 200);
  const got = up.seen[n]!;
  t.false(got.body.includes(KEY));
  t.is(Number(got.headers['content-length']), Buffer.byteLength(got.body));
  const sent = JSON.parse(got.body) as { messages: Array<{ content: Array<{ content?: string }> }> };
  t.is(sent.messages[1]!.content[0]!.content, 'PAY=[REDACTED]\nHOME=/h');
  t.like(screened.at(-1), { callId: 'toolu_9', tool: 'Bash' });
  const ev = rec.events.filter((e) => e.sessionId === 's_redact').at(-1)!.payload;
  t.like(ev, { verdict: 'allow', redactions: [{ rule: 'keys', count: 1 }] });
});

test.serial('a compressed body is screened decoded and sent plain when rewritten', async (t) => {
  screen = (r) => (r.text.includes(KEY) ? { text: '[withheld]', withheld: 'no keys' } : undefined);
  const n = up.seen.length;
  const res = await post('s_gzip', zlib.gzipSync(messagesBody(KEY)), { 'content-encoding': 'gzip' });
  t.is(res.status, 200);
  const got = up.seen[n]!;
  t.is(got.headers['content-encoding'], undefined);
  t.false(got.body.includes(KEY));
  t.true(got.body.includes('[withheld]'));
  t.like(rec.events.filter((e) => e.sessionId === 's_gzip').at(-1)!.payload, { withheld: 1 });
});

test.serial('nothing to rewrite: the body goes byte for byte', async (t) => {
  screen = () => undefined;
  const n = up.seen.length;
  const body = messagesBody('harmless');
  const res = await post('s_same', body);
  t.is(res.status, 200);
  t.is(up.seen[n]!.body, body);
});

test.serial('a screen that throws refuses the request before anything leaves', async (t) => {
  screen = () => {
    throw new Error('rule exploded');
  };
  const n = up.seen.length;
  const res = await post('s_throw', messagesBody('anything'));
  t.is(res.status, 403);
  t.regex(await res.text(), /tool result policy failed: rule exploded/);
  t.is(up.seen.length, n);
});
