// The session-list watch (`watch_sessions`, docs/protocol.md): every connection that watches gets
// the whole list of sessions and pending asks again whenever it changes. Whole snapshots rather
// than deltas: a hundred rows are a few tens of KiB, a client needs no merge logic and cannot drift
// out of step, and a push that is skipped or merged loses nothing because the next one carries
// everything. Changes are coalesced: the first change after a quiet spell is pushed on the next
// event-loop turn, later ones at most once per `intervalMs`, so a burst of usage records (one per
// proxied model request) costs one query and one push, not one per record.
import type net from 'node:net';
import type { Ask, Session, Store } from '../store/index.js';
import type { SessionsSnapshot } from './protocol.js';

export interface SessionsFeedOptions {
  /** Shortest time between two pushes (the first after a quiet spell goes on the next turn). */
  intervalMs: number;
  /** Bytes queued on a watcher's socket above which it is sent nothing until it drains. */
  highWater: number;
  log: (message: string) => void;
}

interface Watcher {
  socket: net.Socket;
  limit: number;
  /** The last list sent (`{"sessions":…,"asks":…}`): an unchanged one is not sent again. */
  last: string;
  /** The socket is over the high-water mark; a `drain` listener is waiting. */
  blocked: boolean;
  onDrain: () => void;
}

export class SessionsFeed {
  private readonly watchers = new Map<net.Socket, Watcher>();
  private rev = 0;
  private scheduled: { cancel(): void } | null = null;
  private lastPushAt = Number.NEGATIVE_INFINITY;
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly opts: SessionsFeedOptions,
  ) {}

  /** Something a snapshot shows may have changed: schedule a push (at most one is pending). */
  changed(): void {
    if (this.closed || this.scheduled !== null || this.watchers.size === 0) return;
    const wait = this.lastPushAt + this.opts.intervalMs - performance.now();
    if (wait <= 0) {
      const immediate = setImmediate(() => this.flush());
      this.scheduled = { cancel: () => clearImmediate(immediate) };
    } else {
      const timer = setTimeout(() => this.flush(), Math.ceil(wait));
      this.scheduled = { cancel: () => clearTimeout(timer) };
    }
  }

  /** Starts (or restarts, with a new limit) a connection's watch; returns the current snapshot. */
  watch(socket: net.Socket, limit: number): SessionsSnapshot {
    this.unwatch(socket);
    const sessions = this.store.listSessions({ limit });
    const asks = this.pendingAsks();
    const watcher: Watcher = {
      socket,
      limit,
      last: JSON.stringify({ sessions, asks }),
      blocked: false,
      onDrain: () => {
        watcher.blocked = false;
        // Whatever changed while it was full; an unchanged list is not sent again.
        this.changed();
      },
    };
    this.watchers.set(socket, watcher);
    return { rev: ++this.rev, sessions, asks };
  }

  unwatch(socket: net.Socket): void {
    const w = this.watchers.get(socket);
    if (!w) return;
    socket.off('drain', w.onDrain);
    this.watchers.delete(socket);
  }

  /** Stops every watch and any pending push (the daemon is closing). */
  close(): void {
    this.closed = true;
    this.scheduled?.cancel();
    this.scheduled = null;
    for (const socket of [...this.watchers.keys()]) this.unwatch(socket);
  }

  private pendingAsks(): Ask[] {
    return this.store.listAsks({ state: 'pending', limit: 1000 });
  }

  /** One query for every watcher (the longest limit, sliced per watcher), one line per watcher. */
  private flush(): void {
    this.scheduled = null;
    this.lastPushAt = performance.now();
    const ready = [...this.watchers.values()].filter((w) => !w.blocked && !w.socket.destroyed);
    if (ready.length === 0 || this.closed) return;
    let sessions: Session[];
    let asks: Ask[];
    try {
      sessions = this.store.listSessions({ limit: Math.max(...ready.map((w) => w.limit)) });
      asks = this.pendingAsks();
    } catch (err) {
      // The store closes as the daemon stops; nothing is left to tell anyone then.
      if (!this.closed) this.opts.log(`session list push failed: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const rev = ++this.rev;
    const bodies = new Map<number, string>();
    for (const w of ready) {
      let body = bodies.get(w.limit);
      if (body === undefined) {
        body = JSON.stringify({ sessions: sessions.length > w.limit ? sessions.slice(0, w.limit) : sessions, asks });
        bodies.set(w.limit, body);
      }
      if (body === w.last) continue;
      w.last = body;
      // `body` is an object's JSON; the push's own fields go in front of its first key.
      w.socket.write(`{"push":"sessions","rev":${rev},${body.slice(1)}\n`);
      if (w.socket.writableLength > this.opts.highWater) {
        // A client that does not read is sent nothing more until it has; then the latest list.
        w.blocked = true;
        w.socket.once('drain', w.onDrain);
      }
    }
  }
}
