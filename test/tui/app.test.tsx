// The dashboard App over a fake DashboardSource: tiles, transcripts and terminals, asks answered
// from the keyboard, layout keys, PTY input and resize, detach and quit.
import test from 'ava';
import { render } from 'ink-testing-library';
import { App, type ExitReason, type KeyInput } from '../../src/tui/app.js';
import type { SessionSummary } from '../../src/tui/components/SessionList.js';
import type { DashboardSource, PendingAsk, PtyHandlers, Snapshot } from '../../src/tui/source.js';
import type { StoredEvent } from '../../src/tui/transcript.js';
import type { AskAnswer } from '../../src/tui/keymap.js';
import { osc52 } from '../../src/tui/clipboard.js';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileLayoutStore, layoutFile, parseLayout, serializeLayout, type LayoutStore, type SavedLayout } from '../../src/tui/layout/persist.js';

class FakeSource implements DashboardSource {
  watcher: ((s: Snapshot) => void) | null = null;
  events = new Map<string, StoredEvent[]>();
  resolved: Array<[string, AskAnswer]> = [];
  inputs: Array<[string, string]> = [];
  resizes: Array<[string, number, number]> = [];
  attached = new Map<string, PtyHandlers>();
  detached: string[] = [];
  sent: Array<[string, string]> = [];
  started: string[] = [];
  watch(l: (s: Snapshot) => void) {
    this.watcher = l;
    return () => (this.watcher = null);
  }
  subscribe(id: string, l: (e: StoredEvent[]) => void) {
    const ev = this.events.get(id);
    if (ev) queueMicrotask(() => l(ev));
    return () => undefined;
  }
  async resolve(id: string, answer: AskAnswer) {
    this.resolved.push([id, answer]);
  }
  async attach(id: string, _size: { cols: number; rows: number }, h: PtyHandlers) {
    this.attached.set(id, h);
    return Buffer.from('hello from the pty\r\n$ ');
  }
  input(id: string, data: string) {
    this.inputs.push([id, data]);
  }
  resize(id: string, cols: number, rows: number) {
    this.resizes.push([id, cols, rows]);
  }
  detach(id: string) {
    this.detached.push(id);
  }
  async send(id: string, text: string) {
    this.sent.push([id, text]);
  }
  specs() {
    return ['agents/a.yaml', 'agents/b.yaml'];
  }
  async start(spec: string) {
    this.started.push(spec);
    return 's_new';
  }
  onLost() {}
  close() {}
}

class FakeKeys implements KeyInput {
  listener: ((d: string) => void) | null = null;
  on(l: (d: string) => void) {
    this.listener = l;
    return () => (this.listener = null);
  }
  press(...chunks: string[]) {
    for (const c of chunks) this.listener?.(c);
  }
}

const ev = (seq: number, type: string, payload: Record<string, unknown>): StoredEvent => ({ seq, ts: seq, type, payload });
const session = (id: string, agent: string, harness: string, state: SessionSummary['state']): SessionSummary => ({ id, agent, harness, state, costUsd: 0.5, createdAt: 0, endedAt: null });

const ASK: PendingAsk = { id: 'a_1', sessionId: 's_head', prompt: 'bash: touch x.txt — needs a human', createdAt: 1, expiresAt: null };

function setup(layoutStore?: LayoutStore) {
  const source = new FakeSource();
  source.events.set('s_head', [
    ev(1, 'request', { kind: 'user_message', text: 'do the thing' }),
    ev(2, 'text', { kind: 'text_delta', turn: 1, text: 'Working on it.' }),
    ev(3, 'tool_call', { kind: 'tool_call', call_id: 'c1', tool: { name: 'bash', input: { command: 'touch x.txt' } } }),
    ev(4, 'lifecycle', { kind: 'ask', ask_id: 'a_1', prompt: ASK.prompt, phase: 'tool_call', rules: ['ask-touch'] }),
  ]);
  source.events.set('s_tty', [ev(1, 'lifecycle', { kind: 'pty', cols: 80, rows: 24 })]);
  const keys = new FakeKeys();
  const exits: ExitReason[] = [];
  const notices: string[] = [];
  const props = { source, keys, keymap: undefined, notify: (b: string) => void notices.push(b), onExit: (r: ExitReason) => void exits.push(r), clock: () => 1000, layoutStore };
  const r = render(<App {...props} size={{ cols: 120, rows: 30 }} />);
  const snapshot = (asks: PendingAsk[]) => source.watcher?.({ sessions: [session('s_tty', 'tty-agent', 'claude-code', 'working'), session('s_head', 'head-agent', 'bridle', 'asking')], asks });
  return { source, keys, exits, notices, r, props, snapshot };
}

