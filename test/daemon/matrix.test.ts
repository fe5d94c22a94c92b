// The per-harness matrix through the daemon: the *same* spec (test/fixtures/session/matrix.yaml)
// with only `harness:` changed, run headless for claude-code, codex, pi and bridle against the
// real vendor CLIs, and for cursor on its stand-in executable — each in the real sandbox, behind
// its session's egress proxy, with the real policy engine and store. Per harness:
//   (1) the plain reply is printed (`bridle run --headless`);
//   (2) a tool call the policy allows runs (its file exists);
//   (3) a tool call the policy denies does not run, the deny is recorded and the agent is told why;
//   (4) asks answered by a client over the daemon protocol: allow runs, deny does not;
//   (5) usage is metered by the proxy (cursor: its backend is private, so only reported usage);
//   (6) the child never sees the real key, which the daemon holds and the upstream receives.
// The model server scripts each vendor's own tool names. Upstream model traffic goes to an HTTPS
// front (the test's CA) so that the proxy swaps real keys in, as it would for the real APIs.
import test from 'ava';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ModelServer } from '../../src/model-server/index.js';
import { serveScript } from '../helpers/model-server.js';
import type { ScriptSource } from '../../src/model-server/script.js';
import { spawnDaemon, type DaemonClient } from '../../src/daemon/index.js';
import type { Decision, Session, Usage } from '../../src/store/index.js';
import { packageRoot } from '../../src/paths.js';
import { runCli } from '../helpers/cli.js';
import { makeTestPki } from '../proxy/helpers/pki.js';
import { tlsFront, type TlsFront } from '../helpers/tls-front.js';
import { dump, runAnswering, type Stored } from './answering.js';
import { ctxOk, fixture, makeWorld, type World } from './helpers.js';

const REAL_ANTHROPIC = 'sk-ant-api03-REALanthropicKeyNeverForTheAgent0123456789abcdef';
const REAL_OPENAI = 'sk-proj-REALopenaiKeyNeverForTheAgent0123456789abcdefghijklmn';
const FAKE_CURSOR = path.join(packageRoot, 'test', 'fixtures', 'harness', 'fake-cursor-agent.mjs');

type Kind = 'claude-code' | 'codex' | 'pi' | 'bridle' | 'cursor';
const KINDS: readonly Kind[] = ['claude-code', 'codex', 'pi', 'bridle', 'cursor'];

interface Call {
  name: string;
  input: Record<string, unknown>;
}

/** Each vendor's own tool names and argument shapes, as its CLI declares them to the model. */
const VENDOR: Record<Exclude<Kind, 'cursor'>, { shell(command: string): Call; write(file: string, content: string): Call }> = {
  'claude-code': {
    shell: (command) => ({ name: 'Bash', input: { command, description: 'run it' } }),
    write: (file, content) => ({ name: 'Write', input: { file_path: file, content } }),
  },
  // Codex offers no file-writing tool for a model it has no metadata for: its shell writes.
  codex: {
    shell: (command) => ({ name: 'exec_command', input: { cmd: command } }),
    write: (file, content) => ({ name: 'exec_command', input: { cmd: `printf '%s' '${content}' > ${file}` } }),
  },
  pi: {
    shell: (command) => ({ name: 'bash', input: { command } }),
    write: (file, content) => ({ name: 'write', input: { path: file, content } }),
  },
  bridle: {
    shell: (command) => ({ name: 'bash', input: { command } }),
    write: (file, content) => ({ name: 'write', input: { path: file, content } }),
  },
};

/**
 * Tries to rewrite the hook and provider files the adapter generated in the agent's writable
 * homes (Codex's hooks.json, Pi's models.json, Cursor's hooks.json): each must stay as written.
 */
const TAMPER = 'for f in "$CODEX_HOME/hooks.json" "$PI_CODING_AGENT_DIR/models.json" "$HOME/.cursor/hooks.json"; do [ -f "$f" ] && { echo tampered >> "$f" || echo "kept $f"; }; done > tamper.txt 2>&1';
const GENERATED: Partial<Record<Kind, string>> = { codex: 'config/hooks.json', pi: 'config/models.json', cursor: 'home/.cursor/hooks.json' };

const helloScript = [{ name: 'hello', user: 'Greet me', reply: { text: 'Hello from the matrix.', usage: { input_tokens: 100, output_tokens: 20 } } }];

