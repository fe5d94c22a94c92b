import test from 'ava';
import Database from 'better-sqlite3';
import { openStore, storeFile, type EventInput } from '../../src/store/index.js';
import { closeLater, collect, tempHome } from './helpers.js';

const texts = (from: number, n: number): EventInput[] => Array.from({ length: n }, (_, i) => ({ type: 'text', payload: { n: from + i } }));

test('append returns consecutive seqs per session and reads come back in order', async (t) => {
  const store = closeLater(t, openStore({ dir: tempHome(t) }));
  const a = store.createSession({ agent: 'a', harness: 'bridle' });
  const b = store.createSession({ agent: 'b', harness: 'codex' });
  t.deepEqual(store.append(a.id, texts(0, 3)), [1, 2, 3]);
  t.deepEqual(store.append(b.id, texts(100, 2)), [1, 2]);
  t.deepEqual(store.append(a.id, [{ type: 'tool_call', payload: { tool: { name: 'bash', input: { command: 'ls' } } }, ts: 1234 }]), [4]);
  await store.flush();

  const evs = store.readEvents(a.id);
  t.deepEqual(
    evs.map((e) => [e.seq, e.type, e.payload]),
    [
      [1, 'text', { n: 0 }],
      [2, 'text', { n: 1 }],
      [3, 'text', { n: 2 }],
      [4, 'tool_call', { tool: { name: 'bash', input: { command: 'ls' } } }],
    ],
  );
  t.is(evs[3]!.ts, 1234);
  t.true(evs.every((e) => e.sessionId === a.id));
  t.deepEqual(store.readEvents(b.id).map((e) => e.payload), [{ n: 100 }, { n: 101 }]);
  t.deepEqual(store.readEvents(a.id, { afterSeq: 1, limit: 2 }).map((e) => e.seq), [2, 3]);
  t.is(store.lastSeq(a.id), 4);
  t.is(store.lastSeq(b.id), 2);
});

test('appends are queued until the batch commits; flush() is the acknowledgement', async (t) => {
  const dir = tempHome(t);
  const store = closeLater(t, openStore({ dir }));
  const s = store.createSession({ agent: 'a', harness: 'bridle' });
  const other = new Database(storeFile(dir), { readonly: true });
  t.teardown(() => other.close());
  const count = () => other.prepare('SELECT count(*) FROM events').pluck().get();

  store.append(s.id, texts(0, 5));
  t.is(store.pendingEvents, 5);
  t.is(count(), 0);
  const ack = store.flush();
  await ack;
  t.is(store.pendingEvents, 0);
  t.is(count(), 5);
});

test('the queue commits on its own within the event-loop turn, without anyone awaiting', async (t) => {
  const store = closeLater(t, openStore({ dir: tempHome(t) }));
  const s = store.createSession({ agent: 'a', harness: 'bridle' });
  store.append(s.id, texts(0, 2));
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  t.is(store.pendingEvents, 0);
  t.is(store.readEvents(s.id).length, 2);
});

test('reaching batchSize commits synchronously', (t) => {
  const store = closeLater(t, openStore({ dir: tempHome(t), batchSize: 4 }));
  const s = store.createSession({ agent: 'a', harness: 'bridle' });
  store.append(s.id, texts(0, 3));
  t.is(store.pendingEvents, 3);
  store.append(s.id, texts(3, 1));
  t.is(store.pendingEvents, 0);
  t.is(store.readEvents(s.id).length, 4);
});

test('bad input throws at the call and queues nothing', (t) => {
  const store = closeLater(t, openStore({ dir: tempHome(t) }));
  const s = store.createSession({ agent: 'a', harness: 'bridle' });
  t.throws(() => store.append('s_nope', texts(0, 1)), { message: /no session s_nope/ });
  // @ts-expect-error an unknown type, as a JS caller or the wire protocol could send
  t.throws(() => store.append(s.id, [{ type: 'text', payload: 1 }, { type: 'bogus' }]), { message: /unknown event type/ });
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  t.throws(() => store.append(s.id, [{ type: 'text', payload: cyclic }]));
  t.throws(() => store.append(s.id, [{ type: 'text', ts: 1.5 }]), { message: /integer milliseconds/ });
  t.is(store.pendingEvents, 0);
  t.deepEqual(store.append(s.id, texts(0, 1)), [1]);
});

test('payloads are captured at append time, not at commit', async (t) => {
  const store = closeLater(t, openStore({ dir: tempHome(t) }));
  const s = store.createSession({ agent: 'a', harness: 'bridle' });
  const payload = { v: 'original' };
  store.append(s.id, [{ type: 'text', payload }]);
  payload.v = 'mutated';
  await store.flush();
  t.deepEqual(store.readEvents(s.id)[0]!.payload, { v: 'original' });
});

test('seqs continue across close and reopen', async (t) => {
  const dir = tempHome(t);
  const first = openStore({ dir });
  const s = first.createSession({ agent: 'a', harness: 'bridle' });
  first.append(s.id, texts(0, 5));
  // close() commits what is still queued.
  first.close();

  const second = closeLater(t, openStore({ dir }));
  t.deepEqual(second.append(s.id, texts(5, 3)), [6, 7, 8]);
  await second.flush();
  t.deepEqual(
    second.readEvents(s.id).map((e) => [e.seq, (e.payload as { n: number }).n]),
    Array.from({ length: 8 }, (_, i) => [i + 1, i]),
  );
});