/** Polls the rendered frame until `pred` holds; the deadline only turns a hang into a failure. */
async function until(r: ReturnType<typeof render>, pred: (frame: string) => boolean, what: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const f = r.lastFrame() ?? '';
    if (pred(f)) return f;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; frame:\n${f}`);
    await new Promise((res) => setTimeout(res, 10));
  }
}

test('two sessions tile: transcript, terminal, ask on its pane and in the status bar; y answers it', async (t) => {
  const { source, keys, r, snapshot } = setup();
  t.teardown(() => r.unmount());
  snapshot([ASK]);
  const f = await until(r, (f) => f.includes('hello from the pty') && f.includes('Working on it.') && f.includes('ASK head-agent'), 'both tiles');
  t.regex(f, /1 ask pending/);
  t.regex(f, /rule ask-touch: needs a human/);
  t.regex(f, /touch x\.txt/);
  t.deepEqual([...source.attached.keys()], ['s_tty']);
  // The oldest live session (head, with the ask) has the first tile and the focus.
  t.true(f.indexOf('head-agent bridle ·') < f.indexOf('tty-agent claude-code ·'));
  keys.press('y');
  await until(r, () => source.resolved.length > 0, 'the answer');
  t.deepEqual(source.resolved, [['a_1', 'allow_once']]);
  // Answered here: the prompt goes away before the daemon's list catches up.
  await until(r, (f) => !f.includes('ASK head-agent'), 'the prompt to close');
});

test('keys reach the focused PTY; split, zoom, resize, detach', async (t) => {
  const { source, keys, exits, r, props, snapshot } = setup();
  t.teardown(() => r.unmount());
  snapshot([]);
  await until(r, (f) => f.includes('hello from the pty') && f.includes('Working on it.'), 'both tiles');
  // The oldest live session (head) takes the first tile and the focus; the terminal is on its right.
  keys.press('\x02', 'l');
  keys.press('ls\r');
  t.deepEqual(source.inputs, [['s_tty', 'l'], ['s_tty', 's'], ['s_tty', '\r']]);
  // Split down: a third, empty pane gets focus.
  keys.press('\x02', '"');
  await until(r, (f) => f.includes('no session here'), 'an empty pane');
  // Zoom it: the other panes' titles disappear; zoom back.
  keys.press('\x02', 'z');
  await until(r, (f) => !f.includes('tty-agent claude-code ·') && !f.includes('head-agent bridle ·'), 'zoom');
  keys.press('\x02', 'z');
  await until(r, (f) => f.includes('tty-agent claude-code ·'), 'unzoom');
  // A terminal resize reaches the PTY with the pane's new content size.
  const before = source.resizes.length;
  r.rerender(<App {...props} size={{ cols: 80, rows: 20 }} />);
  await until(r, () => source.resizes.length > before, 'a PTY resize');
  const last = source.resizes.at(-1)!;
  t.is(last[0], 's_tty');
  t.true(last[1] < 80 && last[2] < 20);
  // q on the empty pane leaves; prefix d detaches.
  keys.press('q');
  keys.press('\x02', 'd');
  t.deepEqual(exits, ['quit', 'detached']);
});

test('headless input line, help overlay, new-session picker', async (t) => {
  const { source, keys, r, snapshot } = setup();
  t.teardown(() => r.unmount());
  snapshot([]);
  await until(r, (f) => f.includes('Working on it.'), 'transcript');
  keys.press('more please', '\r');
  await until(r, () => source.sent.length > 0, 'the line sent');
  t.deepEqual(source.sent, [['s_head', 'more please']]);
  keys.press('\x02', '?');
  await until(r, (f) => f.includes('Keys — prefix C-b'), 'help');
  keys.press('q');
  await until(r, (f) => !f.includes('Keys — prefix C-b'), 'help closed');
  keys.press('\x02', 'c');
  await until(r, (f) => f.includes('agents/b.yaml'), 'picker');
  keys.press('\x1b[B', '\r');
  await until(r, () => source.started.length > 0, 'start');
  t.deepEqual(source.started, ['agents/b.yaml']);
});

test('a new ask and a finished session ring the bell with OSC notifications', async (t) => {
  const { source, r, notices } = setup();
  t.teardown(() => r.unmount());
  source.watcher?.({ sessions: [session('s_head', 'head-agent', 'bridle', 'working')], asks: [] });
  source.watcher?.({ sessions: [session('s_head', 'head-agent', 'bridle', 'asking')], asks: [ASK] });
  source.watcher?.({ sessions: [session('s_head', 'head-agent', 'bridle', 'done')], asks: [] });
  t.is(notices.length, 2);
  t.true(notices[0]!.startsWith('\x07'));
  t.regex(notices[0]!, /\]9;head-agent is asking/);
  t.regex(notices[1]!, /\]777;notify;head-agent finished/);
});

test('copy mode: move, select, copy to the clipboard (OSC 52) and the paste buffer; prefix ] pastes', async (t) => {
  const { source, keys, r, notices, snapshot } = setup();
  t.teardown(() => r.unmount());
  snapshot([]);
  await until(r, (f) => f.includes('hello from the pty') && f.includes('Working on it.'), 'both tiles');
  keys.press('\x02', 'l');
  keys.press('\x02', '[');
  await until(r, (f) => f.includes('· copy') && f.includes(' COPY '), 'copy mode in the title and the status bar');
  // The copy cursor starts at the program's cursor (after `$ `): up a line, to its start, select
  // to the end of the first word, copy.
  keys.press('k', '0', 'v');
  await until(r, (f) => f.includes('copy (selecting)'), 'a selection');
  keys.press('e', 'y');
  await until(r, (f) => !f.includes('· copy'), 'copy mode left after the copy');
  t.deepEqual(notices, [osc52('hello')]);

  // Escape clears a selection first, then leaves.
  keys.press('\x02', '[', 'V');
  await until(r, (f) => f.includes('copy (selecting)'), 'a line selection');
  keys.press('\x1b');
  await until(r, (f) => f.includes('· copy') && !f.includes('selecting'), 'the selection cleared, still in copy mode');
  keys.press('\x1b');
  await until(r, (f) => !f.includes('· copy'), 'copy mode left');
  t.is(notices.length, 1, 'nothing copied by Escape');

  // prefix ] types the buffer into the pane: raw, then bracketed once the program asks for it.
  keys.press('\x02', ']');
  t.deepEqual(source.inputs.at(-1), ['s_tty', 'hello']);
  source.attached.get('s_tty')!.data(Buffer.from('\x1b[?2004h'));
  const deadline = Date.now() + 10_000;
  for (;;) {
    const before = source.inputs.length;
    keys.press('\x02', ']');
    const sent = source.inputs.slice(before).map(([, d]) => d);
    if (sent.includes('\x1b[200~hello\x1b[201~')) break;
    t.deepEqual(sent, ['hello'], 'raw until the mode is parsed');
    if (Date.now() > deadline) throw new Error('bracketed paste mode never seen');
    await new Promise((res) => setTimeout(res, 20));
  }
  t.pass();
});

function layoutDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bridle-app-layout-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The row of the first line of `frame` that contains `text`. */
const rowOf = (frame: string, text: string): number => frame.split('\n').findIndex((l) => l.includes(text));

test('a saved layout comes back on mount; a split is saved', async (t) => {
  const file = layoutFile(layoutDir(t));
  // Stacked, the terminal on top and focused, and a pane for a session that is gone; the default
  // would put head and tty side by side with head focused.
  const saved: SavedLayout = {
    root: { split: 'column', weights: [2, 1], children: [{ session: 's_tty' }, { split: 'row', weights: [1, 1], children: [{ session: 's_head' }, { session: 's_gone' }] }] },
    focus: 0,
    zoomed: false,
    closed: [],
  };
  writeFileSync(file, serializeLayout(saved), { mode: 0o600 });
  const store = fileLayoutStore(file, { debounceMs: 20 });
  const { keys, r, snapshot } = setup(store);
  t.teardown(() => r.unmount());
  snapshot([]);
  const f = await until(r, (f) => f.includes('hello from the pty') && f.includes('Working on it.'), 'both tiles');
  const tty = rowOf(f, 'tty-agent claude-code ·');
  const head = rowOf(f, 'head-agent bridle ·');
  t.true(tty >= 0 && head > tty, `the terminal's pane above the transcript's:\n${f}`);
  t.regex(f, /▸ \S+ +tty-agent/, 'the terminal has the focus');
  t.false(f.includes('(empty)'), 'the gone session left no pane behind');
  // Opening alone writes nothing: the file is as it was.
  t.is(readFileSync(file, 'utf8'), serializeLayout(saved));

  // Split right from the terminal: the new (empty) pane is saved, focused, next to it.
  keys.press('\x02', '%');
  await until(r, (f) => f.includes('(empty)'), 'the new pane');
  const deadline = Date.now() + 10_000;
  let now = parseLayout(readFileSync(file, 'utf8'));
  while ('problem' in now || JSON.stringify(now.root) === JSON.stringify(saved.root)) {
    if (Date.now() > deadline) return t.fail(`the split was never saved: ${readFileSync(file, 'utf8')}`);
    await new Promise((res) => setTimeout(res, 20));
    now = parseLayout(readFileSync(file, 'utf8'));
  }
  t.deepEqual(now, {
    root: { split: 'column', weights: [2, 1], children: [{ split: 'row', weights: [1, 1], children: [{ session: 's_tty' }, { session: null }] }, { session: 's_head' }] },
    focus: 1,
    zoomed: false,
    closed: [],
  });
});

test('a broken layout file: tiled as before, one line in the status bar, the file kept until the layout changes', async (t) => {
  const file = layoutFile(layoutDir(t));
  writeFileSync(file, '{"version": 1, "root": {"split"');
  // A debounce longer than the test: only the unmount's flush writes.
  const { keys, r, snapshot } = setup(fileLayoutStore(file, { debounceMs: 600_000 }));
  snapshot([]);
  const f = await until(r, (f) => f.includes('hello from the pty') && f.includes('Working on it.'), 'both tiles');
  t.regex(f, /layout not restored: dashboard-layout\.json: not valid JSON/);
  // The default tiling: side by side, head first.
  t.is(rowOf(f, 'tty-agent claude-code ·'), rowOf(f, 'head-agent bridle ·'));
  t.true(f.indexOf('head-agent bridle ·') < f.indexOf('tty-agent claude-code ·'));
  // A key clears the notice; moving the focus is a change, and then the file is rewritten.
  keys.press('\x02', 'l');
  await until(r, (f) => !f.includes('layout not restored') && /▸ \S+ +tty-agent/.test(f), 'the notice gone, focus on the terminal');
  t.is(readFileSync(file, 'utf8'), '{"version": 1, "root": {"split"', 'not rewritten before the unmount flush');
  r.unmount();
  t.deepEqual(parseLayout(readFileSync(file, 'utf8')), {
    root: { split: 'row', weights: [1, 1], children: [{ session: 's_head' }, { session: 's_tty' }] },
    focus: 1,
    zoomed: false,
    closed: [],
  });
});

test('a broken layout file is not overwritten when nothing changes', async (t) => {
  const dir = layoutDir(t);
  const file = layoutFile(dir);
  writeFileSync(file, '{"version": 7}');
  const { r, snapshot } = setup(fileLayoutStore(file, { debounceMs: 20 }));
  snapshot([]);
  await until(r, (f) => f.includes('Working on it.') && f.includes('layout not restored: dashboard-layout.json: format version 7'), 'the tiles and the notice');
  r.unmount();
  t.is(readFileSync(file, 'utf8'), '{"version": 7}');
  t.deepEqual(readdirSync(dir), ['dashboard-layout.json'], 'no temp file either');
});
