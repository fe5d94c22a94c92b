// The built-in bridle harness against the scripted model server, offline, over both wires
// (Anthropic Messages and OpenAI Responses): replies, every tool call gated (allowed runs, denied
// does not and the model is told why), usage, a multi-step tool loop, fail-closed gates, API
// errors and retries, interrupt, resume, the child environment, and the kernel sandbox holding
// for file tools even where policy allows.
import test from 'ava';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startModelServer, type RecordedRequest } from '../../src/model-server/index.js';
import { serveScript } from '../helpers/model-server.js';
import { createHarness, runTurn, type HarnessContext } from '../../src/harness/index.js';
import { readSse } from '../../src/harness/bridle/sse.js';
import { chooseApi } from '../../src/harness/bridle/route.js';
import { buildProfile } from '../../src/sandbox/profile.js';
import { sandboxedCommand } from '../../src/sandbox/launch.js';
import { ANTHROPIC_KEY, anthropicEnv, gatedScript, named, ofType, OPENAI_KEY, openaiEnv, record, runFailClosedTurn, runGatedTurn, setup } from './helpers.js';

/** Tool results in the latest user message of a recorded Anthropic request. */
function toolResults(request: RecordedRequest): Array<{ content: string; is_error: boolean }> {
  const messages = (request.body as { messages: Array<{ role: string; content: unknown }> }).messages;
  const last = [...messages].reverse().find((m) => m.role === 'user');
  const content = Array.isArray(last?.content) ? (last.content as Array<{ type: string; content?: unknown; is_error?: boolean }>) : [];
  return content.filter((b) => b.type === 'tool_result').map((b) => ({ content: String(b.content), is_error: b.is_error === true }));
}

/** function_call_output items of a recorded Responses request. */
function callOutputs(request: RecordedRequest): Array<{ call_id: string; output: string }> {
  const input = (request.body as { input: Array<{ type: string; call_id?: string; output?: unknown }> }).input;
  return input.filter((i) => i.type === 'function_call_output').map((i) => ({ call_id: i.call_id!, output: String(i.output) }));
}

test('sse reader: CRLF, LF and lone CR line ends, split anywhere; comments; multi-line data', async (t) => {
  const text = ': keep-alive\r\nevent: a\r\ndata: one\r\n\r\nevent: b\ndata: x\ndata: y\n\ndata: {"z":1}\r\r: trailing\n';
  // Cut into 3-byte pieces so a CRLF and a multi-byte character straddle chunk boundaries.
  const bytes = new TextEncoder().encode(text.replace('one', 'oné'));
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < bytes.length; i += 3) controller.enqueue(bytes.slice(i, i + 3));
      controller.close();
    },
  });
  const events = [];
  for await (const e of readSse(body)) events.push(e);
  t.deepEqual(events, [
    { event: 'a', data: 'oné' },
    { event: 'b', data: 'x\ny' },
    { event: 'message', data: '{"z":1}' },
  ]);
});

test('route: the model picks the wire, params.api forces it', (t) => {
  const both = { ANTHROPIC_BASE_URL: 'http://a', OPENAI_BASE_URL: 'http://o/v1' };
  t.is(chooseApi('claude-sonnet-4-5', undefined, both), 'anthropic');
  t.is(chooseApi('gpt-5.1', undefined, both), 'openai');
  t.is(chooseApi('o4-mini', undefined, both), 'openai');
  t.is(chooseApi('claude-sonnet-4-5', 'openai', both), 'openai');
  t.is(chooseApi('some-local-model', undefined, { OPENAI_BASE_URL: 'http://o/v1' }), 'openai');
  t.throws(() => chooseApi('gpt-5', 'gemini', both), { message: /params.api/ });
});

