import test from 'ava';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import { latestVersion, MIGRATIONS, openStore, SchemaVersionError, storeFile, type Migration } from '../../src/store/index.js';
import { migrate, schemaVersion } from '../../src/store/migrations.js';
import { closeLater, tempHome } from './helpers.js';

function tables(db: Database.Database): string[] {
  return db
    .prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
    .pluck()
    .all();
}

test('a fresh store is at the latest schema version with every table', (t) => {
  const dir = tempHome(t);
  const store = closeLater(t, openStore({ dir }));
  t.is(store.schemaVersion, latestVersion());
  t.is(latestVersion(), MIGRATIONS.length);
  store.close();
  const raw = new Database(storeFile(dir), { readonly: true });
  t.teardown(() => raw.close());
  t.deepEqual(tables(raw), ['asks', 'decisions', 'events', 'sessions', 'usage']);
  t.is(raw.pragma('journal_mode', { simple: true }), 'wal');
});

test('migrations apply in order, once each, and record user_version', (t) => {
  const dir = tempHome(t);
  fs.mkdirSync(dir, { recursive: true });
  const db = new Database(storeFile(dir));
  t.teardown(() => db.close());
  const order: number[] = [];
  const steps: Migration[] = [
    { version: 1, name: 'a', up: 'CREATE TABLE a (x INTEGER)' },
    {
      version: 2,
      name: 'b',
      up: (d) => {
        order.push(2);
        d.exec('CREATE TABLE b (x INTEGER)');
      },
    },
  ];
  t.deepEqual(migrate(db, steps.slice(0, 1)), [1]);
  t.is(schemaVersion(db), 1);
  t.deepEqual(migrate(db, steps), [2]);
  t.deepEqual(migrate(db, steps), []);
  t.deepEqual(order, [2]);
  t.is(schemaVersion(db), 2);
  t.deepEqual(tables(db), ['a', 'b']);
});

test('a failing migration rolls back its own changes and leaves the earlier version', (t) => {
  const dir = tempHome(t);
  fs.mkdirSync(dir, { recursive: true });
  const db = new Database(storeFile(dir));
  t.teardown(() => db.close());
  const steps: Migration[] = [
    { version: 1, name: 'ok', up: 'CREATE TABLE a (x INTEGER)' },
    {
      version: 2,
      name: 'broken',
      up: (d) => {
        d.exec('CREATE TABLE half (x INTEGER); INSERT INTO a VALUES (1);');
        throw new Error('boom');
      },
    },
  ];
  t.throws(() => migrate(db, steps), { message: 'boom' });
  t.is(schemaVersion(db), 1);
  t.deepEqual(tables(db), ['a']);
  t.is(db.prepare('SELECT count(*) FROM a').pluck().get(), 0);
});

test('a migration list with gaps or out of order is rejected', (t) => {
  const dir = tempHome(t);
  fs.mkdirSync(dir, { recursive: true });
  const db = new Database(storeFile(dir));
  t.teardown(() => db.close());
  t.throws(() => migrate(db, [{ version: 2, name: 'x', up: 'SELECT 1' }]), { message: /must have version 1/ });
  t.is(schemaVersion(db), 0);
});

test('a database from a newer Bridle is refused with a clear message, for writers and readers', (t) => {
  const dir = tempHome(t);
  openStore({ dir }).close();
  const raw = new Database(storeFile(dir));
  raw.pragma('user_version = 99');
  raw.close();
  for (const readOnly of [false, true]) {
    const err = t.throws(() => openStore({ dir, readOnly }), { instanceOf: SchemaVersionError });
    t.regex(err.message, /schema version 99/);
    t.regex(err.message, new RegExp(`only knows versions up to ${latestVersion()}`));
    t.regex(err.message, /newer Bridle/);
  }
  // Refusing must not have touched the file.
  const after = new Database(storeFile(dir), { readonly: true });
  t.teardown(() => after.close());
  t.is(after.pragma('user_version', { simple: true }), 99);
});

test('opening with a later migration upgrades an existing store and keeps its data', (t) => {
  const dir = tempHome(t);
  const v1 = openStore({ dir });
  const s = v1.createSession({ agent: 'a', harness: 'bridle' });
  v1.append(s.id, [{ type: 'text', payload: 'before' }]);
  v1.close();

  const next: Migration[] = [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: 'label', up: 'ALTER TABLE sessions ADD COLUMN label TEXT' }];
  // A reader never migrates: it is told to let a writer do it.
  t.throws(() => openStore({ dir, readOnly: true, migrations: next }), { message: /needs migrating/ });
  const v2 = closeLater(t, openStore({ dir, migrations: next }));
  t.is(v2.schemaVersion, MIGRATIONS.length + 1);
  t.deepEqual(
    v2.readEvents(s.id).map((e) => e.payload),
    ['before'],
  );
  v2.close();
  const raw = new Database(storeFile(dir), { readonly: true });
  t.teardown(() => raw.close());
  const cols = raw.prepare<[], string>("SELECT name FROM pragma_table_info('sessions')").pluck().all();
  t.true(cols.includes('label'));
});

