// The DashboardSource over the daemon protocol (docs/protocol.md): `list` + `asks` polled (the
// protocol has no list subscription; a poll is one small request), and refreshed at once after
// an event that changes them; `subscribe` per session on screen; the PTY ops for terminals.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { AttachResult, DaemonClient, EventsPush, Push } from '../daemon/index.js';
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
  /** How often the session list is refreshed without an event asking for it. */
  pollMs?: number;
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
  private timer: NodeJS.Timeout | null = null;
  private refreshing = false;
  private again = false;
  private closed = false;

  constructor(
    private readonly client: DaemonClient,
    private readonly options: DaemonSourceOptions,
  ) {
    client.onEvents((push: EventsPush) => {
      for (const l of this.subscribers.get(push.session) ?? []) l(push.events);
      // States, asks and spend live in the list: refresh it when an event may have changed them.
      if (push.events.some((e) => e.type === 'lifecycle' || e.type === 'usage')) this.refresh();
    });
    client.onPush((p: Push) => {
      if (p.push === 'pty') this.pty.get(p.session)?.data(ptyBytes(p));
      else if (p.push === 'pty_closed') this.pty.get(p.session)?.closed();
    });
  }

  watch(listener: (s: Snapshot) => void): () => void {
    this.watchers.add(listener);
    if (this.timer === null) this.timer = setInterval(() => this.refresh(), this.options.pollMs ?? 1000);
    this.refresh();
    return () => this.watchers.delete(listener);
  }

  /** One refresh at a time; a request during one schedules exactly one more. */
  private refresh(): void {
    if (this.closed) return;
    if (this.refreshing) {
      this.again = true;
      return;
    }
    this.refreshing = true;
    Promise.all([this.client.request<Session[]>('list', { limit: 100 }), this.client.request<Ask[]>('asks')])
      .then(([sessions, asks]) => {
        const snap: Snapshot = {
          sessions: sessions.map((s) => ({ id: s.id, agent: s.agent, harness: s.harness, state: s.state, costUsd: s.costUsd, createdAt: s.createdAt, endedAt: s.endedAt })),
          asks: asks.map((a): PendingAsk => ({ id: a.id, sessionId: a.sessionId, prompt: a.prompt, createdAt: a.createdAt, expiresAt: a.expiresAt })),
        };
        for (const w of this.watchers) w(snap);
      })
      .catch(() => undefined)
      .finally(() => {
        this.refreshing = false;
        if (this.again) {
          this.again = false;
          this.refresh();
        }
      });
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
    this.refresh();
  }

  async attach(sessionId: string, size: { cols: number; rows: number }, handlers: PtyHandlers): Promise<Uint8Array> {
    this.pty.set(sessionId, handlers);
    const r = await this.client.request<AttachResult>('attach', { session: sessionId, cols: size.cols, rows: size.rows });
    return Buffer.from(r.snapshot, 'base64');
  }

  input(sessionId: string, data: string): void {
    void this.client.request('input', { session: sessionId, data: Buffer.from(data, 'utf8').toString('base64'), encoding: 'base64' }).catch(() => undefined);
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
    this.refresh();
    return r.session;
  }

  onLost(listener: (reason: string) => void): void {
    this.client.onClosed(() => {
      if (!this.closed) listener('the daemon closed the connection');
    });
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.client.close();
  }
}
