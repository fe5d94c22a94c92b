// The server against the official OpenAI SDK: Responses and Chat Completions, streaming and
// not, over real HTTP.
import test, { type ExecutionContext } from 'ava';
import OpenAI from 'openai';
import { startModelServer, type ModelServer, type ModelServerOptions } from '../../src/model-server/index.js';

async function serve(t: ExecutionContext, options: ModelServerOptions): Promise<ModelServer> {
  const server = await startModelServer(options);
  t.teardown(() => server.close());
  return server;
}

function client(server: ModelServer, prefix = ''): OpenAI {
  return new OpenAI({ baseURL: `${server.url}${prefix}/v1`, apiKey: 'sk-openai-placeholder', maxRetries: 0 });
}

const shellTool: OpenAI.Responses.FunctionTool = {
  type: 'function',
  name: 'shell',
  description: 'run a command',
  parameters: { type: 'object', properties: { command: { type: 'array', items: { type: 'string' } } }, required: ['command'] },
  strict: false,
};

const chatTool: OpenAI.Chat.ChatCompletionTool = {
  type: 'function',
  function: { name: 'shell', parameters: { type: 'object', properties: { command: { type: 'string' } } } },
};

// ---- Responses ---------------------------------------------------------------------------

test('responses: non-streaming text with usage', async (t) => {
  const server = await serve(t, { script: [{ user: 'hello', reply: { text: 'Hello from the script.', usage: { input_tokens: 30, output_tokens: 6, cache_read_input_tokens: 10 } } }] });
  const res = await client(server).responses.create({ model: 'gpt-scripted', input: 'hello there', instructions: 'be brief' });
  t.is(res.status, 'completed');
  t.is(res.output_text, 'Hello from the script.');
  t.is(res.model, 'gpt-scripted');
  t.deepEqual(res.usage, {
    input_tokens: 40,
    input_tokens_details: { cached_tokens: 10 },
    output_tokens: 6,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 46,
  });
  const [req] = server.requests();
  t.is(req!.path, '/v1/responses');
  t.is(req!.headers.authorization, 'Bearer sk-openai-placeholder');
});

test('responses: the stream runs from response.created to response.completed with usage', async (t) => {
  const text = 'Streaming text that is long enough to be cut into several deltas.';
  const server = await serve(t, { script: [{ user: 'stream', reply: { text, tool_calls: [{ name: 'shell', input: { command: ['ls', '-la'] } }], usage: { input_tokens: 11, output_tokens: 22 } } }] });
  const stream = client(server).responses.stream({ model: 'gpt-scripted', input: [{ role: 'user', content: [{ type: 'input_text', text: 'stream please' }] }], tools: [shellTool] });
  const types: string[] = [];
  let deltas = '';
  for await (const event of stream) {
    types.push(event.type);
    if (event.type === 'response.output_text.delta') deltas += event.delta;
  }
  const final = await stream.finalResponse();
  t.is(types[0], 'response.created');
  t.is(types[1], 'response.in_progress');
  t.is(types.at(-1), 'response.completed');
  t.true(types.filter((x) => x === 'response.output_text.delta').length > 2);
  t.true(types.includes('response.function_call_arguments.delta'));
  t.true(types.includes('response.function_call_arguments.done'));
  t.is(deltas, text);
  t.is(final.output_text, text);
  const call = final.output.find((i) => i.type === 'function_call');
  if (call?.type !== 'function_call') return t.fail('no function_call item');
  t.is(call.name, 'shell');
  t.deepEqual(JSON.parse(call.arguments), { command: ['ls', '-la'] });
  t.regex(call.call_id, /^call_/);
  t.is(final.usage?.input_tokens, 11);
  t.is(final.usage?.output_tokens, 22);
  t.is(final.usage?.total_tokens, 33);
});

test('responses: a function_call_output is matched as a tool result (raw stream events too)', async (t) => {
  const server = await serve(t, {
    script: [
      { user: 'build', reply: { tool_calls: [{ name: 'shell', input: { command: ['make'] } }] } },
      { tool_result_regex: 'exit code: 0', reply: { text: 'Build passed.' } },
    ],
  });
  const openai = client(server);
  const first = await openai.responses.create({ model: 'gpt-scripted', input: 'build it', tools: [shellTool] });
  const call = first.output.find((i): i is OpenAI.Responses.ResponseFunctionToolCall => i.type === 'function_call')!;
  t.truthy(call);
  const stream = await openai.responses.create({
    model: 'gpt-scripted',
    stream: true,
    tools: [shellTool],
    input: [
      { role: 'user', content: 'build it' },
      { type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments },
      { type: 'function_call_output', call_id: call.call_id, output: 'ok\nexit code: 0' },
    ],
  });
  let completed: OpenAI.Responses.Response | undefined;
  const seqs: number[] = [];
  for await (const event of stream) {
    seqs.push(event.sequence_number);
    if (event.type === 'response.completed') completed = event.response;
  }
  t.deepEqual(seqs, seqs.map((_, i) => i), 'sequence numbers count up from 0');
  const message = completed?.output[0];
  if (message?.type !== 'message') return t.fail('no message item');
  t.deepEqual(message.content.map((c) => (c.type === 'output_text' ? c.text : c.type)), ['Build passed.']);
  t.deepEqual(server.requests().map((r) => r.turn), [1, 2]);
});

