// Pieces of interactive mode that need no vendor CLI: the bounded output buffer, and the pi
// HTTP gate extension failing closed.
import test from 'ava';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PtyBuffer } from '../../src/session/pty-buffer.js';
import bridleHttpGate from '../../src/harness/pi/extension/gate-http.js';

test('the output buffer keeps the newest bytes, bounded, and replays from a line start once cut', (t) => {
  const b = new PtyBuffer(16);
  b.append(Buffer.from('hello\n'));
  t.is(b.snapshot().toString(), 'hello\n');
  b.append(Buffer.from('\x1b[1mline two\nthree'));
  t.is(b.written, 6 + 18);
  const snap = b.snapshot().toString();
  t.true(snap.length <= 16);
  t.is(snap, 'three');
});

type Handler = (event: { toolName: string; toolCallId: string; input: Record<string, unknown> }, ctx: { cwd?: string }) => Promise<{ block: true; reason: string } | undefined>;

function gateWith(url: string | undefined): Handler {
  if (url === undefined) delete process.env.BRIDLE_HOOK_URL;
  else process.env.BRIDLE_HOOK_URL = url;
  process.env.BRIDLE_HOOK_TIMEOUT_S = '5';
  let handler: Handler | undefined;
  bridleHttpGate({ on: (_e, h) => (handler = h) });
  return handler!;
}

const call = { toolName: 'bash', toolCallId: 'c1', input: { command: 'ls' } };

test.serial('pi HTTP gate: allow only on an explicit allow; every failure blocks', async (t) => {
  const answers: Array<[number, string]> = [[200, '{"allow":true}'], [200, '{"allow":false,"reason":"nope"}'], [500, '{}'], [200, 'not json'], [200, '{"allow":"yes"}']];
  const server = http.createServer((req, res) => {
    req.resume();
    const [status, body] = answers.shift()!;
    res.writeHead(status).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook/x`;
  const gate = gateWith(url);
  t.is(await gate(call, {}), undefined);
  t.deepEqual(await gate(call, {}), { block: true, reason: 'nope' });
  t.like(await gate(call, {}), { block: true });
  t.like(await gate(call, {}), { block: true });
  t.like(await gate(call, {}), { block: true });
  // Nothing listening, and no URL at all.
  server.close();
  t.like(await gate(call, {}), { block: true });
  t.like(await gateWith(undefined)(call, {}), { block: true });
});
