// The dashboard's side of the session-list watch: DaemonSource over a real client of a real
// daemon. Its listener hears of sessions starting and ending from pushes alone (the only request
// it makes for the list is `watch_sessions`); a daemon too old to push is polled instead; a lost
// connection is reported.
import test from 'ava';
import { DaemonClient, spawnDaemon, type SessionsSnapshot } from '../../src/daemon/index.js';
import { DaemonSource } from '../../src/tui/daemon-source.js';
import type { Snapshot } from '../../src/tui/source.js';
import { fixture, worldFor } from './helpers.js';

/** Only there so that a missing update fails with a message rather than a hang. */
const DEADLINE_MS = 90_000;

/** Records every request's op, then sends it as usual. */
function countOps(c: DaemonClient): string[] {
  const ops: string[] = [];
  const request = c.request.bind(c);
  c.request = (<T>(op: string, params?: Record<string, unknown>): Promise<T> => {
    ops.push(op);
    return request<T>(op, params);
  }) as typeof c.request;
  return ops;
}

/** A DashboardSource listener that keeps what it was given and can wait for a condition. */
function recorder(): { seen: Snapshot[]; listener: (s: Snapshot) => void; until(what: string, pred: (s: Snapshot) => boolean): Promise<Snapshot> } {
  const seen: Snapshot[] = [];
  const waiters = new Set<(s: Snapshot) => void>();
  return {
    seen,
    listener(s) {
      seen.push(s);
      for (const w of [...waiters]) w(s);
    },
    until(what, pred) {
      const last = seen.at(-1);
      if (last && pred(last)) return Promise.resolve(last);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`the listener never saw ${what}; the last snapshot: ${JSON.stringify(seen.at(-1))}`));
        }, DEADLINE_MS);
        const check = (s: Snapshot): void => {
          if (!pred(s)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(s);
        };
        waiters.add(check);
      });
    },
  };
}

const stateOf = (s: Snapshot, id: string): string | undefined => s.sessions.find((x) => x.id === id)?.state;

test.serial('DaemonSource: sessions starting and ending reach the listener by push, with no list requests', async (t) => {
  const w = worldFor(t);
  await spawnDaemon(w.env);
  const dash = await w.client('dashboard');
  const other = await w.client('other');
  t.teardown(() => other.close());
  const quiet = dash.request.bind(dash);
  const ops = countOps(dash);
  const source = new DaemonSource(dash, { cwd: w.workspace('dash') });
  t.teardown(() => source.close());
  const lost: string[] = [];
  source.onLost((reason) => lost.push(reason));

  const rec = recorder();
  const stop = source.watch(rec.listener);
  await rec.until('the first snapshot', () => true);
  t.deepEqual(rec.seen[0], { sessions: [], asks: [] });

  const { session: id } = await other.request<{ session: string }>('start', { spec: fixture('sleeper.yaml'), cwd: w.workspace('sleeper') });
  const live = await rec.until('the new session', (s) => stateOf(s, id) !== undefined);
  t.like(live.sessions[0], { id, agent: 'sleeper', harness: 'command', costUsd: 0, endedAt: null });
  await other.request('kill', { session: id });
  const ended = await rec.until('the session interrupted', (s) => stateOf(s, id) === 'interrupted');
  t.not(ended.sessions[0]!.endedAt, null);
  t.deepEqual(ops, ['watch_sessions'], 'the list came by push alone');

  // A second listener starts from the list the first has, without asking the daemon again.
  const rec2 = recorder();
  const stop2 = source.watch(rec2.listener);
  t.deepEqual(await rec2.until('the current list', () => true), ended);
  t.deepEqual(ops, ['watch_sessions']);

  // The last listener gone, the watch ends: later changes reach nobody.
  stop();
  stop2();
  t.deepEqual(ops, ['watch_sessions', 'unwatch_sessions']);
  const heard = rec.seen.length + rec2.seen.length;
  let later = '';
  const laterEnded = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the other client saw no push of the later session ending')), DEADLINE_MS);
    other.onSessions((p: SessionsSnapshot) => {
      if (!later || !p.sessions.some((s) => s.id === later && s.state === 'interrupted')) return;
      clearTimeout(timer);
      resolve();
    });
  });
  await other.request('watch_sessions');
  later = (await other.request<{ session: string }>('start', { spec: fixture('sleeper.yaml'), cwd: w.workspace('later') })).session;
  await other.request('kill', { session: later });
  await laterEnded;
  // Any push the daemon wrote to the dashboard's connection came before this reply.
  await quiet('status');
  t.is(rec.seen.length + rec2.seen.length, heard);

  // The daemon going away is reported.
  const gone = new Promise<void>((resolve) => dash.onClosed(resolve));
  await other.request('stop');
  await gone;
  t.deepEqual(lost, ['the daemon closed the connection']);
});

test.serial('DaemonSource: a daemon without the watch capability is polled', async (t) => {
  const w = worldFor(t);
  await spawnDaemon(w.env);
  const dash = await w.client('dashboard');
  const other = await w.client('other');
  t.teardown(() => other.close());
  // What a daemon started by an older Bridle says in hello.
  dash.server = { version: 1, pid: dash.server.pid };
  t.false(dash.supports('watch_sessions'));
  const ops = countOps(dash);
  const source = new DaemonSource(dash, { cwd: w.workspace('dash'), legacyPollMs: 20 });
  t.teardown(() => source.close());
  const rec = recorder();
  source.watch(rec.listener);
  await rec.until('the first snapshot', () => true);
  const { session: id } = await other.request<{ session: string }>('start', { spec: fixture('sleeper.yaml'), cwd: w.workspace('sleeper') });
  await rec.until('the new session', (s) => stateOf(s, id) !== undefined);
  t.false(ops.includes('watch_sessions'));
  t.true(ops.includes('list') && ops.includes('asks'));
  await other.request('kill', { session: id });
});
