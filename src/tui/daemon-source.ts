// The DashboardSource over the daemon protocol (docs/protocol.md): the session list and pending
// asks from `watch_sessions` (a snapshot, then a push after every change), `subscribe` per session
// on screen, the PTY ops for terminals.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { AttachResult, DaemonClient, EventsPush, Push, SessionsSnapshot } from '../daemon/index.js';
import { ptyBytes } from '../daemon/protocol.js';
import { interactiveKinds } from '../harness/index.js';
import { loadSpec } from '../spec/index.js';
import type { Ask, Session } from '../store/index.js';
import type { AskAnswer } from './keymap.js';
import type { DashboardSource, PendingAsk, PtyHandlers, Snapshot } from './source.js';
import type { StoredEvent } from './transcript.js';

export interface DaemonSourceOptions {
  /** Where `agents/` is looked for and where new sessions run. */
  cwd: string;
  /**
   * Only for a daemon started by an older Bridle, which has no session-list watch: how often the
   * list is polled instead (default 1 s).
   */
  legacyPollMs?: number;
}

/** Spec files under `<cwd>/agents` (one level of subdirectories), sorted. */
export function findSpecs(cwd: string): string[] {
  const root = path.join(cwd, 'agents');
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const walk = (dir: string, depth: number): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) {
        if (depth < 1) walk(full, depth + 1);
      } else if (/\.ya?ml$/.test(name) && !/\.model-server\.ya?ml$/.test(name)) out.push(path.relative(cwd, full));
    }
  };
  walk(root, 0);
  return out;
}

export class DaemonSource implements DashboardSource {
  private readonly watchers = new Set<(s: Snapshot) => void>();
  private readonly subscribers = new Map<string, Set<(events: StoredEvent[]) => void>>();
  private readonly pty = new Map<string, PtyHandlers>();
  /** The newest list received and its `rev`: a reply and a push can be handled out of order. */
  private latest: Snapshot | null = null;
  private rev = -1;
  private watching = false;
  private legacyTimer: NodeJS.Timeout | null = null;
  private legacyBusy = false;
  private closed = false;

  constructor(
    private readonly client: DaemonClient,
    private readonly options: DaemonSourceOptions,
  ) {
    client.onEvents((push: EventsPush) => {
      for (const l of this.subscribers.get(push.session) ?? []) l(push.events);
    });
    client.onPush((p: Push) => {
      if (p.push === 'pty') this.pty.get(p.session)?.data(ptyBytes(p));
      else if (p.push === 'pty_closed') this.pty.get(p.session)?.closed();
    });
    client.onSessions((p) => this.receive(p));
  }

  watch(listener: (s: Snapshot) => void): () => void {
    this.watchers.add(listener);
    const known = this.latest;
    // A later listener starts from what the others see; never called from inside watch() itself.
    if (known) {
      queueMicrotask(() => {
        if (this.watchers.has(listener)) listener(known);
      });
    }
    if (!this.watching) this.startWatching();
    return () => {
      this.watchers.delete(listener);
      if (this.watchers.size === 0) this.stopWatching();
    };
  }

  private startWatching(): void {
    if (this.closed) return;
    this.watching = true;
    if (!this.client.supports('watch_sessions')) {
      this.legacyRefresh();
      this.legacyTimer = setInterval(() => this.legacyRefresh(), this.options.legacyPollMs ?? 1000);
      return;
    }
    this.client.request<SessionsSnapshot>('watch_sessions', { limit: 100 }).then(
      (snap) => this.receive(snap),
      () => undefined, // the connection is gone: onLost says so
    );
  }

  private stopWatching(): void {
    if (!this.watching) return;
    this.watching = false;
    // Stale by the time anyone watches again; the next watch's reply brings the list.
    this.latest = null;
    if (this.legacyTimer !== null) {
      clearInterval(this.legacyTimer);
      this.legacyTimer = null;
      return;
    }
    if (!this.closed) void this.client.request('unwatch_sessions').catch(() => undefined);
  }

  private receive(snap: SessionsSnapshot): void {
    if (!this.watching || snap.rev <= this.rev) return;
    this.rev = snap.rev;
    this.deliver(snap.sessions, snap.asks);
  }

