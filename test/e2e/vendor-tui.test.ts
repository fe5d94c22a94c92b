// Real vendor TUIs through the dashboard, end to end through a real terminal: `bridle` runs
// inside tmux (a private server on its own socket) over a private Bridle world, with interactive
// sessions of the vendors' own CLIs from node_modules, offline against the scripted model server.
// The test reads the screen with `capture-pane` and types with `send-keys`, as a person would.
//
// First test: Claude Code (which draws on the alternate screen) and pi (which writes inline, into
// the scrollback) tiled side by side:
//   1. each vendor's own UI is drawn in its pane;
//   2. keys without the prefix go to the focused pane's PTY: a prompt and Enter bring the scripted
//      reply onto the pane;
//   3. Claude Code's two tool calls that the policy asks about show on its pane: `y` runs the
//      first (its file appears), `n` refuses the second (its file does not);
//   4. zooming a pane and resizing the tmux window redraws the vendor TUI at the new width (its
//      full-width rules are as wide as the pane, also when it grows, which only a resized PTY
//      can do), and the agent's terminal reports the pane's size;
//   5. after detaching (`C-b d`) and running `bridle` again, both panes show their vendor's UI
//      with the earlier replies: at the same size purely from the daemon's replay of the screen,
//      and after the window grew while detached, redrawn at the new pane widths.
// Second test: Codex (alternate screen) alone, for 1, 2, 4 and 5.
import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { connectDaemon, type AttachResult, type DaemonClient, type EventsPush } from '../../src/daemon/index.js';
import { packageRoot } from '../../src/paths.js';
import { bridleBin } from '../helpers/cli.js';
import { worldFor } from '../daemon/helpers.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const fixture = (name: string): string => path.join(packageRoot, 'test', 'fixtures', 'e2e', name);

