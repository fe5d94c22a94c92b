// The cursor adapter against a stand-in cursor-agent (test/fixtures/harness/fake-cursor-agent.mjs)
// that prints Cursor's documented stream-json and runs ~/.cursor/hooks.json preToolUse hooks the
// documented way. What this proves: the adapter's parsing, hook file, hook client and gating path,
// environment and resume plumbing. What it cannot prove: that the real CLI still emits these
// shapes and honours the hook as documented (see docs/harnesses.md).
import test from 'ava';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../src/paths.js';
import { createHarness, runTurn } from '../../src/harness/index.js';
import { ofType, record, setup } from './helpers.js';

const fake = path.join(packageRoot, 'test/fixtures/harness/fake-cursor-agent.mjs');
const KEY = 'cursor-placeholder-key';

test.serial('plain reply, usage, and the agent sees exactly the environment it was given', async (t) => {
  const { ctx } = setup(t, 'cursor', { CURSOR_API_KEY: KEY }, { executable: fake });
  const harness = createHarness('cursor', ctx);
  record(t, harness);
  await harness.start();
  const { end, events } = await runTurn(harness, 'Please say hello.');
  t.is(end.status, 'completed', JSON.stringify(events));
  t.is(end.text, 'Hello from the recording.');
  t.deepEqual(ofType(events, 'usage').map((u) => [u.input_tokens, u.output_tokens]), [[321, 12]]);
  // The scripted `env` tool call ran (gated, allowed) inside the agent: its output is the agent's env.
  const envOutput = JSON.parse(ofType(events, 'tool_result')[0]!.output) as { stdout: string };
  const seen = Object.fromEntries(envOutput.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  // /bin/sh adds PWD (and may add SHLVL, _); everything else is exactly the runtime's env.
  for (const k of ['PWD', 'SHLVL', '_', 'OLDPWD']) delete seen[k];
  t.deepEqual(seen, ctx.env);
  t.truthy(harness.resumeId);
});

test.serial('every tool call is gated through the hook: allowed runs, denied does not and the agent is told why', async (t) => {
  const { ctx, workspace, actions } = setup(t, 'cursor', { CURSOR_API_KEY: KEY }, { executable: fake });
  writeFileSync(path.join(workspace, 'forbidden-secret.txt'), 'TOP-SECRET-CONTENT\n');
  const harness = createHarness('cursor', ctx);
  record(t, harness);
  await harness.start();
  const { end, events } = await runTurn(harness, 'Please make the files.');
  t.is(end.status, 'completed', JSON.stringify(events));
  t.is(readFileSync(path.join(workspace, 'allowed.txt'), 'utf8'), 'ok\n');
  t.false(existsSync(path.join(workspace, 'forbidden.txt')));
  t.deepEqual(actions.map((a) => [a.tool.name, a.tool.vendor_name]), [['bash', 'Shell'], ['write', 'Write'], ['read', 'Read']]);
  t.is(actions[1]!.tool.input.path, path.join(workspace, 'forbidden.txt'));
  t.deepEqual(ofType(events, 'tool_decision').map((d) => d.decision.action), ['allow', 'deny', 'deny']);
  t.deepEqual(ofType(events, 'tool_call').map((c) => c.tool.name), ['bash', 'write', 'read']);
  t.deepEqual(ofType(events, 'tool_result').map((r) => r.is_error), [false, true, true]);
  t.regex(end.text!, /Bridle policy denied Write: files named forbidden are off limits \(rule: no-forbidden\)/);
  t.regex(end.text!, /Bridle policy denied Read: files named forbidden are off limits/);
  t.false(JSON.stringify(events).includes('TOP-SECRET-CONTENT'));
  // The hooks file went to the private HOME, not the user's repository.
  t.true(existsSync(path.join(ctx.env.HOME!, '.cursor/hooks.json')));
  t.false(existsSync(path.join(workspace, '.cursor')));
});

test.serial('fail closed when the decision service is gone; resume continues the chat', async (t) => {
  const { ctx, workspace } = setup(t, 'cursor', { CURSOR_API_KEY: KEY }, {
    executable: fake,
    gate: async () => {
      throw new Error('policy engine unreachable');
    },
  });
  const harness = createHarness('cursor', ctx);
  record(t, harness);
  await harness.start();
  const { end } = await runTurn(harness, 'Please make the files.');
  t.false(existsSync(path.join(workspace, 'allowed.txt')));
  t.regex(end.text!, /policy engine unreachable/);
  t.is((await runTurn(harness, 'Please remember pelican.')).end.text, 'Noted.');
  const id = harness.resumeId!;
  await harness.stop();

  const again = createHarness('cursor', ctx);
  record(t, again);
  await again.start({ resume: id });
  const recall = await runTurn(again, 'Now, which word was it?');
  t.regex(recall.end.text!, /Please remember pelican\./);
});