test.serial('anthropic: plain reply over two turns, with deltas, usage, system prompt, tools and history', async (t) => {
  const server = await serveScript(t, {
    script: [
      { name: 'hello', user: 'say hello', reply: { text: 'Hello from the script.', usage: { input_tokens: 321, output_tokens: 12 } } },
      { name: 'again', user: 'once more', reply: { text: 'Hello again.', usage: { input_tokens: 50, output_tokens: 5, cache_read_input_tokens: 300 } } },
    ],
  });
  const { ctx, workspace } = setup(t, 'bridle', anthropicEnv(server));
  ctx.spec = { ...ctx.spec, prompt: 'SPEC-PROMPT: answer briefly.', tools: ['read', 'bash'] };
  const harness = createHarness('bridle', ctx);
  const events = record(t, harness);
  await harness.start();
  const start = ofType(events, 'session_start')[0]!;
  t.is(start.harness, 'bridle');
  t.is(start.vendor_session_id, harness.resumeId);
  t.is(start.model, 'claude-sonnet-4-5');

  const { end, events: turn } = await runTurn(harness, 'Please say hello.');
  t.is(end.status, 'completed', JSON.stringify(end));
  t.is(end.text, 'Hello from the script.');
  const deltas = ofType(turn, 'text_delta');
  t.true(deltas.length > 1, 'the reply arrived in pieces');
  t.is(deltas.map((e) => e.text).join(''), 'Hello from the script.');
  t.deepEqual(ofType(turn, 'usage').map((u) => [u.input_tokens, u.output_tokens, u.cache_read_input_tokens]), [[321, 12, 0]]);

  const again = await runTurn(harness, 'Say it once more.');
  t.is(again.end.text, 'Hello again.');
  t.deepEqual(ofType(again.events, 'usage').map((u) => [u.input_tokens, u.output_tokens, u.cache_read_input_tokens]), [[50, 5, 300]]);
  t.deepEqual(ofType(events, 'turn_start').map((e) => e.turn), [1, 2]);

  const first = named(server, 'hello');
  t.regex(first.path, /^\/v1\/messages/);
  t.is(first.headers['x-api-key'], ANTHROPIC_KEY);
  t.is(first.headers['anthropic-version'], '2023-06-01');
  const body = first.body as { model: string; stream: boolean; system: string; tools: Array<{ name: string; input_schema: unknown }> };
  t.is(body.model, 'claude-sonnet-4-5');
  t.true(body.stream);
  t.true(body.system.includes('SPEC-PROMPT: answer briefly.'));
  t.true(body.system.includes(workspace));
  // Only the spec's tools are declared.
  t.deepEqual(body.tools.map((x) => x.name), ['read', 'bash']);
  // The second request carries the first exchange.
  const history = (named(server, 'again').body as { messages: Array<{ role: string }> }).messages;
  t.deepEqual(history.map((m) => m.role), ['user', 'assistant', 'user']);
  t.true(JSON.stringify(history).includes('Hello from the script.'));
});

