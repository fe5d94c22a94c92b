// Shared bits for the store tests: a private temp directory per test (never the real state dir)
// and a promise-based wait for tails, bounded by ava's own timeout rather than a clock.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import type { StoredEvent, Store } from '../../src/store/index.js';

/** A fresh directory that is removed when the test ends; the store goes in `<tmp>/home`. */
export function tempHome(t: ExecutionContext): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bridle-store-test-'));
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  return path.join(root, 'home');
}

/** Close the store when the test ends (idempotent, so tests may close earlier themselves). */
export function closeLater<S extends Store>(t: ExecutionContext, store: S): S {
  t.teardown(() => store.close());
  return store;
}

/** Tail a session until `count` events arrived; resolves with everything delivered, batch by batch. */
export function collect(store: Store, sessionId: string, afterSeq: number, count: number): Promise<StoredEvent[][]> {
  return new Promise((resolve, reject) => {
    const batches: StoredEvent[][] = [];
    let seen = 0;
    const tail = store.tail(
      sessionId,
      afterSeq,
      (events) => {
        batches.push(events);
        seen += events.length;
        if (seen >= count) {
          tail.stop();
          resolve(batches);
        }
      },
      { onError: reject },
    );
  });
}
