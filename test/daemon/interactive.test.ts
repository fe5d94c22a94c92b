// Interactive mode end to end through the daemon: the vendor's own TUI on a PTY inside the real
// sandbox, driven by keystrokes over the protocol (`attach`, `input`, `resize`, `detach`) and read
// through a headless terminal, with the scripted model server making one tool call the policy
// allows (its file appears) and one it denies (its file does not; the deny is recorded).
import test from 'ava';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AttachResult, DaemonClient, EventsPush, Push } from '../../src/daemon/index.js';
import { ptyBytes } from '../../src/daemon/index.js';
import type { Decision, StoredEvent } from '../../src/store/index.js';
import type { HarnessName } from '../../src/spec/types.js';
import pty from 'node-pty';
import { bridleBin, runCli } from '../helpers/cli.js';
import { alive } from '../helpers/process.js';
import { Screen } from '../helpers/screen.js';
import { ctxOk, fixture, worldFor, type World } from './helpers.js';

interface Vendor {
  harness: HarnessName;
  /** The scripted model's two tool calls, in the vendor's tool vocabulary. */
  calls: Array<{ name: string; input: Record<string, unknown> }>;
  /** Text on the TUI's screen once it waits for input. */
  ready: RegExp;
}

const VENDORS: Record<string, Vendor> = {
  claude: {
    harness: 'claude-code',
    calls: [
      { name: 'Bash', input: { command: 'touch allowed.txt', description: 'allowed' } },
      { name: 'Bash', input: { command: 'touch denied.txt', description: 'denied' } },
    ],
    ready: /❯/,
  },
  codex: {
    harness: 'codex',
    calls: [
      { name: 'exec_command', input: { cmd: 'touch allowed.txt' } },
      { name: 'exec_command', input: { cmd: 'touch denied.txt' } },
    ],
    ready: /›|context left|for shortcuts/,
  },
  pi: {
    harness: 'pi',
    calls: [
      { name: 'bash', input: { command: 'touch allowed.txt' } },
      { name: 'bash', input: { command: 'touch denied.txt' } },
    ],
    ready: /bridle|claude-sonnet/,
  },
};

/** The session fixture's spec (deny `touch denied*`) with only `harness:` changed. */
function specFor(w: World, harness: HarnessName): string {
  const text = readFileSync(fixture('agent.yaml'), 'utf8')
    .replace(/^harness: .*$/m, `harness: ${harness}`)
    // The spec's own mode decides for `bridle run`; protocol clients name theirs in `start`.
    .replace(/^mode: .*$/m, 'mode: interactive');
  const file = path.join(w.root, `interactive-${harness}.yaml`);
  writeFileSync(file, text);
  return file;
}

function scriptFor(w: World, v: Vendor): string {
  const file = path.join(w.root, `script-${v.harness}.yml`);
  const script = {
    turns: [
      { name: 'make-files', user: 'make the files', reply: { text: 'Making them.', tool_calls: v.calls } },
      { name: 'wrap-up', tool_result_regex: 'off limits', reply: { text: 'One call was refused.' } },
    ],
    fallback: 'Unscripted.',
  };
  writeFileSync(file, JSON.stringify(script));
  return file;
}

/** Follows a session's events; `until` resolves once one matches. */
function follow(c: DaemonClient, id: string): { events: StoredEvent[]; until(pred: (e: StoredEvent) => boolean): Promise<StoredEvent> } {
  const events: StoredEvent[] = [];
  const waiters = new Set<{ pred: (e: StoredEvent) => boolean; resolve: (e: StoredEvent) => void }>();
  c.onEvents((push: EventsPush) => {
    if (push.session !== id) return;
    for (const e of push.events as StoredEvent[]) {
      events.push(e);
      for (const w of [...waiters]) {
        if (w.pred(e)) {
          waiters.delete(w);
          w.resolve(e);
        }
      }
    }
  });
  return {
    events,
    until(pred) {
      const seen = events.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.add({ pred, resolve }));
    },
  };
}

const kind = (e: StoredEvent): string | undefined => (e.payload as { kind?: string } | null)?.kind;

function procStatus(pid: number): string {
  return readFileSync(`/proc/${pid}/status`, 'utf8');
}

