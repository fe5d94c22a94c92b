// `npm run bench -- panes [--mb N] [--keys N] [--settle S] [--profile DIR]`
//
// The dashboard against tmux, both driven in the same run through a real terminal: a node-pty
// 200x60 PTY plays the outer terminal, and the bench reads every byte the program writes to it.
//   1. `cat` of a 50 MB file (text with ANSI colors) in 1 pane, then in 4 panes at once.
//      Time: from the Enter that runs `cat big.txt; printf 'DO%sNE-tag\n' ''` until the marker
//      `DONE-tag` of every pane has been written to the outer terminal. The marker is printed
//      after cat, so for Bridle the time covers PTY -> daemon -> socket -> dashboard -> headless
//      xterm (which parses in order: the marker is on screen only once everything before it is
//      parsed) -> a rendered frame; for tmux, PTY -> tmux server -> tmux client -> terminal.
//      The commands are typed server-side (the protocol's `input` / `tmux send-keys`), the Enter
//      keys go out together and start the clock.
//   2. keystroke echo while three panes stream (`while :; do cat big.txt; done`): keys typed into
//      the outer terminal (the dashboard's / tmux client's stdin) for the fourth pane's shell, one
//      at a time; latency is until the echoed character appears in the outer terminal's output.
//   3. memory with 8 sessions: RSS of daemon + dashboard (and of the sandboxed children the daemon
//      started, counted separately), beside tmux server + client with 8 panes; measured 2 s after
//      the last session started and again after 60 s without output (`--settle S`), when the
//      processes have given back what the bursts used: the dashboard's freed buffers go back
//      after 1 s of quiet (src/util/memory-return.ts); V8 shrinks its young generation (~32 MB)
//      on its own within about a minute of idling.
// Bridle's panes are `command`-harness interactive sessions running bash in the sandbox; tmux's
// run the same bash unsandboxed. Everything runs in a private temp dir and is cleaned up.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pty from 'node-pty';
import { connectDaemon } from '../../dist/src/daemon/index.js';
import { daemonPaths } from '../../dist/src/session/paths.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const bridleBin = path.join(root, 'bin', 'bridle.js');
const COLS = 200;
const ROWS = 60;
const SHELL = `exec env PS1='bench$ ' HISTFILE=/dev/null bash --norc --noprofile`;
const PROMPT = 'bench$';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function parseArgs(args) {
  const opts = { mb: 50, keys: 300, settle: 60, profile: null };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const v = args[i + 1];
    if (a === '--mb') opts.mb = Number(v);
    else if (a === '--keys') opts.keys = Number(v);
    else if (a === '--settle') opts.settle = Number(v);
    else if (a === '--profile') opts.profile = path.resolve(v);
    else throw new Error(`bench panes: unknown argument ${a}`);
    i++;
  }
  return opts;
}

/** Lowercase text with a colored word on some lines; no upper-case letters (the echo test types those). */
function makeFile(file, mb) {
  const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'theta', 'lambda', 'sigma', 'omega', 'kappa', 'iota'];
  const lines = [];
  for (let i = 0; i < 4096; i++) {
    let line = `${String(i).padStart(6, '0')} `;
    while (line.length < 96) line += `${words[(i * 7 + line.length) % words.length]} `;
    if (i % 3 === 0) line = line.replace('gamma', '\x1b[32mgamma\x1b[0m');
    if (i % 5 === 0) line = line.replace('delta', '\x1b[1;31mdelta\x1b[0m');
    if (i % 11 === 0) line = line.replace('omega', '\x1b[38;5;208momega\x1b[0m');
    lines.push(line.trimEnd());
  }
  const block = Buffer.from(`${lines.join('\n')}\n`);
  const fd = fs.openSync(file, 'w');
  let written = 0;
  while (written < mb * 1024 * 1024) written += fs.writeSync(fd, block);
  fs.closeSync(fd);
  return written;
}

/**
 * The outer terminal: a PTY whose output the bench reads and searches. The bench's own work per
 * chunk is kept small and nearly allocation-free — a garbage collection here while an echo is on
 * its way is counted in that echo's latency, for Bridle and tmux alike.
 */