test.serial('anthropic: every tool call is gated: allowed runs, denied does not and the model is told why', async (t) => {
  const server = await serveScript(t, {
    script: gatedScript(
      [
        { name: 'write', input: { path: 'allowed.txt', content: 'ok\n' } },
        { name: 'write', input: { path: 'forbidden.txt', content: 'no\n' } },
        { name: 'bash', input: { command: 'echo ran > bash-ok.txt' } },
        { name: 'bash', input: { command: 'cat forbidden-secret.txt' } },
        { name: 'read', input: { path: 'forbidden-secret.txt' } },
      ],
      'Some calls were refused.',
    ),
  });
  const { workspace, actions, events, end, turn } = await runGatedTurn(t, 'bridle', anthropicEnv(server));

  t.is(end.text, 'Some calls were refused.');
  t.is(readFileSync(path.join(workspace, 'allowed.txt'), 'utf8'), 'ok\n');
  t.is(readFileSync(path.join(workspace, 'bash-ok.txt'), 'utf8'), 'ran\n');
  t.false(existsSync(path.join(workspace, 'forbidden.txt')));

  // The gate saw all five calls, normalized (absolute paths), in order.
  t.deepEqual(
    actions.map((a) => [a.tool.name, a.tool.input.path ?? a.tool.input.command, a.tool.vendor_name, a.harness, a.agent]),
    [
      ['write', path.join(workspace, 'allowed.txt'), 'write', 'bridle', 'tester'],
      ['write', path.join(workspace, 'forbidden.txt'), 'write', 'bridle', 'tester'],
      ['bash', 'echo ran > bash-ok.txt', 'bash', 'bridle', 'tester'],
      ['bash', 'cat forbidden-secret.txt', 'bash', 'bridle', 'tester'],
      ['read', path.join(workspace, 'forbidden-secret.txt'), 'read', 'bridle', 'tester'],
    ],
  );
  t.is(actions[0]!.tool.input.content, 'ok\n', 'policies can see what would be written');
  t.deepEqual(ofType(turn, 'tool_decision').map((d) => d.decision.action), ['allow', 'deny', 'allow', 'deny', 'deny']);
  const calls = ofType(turn, 'tool_call');
  t.is(calls.length, 5);
  t.deepEqual(ofType(turn, 'tool_decision').map((d) => d.call_id), calls.map((c) => c.call_id));
  const results = ofType(turn, 'tool_result');
  t.deepEqual(results.map((r) => r.call_id), calls.map((c) => c.call_id));
  t.deepEqual(results.map((r) => r.is_error), [false, true, false, true, true]);

  // What the model got back: deny reasons, and never the secret's content.
  const fed = toolResults(named(server, 'wrap-up'));
  t.is(fed.length, 5);
  t.regex(fed[1]!.content, /^Bridle policy denied write: files named forbidden are off limits \(rule: no-forbidden\)$/);
  t.true(fed[1]!.is_error);
  t.regex(fed[3]!.content, /Bridle policy denied bash: files named forbidden are off limits/);
  t.regex(fed[4]!.content, /Bridle policy denied read/);
  t.false(fed.map((f) => f.content).join('').includes('TOP-SECRET-CONTENT'));
  // One usage event per model request; together they are the turn's total.
  t.deepEqual(ofType(events, 'usage').map((u) => [u.input_tokens, u.output_tokens]), [[100, 10], [200, 5]]);
});

