// The agent's process: launched through the sandbox wrapper with exactly the environment the
// runtime built, in its own process group so that stopping a session ends everything it started.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../paths.js';
import { groupKiller, signalGroup } from './process-group.js';
import type { ExitInfo, LaunchWrapper } from './types.js';

export interface AgentProcess {
  child: ChildProcessWithoutNullStreams;
  pid: number | undefined;
  exited: Promise<ExitInfo>;
  /** Writes one line (a newline is added). False when stdin is gone. */
  writeLine(line: string): boolean;
  /** SIGTERM to the whole group, SIGKILL after a grace period; resolves on exit. */
  kill(): Promise<ExitInfo>;
}

export interface LaunchOptions {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  wrap?: LaunchWrapper;
  /** Loopback ports the agent must reach (its hook endpoint); passed to `wrap`. */
  loopbackPorts?: readonly number[];
  /** Generated files the agent must not change (its hooks, its provider config); passed to `wrap`. */
  protect?: readonly string[];
  onStdoutLine: (line: string) => void;
  /** Raw stdout instead of lines (plain CLIs whose output is not a line protocol). */
  onStdoutData?: (text: string) => void;
  onStderr?: (text: string) => void;
}

/**
 * The pinned vendor CLI from this package's node_modules/.bin. Node entry points are run with
 * this very Node (not `#!/usr/bin/env node`), so the child's PATH need not contain node.
 */
export function vendorCommand(bin: string, override?: string): { file: string; args: string[] } {
  const pinned = path.join(packageRoot, 'node_modules', '.bin', bin);
  // Not pinned here (e.g. cursor-agent): the child's PATH finds it.
  if (override === undefined && !existsSync(pinned)) return { file: bin, args: [] };
  const candidate = override ?? pinned;
  const real = existsSync(candidate) ? realpathSync(candidate) : candidate;
  if (/\.(c|m)?js$/.test(real)) return { file: process.execPath, args: [real] };
  return { file: real, args: [] };
}

export function launch(options: LaunchOptions): AgentProcess {
  const launched = options.wrap ? options.wrap(options.file, options.args, { loopbackPorts: options.loopbackPorts ?? [], protect: options.protect ?? [] }) : { file: options.file, args: options.args };
  const child = spawn(launched.file, launched.args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['pipe', 'pipe', 'pipe'],
    // Own process group: kill(-pid) reaches the agent's tool processes too.
    detached: true,
  });
  const exited = new Promise<ExitInfo>((resolve) => {
    let done = false;
    const finish = (info: ExitInfo): void => {
      if (done) return;
      done = true;
      resolve(info);
    };
    child.on('error', () => finish({ exit_code: null, signal: null }));
    child.on('close', (code, signal) => finish({ exit_code: code, signal }));
  });
  // Records end at LF only: readline would also split on U+2028/U+2029, which are legal inside
  // JSON strings (pi's RPC documentation calls this out).
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    if (options.onStdoutData) {
      options.onStdoutData(text);
      return;
    }
    pending += text;
    let at: number;
    while ((at = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, at).replace(/\r$/, '');
      pending = pending.slice(at + 1);
      if (line) options.onStdoutLine(line);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => options.onStderr?.(text));
  // A vendor exiting while we write must not crash the host.
  child.stdin.on('error', () => undefined);

  const signal = (sig: NodeJS.Signals): void => {
    if (child.pid !== undefined) signalGroup(child.pid, sig, (s) => child.kill(s));
  };

  return {
    child,
    pid: child.pid,
    exited,
    writeLine(line) {
      if (child.stdin.destroyed || !child.stdin.writable) return false;
      child.stdin.write(`${line}\n`);
      return true;
    },
    kill: groupKiller(exited, signal, () => child.exitCode === null && child.signalCode === null),
  };
}
