import test from 'ava';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import { openStore, storeFile, type RedactWhere, type Redactor } from '../../src/store/index.js';
import { closeLater, tempHome } from './helpers.js';

const SECRET = 'sk-live-7f3a9c2e51b84d06';
const MASK = '[REDACTED]';

// Stand-in for the real rule: replace the secret anywhere inside strings, however deep.
function scrub(v: unknown): unknown {
  if (typeof v === 'string') return v.split(SECRET).join(MASK);
  if (Array.isArray(v)) return v.map(scrub);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrub(x)]));
  return v;
}

test('every free-form value written goes through the redactor; the secret never reaches the files', async (t) => {
  const dir = tempHome(t);
  const seen = new Set<string>();
  const redact: Redactor = (value, where: RedactWhere) => {
    seen.add(`${where.table}.${where.field}`);
    return scrub(value);
  };
  const store = openStore({ dir, redact });
  const s = store.createSession({ agent: 'a', harness: 'bridle', specPath: `/specs/${SECRET}.yaml`, workspace: `/w/${SECRET}` });
  t.is(s.specPath, `/specs/${MASK}.yaml`);
  store.updateSession(s.id, { workspace: `/w2/${SECRET}`, state: 'working' });
  store.append(s.id, [
    { type: 'tool_call', payload: { tool: { name: 'bash', input: { command: `curl -H 'x-api-key: ${SECRET}' example.com` } } } },
    { type: 'text', payload: SECRET },
    { type: 'egress', payload: { headers: [['authorization', `Bearer ${SECRET}`]] } },
  ]);
  await store.flush();
  const d = store.recordDecision({ sessionId: s.id, eventSeq: 1, verdict: 'ask', rules: [{ why: `saw ${SECRET}` }], message: `key ${SECRET} leaves` });
  const ask = store.createAsk({ sessionId: s.id, decisionId: d.id, prompt: `Send ${SECRET}?` });
  store.answerAsk(ask.id, { state: 'denied', by: `phone ${SECRET}` });
  store.recordUsage({ sessionId: s.id, model: 'm', inputTokens: 1, source: 'proxy' });

  // What the API hands back is the redacted form.
  t.deepEqual(
    store.readEvents(s.id).map((e) => e.payload),
    [{ tool: { name: 'bash', input: { command: `curl -H 'x-api-key: ${MASK}' example.com` } } }, MASK, { headers: [['authorization', `Bearer ${MASK}`]] }],
  );
  t.is(store.getDecision(d.id)!.message, `key ${MASK} leaves`);
  t.is(store.getAsk(ask.id)!.answeredBy, `phone ${MASK}`);
  t.deepEqual(
    [...seen].sort(),
    ['asks.answered_by', 'asks.prompt', 'decisions.message', 'decisions.rules', 'events.payload', 'sessions.spec_path', 'sessions.workspace'],
  );

  // And the bytes on disk (main file plus WAL while open, main file after the close checkpoint)
  // contain the mask but never the secret.
  const file = storeFile(dir);
  const onDisk = () => [file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f).toString('latin1')).join('');
  let bytes = onDisk();
  t.true(bytes.includes(MASK));
  t.false(bytes.includes(SECRET));
  store.close();
  bytes = onDisk();
  t.true(bytes.includes(MASK));
  t.false(bytes.includes(SECRET));

  const raw = new Database(file, { readonly: true });
  t.teardown(() => raw.close());
  const dump = JSON.stringify(
    ['sessions', 'events', 'decisions', 'asks', 'usage'].map((table) => raw.prepare(`SELECT * FROM ${table}`).all()),
  );
  t.false(dump.includes(SECRET));
});

test('without a redactor values are stored as given (identity default)', async (t) => {
  const store = closeLater(t, openStore({ dir: tempHome(t) }));
  const s = store.createSession({ agent: 'a', harness: 'bridle' });
  store.append(s.id, [{ type: 'text', payload: SECRET }]);
  await store.flush();
  t.is(store.readEvents(s.id)[0]!.payload, SECRET);
});

test('a redactor that turns a text field into a non-string is refused before writing', (t) => {
  const store = closeLater(t, openStore({ dir: tempHome(t), redact: (v) => (typeof v === 'string' ? 42 : v) }));
  t.throws(() => store.createSession({ agent: 'a', harness: 'bridle', specPath: '/x' }), { message: /must return a string/ });
  t.deepEqual(store.listSessions(), []);
});
