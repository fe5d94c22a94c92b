// Shared pieces of the harness tests: a spec, a private home, an environment built from
// nothing, a small real gate (deny anything mentioning "forbidden"), and event helpers.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import { packageRoot } from '../../src/paths.js';
import { loadSpec } from '../../src/spec/index.js';
import type { HarnessName } from '../../src/spec/types.js';
import { createHarness, runTurn, type GateDecision, type Harness, type HarnessContext, type HarnessEvent, type NormalizedAction } from '../../src/harness/index.js';
import type { ModelServer, RecordedRequest, TurnObject } from '../../src/model-server/index.js';
import { serveScript } from '../helpers/model-server.js';

export function tempDir(t: ExecutionContext, label = 'bridle-harness-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), label));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A gate with a real (tiny) policy: anything whose input mentions "forbidden" is denied. */
export function forbiddenGate(seen: NormalizedAction[] = []): (action: NormalizedAction) => Promise<GateDecision> {
  return async (action) => {
    seen.push(action);
    if (JSON.stringify(action.tool.input).includes('forbidden')) {
      return { action: 'deny', message: 'files named forbidden are off limits', rule: 'no-forbidden' };
    }
    return { action: 'allow' };
  };
}

export interface Setup {
  ctx: HarnessContext;
  workspace: string;
  home: string;
  actions: NormalizedAction[];
}

/** A launch context for `harness`: workspace, private home and config home, env from nothing. */
export function setup(t: ExecutionContext, harness: HarnessName, env: Record<string, string>, overrides: Partial<HarnessContext> = {}): Setup {
  const root = tempDir(t);
  const workspace = path.join(root, 'ws');
  const home = path.join(root, 'home');
  for (const d of [workspace, home]) mkdirSync(d, { recursive: true });
  const spec = { ...loadSpec(path.join(packageRoot, 'test/fixtures/harness/agent.yaml')), harness };
  const actions: NormalizedAction[] = [];
  const ctx: HarnessContext = {
    spec,
    workspace,
    configHome: path.join(root, 'config'),
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8', ...env },
    gate: forbiddenGate(actions),
    ...overrides,
  };
  return { ctx, workspace, home, actions };
}

/** Collects every event of a harness from now on; stops it when the test ends. */
export function record(t: ExecutionContext, harness: Harness): HarnessEvent[] {
  const events: HarnessEvent[] = [];
  harness.on((e) => events.push(e));
  t.teardown(() => harness.stop());
  return events;
}

export function ofType<K extends HarnessEvent['type']>(events: HarnessEvent[], type: K): Array<Extract<HarnessEvent, { type: K }>> {
  return events.filter((e): e is Extract<HarnessEvent, { type: K }> => e.type === type);
}

/** The environment a live process was started with, from /proc. */
export function environOf(pid: number): Record<string, string> {
  const raw = readFileSync(`/proc/${pid}/environ`, 'utf8');
  const env: Record<string, string> = {};
  for (const entry of raw.split('\0')) {
    if (!entry) continue;
    const at = entry.indexOf('=');
    env[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return env;
}

/** Stand-in keys: the model server only checks that they arrive unchanged. */
export const ANTHROPIC_KEY = 'sk-ant-placeholder-not-a-real-key';
export const OPENAI_KEY = 'sk-openai-placeholder-not-a-real-key';

/** The environment pointing an Anthropic-speaking agent at `server`. */
export function anthropicEnv(server: ModelServer): Record<string, string> {
  return { ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: ANTHROPIC_KEY };
}

/** The environment pointing an OpenAI-speaking agent at `server` (base URL ending in /v1). */
export function openaiEnv(server: ModelServer): Record<string, string> {
  return { OPENAI_BASE_URL: `${server.url}/v1`, OPENAI_API_KEY: OPENAI_KEY };
}

/** Contents (as JSON text) of the tool results in the latest user message of a recorded Anthropic request. */
export function anthropicToolResults(request: RecordedRequest): string[] {
  const messages = (request.body as { messages: Array<{ role: string; content: unknown }> }).messages;
  const last = [...messages].reverse().find((m) => m.role === 'user');
  const content = Array.isArray(last?.content) ? (last.content as Array<{ type: string; content?: unknown }>) : [];
  return content.filter((b) => b.type === 'tool_result').map((b) => JSON.stringify(b.content));
}

/** The recorded request the script turn `name` answered; throws (listing what was answered) if none. */
export function named(server: ModelServer, name: string): RecordedRequest {
  const found = server.requests().find((r) => r.turn_name === name);
  if (!found) throw new Error(`no request answered by turn "${name}": ${JSON.stringify(server.requests().map((r) => r.turn_name ?? null))}`);
  return found;
}

type ToolCalls = NonNullable<TurnObject['reply']['tool_calls']>;

/** A two-step script: "make the files" answered with `toolCalls`, then a "wrap-up" once a deny reason comes back. */
export function gatedScript(toolCalls: ToolCalls, wrapUpText: string): TurnObject[] {
  return [
    { user: 'make the files', reply: { text: 'Working on it.', tool_calls: toolCalls, usage: { input_tokens: 100, output_tokens: 10 } } },
    { name: 'wrap-up', tool_result_regex: 'off limits', reply: { text: wrapUpText, usage: { input_tokens: 200, output_tokens: 5 } } },
  ];
}

/**
 * Starts `kind` under the "forbidden" gate with a secret file in the workspace, runs the
 * "Please make the files." turn and checks it completed.
 */
export async function runGatedTurn(t: ExecutionContext, kind: HarnessName, env: Record<string, string>) {
  const { ctx, workspace, actions } = setup(t, kind, env);
  writeFileSync(path.join(workspace, 'forbidden-secret.txt'), 'TOP-SECRET-CONTENT\n');
  const harness = createHarness(kind, ctx);
  const events = record(t, harness);
  await harness.start();
  const { end, events: turn } = await runTurn(harness, 'Please make the files.');
  t.is(end.status, 'completed', JSON.stringify(end));
  return { workspace, actions, events, end, turn };
}

/**
 * One turn whose two calls (a bash call writing throws.txt, then a write of malformed.txt) meet
 * a gate that throws for bash and answers an unresolved ask otherwise: both must be denied and
 * neither file written.
 */
export async function runFailClosedTurn(t: ExecutionContext, kind: HarnessName, env: (server: ModelServer) => Record<string, string>, toolCalls: ToolCalls) {
  const server = await serveScript(t, {
    script: [
      { user: 'try', reply: { tool_calls: toolCalls } },
      { name: 'end', tool_result_regex: '.', reply: { text: 'Both refused.' } },
    ],
  });
  const { ctx, workspace } = setup(t, kind, env(server), {
    gate: async (action) => {
      if (action.tool.name === 'bash') throw new Error('policy engine unreachable');
      // An unresolved ask (or any shape the contract does not allow) must not pass.
      return JSON.parse('{"action":"ask"}') as never;
    },
  });
  const harness = createHarness(kind, ctx);
  record(t, harness);
  await harness.start();
  const { end, events } = await runTurn(harness, 'Please try.');
  t.is(end.status, 'completed');
  t.false(existsSync(path.join(workspace, 'throws.txt')));
  t.false(existsSync(path.join(workspace, 'malformed.txt')));
  const decisions = ofType(events, 'tool_decision');
  t.deepEqual(decisions.map((d) => [d.tool.name, d.decision.action]), [['bash', 'deny'], ['write', 'deny']]);
  return { server, decisions };
}

/**
 * A gate that always throws denies `toolCall` (which would write throws.txt); then a new process
 * resumed from the first one's id carries the earlier turn. Returns the id and the resumed harness.
 */
export async function runFailClosedThenResume(t: ExecutionContext, kind: HarnessName, env: (server: ModelServer) => Record<string, string>, toolCall: ToolCalls[number]) {
  const server = await serveScript(t, {
    script: [
      { user: 'try', reply: { tool_calls: [toolCall] } },
      { name: 'refused', tool_result_regex: 'unreachable', reply: { text: 'Refused: noted pelican.' } },
      { name: 'recall', user: 'which word', reply: { text: 'It was pelican.' } },
    ],
  });
  const { ctx, workspace } = setup(t, kind, env(server), {
    gate: async () => {
      throw new Error('policy engine unreachable');
    },
  });
  const first = createHarness(kind, ctx);
  record(t, first);
  await first.start();
  const { end, events } = await runTurn(first, 'Please try.');
  t.is(end.text, 'Refused: noted pelican.');
  t.false(existsSync(path.join(workspace, 'throws.txt')));
  t.deepEqual(ofType(events, 'tool_decision').map((d) => d.decision.action), ['deny']);
  const id = first.resumeId!;
  await first.stop();

  const second = createHarness(kind, ctx);
  record(t, second);
  await second.start({ resume: id });
  t.is((await runTurn(second, 'Now, which word was it?')).end.text, 'It was pelican.');
  t.true(JSON.stringify(named(server, 'recall').body).includes('Refused: noted pelican.'), 'the resumed request carries the earlier turn');
  return { id, second };
}
