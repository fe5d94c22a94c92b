// Terminal query replies (`input` with `reply: true`): every attached screen's emulator answers a
// program's query, but only the newest attachment's answer reaches the PTY — the program must read
// one answer, not one per screen (a second would arrive as typed keys). When the newest screen
// detaches, the one attached before it answers again. Plain input is never filtered.
import test from 'ava';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AttachResult, DaemonClient } from '../../src/daemon/index.js';
import { connectDaemon } from '../../src/daemon/index.js';
import { worldFor } from './helpers.js';

async function attach(client: DaemonClient, session: string): Promise<void> {
  // The PTY may not be up yet right after `start`.
  for (let i = 0; ; i++) {
    try {
      await client.request<AttachResult>('attach', { session });
      return;
    } catch (err) {
      if (i > 200) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

test('only the newest attachment answers queries; plain input always goes through', async (t) => {
  const w = worldFor(t);
  const ws = w.workspace('replies');
  const spec = path.join(w.root, 'sink.yaml');
  // Raw mode and no echo: every byte that reaches the PTY lands in got.txt as it was sent.
  writeFileSync(spec, ['name: sink', 'harness: command', 'mode: interactive', `command: "stty raw -echo; exec cat > got.txt"`, 'sandbox: { mode: workspace-write, network: none }', ''].join('\n'));
  const a = await connectDaemon(w.env, 'screen-a');
  const b = await connectDaemon(w.env, 'screen-b');
  t.teardown(() => (a.close(), b.close()));
  const { session } = await a.request<{ session: string }>('start', { spec, cwd: ws, mode: 'interactive', cols: 80, rows: 24 });
  await attach(a, session);
  await attach(b, session);
  // Let the shell reach `cat` (stty first) before anything is typed.
  const got = path.join(ws, 'got.txt');
  for (let i = 0; !existsSync(got); i++) {
    if (i > 400) throw new Error('the sink never started');
    await new Promise((r) => setTimeout(r, 25));
  }

  t.deepEqual(await a.request('input', { session, data: 'A1', reply: true }), { taken: false }, 'an older screen is not the one that answers');
  t.deepEqual(await b.request('input', { session, data: 'B1', reply: true }), { taken: true });
  t.is(await a.request('input', { session, data: 'x' }), null, 'plain input is never filtered');
  await b.request('detach', { session });
  t.deepEqual(await a.request('input', { session, data: 'A2', reply: true }), { taken: true }, 'after the newest detaches, the earlier screen answers');

  const expected = 'B1xA2';
  let text = '';
  for (let i = 0; i < 400 && text !== expected; i++) {
    await new Promise((r) => setTimeout(r, 25));
    text = readFileSync(got, 'utf8');
  }
  t.is(text, expected);
  await a.request('kill', { session });
});
