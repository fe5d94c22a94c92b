// Resume and fork through the daemon, with the real vendor CLIs (claude, codex, pi) and Bridle's
// own agent against the scripted model server: a session with one turn survives a SIGKILLed daemon as
// `interrupted`, resumes under the same id (its events continue in seq order) and the vendor
// really continues the conversation — the next model request carries the earlier turn. A fork is
// a new session whose first request carries its parent's history, and the parent stays as it was.
import test from 'ava';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ModelServer } from '../../src/model-server/index.js';
import { serveScript } from '../helpers/model-server.js';
import type { ScriptSource } from '../../src/model-server/script.js';
import { spawnDaemon, type DaemonClient } from '../../src/daemon/index.js';
import type { Session, StoredEvent } from '../../src/store/index.js';
import { makeTestPki } from '../proxy/helpers/pki.js';
import { tlsFront } from '../helpers/tls-front.js';
import { runCli } from '../helpers/cli.js';
import { daemonPid, fixture, worldFor, type World } from './helpers.js';

const FAKE_KEY = 'sk-ant-api03-RESUMEtestKeyNeverForTheAgent0123456789abcdef';
const FAKE_OPENAI = 'sk-proj-RESUMEtestKeyNeverForTheAgent0123456789abcdefghijklmn';

const script = [
  { name: 'first', user: 'first message', once: false, reply: { text: 'First answer alpha.', usage: { input_tokens: 10, output_tokens: 3 } } },
  { name: 'second', user: 'second message', once: false, reply: { text: 'Second answer beta.', usage: { input_tokens: 10, output_tokens: 3 } } },
  { name: 'fork', user: 'fork message', once: false, reply: { text: 'Fork answer gamma.', usage: { input_tokens: 10, output_tokens: 3 } } },
];

/** The model server behind TLS (the test's own CA), closed when the test ends. */
async function httpsFront(t: { teardown(fn: () => Promise<void>): void }, target: number): Promise<{ port: number; caPath: string }> {
  const pki = makeTestPki(['localhost']);
  const front = await tlsFront(pki, target);
  t.teardown(() => front.close());
  return { port: front.port, caPath: pki.caPath };
}

interface Setup {
  world: World;
  server: ModelServer;
  spec: string;
  ws: string;
}

async function setup(t: { teardown(fn: () => Promise<void>): void }, harness: string): Promise<Setup> {
  const server = await serveScript(t, { script: script as ScriptSource });
  const front = await httpsFront(t, server.port);
  const world = worldFor(t, {
    ANTHROPIC_API_KEY: FAKE_KEY,
    ANTHROPIC_BASE_URL: `https://127.0.0.1:${front.port}`,
    OPENAI_API_KEY: FAKE_OPENAI,
    OPENAI_BASE_URL: `https://127.0.0.1:${front.port}/v1`,
    BRIDLE_UPSTREAM_CA: front.caPath,
  });
  const specs = path.join(world.root, 'specs');
  mkdirSync(specs);
  const spec = path.join(specs, `${harness}.yaml`);
  writeFileSync(spec, readFileSync(fixture('agent.yaml'), 'utf8').replace(/^harness: claude-code$/m, `harness: ${harness}`));
  return { world, server, spec, ws: world.workspace(harness) };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls the session's stored events until `done` holds (bounded by the test's own timeout). */
async function until(c: DaemonClient, id: string, done: (events: StoredEvent[]) => boolean, what: string): Promise<StoredEvent[]> {
  let events: StoredEvent[] = [];
  for (let i = 0; i < 2400; i++) {
    events = await c.request<StoredEvent[]>('events', { session: id, limit: 100_000 });
    if (done(events)) return events;
    const last = events.at(-1)?.payload as { kind?: string; state?: string } | undefined;
    if (last?.kind === 'state' && (last.state === 'failed' || last.state === 'done')) break;
    await sleep(50);
  }
  throw new Error(`waited in vain for ${what} in ${id}:\n${events.map((e) => `${e.seq} ${e.type} ${JSON.stringify(e.payload).slice(0, 300)}`).join('\n')}`);
}

const kinds = (events: StoredEvent[], kind: string): StoredEvent[] => events.filter((e) => (e.payload as { kind?: string }).kind === kind);
const completedTurns = (n: number) => (events: StoredEvent[]): boolean =>
  kinds(events, 'turn_end').filter((e) => (e.payload as { status?: string }).status === 'completed').length >= n && (kinds(events, 'state').at(-1)?.payload as { state?: string }).state === 'waiting';

/** The bodies (as JSON text) of the model requests that mention `text`. */
function requestsFor(server: ModelServer, text: string): string[] {
  return server
    .requests()
    .map((r) => JSON.stringify(r.body))
    .filter((body) => body.includes(text));
}

/**
 * Every harness that resumes; `fork` where its vendor can copy a conversation. Codex speaks
 * OpenAI's Responses API, so it gets a gpt-style model (the launch record keeps it for resume).
 */
const HARNESSES: readonly { harness: string; fork: boolean; model?: string }[] = [
  { harness: 'claude-code', fork: true },
  { harness: 'bridle', fork: true },
  { harness: 'codex', fork: true, model: 'gpt-5' },
  { harness: 'pi', fork: false },
];