test('a read-only open never creates a store', (t) => {
  const dir = tempHome(t);
  t.throws(() => openStore({ dir, readOnly: true }));
  t.false(fs.existsSync(storeFile(dir)));
});

test('v3: a v2 store keeps its decisions, asks and events, triggers and references, and accepts `redact`', (t) => {
  const dir = tempHome(t);
  // A store as Bridle left it at schema version 2, with rows in every table that v3 touches.
  const v2 = openStore({ dir, migrations: MIGRATIONS.slice(0, 2) });
  t.is(v2.schemaVersion, 2);
  const s = v2.createSession({ agent: 'a', harness: 'bridle' });
  v2.append(s.id, [{ type: 'text', payload: 'before' }]);
  const warn = v2.recordDecision({ sessionId: s.id, actionId: 'c1', verdict: 'warn', rules: [{ name: 'r1' }], message: 'careful', ts: 1000 });
  const asked = v2.recordDecision({ sessionId: s.id, verdict: 'ask', rules: [{ name: 'r2' }], ts: 2000 });
  const ask = v2.createAsk({ sessionId: s.id, decisionId: asked.id, prompt: 'may it?' });
  // The v2 table refuses the verdict v3 adds.
  t.throws(() => v2.recordDecision({ sessionId: s.id, verdict: 'redact', rules: [] }), { any: true, message: /CHECK constraint/ });
  v2.close();

  const v3 = closeLater(t, openStore({ dir }));
  t.is(v3.schemaVersion, 3);
  // Rows kept, ids and all: the ask still points at its decision.
  t.deepEqual(v3.listDecisions(s.id), [warn, asked]);
  t.is(v3.getAsk(ask.id)?.decisionId, asked.id);
  t.deepEqual(v3.readEvents(s.id).map((e) => e.payload), ['before']);
  const red = v3.recordDecision({ sessionId: s.id, actionId: 'c2', verdict: 'redact', rules: [{ name: 'redact-secrets' }], message: 'redacted 1 match' });
  t.is(red.verdict, 'redact');
  t.is(red.id, asked.id + 1);
  v3.close();

  const raw = new Database(storeFile(dir));
  t.teardown(() => raw.close());
  raw.pragma('foreign_keys = ON');
  t.deepEqual(raw.pragma('foreign_key_check'), []);
  t.deepEqual(raw.pragma('integrity_check', { simple: true }), 'ok');
  // The events log is still append-only.
  t.throws(() => raw.prepare("UPDATE events SET payload = '\"after\"'").run(), { any: true, message: /append-only/ });
  t.throws(() => raw.prepare('DELETE FROM events').run(), { any: true, message: /append-only/ });
  // The rebuilt table still checks its verdicts and its references, and has its index.
  t.throws(() => raw.prepare("INSERT INTO decisions (session_id, verdict, rules, ts) VALUES (?, 'bogus', '[]', 1)").run(s.id), { any: true, message: /CHECK constraint/ });
  t.throws(() => raw.prepare("INSERT INTO decisions (session_id, verdict, rules, ts) VALUES ('s_nobody', 'warn', '[]', 1)").run(), { any: true, message: /FOREIGN KEY/ });
  t.throws(() => raw.prepare("INSERT INTO asks (id, session_id, decision_id, prompt, created_at) VALUES ('a_x', ?, 999999, 'p', 1)").run(s.id), { any: true, message: /FOREIGN KEY/ });
  t.deepEqual(raw.prepare<[], string>("SELECT name FROM sqlite_schema WHERE tbl_name = 'decisions' AND type = 'index'").pluck().all(), ['decisions_session']);
  t.deepEqual(tables(raw), ['asks', 'decisions', 'events', 'sessions', 'usage']);
});

test('a foreignKeysOff migration that leaves a dangling reference is rolled back, and foreign keys are on again', (t) => {
  const dir = tempHome(t);
  fs.mkdirSync(dir, { recursive: true });
  const db = new Database(storeFile(dir));
  t.teardown(() => db.close());
  db.pragma('foreign_keys = ON');
  const steps: Migration[] = [
    { version: 1, name: 'tables', up: 'CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (p_id INTEGER REFERENCES p(id)); INSERT INTO p VALUES (1); INSERT INTO c VALUES (1);' },
    { version: 2, name: 'loses a parent', foreignKeysOff: true, up: 'DELETE FROM p' },
  ];
  t.throws(() => migrate(db, steps), { message: /dangling reference/ });
  t.is(schemaVersion(db), 1);
  t.is(db.prepare('SELECT count(*) FROM p').pluck().get(), 1);
  t.is(db.pragma('foreign_keys', { simple: true }), 1);
});