class Outer {
  constructor(file, args, env, cwd) {
    this.proc = pty.spawn(file, args, { name: 'xterm-256color', cols: COLS, rows: ROWS, cwd, env, encoding: null });
    /** The last bytes before the current chunk, as text, so a needle may straddle two chunks. */
    this.tail = '';
    /** The most recent chunks, about 4000 bytes, for the message when a wait times out. */
    this.recent = [];
    this.recentBytes = 0;
    this.bytes = 0;
    this.watchers = new Set();
    this.exited = new Promise((resolve) => this.proc.onExit(resolve));
    this.proc.onData((data) => {
      this.bytes += data.length;
      this.recent.push(data);
      this.recentBytes += data.length;
      while (this.recentBytes - this.recent[0].length >= 4000) this.recentBytes -= this.recent.shift().length;
      // Watchers that search text get it on demand: tail + chunk, made once per chunk.
      let text = null;
      const tail = this.tail;
      const textOf = () => (text ??= tail + data.toString('latin1'));
      this.tail = data.length >= 256 ? data.subarray(data.length - 256).toString('latin1') : (tail + data.toString('latin1')).slice(-256);
      for (const w of [...this.watchers]) w(textOf, data);
    });
  }

  /** Resolves with the time the first output containing `needle` arrived (after this call). */
  waitFor(needle, timeoutMs = 60_000) {
    return new Promise((resolve, reject) => {
      const w = (textOf) => {
        if (!textOf().includes(needle)) return;
        clearTimeout(timer);
        this.watchers.delete(w);
        resolve(performance.now());
      };
      const timer = setTimeout(() => {
        this.watchers.delete(w);
        const recent = Buffer.concat(this.recent).toString('latin1').slice(-4000);
        const text = recent.replace(/\x1b\[[0-9;?]*[ -\/]*[@-~]/g, '').replace(/\x1b[\]P][^\x07\x1b]*(\x07|\x1b\\)/g, '');
        reject(new Error(`timed out waiting for ${JSON.stringify(needle)} on the outer terminal; its last output:\n${text.slice(-1500)}`));
      }, timeoutMs);
      this.watchers.add(w);
    });
  }

  write(data) {
    this.proc.write(data);
  }

  kill() {
    try {
      this.proc.kill('SIGKILL');
    } catch {
      // gone
    }
  }
}

/** The states of a terminal byte stream that printableFilter and printableScanner walk. */
const TEXT = 0;
const ESC = 1;
const CSI = 2;
const STRING = 3; // OSC / DCS, until BEL or ST
const STRING_ESC = 4;

function nextState(state, b) {
  if (state === TEXT) return b === 0x1b ? ESC : TEXT;
  if (state === ESC) return b === 0x5b ? CSI : b === 0x5d || b === 0x50 ? STRING : TEXT;
  if (state === CSI) return b >= 0x40 && b <= 0x7e ? TEXT : CSI;
  if (state === STRING) return b === 0x07 ? TEXT : b === 0x1b ? STRING_ESC : STRING;
  return b === 0x5c ? TEXT : STRING;
}

/**
 * Printable characters of a terminal byte stream: escape sequences (CSI, OSC, DCS, two-byte ESC)
 * are skipped, state kept across chunks.
 */
function printableFilter() {
  let state = TEXT;
  return (buf) => {
    let out = '';
    for (let i = 0; i < buf.length; i++) {
      const b = buf[i];
      if (state === TEXT && b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
      state = nextState(state, b);
    }
    return out;
  };
}

/** Like printableFilter, but only says whether the printable text of a chunk holds byte `code`: no strings made. */
function printableScanner(code) {
  let state = TEXT;
  return (buf) => {
    let found = false;
    for (let i = 0; i < buf.length; i++) {
      const b = buf[i];
      if (state === TEXT && b === code) found = true;
      state = nextState(state, b);
    }
    return found;
  };
}

function percentiles(samples) {
  const s = Float64Array.from(samples).sort();
  const at = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, p50: at(0.5), p99: at(0.99), max: s[s.length - 1] };
}