  private deliver(sessions: Session[], asks: Ask[]): void {
    const snap: Snapshot = {
      sessions: sessions.map((s) => ({ id: s.id, agent: s.agent, harness: s.harness, state: s.state, costUsd: s.costUsd, createdAt: s.createdAt, endedAt: s.endedAt })),
      asks: asks.map((a): PendingAsk => ({ id: a.id, sessionId: a.sessionId, prompt: a.prompt, createdAt: a.createdAt, expiresAt: a.expiresAt })),
    };
    this.latest = snap;
    for (const w of this.watchers) w(snap);
  }

  /** A daemon without `watch_sessions`: `list` + `asks`, one pair at a time. */
  private legacyRefresh(): void {
    if (this.closed || this.legacyBusy) return;
    this.legacyBusy = true;
    Promise.all([this.client.request<Session[]>('list', { limit: 100 }), this.client.request<Ask[]>('asks')])
      .then(([sessions, asks]) => {
        if (this.watching) this.deliver(sessions, asks);
      })
      .catch(() => undefined)
      .finally(() => (this.legacyBusy = false));
  }

  subscribe(sessionId: string, listener: (events: StoredEvent[]) => void): () => void {
    let set = this.subscribers.get(sessionId);
    if (!set) {
      set = new Set();
      this.subscribers.set(sessionId, set);
      void this.client.request('subscribe', { session: sessionId, after_seq: 0 }).catch(() => undefined);
    } else {
      // A second listener starts from the beginning too.
      void this.client.request<StoredEvent[]>('events', { session: sessionId, after_seq: 0, limit: 100000 }).then((ev) => listener(ev), () => undefined);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size > 0) return;
      this.subscribers.delete(sessionId);
      void this.client.request('unsubscribe', { session: sessionId }).catch(() => undefined);
    };
  }

  async resolve(askId: string, answer: AskAnswer): Promise<void> {
    await this.client.request('resolve', { ask: askId, answer });
  }

  async attach(sessionId: string, size: { cols: number; rows: number }, handlers: PtyHandlers): Promise<Uint8Array> {
    this.pty.set(sessionId, handlers);
    const r = await this.client.request<AttachResult>('attach', { session: sessionId, cols: size.cols, rows: size.rows });
    return Buffer.from(r.snapshot, 'base64');
  }

  input(sessionId: string, data: string): void {
    void this.client.request('input', { session: sessionId, data: Buffer.from(data, 'utf8').toString('base64'), encoding: 'base64' }).catch(() => undefined);
  }

  reply(sessionId: string, data: string): void {
    void this.client.request('input', { session: sessionId, data: Buffer.from(data, 'utf8').toString('base64'), encoding: 'base64', reply: true }).catch(() => undefined);
  }

  resize(sessionId: string, cols: number, rows: number): void {
    void this.client.request('resize', { session: sessionId, cols, rows }).catch(() => undefined);
  }

  pause(sessionId: string): void {
    void this.client.request('pty_pause', { session: sessionId }).catch(() => undefined);
  }

  resume(sessionId: string): void {
    void this.client.request('pty_resume', { session: sessionId }).catch(() => undefined);
  }

  detach(sessionId: string): void {
    this.pty.delete(sessionId);
    void this.client.request('detach', { session: sessionId }).catch(() => undefined);
  }

  async send(sessionId: string, text: string): Promise<void> {
    await this.client.request('send', { session: sessionId, text });
  }

  specs(): string[] {
    return findSpecs(this.options.cwd);
  }

  async start(specPath: string): Promise<string> {
    const file = path.resolve(this.options.cwd, specPath);
    const spec = loadSpec(file);
    const interactive = spec.mode !== 'headless' && interactiveKinds().includes(spec.harness);
    const r = await this.client.request<{ session: string }>('start', { spec: file, cwd: this.options.cwd, mode: interactive ? 'interactive' : 'headless' });
    return r.session;
  }

  onLost(listener: (reason: string) => void): void {
    this.client.onClosed(() => {
      if (!this.closed) listener('the daemon closed the connection');
    });
  }

  close(): void {
    this.closed = true;
    if (this.legacyTimer !== null) clearInterval(this.legacyTimer);
    this.legacyTimer = null;
    this.client.close();
  }
}
