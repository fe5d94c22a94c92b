// The event store: one SQLite file per Bridle home holding sessions, their append-only event log,
// policy decisions, ASKs and usage. The daemon is the one writer; other processes may open the
// same file read-only to list sessions or follow a log.
//
// Ordering guarantee: writes commit in the order they are made. Events are batched, so every other
// write first commits the queued events; a decision, session update or usage row is never
// visible before the events appended ahead of it.
import type Database from 'better-sqlite3';
import { stateHome } from '../paths.js';
import { openDatabase, storeFile } from './db.js';
import { checkVersion, latestVersion, migrate, MIGRATIONS, schemaVersion, type Migration } from './migrations.js';
import { EventLog } from './events.js';
import { SessionRepo } from './sessions.js';
import { DecisionRepo } from './decisions.js';
import { UsageRepo } from './usage.js';
import { identityRedactor } from './redact.js';
import type {
  Ask,
  AskAnswer,
  AskFilter,
  Decision,
  EventInput,
  NewAsk,
  NewDecision,
  NewSession,
  NewUsage,
  ReadOptions,
  Redactor,
  Session,
  SessionFilter,
  SessionPatch,
  StoredEvent,
  Tail,
  TailOptions,
  Usage,
} from './types.js';

export * from './types.js';
export { STORE_FILENAME, storeFile } from './db.js';
export { MIGRATIONS, SchemaVersionError, latestVersion, type Migration } from './migrations.js';
export { identityRedactor } from './redact.js';
export { usageTokens } from './usage.js';

export interface StoreOptions {
  /** Directory of the store; default `stateHome()` ($BRIDLE_HOME, $XDG_STATE_HOME/bridle, ~/.local/state/bridle). */
  dir?: string;
  /** Applied to every free-form value before it is written; default identity. */
  redact?: Redactor;
  /** Open an existing store for reading only (no migrations, no writes). */
  readOnly?: boolean;
  /** Commit the event queue as soon as it holds this many events; default 1000. */
  batchSize?: number;
  /** How often tails check for commits by other connections, in ms; default 10. 0 disables. */
  pollMs?: number;
  /** See OpenDatabaseOptions.synchronous; default `normal`. */
  synchronous?: 'normal' | 'full';
  /** A background event commit failed and nobody awaited it; default: a process warning. */
  onError?: (err: unknown) => void;
  /** Override the schema steps (tests). */
  migrations?: readonly Migration[];
}

export class Store {
  /** Path of the database file. */
  readonly file: string;
  private readonly events: EventLog;
  private readonly sessions: SessionRepo;
  private readonly decisions: DecisionRepo;
  private readonly usage: UsageRepo;
  private closed = false;
  private readonly listListeners = new Set<() => void>();

  /** @internal use openStore */
  constructor(
    private readonly db: Database.Database,
    opts: StoreOptions,
  ) {
    this.file = db.name;
    const redact = opts.redact ?? identityRedactor;
    this.events = new EventLog(db, {
      redact,
      readOnly: opts.readOnly ?? false,
      batchSize: Math.max(1, opts.batchSize ?? 1000),
      pollMs: opts.pollMs ?? 10,
      onError: opts.onError ?? ((err) => process.emitWarning(`bridle store: event batch lost: ${String(err)}`)),
    });
    this.sessions = new SessionRepo(db, redact);
    this.decisions = new DecisionRepo(db, redact);
    this.usage = new UsageRepo(db, this.sessions);
  }

  get schemaVersion(): number {
    return schemaVersion(this.db);
  }

  private open(): void {
    if (this.closed) throw new Error('bridle store: closed');
  }

  /**
   * Calls `listener` after every write that can change what a session list shows: a session
   * created or updated (state, totals), an ask opened or answered, usage recorded. The daemon's
   * session-list watch follows these rather than reading every event back. Returns an unsubscribe.
   */
  onListChange(listener: () => void): () => void {
    this.listListeners.add(listener);
    return () => this.listListeners.delete(listener);
  }

  private listChanged(): void {
    for (const l of this.listListeners) l();
  }

  /** Commit queued events before another write, keeping commit order equal to call order. */
  private write(): void {
    this.open();
    this.events.flushSync();
  }

  // Sessions

