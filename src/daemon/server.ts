// The daemon: owns the sessions (and through them every agent process, proxy and hook endpoint),
// the store and the ASK queue, and serves the JSON-lines protocol on a 0600 unix socket to
// clients that present the token. The token lives in the state dir, which every sandbox denies,
// so nothing an agent runs can drive the daemon, answer an ask or read another session.
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { DiagnosticError } from '../util/diagnostic.js';
import { SessionManager } from '../session/index.js';
import { daemonPaths, type DaemonPaths } from '../session/paths.js';
import { ASK_ANSWERS, type AskAnswer } from '../policy/index.js';
import type { Tail } from '../store/index.js';
import { CAPABILITIES, lineReader, PROTOCOL_VERSION, ptyFrameHeader, type AttachResult, type HelloResult, type Push, type Reply, type Request } from './protocol.js';
import { SessionsFeed } from './sessions-feed.js';

export interface DaemonOptions {
  env?: NodeJS.ProcessEnv;
  log?: (message: string) => void;
}

export interface Daemon {
  paths: DaemonPaths;
  manager: SessionManager;
  /** Ends every session (interrupted), closes the socket and the store. */
  close(): Promise<void>;
  /** Settles once the daemon has closed (after `close` or a `stop` request). */
  closed: Promise<void>;
}

export class DaemonRunningError extends Error {}

/** Bytes queued on a client's socket above which its attached PTYs are paused until it drains. */
const SOCKET_HIGH_WATER = 1024 * 1024;

/** Shortest time between two `sessions` pushes (see SessionsFeed). */
const SESSIONS_PUSH_INTERVAL_MS = 50;

function helloResult(): HelloResult {
  return { version: PROTOCOL_VERSION, pid: process.pid, capabilities: [...CAPABILITIES] };
}

