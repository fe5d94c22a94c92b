// The dashboard end to end through a real terminal: `bridle` runs inside tmux (a private server
// on its own socket) over a private Bridle world; the test reads the screen with `capture-pane`
// and types with `send-keys`, as a person would. Two sessions (a long-lived `command` agent and
// Claude Code headless against the scripted model server, whose two tool calls each need a
// human) tile; an ask answered with `y` runs (its file appears), one answered with `n` is
// refused (its file does not); split, zoom, close, detach, and a second `bridle` finds both.
import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { connectDaemon } from '../../src/daemon/index.js';
import { bridleBin } from '../helpers/cli.js';
import { fixture, worldFor } from '../daemon/helpers.js';

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

test.serial('dashboard under tmux: two tiles, y runs, n refuses, split/zoom/close, detach and reattach', async (t) => {
  // No silent skip: without tmux this test cannot run, and that must show as a failure.
  if (!hasTmux) return t.fail('tmux is not installed (apt-get install tmux); the dashboard e2e needs a real terminal multiplexer');
  const w = worldFor(t);
  const ws = w.workspace('dash');
  const client = await connectDaemon(w.env, 'e2e');
  t.teardown(() => client.close());
  await client.request('start', { spec: fixture('sleeper.yaml'), cwd: ws });
  await client.request('start', { spec: fixture('agent.yaml'), cwd: ws, prompt: 'Please ask first.', model_server: fixture('tools.yml') });

  // CI=true on purpose: UI libraries that guess "no live terminal in CI" must not blank the
  // dashboard, which only opens on a real terminal.
  const tmux = new Tmux(path.join(w.root, 'tmux.sock'), { ...w.env, TERM: 'xterm-256color', CI: 'true' });
  t.teardown(() => tmux.kill());
  tmux.start(ws);
  const open = `${process.execPath} ${bridleBin}`;
  tmux.type(open);
  tmux.keys('Enter');

  // Two tiles with their output; the oldest session (sleeper) has the first tile and the focus.
  await tmux.until((s) => s.includes('sleeper command ·') && s.includes('tester claude-code ·') && s.includes('started'), 'two tiles');
  tmux.keys('C-b', 'l');
  await tmux.until((s) => /▸ [0-9hms]+ +tester/.test(s), 'focus on the tester pane');

  // Answer each ask as it shows on the pane: yes to asked-yes, no to asked-no.
  const answered = new Set<string>();
  await tmux.until((s) => {
    const m = /touch (asked-(?:yes|no))\.txt \(bash\)/.exec(s);
    if (m && !answered.has(m[1]!)) {
      answered.add(m[1]!);
      tmux.keys(m[1] === 'asked-yes' ? 'y' : 'n');
    }
    return s.includes('Asked and done.');
  }, 'both asks answered and the turn over');
  t.deepEqual([...answered].sort(), ['asked-no', 'asked-yes']);
  t.true(existsSync(path.join(ws, 'asked-yes.txt')), 'allowed with y: the tool ran');
  t.false(existsSync(path.join(ws, 'asked-no.txt')), 'denied with n: the tool did not run');

  // Split right: a new empty pane takes the focus; zoom it and back; close it.
  tmux.keys('C-b', '%');
  await tmux.until((s) => s.includes('no session here'), 'an empty pane');
  tmux.keys('C-b', 'z');
  await tmux.until((s) => s.includes('(empty)') && !s.includes('sleeper command ·') && !s.includes('tester claude-code ·'), 'the empty pane zoomed');
  tmux.keys('C-b', 'z');
  await tmux.until((s) => s.includes('(empty)') && s.includes('sleeper command ·') && s.includes('tester claude-code ·'), 'three panes again');
  tmux.keys('C-b', 'x');
  await tmux.until((s) => !s.includes('(empty)'), 'the empty pane closed');

  // Detach: the dashboard exits, the sessions stay.
  tmux.keys('C-b', 'd');
  await tmux.until((s) => s.includes('bridle: detached'), 'detach');
  const live = await client.request<Array<{ id: string; state: string }>>('list');
  t.is(live.filter((s) => ['working', 'waiting', 'asking'].includes(s.state)).length, 2);

  // Reattach: both sessions are back in their tiles, the tester's transcript included.
  tmux.type(open);
  tmux.keys('Enter');
  await tmux.until((s) => s.includes('sleeper command ·') && s.includes('tester claude-code ·') && s.includes('Asked and done.'), 'both sessions after reattach');
  tmux.keys('C-b', 'd');
  await tmux.until((s) => s.split('bridle: detached').length > 2, 'second detach');
});