/** One call per model request, so every step is matched against the result of the one before. */
function toolsScript(kind: Exclude<Kind, 'cursor'>, ws: string, token: string): unknown[] {
  const v = VENDOR[kind];
  const step = (name: string, call: Call, match: Record<string, string>): unknown => ({ name, ...match, reply: { tool_calls: [call], usage: { input_tokens: 50, output_tokens: 5 } } });
  return [
    step('env', v.shell(`env > allowed.txt; cat ${token} > token.txt 2>&1; ${TAMPER}; true`), { user: 'create the files' }),
    step('write', v.write(path.join(ws, 'written.txt'), 'written\n'), { tool_result: '' }),
    step('denied', v.shell('touch denied.txt'), { tool_result: '' }),
    // Only reached when the agent was told why: the refusal names the rule's message.
    step('ask-yes', v.shell('touch asked-yes.txt'), { tool_result_regex: 'off limits' }),
    step('ask-no', v.shell('touch asked-no.txt'), { tool_result: '' }),
    { name: 'done', tool_result_regex: 'denied by a human', reply: { text: 'All done.', usage: { input_tokens: 60, output_tokens: 3 } } },
  ];
}

interface Ctx {
  world: World;
  front: TlsFront;
  client: DaemonClient;
  specs: string;
}

let ctx: Ctx | undefined;

test.before(async () => {
  const pki = makeTestPki(['localhost']);
  const front = await tlsFront(pki);
  const world = makeWorld({
    ANTHROPIC_API_KEY: REAL_ANTHROPIC,
    OPENAI_API_KEY: REAL_OPENAI,
    ANTHROPIC_BASE_URL: `https://127.0.0.1:${front.port}`,
    OPENAI_BASE_URL: `https://127.0.0.1:${front.port}/v1`,
    BRIDLE_UPSTREAM_CA: pki.caPath,
    BRIDLE_CURSOR_AGENT: FAKE_CURSOR,
  });
  await spawnDaemon(world.env);
  const client = await world.client('matrix');
  const specs = path.join(world.root, 'specs');
  mkdirSync(specs);
  ctx = { world, front, client, specs };
});

test.after.always(async () => {
  ctx?.client.close();
  await ctx?.world.dispose();
  await ctx?.front.close();
});

/** The shared spec with only `harness:` changed. */
function specFor(kind: Kind): string {
  const text = readFileSync(fixture('matrix.yaml'), 'utf8');
  const out = text.replace(/^harness: claude-code$/m, `harness: ${kind}`);
  if (out === text && kind !== 'claude-code') throw new Error('matrix.yaml has no `harness: claude-code` line');
  const file = path.join(ctx!.specs, `${kind}.yaml`);
  writeFileSync(file, out);
  return file;
}

async function modelServer(t: { teardown(fn: () => Promise<void>): void }, script: unknown[]): Promise<ModelServer> {
  const server = await serveScript(t, { script: script as ScriptSource });
  ctx!.front.target.port = server.port;
  return server;
}

interface Shown {
  session: Session;
  decisions: Decision[];
  usage: Usage[];
}

/** Starts a one-shot session over the protocol, answers its asks (yes for asked-yes, else no), and waits for its end. */
async function answerAsked(spec: string, ws: string, prompt: string): Promise<{ id: string; events: Stored[]; answered: string[] }> {
  const yes = (prompt: string): boolean => prompt.includes('asked-yes');
  const { id, events, asks } = await runAnswering(ctx!.client, spec, ws, prompt, (p) => (yes(p) ? 'allow_once' : 'deny_once'));
  return { id, events, answered: asks.map((a) => (yes(String(a.payload.prompt)) ? 'yes' : 'no')) };
}

