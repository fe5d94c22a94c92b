// A protocol client: connects to the daemon's socket, says hello with the token, sends requests
// and hands pushes (subscribed events) to a listener. `connectDaemon` starts the daemon first when
// none is running (like tmux's server).
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { packageRoot } from '../paths.js';
import { daemonPaths, type DaemonPaths } from '../session/paths.js';
import { frameReader, type Capability, type EventsPush, type HelloResult, type Push, type PtyPush, type Reply, type SessionsPush } from './protocol.js';

export class DaemonClient {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Set<(push: EventsPush) => void>();
  private readonly pushListeners = new Set<(push: Push) => void>();
  private readonly sessionsListeners = new Set<(push: SessionsPush) => void>();
  private closedError: Error | undefined;
  private readonly closeListeners = new Set<() => void>();
  /** What the daemon said in `hello`: its protocol version and optional features. */
  server: HelloResult = { version: 0, pid: 0 };

  private constructor(private readonly socket: net.Socket) {
    socket.on(
      'data',
      frameReader(
        (value) => this.receive(value),
        (session, bytes) => {
          const push: PtyPush = { push: 'pty', session, bytes };
          for (const l of this.pushListeners) l(push);
        },
        () => undefined,
      ),
    );
    const fail = (err?: Error): void => {
      if (this.closedError) return;
      this.closedError = err ?? new Error('the daemon closed the connection');
      for (const w of this.waiting.values()) w.reject(this.closedError);
      this.waiting.clear();
      for (const l of this.closeListeners) l();
    };
    socket.on('error', (err) => fail(err));
    socket.on('close', () => fail());
  }

  /** Connects and authenticates. Rejects when the socket is absent or the token is refused. */
  static async connect(paths: DaemonPaths, client = 'cli', token?: string): Promise<DaemonClient> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect(paths.socket);
      s.once('connect', () => resolve(s));
      s.once('error', reject);
    });
    const c = new DaemonClient(socket);
    try {
      // Terminal output as binary frames: this client reads both framings.
      c.server = await c.request<HelloResult>('hello', { token: token ?? readFileSync(paths.token, 'utf8').trim(), client, binary: true });
    } catch (err) {
      c.close();
      throw err;
    }
    return c;
  }

  private receive(value: unknown): void {
    const m = value as Partial<Reply> & { push?: unknown };
    if (m.push === 'events') {
      for (const l of this.listeners) l(m as EventsPush);
      return;
    }
    if (m.push === 'sessions') {
      for (const l of this.sessionsListeners) l(m as SessionsPush);
      return;
    }
    if (typeof m.push === 'string') {
      for (const l of this.pushListeners) l(m as Push);
      return;
    }
    if (typeof m.id !== 'number') return;
    const w = this.waiting.get(m.id);
    if (!w) return;
    this.waiting.delete(m.id);
    if (m.ok) w.resolve((m as { result: unknown }).result);
    else w.reject(new Error((m as { error?: string }).error ?? 'request failed'));
  }

  request<T = unknown>(op: string, params: Record<string, unknown> = {}): Promise<T> {
    if (this.closedError) return Promise.reject(this.closedError);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.socket.write(`${JSON.stringify({ ...params, id, op })}\n`);
    });
  }

  /** Whether the daemon offers an optional feature (a daemon started by an older Bridle may not). */
  supports(capability: Capability): boolean {
    return this.server.capabilities?.includes(capability) ?? false;
  }

  onEvents(listener: (push: EventsPush) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Terminal pushes (`pty`, `pty_closed`) of attached interactive sessions. */
  onPush(listener: (push: Push) => void): () => void {
    this.pushListeners.add(listener);
    return () => this.pushListeners.delete(listener);
  }

  /** The session list after each change, while this connection watches it (`watch_sessions`). */
  onSessions(listener: (push: SessionsPush) => void): () => void {
    this.sessionsListeners.add(listener);
    return () => this.sessionsListeners.delete(listener);
  }

  /** Called once when the connection ends (daemon stopped or died). */
  onClosed(listener: () => void): void {
    if (this.closedError) listener();
    else this.closeListeners.add(listener);
  }

  close(): void {
    this.socket.end();
    this.socket.destroy();
  }
}

/**
 * The daemon's young generation is capped at 2 × 4 MiB. It relays terminal output and proxied
 * traffic — many short-lived buffers and strings — and with V8's default (up to 2 × 16 MiB) the
 * young generation grew to its maximum under streaming and stayed committed for the daemon's life.
 */
const DAEMON_V8_FLAGS = ['--max-semi-space-size=4'];

/**
 * Starts a detached daemon (`bridle server run`) logging to the state dir, and resolves once it
 * listens — it says so on a pipe — or rejects with the end of its log when it exits instead.
 */
export function spawnDaemon(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const paths = daemonPaths(env);
  return new Promise((resolve, reject) => {
    mkdirSync(paths.state, { recursive: true, mode: 0o700 });
    const log = openSync(paths.log, 'a', 0o600);
    const child = spawn(process.execPath, [...DAEMON_V8_FLAGS, path.join(packageRoot, 'bin', 'bridle.js'), 'server', 'run', '--ready-fd', '3'], {
      detached: true,
      env,
      cwd: '/',
      stdio: ['ignore', log, log, 'pipe'],
    });
    closeSync(log);
    const ready = child.stdio[3] as net.Socket;
    let said = '';
    const done = (err?: Error): void => {
      ready.destroy();
      child.unref();
      if (err) reject(err);
      else resolve();
    };
    ready.setEncoding('utf8');
    ready.on('data', (d: string) => {
      said += d;
      if (said.includes('ready')) done();
    });
    ready.on('error', () => undefined);
    child.once('error', (err) => done(err));
    child.once('exit', (code) => {
      let tail = '';
      try {
        tail = readFileSync(paths.log, 'utf8').split('\n').slice(-8).join('\n');
      } catch {
        // no log
      }
      done(new Error(`the daemon exited (code ${code}) before it was ready:\n${tail}`));
    });
  });
}

/** Connects to the daemon, starting it first when nothing listens. */
export async function connectDaemon(env: NodeJS.ProcessEnv = process.env, client = 'cli'): Promise<DaemonClient> {
  const paths = daemonPaths(env);
  try {
    return await DaemonClient.connect(paths, client);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ECONNREFUSED') throw err;
  }
  try {
    await spawnDaemon(env);
  } catch (err) {
    // Another client may have started it meanwhile; a daemon that answers is all we need.
    try {
      return await DaemonClient.connect(paths, client);
    } catch {
      throw err;
    }
  }
  return DaemonClient.connect(paths, client);
}
