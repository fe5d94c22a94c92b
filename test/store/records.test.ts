// Sessions, decisions, ASKs and usage.
import test from 'ava';
import Database from 'better-sqlite3';
import { openStore, storeFile } from '../../src/store/index.js';
import { closeLater, tempHome } from './helpers.js';

test('sessions: create with defaults, get, update, list newest first and by parent', (t) => {
  const store = closeLater(t, openStore({ dir: tempHome(t) }));
  const parent = store.createSession({ agent: 'polly', harness: 'bridle', specPath: '/specs/polly.yaml', workspace: '/w', createdAt: 1000 });
  t.regex(parent.id, /^s_[a-z2-7]{16}$/);
  t.like(parent, { agent: 'polly', harness: 'bridle', specPath: '/specs/polly.yaml', workspace: '/w', state: 'starting', parentId: null, createdAt: 1000, endedAt: null, exitCode: null, costUsd: 0, tokens: 0 });
  const child = store.createSession({ agent: 'coder-a', harness: 'claude-code', parentId: parent.id, state: 'working', createdAt: 2000 });
  t.deepEqual(store.getSession(child.id), child);
  t.is(store.getSession('s_missing'), undefined);

  const working = store.updateSession(parent.id, { state: 'working' });
  t.is(working.state, 'working');
  t.is(working.endedAt, null);
  t.is(working.workspace, '/w');

  const done = store.updateSession(child.id, { state: 'done', exitCode: 0 });
  t.is(done.state, 'done');
  t.is(done.exitCode, 0);
  t.true(typeof done.endedAt === 'number' && done.endedAt >= done.createdAt);
  t.is(store.updateSession(parent.id, { state: 'failed', endedAt: 5000 }).endedAt, 5000);

  t.deepEqual(
    store.listSessions().map((s) => s.id),
    [child.id, parent.id],
  );
  t.deepEqual(
    store.listSessions({ parentId: parent.id }).map((s) => s.id),
    [child.id],
  );
  t.deepEqual(
    store.listSessions({ state: ['failed', 'interrupted'] }).map((s) => s.id),
    [parent.id],
  );
  t.deepEqual(
    store.listSessions({ agent: 'coder-a', limit: 1 }).map((s) => s.id),
    [child.id],
  );
  // @ts-expect-error a state outside the enum
  t.throws(() => store.updateSession(parent.id, { state: 'sleeping' }), { message: /unknown session state/ });
  t.throws(() => store.updateSession('s_missing', { state: 'done' }), { message: /no session/ });
  t.throws(() => store.createSession({ agent: 'x', harness: 'bridle', parentId: 's_missing' }), { any: true, message: /FOREIGN KEY/ });
});

test('decisions are recorded against an event seq or action id and listed in order', (t) => {
  const store = closeLater(t, openStore({ dir: tempHome(t) }));
  const s = store.createSession({ agent: 'a', harness: 'bridle' });
  const [seq] = store.append(s.id, [{ type: 'tool_call', payload: { tool: { name: 'bash', input: { command: 'git push' } } } }]);
  const d1 = store.recordDecision({ sessionId: s.id, eventSeq: seq!, verdict: 'ask', rules: [{ id: 'push-after-install', verdict: 'ask' }], message: 'push after install', ts: 10 });
  const d2 = store.recordDecision({ sessionId: s.id, actionId: 'act-7', verdict: 'deny' });
  t.like(d1, { sessionId: s.id, eventSeq: 1, actionId: null, verdict: 'ask', message: 'push after install', ts: 10 });
  t.deepEqual(d1.rules, [{ id: 'push-after-install', verdict: 'ask' }]);
  t.deepEqual(d2.rules, []);
  t.deepEqual(store.getDecision(d1.id), d1);
  t.deepEqual(
    store.listDecisions(s.id).map((d) => d.id),
    [d1.id, d2.id],
  );
  t.deepEqual(
    store.listDecisions(s.id, { afterId: d1.id }).map((d) => d.id),
    [d2.id],
  );
  // @ts-expect-error a verdict outside the enum
  t.throws(() => store.recordDecision({ sessionId: s.id, verdict: 'maybe' }), { message: /unknown verdict/ });
});

test('a decision never becomes visible before the events appended ahead of it', (t) => {
  const dir = tempHome(t);
  const store = closeLater(t, openStore({ dir }));
  const s = store.createSession({ agent: 'a', harness: 'bridle' });
  const [seq] = store.append(s.id, [{ type: 'tool_call', payload: {} }]);
  t.is(store.pendingEvents, 1);
  store.recordDecision({ sessionId: s.id, eventSeq: seq!, verdict: 'allow' });
  const raw = new Database(storeFile(dir), { readonly: true });
  t.teardown(() => raw.close());
  t.is(raw.prepare('SELECT count(*) FROM events').pluck().get(), 1);
  t.is(store.pendingEvents, 0);
});

