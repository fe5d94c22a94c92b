// The session-list watch (`watch_sessions`): a real daemon, real clients on its socket. A session's
// start, its asks opening and being answered, and its end each reach every watcher as a `sessions`
// push; a burst of usage records is one push; `unwatch_sessions` stops them, and a client that
// never watched gets none.
import test from 'ava';
import { CAPABILITIES, DaemonClient, PROTOCOL_VERSION, spawnDaemon, startDaemon, type EventsPush, type HelloResult, type SessionsPush, type SessionsSnapshot } from '../../src/daemon/index.js';
import type { Ask, Session } from '../../src/store/index.js';
import { fixture, worldFor } from './helpers.js';

/** Long enough for a slow machine; only there so a missing push fails with a message, not a hang. */
const DEADLINE_MS = 90_000;

interface Feed {
  reply: SessionsSnapshot;
  pushes: SessionsPush[];
  /** The newest snapshot seen (reply or push). */
  latest(): SessionsSnapshot;
  /** Resolves with the first snapshot (the newest so far, else a later push) that satisfies `pred`. */
  until(what: string, pred: (s: SessionsSnapshot) => boolean): Promise<SessionsSnapshot>;
}

async function watchFeed(c: DaemonClient, params: Record<string, unknown> = {}): Promise<Feed> {
  const pushes: SessionsPush[] = [];
  const waiters = new Set<{ pred: (s: SessionsSnapshot) => boolean; resolve: (s: SessionsSnapshot) => void }>();
  c.onSessions((p) => {
    pushes.push(p);
    for (const w of [...waiters]) {
      if (w.pred(p)) {
        waiters.delete(w);
        w.resolve(p);
      }
    }
  });
  const reply = await c.request<SessionsSnapshot>('watch_sessions', params);
  const latest = (): SessionsSnapshot => pushes.reduce<SessionsSnapshot>((a, b) => (b.rev > a.rev ? b : a), reply);
  return {
    reply,
    pushes,
    latest,
    until(what, pred) {
      const now = latest();
      if (pred(now)) return Promise.resolve(now);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no sessions push with ${what}; the last one: ${JSON.stringify(latest())}`));
        }, DEADLINE_MS);
        const waiter = {
          pred,
          resolve: (s: SessionsSnapshot) => {
            clearTimeout(timer);
            resolve(s);
          },
        };
        waiters.add(waiter);
      });
    },
  };
}

const row = (s: SessionsSnapshot, id: string): Session | undefined => s.sessions.find((x) => x.id === id);
const asksOf = (s: SessionsSnapshot, id: string): Ask[] => s.asks.filter((a) => a.sessionId === id);
const body = (s: SessionsSnapshot): string => JSON.stringify({ sessions: s.sessions, asks: s.asks });

/** Every push is newer than the one before and differs from it (an unchanged list is not sent). */
function assertOrderly(t: { true(v: boolean, m?: string): void; not(a: unknown, b: unknown, m?: string): void }, feed: Feed, name: string): void {
  const all: SessionsSnapshot[] = [feed.reply, ...feed.pushes];
  for (let i = 1; i < all.length; i++) {
    t.true(all[i]!.rev > all[i - 1]!.rev, `${name}: revs grow`);
    t.not(body(all[i]!), body(all[i - 1]!), `${name}: push ${i} repeats the list before it`);
  }
}

test.serial('hello reports version 2 and the watch capability', async (t) => {
  const w = worldFor(t);
  await spawnDaemon(w.env);
  const c = await w.client();
  t.teardown(() => c.close());
  t.is(PROTOCOL_VERSION, 2);
  t.deepEqual(c.server, { version: 2, pid: c.server.pid, capabilities: [...CAPABILITIES] } satisfies HelloResult);
  t.true(c.supports('watch_sessions'));
  t.deepEqual(await c.request('hello', { token: 'ignored once authenticated' }), c.server);
});

test.serial('a session starts, asks twice, is answered by one client of two, and ends: every step is pushed to both', async (t) => {
  const w = worldFor(t);
  await spawnDaemon(w.env);
  const a = await w.client('watcher-a');
  const b = await w.client('watcher-b');
  t.teardown(() => {
    a.close();
    b.close();
  });
  const feedA = await watchFeed(a);
  const feedB = await watchFeed(b);
  // The reply is what `list` and `asks` say.
  t.deepEqual(feedA.reply.sessions, await a.request<Session[]>('list'));
  t.deepEqual(feedA.reply.asks, await a.request<Ask[]>('asks'));
  t.deepEqual([feedA.reply.sessions, feedA.reply.asks], [[], []]);

  const ws = w.workspace('asks');
  const { session: id } = await a.request<{ session: string }>('start', {
    spec: fixture('agent.yaml'),
    cwd: ws,
    prompt: 'Please ask first.',
    one_shot: true,
    model_server: fixture('tools.yml'),
  });
  const shown = await feedA.until('the new session', (s) => row(s, id) !== undefined);
  t.true(shown.rev > feedA.reply.rev, 'a push, not the reply');
  t.true(['starting', 'working', 'waiting', 'asking'].includes(row(shown, id)!.state), row(shown, id)!.state);
  t.is(row(shown, id)!.agent, 'tester');

  // The scripted model asks for two commands; each ask shows up in both feeds, is answered by b,
  // and disappears from both.
  const answered: string[] = [];
  while (answered.length < 2) {
    const open = await feedA.until('a new pending ask', (s) => asksOf(s, id).some((x) => !answered.includes(x.id)));
    const ask = asksOf(open, id).find((x) => !answered.includes(x.id))!;
    t.is(row(open, id)!.state, 'asking');
    await feedB.until(`ask ${ask.id} for b`, (s) => s.asks.some((x) => x.id === ask.id));
    // The pushed ask is the row `asks` lists (it cannot change until someone answers it).
    t.deepEqual((await a.request<Ask[]>('asks')).find((x) => x.id === ask.id), ask);
    answered.push(ask.id);
    const answer = ask.prompt.includes('asked-yes') ? 'allow_once' : 'deny_once';
    await b.request('resolve', { ask: ask.id, answer });
    await Promise.all([feedA, feedB].map((f) => f.until(`ask ${ask.id} gone`, (s) => !s.asks.some((x) => x.id === ask.id))));
  }

  const ended = await feedA.until('the session done', (s) => row(s, id)?.state === 'done');
  t.is(row(ended, id)!.exitCode, 0);
  t.not(row(ended, id)!.endedAt, null);
  t.deepEqual(ended.asks, []);
  await feedB.until('the session done for b', (s) => row(s, id)?.state === 'done');
  // The proxy metered the model's requests: the totals came with the pushes, the same as `list`.
  const [listed] = await a.request<Session[]>('list');
  t.true(listed!.tokens > 0);
  t.deepEqual(row(feedA.latest(), id), listed);
  t.deepEqual(row(feedB.latest(), id), listed);
  assertOrderly(t, feedA, 'a');
  assertOrderly(t, feedB, 'b');
});

test.serial('a burst of usage records in one turn is one push with the final totals', async (t) => {
  const w = worldFor(t);
  // In this process, so that the burst really is one turn of the daemon's event loop.
  const daemon = await startDaemon({ env: w.env });
  t.teardown(() => daemon.close());
  const c = await w.client();
  t.teardown(() => c.close());
  const feed = await watchFeed(c);
  const { session: id } = await c.request<{ session: string }>('start', { spec: fixture('sleeper.yaml'), cwd: w.workspace('burst') });
  // Wait for the sleeper to settle (its command printed), so nothing else changes during the burst.
  const started = new Promise<void>((resolve) =>
    c.onEvents((p: EventsPush) => {
      if (p.session === id && p.events.some((e) => (e.payload as { text?: string }).text?.includes('started'))) resolve();
    }),
  );
  await c.request('subscribe', { session: id, after_seq: 0 });
  await started;
  const settled = (await c.request<Session[]>('list'))[0]!;
  await feed.until('the settled session', (s) => JSON.stringify(row(s, id)) === JSON.stringify(settled));
  t.is(settled.tokens, 0);

  const before = feed.pushes.length;
  const store = daemon.manager.store;
  const N = 400;
  for (let i = 0; i < N; i++) {
    // What a session records for each request its proxy meters.
    store.recordUsage({ sessionId: id, model: 'm', inputTokens: 3, outputTokens: 2, costUsd: 0.25, source: 'proxy' });
    store.append(id, [{ type: 'usage', payload: { kind: 'metered', model: 'm', inputTokens: 3, outputTokens: 2, costUsd: 0.25 } }]);
  }
  const final = await feed.until('the burst totals', (s) => row(s, id)?.tokens === N * 5);
  t.is(row(final, id)!.costUsd, N * 0.25);
  // A round trip after the push: anything the daemon wrote before its reply has arrived by now.
  await c.request('status');
  const after = feed.pushes.slice(before);
  t.true(after.length >= 1 && after.length <= 2, `${after.length} pushes for ${N} usage records`);
  t.deepEqual(
    after.map((p) => row(p, id)!.tokens).filter((n) => n !== 0 && n !== N * 5),
    [],
    'no push shows part of the burst',
  );
  assertOrderly(t, feed, 'burst');
});

test.serial('unwatch stops the pushes; a client that never watched gets none', async (t) => {
  const w = worldFor(t);
  await spawnDaemon(w.env);
  const quitter = await w.client('quitter');
  const stayer = await w.client('stayer');
  const bystander = await w.client('bystander');
  t.teardown(() => [quitter, stayer, bystander].forEach((c) => c.close()));
  const bystanderPushes: SessionsPush[] = [];
  bystander.onSessions((p) => bystanderPushes.push(p));

  const quitting = await watchFeed(quitter, { limit: 5 });
  const staying = await watchFeed(stayer);
  const { session: first } = await quitter.request<{ session: string }>('start', { spec: fixture('sleeper.yaml'), cwd: w.workspace('one') });
  await quitting.until('the first session', (s) => row(s, first) !== undefined);
  t.is(await quitter.request('unwatch_sessions'), null);
  const seenByQuitter = quitting.pushes.length;

  const { session: second } = await stayer.request<{ session: string }>('start', { spec: fixture('sleeper.yaml'), cwd: w.workspace('two') });
  await stayer.request('kill', { session: second });
  await staying.until('the second session interrupted', (s) => row(s, second)?.state === 'interrupted');
  // Each flush writes to every watcher before the stayer could read its push, so by the time
  // these round trips are answered any push meant for the others has arrived too.
  await quitter.request('status');
  await bystander.request('status');
  t.is(quitting.pushes.length, seenByQuitter, 'no push after unwatch_sessions');
  t.deepEqual(bystanderPushes, []);

  // Watching again starts from a fresh snapshot, newer than anything sent before.
  const again = await quitter.request<SessionsSnapshot>('watch_sessions', { limit: 1 });
  t.deepEqual(again.sessions.map((s) => s.id), [second]);
  t.true(again.rev > quitting.latest().rev);
  await t.throwsAsync(quitter.request('watch_sessions', { limit: 0 }), { message: /limit must be a positive integer/ });
  await stayer.request('kill', { session: first });
  await staying.until('the first session interrupted', (s) => row(s, first)?.state === 'interrupted');
});
