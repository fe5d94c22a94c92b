// The claude-code adapter against the real Claude Code CLI and the scripted model server,
// offline: replies, gated tool calls (allowed runs, denied does not and the model is told why,
// including a read-only command Claude would approve by itself), usage, fail-closed gates, a
// clean child environment, and resume.
import test from 'ava';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ModelServer } from '../../src/model-server/index.js';
import { serveScript } from '../helpers/model-server.js';
import { createHarness, runTurn, type Harness } from '../../src/harness/index.js';
import { ANTHROPIC_KEY, anthropicEnv, anthropicToolResults, environOf, gatedScript, named, ofType, record, runFailClosedTurn, runGatedTurn, setup, tempDir } from './helpers.js';

function claudeEnv(server: ModelServer): Record<string, string> {
  return {
    ...anthropicEnv(server),
    DISABLE_TELEMETRY: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
  };
}

const toolResults = anthropicToolResults;

test.serial('plain reply: text, usage, session id, and an environment of exactly what was given', async (t) => {
  const server = await serveScript(t, {
    script: [
      { user: 'say hello', reply: { text: 'Hello from the script.', usage: { input_tokens: 321, output_tokens: 12 } } },
      { user: 'once more', reply: { text: 'Hello again.', usage: { input_tokens: 50, output_tokens: 5 } } },
    ],
  });
  const { ctx } = setup(t, 'claude-code', claudeEnv(server));
  const harness = createHarness('claude-code', ctx);
  const events = record(t, harness);
  await harness.start();

  const start = ofType(events, 'session_start')[0];
  t.truthy(start, JSON.stringify(events));
  // The child saw the runtime's environment plus CLAUDE_CONFIG_DIR, and nothing of ours.
  t.deepEqual(environOf(start!.pid!), { ...ctx.env, CLAUDE_CONFIG_DIR: ctx.configHome });
  t.is(start!.vendor_session_id, harness.resumeId);

  const { end, events: turn } = await runTurn(harness, 'Please say hello.');
  t.is(end.status, 'completed', JSON.stringify(end));
  t.is(end.text, 'Hello from the script.');
  t.is(ofType(turn, 'text_delta').map((e) => e.text).join(''), 'Hello from the script.');
  const usage = ofType(turn, 'usage');
  t.is(usage.length, 1);
  t.is(usage[0]!.input_tokens, 321);
  t.is(usage[0]!.output_tokens, 12);
  t.is(ofType(turn, 'tool_call').length, 0);
  // A second turn in the same process: usage events are per turn, not running totals.
  const again = await runTurn(harness, 'Say it once more.');
  t.is(again.end.text, 'Hello again.');
  t.deepEqual(ofType(again.events, 'usage').map((u) => [u.input_tokens, u.output_tokens]), [[50, 5]]);
  t.deepEqual(ofType(events, 'turn_start').map((e) => e.turn), [1, 2]);
  // The placeholder key is what went out (the proxy would swap it; the child never has a real one).
  const answered = server.requests().filter((r) => r.turn !== null);
  t.is(answered.length, 2);
  t.is(answered[0]!.headers['x-api-key'], ANTHROPIC_KEY);
});

test.serial('every tool call is gated: allowed runs, denied does not and the model is told why', async (t) => {
  const server = await serveScript(t, {
    script: gatedScript(
      [
        { name: 'Bash', input: { command: 'echo ok > allowed.txt' } },
        { name: 'Bash', input: { command: 'echo no > forbidden.txt' } },
        // Read-only: Claude approves this by itself; only the hook stops it.
        { name: 'Bash', input: { command: 'cat forbidden-secret.txt' } },
      ],
      'One file was refused.',
    ),
  });
  const { workspace, actions, events, end, turn } = await runGatedTurn(t, 'claude-code', claudeEnv(server));

  t.is(end.text, 'One file was refused.');
  t.is(readFileSync(path.join(workspace, 'allowed.txt'), 'utf8'), 'ok\n');
  t.false(existsSync(path.join(workspace, 'forbidden.txt')));

  // The gate saw all three calls, normalized.
  t.deepEqual(actions.map((a) => [a.tool.name, a.tool.input.command, a.tool.vendor_name, a.harness]), [
    ['bash', 'echo ok > allowed.txt', 'Bash', 'claude-code'],
    ['bash', 'echo no > forbidden.txt', 'Bash', 'claude-code'],
    ['bash', 'cat forbidden-secret.txt', 'Bash', 'claude-code'],
  ]);
  const decisions = ofType(turn, 'tool_decision').map((d) => d.decision.action);
  t.deepEqual(decisions, ['allow', 'deny', 'deny']);
  const calls = ofType(turn, 'tool_call');
  t.is(calls.length, 3);
  t.deepEqual(ofType(turn, 'tool_decision').map((d) => d.call_id), calls.map((c) => c.call_id));
  const results = ofType(turn, 'tool_result');
  t.deepEqual(results.map((r) => r.is_error), [false, true, true]);

  // What the model got back: the deny reasons, and never the secret's content.
  const fed = toolResults(named(server, 'wrap-up'));
  t.is(fed.length, 3);
  t.regex(fed[1]!, /Bridle policy denied Bash: files named forbidden are off limits \(rule: no-forbidden\)/);
  t.regex(fed[2]!, /files named forbidden are off limits/);
  t.false(fed.join('').includes('TOP-SECRET-CONTENT'));

  const usage = ofType(events, 'usage');
  t.deepEqual(usage.map((u) => [u.input_tokens, u.output_tokens]), [[300, 15]]);
});