  createSession(s: NewSession): Session {
    this.write();
    const created = this.sessions.create(s);
    this.listChanged();
    return created;
  }

  updateSession(id: string, patch: SessionPatch): Session {
    this.write();
    const updated = this.sessions.update(id, patch);
    this.listChanged();
    return updated;
  }

  getSession(id: string): Session | undefined {
    this.open();
    return this.sessions.get(id);
  }

  listSessions(filter?: SessionFilter): Session[] {
    this.open();
    return this.sessions.list(filter);
  }

  // Events

  /**
   * Queue events for a session and return their seqs. They commit within the current event-loop
   * turn (or immediately once `batchSize` are queued); `await flush()` to know they are durable.
   */
  append(sessionId: string, events: readonly EventInput[]): number[] {
    this.open();
    return this.events.append(sessionId, events);
  }

  /** Resolves when everything appended so far is committed (the acknowledgement). */
  flush(): Promise<void> {
    this.open();
    return this.events.flush();
  }

  /** Commit queued events now, synchronously. */
  flushSync(): void {
    this.open();
    this.events.flushSync();
  }

  /** Events queued but not yet committed. */
  get pendingEvents(): number {
    return this.events.pending;
  }

  readEvents(sessionId: string, opts?: ReadOptions): StoredEvent[] {
    this.open();
    return this.events.read(sessionId, opts);
  }

  /** Highest committed seq of a session, 0 when it has none. */
  lastSeq(sessionId: string): number {
    this.open();
    return this.events.lastSeq(sessionId);
  }

  /** Follow a session's committed events after `afterSeq` (0: from the start). */
  tail(sessionId: string, afterSeq: number, onEvents: (events: StoredEvent[]) => void, opts?: TailOptions): Tail {
    this.open();
    return this.events.tail(sessionId, afterSeq, onEvents, opts);
  }

  // Governance

  recordDecision(d: NewDecision): Decision {
    this.write();
    return this.decisions.record(d);
  }

  getDecision(id: number): Decision | undefined {
    this.open();
    return this.decisions.getDecision(id);
  }

  listDecisions(sessionId: string, opts?: { afterId?: number; limit?: number }): Decision[] {
    this.open();
    return this.decisions.listDecisions(sessionId, opts);
  }

  createAsk(a: NewAsk): Ask {
    this.write();
    const ask = this.decisions.createAsk(a);
    this.listChanged();
    return ask;
  }

  /** Settle a pending ASK; `null` if it was already settled (first answer wins). */
  answerAsk(id: string, answer: AskAnswer): Ask | null {
    this.write();
    const answered = this.decisions.answerAsk(id, answer);
    this.listChanged();
    return answered;
  }

  getAsk(id: string): Ask | undefined {
    this.open();
    return this.decisions.getAsk(id);
  }

  listAsks(filter?: AskFilter): Ask[] {
    this.open();
    return this.decisions.listAsks(filter);
  }

  /** Record usage and add it to the session's cost and token totals (one transaction). */
  recordUsage(u: NewUsage): Usage {
    this.write();
    const usage = this.usage.record(u);
    this.listChanged();
    return usage;
  }

  listUsage(sessionId: string, opts?: { afterId?: number; limit?: number }): Usage[] {
    this.open();
    return this.usage.list(sessionId, opts);
  }

  /** Commit what is queued, stop tails and close the connection. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.events.close();
    } finally {
      this.db.close();
    }
  }
}

/**
 * Open (creating and migrating if needed) the store. Throws SchemaVersionError for a database
 * written by a newer Bridle.
 */
export function openStore(opts: StoreOptions = {}): Store {
  const dir = opts.dir ?? stateHome();
  const migrations = opts.migrations ?? MIGRATIONS;
  const db = openDatabase({ dir, readOnly: opts.readOnly ?? false, synchronous: opts.synchronous ?? 'normal' });
  try {
    if (opts.readOnly) {
      const v = checkVersion(db, migrations);
      if (v < latestVersion(migrations)) {
        throw new Error(`bridle store: ${storeFile(dir)} is at schema version ${v} and needs migrating; open it once for writing (e.g. start the daemon).`);
      }
    } else {
      migrate(db, migrations);
    }
    return new Store(db, opts);
  } catch (err) {
    db.close();
    throw err;
  }
}