for (const kind of KINDS) {
  test.serial(`${kind}: reply, allowed/denied/asked tool calls, proxy usage, no real key`, async (t) => {
    const { world, client } = ctx!;
    const spec = specFor(kind);
    const vendor = kind !== 'cursor';

    // (1) + (5): the plain reply, printed by `bridle run --headless`; usage from the proxy.
    const hello = vendor ? await modelServer(t, helloScript) : undefined;
    const ws1 = world.workspace(`${kind}-hello`);
    const r = await runCli(['run', spec, '-p', 'Greet me, please.', '--headless', '--cwd', ws1], { env: world.env, cwd: ws1 });
    ctxOk(t, r);
    t.regex(r.stdout, /Hello from the matrix\./);
    const id1 = /session (s_[a-z0-9]+)/.exec(r.stderr)![1]!;
    const shown1 = await client.request<Shown>('show', { session: id1 });
    t.is(shown1.session.state, 'done');
    if (vendor) {
      const metered = shown1.usage.filter((u) => u.source === 'proxy');
      t.true(metered.some((u) => u.inputTokens === 100 && u.outputTokens === 20), JSON.stringify(shown1.usage));
      t.true(shown1.session.tokens >= 120);
      t.true(hello!.requests().some((q) => q.turn_name === 'hello'));
    } else {
      // Cursor's backend is private and the stand-in calls no model: only its own report exists.
      const events = await client.request<Stored[]>('events', { session: id1 });
      t.true(events.some((e) => e.payload.kind === 'reported' && e.payload.input_tokens === 100 && e.payload.output_tokens === 20), dump(events));
    }

    // (2) (3) (4) (6): one session, every call in turn, asks answered over the protocol.
    const ws = world.workspace(`${kind}-tools`);
    const server = vendor ? await modelServer(t, toolsScript(kind, ws, world.paths.token)) : undefined;
    const { id, events, answered } = await answerAsked(spec, ws, 'Please create the files.');
    const log = dump(events);
    t.like(events.at(-1)?.payload, { kind: 'state', state: 'done' }, log);

    // (2) allowed calls ran.
    t.true(existsSync(path.join(ws, 'allowed.txt')), log);
    t.is(readFileSync(path.join(ws, 'written.txt'), 'utf8'), 'written\n');
    // (3) the denied call did not run; the deny is recorded with its rule; the agent was told.
    t.false(existsSync(path.join(ws, 'denied.txt')));
    const shown = await client.request<Shown>('show', { session: id });
    const denies = shown.decisions.filter((d) => d.verdict === 'deny');
    t.true(denies.some((d) => d.message === 'files named denied are off limits' && (d.rules as Array<{ name: string }>).some((x) => x.name === 'no-denied')), JSON.stringify(shown.decisions));
    const decisionEvents = events.filter((e) => e.payload.kind === 'decision').map((e) => (e.payload.decision as { action: string }).action);
    t.true(decisionEvents.includes('deny'), log);
    const refusal = events.find((e) => e.payload.kind === 'tool_result' && e.payload.is_error === true && /off limits/.test(String(e.payload.output)));
    t.truthy(refusal, log);
    // (4) asks: allow ran, deny did not; both answered by this client.
    t.deepEqual(answered.sort(), ['no', 'yes']);
    t.true(existsSync(path.join(ws, 'asked-yes.txt')));
    t.false(existsSync(path.join(ws, 'asked-no.txt')));
    const end = events.filter((e) => e.payload.kind === 'turn_end').at(-1);
    if (vendor) {
      // The model only says this once the human's refusal reached it (and, before, the rule's).
      t.is(end?.payload.text, 'All done.', log);
      t.true(server!.requests().some((q) => q.turn_name === 'done'));
    } else {
      t.regex(String(end?.payload.text), /Refused: .*files named denied are off limits.*denied by a human/, log);
    }
    // (6) the agent's environment holds placeholders only; the upstream got the real key.
    const seen = readFileSync(path.join(ws, 'allowed.txt'), 'utf8');
    t.false(seen.includes(REAL_ANTHROPIC) || seen.includes(REAL_OPENAI));
    // The generated hooks / provider files are read-only for the agent.
    const generated = GENERATED[kind];
    const tamper = readFileSync(path.join(ws, 'tamper.txt'), 'utf8');
    if (generated !== undefined) {
      t.regex(tamper, /kept /, tamper);
      t.false(readFileSync(path.join(world.paths.sessions, id, generated), 'utf8').includes('tampered'));
    } else t.is(tamper, '');
    if (vendor) {
      t.regex(readFileSync(path.join(ws, 'token.txt'), 'utf8'), /Permission denied/);
      const answeredRequests = server!.requests().filter((q) => q.turn !== null);
      t.true(answeredRequests.length >= 6);
      for (const q of answeredRequests) {
        const key = q.endpoint === 'anthropic' ? q.headers['x-api-key'] : q.headers.authorization;
        t.true(key === REAL_ANTHROPIC || key === `Bearer ${REAL_OPENAI}`, `${q.endpoint}: ${String(key)}`);
      }
    }
  });
}