async function interactiveRun(t: import('ava').ExecutionContext, v: Vendor): Promise<void> {
  const w = worldFor(t);
  ctxOk(t, await runCli(['server', 'start'], { env: w.env }));
  const c = await w.client();
  t.teardown(() => c.close());
  const ws = w.workspace(v.harness);
  const screen = new Screen(100, 30);

  const { session: id } = await c.request<{ session: string }>('start', {
    spec: specFor(w, v.harness),
    cwd: ws,
    mode: 'interactive',
    model_server: scriptFor(w, v),
    cols: 100,
    rows: 30,
  });
  const log = follow(c, id);
  await c.request('subscribe', { session: id, after_seq: 0 });
  const failed = log.until((e) => kind(e) === 'state' && ['failed', 'done', 'interrupted'].includes((e.payload as { state: string }).state));
  const ptyClosed = new Promise<void>((resolve) =>
    c.onPush((p: Push) => {
      if (p.session !== id) return;
      if (p.push === 'pty') screen.write(ptyBytes(p));
      if (p.push === 'pty_closed') resolve();
    }),
  );
  const attached = await c.request<AttachResult>('attach', { session: id });
  screen.write(Buffer.from(attached.snapshot, 'base64'));
  t.deepEqual([attached.cols, attached.rows], [100, 30]);

  // The agent's process runs under bridle-sandbox: no new privileges, seccomp filtering.
  const proc = await Promise.race([log.until((e) => kind(e) === 'process'), failed]);
  const pid = (proc.payload as { pid?: number }).pid;
  t.is(typeof pid, 'number', JSON.stringify(log.events.map((e) => e.payload)));

  await screen.waitFor((s) => v.ready.test(s), `the ${v.harness} prompt`);
  // Once the TUI draws, the launcher has confined itself and exec'd the agent.
  const status = procStatus(pid!);
  t.regex(status, /^NoNewPrivs:\s+1$/m);
  t.regex(status, /^Seccomp:\s+2$/m);
  // Typed like a person: the text, then (once it shows) Enter on its own.
  await c.request('input', { session: id, data: 'make the files' });
  await screen.includes('make the files');
  await c.request('input', { session: id, data: Buffer.from('\r').toString('base64'), encoding: 'base64' });
  await screen.includes('One call was refused.');

  t.true(existsSync(path.join(ws, 'allowed.txt')), 'the allowed call ran');
  t.false(existsSync(path.join(ws, 'denied.txt')), 'the denied call did not');
  const decisions = log.events.filter((e) => kind(e) === 'decision').map((e) => (e.payload as { decision: { action: string; rule?: string } }).decision);
  // Some vendors run the two calls in parallel, so their decisions may come in either order.
  t.deepEqual(decisions.map((d) => d.action).sort(), ['allow', 'deny']);
  t.is(decisions.find((d) => d.action === 'deny')!.rule, 'no-denied');
  const shown = await c.request<{ decisions: Decision[] }>('show', { session: id });
  t.true(shown.decisions.some((d) => d.verdict === 'deny'));
  // Terminal bytes are not events: the log holds the PTY's start, not its output.
  t.false(log.events.some((e) => JSON.stringify(e.payload).includes('One call was refused.')));

  await c.request('resize', { session: id, cols: 90, rows: 25 });
  await c.request('detach', { session: id });
  const again = await c.request<AttachResult>('attach', { session: id });
  t.deepEqual([again.cols, again.rows], [90, 25]);
  t.true(Buffer.from(again.snapshot, 'base64').toString('utf8').includes('refused'), 're-attach replays the recent screen');

  const killed = await c.request<{ state: string }>('kill', { session: id });
  t.is(killed.state, 'interrupted');
  await ptyClosed;
  t.false(alive(pid!), 'the whole tree ended with the session');
}

test.serial('claude-code interactive: TUI in a sandboxed PTY, tool calls gated by policy', async (t) => {
  await interactiveRun(t, VENDORS.claude!);
});

test.serial('codex interactive: TUI in a sandboxed PTY, tool calls gated by policy', async (t) => {
  await interactiveRun(t, VENDORS.codex!);
});

test.serial('pi interactive: TUI in a sandboxed PTY, tool calls gated by policy', async (t) => {
  await interactiveRun(t, VENDORS.pi!);
});

test.serial('bridle run without --headless attaches the terminal to the TUI; Ctrl-b d detaches and the session stays', async (t) => {
  const w = worldFor(t);
  const ws = w.workspace('attach');
  const v = VENDORS.claude!;
  const screen = new Screen(100, 30);
  const term = pty.spawn(process.execPath, [bridleBin, 'run', specFor(w, v.harness), '--model-server', scriptFor(w, v), '--cwd', ws], {
    name: 'xterm-256color',
    cols: 100,
    rows: 30,
    cwd: ws,
    env: w.env as Record<string, string>,
    encoding: null,
  });
  const exited = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
  t.teardown(() => {
    try {
      term.kill();
    } catch {
      // gone
    }
  });
  term.onData((d: string | Buffer) => screen.write(typeof d === 'string' ? d : Buffer.from(d)));

  await screen.waitFor((s) => v.ready.test(s), 'the claude prompt');
  term.write('make the files');
  await screen.includes('make the files');
  term.write('\r');
  await screen.includes('One call was refused.');
  t.true(existsSync(path.join(ws, 'allowed.txt')));
  t.false(existsSync(path.join(ws, 'denied.txt')));

  term.write('\x02d');
  t.is(await exited, 0);
  await screen.includes('detached from session');
  const id = /detached from session (s_[a-z0-9]+)/.exec(screen.text())![1]!;
  const c = await w.client();
  t.teardown(() => c.close());
  const shown = await c.request<{ live: boolean; session: { state: string } }>('show', { session: id });
  t.true(shown.live, 'detaching leaves the session running');
  t.is((await c.request<{ state: string }>('kill', { session: id })).state, 'interrupted');
});
