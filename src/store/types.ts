// Shapes the store hands out and accepts. Rows are mapped to camelCase objects; values that are
// absent in the database are `null` (not `undefined`) so records survive a JSON round trip as-is.

export const SESSION_STATES = ['starting', 'working', 'waiting', 'asking', 'done', 'failed', 'interrupted'] as const;
export type SessionState = (typeof SESSION_STATES)[number];
/** States after which a session never runs again; entering one stamps `endedAt`. */
export const TERMINAL_STATES: readonly SessionState[] = ['done', 'failed', 'interrupted'];

/** Normalized action phases (see ARCHITECTURE.md) plus the bookkeeping types the runtime writes. */
export const EVENT_TYPES = [
  'request',
  'llm_request',
  'llm_response',
  'tool_call',
  'tool_result',
  'response',
  'egress',
  'spawn',
  'lifecycle',
  'text',
  'usage',
  'error',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Recorded verdicts, weakest first. `redact`: the content was rewritten, then the action went on. */
export const VERDICTS = ['allow', 'warn', 'redact', 'ask', 'deny'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const ASK_STATES = ['pending', 'allowed', 'denied', 'expired'] as const;
export type AskState = (typeof ASK_STATES)[number];
export const ASK_SCOPES = ['once', 'session'] as const;
export type AskScope = (typeof ASK_SCOPES)[number];

/** Where a value being written lands; lets a redaction rule treat fields differently. */
export interface RedactWhere {
  table: 'sessions' | 'events' | 'decisions' | 'asks';
  field: string;
}

/**
 * Every free-form value (event payloads, paths, rule lists, messages, prompts) passes through this
 * before it is serialized and written. Identifiers, enum values, numbers and times do not: they
 * cannot carry a secret and rewriting them would break references. Must return a value of the same
 * kind for string fields (a string).
 */
export type Redactor = (value: unknown, where: RedactWhere) => unknown;

export interface Session {
  id: string;
  agent: string;
  harness: string;
  specPath: string | null;
  workspace: string | null;
  state: SessionState;
  /** The orchestrating session when this one is a sub-agent. */
  parentId: string | null;
  /** The session this one was forked from (its conversation copied), if any. */
  forkedFrom: string | null;
  /** Milliseconds since the epoch, like every time in the store. */
  createdAt: number;
  endedAt: number | null;
  exitCode: number | null;
  costUsd: number;
  tokens: number;
}

export interface NewSession {
  /** Generated (`s_…`) when omitted. */
  id?: string;
  agent: string;
  harness: string;
  specPath?: string | null;
  workspace?: string | null;
  state?: SessionState;
  parentId?: string | null;
  forkedFrom?: string | null;
  createdAt?: number;
}

export interface SessionPatch {
  state?: SessionState;
  workspace?: string | null;
  endedAt?: number | null;
  exitCode?: number | null;
  costUsd?: number;
  tokens?: number;
}

export interface SessionFilter {
  state?: SessionState | readonly SessionState[];
  parentId?: string;
  agent?: string;
  /** Newest first; default 100. */
  limit?: number;
}

export interface EventInput {
  type: EventType;
  payload?: unknown;
  /** Defaults to the time of the append call. */
  ts?: number;
}

export interface StoredEvent {
  sessionId: string;
  /** 1, 2, 3, … per session, never reused, also across reopen. */
  seq: number;
  ts: number;
  type: EventType;
  payload: unknown;
}

export interface ReadOptions {
  /** Exclusive lower bound; 0 (the default) reads from the first event. */
  afterSeq?: number;
  /** Default 1000. */
  limit?: number;
}

export interface TailOptions {
  /** Rows per read while catching up; default 1000. */
  batch?: number;
  /** Called when reading or the callback throws; the tail stops. Default: a process warning. */
  onError?: (err: unknown) => void;
}

export interface Tail {
  /** Highest seq delivered so far. */
  readonly cursor: number;
  stop(): void;
}

export interface Decision {
  id: number;
  sessionId: string;
  eventSeq: number | null;
  actionId: string | null;
  verdict: Verdict;
  /** Rules that fired, as the policy engine reported them (JSON). */
  rules: unknown;
  message: string | null;
  ts: number;
}

export interface NewDecision {
  sessionId: string;
  eventSeq?: number | null;
  actionId?: string | null;
  verdict: Verdict;
  rules?: unknown;
  message?: string | null;
  ts?: number;
}

export interface Ask {
  id: string;
  sessionId: string;
  decisionId: number | null;
  prompt: string;
  state: AskState;
  scope: AskScope;
  answeredBy: string | null;
  createdAt: number;
  answeredAt: number | null;
  expiresAt: number | null;
}

export interface NewAsk {
  /** Generated (`a_…`) when omitted. */
  id?: string;
  sessionId: string;
  decisionId?: number | null;
  prompt: string;
  expiresAt?: number | null;
  createdAt?: number;
}

export interface AskAnswer {
  state: Exclude<AskState, 'pending'>;
  /** Who answered (a client name); free-form, so it is redacted like the prompt. */
  by?: string | null;
  /** Whether an `allowed` answer covers later identical actions in the session. Default `once`. */
  scope?: AskScope;
  ts?: number;
}

export interface AskFilter {
  sessionId?: string;
  state?: AskState;
  /** Oldest first; default 100. */
  limit?: number;
}

export interface Usage {
  id: number;
  sessionId: string;
  ts: number;
  model: string | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
  /** Who measured it, e.g. `proxy` or `harness`. */
  source: string;
}

export interface NewUsage {
  sessionId: string;
  model?: string | null;
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  costUsd?: number;
  source: string;
  ts?: number;
}