test('ASK lifecycle: pending, answered once (first answer wins), listed by state', (t) => {
  const store = closeLater(t, openStore({ dir: tempHome(t) }));
  const s = store.createSession({ agent: 'a', harness: 'bridle' });
  const d = store.recordDecision({ sessionId: s.id, verdict: 'ask' });
  const ask = store.createAsk({ sessionId: s.id, decisionId: d.id, prompt: 'Allow `git push origin main`?', expiresAt: 99_000, createdAt: 1000 });
  t.regex(ask.id, /^a_[a-z2-7]{16}$/);
  t.like(ask, { sessionId: s.id, decisionId: d.id, state: 'pending', scope: 'once', answeredBy: null, answeredAt: null, createdAt: 1000, expiresAt: 99_000 });
  const other = store.createAsk({ sessionId: s.id, prompt: 'Allow fetch?', createdAt: 2000 });
  t.deepEqual(
    store.listAsks({ state: 'pending' }).map((a) => a.id),
    [ask.id, other.id],
  );

  const answered = store.answerAsk(ask.id, { state: 'allowed', by: 'dashboard', scope: 'session', ts: 1500 });
  t.like(answered, { id: ask.id, state: 'allowed', scope: 'session', answeredBy: 'dashboard', answeredAt: 1500 });
  // The phone answers the same ASK a moment later: it loses, nothing changes.
  t.is(store.answerAsk(ask.id, { state: 'denied', by: 'phone' }), null);
  t.deepEqual(store.getAsk(ask.id), answered);

  t.like(store.answerAsk(other.id, { state: 'expired' }), { state: 'expired', scope: 'once', answeredBy: null });
  t.deepEqual(store.listAsks({ state: 'pending' }), []);
  t.deepEqual(
    store.listAsks({ sessionId: s.id }).map((a) => a.state),
    ['allowed', 'expired'],
  );
  t.throws(() => store.answerAsk('a_missing', { state: 'denied' }), { message: /no ask/ });
  // @ts-expect-error pending is not an answer
  t.throws(() => store.answerAsk(ask.id, { state: 'pending' }), { message: /pending/ });
});

test('usage rows add up into the session totals', (t) => {
  const store = closeLater(t, openStore({ dir: tempHome(t) }));
  const s = store.createSession({ agent: 'a', harness: 'bridle' });
  const u1 = store.recordUsage({ sessionId: s.id, model: 'claude-sonnet-4-5', inputTokens: 100, outputTokens: 20, cacheReadTokens: 1000, cacheWriteTokens: 5, costUsd: 0.25, source: 'proxy', ts: 7 });
  t.like(u1, { sessionId: s.id, model: 'claude-sonnet-4-5', inputTokens: 100, outputTokens: 20, cacheReadTokens: 1000, cacheWriteTokens: 5, costUsd: 0.25, source: 'proxy', ts: 7 });
  store.recordUsage({ sessionId: s.id, outputTokens: 3, costUsd: 0.5, source: 'harness' });
  t.like(store.getSession(s.id), { costUsd: 0.75, tokens: 1128 });
  t.deepEqual(
    store.listUsage(s.id).map((u) => u.source),
    ['proxy', 'harness'],
  );
  t.throws(() => store.recordUsage({ sessionId: s.id, inputTokens: -1, source: 'proxy' }), { message: /non-negative/ });
  // The rejected row changed nothing, totals included.
  t.like(store.getSession(s.id), { costUsd: 0.75, tokens: 1128 });
  t.is(store.listUsage(s.id).length, 2);
});

test('list-change listeners hear every write a session list shows, and no reads', (t) => {
  const store = closeLater(t, openStore({ dir: tempHome(t) }));
  const heard: string[] = [];
  let last = '';
  const off = store.onListChange(() => heard.push(last));
  last = 'create';
  const s = store.createSession({ agent: 'polly', harness: 'bridle', createdAt: 1000 });
  last = 'update';
  store.updateSession(s.id, { state: 'working' });
  last = 'ask';
  const ask = store.createAsk({ sessionId: s.id, prompt: 'Allow fetch?', createdAt: 2000 });
  last = 'answer';
  store.answerAsk(ask.id, { state: 'allowed', by: 'dashboard' });
  last = 'usage';
  store.recordUsage({ sessionId: s.id, model: 'm', inputTokens: 1, outputTokens: 1, costUsd: 0.01, source: 'proxy', ts: 3 });
  last = 'reads';
  store.getSession(s.id);
  store.listSessions();
  store.listAsks({ state: 'pending' });
  t.deepEqual(heard, ['create', 'update', 'ask', 'answer', 'usage']);
  off();
  store.updateSession(s.id, { state: 'done' });
  t.is(heard.length, 5, 'an unsubscribed listener hears nothing');
});
