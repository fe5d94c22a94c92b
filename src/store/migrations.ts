// Schema versions. The database's `PRAGMA user_version` is the number of the last migration
// applied. Migrations are append-only: never edit a shipped one, add the next number instead.
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  up: string | ((db: Database.Database) => void);
  /**
   * Run with foreign key enforcement off, for a step that rebuilds a table other tables refer to
   * (SQLite's documented way to change a constraint: create, copy, drop, rename). Dropping the old
   * table would otherwise fail on the rows that refer to it. Before the step commits, every
   * foreign key is checked; any dangling reference rolls the step back.
   */
  foreignKeysOff?: boolean;
}

export class SchemaVersionError extends Error {
  constructor(
    readonly file: string,
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `bridle store: ${file} has schema version ${found}, but this Bridle only knows versions up to ${supported}. ` +
        'It was written by a newer Bridle; upgrade Bridle, or point BRIDLE_HOME at another directory.',
    );
    this.name = 'SchemaVersionError';
  }
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    up: `
      CREATE TABLE sessions (
        id          TEXT PRIMARY KEY,
        agent       TEXT NOT NULL,
        harness     TEXT NOT NULL,
        spec_path   TEXT,
        workspace   TEXT,
        state       TEXT NOT NULL CHECK (state IN ('starting','working','waiting','asking','done','failed','interrupted')),
        parent_id   TEXT REFERENCES sessions(id),
        created_at  INTEGER NOT NULL,
        ended_at    INTEGER,
        exit_code   INTEGER,
        cost_usd    REAL NOT NULL DEFAULT 0,
        tokens      INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      CREATE INDEX sessions_created ON sessions(created_at);
      CREATE INDEX sessions_parent ON sessions(parent_id) WHERE parent_id IS NOT NULL;

      -- The rowid gives a global append order; (session_id, seq) is the address everyone uses.
      -- A rowid table rather than WITHOUT ROWID because payloads (tool output) can be large.
      CREATE TABLE events (
        id          INTEGER PRIMARY KEY,
        session_id  TEXT NOT NULL REFERENCES sessions(id),
        seq         INTEGER NOT NULL,
        ts          INTEGER NOT NULL,
        type        TEXT NOT NULL,
        payload     TEXT NOT NULL,
        UNIQUE (session_id, seq)
      ) STRICT;
      CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
      CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

      CREATE TABLE decisions (
        id          INTEGER PRIMARY KEY,
        session_id  TEXT NOT NULL REFERENCES sessions(id),
        event_seq   INTEGER,
        action_id   TEXT,
        verdict     TEXT NOT NULL CHECK (verdict IN ('allow','warn','ask','deny')),
        rules       TEXT NOT NULL,
        message     TEXT,
        ts          INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX decisions_session ON decisions(session_id, id);

      CREATE TABLE asks (
        id           TEXT PRIMARY KEY,
        session_id   TEXT NOT NULL REFERENCES sessions(id),
        decision_id  INTEGER REFERENCES decisions(id),
        prompt       TEXT NOT NULL,
        state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','allowed','denied','expired')),
        scope        TEXT NOT NULL DEFAULT 'once' CHECK (scope IN ('once','session')),
        answered_by  TEXT,
        created_at   INTEGER NOT NULL,
        answered_at  INTEGER,
        expires_at   INTEGER
      ) STRICT;
      CREATE INDEX asks_session ON asks(session_id, created_at);
      CREATE INDEX asks_pending ON asks(created_at) WHERE state = 'pending';

      CREATE TABLE usage (
        id                  INTEGER PRIMARY KEY,
        session_id          TEXT NOT NULL REFERENCES sessions(id),
        ts                  INTEGER NOT NULL,
        model               TEXT,
        input_tokens        INTEGER NOT NULL DEFAULT 0,
        output_tokens       INTEGER NOT NULL DEFAULT 0,
        cache_read_tokens   INTEGER NOT NULL DEFAULT 0,
        cache_write_tokens  INTEGER NOT NULL DEFAULT 0,
        cost_usd            REAL NOT NULL DEFAULT 0,
        source              TEXT NOT NULL
      ) STRICT;
      CREATE INDEX usage_session ON usage(session_id, ts);
    `,
  },
  {
    version: 2,
    name: 'session forks',
    // Not `parent_id`: that is the orchestrator of a sub-agent; a fork is a sibling copy.
    up: `
      ALTER TABLE sessions ADD COLUMN forked_from TEXT REFERENCES sessions(id);
      CREATE INDEX sessions_forked_from ON sessions(forked_from) WHERE forked_from IS NOT NULL;
    `,
  },
  {
    version: 3,
    name: 'redact verdict',
    // A redaction (a tool result rewritten, then passed on) is its own verdict, not a warn. SQLite
    // cannot change a CHECK constraint in place, so the table is rebuilt with the same columns and
    // ids (asks.decision_id keeps pointing at the same rows) and its index made again.
    foreignKeysOff: true,
    up: `
      CREATE TABLE decisions_v3 (
        id          INTEGER PRIMARY KEY,
        session_id  TEXT NOT NULL REFERENCES sessions(id),
        event_seq   INTEGER,
        action_id   TEXT,
        verdict     TEXT NOT NULL CHECK (verdict IN ('allow','warn','redact','ask','deny')),
        rules       TEXT NOT NULL,
        message     TEXT,
        ts          INTEGER NOT NULL
      ) STRICT;
      INSERT INTO decisions_v3 (id, session_id, event_seq, action_id, verdict, rules, message, ts)
        SELECT id, session_id, event_seq, action_id, verdict, rules, message, ts FROM decisions;
      DROP TABLE decisions;
      ALTER TABLE decisions_v3 RENAME TO decisions;
      CREATE INDEX decisions_session ON decisions(session_id, id);
    `,
  },
];

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function latestVersion(migrations: readonly Migration[] = MIGRATIONS): number {
  return migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version;
}

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`bridle store: migration #${i} ('${m.name}') must have version ${i + 1}, has ${m.version}`);
  });
}

