// The agent's environment, built from nothing: only the variables the spec allowlists (with the
// values of the client that started the run), what the harness needs, the proxy's variables and
// placeholder credentials. Nothing of the daemon's own environment leaks in, so a real key the
// daemon holds can never reach the child this way.
import type { AgentSpec, HarnessName } from '../spec/types.js';

const DEFAULT_PATH = '/usr/local/bin:/usr/bin:/bin';

/** Variables the runtime owns: an allowlisted value from the client never overrides these. */
const OWNED = new Set(['HOME', 'TMPDIR']);

/** Per-harness offline recipe (see docs/harnesses.md): no telemetry, updates or side traffic. */
const HARNESS_ENV: Partial<Record<HarnessName, Record<string, string>>> = {
  'claude-code': { DISABLE_TELEMETRY: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_AUTOUPDATER: '1' },
};

/** Variables each harness reads its model key from; given a stand-in when no credential exists. */
const KEY_VARS: Partial<Record<HarnessName, string[]>> = {
  'claude-code': ['ANTHROPIC_API_KEY'],
  codex: ['OPENAI_API_KEY'],
  pi: ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY'],
  bridle: ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY'],
};

/**
 * Stands in for a key the session has no credential for (offline runs against a local model
 * server): vendor CLIs refuse to start without one. It is not a placeholder, so the proxy
 * forwards it as-is; a real upstream rejects it, which is the honest outcome.
 */
export const NO_CREDENTIAL = 'bridle-no-credential';

/** `NAME` or `PREFIX_*` entries of the spec's `env:` list. */
export function allowlisted(patterns: readonly string[], name: string): boolean {
  return patterns.some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : p === name));
}

export interface ChildEnvInput {
  spec: AgentSpec;
  /** The environment of the client that asked for the run; only allowlisted names are read. */
  clientEnv: Readonly<Record<string, string | undefined>>;
  /** The session's private HOME. */
  home: string;
  /** The session's private temp dir (TMPDIR). */
  tmp: string;
  /** `proxyEnvFor(route)`: base URLs, proxy variables, CA bundles, placeholders. */
  proxyEnv: Readonly<Record<string, string>>;
}

export function buildChildEnv(input: ChildEnvInput): Record<string, string> {
  const env: Record<string, string> = { PATH: DEFAULT_PATH, LANG: 'C.UTF-8', TERM: 'dumb' };
  for (const [name, value] of Object.entries(input.clientEnv)) {
    if (value === undefined || OWNED.has(name) || !allowlisted(input.spec.env, name)) continue;
    env[name] = value;
  }
  Object.assign(env, HARNESS_ENV[input.spec.harness] ?? {});
  for (const name of KEY_VARS[input.spec.harness] ?? []) env[name] = NO_CREDENTIAL;
  // Last, so nothing allowlisted can redirect the agent around the proxy or swap its placeholders.
  Object.assign(env, input.proxyEnv);
  // Loopback bypasses the forward proxy (which refuses internal addresses): the vendor's hook must
  // reach the session's hook endpoint directly, and the reverse routes are the proxy itself. The
  // sandbox still lets the agent connect to no loopback port but those two.
  env.NO_PROXY = env.no_proxy = '127.0.0.1,localhost,::1';
  env.HOME = input.home;
  // A private temp dir: other sessions cannot see the agent's scratch files, and it stays
  // writable even where the shared /tmp is frozen by a denied path beneath it (docs/sandbox.md).
  env.TMPDIR = input.tmp;
  return env;
}