test.serial('gates fail closed: a throwing gate and a malformed answer both deny', async (t) => {
  const { server, decisions } = await runFailClosedTurn(t, 'claude-code', claudeEnv, [
    { name: 'Bash', input: { command: 'echo a > throws.txt' } },
    { name: 'Write', input: { file_path: 'malformed.txt', content: 'x' } },
  ]);
  t.regex(decisions[0]!.decision.message!, /policy engine unreachable/);
  t.regex(decisions[1]!.decision.message!, /malformed/);
  const fed = toolResults(named(server, 'end'));
  t.regex(fed.join('\n'), /policy engine unreachable/);
});

test.serial('resume continues the same conversation in a new process; user instructions are imported read-only', async (t) => {
  const server = await serveScript(t, {
    script: [
      { user: 'remember the word', reply: { text: 'Noted: pelican.' } },
      { name: 'recall', user: 'which word', reply: { text: 'It was pelican.' } },
    ],
  });
  const userHome = tempDir(t, 'bridle-user-');
  mkdirSync(path.join(userHome, '.claude'));
  writeFileSync(path.join(userHome, '.claude/CLAUDE.md'), 'USER-INSTRUCTION: answer briefly.\n');
  writeFileSync(path.join(userHome, '.claude/settings.json'), JSON.stringify({ model: 'claude-sonnet-4-5', hooks: { Stop: [] }, env: { LEAK: '1' } }));
  const { ctx } = setup(t, 'claude-code', claudeEnv(server), { userHome });

  const first: Harness = createHarness('claude-code', ctx);
  record(t, first);
  await first.start();
  t.is((await runTurn(first, 'Please remember the word pelican.')).end.text, 'Noted: pelican.');
  const id = first.resumeId!;
  await first.stop();

  const second = createHarness('claude-code', ctx);
  record(t, second);
  await second.start({ resume: id });
  t.is((await runTurn(second, 'Now, which word was it?')).end.text, 'It was pelican.');
  t.is(second.resumeId, id);

  const recall = server.requests().find((r) => r.turn_name === 'recall')!;
  const body = JSON.stringify(recall.body);
  t.true(body.includes('Noted: pelican.'), 'the resumed request carries the earlier turn');
  t.true(body.includes('USER-INSTRUCTION: answer briefly.'), "the user's CLAUDE.md reached the model");
  // Preferences came along; hooks and env from the user's file did not.
  const imported = JSON.parse(readFileSync(path.join(ctx.configHome, 'settings.json'), 'utf8')) as Record<string, unknown>;
  t.deepEqual(imported, { model: 'claude-sonnet-4-5' });
  t.is(readFileSync(path.join(userHome, '.claude/CLAUDE.md'), 'utf8'), 'USER-INSTRUCTION: answer briefly.\n');
});

test.serial('interrupt stops a running tool call; the session takes the next message', async (t) => {
  const server = await serveScript(t, {
    script: [
      { user: 'wait', reply: { tool_calls: [{ name: 'Bash', input: { command: 'timeout 60 tail -f /dev/null; echo late > late.txt' } }] } },
      // After an interrupt Claude sends the cut-off tool result and the new message together.
      { name: 'next', reply: { text: 'Still here.' } },
    ],
  });
  const { ctx, workspace } = setup(t, 'claude-code', claudeEnv(server));
  const harness = createHarness('claude-code', ctx);
  const events = record(t, harness);
  harness.on((e) => {
    if (e.type === 'tool_decision') setTimeout(() => void harness.interrupt(), 300);
  });
  await harness.start();
  const { end } = await runTurn(harness, 'Please wait a minute.');
  t.is(end.status, 'interrupted', JSON.stringify(events.slice(-5)));
  const next = await runTurn(harness, 'What is your status?');
  t.is(next.end.text, 'Still here.');
  t.false(existsSync(path.join(workspace, 'late.txt')));
});