class Tmux {
  constructor(
    private readonly socket: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  run(...args: string[]): string {
    return execFileSync('tmux', ['-S', this.socket, ...args], { env: this.env, encoding: 'utf8' });
  }

  start(cwd: string, cols: number, rows: number): void {
    // The server is new (own socket) and inherits this environment: the private world's.
    this.run('new-session', '-d', '-x', String(cols), '-y', String(rows), '-c', cwd, 'sh');
  }

  resize(cols: number, rows: number): void {
    this.run('resize-window', '-x', String(cols), '-y', String(rows));
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

  /** Types a command line into the shell and runs it. */
  command(line: string): void {
    this.type(line);
    this.keys('Enter');
  }

  /** Polls the screen until `pred` holds; the deadline only turns a hang into a failure. */
  async until(pred: (screen: string) => boolean, what: string, deadlineMs = 120_000): Promise<string> {
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

/** Lengths of the runs of `─` on the screen (the vendors draw full-width rules with it). */
function ruleRuns(screen: string): number[] {
  return [...screen.matchAll(/─+/g)].map((m) => m[0].length);
}

/** Times `needle` occurs in `text`. */
const count = (text: string, needle: string): number => text.split(needle).length - 1;

/** The pid of a session's agent process, from its `process` lifecycle event. */
async function agentPid(client: DaemonClient, session: string): Promise<number> {
  return new Promise<number>((resolve) => {
    client.onEvents((push: EventsPush) => {
      if (push.session !== session) return;
      for (const e of push.events) {
        const p = e.payload as { kind?: string; pid?: number } | null;
        if (p?.kind === 'process' && typeof p.pid === 'number') resolve(p.pid);
      }
    });
    void client.request('subscribe', { session, after_seq: 0 });
  });
}

/**
 * Whether the agent switched its terminal to the alternate screen (`CSI ? 1049 h`), read from the
 * output the daemon keeps for re-attach (a protocol attach without a size does not resize).
 */
async function usesAlternateScreen(client: DaemonClient, session: string): Promise<boolean> {
  const r = await client.request<AttachResult>('attach', { session });
  await client.request('detach', { session });
  return Buffer.from(r.snapshot, 'base64').includes('\x1b[?1049h');
}

/** The window size the kernel holds for a process's terminal (what the program reads on SIGWINCH). */
function ttySize(pid: number): { cols: number; rows: number } {
  const tty = readlinkSync(`/proc/${pid}/fd/0`);
  const [rows, cols] = execFileSync('stty', ['-F', tty, 'size'], { encoding: 'utf8' }).trim().split(/\s+/).map(Number);
  return { cols: cols!, rows: rows! };
}

test.serial('Claude Code (alternate screen) and pi (inline) in dashboard panes: drawn, typed into, asks, resize, re-attach', async (t) => {
  t.timeout(600_000);
  // No silent skip: without tmux this test cannot run, and that must show as a failure.
  if (!hasTmux) return t.fail('tmux is not installed (apt-get install tmux); the dashboard e2e needs a real terminal multiplexer');
  const w = worldFor(t);
  const ws = w.workspace('tui');
  const client = await connectDaemon(w.env, 'e2e');
  t.teardown(() => client.close());
  const script = fixture('vendor-tui.model-server.yml');
  // The older session has the first tile and the focus: Claude Code on the left, pi on the right.
  const { session: claudeId } = await client.request<{ session: string }>('start', { spec: fixture('vendor-tui-claude.yaml'), cwd: ws, mode: 'interactive', model_server: script });
  const claudePid = agentPid(client, claudeId);
  const { session: piId } = await client.request<{ session: string }>('start', { spec: fixture('vendor-tui-pi.yaml'), cwd: ws, mode: 'interactive', model_server: script });

  // CI=true on purpose: UI libraries that guess "no live terminal in CI" must not blank the
  // dashboard, which only opens on a real terminal.
  const tmux = new Tmux(path.join(w.root, 'tmux.sock'), { ...w.env, TERM: 'xterm-256color', CI: 'true' });
  t.teardown(() => tmux.kill());
  tmux.start(ws, 160, 48);
  const open = `${process.execPath} ${bridleBin}`;
  tmux.command(open);

  // 1. Each vendor's own UI in its pane: Claude Code's banner and prompt box, pi's header and
  // key hints (pi names its footer model after Bridle's provider).
  const claudeUi = (s: string): boolean => /Claude Code v\d/.test(s) && /❯/.test(s) && /\? for shortcuts/.test(s);
  const piUi = (s: string): boolean => /pi v\d/.test(s) && s.includes('escape interrupt') && s.includes('(bridle) claude-sonnet-4-5');
  const first = await tmux.until(
    (s) => s.includes('tui-claude claude-code ·') && s.includes('tui-pi pi ·') && claudeUi(s) && piUi(s),
    'both panes with their vendor TUI',
  );
  t.regex(first, /▸ [0-9hms]+ +tui-claude/, 'the Claude Code pane has the focus');
  // Side by side: the vendors' full-width rules are as wide as their panes, not as the screen.
  t.false(ruleRuns(first).some((n) => n >= 160), 'no pane rule spans the whole screen before zoom');

  // 2. Keys without the prefix go to the PTY: the prompt is echoed by the TUI, Enter submits it.
  tmux.type('hello claude');
  await tmux.until((s) => s.includes('hello claude'), 'the prompt echoed in the Claude Code pane');
  tmux.keys('Enter');
  await tmux.until((s) => s.includes('Claude pane reply.'), 'the scripted reply in the Claude Code pane');

  // 3. Two tool calls the policy asks about: each ask shows on the pane; y allows, n refuses.
  tmux.type('ask first');
  await tmux.until((s) => s.includes('ask first'), 'the second prompt echoed');
  tmux.keys('Enter');
  const answered = new Set<string>();
  await tmux.until((s) => {
    const m = /touch (asked-(?:yes|no))\.txt \(bash\)/.exec(s);
    if (m && s.includes('ASK tui-claude') && s.includes('ask-asked') && !answered.has(m[1]!)) {
      answered.add(m[1]!);
      tmux.keys(m[1] === 'asked-yes' ? 'y' : 'n');
    }
    return s.includes('Asked and done.');
  }, 'both asks answered on the Claude Code pane and the turn over');
  t.deepEqual([...answered].sort(), ['asked-no', 'asked-yes']);
  t.true(existsSync(path.join(ws, 'asked-yes.txt')), 'allowed with y: the tool ran');
  t.false(existsSync(path.join(ws, 'asked-no.txt')), 'denied with n: the tool did not run');

  // 2 for pi: focus its pane, type, Enter.
  tmux.keys('C-b', 'l');
  await tmux.until((s) => /▸ [0-9hms]+ +tui-pi/.test(s), 'focus on the pi pane');
  tmux.type('hello pi');
  await tmux.until((s) => s.includes('hello pi'), 'the prompt echoed in the pi pane');
  tmux.keys('Enter');
  await tmux.until((s) => s.includes('Pi pane reply.'), 'the scripted reply in the pi pane');

  // The two screen modes this test is about.
  t.true(await usesAlternateScreen(client, claudeId), 'Claude Code draws on the alternate screen');
  t.false(await usesAlternateScreen(client, piId), 'pi writes inline (normal screen, scrollback)');

  // 4. Resize. Zoomed, a pane's content is the whole width (it touches the right edge), so a
  // vendor's full-width rule must be exactly as wide as the tmux window. Growing is the sharp
  // test: a TUI that never learnt its PTY's new size keeps drawing its old, narrower rules.
  const pid = await claudePid;
  const zoomedAt = async (cols: number, rows: number, ui: (s: string) => boolean, reply: string, what: string): Promise<void> => {
    const s = await tmux.until((s) => ui(s) && s.includes(reply) && ruleRuns(s).includes(cols) && ruleRuns(s).every((n) => n <= cols), `${what} redrawn at ${cols}x${rows}`);
    t.true(s.split('\n').some((l) => l.startsWith('─'.repeat(cols))), `${what}: a rule spans the ${cols}-column pane`);
  };
  tmux.keys('C-b', 'h');
  await tmux.until((s) => /▸ [0-9hms]+ +tui-claude/.test(s), 'focus back on the Claude Code pane');
  tmux.keys('C-b', 'z');
  await zoomedAt(160, 48, claudeUi, 'Claude pane reply.', 'Claude Code zoomed');
  // The dashboard's rows minus the session list (2), the status bar and the pane's title bar.
  t.deepEqual(ttySize(pid), { cols: 160, rows: 48 - 2 - 1 - 1 }, "the agent's PTY has the zoomed pane's size");
  tmux.resize(200, 50);
  await zoomedAt(200, 50, claudeUi, 'Claude pane reply.', 'Claude Code after the window grew');
  t.deepEqual(ttySize(pid), { cols: 200, rows: 50 - 4 });
  tmux.resize(120, 40);
  await zoomedAt(120, 40, claudeUi, 'Claude pane reply.', 'Claude Code after the window shrank');
  t.deepEqual(ttySize(pid), { cols: 120, rows: 40 - 4 });
  // pi (inline) zoomed at the new size, and grown again: its rules follow the width too.
  tmux.keys('C-b', 'z');
  tmux.keys('C-b', 'l');
  await tmux.until((s) => /▸ [0-9hms]+ +tui-pi/.test(s), 'focus on the pi pane');
  tmux.keys('C-b', 'z');
  await zoomedAt(120, 40, piUi, 'Pi pane reply.', 'pi zoomed');
  tmux.resize(150, 44);
  await zoomedAt(150, 44, piUi, 'Pi pane reply.', 'pi after the window grew');
  tmux.keys('C-b', 'z');
  await tmux.until((s) => s.includes('tui-claude claude-code ·') && s.includes('tui-pi pi ·') && ruleRuns(s).every((n) => n < 150), 'both panes again, unzoomed');

  // 5. Detach: the dashboard exits, the sessions stay; a second `bridle` at the same size shows
  // both TUIs again with the replies from before. The panes get the size they had, so the agents
  // get no SIGWINCH and do not redraw: what shows is the daemon's replay of their output.
  tmux.keys('C-b', 'd');
  await tmux.until((s) => count(s, 'bridle: detached') === 1, 'detach');
  const live = await client.request<Array<{ id: string; state: string }>>('list');
  t.deepEqual(
    live.filter((s) => [claudeId, piId].includes(s.id) && ['working', 'waiting', 'asking'].includes(s.state)).map((s) => s.id).sort(),
    [claudeId, piId].sort(),
    'both sessions still run after the detach',
  );
  const bothBack = (s: string): boolean =>
    s.includes('tui-claude claude-code ·') && s.includes('tui-pi pi ·') && claudeUi(s) && piUi(s) && s.includes('Claude pane reply.') && s.includes('Asked and done.') && s.includes('Pi pane reply.');
  tmux.command(open);
  await tmux.until((s) => !s.includes('bridle: detached') && bothBack(s), 'both vendor TUIs with their replies after re-attach');
  const before = await tmux.until((s) => /^─+│/m.test(s), "Claude Code's rule against the separator");
  const leftWidth = /^(─+)│/m.exec(before)![1]!.length;

  // Re-attach after the window grew while detached: the panes are wider than the PTYs were, the
  // replay is drawn into them, then each agent redraws for its new size. Claude Code's rule (left
  // pane) runs up to the separator and pi's (right pane) from it to the screen's edge.
  tmux.keys('C-b', 'd');
  await tmux.until((s) => count(s, 'bridle: detached') === 2, 'second detach');
  tmux.resize(180, 50);
  tmux.command(open);
  const wide = await tmux.until((s) => {
    const left = /^(─+)│/m.exec(s);
    const right = /│(─+)$/m.exec(s);
    return !s.includes('bridle: detached') && bothBack(s) && left !== null && right !== null && left[1]!.length + 1 + right[1]!.length === 180;
  }, 'both vendor TUIs redrawn at the wider panes after re-attach');
  t.true(/^(─+)│/m.exec(wide)![1]!.length > leftWidth, 'the Claude Code pane grew and its TUI with it');
  tmux.keys('C-b', 'd');
  await tmux.until((s) => count(s, 'bridle: detached') === 3, 'third detach');
});

test.serial('Codex (alternate screen) in a dashboard pane: drawn, typed into, resize, re-attach', async (t) => {
  t.timeout(600_000);
  if (!hasTmux) return t.fail('tmux is not installed (apt-get install tmux); the dashboard e2e needs a real terminal multiplexer');
  const w = worldFor(t);
  const ws = w.workspace('codex');
  const client = await connectDaemon(w.env, 'e2e');
  t.teardown(() => client.close());
  const { session: id } = await client.request<{ session: string }>('start', { spec: fixture('vendor-tui-codex.yaml'), cwd: ws, mode: 'interactive', model_server: fixture('vendor-tui.model-server.yml') });
  const pid = agentPid(client, id);
  const tmux = new Tmux(path.join(w.root, 'tmux.sock'), { ...w.env, TERM: 'xterm-256color', CI: 'true' });
  t.teardown(() => tmux.kill());
  tmux.start(ws, 120, 40);
  const open = `${process.execPath} ${bridleBin}`;
  tmux.command(open);

  // 1. Codex's own UI: its banner, composer and footer hints.
  const codexUi = (s: string): boolean => s.includes('tui-codex codex ·') && /OpenAI Codex \(v\d/.test(s) && s.includes('› ') && s.includes('for shortcuts');
  await tmux.until(codexUi, 'the Codex TUI in its pane');

  // 2. A prompt typed into the pane, then Enter.
  tmux.type('hello codex');
  await tmux.until((s) => s.includes('hello codex'), 'the prompt echoed in the Codex pane');
  tmux.keys('Enter');
  await tmux.until((s) => s.includes('Codex pane reply.'), 'the scripted reply in the Codex pane');
  t.true(await usesAlternateScreen(client, id), 'Codex draws on the alternate screen');

  // 4. Codex right-aligns part of its footer ("… f2 to view") to its terminal's width. The only
  // pane touches the screen's right edge, so that text ends the same distance from the edge at
  // every window size once Codex has redrawn for it.
  const footerGap = (s: string, cols: number): number | null => {
    const line = s.split('\n').find((l) => l.includes('f2 to view'));
    return line === undefined ? null : cols - line.trimEnd().length;
  };
  const start = await tmux.until((s) => footerGap(s, 120) !== null, "Codex's right-aligned footer");
  const gap = footerGap(start, 120)!;
  t.true(gap >= 0 && gap <= 2, `the footer ends at the pane's right edge (gap ${gap})`);
  const drawnAt = (cols: number) => (s: string): boolean => codexUi(s) && s.includes('Codex pane reply.') && footerGap(s, cols) === gap;
  // The dashboard's rows minus the session list (1), the status bar and the pane's title bar.
  t.deepEqual(ttySize(await pid), { cols: 120, rows: 40 - 3 });
  tmux.resize(160, 46);
  await tmux.until(drawnAt(160), 'Codex redrawn after the window grew');
  t.deepEqual(ttySize(await pid), { cols: 160, rows: 46 - 3 });
  tmux.resize(100, 32);
  await tmux.until(drawnAt(100), 'Codex redrawn after the window shrank');
  t.deepEqual(ttySize(await pid), { cols: 100, rows: 32 - 3 });

  // 5. Re-attach at the same size (the replayed screen), then after the window grew while detached.
  tmux.keys('C-b', 'd');
  await tmux.until((s) => count(s, 'bridle: detached') === 1, 'detach');
  tmux.command(open);
  await tmux.until((s) => !s.includes('bridle: detached') && drawnAt(100)(s), 'Codex and its reply after re-attach');
  tmux.keys('C-b', 'd');
  await tmux.until((s) => count(s, 'bridle: detached') === 2, 'second detach');
  tmux.resize(140, 40);
  tmux.command(open);
  await tmux.until((s) => !s.includes('bridle: detached') && drawnAt(140)(s), 'Codex redrawn at the wider pane after re-attach');
  t.deepEqual(ttySize(await pid), { cols: 140, rows: 40 - 3 });
  tmux.keys('C-b', 'd');
  await tmux.until((s) => count(s, 'bridle: detached') === 3, 'third detach');
});
