// The daemon itself: a 0600 socket that serves only token holders; `sessions kill` ends a
// session's whole process tree; a SIGKILLed daemon loses no acknowledged event, and the next one
// marks what was live as interrupted and ends the processes it left behind.
import test from 'ava';
import net from 'node:net';
import { statSync } from 'node:fs';
import { DaemonClient, spawnDaemon, type EventsPush } from '../../src/daemon/index.js';
import type { Session, StoredEvent } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';
import { alive } from '../helpers/process.js';
import { ctxOk, daemonPid, fixture, worldFor, type World } from './helpers.js';

/** Starts a long-lived `command` session and resolves once its first output is stored. */
async function startSleeper(w: World, c: DaemonClient): Promise<{ id: string; pid: number }> {
  const ws = w.workspace(`sleeper-${Math.random().toString(36).slice(2)}`);
  const { session: id } = await c.request<{ session: string }>('start', { spec: fixture('sleeper.yaml'), cwd: ws });
  const seen = new Promise<number>((resolve) => {
    let pid = 0;
    c.onEvents((push: EventsPush) => {
      if (push.session !== id) return;
      for (const e of push.events) {
        const p = e.payload as { kind?: string; pid?: number; text?: string };
        if (p.kind === 'process') pid = p.pid!;
        if (p.kind === 'text_delta' && p.text?.includes('started')) resolve(pid);
      }
    });
  });
  await c.request('subscribe', { session: id, after_seq: 0 });
  return { id, pid: await seen };
}

test.serial('socket 0600 and token required', async (t) => {
  const w = worldFor(t);
  const r = await runCli(['server', 'start'], { env: w.env });
  ctxOk(t, r);
  t.is(statSync(w.paths.socket).mode & 0o777, 0o600);
  t.is(statSync(w.paths.token).mode & 0o777, 0o600);
  await t.throwsAsync(DaemonClient.connect(w.paths, 'intruder', 'not-the-token'), { message: /unauthorized/ });
  // Skipping hello does not work either: the connection is answered with an error and closed.
  const raw = net.connect(w.paths.socket);
  const answer = await new Promise<string>((resolve) => {
    let got = '';
    raw.setEncoding('utf8').on('data', (d: string) => (got += d));
    raw.on('close', () => resolve(got));
    raw.write(`${JSON.stringify({ id: 1, op: 'list' })}\n`);
  });
  t.regex(answer, /unauthorized/);
  const status = await runCli(['server', 'status'], { env: w.env });
  ctxOk(t, status);
  t.regex(status.stdout, /running \(pid \d+\)/);
});

test.serial('kill ends the process tree; a SIGKILLed daemon loses no events and its sessions become interrupted', async (t) => {
  const w = worldFor(t);
  const c = await (async () => {
    ctxOk(t, await runCli(['server', 'start'], { env: w.env }));
    return w.client();
  })();
  t.teardown(() => c.close());

  // `bridle sessions kill` ends a session and everything it started.
  const first = await startSleeper(w, c);
  t.true(alive(first.pid));
  const killed = await runCli(['sessions', 'kill', first.id], { env: w.env });
  ctxOk(t, killed);
  t.regex(killed.stdout, /interrupted/);
  t.false(alive(first.pid));

  // A live session, then the daemon dies without any chance to clean up.
  const second = await startSleeper(w, c);
  const sent = await c.request<{ seq: number }>('send', { session: second.id, text: 'an acknowledged message' });
  const before = await c.request<StoredEvent[]>('events', { session: second.id });
  const gone = new Promise<void>((resolve) => c.onClosed(resolve));
  process.kill(daemonPid(w), 'SIGKILL');
  await gone;
  t.true(alive(second.pid), 'the orphan outlives the killed daemon until the next one starts');

  await spawnDaemon(w.env);
  const c2 = await w.client();
  t.teardown(() => c2.close());
  const after = await c2.request<StoredEvent[]>('events', { session: second.id });
  t.deepEqual(after.slice(0, before.length), before);
  t.true(after.some((e) => e.seq === sent.seq && (e.payload as { text?: string }).text === 'an acknowledged message'));
  t.like(after.at(-1)!.payload, { kind: 'state', state: 'interrupted' });
  const rows = await c2.request<Session[]>('list');
  t.deepEqual(rows.map((r) => [r.id, r.state]).sort(), [[first.id, 'interrupted'], [second.id, 'interrupted']].sort());
  // The new daemon ended the process the old one left (same pid and start time, SIGKILL to its group).
  while (alive(second.pid)) await new Promise((resolve) => setImmediate(resolve));
  t.pass();
  const ls = await runCli(['sessions', 'ls'], { env: w.env });
  ctxOk(t, ls);
  t.regex(ls.stdout, new RegExp(`${second.id}\\s+sleeper\\s+command\\s+interrupted`));
});
