// The shipped policy packs in live sessions: each test runs a real session through the daemon —
// real sandbox, real egress proxy, real policy engine and store — against a scripted model server
// owned by the test (the daemon's upstream), so the test can read every request the model got.
// Unit tests of the engine prove the rules; these prove the runtime feeds them what they need
// (spend from the proxy's metering, tool results, the user's real home) and applies what they say
// (warn records, asks wait for a human, denies never run, redactions reach the store and the model).
import test from 'ava';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ModelServer } from '../../src/model-server/index.js';
import { serveScript } from '../helpers/model-server.js';
import type { ScriptSource } from '../../src/model-server/script.js';
import { spawnDaemon, type DaemonClient } from '../../src/daemon/index.js';
import type { Decision, Session, Usage } from '../../src/store/index.js';
import { packageRoot } from '../../src/paths.js';
import { dump, runAnswering, type Stored } from './answering.js';
import { worldFor, type World } from './helpers.js';

const pack = (name: string): string => path.join(packageRoot, 'policies', name);

type Kind = 'bridle' | 'claude-code';

interface Call {
  name: string;
  input: Record<string, unknown>;
}

/** Each harness's own tool names, as its agent declares them to the model. */
const TOOLS: Record<Kind, { shell(command: string): Call; read(file: string): Call }> = {
  bridle: {
    shell: (command) => ({ name: 'bash', input: { command } }),
    read: (file) => ({ name: 'read', input: { path: file } }),
  },
  'claude-code': {
    shell: (command) => ({ name: 'Bash', input: { command, description: 'run it' } }),
    read: (file) => ({ name: 'Read', input: { file_path: file } }),
  },
};

interface Shown {
  session: Session;
  decisions: Decision[];
  usage: Usage[];
}

interface Live {
  world: World;
  server: ModelServer;
  client: DaemonClient;
  /** The user's real home as the daemon knows it (HOME of the daemon). */
  home: string;
}

/**
 * A world whose daemon sends model traffic to a scripted server the test holds. The daemon's HOME
 * is a home of the test's own, so "the user's real home" holds files the test planted.
 */
async function live(t: { teardown(fn: () => Promise<void> | void): void }, script: (home: string) => unknown[]): Promise<Live> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'bridle-home-'));
  t.teardown(() => rmSync(home, { recursive: true, force: true }));
  const server = await serveScript(t, { script: script(home) as ScriptSource });
  const world = worldFor(t, { HOME: home, ANTHROPIC_BASE_URL: server.url });
  await spawnDaemon(world.env);
  const client = await world.client('packs');
  t.teardown(() => client.close());
  return { world, server, client, home };
}