// The shipped example, offline, on every harness: only `harness:` changes in the copy. Codex is
// given a gpt-style model with `--model` (the spec names a Claude model; Codex's provider is
// OpenAI's Responses API); the offline script answers whatever the model.
for (const kind of KINDS) {
  test.serial(`${kind}: bridle run agents/examples/hello.yaml --headless works offline`, async (t) => {
    const { world, client } = ctx!;
    const dir = path.join(world.root, 'hello', kind);
    mkdirSync(dir, { recursive: true });
    const examples = path.join(packageRoot, 'agents', 'examples');
    const text = readFileSync(path.join(examples, 'hello.yaml'), 'utf8');
    const swapped = text.replace(/^harness: claude-code$/m, `harness: ${kind}`);
    t.true(swapped !== text || kind === 'claude-code');
    writeFileSync(path.join(dir, 'hello.yaml'), swapped);
    writeFileSync(path.join(dir, 'hello.model-server.yml'), readFileSync(path.join(examples, 'hello.model-server.yml')));
    const ws = world.workspace(`${kind}-example`);
    // Cursor's stand-in replays recordings chosen by the prompt; the others ask the offline script.
    const prompt = kind === 'cursor' ? 'Greet me' : 'Say hello';
    const args = ['run', path.join(dir, 'hello.yaml'), '-p', prompt, '--headless', '--cwd', ws, ...(kind === 'codex' ? ['--model', 'gpt-5'] : [])];
    const r = await runCli(args, { env: world.env, cwd: ws });
    ctxOk(t, r);
    t.regex(r.stdout, kind === 'cursor' ? /^Hello from the matrix\./ : /^Hello! I'm running offline under Bridle/);
    const id = /session (s_[a-z0-9]+)/.exec(r.stderr)![1]!;
    const shown = await client.request<Shown>('show', { session: id });
    t.is(shown.session.state, 'done');
    if (kind === 'codex') t.is(shown.session.harness, 'codex');
    if (kind !== 'cursor') t.deepEqual(shown.usage.map((u) => [u.source, u.inputTokens, u.outputTokens]), [['proxy', 120, 30]]);
    if (kind === 'codex') {
      const events = await client.request<Stored[]>('events', { session: id });
      t.true(events.some((e) => e.payload.kind === 'session_start' && e.payload.model === 'gpt-5'));
    }
  });
}

// llm_request from the proxy's view of model traffic: a `model` allow-list denies a request for
// an unlisted model before it leaves (the scripted upstream never sees it), and lets a listed one
// through. Run on the built-in agent and on Claude Code.
for (const kind of ['bridle', 'claude-code'] as const) {
  test.serial(`${kind}: an unknown model is denied at the proxy, a listed one is not`, async (t) => {
    const { world, client } = ctx!;
    const file = path.join(ctx!.specs, `${kind}-models.yaml`);
    const text = readFileSync(specFor(kind), 'utf8');
    writeFileSync(file, `${text}  - { name: known-models, model: [claude-sonnet-4-5], action: deny, message: "only claude-sonnet-4-5 is allowed" }\n`);
    const server = await modelServer(t, [{ name: 'hello', user: 'Greet me', once: false, reply: { text: 'Hello from the matrix.' } }]);

    const ws = world.workspace(`${kind}-unknown-model`);
    const r = await runCli(['run', file, '-p', 'Greet me, please.', '--headless', '--cwd', ws, '--model', 'claude-unknown-9'], { env: world.env, cwd: ws });
    t.is(r.code, 1, r.stdout + r.stderr);
    t.notRegex(r.stdout, /Hello from the matrix/);
    t.false(server.requests().some((q) => q.endpoint === 'anthropic' || q.endpoint === 'responses'), 'nothing reached the upstream');
    const id = /session (s_[a-z0-9]+)/.exec(r.stderr)![1]!;
    const shown = await client.request<Shown>('show', { session: id });
    const denied = shown.decisions.filter((d) => d.verdict === 'deny');
    t.true(denied.length > 0);
    for (const d of denied) {
      t.is(d.message, 'only claude-sonnet-4-5 is allowed');
      t.deepEqual((d.rules as Array<{ name: string }>).map((x) => x.name), ['known-models']);
    }
    const events = await client.request<Stored[]>('events', { session: id });
    t.true(events.some((e) => e.type === 'egress' && e.payload.verdict === 'deny' && e.payload.reason === 'policy'), dump(events));

    const ws2 = world.workspace(`${kind}-known-model`);
    const ok = await runCli(['run', file, '-p', 'Greet me, please.', '--headless', '--cwd', ws2], { env: world.env, cwd: ws2 });
    ctxOk(t, ok);
    t.regex(ok.stdout, /Hello from the matrix\./);
  });
}
