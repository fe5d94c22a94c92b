// The pane layout survives a detach, end to end through a real terminal: `bridle` runs inside tmux
// (a private server on its own socket) over a private Bridle world with two headless sessions.
// The person swaps them, splits one, moves the focus and zooms; after `prefix d` and a second
// `bridle`, the screen (read with `capture-pane`) shows the same arrangement: zoomed on the same
// pane, and unzoomed the same panes in the same places.
import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { connectDaemon } from '../../src/daemon/index.js';
import { bridleBin } from '../helpers/cli.js';
import { worldFor } from '../daemon/helpers.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;

class Tmux {
  constructor(
    private readonly socket: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  private run(...args: string[]): string {
    return execFileSync('tmux', ['-S', this.socket, ...args], { env: this.env, encoding: 'utf8' });
  }

  start(cwd: string): void {
    // The server is new (own socket) and inherits this environment: the private world's.
    this.run('new-session', '-d', '-x', '160', '-y', '48', '-c', cwd, 'sh');
  }

  keys(...keys: string[]): void {
    this.run('send-keys', ...keys);
  }

  type(text: string): void {
    this.run('send-keys', '-l', text);
  }

  screen(): string {
    return this.run('capture-pane', '-p');
  }

  /** Polls the screen until `pred` holds; the deadline only turns a hang into a failure. */
  async until(pred: (screen: string) => boolean, what: string, deadlineMs = 90_000): Promise<string> {
    const deadline = Date.now() + deadlineMs;
    for (;;) {
      const s = this.screen();
      if (pred(s)) return s;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${s}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  kill(): void {
    try {
      this.run('kill-server');
    } catch {
      // already gone
    }
  }
}

/** Where each pane's title bar is on the screen: [row, column], or null when not shown. */
function titles(screen: string): Record<'alpha' | 'beta' | 'empty', [number, number] | null> {
  const lines = screen.split('\n');
  const find = (text: string): [number, number] | null => {
    const row = lines.findIndex((l) => l.includes(text));
    return row < 0 ? null : [row, lines[row]!.indexOf(text)];
  };
  return { alpha: find(' alpha command ·'), beta: find(' beta command ·'), empty: find(' (empty)') };
}

const ALPHA = /▸ [0-9hms]+ +alpha/;

test.serial('layout under tmux: swapped, split, zoomed; detach and `bridle` again bring it back', async (t) => {
  t.timeout(300_000);
  // No silent skip: without tmux this test cannot run, and that must show as a failure.
  if (!hasTmux) return t.fail('tmux is not installed (apt-get install tmux); the layout e2e needs a real terminal multiplexer');
  const w = worldFor(t);
  const ws = w.workspace('layout');
  const client = await connectDaemon(w.env, 'e2e');
  t.teardown(() => client.close());
  for (const name of ['alpha', 'beta']) {
    const spec = path.join(w.root, `${name}.yaml`);
    writeFileSync(spec, [`name: ${name}`, 'harness: command', 'mode: headless', `command: "echo ${name}-started; exec sleep 3600"`, 'sandbox: { mode: workspace-write, network: none }', ''].join('\n'));
    // One after the other: alpha is the older, so the default tiling puts it first.
    await client.request('start', { spec, cwd: ws });
  }

  const tmux = new Tmux(path.join(w.root, 'tmux.sock'), { ...w.env, TERM: 'xterm-256color', CI: 'true' });
  t.teardown(() => tmux.kill());
  tmux.start(ws);
  const open = `${process.execPath} ${bridleBin}`;
  tmux.type(open);
  tmux.keys('Enter');

  // The default: side by side, alpha on the left and focused.
  const first = await tmux.until((s) => s.includes('alpha-started') && s.includes('beta-started') && ALPHA.test(s), 'two tiles');
  const def = titles(first);
  t.true(def.alpha !== null && def.beta !== null && def.alpha[0] === def.beta[0] && def.alpha[1] < def.beta[1], `default tiling:\n${first}`);

  // Swap (beta left, alpha right, focus stays on alpha), split alpha down (an empty pane below
  // it), focus back up to alpha.
  tmux.keys('C-b', '}');
  await tmux.until((s) => {
    const p = titles(s);
    return p.alpha !== null && p.beta !== null && p.beta[1] < p.alpha[1];
  }, 'beta on the left');
  tmux.keys('C-b', '"');
  await tmux.until((s) => s.includes('(empty)'), 'an empty pane');
  tmux.keys('C-b', 'k');
  const built = await tmux.until((s) => ALPHA.test(s) && s.includes('(empty)'), 'focus on alpha');
  const arranged = titles(built);
  t.true(arranged.alpha !== null && arranged.beta !== null && arranged.empty !== null, built);
  t.is(arranged.beta![0], arranged.alpha![0], 'beta and alpha side by side');
  t.true(arranged.beta![1] < arranged.alpha![1], 'beta on the left');
  t.true(arranged.empty![0] > arranged.alpha![0] && arranged.empty![1] === arranged.alpha![1], 'the empty pane under alpha');

  // Zoom alpha, then detach.
  tmux.keys('C-b', 'z');
  await tmux.until((s) => s.includes(' alpha command ·') && !s.includes(' beta command ·') && !s.includes('(empty)'), 'alpha zoomed');
  tmux.keys('C-b', 'd');
  await tmux.until((s) => s.includes('bridle: detached'), 'detach');
  const file = path.join(w.env.BRIDLE_HOME!, 'dashboard-layout.json');
  t.is(statSync(file).mode & 0o777, 0o600, 'the layout file is private');

  // Again: alpha zoomed and focused, as it was left.
  tmux.type(open);
  tmux.keys('Enter');
  const back = await tmux.until((s) => s.includes(' alpha command ·') && s.includes('alpha-started') && ALPHA.test(s), 'the dashboard again');
  t.false(back.includes(' beta command ·') || back.includes('(empty)'), `still zoomed on alpha:\n${back}`);
  // Unzoomed: every pane where it was.
  tmux.keys('C-b', 'z');
  const unzoomed = await tmux.until((s) => s.includes(' beta command ·') && s.includes('(empty)') && s.includes('beta-started'), 'unzoomed');
  t.deepEqual(titles(unzoomed), arranged, `the same arrangement:\n${unzoomed}`);
  t.regex(unzoomed, ALPHA, 'the focus still on alpha');
  tmux.keys('C-b', 'd');
  await tmux.until((s) => s.split('bridle: detached').length > 2, 'second detach');
});
