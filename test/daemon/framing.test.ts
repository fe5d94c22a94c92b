// The client's reader of the daemon's stream: JSON lines and binary PTY frames mixed, cut at
// every possible place by the socket.
import test from 'ava';
import { frameReader, ptyFrameHeader } from '../../src/daemon/protocol.js';

function stream(): Buffer {
  const data = Buffer.from('\x1b[31mred\x1b[0m \u00e9\n'.repeat(50), 'utf8');
  return Buffer.concat([
    Buffer.from('{"id":1,"ok":true,"result":"caf\u00e9"}\n', 'utf8'),
    ptyFrameHeader('s_abc', data.length),
    data,
    Buffer.from('{"push":"pty_closed","session":"s_abc"}\n'),
    ptyFrameHeader('s_abc', 0),
    Buffer.from('\n{"id":2,"ok":true,"result":null}\n'),
  ]);
}

function read(chunks: Buffer[]): unknown[] {
  const out: unknown[] = [];
  const feed = frameReader(
    (v) => out.push(v),
    (session, data) => out.push({ session, text: data.toString('utf8') }),
    (message) => out.push({ error: message }),
  );
  for (const c of chunks) feed(c);
  return out;
}

test('JSON lines and binary frames come out in order whatever the chunking', (t) => {
  const all = stream();
  const expected = read([all]);
  t.is(expected.length, 5);
  t.deepEqual(expected[0], { id: 1, ok: true, result: 'caf\u00e9' });
  t.deepEqual(expected[1], { session: 's_abc', text: '\x1b[31mred\x1b[0m \u00e9\n'.repeat(50) });
  t.deepEqual(expected[3], { session: 's_abc', text: '' });
  for (let cut = 1; cut < all.length; cut++) t.deepEqual(read([all.subarray(0, cut), all.subarray(cut)]), expected, `cut at ${cut}`);
  t.deepEqual(read([...all].map((b) => Buffer.from([b]))), expected, 'one byte at a time');
});