/** Reads the client token, creating it (0600) on first use. */
export function ensureToken(paths: DaemonPaths): string {
  if (existsSync(paths.token)) {
    chmodSync(paths.token, 0o600);
    return readFileSync(paths.token, 'utf8').trim();
  }
  const token = randomBytes(32).toString('hex');
  writeFileSync(paths.token, `${token}\n`, { mode: 0o600, flag: 'wx' });
  return token;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function canConnect(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(socket);
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** One instance per state dir: a live pid in the pid file, or a socket that answers, means running. */
async function claimInstance(paths: DaemonPaths): Promise<void> {
  if (existsSync(paths.pid)) {
    const pid = Number(readFileSync(paths.pid, 'utf8').trim());
    if (Number.isInteger(pid) && pid !== process.pid && pidAlive(pid) && (await canConnect(paths.socket))) {
      throw new DaemonRunningError(`a daemon is already running (pid ${pid})`);
    }
  }
  if (await canConnect(paths.socket)) throw new DaemonRunningError(`a daemon is already listening on ${paths.socket}`);
  rmSync(paths.socket, { force: true });
  writeFileSync(paths.pid, `${process.pid}\n`, { mode: 0o600 });
}

export async function startDaemon(opts: DaemonOptions = {}): Promise<Daemon> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? (() => undefined);
  const paths = daemonPaths(env);
  mkdirSync(paths.state, { recursive: true, mode: 0o700 });
  mkdirSync(paths.runtime, { recursive: true, mode: 0o700 });
  await claimInstance(paths);
  const token = ensureToken(paths);
  const upstreamCa = env.BRIDLE_UPSTREAM_CA ? readFileSync(env.BRIDLE_UPSTREAM_CA, 'utf8') : undefined;
  const manager = new SessionManager({ env, ...(upstreamCa !== undefined ? { upstreamCa } : {}) });
  const recovered = manager.recover();
  if (recovered.length > 0) log(`marked ${recovered.length} session(s) interrupted: ${recovered.map((s) => s.id).join(', ')}`);
  const feed = new SessionsFeed(manager.store, { intervalMs: SESSIONS_PUSH_INTERVAL_MS, highWater: SOCKET_HIGH_WATER, log });
  manager.store.onListChange(() => feed.changed());

  let closing: Promise<void> | undefined;
  let settleClosed!: () => void;
  const closed = new Promise<void>((resolve) => (settleClosed = resolve));
  const connections = new Set<net.Socket>();

  const server = net.createServer((socket) => {
    connections.add(socket);
    const tails = new Map<string, Tail>();
    let client: string | undefined;
    let binary = false;
    const send = (message: Reply | Push): void => {
      if (!socket.destroyed) socket.write(`${JSON.stringify(message)}\n`);
    };
    const attached = new Map<string, Attachment>();
    const dropTails = (): void => {
      for (const t of tails.values()) t.stop();
      tails.clear();
      for (const a of attached.values()) a.release();
      attached.clear();
    };
    socket.on('close', () => {
      dropTails();
      feed.unwatch(socket);
      connections.delete(socket);
    });
    socket.on('error', () => undefined);
    socket.setEncoding('utf8');
    const onMessage = (value: unknown): void => {
      const req = value as Request;
      const id = typeof req?.id === 'number' ? req.id : 0;
      if (client === undefined) {
        if (req?.op !== 'hello' || typeof req.token !== 'string' || !sameToken(req.token, token)) {
          send({ id, ok: false, error: 'unauthorized: the first request must be hello with the client token' });
          socket.end();
          return;
        }
        client = typeof req.client === 'string' && req.client ? req.client : 'client';
        binary = req.binary === true;
        send({ id, ok: true, result: helloResult() });
        return;
      }
      void handle(req, client, { send, tails, socket, attached, binary }).then(
        (result) => send({ id, ok: true, result: result ?? null }),
        (err: unknown) => send({ id, ok: false, error: err instanceof Error ? err.message : String(err) }),
      );
    };
    socket.on('data', lineReader(onMessage, (message) => send({ id: 0, ok: false, error: message })));
  });

  interface Conn {
    send(message: Reply | Push): void;
    tails: Map<string, Tail>;
    socket: net.Socket;
    /** Interactive sessions this connection watches. */
    attached: Map<string, Attachment>;
    /** Send `pty` pushes as binary frames (the client said so in `hello`). */
    binary: boolean;
  }

  /** One connection's view of one session's terminal. */
  interface Attachment {
    /** Stops the pushes (detach, connection closed) and lifts this view's pauses. */
    release(): void;
    /** The client's own flow control (`pty_pause` / `pty_resume` ops): idempotent per attachment. */
    pause(): void;
    resume(): void;
  }

  const handle = async (req: Request, client: string, conn: Conn): Promise<unknown> => {
    const store = manager.store;
    switch (req.op) {
      case 'hello':
        return helloResult();
      case 'status':
        return { pid: process.pid, socket: paths.socket, state_dir: paths.state, live: manager.liveIds() };
      case 'list':
        return store.listSessions({ limit: req.limit ?? 100 });
      case 'show': {
        const session = store.getSession(req.session);
        if (!session) throw new Error(`no session ${req.session}`);
        return {
          session,
          live: manager.get(req.session) !== undefined,
          asks: store.listAsks({ sessionId: req.session, limit: 1000 }),
          decisions: store.listDecisions(req.session, { limit: 1000 }),
          usage: store.listUsage(req.session, { limit: 1000 }),
        };
      }
      case 'start': {
        if (typeof req.spec !== 'string' || typeof req.cwd !== 'string') throw new Error('start needs spec and cwd');
        try {
          const session = manager.start({
            specPath: req.spec,
            cwd: req.cwd,
            ...(req.prompt !== undefined ? { prompt: req.prompt } : {}),
            oneShot: req.one_shot === true,
            noAsk: req.no_ask === true,
            ...(req.ask_timeout_ms !== undefined ? { askTimeoutMs: req.ask_timeout_ms } : {}),
            ...(req.model_server !== undefined ? { modelServerScript: req.model_server } : {}),
            ...(typeof req.model === 'string' && req.model ? { model: req.model } : {}),
            clientEnv: req.env ?? {},
            ...(req.mode === 'interactive' ? { mode: 'interactive' as const } : {}),
            ...(req.cols !== undefined && req.rows !== undefined ? { size: { cols: req.cols, rows: req.rows } } : {}),
          });
          return { session: session.id };
        } catch (err) {
          if (err instanceof DiagnosticError) throw new Error(`invalid spec:\n${err.message}`);
          throw err;
        }
      }
      case 'send':
        return { seq: await manager.require(req.session).send(req.text) };
      case 'resume':
      case 'fork': {
        if (typeof req.session !== 'string') throw new Error(`${req.op} needs a session`);
        const params = { clientEnv: req.env ?? {}, ...(typeof req.prompt === 'string' ? { prompt: req.prompt } : {}) };
        try {
          const session = req.op === 'resume' ? manager.resume(req.session, params) : manager.fork(req.session, params);
          return req.op === 'resume' ? { session: session.id } : { session: session.id, forked_from: req.session };
        } catch (err) {
          if (err instanceof DiagnosticError) throw new Error(`invalid spec:\n${err.message}`);
          throw err;
        }
      }
      case 'events':
        return store.readEvents(req.session, { afterSeq: req.after_seq ?? 0, limit: req.limit ?? 1000 });
      case 'subscribe': {
        if (!store.getSession(req.session)) throw new Error(`no session ${req.session}`);
        conn.tails.get(req.session)?.stop();
        const tail = store.tail(req.session, req.after_seq ?? 0, (events) => {
          conn.send({ push: 'events', session: req.session, events: events.map(({ seq, ts, type, payload }) => ({ seq, ts, type, payload })) });
        });
        conn.tails.set(req.session, tail);
        return { session: req.session };
      }
      case 'unsubscribe':
        conn.tails.get(req.session)?.stop();
        conn.tails.delete(req.session);
        return null;
      case 'asks':
        return store.listAsks({ state: 'pending', limit: 1000, ...(req.session !== undefined ? { sessionId: req.session } : {}) });
      case 'watch_sessions': {
        const limit = req.limit ?? 100;
        if (!Number.isSafeInteger(limit) || limit < 1) throw new Error('limit must be a positive integer');
        // The reply goes out before any push this watch causes: pushes wait for a later turn.
        return feed.watch(conn.socket, limit);
      }
      case 'unwatch_sessions':
        feed.unwatch(conn.socket);
        return null;
      case 'resolve': {
        if (!(ASK_ANSWERS as readonly string[]).includes(req.answer)) throw new Error(`answer must be one of ${ASK_ANSWERS.join(', ')}`);
        const d = manager.resolveAsk(req.ask, req.answer as AskAnswer, client);
        return { ask: req.ask, action: d.action, answer: d.answer ?? null };
      }
      case 'interrupt':
        await manager.require(req.session).interrupt();
        return null;
      case 'kill':
        await manager.require(req.session).kill();
        return { state: store.getSession(req.session)?.state ?? null };
      case 'stop':
        setImmediate(() => void close());
        return null;
      case 'attach':
        return attachPty(req.session, conn, req.cols, req.rows);
      case 'input': {
        if (typeof req.data !== 'string') throw new Error('input needs data (a string)');
        const session = manager.require(req.session);
        // Every attached screen's emulator answers the program's queries; only the newest
        // attachment's answer goes through, so the program reads one answer, not one per screen.
        if (req.reply === true && attachOrder.get(req.session)?.at(-1) !== conn.socket) return { taken: false };
        session.input(req.encoding === 'base64' ? Buffer.from(req.data, 'base64') : req.data);
        return req.reply === true ? { taken: true } : null;
      }
      case 'resize':
        manager.require(req.session).resize(req.cols, req.rows);
        return null;
      case 'detach':
        conn.attached.get(req.session)?.release();
        conn.attached.delete(req.session);
        return null;
      case 'pty_pause':
      case 'pty_resume': {
        const a = conn.attached.get(req.session);
        if (!a) throw new Error(`session ${req.session} is not attached on this connection`);
        if (req.op === 'pty_pause') a.pause();
        else a.resume();
        return null;
      }
      default:
        throw new Error(`unknown op ${JSON.stringify((req as { op?: unknown }).op)}`);
    }
  };

  /**
   * Streams a session's terminal to one connection. Output is coalesced per event-loop turn: the
   * PTY hands over reads of a few KiB, and one push per read would cost a JSON line, a base64
   * round trip and a parser call each on both sides. Flow control: when the socket's buffer is
   * full (a slow client), or the client asked (`pty_pause`, its terminal emulator is behind), the
   * session's PTY is paused until it drains / the client resumes, so a flood of output blocks
   * the agent rather than growing anyone's memory.
   */
  /**
   * Per session, the connections (by socket: a `Conn` is made per request) attached to its
   * terminal, oldest first; the newest answers the program's queries (`input` replies).
   */
  const attachOrder = new Map<string, net.Socket[]>();

  const attachPty = (id: string, conn: Conn, cols?: number, rows?: number): AttachResult => {
    const session = manager.require(id);
    conn.attached.get(id)?.release();
    let socketFull = false;
    let clientPaused = false;
    let released = false;
    const onDrain = (): void => {
      if (!socketFull) return;
      socketFull = false;
      session.resumeOutput();
    };
    conn.socket.on('drain', onDrain);
    let pending: Buffer[] = [];
    let flushing = false;
    const flush = (): void => {
      flushing = false;
      if (pending.length === 0 || conn.socket.destroyed) return;
      const bytes = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
      pending = [];
      let ok: boolean;
      if (conn.binary) {
        conn.socket.cork();
        conn.socket.write(ptyFrameHeader(id, bytes.length));
        ok = conn.socket.write(bytes);
        conn.socket.uncork();
      } else ok = conn.socket.write(`{"push":"pty","session":${JSON.stringify(id)},"data":"${bytes.toString('base64')}"}\n`);
      // Not at the socket's own mark (16 KiB, less than one push): pausing on every write would
      // stop and start the PTY for every read. `drain` follows any write that returned false.
      if (!ok && conn.socket.writableLength > SOCKET_HIGH_WATER && !socketFull && !released) {
        socketFull = true;
        session.pauseOutput();
      }
    };
    let view: { detach(): void } | undefined;
    let closedEarly = false;
    const attachment: Attachment = {
      release() {
        if (released) return;
        view?.detach();
        flush();
        released = true;
        conn.socket.off('drain', onDrain);
        onDrain();
        attachment.resume();
        if (conn.attached.get(id) === attachment) {
          conn.attached.delete(id);
          // The screen attached before this one answers the program's queries again.
          const order = (attachOrder.get(id) ?? []).filter((c) => c !== conn.socket);
          if (order.length > 0) attachOrder.set(id, order);
          else attachOrder.delete(id);
        }
      },
      pause() {
        if (clientPaused || released) return;
        clientPaused = true;
        session.pauseOutput();
      },
      resume() {
        if (!clientPaused) return;
        clientPaused = false;
        session.resumeOutput();
      },
    };
    const watch = session.attach({
      data(bytes) {
        if (conn.socket.destroyed || released) return;
        pending.push(bytes);
        if (!flushing) {
          flushing = true;
          setImmediate(flush);
        }
      },
      closed() {
        closedEarly = true;
        // After the attach reply (and the last output), so the client has the snapshot before
        // it hears of the end.
        setImmediate(() => {
          flush();
          conn.send({ push: 'pty_closed', session: id });
        });
        attachment.release();
      },
    });
    view = watch;
    if (!closedEarly) {
      conn.attached.set(id, attachment);
      const order = (attachOrder.get(id) ?? []).filter((c) => c !== conn.socket);
      order.push(conn.socket);
      attachOrder.set(id, order);
    }
    // An attaching client's size wins: it is the one looking at the screen.
    if (cols !== undefined && rows !== undefined && !closedEarly) session.resize(cols, rows);
    return { session: id, cols: cols ?? watch.size.cols, rows: rows ?? watch.size.rows, snapshot: watch.snapshot.toString('base64'), written: watch.written };
  };

  // The socket is created 0600 (umask) and chmod'ed again: no window where others could connect.
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(paths.socket, () => resolve());
    });
  } finally {
    process.umask(umask);
  }
  chmodSync(paths.socket, 0o600);
  log(`listening on ${paths.socket}`);

  const close = (): Promise<void> => {
    if (closing) return closing;
    closing = (async () => {
      server.close();
      // Watchers see their sessions end as interrupted; the store closes at the end of this.
      await manager.shutdown();
      feed.close();
      for (const c of connections) c.destroy();
      rmSync(paths.socket, { force: true });
      try {
        if (Number(readFileSync(paths.pid, 'utf8').trim()) === process.pid) rmSync(paths.pid, { force: true });
      } catch {
        // gone already
      }
      log('stopped');
      settleClosed();
    })();
    return closing;
  };

  return { paths, manager, close, closed };
}
