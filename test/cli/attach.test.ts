// `bridle sessions attach` in a real terminal (a PTY) against a real daemon, with the user's
// keys.yaml choosing `prefix: C-a`, as the dashboard reads it: C-a d detaches (the session keeps
// running), C-a C-a sends one C-a, and C-b — the default prefix — is just a key for the agent.
// The agent is a shell loop in the sandbox that prints the bytes of each line it reads, so the
// test sees exactly what reached the session's PTY.
import test from 'ava';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pty from 'node-pty';
import { spawnDaemon } from '../../src/daemon/index.js';
import { bridleBin } from '../helpers/cli.js';
import { Screen } from '../helpers/screen.js';
import { worldFor, type World } from '../daemon/helpers.js';

const HEX_LOOP = [
  'echo ready',
  'while IFS= read -r line; do',
  '  printf "got:%s\\n" "$(printf %s "$line" | od -An -tx1 | tr -d " \\n")"',
  'done',
  '',
].join('\n');

function keysYaml(world: World, text: string): void {
  const dir = path.join(world.env.XDG_CONFIG_HOME!, 'bridle');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'keys.yaml'), text);
}

/** `bridle ARGS` in a PTY of its own; its screen, and its exit code once it exits. */
function inTerminal(t: { teardown(fn: () => void): void }, world: World, args: string[], cwd: string) {
  const screen = new Screen(100, 30);
  const term = pty.spawn(process.execPath, [bridleBin, ...args], { name: 'xterm-256color', cols: 100, rows: 30, cwd, env: world.env as Record<string, string>, encoding: null });
  const exited = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
  term.onData((d: string | Buffer) => screen.write(typeof d === 'string' ? d : Buffer.from(d)));
  t.teardown(() => {
    try {
      term.kill();
    } catch {
      // gone
    }
  });
  return { term, screen, exited };
}

test('sessions attach uses the prefix of keys.yaml: C-a d detaches, C-a C-a sends C-a, C-b goes to the agent', async (t) => {
  const world = worldFor(t);
  keysYaml(world, 'prefix: C-a\n');
  const ws = world.workspace('attach');
  writeFileSync(path.join(ws, 'hex.sh'), HEX_LOOP);
  const spec = path.join(world.root, 'hex.yaml');
  writeFileSync(spec, ['name: hex', 'harness: command', 'mode: interactive', 'command: "sh hex.sh"', 'sandbox: { mode: workspace-write, network: none }', ''].join('\n'));

  await spawnDaemon(world.env);
  const client = await world.client();
  t.teardown(() => client.close());
  const { session } = await client.request<{ session: string }>('start', { spec, cwd: ws, mode: 'interactive', cols: 100, rows: 30 });
  // The terminal is up once the session is working.
  for (;;) {
    const shown = await client.request<{ session: { state: string } }>('show', { session });
    if (shown.session.state === 'working') break;
    if (['failed', 'done', 'interrupted'].includes(shown.session.state)) return t.fail(`session ${shown.session.state}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  const { term, screen, exited } = inTerminal(t, world, ['sessions', 'attach', session], ws);
  await screen.includes('ready');
  // Each line the agent read, as hex, in order.
  const lines = (): string[] => [...screen.text().matchAll(/got:([0-9a-f]*)/g)].map((m) => m[1]!);
  const typed = async (keys: string): Promise<string> => {
    const n = lines().length;
    term.write(keys);
    await screen.waitFor(() => lines().length > n, `the agent's answer to ${JSON.stringify(keys)}`);
    return lines()[n]!;
  };
  // C-b is not the prefix here: it reaches the agent, and so does the key after it.
  t.is(await typed('\x02x\r'), '0278');
  // The prefix twice sends one prefix.
  t.is(await typed('\x01\x01y\r'), '0179');
  // The prefix and a key that is no command: both go through as typed.
  t.is(await typed('\x01z\r'), '017a');
  // Typed before the detach in the same write: still delivered; the detach keys themselves are not.
  term.write('w\x01d');
  t.is(await exited, 0);
  await screen.includes(`detached from ${session}; it keeps running`);

  const shown = await client.request<{ live: boolean; session: { state: string } }>('show', { session });
  t.true(shown.live, 'detaching leaves the session running');
  // What the agent got from the detaching write: finish its line and read the agent's answer.
  await client.request('input', { session, data: '\r' });
  const output = async (): Promise<string> => {
    const r = await client.request<{ snapshot: string }>('attach', { session });
    await client.request('detach', { session });
    return Buffer.from(r.snapshot, 'base64').toString('utf8');
  };
  let line: string | undefined;
  while (line === undefined) {
    const m = /got:(77[0-9a-f]*)\r?\n/.exec(await output());
    if (m) line = m[1];
    else await new Promise((resolve) => setTimeout(resolve, 50));
  }
  t.is(line, '77', 'only the `w`: neither the prefix nor the `d` reached the agent');
  await client.request('kill', { session });
});

test('a broken keys.yaml is reported as file:line:col before attaching, exit 1', async (t) => {
  const world = worldFor(t);
  keysYaml(world, 'prefix: Ctrl-Shift-Banana\n');
  const { screen, exited } = inTerminal(t, world, ['sessions', 'attach', 's_nothing'], world.root);
  t.is(await exited, 1);
  await screen.includes('keys.yaml:1:9: `Ctrl-Shift-Banana` is not a key');
});