test('responses: tools declared as custom or local_shell get their own item types', async (t) => {
  const patch = '*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch';
  const server = await serve(t, {
    script: [
      { reply: { tool_calls: [{ name: 'apply_patch', input: patch }] } },
      { reply: { tool_calls: [{ name: 'apply_patch', input: patch }] } },
      { reply: { tool_calls: [{ name: 'local_shell', input: { command: 'ls -la' } }] } },
    ],
  });
  const openai = client(server);
  const tools: OpenAI.Responses.Tool[] = [{ type: 'custom', name: 'apply_patch', description: 'patch files' }];
  const plain = await openai.responses.create({ model: 'gpt-scripted', input: 'patch', tools });
  t.like(plain.output[0], { type: 'custom_tool_call', name: 'apply_patch', input: patch });
  const streamed = await openai.responses.stream({ model: 'gpt-scripted', input: 'patch', tools }).finalResponse();
  t.like(streamed.output[0], { type: 'custom_tool_call', name: 'apply_patch', input: patch });
  const shell = await openai.responses.stream({ model: 'gpt-scripted', input: 'ls', tools: [{ type: 'local_shell' }] }).finalResponse();
  t.like(shell.output[0], { type: 'local_shell_call', action: { type: 'exec', command: ['bash', '-lc', 'ls -la'] } });
});

// ---- Chat Completions --------------------------------------------------------------------

test('chat: non-streaming text, tool calls and usage', async (t) => {
  const server = await serve(t, {
    script: [{ user: 'weather', reply: { text: 'Checking.', tool_calls: [{ name: 'shell', input: { command: 'curl wttr.in' } }], usage: { input_tokens: 12, output_tokens: 4 } } }],
  });
  const res = await client(server, '/s/TOKEN/openai').chat.completions.create({ model: 'gpt-scripted', messages: [{ role: 'system', content: 'sys' }, { role: 'user', content: 'weather?' }], tools: [chatTool] });
  const choice = res.choices[0]!;
  t.is(choice.finish_reason, 'tool_calls');
  t.is(choice.message.content, 'Checking.');
  const call = choice.message.tool_calls![0]!;
  t.is(call.type, 'function');
  t.is(call.type === 'function' && call.function.name, 'shell');
  t.deepEqual(call.type === 'function' && JSON.parse(call.function.arguments), { command: 'curl wttr.in' });
  t.deepEqual(res.usage, { prompt_tokens: 12, completion_tokens: 4, total_tokens: 16, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } });
  t.is(server.requests()[0]!.path, '/s/TOKEN/openai/v1/chat/completions');
});

test('chat: streaming with include_usage ends with a usage chunk; tool call deltas reassemble', async (t) => {
  const input = { command: 'printf "%s" "a longer argument string"' };
  const server = await serve(t, {
    script: [{ user: 'go', once: false, reply: { text: 'Running the command for you now.', tool_calls: [{ name: 'shell', input }, { name: 'shell', input: { command: 'true' } }], usage: { input_tokens: 8, output_tokens: 16 } } }],
  });
  const openai = client(server);
  const stream = await openai.chat.completions.create({ model: 'gpt-scripted', messages: [{ role: 'user', content: 'go' }], tools: [chatTool], stream: true, stream_options: { include_usage: true } });
  const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  const last = chunks.at(-1)!;
  t.deepEqual(last.choices, []);
  t.is(last.usage?.prompt_tokens, 8);
  t.is(last.usage?.completion_tokens, 16);
  t.true(chunks.slice(0, -1).every((c) => c.usage === null));
  t.is(chunks.at(-2)!.choices[0]!.finish_reason, 'tool_calls');
  // The SDK's own accumulator must rebuild both calls from the deltas.
  const final = await openai.chat.completions.stream({ model: 'gpt-scripted', messages: [{ role: 'user', content: 'go' }], tools: [chatTool] }).finalChatCompletion();
  const message = final.choices[0]!.message;
  t.is(message.content, 'Running the command for you now.');
  const calls = message.tool_calls!.map((c) => (c.type === 'function' ? [c.function.name, JSON.parse(c.function.arguments) as unknown] : []));
  t.deepEqual(calls, [['shell', input], ['shell', { command: 'true' }]]);
  t.not(message.tool_calls![0]!.id, message.tool_calls![1]!.id);
});

test('chat: streaming without include_usage sends no usage chunk', async (t) => {
  const server = await serve(t, { script: [{ reply: { text: 'plain' } }] });
  const stream = await client(server).chat.completions.create({ model: 'gpt-scripted', messages: [{ role: 'user', content: 'x' }], stream: true });
  const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  t.true(chunks.every((c) => c.choices.length === 1 && c.usage === undefined));
  t.is(chunks.map((c) => c.choices[0]!.delta.content ?? '').join(''), 'plain');
  t.is(chunks.at(-1)!.choices[0]!.finish_reason, 'stop');
});

test('chat: a tool message is matched as a tool result; errors use the OpenAI shape', async (t) => {
  const server = await serve(t, {
    script: [
      { tool_result: 'total 0', reply: { text: 'The directory is empty.' } },
      { user: 'limit', reply: { error: { status: 429, type: 'rate_limit_error', message: 'scripted limit' } } },
    ],
  });
  const openai = client(server);
  const res = await openai.chat.completions.create({
    model: 'gpt-scripted',
    messages: [
      { role: 'user', content: 'ls' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'shell', arguments: '{"command":"ls"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'total 0' },
    ],
  });
  t.is(res.choices[0]!.message.content, 'The directory is empty.');
  const err = await t.throwsAsync(openai.chat.completions.create({ model: 'gpt-scripted', messages: [{ role: 'user', content: 'limit' }] }), { instanceOf: OpenAI.APIError });
  t.is(err!.status, 429);
  t.regex(err!.message, /scripted limit/);
  const models = await openai.models.list();
  t.deepEqual(models.data.map((m) => m.id), ['scripted-model']);
});
