// `bridle run --headless` end to end through the daemon, with the real Claude Code CLI in the
// real sandbox behind the real egress proxy, answering from the scripted model server: a plain
// reply, usage metered by the proxy, policy allow / deny of tool calls, and asks answered by a
// client over the daemon protocol (or refused with --no-ask).
import test from 'ava';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../src/paths.js';
import { runCli } from '../helpers/cli.js';
import type { EventsPush } from '../../src/daemon/index.js';
import type { Ask, Decision, Session, Usage } from '../../src/store/index.js';
import { ctxOk, fixture, readJsonl, startCli, worldFor } from './helpers.js';

const hello = path.join(packageRoot, 'agents', 'examples', 'hello.yaml');

interface Shown {
  session: Session;
  asks: Ask[];
  decisions: Decision[];
  usage: Usage[];
}

test.serial('hello: the plain reply is printed, and the proxy meters the usage', async (t) => {
  const w = worldFor(t);
  const ws = w.workspace('hello');
  const r = await runCli(['run', hello, '-p', 'Say hello', '--headless', '--cwd', ws], { env: w.env, cwd: ws });
  ctxOk(t, r);
  t.regex(r.stdout, /^Hello! I'm running offline under Bridle/);
  const id = /session (s_[a-z0-9]+)/.exec(r.stderr)![1]!;

  const c = await w.client();
  t.teardown(() => c.close());
  const shown = await c.request<Shown>('show', { session: id });
  t.is(shown.session.state, 'done');
  t.is(shown.session.exitCode, 0);
  t.deepEqual(
    shown.usage.map((u) => [u.source, u.inputTokens, u.outputTokens]),
    [['proxy', 120, 30]],
  );
  t.is(shown.session.tokens, 150);
  t.true(shown.session.costUsd > 0);
});

test.serial('tool calls: the allowed one runs, the denied one does not and the agent is told why', async (t) => {
  const w = worldFor(t);
  const ws = w.workspace('tools');
  const r = await runCli(['run', fixture('agent.yaml'), '-p', 'Please make the files.', '--headless', '--json', '--model-server', fixture('tools.yml'), '--cwd', ws], { env: w.env, cwd: ws });
  ctxOk(t, r);
  t.true(existsSync(path.join(ws, 'allowed.txt')));
  t.false(existsSync(path.join(ws, 'denied.txt')));

  const events = readJsonl(r.stdout);
  const decisions = events.filter((e) => e.kind === 'decision').map((e) => (e.decision as { action: string }).action);
  t.deepEqual(decisions, ['allow', 'deny']);
  const denied = events.find((e) => e.kind === 'tool_result' && e.is_error === true);
  t.regex(String(denied?.output), /Bridle policy denied Bash: files named denied are off limits \(rule: no-denied\)/);
  // The scripted model only says this once it has read the refusal.
  const end = events.find((e) => e.kind === 'turn_end');
  t.is(end?.text, 'One call was refused.');
  t.like(events.at(-1), { type: 'lifecycle', kind: 'state', state: 'done' });

  const c = await w.client();
  t.teardown(() => c.close());
  const [row] = await c.request<Session[]>('list');
  const shown = await c.request<Shown>('show', { session: row!.id });
  const toolDecisions = shown.decisions.filter((d) => d.verdict === 'deny');
  t.is(toolDecisions.length, 1);
  t.deepEqual((toolDecisions[0]!.rules as Array<{ name: string }>).map((x) => x.name), ['no-denied']);
  t.is(toolDecisions[0]!.message, 'files named denied are off limits');
});

test.serial('asks: a client answers over the daemon protocol; allow runs, deny does not; --no-ask refuses', async (t) => {
  const w = worldFor(t);
  const ws = w.workspace('asks');
  const run = startCli(w, ['run', fixture('agent.yaml'), '-p', 'Please ask first.', '--headless', '--model-server', fixture('tools.yml'), '--cwd', ws], ws);
  const id = await run.started;

  const c = await w.client('reviewer');
  t.teardown(() => c.close());
  const answered: string[] = [];
  c.onEvents((push: EventsPush) => {
    for (const e of push.events) {
      const p = e.payload as { kind?: string; ask_id?: string; prompt?: string };
      if (p.kind !== 'ask') continue;
      const answer = p.prompt!.includes('asked-yes') ? 'allow_once' : 'deny_once';
      answered.push(`${p.prompt!.includes('asked-yes') ? 'yes' : 'no'}:${answer}`);
      void c.request('resolve', { ask: p.ask_id, answer });
    }
  });
  await c.request('subscribe', { session: id, after_seq: 0 });
  const r = await run.done;
  ctxOk(t, r);
  t.deepEqual(answered.sort(), ['no:deny_once', 'yes:allow_once']);
  t.true(existsSync(path.join(ws, 'asked-yes.txt')));
  t.false(existsSync(path.join(ws, 'asked-no.txt')));
  t.regex(r.stdout, /denied by a human/);
  t.regex(r.stdout, /Asked and done\./);
  const shown = await c.request<Shown>('show', { session: id });
  t.deepEqual(shown.asks.map((a) => [a.state, a.answeredBy]).sort(), [['allowed', 'reviewer'], ['denied', 'reviewer']]);

  // The same run with --no-ask: nobody is asked, both calls are refused with the reason.
  const ws2 = w.workspace('no-ask');
  const r2 = await runCli(['run', fixture('agent.yaml'), '-p', 'Please ask first.', '--headless', '--no-ask', '--model-server', fixture('tools.yml'), '--cwd', ws2], { env: w.env, cwd: ws2 });
  ctxOk(t, r2);
  t.false(existsSync(path.join(ws2, 'asked-yes.txt')));
  t.false(existsSync(path.join(ws2, 'asked-no.txt')));
  t.regex(r2.stdout, /needs a human's approval \(creating asked files needs a human\), and this run takes no asks \(--no-ask\)/);
});
