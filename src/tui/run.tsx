// Runs the dashboard in the user's terminal: alternate screen, raw keys, Ink rendering, resize,
// and a terminal put back as it was on every way out — detach, quit, a lost daemon, a signal or
// a crash. Sessions live in the daemon, so none of these stops an agent.
//
// No JSX in this file: the compiler would put an import of React's JSX runtime above every other
// import, loading React's development build before ./production.js could choose the other.
import { restoreLoadEnv } from './production.js';
import { PassThrough } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createElement } from 'react';
import { render } from 'ink';
// The client alone: the daemon's index would load the server, and with it every session module.
import { connectDaemon } from '../daemon/client.js';
import { stateHome } from '../paths.js';
import { App, type ExitReason, type KeyInput } from './app.js';
import { DaemonSource } from './daemon-source.js';
import { loadKeymap } from './keymap-config.js';
import { InkFrameDiff } from './ink-frames.js';
import { fileLayoutStore, layoutFile } from './layout/persist.js';
import { detectMultiplexer } from './notify.js';
import { SYNC_BEGIN, SYNC_END, TerminalPainter } from './terminal/painter.js';
import { ClockPainter } from './terminal/clock-painter.js';
import { loadNative } from '../sandbox/native.js';
import { collectGarbage, installMemoryReturn } from '../util/memory-return.js';

restoreLoadEnv();

export type DashboardEnd = ExitReason | 'lost';

export interface DashboardIO {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** `q` / `Ctrl-c` quit from any pane (the demo, which ends its sessions on quit). */
  quitAlways?: boolean;
}

const ENTER = '\x1b[?1049h\x1b[H\x1b[2J\x1b[?25l';
/** Leave the alternate screen and undo every mode a program may have left on. */
const RESTORE = '\x1b[0m\x1b[?2004l\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?25h\x1b[?1049l';

export async function runDashboard(io: DashboardIO): Promise<DashboardEnd> {
  const { stdin, stdout } = io;
  // A bad keys.yaml is reported before the screen is taken over.
  const keymap = loadKeymap(io.env);
  const client = await connectDaemon(io.env, 'dashboard');
  const source = new DaemonSource(client, { cwd: io.cwd });
  // One layout per Bridle home (the daemon's state dir), like one tmux server.
  const layoutStore = fileLayoutStore(layoutFile(stateHome(io.env)));

  const listeners = new Set<(data: string) => void>();
  const keys: KeyInput = {
    on(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  const decoder = new StringDecoder('utf8');
  const onData = (chunk: Buffer): void => {
    const text = decoder.write(chunk);
    if (text) for (const l of listeners) l(text);
  };

  let settle!: (end: DashboardEnd) => void;
  const ended = new Promise<DashboardEnd>((resolve) => (settle = resolve));
  const size = () => ({ cols: stdout.columns || 80, rows: stdout.rows || 24 });
  const mux = detectMultiplexer(io.env);
  const notify = (bytes: string): void => void stdout.write(bytes);
  // Interactive panes are drawn by the painter, the rest by Ink. Ink's writes are gathered for the
  // rest of the tick and written together with a repaint of the panes (its full-screen frames
  // clear them), in one synchronized update, so no pane is ever seen blank.
  const painter = new TerminalPainter((bytes) => void stdout.write(bytes));
  const clockPainter = new ClockPainter((bytes) => void stdout.write(bytes));
  let inkFrame = '';
  let inkDone = false;
  const inkDiff = new InkFrameDiff();
  const flushInk = (): void => {
    if (inkDone) return;
    const update = inkDiff.apply(inkFrame.replaceAll(SYNC_BEGIN, '').replaceAll(SYNC_END, ''));
    inkFrame = '';
    // An unchanged frame (a render that moved nothing on screen) writes nothing at all.
    if (update.rows !== 'all' && update.rows.size === 0) return;
    const panes = update.rows === 'all' ? painter.repaintAll() : painter.repaintRows(update.rows);
    // The clocks too: the frame's elapsed times were computed at its render, maybe seconds ago.
    stdout.write(`${SYNC_BEGIN}${update.bytes}${panes}${clockPainter.paint()}\x1b[0m${SYNC_END}`);
  };
  const inkWrite = (chunk: string | Uint8Array): boolean => {
    if (inkFrame === '') queueMicrotask(flushInk);
    inkFrame += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  };
  const inkStdout = new Proxy(stdout, {
    get(target, prop) {
      if (prop === 'write') return inkWrite;
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  const element = () => createElement(App, { source, keys, size: size(), keymap, notify, notifyOptions: { mux }, onExit: settle, quitAlways: io.quitAlways === true, painter, clockPainter, layoutStore });

  let restored = false;
  const wasRaw = stdin.isTTY ? stdin.isRaw : false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    stdin.off('data', onData);
    if (stdin.isTTY) stdin.setRawMode(wasRaw);
    stdin.pause();
    stdout.write(RESTORE);
  };
  const onSignal = (): void => settle('quit');
  const onCrash = (err: Error): void => {
    restore();
    layoutStore.flush();
    process.stderr.write(`bridle: ${err.stack ?? err.message}\n`);
    process.exit(1);
  };
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT'];
  for (const s of signals) process.on(s, onSignal);
  process.on('uncaughtException', onCrash);
  process.on('exit', restore);

  stdout.write(ENTER);
  if (stdin.isTTY) stdin.setRawMode(true);
  stdin.on('data', onData);
  stdin.resume();
  source.onLost(() => settle('lost'));

  // Ink reads no keys here (the dashboard parses them itself), so it gets a stdin of its own.
  const inkStdin = new PassThrough() as unknown as NodeJS.ReadStream;
  const ink = render(element(), { stdout: inkStdout, stdin: inkStdin, exitOnCtrlC: false, patchConsole: false });
  const onResize = (): void => {
    inkDiff.reset();
    ink.rerender(element());
  };
  stdout.on('resize', onResize);
  // Every pane's output is parsed here. The addon and the collector are fetched on the first
  // release, not at start.
  const memory = installMemoryReturn({ collect: collectGarbage, release: () => loadNative().releaseFreeMemory() });

  try {
    return await ended;
  } finally {
    stdout.off('resize', onResize);
    ink.unmount();
    // Unmounting flushed it already; again in case a save came from unmounting itself.
    layoutStore.flush();
    // Whatever Ink wrote while unmounting would land after the screen is restored.
    inkDone = true;
    painter.dispose();
    clockPainter.dispose();
    memory.dispose();
    for (const s of signals) process.off(s, onSignal);
    process.off('uncaughtException', onCrash);
    process.off('exit', restore);
    restore();
    source.close();
  }
}
