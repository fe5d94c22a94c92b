// The codex adapter against the real Codex CLI (`codex app-server`) and the scripted model
// server's Responses API, offline: replies, every tool call gated through the PreToolUse hook
// (allowed runs; denied, including read-only commands, does not and the model is told why),
// usage from thread/tokenUsage/updated, fail-closed gates, a clean child environment, resume.
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RecordedRequest } from '../../src/model-server/index.js';
import { serveScript } from '../helpers/model-server.js';
import { createHarness, runTurn } from '../../src/harness/index.js';
import { environOf, gatedScript, named, ofType, OPENAI_KEY, openaiEnv, record, runFailClosedThenResume, runGatedTurn, setup } from './helpers.js';

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
    script: gatedScript(
      [
        { name: 'exec_command', input: { cmd: 'echo ok > allowed.txt' } },
        { name: 'exec_command', input: { cmd: 'echo no > forbidden.txt' } },
        // Read-only: Codex would run it without any approval; only the hook stops it.
        { name: 'exec_command', input: { cmd: 'cat forbidden-secret.txt' } },
      ],
      'One file was refused.',
    ),
  });
  const { workspace, actions, events, end, turn } = await runGatedTurn(t, 'codex', codexEnv(server));

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

  const fed = callOutputs(named(server, 'wrap-up'));
  t.is(fed.length, 3);
  const denied = fed.filter((f) => f.output.includes('Bridle policy denied Bash: files named forbidden are off limits (rule: no-forbidden)'));
  t.is(denied.length, 2);
  t.false(fed.map((f) => f.output).join('').includes('TOP-SECRET-CONTENT'));
  t.deepEqual(ofType(events, 'usage').map((u) => [u.input_tokens, u.output_tokens]), [[100, 10], [200, 5]]);
});

test.serial('gates fail closed: a throwing gate denies; resume continues the thread in a new process', async (t) => {
  const { id, second } = await runFailClosedThenResume(t, 'codex', codexEnv, { name: 'exec_command', input: { cmd: 'echo a > throws.txt' } });
  t.is(second.resumeId, id);
});