/** A spec on `kind` with the given shipped packs as agent policies. */
function writeSpec(w: World, kind: Kind, packs: string[]): string {
  const file = path.join(w.root, `${kind}-packs.yaml`);
  const lines = [
    'name: packs',
    'prompt: You are a test agent.',
    `harness: ${kind}`,
    'model: claude-sonnet-4-5',
    'mode: headless',
    'tools: [bash, read, write]',
    'sandbox: { mode: workspace-write, network: proxy }',
    `policies: [${packs.map((p) => JSON.stringify(pack(p))).join(', ')}]`,
  ];
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const names = (d: Decision): string[] => (d.rules as Array<{ name: string }>).map((r) => r.name);

// claude-sonnet-4-5 input is $3 per million tokens: 20M uncached input tokens are $60 a reply.
const SIXTY_DOLLARS = { input_tokens: 20_000_000, output_tokens: 1 };

for (const kind of ['bridle', 'claude-code'] as const) {
  test.serial(`${kind}: budget.yaml warns once past $50 and asks a human past $100`, async (t) => {
    const tools = TOOLS[kind];
    const { world, server, client } = await live(t, () => [
      { name: 'one', user: 'spend', reply: { tool_calls: [tools.shell('echo one > one.txt')], usage: SIXTY_DOLLARS } },
      { name: 'two', tool_result: '', reply: { tool_calls: [tools.shell('echo two > two.txt')], usage: SIXTY_DOLLARS } },
      { name: 'three', tool_result: '', reply: { text: 'Spent.', usage: { input_tokens: 10, output_tokens: 2 } } },
    ]);
    const spec = writeSpec(world, kind, ['budget.yaml']);
    const ws = world.workspace(`${kind}-budget`);
    const { id, events, asks } = await runAnswering(client, spec, ws, 'Please spend some money.', () => 'allow_once');
    const log = dump(events);
    t.like(events.at(-1)?.payload, { kind: 'state', state: 'done' }, log);
    t.true(server.requests().some((q) => q.turn_name === 'three'), log);

    const shown = await client.request<Shown>('show', { session: id });
    // Spend is the proxy's metering of what the model reported, priced from the shipped table.
    t.true(shown.session.costUsd > 120 && shown.session.costUsd < 121, String(shown.session.costUsd));
    const decisions = shown.decisions.map((d) => `${d.verdict}:${names(d).join(',')}`).join('\n');

    // $60 after the first reply: the next action (the first tool call) is warned, once.
    const warns = shown.decisions.filter((d) => d.verdict === 'warn' && names(d).includes('budget-warn'));
    t.is(warns.length, 1, decisions);
    t.is(warns[0]!.message, 'This session has spent $50 or more.');
    t.true(existsSync(path.join(ws, 'one.txt')), log);

    // $120 after the second reply: the next action waits for a human, who allows it over the protocol.
    t.is(asks.length, 1, log);
    t.deepEqual(asks[0]!.payload.rules, ['budget-ask']);
    t.regex(String(asks[0]!.payload.prompt), /crossed another \$100/);
    t.true(shown.decisions.some((d) => d.verdict === 'ask' && names(d).includes('budget-ask')), decisions);
    t.true(events.some((e) => e.payload.kind === 'ask_answered' && e.payload.answer === 'allow_once'), log);
    t.true(existsSync(path.join(ws, 'two.txt')), log);
    // Nothing but these two crossed a threshold: no other warn or ask.
    t.is(shown.decisions.filter((d) => d.verdict === 'warn').length, 1, decisions);
    t.is(shown.decisions.filter((d) => d.verdict === 'ask').length, 1, decisions);
  });
}

// A fake private key and a fake .env: their contents must never reach the model.
const SSH_KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nZmFrZS1rZXktZm9yLWJyaWRsZS10ZXN0cw==\n-----END OPENSSH PRIVATE KEY-----\n';
const SSH_MARK = 'ZmFrZS1rZXktZm9yLWJyaWRsZS10ZXN0cw';
const ENV_MARK = 'DOTENV_PASSWORD_hunter2_never_for_the_model';
// Key-shaped for redact-secrets (its `sk-…` pattern), built here so that no key-like literal sits in the source.
const LIVE_KEY = `sk-live-${'Fake0Key'.repeat(5)}`;
const LIVE_KEY_B64 = Buffer.from(LIVE_KEY).toString('base64');

for (const kind of ['bridle', 'claude-code'] as const) {
  test.serial(`${kind}: protect-secrets.yaml denies ~/.ssh and .env reads, redacts key-shaped tool output`, async (t) => {
    const tools = TOOLS[kind];
    const { world, server, client, home } = await live(t, (home) => [
      { name: 'ssh-bash', user: 'secrets', reply: { tool_calls: [tools.shell('cat ~/.ssh/id_rsa')] } },
      { name: 'ssh-read', tool_result_regex: 'off limits', reply: { tool_calls: [tools.read(path.join(home, '.ssh', 'id_rsa'))] } },
      { name: 'dotenv', tool_result_regex: 'off limits', reply: { tool_calls: [tools.shell('cat .env')] } },
      // The key is assembled at run time, so the model's own request (this script) never holds it.
      { name: 'key', tool_result_regex: 'off limits', reply: { tool_calls: [tools.shell(`echo ${LIVE_KEY_B64} | base64 -d; echo; echo after-the-key`)] } },
      { name: 'done', tool_result_regex: 'after-the-key', reply: { text: 'Nothing leaked.' } },
    ]);
    mkdirSync(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
    writeFileSync(path.join(home, '.ssh', 'id_rsa'), SSH_KEY, { mode: 0o600 });
    const spec = writeSpec(world, kind, ['protect-secrets.yaml']);
    const ws = world.workspace(`${kind}-secrets`);
    writeFileSync(path.join(ws, '.env'), `PASSWORD=${ENV_MARK}\n`);

    const { id, events } = await runAnswering(client, spec, ws, 'Show me the secrets.', () => 'deny_once');
    const log = dump(events);
    t.like(events.at(-1)?.payload, { kind: 'state', state: 'done' }, log);
    t.true(server.requests().some((q) => q.turn_name === 'done'), log);

    // Three denies by deny-secret-files, each told to the agent.
    const shown = await client.request<Shown>('show', { session: id });
    const denies = shown.decisions.filter((d) => d.verdict === 'deny' && names(d).includes('deny-secret-files'));
    t.is(denies.length, 3, JSON.stringify(shown.decisions));
    t.is(events.filter((e) => e.payload.kind === 'tool_result' && e.payload.is_error === true && /off limits/.test(String(e.payload.output))).length, 3, log);

    // The model never saw a secret: not the files' contents, not the key.
    const wire = JSON.stringify(server.requests().map((q) => q.body));
    t.false(wire.includes(SSH_MARK), 'the ssh key reached the model');
    t.false(wire.includes(ENV_MARK), 'the .env content reached the model');
    t.false(wire.includes(LIVE_KEY), 'the live key reached the model');
    // The redacted output did reach it, with the marker in place of the key.
    t.true(wire.includes('[REDACTED]'), wire.slice(0, 2000));
    t.true(wire.includes('after-the-key'));

    // The store holds no secret either, and records the redaction.
    const storedEvents = await client.request<Stored[]>('events', { session: id });
    const stored = JSON.stringify(storedEvents) + JSON.stringify(shown.decisions);
    t.false(stored.includes(LIVE_KEY), 'the live key is in the store');
    t.false(stored.includes(SSH_MARK));
    t.false(stored.includes(ENV_MARK));
    const result = storedEvents.find((e) => e.payload.kind === 'tool_result' && String(e.payload.output).includes('after-the-key'));
    t.regex(String(result?.payload.output), /\[REDACTED\]/, log);
    // Redacted twice over: in the store's copy of the result, and in the model request that carried it.
    const egressRedacted = storedEvents.filter((e) => e.type === 'egress' && (e.payload.redactions as Array<{ rule: string }> | undefined)?.some((r) => r.rule === 'redact-secrets'));
    t.true(egressRedacted.length >= 1, log);
    t.true(
      storedEvents.some((e) => e.payload.kind === 'redaction' && (e.payload.redactions as Array<{ rule: string; count: number }>).some((r) => r.rule === 'redact-secrets' && r.count >= 1)),
      log,
    );
  });
}

// Shell functions stand in for npm and git: the policy reads the command line, nothing is installed or pushed.
const FAKE_NPM = 'npm() { echo "installed $*"; }; ';
const FAKE_GIT = 'git() { echo "pushed $*"; }; ';

for (const kind of ['bridle', 'claude-code'] as const) {
  test.serial(`${kind}: push-after-install.yaml lets a push through before an install and asks after it`, async (t) => {
    const tools = TOOLS[kind];
    const { world, server, client } = await live(t, () => [
      { name: 'push-1', user: 'push', reply: { tool_calls: [tools.shell(`${FAKE_GIT}git push origin main`)] } },
      { name: 'install', tool_result_regex: 'pushed push origin main', reply: { tool_calls: [tools.shell(`${FAKE_NPM}npm install left-pad`)] } },
      { name: 'push-2', tool_result_regex: 'installed install left-pad', reply: { tool_calls: [tools.shell(`${FAKE_GIT}git push origin main`)] } },
      { name: 'done', tool_result_regex: 'denied by a human', reply: { text: 'Not pushed.' } },
    ]);
    const spec = writeSpec(world, kind, ['push-after-install.yaml']);
    const ws = world.workspace(`${kind}-push`);
    const { events, asks } = await runAnswering(client, spec, ws, 'Install and push.', () => 'deny_once');
    const log = dump(events);
    t.like(events.at(-1)?.payload, { kind: 'state', state: 'done' }, log);
    t.true(server.requests().some((q) => q.turn_name === 'done'), log);
    t.is(asks.length, 1, log);
    t.deepEqual(asks[0]!.payload.rules, ['ask-push-after-install']);
    const pushes = events.filter((e) => e.payload.kind === 'tool_result' && /pushed push origin main/.test(String(e.payload.output)));
    t.is(pushes.length, 1, log);
  });
}
