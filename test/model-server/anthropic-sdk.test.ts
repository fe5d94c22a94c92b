// The server against the official Anthropic SDK, streaming and not, over real HTTP.
import test from 'ava';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { startModelServer, type ModelServer, type ModelServerOptions } from '../../src/model-server/index.js';
import { tempDir } from './helpers.js';

const tools: Anthropic.Tool[] = [
  { name: 'Bash', description: 'run a command', input_schema: { type: 'object', properties: { command: { type: 'string' } } } },
];

async function serve(t: import('ava').ExecutionContext, options: ModelServerOptions): Promise<ModelServer> {
  const server = await startModelServer(options);
  t.teardown(() => server.close());
  return server;
}

function client(server: ModelServer, extra: Partial<ConstructorParameters<typeof Anthropic>[0]> = {}): Anthropic {
  return new Anthropic({ baseURL: server.url, apiKey: 'sk-ant-placeholder', maxRetries: 0, ...extra });
}

test('non-streaming text reply with scripted usage', async (t) => {
  const server = await serve(t, { script: [{ user: 'hello', reply: { text: 'Hi there, friend.', usage: { input_tokens: 42, output_tokens: 7, cache_read_input_tokens: 5 } } }] });
  const msg = await client(server).messages.create({ model: 'claude-scripted', max_tokens: 100, messages: [{ role: 'user', content: 'hello model' }] });
  t.is(msg.role, 'assistant');
  t.is(msg.model, 'claude-scripted');
  t.deepEqual(msg.content, [{ type: 'text', text: 'Hi there, friend.' }]);
  t.is(msg.stop_reason, 'end_turn');
  t.is(msg.usage.input_tokens, 42);
  t.is(msg.usage.output_tokens, 7);
  t.is(msg.usage.cache_read_input_tokens, 5);
  const [req] = server.requests();
  t.is(req!.method, 'POST');
  t.is(req!.path, '/v1/messages');
  // Depending on its version the SDK sends the key as x-api-key or as a Bearer token.
  t.true([req!.headers['x-api-key'], req!.headers.authorization].some((v) => String(v).includes('sk-ant-placeholder')));
  t.is(req!.turn, 1);
  t.deepEqual((req!.body as { messages: unknown }).messages, [{ role: 'user', content: 'hello model' }]);
});

test('streaming text and tool calls are reassembled by the SDK', async (t) => {
  const text = 'A longer answer, so that it is split into several text deltas on the wire.';
  const input = { command: 'echo "quoted" > out.txt && cat out.txt', nested: { list: [1, 2, 3], unicode: 'héllo ✓ 🎉' } };
  const server = await serve(t, {
    script: [{ user: 'go', reply: { text, tool_calls: [{ name: 'Bash', input }, { name: 'Bash', input: { command: 'ls' } }], usage: { input_tokens: 9, output_tokens: 30 } } }],
  });
  const events: string[] = [];
  const stream = client(server).messages.stream({ model: 'claude-scripted', max_tokens: 100, tools, messages: [{ role: 'user', content: 'go' }] });
  stream.on('streamEvent', (e) => events.push(e.type));
  const msg = await stream.finalMessage();
  t.is(msg.stop_reason, 'tool_use');
  t.is(msg.content.length, 3);
  t.deepEqual(msg.content[0], { type: 'text', text } as Anthropic.ContentBlock);
  const [, call1, call2] = msg.content as [Anthropic.TextBlock, Anthropic.ToolUseBlock, Anthropic.ToolUseBlock];
  t.is(call1.type, 'tool_use');
  t.is(call1.name, 'Bash');
  t.deepEqual(call1.input, input);
  t.deepEqual(call2.input, { command: 'ls' });
  t.regex(call1.id, /^toolu_/);
  t.not(call1.id, call2.id);
  t.is(msg.usage.input_tokens, 9);
  t.is(msg.usage.output_tokens, 30);
  t.is(events[0], 'message_start');
  t.is(events.at(-1), 'message_stop');
  t.true(events.filter((e) => e === 'content_block_delta').length > 4, 'text and JSON arrive in several deltas');
  // The log records the ids the server issued, so a test can pair them with later tool results.
  t.deepEqual(server.requests()[0]!.reply!.tool_calls.map((c) => c.id), [call1.id, call2.id]);
});

test('a tool result round trip: the next turn matches on the result, ids stay unique', async (t) => {
  const server = await serve(t, {
    script: [
      { user: 'list', reply: { tool_calls: [{ name: 'Bash', input: { command: 'ls' } }] } },
      { tool_result: 'README.md', reply: { text: 'There is a README.' } },
    ],
  });
  const anthropic = client(server);
  const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'list files' }];
  const first = await anthropic.messages.create({ model: 'm', max_tokens: 50, tools, messages, stream: false });
  const call = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use')!;
  t.truthy(call);
  messages.push({ role: 'assistant', content: first.content });
  messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: [{ type: 'text', text: 'README.md\nsrc' }] }] });
  const second = await anthropic.messages.stream({ model: 'm', max_tokens: 50, tools, messages }).finalMessage();
  t.deepEqual(second.content.map((b) => (b.type === 'text' ? b.text : b.type)), ['There is a README.']);
  t.deepEqual(server.requests().map((r) => r.turn), [1, 2]);
});

