// Secretless credentials end to end: the daemon holds a (fake) real key, the upstream is an HTTPS
// front for the scripted model server with the test's own CA; the agent's environment, its files
// and the event store only ever see the placeholder, while the upstream receives the real key.
import test from 'ava';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { openStore } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';
import { makeTestPki } from '../proxy/helpers/pki.js';
import { tlsFront } from '../helpers/tls-front.js';
import { ctxOk, fixture, worldFor } from './helpers.js';
import { serveScript } from '../helpers/model-server.js';

const REAL = 'sk-ant-api03-REALkeyThatMustNeverReachTheAgent0123456789abcdefghijkl';

test('the child never sees the real key or the daemon token; the upstream gets the key; the store never holds it', async (t) => {
  const pki = makeTestPki(['localhost']);
  const w = worldFor(t, { ANTHROPIC_API_KEY: REAL, BRIDLE_UPSTREAM_CA: pki.caPath });
  const server = await serveScript(t, {
    script: [
      {
        user: 'check',
        reply: {
          tool_calls: [
            { name: 'Bash', input: { command: 'env > seen-env.txt', description: 'env' } },
            // The sandbox denies Bridle's state dir: the token that drives the daemon is unreadable.
            { name: 'Bash', input: { command: `cat ${w.paths.token} > seen-token.txt 2>&1; true`, description: 'token' } },
          ],
        },
      },
      { tool_result_regex: '.', reply: { text: 'Checked.' } },
    ],
  });
  const front = await tlsFront(pki, server.port);
  t.teardown(() => front.close());
  w.env.ANTHROPIC_BASE_URL = `https://127.0.0.1:${front.port}`;
  const ws = w.workspace('creds');
  const r = await runCli(['run', fixture('agent.yaml'), '-p', 'Please check.', '--headless', '--cwd', ws], { env: w.env, cwd: ws });
  ctxOk(t, r);
  t.regex(r.stdout, /Checked\./);

  const seen = readFileSync(path.join(ws, 'seen-env.txt'), 'utf8');
  t.false(seen.includes(REAL));
  const placeholder = /^ANTHROPIC_API_KEY=(.*)$/m.exec(seen)?.[1];
  t.truthy(placeholder);
  t.regex(placeholder!, /^sk-ant-api03-/);
  t.not(placeholder, REAL);
  t.false(/BRIDLE_UPSTREAM_CA|daemon\.token/.test(seen));
  const token = readFileSync(w.paths.token, 'utf8').trim();
  const tokenSeen = readFileSync(path.join(ws, 'seen-token.txt'), 'utf8');
  t.false(tokenSeen.includes(token));
  t.regex(tokenSeen, /Permission denied/);

  const calls = server.requests().filter((q) => q.endpoint === 'anthropic');
  t.true(calls.length >= 2);
  for (const q of calls) t.is(q.headers['x-api-key'], REAL);

  // Nothing written to the store carries the real key (events, decisions, usage).
  const store = openStore({ dir: w.paths.state, readOnly: true });
  t.teardown(() => store.close());
  const [row] = store.listSessions();
  const dump = JSON.stringify([store.readEvents(row!.id, { limit: 100_000 }), store.listDecisions(row!.id), store.listUsage(row!.id)]);
  t.false(dump.includes(REAL));
  t.true(store.listUsage(row!.id).every((u) => u.source === 'proxy'));
  t.true(store.listUsage(row!.id).length >= 2);
});