for (const { harness, fork, model } of HARNESSES) {
  test.serial(`${harness}: a session survives a SIGKILLed daemon, resumes its conversation${fork ? ', and forks' : ''}`, async (t) => {
    const { world, server, spec, ws } = await setup(t, harness);
    await spawnDaemon(world.env);
    const c = await world.client();
    t.teardown(() => c.close());

    const { session: id } = await c.request<{ session: string }>('start', { spec, cwd: ws, prompt: 'first message', ...(model !== undefined ? { model } : {}) });
    const before = await until(c, id, (ev) => completedTurns(1)(ev) && kinds(ev, 'resume_id').length > 0, 'the first turn');
    t.true(JSON.stringify(before).includes('First answer alpha.'));

    // The daemon dies without any chance to clean up; the next one marks the session interrupted.
    const gone = new Promise<void>((resolve) => c.onClosed(resolve));
    process.kill(daemonPid(world), 'SIGKILL');
    await gone;
    await spawnDaemon(world.env);
    const c2 = await world.client();
    t.teardown(() => c2.close());
    t.is((await c2.request<Session[]>('list')).find((s) => s.id === id)?.state, 'interrupted');

    // Resume: the same id, the same log continuing, the vendor continuing the conversation.
    t.deepEqual(await c2.request('resume', { session: id, prompt: 'second message' }), { session: id });
    await t.throwsAsync(c2.request('resume', { session: id }), { message: /running/ });
    const resumed = await until(c2, id, completedTurns(2), 'the resumed turn');
    t.deepEqual(resumed.slice(0, before.length), before);
    t.deepEqual(
      resumed.map((e) => e.seq),
      resumed.map((_, i) => i + 1),
    );
    t.true(kinds(resumed, 'resumed').length === 1);
    const second = requestsFor(server, 'second message');
    t.true(second.length > 0, 'the resumed agent asked the model');
    t.true(
      second.some((body) => body.includes('first message') && body.includes('First answer alpha.')),
      'the resumed request carries the earlier turn',
    );
    const row = (await c2.request<{ session: Session }>('show', { session: id })).session;
    t.is(row.state, 'waiting');
    t.is(row.endedAt, null);
    if (!fork) {
      await t.throwsAsync(c2.request('fork', { session: id }), { message: new RegExp(`${harness} harness cannot fork`) });
      return;
    }

    // Fork: a new session from the parent's conversation; the parent is untouched.
    const parentBefore = await c2.request<StoredEvent[]>('events', { session: id, limit: 100_000 });
    const forked = await c2.request<{ session: string; forked_from: string }>('fork', { session: id, prompt: 'fork message' });
    t.is(forked.forked_from, id);
    t.not(forked.session, id);
    await until(c2, forked.session, completedTurns(1), 'the fork\'s first turn');
    const forkBodies = requestsFor(server, 'fork message');
    t.true(forkBodies.length > 0, 'the fork asked the model');
    t.true(
      forkBodies.some((body) => body.includes('First answer alpha.') && body.includes('Second answer beta.')),
      'the fork\'s first request carries the parent\'s history',
    );
    t.is((await c2.request<{ session: Session }>('show', { session: forked.session })).session.forkedFrom, id);
    // The fork continues its own conversation id, never the parent's.
    const resumeIds = async (s: string): Promise<unknown[]> => kinds(await c2.request<StoredEvent[]>('events', { session: s, limit: 100_000 }), 'resume_id').map((e) => (e.payload as { resume_id?: unknown }).resume_id);
    const forkIds = await resumeIds(forked.session);
    t.true(forkIds.length > 0);
    t.false(forkIds.some((r) => (kinds(parentBefore, 'resume_id').map((e) => (e.payload as { resume_id?: unknown }).resume_id)).includes(r)), 'the fork has its own conversation id');
    t.deepEqual(await c2.request<StoredEvent[]>('events', { session: id, limit: 100_000 }), parentBefore);
    // The parent's own conversation did not take the fork's turn: resumed again, it never saw it.
    await c2.request('send', { session: id, text: 'second message again' });
    await until(c2, id, completedTurns(3), 'the parent\'s next turn');
    const parentNext = requestsFor(server, 'second message again');
    t.true(parentNext.length > 0);
    t.false(parentNext.some((body) => body.includes('fork message')), 'the parent never saw the fork\'s message');
  });
}

test.serial('resume and fork refuse what they cannot do', async (t) => {
  const world = worldFor(t);
  await spawnDaemon(world.env);
  const c = await world.client();
  t.teardown(() => c.close());
  await t.throwsAsync(c.request('resume', { session: 's_nope' }), { message: /no session s_nope/ });
  const { session: id } = await c.request<{ session: string }>('start', { spec: fixture('sleeper.yaml'), cwd: world.workspace('sleeper') });
  await t.throwsAsync(c.request('fork', { session: id }), { message: /command harness cannot fork/ });
  await c.request('kill', { session: id });
  await t.throwsAsync(c.request('resume', { session: id }), { message: /command harness cannot resume/ });
  const cli = await runCli(['sessions', 'resume', id], { env: world.env });
  t.not(cli.code, 0);
  t.regex(cli.stderr, /command harness cannot resume/);
});