/**
 * Types `n` keys into the outer terminal one at a time and measures each echo. Keys are upper-case
 * letters, distinct within a line (the dashboard redraws whole frames, so a letter already on the
 * line would match at once); after each line Ctrl-U clears it. Letters seen on the screen before
 * typing (the program's own chrome) are not used.
 */
async function echoLatency(outer, n) {
  const filter = printableFilter();
  let seen = '';
  const collect = (_text, data) => (seen += filter(data));
  outer.watchers.add(collect);
  await sleep(500);
  outer.watchers.delete(collect);
  const letters = [...'QWERTYUIOPASDFGHJKLZXVBNM'].filter((c) => !seen.includes(c));
  if (letters.length < 4) throw new Error('bench panes: the screen shows too many upper-case letters to type into');
  const samples = [];
  let misses = 0;
  let onLine = 0;
  for (let k = 0; k < n; k++) {
    if (onLine === letters.length) {
      outer.write('\x15');
      await sleep(150);
      onLine = 0;
    }
    const c = letters[onLine++];
    const got = new Promise((resolve) => {
      const sees = printableScanner(c.charCodeAt(0));
      const w = (_text, data) => {
        if (!sees(data)) return;
        outer.watchers.delete(w);
        clearTimeout(timer);
        resolve(performance.now());
      };
      const timer = setTimeout(() => {
        outer.watchers.delete(w);
        resolve(null);
      }, 1000);
      outer.watchers.add(w);
    });
    const t0 = performance.now();
    outer.write(c);
    const t1 = await got;
    if (t1 === null) misses++;
    else samples.push(t1 - t0);
    // A person types a key every 50-200 ms; a short random gap keeps the phase short without
    // syncing the keys to the frame clock.
    await sleep(10 + Math.random() * 20);
  }
  outer.write('\x15');
  return { ...percentiles(samples), misses };
}

