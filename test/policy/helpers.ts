// Shared by the policy tests: compile YAML rules, build engines and actions tersely.
import { PolicyEngine, type EngineOptions } from '../../src/policy/engine.js';
import { parsePolicyText, type PolicySet } from '../../src/policy/loader.js';
import type { CompiledRule } from '../../src/policy/rules.js';
import type { StateSnapshot } from '../../src/policy/state.js';
import type { Decision, Level, NormalizedAction } from '../../src/policy/types.js';

export const HOME = '/home/u';
export const WS = '/work/repo';

/** Compile policy YAML; throws with the diagnostics when it does not compile. */
export function rules(yaml: string, level: Level = 'agent', file = 'test.yaml'): CompiledRule[] {
  const r = parsePolicyText(yaml, file, level);
  if (r.diagnostics.length) throw new Error(r.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`).join('\n'));
  return r.rules;
}

/** Diagnostics of policy YAML (empty when valid). */
export function problems(yaml: string, file = 'test.yaml'): string[] {
  return parsePolicyText(yaml, file).diagnostics.map((d) => `${d.line}:${d.col}: ${d.message}`);
}

/** Compile policy YAML as a whole file (rules and `defaults:`). */
export function policySet(yaml: string, level: Level = 'agent', file = 'test.yaml'): PolicySet {
  const r = parsePolicyText(yaml, file, level);
  if (r.diagnostics.length) throw new Error(r.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`).join('\n'));
  return r;
}

export function engine(agentYaml: string, opts: EngineOptions & { serverYaml?: string } = {}): PolicyEngine {
  const { serverYaml, ...rest } = opts;
  return new PolicyEngine({
    home: HOME,
    workspace: WS,
    agent: policySet(agentYaml, 'agent'),
    ...(serverYaml ? { server: policySet(serverYaml, 'server', 'server.yaml') } : {}),
    ...rest,
  });
}

/** One fresh session over the given agent rules. */
export function session(agentYaml: string, opts: EngineOptions & { serverYaml?: string; state?: StateSnapshot } = {}) {
  const { state, ...rest } = opts;
  return engine(agentYaml, rest).openSession({ id: 't', ...(state ? { state } : {}) });
}

/** Decide one action against rules with a fresh session (no state). */
export function decide(agentYaml: string, action: NormalizedAction, opts: EngineOptions & { serverYaml?: string; state?: StateSnapshot } = {}): Decision {
  return session(agentYaml, opts).session.decide(action);
}

export const bash = (command: string, extra: Partial<NormalizedAction> = {}): NormalizedAction => ({
  phase: 'tool_call',
  tool: { name: 'bash', input: { command } },
  ...extra,
});
export const bashResult = (command: string, result = 'ok'): NormalizedAction => ({
  phase: 'tool_result',
  tool: { name: 'bash', input: { command }, result },
});
export const tool = (name: string, input: Record<string, unknown> = {}, phase: 'tool_call' | 'tool_result' = 'tool_call'): NormalizedAction => ({
  phase,
  tool: { name, input },
});
export const read = (path: string): NormalizedAction => tool('read', { path });
export const write = (path: string): NormalizedAction => tool('write', { path });
export const egress = (host: string, method = 'GET', path = '/', port = 443): NormalizedAction => ({
  phase: 'egress',
  egress: { method, scheme: 'https', host, port, path },
});
export const llm = (model: string | undefined, session: NormalizedAction['session'] = {}): NormalizedAction => ({
  phase: 'llm_request',
  ...(model !== undefined ? { model } : {}),
  session,
});
