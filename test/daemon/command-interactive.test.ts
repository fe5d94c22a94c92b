// The `command` harness in interactive mode (any program on a PTY, in the sandbox) and the
// client's PTY flow control over the protocol: `pty_pause` holds the session's output back for
// this connection, `pty_resume` lets it through, and neither is accepted for a session the
// connection has not attached.
import test from 'ava';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AttachResult, Push } from '../../src/daemon/index.js';
import { connectDaemon, ptyBytes } from '../../src/daemon/index.js';
import { worldFor } from './helpers.js';

test('command harness on a PTY: typed input runs in the shell; pty_pause / pty_resume', async (t) => {
  const w = worldFor(t);
  const ws = w.workspace('cmd');
  const spec = path.join(w.root, 'shell.yaml');
  writeFileSync(spec, ['name: shell', 'harness: command', 'mode: interactive', "command: \"exec env PS1='ready> ' bash --norc --noprofile\"", 'sandbox: { mode: workspace-write, network: none }', ''].join('\n'));
  const client = await connectDaemon(w.env, 'test');
  t.teardown(() => client.close());
  const { session } = await client.request<{ session: string }>('start', { spec, cwd: ws, mode: 'interactive', cols: 80, rows: 24 });

  let screen = '';
  const seen: Array<{ what: string; resolve: () => void }> = [];
  client.onPush((p: Push) => {
    if (p.push !== 'pty' || p.session !== session) return;
    screen += ptyBytes(p).toString('utf8');
    for (const s of seen.splice(0)) (screen.includes(s.what) ? s.resolve() : seen.push(s));
  });
  const shows = (what: string): Promise<void> => (screen.includes(what) ? Promise.resolve() : new Promise((resolve) => seen.push({ what, resolve })));

  await t.throwsAsync(client.request('pty_pause', { session }), { message: /not attached/ });
  // The PTY may not be up yet right after `start`.
  for (let i = 0; ; i++) {
    try {
      const r = await client.request<AttachResult>('attach', { session });
      screen += Buffer.from(r.snapshot, 'base64').toString('utf8');
      break;
    } catch (err) {
      if (i > 200) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await client.request('input', { session, data: 'echo "$((6 * 7))"\r' });
  await shows('42');

  await client.request('pty_pause', { session });
  await client.request('pty_pause', { session }); // idempotent: one resume undoes it
  await client.request('input', { session, data: 'echo "$((6 * 9))"\r' });
  await client.request('pty_resume', { session });
  await shows('54');
  t.pass();
  await client.request('kill', { session });
});