function rssKb(pid) {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Proportional set size: like RSS, but a page shared by N processes counts 1/N in each. The node
 * binary's own text (about 47 MB resident) is shared by the daemon, the dashboard and every other
 * node process, and RSS counts it in full in each of them.
 */
function pssKb(pid) {
  try {
    const m = /^Pss:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Every process below `pid` (not itself). */
function descendants(pid) {
  const parent = new Map();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  const out = [];
  const walk = (p) => {
    for (const [c, pp] of parent) if (pp === p) (out.push(c), walk(c));
  };
  walk(pid);
  return out;
}

const mb = (kb) => (kb / 1024).toFixed(0);
const sec = (ms) => (ms / 1000).toFixed(2);

// --- Bridle ------------------------------------------------------------------------------------

class BridleSide {
  constructor(world) {
    this.w = world;
    this.sessions = [];
  }

  async start() {
    this.client = await connectDaemon(this.w.env, 'bench');
    this.daemonPid = Number(fs.readFileSync(daemonPaths(this.w.env).pid, 'utf8').trim());
  }

  async addSession() {
    const r = await this.client.request('start', { spec: this.w.spec, cwd: this.w.ws, mode: 'interactive', cols: 100, rows: 28 });
    this.sessions.push(r.session);
    return r.session;
  }

  /** Waits until the session's shell shows its prompt (polls `show` for the `pty` lifecycle event, then a short settle). */
  async ready(id) {
    for (let i = 0; i < 200; i++) {
      const ev = await this.client.request('events', { session: id, after_seq: 0, limit: 1000 });
      if (ev.some((e) => e.payload?.kind === 'pty')) return;
      await sleep(50);
    }
    throw new Error(`session ${id} never started its PTY`);
  }

  openDashboard() {
    this.outer = new Outer(process.execPath, [bridleBin], { ...this.w.env, TERM: 'xterm-256color' }, this.w.ws);
    this.dashboardPid = this.outer.proc.pid;
  }

  type(id, text) {
    return this.client.request('input', { session: id, data: text });
  }

  async close() {
    this.outer?.write('\x02d');
    await Promise.race([this.outer?.exited, sleep(2000)]);
    this.outer?.kill();
    try {
      const gone = new Promise((resolve) => this.client.onClosed(resolve));
      await this.client.request('stop');
      await Promise.race([gone, sleep(10_000)]);
    } catch {
      // not running
    }
  }
}

// --- tmux --------------------------------------------------------------------------------------

class TmuxSide {
  constructor(world) {
    this.w = world;
    this.socket = path.join(world.root, 'tmux.sock');
  }

  run(...args) {
    return execFileSync('tmux', ['-S', this.socket, '-f', '/dev/null', ...args], { env: this.w.tmuxEnv, encoding: 'utf8', cwd: this.w.ws, stdio: ['ignore', 'pipe', 'ignore'] });
  }

  start() {
    this.run('new-session', '-d', '-s', 'bench', '-x', String(COLS), '-y', String(ROWS), '-c', this.w.ws, SHELL);
    this.run('set-option', '-g', 'status', 'off');
    this.outer = new Outer('tmux', ['-S', this.socket, '-f', '/dev/null', 'attach-session', '-t', 'bench'], this.w.tmuxEnv, this.w.ws);
    this.serverPid = Number(this.run('display-message', '-p', '#{pid}').trim());
  }

  panes() {
    return this.run('list-panes', '-t', 'bench', '-F', '#{pane_id}').trim().split('\n');
  }

  addPane() {
    this.run('split-window', '-t', 'bench', '-c', this.w.ws, SHELL);
    this.run('select-layout', '-t', 'bench', 'tiled');
  }

  type(pane, text) {
    this.run('send-keys', '-t', pane, '-l', text);
  }

  enter(pane) {
    this.run('send-keys', '-t', pane, 'Enter');
  }

  close() {
    this.outer?.kill();
    try {
      this.run('kill-server');
    } catch {
      // gone
    }
  }
}

// --- phases ------------------------------------------------------------------------------------

/**
 * Types the cat command into each pane, then presses Enter in all of them and waits for every
 * marker. `typeCmd(pane, text)` and `enter(pane)` are the side's server-side typing.
 */
async function catRun(outer, panes, typeCmd, enter, tag) {
  const markers = panes.map((_, i) => `DONE-${tag}-${i}`);
  for (let i = 0; i < panes.length; i++) await typeCmd(panes[i], `cat big.txt; printf 'DO%sNE-${tag}-${i}\\n' ''`);
  await sleep(300);
  const waits = markers.map((m) => outer.waitFor(m, 120_000));
  const t0 = performance.now();
  await Promise.all(panes.map((p) => enter(p)));
  const ends = await Promise.all(waits);
  return Math.max(...ends) - t0;
}

async function settle(outer, ms = 400) {
  // Output has gone quiet for `ms` (the screen is drawn).
  let last = outer.bytes;
  for (;;) {
    await sleep(ms);
    if (outer.bytes === last) return;
    last = outer.bytes;
  }
}

export default async function run(args) {
  const opts = parseArgs(args);
  if (spawnSync('tmux', ['-V']).status !== 0) throw new Error('bench panes: tmux is not installed (apt-get install tmux); it is the anchor');
  const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'bridle-bench-panes-'));
  const scrub = /^(ANTHROPIC_|OPENAI_|CLAUDE_|BRIDLE_|XDG_|TMUX|HTTPS?_PROXY|https?_proxy|ALL_PROXY|NO_PROXY|no_proxy)/;
  const base = {};
  for (const [k, v] of Object.entries(process.env)) if (!scrub.test(k)) base[k] = v;
  const world = {
    root: tmpRoot,
    ws: path.join(tmpRoot, 'ws'),
    spec: path.join(tmpRoot, 'pane.yaml'),
    env: { ...base, BRIDLE_HOME: path.join(tmpRoot, 'state'), XDG_RUNTIME_DIR: path.join(tmpRoot, 'rt'), XDG_CONFIG_HOME: path.join(tmpRoot, 'config') },
    tmuxEnv: { ...base, HOME: tmpRoot, TERM: 'xterm-256color' },
  };
  // CPU profiles of the daemon and the dashboard, written when they exit.
  // (--cpu-prof is refused in NODE_OPTIONS, so a preload starts the inspector's profiler.)
  if (opts.profile) {
    fs.mkdirSync(opts.profile, { recursive: true });
    const preload = path.join(tmpRoot, 'profile.cjs');
    fs.writeFileSync(
      preload,
      `const { Session } = require('node:inspector'); const fs = require('node:fs'); const s = new Session(); s.connect();
s.post('Profiler.enable', () => s.post('Profiler.start'));
const save = () => s.post('Profiler.stop', (e, r) => { if (!e) fs.writeFileSync(${JSON.stringify(opts.profile)} + '/' + process.argv.slice(2, 3).join('') + '-' + process.pid + '.cpuprofile', JSON.stringify(r.profile)); });
process.on('exit', () => {}); for (const sig of ['SIGTERM']) process.prependListener(sig, save);
const origExit = process.exit; process.exit = function (c) { save(); return origExit.call(process, c); };
process.on('beforeExit', save);\n`,
    );
    world.env.NODE_OPTIONS = `${world.env.NODE_OPTIONS ?? ''} --require ${preload}`.trim();
  }
  fs.mkdirSync(world.ws, { recursive: true });
  fs.mkdirSync(path.join(tmpRoot, 'rt'), { recursive: true });
  fs.writeFileSync(
    world.spec,
    ['name: pane', 'harness: command', 'mode: interactive', `command: ${JSON.stringify(SHELL)}`, 'sandbox: { mode: workspace-write, network: none }', ''].join('\n'),
  );
  const bytes = makeFile(path.join(world.ws, 'big.txt'), opts.mb);
  console.log(`panes bench: cat of ${(bytes / 1024 / 1024).toFixed(0)} MB (text + ANSI colors) in a ${COLS}x${ROWS} outer terminal; Bridle dashboard vs tmux ${execFileSync('tmux', ['-V'], { encoding: 'utf8' }).trim()} (same bash, same run)`);

  const bridle = new BridleSide(world);
  const tmux = new TmuxSide(world);
  const cleanup = async () => {
    tmux.close();
    await bridle.close();
  };
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  try {
    // Setup: one session / pane each, both screens drawn.
    await bridle.start();
    const first = await bridle.addSession();
    await bridle.ready(first);
    bridle.openDashboard();
    await bridle.outer.waitFor(PROMPT, 30_000);
    await settle(bridle.outer);
    tmux.start();
    await tmux.outer.waitFor(PROMPT, 10_000);
    await settle(tmux.outer);

    const results = {};
    const bType = (id, text) => bridle.type(id, text);
    const bEnter = (id) => bridle.type(id, '\r');
    const tType = (p, text) => tmux.type(p, text);
    const tEnter = (p) => tmux.enter(p);

    // 1 pane.
    results.b1 = await catRun(bridle.outer, bridle.sessions, bType, bEnter, 'b1');
    await settle(bridle.outer);
    results.t1 = await catRun(tmux.outer, tmux.panes(), tType, tEnter, 't1');
    await settle(tmux.outer);

    // 4 panes: three more sessions (the dashboard tiles them) / three more tmux panes, tiled.
    for (let i = 0; i < 3; i++) await bridle.ready(await bridle.addSession());
    for (let i = 0; i < 3; i++) tmux.addPane();
    await sleep(1500);
    await settle(bridle.outer);
    await settle(tmux.outer);
    results.b4 = await catRun(bridle.outer, bridle.sessions, bType, bEnter, 'b4');
    await settle(bridle.outer);
    results.t4 = await catRun(tmux.outer, tmux.panes(), tType, tEnter, 't4');
    await settle(tmux.outer);

    // Echo while three panes stream. The dashboard's focus is on the first (oldest) pane; tmux's
    // is put on its first pane.
    const loop = 'while :; do cat big.txt; done';
    for (const id of bridle.sessions.slice(1)) await bType(id, `${loop}\r`);
    await sleep(500);
    results.bEcho = await echoLatency(bridle.outer, opts.keys);
    for (const id of bridle.sessions.slice(1)) await bType(id, '\x03');
    await settle(bridle.outer);
    const tp = tmux.panes();
    tmux.run('select-pane', '-t', tp[0]);
    for (const p of tp.slice(1)) (tType(p, loop), tEnter(p));
    await sleep(500);
    results.tEcho = await echoLatency(tmux.outer, opts.keys);
    for (const p of tp.slice(1)) tmux.run('send-keys', '-t', p, 'C-c');
    await settle(tmux.outer);

    // Memory with 8 sessions / panes (four of them have just streamed: full scrollback).
    for (let i = 0; i < 4; i++) await bridle.ready(await bridle.addSession());
    for (let i = 0; i < 4; i++) tmux.addPane();
    await sleep(2000);
    await settle(bridle.outer);
    await settle(tmux.outer);
    const children = descendants(bridle.daemonPid);
    const settledAfter = opts.settle;
    const memNow = () => ({ daemon: rssKb(bridle.daemonPid), dashboard: rssKb(bridle.dashboardPid), daemonPss: pssKb(bridle.daemonPid), dashboardPss: pssKb(bridle.dashboardPid) });
    const mem = {
      daemon: rssKb(bridle.daemonPid),
      dashboard: rssKb(bridle.dashboardPid),
      daemonPss: pssKb(bridle.daemonPid),
      dashboardPss: pssKb(bridle.dashboardPid),
      children: children.reduce((n, p) => n + rssKb(p), 0),
      childCount: children.length,
      tmuxServer: rssKb(tmux.serverPid),
      tmuxClient: rssKb(tmux.outer.proc.pid),
    };
    await sleep(settledAfter * 1000);
    const settled = memNow();

    const ratio = (b, t) => `${(b / t).toFixed(2)}x tmux`;
    console.log(`\ncat ${(bytes / 1024 / 1024).toFixed(0)} MB until every pane's end marker is on the outer terminal  (goal <= 1.0x tmux)`);
    console.log(`  1 pane     bridle ${sec(results.b1).padStart(7)} s   tmux ${sec(results.t1).padStart(7)} s   ${ratio(results.b1, results.t1)}`);
    console.log(`  4 panes    bridle ${sec(results.b4).padStart(7)} s   tmux ${sec(results.t4).padStart(7)} s   ${ratio(results.b4, results.t4)}`);
    console.log(`\nkeystroke echo in one pane while three stream, ${opts.keys} keys  (goal p99 <= 16 ms)`);
    const e = (r) => `p50 ${r.p50.toFixed(1).padStart(5)} ms  p99 ${r.p99.toFixed(1).padStart(5)} ms  max ${r.max.toFixed(1).padStart(6)} ms${r.misses ? `  (${r.misses} not echoed within 1 s)` : ''}`;
    console.log(`  bridle     ${e(results.bEcho)}`);
    console.log(`  tmux       ${e(results.tEcho)}   p99 ${(results.bEcho.p99 / results.tEcho.p99).toFixed(2)}x tmux`);
    console.log(`\nRSS with 8 sessions  (goal daemon + dashboard <= 200 MB)`);
    console.log(`  bridle     daemon ${mb(mem.daemon)} MB + dashboard ${mb(mem.dashboard)} MB = ${mb(mem.daemon + mem.dashboard)} MB;  with the daemon's ${mem.childCount} child processes (sandbox wrappers, shells; shared pages counted per process) ${mb(mem.daemon + mem.dashboard + mem.children)} MB`);
    console.log(`             PSS (shared pages split among their processes): daemon ${mb(mem.daemonPss)} MB + dashboard ${mb(mem.dashboardPss)} MB = ${mb(mem.daemonPss + mem.dashboardPss)} MB`);
    console.log(`  settled    after ${settledAfter} s without output: daemon ${mb(settled.daemon)} MB + dashboard ${mb(settled.dashboard)} MB = ${mb(settled.daemon + settled.dashboard)} MB RSS;  PSS ${mb(settled.daemonPss + settled.dashboardPss)} MB`);
    console.log(`  tmux       server ${mb(mem.tmuxServer)} MB + client ${mb(mem.tmuxClient)} MB = ${mb(mem.tmuxServer + mem.tmuxClient)} MB (shells not counted)   bridle is ${((mem.daemon + mem.dashboard) / (mem.tmuxServer + mem.tmuxClient)).toFixed(1)}x`);
  } finally {
    process.off('SIGINT', onSignal);
    await cleanup();
    fs.rmSync(tmpRoot, { recursive: true, force: true });
  }
}