test.serial('anthropic: a multi-step tool loop (write, read, edit, bash) in one turn; bash sees only the session env', async (t) => {
  const server = await serveScript(t, {
    script: [
      { name: 'write', user: 'build it', reply: { tool_calls: [{ name: 'write', input: { path: 'notes/plan.txt', content: 'step one\nstep two\n' } }] } },
      { name: 'read', tool_result_regex: 'Wrote', reply: { tool_calls: [{ name: 'read', input: { path: 'notes/plan.txt' } }] } },
      { name: 'edit', tool_result_regex: 'step two', reply: { tool_calls: [{ name: 'edit', input: { path: 'notes/plan.txt', old_string: 'step two', new_string: 'step 2' } }] } },
      { name: 'bash', tool_result_regex: 'Edited', reply: { tool_calls: [{ name: 'bash', input: { command: 'cat notes/plan.txt; env' } }] } },
      { name: 'done', tool_result_regex: 'step 2', reply: { text: 'Built.' } },
    ],
  });
  const { ctx, workspace } = setup(t, 'bridle', anthropicEnv(server));
  const harness = createHarness('bridle', ctx);
  record(t, harness);
  await harness.start();
  const { end, events } = await runTurn(harness, 'Please build it.');
  t.is(end.status, 'completed', JSON.stringify(end));
  t.is(end.text, 'Built.');
  t.deepEqual(server.requests().map((r) => r.turn_name), ['write', 'read', 'edit', 'bash', 'done']);
  t.is(readFileSync(path.join(workspace, 'notes/plan.txt'), 'utf8'), 'step one\nstep 2\n');
  t.is(ofType(events, 'usage').length, 5);
  t.deepEqual(ofType(events, 'turn_start').map((e) => e.turn), [1]);

  // The environment a command sees: the session's env, plus only what bash itself sets.
  const out = ofType(events, 'tool_result')[3]!.output;
  const seen = new Map(out.split('\n').filter((l) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  for (const [key, value] of Object.entries(ctx.env)) t.is(seen.get(key), value, key);
  t.deepEqual([...seen.keys()].filter((k) => !(k in ctx.env)).sort(), ['PWD', 'SHLVL', '_'].filter((k) => seen.has(k)));
});

test.serial('openai responses: reply, usage with the cached split, gated tool calls, outputs fed back', async (t) => {
  const server = await serveScript(t, {
    script: [
      { name: 'hello', user: 'say hello', reply: { text: 'Hello over Responses.', usage: { input_tokens: 300, output_tokens: 12, cache_read_input_tokens: 100 } } },
      {
        name: 'tools',
        user: 'make the files',
        reply: {
          text: 'On it.',
          tool_calls: [
            { name: 'bash', input: { command: 'echo ok > allowed.txt' } },
            { name: 'write', input: { path: 'forbidden.txt', content: 'no' } },
          ],
        },
      },
      { name: 'wrap-up', tool_result_regex: 'off limits', reply: { text: 'One was refused.' } },
    ],
  });
  const { ctx, workspace } = setup(t, 'bridle', openaiEnv(server));
  ctx.spec = { ...ctx.spec, model: 'gpt-5.1', prompt: 'SPEC-PROMPT for OpenAI.' };
  const harness = createHarness('bridle', ctx);
  record(t, harness);
  await harness.start();

  const hello = await runTurn(harness, 'Please say hello.');
  t.is(hello.end.status, 'completed', JSON.stringify(hello.end));
  t.is(hello.end.text, 'Hello over Responses.');
  t.is(ofType(hello.events, 'text_delta').map((e) => e.text).join(''), 'Hello over Responses.');
  t.deepEqual(ofType(hello.events, 'usage').map((u) => [u.input_tokens, u.cache_read_input_tokens, u.output_tokens, u.model]), [[300, 100, 12, 'gpt-5.1']]);
  const first = named(server, 'hello');
  t.regex(first.path, /^\/v1\/responses/);
  t.is(first.headers.authorization, `Bearer ${OPENAI_KEY}`);
  const body = first.body as { model: string; instructions: string; store: boolean; tools: Array<{ type: string; name: string }> };
  t.is(body.model, 'gpt-5.1');
  t.false(body.store);
  t.true(body.instructions.includes('SPEC-PROMPT for OpenAI.'));
  t.deepEqual(body.tools.map((x) => [x.type, x.name]), [['function', 'read'], ['function', 'write'], ['function', 'edit'], ['function', 'bash']]);

  const tools = await runTurn(harness, 'Please make the files.');
  t.is(tools.end.status, 'completed', JSON.stringify(tools.end));
  t.is(tools.end.text, 'One was refused.');
  t.is(readFileSync(path.join(workspace, 'allowed.txt'), 'utf8'), 'ok\n');
  t.false(existsSync(path.join(workspace, 'forbidden.txt')));
  t.deepEqual(ofType(tools.events, 'tool_decision').map((d) => [d.tool.name, d.decision.action]), [['bash', 'allow'], ['write', 'deny']]);
  const outputs = callOutputs(named(server, 'wrap-up'));
  const ids = ofType(tools.events, 'tool_call').map((c) => c.call_id);
  t.deepEqual(outputs.map((o) => o.call_id), ids);
  t.regex(outputs[1]!.output, /Bridle policy denied write: files named forbidden are off limits/);
  // The whole history goes with every request (store: false): the first exchange is in it.
  t.true(JSON.stringify((named(server, 'wrap-up').body as { input: unknown }).input).includes('Hello over Responses.'));
});

test.serial('gates fail closed: a throwing gate and an unresolved ask both deny', async (t) => {
  const { server } = await runFailClosedTurn(t, 'bridle', anthropicEnv, [
    { name: 'bash', input: { command: 'echo a > throws.txt' } },
    { name: 'write', input: { path: 'malformed.txt', content: 'x' } },
  ]);
  const fed = toolResults(named(server, 'end')).map((f) => f.content);
  t.regex(fed[0]!, /policy engine unreachable/);
  t.regex(fed[1]!, /malformed/);
});

for (const api of ['anthropic', 'openai'] as const) {
  test.serial(`${api}: an HTTP error from the model fails the turn with a clear error; the session goes on`, async (t) => {
    const server = await serveScript(t, {
      script: [
        { user: 'fail', reply: { error: { status: 400, type: 'invalid_request_error', message: 'scripted bad request' } } },
        { user: 'recover', reply: { text: 'Back again.' } },
      ],
    });
    const { ctx } = setup(t, 'bridle', api === 'anthropic' ? anthropicEnv(server) : openaiEnv(server));
    if (api === 'openai') ctx.spec = { ...ctx.spec, model: 'gpt-5.1' };
    const harness = createHarness('bridle', ctx);
    record(t, harness);
    await harness.start();
    const { end, events } = await runTurn(harness, 'Please fail.');
    t.is(end.status, 'failed');
    const vendor = api === 'anthropic' ? 'Anthropic' : 'OpenAI';
    t.is(end.error, `${vendor} API error: HTTP 400 invalid_request_error: scripted bad request`);
    t.deepEqual(ofType(events, 'error').map((e) => [e.message, e.fatal]), [[end.error, false]]);
    // Client errors are not retried.
    t.is(server.requests().length, 1);
    const next = await runTurn(harness, 'Please recover.');
    t.is(next.end.status, 'completed');
    t.is(next.end.text, 'Back again.');
  });
}

test.serial('overload (529) and rate limits (429) are retried with backoff; the turn completes', async (t) => {
  const server = await serveScript(t, {
    script: [
      { user: 'busy', reply: { error: { status: 529, type: 'overloaded_error', message: 'scripted overload' } } },
      { user: 'busy', reply: { error: { status: 429, type: 'rate_limit_error', message: 'scripted rate limit' } } },
      { user: 'busy', reply: { text: 'Made it.' } },
    ],
  });
  const { ctx } = setup(t, 'bridle', anthropicEnv(server));
  ctx.spec = { ...ctx.spec, params: { retry_base_ms: 1 } };
  const harness = createHarness('bridle', ctx);
  record(t, harness);
  await harness.start();
  const { end, events } = await runTurn(harness, 'Are you busy?');
  t.is(end.status, 'completed', JSON.stringify(events));
  t.is(end.text, 'Made it.');
  const notes = ofType(events, 'error');
  t.is(notes.length, 2);
  t.regex(notes[0]!.message, /HTTP 529 overloaded_error: scripted overload; retrying in .* \(retry 1\)/);
  t.regex(notes[1]!.message, /HTTP 429 rate_limit_error: scripted rate limit; retrying/);
  t.false(notes.some((n) => n.fatal));

  // Bounded: with no retries left the error is final.
  const { ctx: ctx2 } = setup(t, 'bridle', anthropicEnv(server));
  ctx2.spec = { ...ctx2.spec, params: { retry_base_ms: 1, max_retries: 1 } };
  const always = await startModelServer({ script: [{ once: false, reply: { error: { status: 503, type: 'api_error', message: 'down' } } }] });
  t.teardown(() => always.close());
  ctx2.env = anthropicEnv(always);
  const h2 = createHarness('bridle', ctx2);
  record(t, h2);
  await h2.start();
  const failed = await runTurn(h2, 'Hello?');
  t.is(failed.end.status, 'failed');
  t.regex(failed.end.error!, /HTTP 503 api_error: down \(gave up after 2 attempts\)/);
  t.is(always.requests().length, 2);
});

test.serial('interrupt kills a running command; the session takes the next message', async (t) => {
  const server = await serveScript(t, {
    script: [
      { user: 'wait', reply: { tool_calls: [{ name: 'bash', input: { command: 'sleep 60; echo late > late.txt' } }] } },
      // After an interrupt the cut-off tool result and the new message travel together.
      { name: 'next', reply: { text: 'Still here.' } },
    ],
  });
  const { ctx, workspace } = setup(t, 'bridle', anthropicEnv(server));
  const harness = createHarness('bridle', ctx);
  record(t, harness);
  harness.on((e) => {
    if (e.type === 'tool_decision') setTimeout(() => void harness.interrupt(), 200);
  });
  await harness.start();
  const { end, events } = await runTurn(harness, 'Please wait a minute.');
  t.is(end.status, 'interrupted', JSON.stringify(events.slice(-4)));
  t.deepEqual(ofType(events, 'tool_result').map((r) => [r.is_error, /interrupted/.test(r.output)]), [[true, true]]);
  const next = await runTurn(harness, 'What is your status?');
  t.is(next.end.text, 'Still here.');
  t.false(existsSync(path.join(workspace, 'late.txt')));
  // The history stayed valid: the cut-off call has its result, before the new message.
  const last = (named(server, 'next').body as { messages: Array<{ role: string; content: Array<{ type: string }> }> }).messages.at(-1)!;
  t.deepEqual(last.content.map((b) => b.type), ['tool_result', 'text']);
});

test.serial('resume: the transcript persists in the config home and a new harness carries it on', async (t) => {
  const server = await serveScript(t, {
    script: [
      { user: 'remember the word', reply: { text: 'Noted: pelican.' } },
      { name: 'recall', user: 'which word', reply: { text: 'It was pelican.' } },
    ],
  });
  const { ctx } = setup(t, 'bridle', anthropicEnv(server));
  const first = createHarness('bridle', ctx);
  record(t, first);
  await first.start();
  t.is((await runTurn(first, 'Please remember the word pelican.')).end.text, 'Noted: pelican.');
  const id = first.resumeId!;
  await first.stop();
  t.deepEqual(await first.exited, { exit_code: 0, signal: null });

  const second = createHarness('bridle', ctx);
  record(t, second);
  await second.start({ resume: id });
  t.is(second.resumeId, id);
  t.is((await runTurn(second, 'Now, which word was it?')).end.text, 'It was pelican.');
  t.true(JSON.stringify(named(server, 'recall').body).includes('Noted: pelican.'));

  const third = createHarness('bridle', ctx);
  await t.throwsAsync(() => third.start({ resume: '../../etc/passwd' }), { message: /not a bridle session id/ });
});

test.serial('the sandbox holds for file tools: a write policy allows outside the workspace still fails', async (t) => {
  const server = await serveScript(t, {
    script: [
      {
        user: 'escape',
        reply: {
          tool_calls: [
            { name: 'write', input: { path: 'inside.txt', content: 'in\n' } },
            { name: 'write', input: { path: '../outside/escape.txt', content: 'out\n' } },
            { name: 'bash', input: { command: 'echo out > ../outside/bash-escape.txt' } },
            { name: 'edit', input: { path: '../outside/data.txt', old_string: 'original', new_string: 'changed' } },
          ],
        },
      },
      { name: 'end', tool_result_regex: '.', reply: { text: 'Done.' } },
    ],
  });
  const base = setup(t, 'bridle', anthropicEnv(server));
  const outside = path.join(path.dirname(base.workspace), 'outside');
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'data.txt'), 'original\n');
  // /tmp not writable, so the sibling directory really is outside every write root.
  const profile = buildProfile({ mode: 'workspace-write', workspace: base.workspace, network: 'none', home: base.home, tmp: false });
  const wrap: HarnessContext['wrap'] = (file, args) => {
    const cmd = sandboxedCommand(profile, file, args);
    return { file: cmd.file, args: cmd.args };
  };
  const harness = createHarness('bridle', { ...base.ctx, wrap });
  record(t, harness);
  await harness.start();
  const { end, events } = await runTurn(harness, 'Please escape.');
  t.is(end.status, 'completed', JSON.stringify(end));
  // Policy allowed all four; the kernel refused the three outside the workspace.
  t.deepEqual(ofType(events, 'tool_decision').map((d) => d.decision.action), ['allow', 'allow', 'allow', 'allow']);
  t.is(readFileSync(path.join(base.workspace, 'inside.txt'), 'utf8'), 'in\n');
  t.false(existsSync(path.join(outside, 'escape.txt')));
  t.false(existsSync(path.join(outside, 'bash-escape.txt')));
  t.is(readFileSync(path.join(outside, 'data.txt'), 'utf8'), 'original\n');
  const results = ofType(events, 'tool_result');
  t.deepEqual(results.map((r) => r.is_error), [false, true, true, true], JSON.stringify(results));
  t.regex(results[1]!.output, /EACCES|permission denied/i);
});