test('the beta path (?beta=true), Bearer auth and a path prefix are accepted', async (t) => {
  const server = await serve(t, { script: [{ user: 'hi', once: false, reply: { text: 'yes' } }] });
  // Claude Code posts to /v1/messages?beta=true.
  const beta = await client(server).messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }, { query: { beta: 'true' } });
  t.deepEqual(beta.content.map((b) => b.type === 'text' && b.text), ['yes']);
  const bearer = new Anthropic({ baseURL: `${server.url}/s/TOKEN123/anthropic`, apiKey: null, authToken: 'tok-abc', maxRetries: 0 });
  const viaPrefix = await bearer.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
  t.deepEqual(viaPrefix.content.map((b) => b.type === 'text' && b.text), ['yes']);
  const [first, second] = server.requests();
  t.is(first!.path, '/v1/messages?beta=true');
  t.is(second!.path, '/s/TOKEN123/anthropic/v1/messages');
  t.is(second!.headers.authorization, 'Bearer tok-abc');
  t.is(second!.headers['x-api-key'], undefined);
});

test('count_tokens and models answer; a trailing system message does not hide the user message', async (t) => {
  const server = await serve(t, { script: [{ user: 'the real prompt', model: 'claude-x', reply: { text: 'matched' } }] });
  const anthropic = client(server);
  const count = await anthropic.messages.countTokens({ model: 'claude-x', messages: [{ role: 'user', content: 'count me' }] });
  t.true(count.input_tokens > 0);
  const models = await anthropic.models.list();
  t.deepEqual(models.data.map((m) => m.id), ['claude-x']);
  // Claude Code ends its message list with a `system` entry; the SDK types forbid that role, so
  // this request goes out as raw JSON, the way that client sends it.
  const res = await fetch(`${server.url}/v1/messages?beta=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({
      model: 'claude-x',
      max_tokens: 10,
      messages: [
        { role: 'user', content: [{ type: 'text', text: '<system-reminder>noise</system-reminder>' }, { type: 'text', text: 'the real prompt' }] },
        { role: 'system', content: [{ type: 'text', text: '# Environment' }] },
      ],
    }),
  });
  t.is(res.status, 200);
  const body = (await res.json()) as Anthropic.Message;
  t.deepEqual(body.content, [{ type: 'text', text: 'matched' }]);
  t.deepEqual(server.requests().map((r) => [r.endpoint, r.path]), [
    ['count_tokens', '/v1/messages/count_tokens'],
    ['models', '/v1/models'],
    ['anthropic', '/v1/messages?beta=true'],
  ]);
});

test('unmatched requests get the scripted fallback; scripted errors reach the SDK as API errors', async (t) => {
  const server = await serve(t, {
    script: [
      { user: 'overload', reply: { error: { status: 529, type: 'overloaded_error', message: 'scripted overload' } } },
      { name: 'later', tool_result: 'x', reply: { text: 'never' } },
    ],
  });
  const anthropic = client(server);
  const fallback = await anthropic.messages.stream({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'unexpected question' }] }).finalMessage();
  const text = fallback.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
  t.true(text.includes('No scripted turn in <script> matches this request (user message "unexpected question"'), text);
  t.true(text.includes('turn 2 "later"'), text);
  const err = await t.throwsAsync(anthropic.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'overload now' }] }), {
    instanceOf: Anthropic.APIError,
  });
  t.is(err!.status, 529);
  t.regex(err!.message, /scripted overload/);
  t.deepEqual(server.requests().map((r) => [r.turn, r.status]), [[null, 200], [1, 529]]);
});

test('every request lands in the JSONL log before its answer', async (t) => {
  const dir = tempDir(t);
  const logFile = path.join(dir, 'requests.jsonl');
  const server = await serve(t, { script: [{ reply: { text: 'one' } }, { reply: { text: 'two' } }], logFile });
  const anthropic = client(server);
  for (const content of ['a', 'b']) {
    await anthropic.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content }] });
    const lines = readFileSync(logFile, 'utf8').trim().split('\n');
    t.is(JSON.parse(lines.at(-1)!).body.messages[0].content, content);
  }
  const logged = readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown);
  t.deepEqual(logged, server.requests() as unknown[]);
});

test('unknown paths and bad bodies get clear errors', async (t) => {
  const server = await serve(t, { script: [{ reply: { text: 'x' } }] });
  const notFound = await fetch(`${server.url}/v2/complete`, { method: 'POST', body: '{}' });
  t.is(notFound.status, 404);
  t.regex(((await notFound.json()) as { error: { message: string } }).error.message, /no endpoint at POST \/v2\/complete/);
  const bad = await fetch(`${server.url}/v1/messages`, { method: 'POST', body: 'not json' });
  t.is(bad.status, 400);
  t.deepEqual(server.requests().map((r) => [r.status, r.body]), [[404, {}], [400, 'not json']]);
  t.deepEqual(server.unusedTurns(), [{ index: 1 }]);
});