test('the log is append-only at the database level', (t) => {
  const dir = tempHome(t);
  const store = closeLater(t, openStore({ dir }));
  const s = store.createSession({ agent: 'a', harness: 'bridle' });
  store.append(s.id, texts(0, 1));
  store.flushSync();
  const raw = new Database(storeFile(dir));
  t.teardown(() => raw.close());
  t.throws(() => raw.prepare("UPDATE events SET payload = '1'").run(), { any: true, message: /append-only/ });
  t.throws(() => raw.prepare('DELETE FROM events').run(), { any: true, message: /append-only/ });
});

test('a failed commit rejects its acknowledgement and numbering resumes from what is committed', async (t) => {
  const dir = tempHome(t);
  const store = closeLater(t, openStore({ dir }));
  const s = store.createSession({ agent: 'a', harness: 'bridle' });
  store.append(s.id, texts(0, 1));
  await store.flush();
  // A second writer (which the design rules out) takes seq 2 behind the store's back.
  const intruder = new Database(storeFile(dir));
  t.teardown(() => intruder.close());
  intruder.prepare("INSERT INTO events (session_id, seq, ts, type, payload) VALUES (?, 2, 0, 'text', '\"intruder\"')").run(s.id);

  t.deepEqual(store.append(s.id, texts(1, 2)), [2, 3]);
  await t.throwsAsync(store.flush(), { any: true, message: /UNIQUE/ });
  t.deepEqual(store.append(s.id, texts(1, 1)), [3]);
  await store.flush();
  t.deepEqual(store.readEvents(s.id).map((e) => e.payload), [{ n: 0 }, 'intruder', { n: 1 }]);
});

test('tail delivers the backlog, then new commits, in order and without gaps', async (t) => {
  const store = closeLater(t, openStore({ dir: tempHome(t) }));
  const s = store.createSession({ agent: 'a', harness: 'bridle' });
  store.append(s.id, texts(0, 10));
  await store.flush();
  const done = collect(store, s.id, 0, 2510);
  // Several commits of different sizes, some bigger than one read batch.
  for (const n of [1, 999, 1500]) {
    store.append(s.id, texts(0, n));
    await store.flush();
  }
  const batches = await done;
  const seqs = batches.flat().map((e) => e.seq);
  t.deepEqual(seqs, Array.from({ length: 2510 }, (_, i) => i + 1));
  t.true(batches.every((b) => b.length > 0 && b.length <= 1000));
});

test('tail starts after the given seq', async (t) => {
  const store = closeLater(t, openStore({ dir: tempHome(t) }));
  const s = store.createSession({ agent: 'a', harness: 'bridle' });
  store.append(s.id, texts(0, 5));
  await store.flush();
  const done = collect(store, s.id, 3, 4);
  store.append(s.id, texts(5, 2));
  const got = (await done).flat();
  t.deepEqual(
    got.map((e) => e.seq),
    [4, 5, 6, 7],
  );
});

test('a tail on another connection (read-only store) sees commits through data_version polling', async (t) => {
  const dir = tempHome(t);
  const writer = closeLater(t, openStore({ dir }));
  const s = writer.createSession({ agent: 'a', harness: 'bridle' });
  const reader = closeLater(t, openStore({ dir, readOnly: true, pollMs: 2 }));
  t.throws(() => reader.append(s.id, texts(0, 1)), { message: /read-only/ });
  const done = collect(reader, s.id, 0, 300);
  for (let i = 0; i < 30; i++) {
    writer.append(s.id, texts(i * 10, 10));
    await writer.flush();
    // Let the reader's poll run between some commits, so delivery spans several wake-ups.
    if (i % 10 === 0) await new Promise((r) => setTimeout(r, 5));
  }
  const got = (await done).flat();
  t.deepEqual(
    got.map((e) => (e.payload as { n: number }).n),
    Array.from({ length: 300 }, (_, i) => i),
  );
});

test('a tail callback may append without re-entering itself', async (t) => {
  const store = closeLater(t, openStore({ dir: tempHome(t), batchSize: 1 }));
  const s = store.createSession({ agent: 'a', harness: 'bridle' });
  const seen: number[] = [];
  await new Promise<void>((resolve) => {
    let depth = 0;
    const tail = store.tail(s.id, 0, (events) => {
      depth++;
      t.is(depth, 1);
      for (const e of events) {
        seen.push(e.seq);
        // Each event begets the next until 20; with batchSize 1 that commits inside the callback.
        if (e.seq < 20) store.append(s.id, texts(e.seq, 1));
      }
      depth--;
      if (seen.length === 20) {
        tail.stop();
        resolve();
      }
    });
    store.append(s.id, texts(0, 1));
  });
  t.deepEqual(seen, Array.from({ length: 20 }, (_, i) => i + 1));
});

test('a throwing tail callback stops that tail and reports the error', async (t) => {
  const store = closeLater(t, openStore({ dir: tempHome(t) }));
  const s = store.createSession({ agent: 'a', harness: 'bridle' });
  store.append(s.id, texts(0, 1));
  const err = await new Promise<unknown>((resolve) => {
    store.tail(
      s.id,
      0,
      () => {
        throw new Error('consumer broke');
      },
      { onError: resolve },
    );
  });
  t.is((err as Error).message, 'consumer broke');
});

test('close commits the queue; a closed store refuses calls', (t) => {
  const dir = tempHome(t);
  const store = openStore({ dir });
  const s = store.createSession({ agent: 'a', harness: 'bridle' });
  store.append(s.id, texts(0, 3));
  store.close();
  store.close();
  t.throws(() => store.append(s.id, texts(0, 1)), { message: /closed/ });
  const again = closeLater(t, openStore({ dir }));
  t.is(again.lastSeq(s.id), 3);
});
