// The pi adapter against the real pi CLI (`pi --mode rpc`) and the scripted model server's
// Anthropic API, offline: replies, every tool call gated through Bridle's pi extension (allowed
// runs; denied does not and the model is told why), usage, fail-closed gates, a clean child
// environment, resume.
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { serveScript } from '../helpers/model-server.js';
import { createHarness, runTurn } from '../../src/harness/index.js';
import { ANTHROPIC_KEY, anthropicEnv, anthropicToolResults, environOf, gatedScript, named, ofType, record, runFailClosedThenResume, runGatedTurn, setup } from './helpers.js';

const piEnv = anthropicEnv;
const toolResults = anthropicToolResults;

test.serial('plain reply: text, usage, session, and an environment of exactly what was given', async (t) => {
  const server = await serveScript(t, {
    script: [{ user: 'say hello', reply: { text: 'Hello from the script.', usage: { input_tokens: 321, output_tokens: 12 } } }],
  });
  const { ctx } = setup(t, 'pi', piEnv(server));
  const harness = createHarness('pi', ctx);
  const events = record(t, harness);
  await harness.start();
  const start = ofType(events, 'session_start')[0]!;
  t.deepEqual(environOf(start.pid!), { ...ctx.env, PI_CODING_AGENT_DIR: ctx.configHome, PI_OFFLINE: '1' });

  const { end, events: turn } = await runTurn(harness, 'Please say hello.');
  t.is(end.status, 'completed', JSON.stringify(end));
  t.is(end.text, 'Hello from the script.');
  t.is(ofType(turn, 'text_delta').map((e) => e.text).join(''), 'Hello from the script.');
  t.deepEqual(ofType(turn, 'usage').map((u) => [u.input_tokens, u.output_tokens]), [[321, 12]]);
  const answered = server.requests().filter((r) => r.turn !== null);
  t.is(answered.length, 1);
  t.is(answered[0]!.headers['x-api-key'], ANTHROPIC_KEY);
});

test.serial('every tool call is gated: allowed runs, denied does not and the model is told why', async (t) => {
  const server = await serveScript(t, {
    script: gatedScript(
      [
        { name: 'bash', input: { command: 'echo ok > allowed.txt' } },
        { name: 'write', input: { path: 'forbidden.txt', content: 'no\n' } },
        { name: 'read', input: { path: 'forbidden-secret.txt' } },
      ],
      'Two calls were refused.',
    ),
  });
  const { workspace, actions, events, end, turn } = await runGatedTurn(t, 'pi', piEnv(server));

  t.is(end.text, 'Two calls were refused.');
  t.is(readFileSync(path.join(workspace, 'allowed.txt'), 'utf8'), 'ok\n');
  t.false(existsSync(path.join(workspace, 'forbidden.txt')));
  t.deepEqual(actions.map((a) => [a.tool.name, a.tool.vendor_name, a.harness]), [
    ['bash', 'bash', 'pi'],
    ['write', 'write', 'pi'],
    ['read', 'read', 'pi'],
  ]);
  t.is(actions[1]!.tool.input.path, path.join(workspace, 'forbidden.txt'));
  t.deepEqual(ofType(turn, 'tool_decision').map((d) => d.decision.action), ['allow', 'deny', 'deny']);
  t.deepEqual(ofType(turn, 'tool_result').map((r) => r.is_error).sort(), [false, true, true]);

  const fed = toolResults(named(server, 'wrap-up')).join('\n');
  t.regex(fed, /Bridle policy denied write: files named forbidden are off limits \(rule: no-forbidden\)/);
  t.regex(fed, /Bridle policy denied read: files named forbidden are off limits/);
  t.false(fed.includes('TOP-SECRET-CONTENT'));
  t.deepEqual(ofType(events, 'usage').map((u) => [u.input_tokens, u.output_tokens]), [[100, 10], [200, 5]]);
});

test.serial('gates fail closed: a throwing gate denies; resume continues the session in a new process', async (t) => {
  const { id } = await runFailClosedThenResume(t, 'pi', piEnv, { name: 'bash', input: { command: 'echo a > throws.txt' } });
  t.truthy(id);
});
