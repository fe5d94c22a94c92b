// The codex adapter against the real Codex CLI (`codex app-server`) and the scripted model
// server's Responses API, offline: replies, every tool call gated through the PreToolUse hook
// (allowed runs; denied, including read-only commands, does not and the model is told why),
// usage from thread/tokenUsage/updated, fail-closed gates, a clean child environment, resume.
import test from 'ava';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RecordedRequest } from '../../src/model-server/index.js';
import { serveScript } from '../helpers/model-server.js';
import { createHarness, runTurn } from '../../src/harness/index.js';
import { environOf, ofType, OPENAI_KEY, openaiEnv, record, setup } from './helpers.js';

const codexEnv = openaiEnv;

/** function_call_output items of a recorded Responses request. */
function callOutputs(request: RecordedRequest): Array<{ call_id: string; output: string }> {
  const input = (request.body as { input: Array<{ type: string; call_id?: string; output?: unknown }> }).input;
  return input.filter((i) => i.type === 'function_call_output').map((i) => ({ call_id: i.call_id!, output: typeof i.output === 'string' ? i.output : JSON.stringify(i.output) }));
}

test.serial('plain reply: text, usage, thread id, and an environment of exactly what was given', async (t) => {
  const server = await serveScript(t, {
    script: [{ user: 'say hello', reply: { text: 'Hello from the script.', usage: { input_tokens: 300, output_tokens: 12, cache_read_input_tokens: 100 } } }],
  });
  const { ctx } = setup(t, 'codex', codexEnv(server));
  const harness = createHarness('codex', ctx);
  const events = record(t, harness);
  await harness.start();
  const start = ofType(events, 'session_start')[0]!;
  t.deepEqual(environOf(start.pid!), { ...ctx.env, CODEX_HOME: ctx.configHome });
  t.truthy(harness.resumeId);

  const { end, events: turn } = await runTurn(harness, 'Please say hello.');
  t.is(end.status, 'completed', JSON.stringify(end));
  t.is(end.text, 'Hello from the script.');
  t.is(ofType(turn, 'text_delta').map((e) => e.text).join(''), 'Hello from the script.');
  const usage = ofType(turn, 'usage');
  t.deepEqual(usage.map((u) => [u.input_tokens, u.cache_read_input_tokens, u.output_tokens]), [[300, 100, 12]]);
  const answered = server.requests().filter((r) => r.turn !== null);
  t.is(answered.length, 1);
  t.is(answered[0]!.headers.authorization, `Bearer ${OPENAI_KEY}`);
  t.regex(answered[0]!.path, /^\/v1\/responses/);
});

test.serial('every tool call is gated: allowed runs, denied does not and the model is told why', async (t) => {
  const server = await serveScript(t, {
    script: [
      {
        user: 'make the files',
        reply: {
          text: 'Working on it.',
          tool_calls: [
            { name: 'exec_command', input: { cmd: 'echo ok > allowed.txt' } },
            { name: 'exec_command', input: { cmd: 'echo no > forbidden.txt' } },
            // Read-only: Codex would run it without any approval; only the hook stops it.
            { name: 'exec_command', input: { cmd: 'cat forbidden-secret.txt' } },
          ],
          usage: { input_tokens: 100, output_tokens: 10 },
        },
      },
      { name: 'wrap-up', tool_result_regex: 'off limits', reply: { text: 'One file was refused.', usage: { input_tokens: 200, output_tokens: 5 } } },
    ],
  });
  const { ctx, workspace, actions } = setup(t, 'codex', codexEnv(server));
  writeFileSync(path.join(workspace, 'forbidden-secret.txt'), 'TOP-SECRET-CONTENT\n');
  const harness = createHarness('codex', ctx);
  const events = record(t, harness);
  await harness.start();
  const { end, events: turn } = await runTurn(harness, 'Please make the files.');

  t.is(end.status, 'completed', JSON.stringify(end));
  t.is(end.text, 'One file was refused.');
  t.is(readFileSync(path.join(workspace, 'allowed.txt'), 'utf8'), 'ok\n');
  t.false(existsSync(path.join(workspace, 'forbidden.txt')));

  // Codex runs calls of one reply concurrently: compare as sets.
  t.deepEqual(
    actions.map((a) => `${a.tool.name}:${String(a.tool.input.command)}:${a.tool.vendor_name}:${a.harness}`).sort(),
    ['bash:cat forbidden-secret.txt:Bash:codex', 'bash:echo no > forbidden.txt:Bash:codex', 'bash:echo ok > allowed.txt:Bash:codex'],
  );
  const decisions = ofType(turn, 'tool_decision');
  t.deepEqual(decisions.map((d) => `${String(d.tool.input.command)}=${d.decision.action}`).sort(), [
    'cat forbidden-secret.txt=deny',
    'echo no > forbidden.txt=deny',
    'echo ok > allowed.txt=allow',
  ]);
  t.is(ofType(turn, 'tool_call').length, 3);
  t.is(ofType(turn, 'tool_result').length, 3);

  const second = server.requests().find((r) => r.turn_name === 'wrap-up')!;
  t.truthy(second);
  const fed = callOutputs(second);
  t.is(fed.length, 3);
  const denied = fed.filter((f) => f.output.includes('Bridle policy denied Bash: files named forbidden are off limits (rule: no-forbidden)'));
  t.is(denied.length, 2);
  t.false(fed.map((f) => f.output).join('').includes('TOP-SECRET-CONTENT'));
  t.deepEqual(ofType(events, 'usage').map((u) => [u.input_tokens, u.output_tokens]), [[100, 10], [200, 5]]);
});

test.serial('gates fail closed: a throwing gate denies; resume continues the thread in a new process', async (t) => {
  const server = await serveScript(t, {
    script: [
      { user: 'try', reply: { tool_calls: [{ name: 'exec_command', input: { cmd: 'echo a > throws.txt' } }] } },
      { name: 'refused', tool_result_regex: 'unreachable', reply: { text: 'Refused: noted pelican.' } },
      { name: 'recall', user: 'which word', reply: { text: 'It was pelican.' } },
    ],
  });
  const { ctx, workspace } = setup(t, 'codex', codexEnv(server), {
    gate: async () => {
      throw new Error('policy engine unreachable');
    },
  });
  const first = createHarness('codex', ctx);
  record(t, first);
  await first.start();
  const { end, events } = await runTurn(first, 'Please try.');
  t.is(end.text, 'Refused: noted pelican.');
  t.false(existsSync(path.join(workspace, 'throws.txt')));
  t.deepEqual(ofType(events, 'tool_decision').map((d) => d.decision.action), ['deny']);
  const id = first.resumeId!;
  await first.stop();

  const second = createHarness('codex', ctx);
  record(t, second);
  await second.start({ resume: id });
  t.is(second.resumeId, id);
  t.is((await runTurn(second, 'Now, which word was it?')).end.text, 'It was pelican.');
  const recall = server.requests().find((r) => r.turn_name === 'recall')!;
  t.true(JSON.stringify(recall.body).includes('Refused: noted pelican.'), 'the resumed request carries the earlier turn');
});
