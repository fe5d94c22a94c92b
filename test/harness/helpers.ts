// Shared pieces of the harness tests: a spec, a private home, an environment built from
// nothing, a small real gate (deny anything mentioning "forbidden"), and event helpers.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import { packageRoot } from '../../src/paths.js';
import { loadSpec } from '../../src/spec/index.js';
import type { HarnessName } from '../../src/spec/types.js';
import type { GateDecision, Harness, HarnessContext, HarnessEvent, NormalizedAction } from '../../src/harness/index.js';
import type { ModelServer, RecordedRequest } from '../../src/model-server/index.js';

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
