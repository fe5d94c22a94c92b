// The PTY output ring: whatever the sizes of the appends, it keeps exactly the newest `limit`
// bytes (checked against a plain concatenation), grows only as needed, and replays from a line
// start once the beginning was cut off.
import test from 'ava';
import fc from 'fast-check';
import { PtyBuffer } from '../../src/session/pty-buffer.js';

/** What the ring must hold: the newest `limit` bytes, cut to a line start as `snapshot` documents. */
function expected(all: Buffer, limit: number): Buffer {
  const kept = all.subarray(Math.max(0, all.length - limit));
  if (kept.length === all.length) return kept;
  const lf = kept.indexOf(0x0a);
  if (lf >= 0 && lf < kept.length - 1) return kept.subarray(lf + 1);
  const esc = kept.indexOf(0x1b);
  return esc >= 0 ? kept.subarray(esc) : kept;
}

test('keeps the newest bytes for any sequence of appends', (t) => {
  t.notThrows(() =>
    fc.assert(
    fc.property(fc.integer({ min: 1, max: 300 }), fc.array(fc.uint8Array({ maxLength: 700 }), { maxLength: 40 }), (limit, chunks) => {
      const b = new PtyBuffer(limit);
      let all = Buffer.alloc(0);
      for (const c of chunks) {
        b.append(Buffer.from(c));
        all = Buffer.concat([all, c]);
        if (!b.snapshot().equals(expected(all, limit))) return false;
        if (b.written !== all.length) return false;
      }
      return true;
    }),
      { numRuns: 300 },
    ),
  );
});

test('a long stream wraps the ring many times and still replays the newest lines', (t) => {
  const b = new PtyBuffer(1000);
  let last = '';
  for (let i = 0; i < 5000; i++) {
    last = `line ${i}\n`;
    b.append(Buffer.from(last));
  }
  const snap = b.snapshot().toString();
  t.true(snap.length <= 1000 && snap.length > 900, `${snap.length} bytes kept`);
  t.true(snap.endsWith('line 4999\n'));
  t.regex(snap, /^line \d+\n/, 'starts at a line start');
});
