// The agent's process on a pseudo-terminal (interactive mode): the vendor's own TUI, launched
// through the same sandbox wrapper and with exactly the environment the runtime built, as the
// headless `launch`. node-pty makes the child a session leader, so its pid is also its process
// group: ending the session signals the group and nothing it started outlives it.
import pty from 'node-pty';
import { groupKiller, signalGroup } from './process-group.js';
import type { ExitInfo, LaunchWrapper } from './types.js';

export interface PtyLaunchOptions {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  wrap?: LaunchWrapper;
  /** Loopback ports the agent must reach (its hook endpoint); passed to `wrap`. */
  loopbackPorts?: readonly number[];
  cols: number;
  rows: number;
}

export interface PtyProcess {
  readonly pid: number;
  readonly exited: Promise<ExitInfo>;
  /** Raw output bytes as the terminal program wrote them. Returns unsubscribe. */
  onData(listener: (data: Buffer) => void): () => void;
  /** Bytes typed into the terminal (keystrokes, pastes). Ignored once the process is gone. */
  write(data: string | Buffer): void;
  resize(cols: number, rows: number): void;
  /**
   * Flow control for a slow reader: while paused Bridle stops reading the PTY, the kernel's buffer
   * fills and the program blocks on write. Counted, so several readers can each hold it paused.
   */
  pause(): void;
  resume(): void;
  /** SIGTERM to the whole group, SIGKILL after a grace period; resolves on exit. */
  kill(): Promise<ExitInfo>;
}

const MIN = 1;
const MAX = 1000;
const clamp = (n: number): number => Math.min(MAX, Math.max(MIN, Math.floor(n)));

export function launchPty(options: PtyLaunchOptions): PtyProcess {
  const launched = options.wrap ? options.wrap(options.file, options.args, { loopbackPorts: options.loopbackPorts ?? [] }) : { file: options.file, args: options.args };
  const child = pty.spawn(launched.file, launched.args, {
    name: options.env.TERM ?? 'xterm-256color',
    cols: clamp(options.cols),
    rows: clamp(options.rows),
    cwd: options.cwd,
    env: options.env,
    // Bytes, not strings: a UTF-8 sequence split across reads must reach clients intact.
    encoding: null,
  });
  const pid = child.pid;
  const listeners = new Set<(data: Buffer) => void>();
  let alive = true;
  let pauses = 0;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.onExit(({ exitCode, signal }) => {
      alive = false;
      resolve({ exit_code: signal ? null : exitCode, signal: signal ? signalName(signal) : null });
    });
  });
  child.onData((data: string | Buffer) => {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (const l of [...listeners]) {
      try {
        l(bytes);
      } catch {
        // One faulty reader must not stop the others (or the agent).
      }
    }
  });

  const killGroup = groupKiller(
    exited,
    (sig) => signalGroup(pid, sig, (s) => process.kill(pid, s)),
    () => alive,
  );
  let killed = false;
  return {
    pid,
    exited,
    onData(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    write(data) {
      if (!alive) return;
      // node-pty's typings say string; with `encoding: null` it writes Buffers as they are.
      child.write(data as string);
    },
    resize(cols, rows) {
      if (!alive) return;
      try {
        child.resize(clamp(cols), clamp(rows));
      } catch {
        // The PTY closed between the check and the call.
      }
    },
    pause() {
      pauses += 1;
      if (pauses === 1 && alive) child.pause();
    },
    resume() {
      if (pauses === 0) return;
      pauses -= 1;
      if (pauses === 0 && alive) child.resume();
    },
    kill() {
      // A paused reader would keep a dying program blocked on write. Later calls only await the first.
      if (!killed && pauses > 0) {
        pauses = 0;
        child.resume();
      }
      killed = true;
      return killGroup();
    },
  };
}

function signalName(n: number): string {
  const names: Record<number, string> = { 1: 'SIGHUP', 2: 'SIGINT', 9: 'SIGKILL', 15: 'SIGTERM' };
  return names[n] ?? `SIG${n}`;
}
