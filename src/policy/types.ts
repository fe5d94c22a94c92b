// The vocabulary shared by every part of the policy engine: phases, verdicts, levels, the
// normalized action policies see, and the Decision the engine returns.

export const PHASES = [
  'request',
  'llm_request',
  'llm_response',
  'tool_call',
  'tool_result',
  'response',
  'egress',
  'spawn',
] as const;
export type Phase = (typeof PHASES)[number];

/** What a decision can be, weakest first. `redact` proceeds with rewritten content. */
export const VERDICTS = ['allow', 'warn', 'redact', 'ask', 'deny'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Strictness rank: the strictest matching verdict wins. */
export const RANK: Readonly<Record<Verdict, number>> = { allow: 0, warn: 1, redact: 2, ask: 3, deny: 4 };

/** Where a rule came from. Session rules are added at run time by a human only. */
export const LEVELS = ['session', 'agent', 'server'] as const;
export type Level = (typeof LEVELS)[number];

export function isPhase(v: unknown): v is Phase {
  return typeof v === 'string' && (PHASES as readonly string[]).includes(v);
}

/**
 * A normalized action: what every harness adapter, the proxy and the session runtime hand the
 * engine. Only `phase` is required; every other field is read defensively because actions come
 * from the outside world (vendor CLIs, the network, JSONL files).
 */
export interface NormalizedAction {
  phase: Phase;
  agent?: string;
  harness?: string;
  model?: string;
  /** Epoch milliseconds or an ISO string; the engine clock is used when absent. */
  ts?: number | string;
  /** Working directory of the acting agent; relative paths and `cd` resolve against it. */
  cwd?: string;
  /** Depth of the acting agent in the sub-agent tree (root = 0). */
  depth?: number;
  tool?: {
    name: string;
    input?: Record<string, unknown>;
    vendor_name?: string;
    /** tool_result: what the tool returned. */
    result?: unknown;
    /** tool_result of a write: true when the file did not exist before. */
    created?: boolean;
  };
  session?: {
    id?: string;
    cost_usd?: number;
    tokens?: number;
    day_cost_usd?: number;
    day_tokens?: number;
    agent_cost_usd?: number;
    agent_tokens?: number;
    /** Sub-agents spawned so far in this session (the engine counts itself when absent). */
    spawned?: number;
  };
  egress?: { method?: string; scheme?: string; host?: string; port?: number; path?: string };
  /** Git traffic as the proxy sees it. */
  git?: { op?: string; remote?: string; refs?: string[] };
  spawn?: { agent?: string; harness?: string; model?: string; depth?: number };
  /** Message / response text (request, llm_response, response). */
  text?: string;
  message?: unknown;
  response?: unknown;
}

/** One rule that took part in a decision. */
export interface FiredRule {
  name: string;
  level: Level;
  action: Verdict;
  reason: string;
  /** `file:line` of the rule, when it came from a file. */
  source?: string;
  /** Set when a session-level answer settled this rule's ask. */
  resolved_by?: string;
}

export interface AskInfo {
  id: string;
  prompt: string;
  /** Epoch ms after which the ask becomes a deny. */
  deadline: number;
  rules: string[];
}

/**
 * The engine's answer. Plain JSON (JSON.stringify-able) except `rewritten`, which carries the
 * redacted action for the caller and is never part of the stored record.
 */
export interface Decision {
  action: Verdict;
  phase: Phase | string;
  rules: FiredRule[];
  message?: string;
  /** True when no rule decided and the phase default applied. */
  default?: boolean;
  /** State entries the fired rules read (flags, counters, spend). */
  state?: Record<string, unknown>;
  /** Why a match was conservative (unparseable shell, dynamic command names). */
  notes?: string[];
  ask?: AskInfo;
  redactions?: { rule: string; count: number }[];
  /** The action with redacted content; present when a redact rule rewrote something. */
  rewritten?: NormalizedAction;
  /** Epoch ms the decision was made for. */
  ts: number;
  /** On the final decision of an ask: how it was settled. */
  answer?: AskAnswer | 'timeout';
}

/** Shape for the store's decisions table: no payloads, only what governance needs to show. */
export interface DecisionRecord {
  ts: number;
  session_id?: string;
  agent?: string;
  phase: string;
  tool?: string;
  action: Verdict;
  rules: FiredRule[];
  message?: string;
  default?: boolean;
  state?: Record<string, unknown>;
  notes?: string[];
  ask_id?: string;
  answer?: AskAnswer | 'timeout';
  redactions?: { rule: string; count: number }[];
}

/** Human answers to an ask. */
export const ASK_ANSWERS = ['allow_once', 'allow_session', 'deny_once', 'deny_session'] as const;
export type AskAnswer = (typeof ASK_ANSWERS)[number];