/** Refuse databases from a newer Bridle; report whether this one needs migrating. */
export function checkVersion(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number {
  const found = schemaVersion(db);
  const supported = latestVersion(migrations);
  if (found > supported) throw new SchemaVersionError(db.name, found, supported);
  return found;
}

/**
 * Bring the schema up to date. Each migration runs in its own IMMEDIATE transaction together with
 * the bump of user_version, so a failing migration leaves the database at the previous version and
 * two processes opening a fresh store at once cannot both apply the same step (the loser waits on
 * the write lock, then sees the new version and skips it).
 * Returns the versions applied.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  checkOrder(migrations);
  checkVersion(db, migrations);
  const applied: number[] = [];
  for (const m of migrations) {
    // Cheap check first so an up-to-date store opens without taking the write lock.
    if (schemaVersion(db) >= m.version) continue;
    const step = db.transaction(() => {
      // Re-read inside the write lock: another connection may have migrated meanwhile.
      const current = checkVersion(db, migrations);
      if (current >= m.version) return;
      if (typeof m.up === 'string') db.exec(m.up);
      else m.up(db);
      if (m.foreignKeysOff) {
        const dangling = db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[];
        if (dangling.length > 0) {
          const first = dangling[0]!;
          throw new Error(`bridle store: migration ${m.version} ('${m.name}') left ${dangling.length} dangling reference(s), e.g. ${first.table} row ${first.rowid} → ${first.parent}`);
        }
      }
      db.pragma(`user_version = ${m.version}`);
      applied.push(m.version);
    });
    // The pragma is a no-op inside a transaction, so it is switched around the step, and back to
    // what the connection had (the store opens with foreign keys on).
    const fkWas = m.foreignKeysOff ? (db.pragma('foreign_keys', { simple: true }) as number) : 0;
    if (m.foreignKeysOff) db.pragma('foreign_keys = OFF');
    try {
      step.immediate();
    } finally {
      if (m.foreignKeysOff && fkWas) db.pragma('foreign_keys = ON');
    }
  }
  return applied;
}
