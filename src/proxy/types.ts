// The proxy's public contract: what it asks the policy engine, what it reports, and how it is set up.
import type { InterceptionCa } from './ca.js';
import type { GitInfo } from './git.js';
import type { ExfilKind } from './swap.js';
import type { CredentialEntry, DefaultCredential } from './vault.js';
import type { Resolver } from './resolve.js';
import type { PriceTable } from './metering/prices.js';
import type { WireApi } from './metering/usage.js';

export type Verdict = 'allow' | 'warn' | 'ask' | 'deny';

/** The normalized `egress` action (ARCHITECTURE.md), plus what the proxy knows about git traffic. */
export interface EgressAction {
  /**
   * `egress` for every request. A model API call (`POST …/messages`, `…/responses`,
   * `…/chat/completions`) is also put to policy as `llm_request`, with the same `egress` fields
   * and the `model` its body names, and the strictest of both verdicts applies.
   */
  phase: 'egress' | 'llm_request';
  session: { id: string };
  egress: {
    method: string;
    scheme: 'http' | 'https';
    host: string;
    port: number;
    /** Normalized path without the query (dot segments resolved, as sent upstream). */
    path: string;
    /** `anthropic`, `openai`, … for reverse routes; `forward`, `intercept`, `tunnel` otherwise. */
    route: string;
  };
  git?: GitInfo;
  /** `llm_request` only: the body's top-level `model`; absent when the body names none or cannot be read whole. */
  model?: string;
}

export interface EgressDecision {
  action: Verdict;
  message?: string;
  rules?: unknown[];
}

export interface DecideContext {
  sessionId: string;
}

/** The policy hook: the session runtime wires the policy engine in here. */
export type Decide = (action: EgressAction, ctx: DecideContext) => Promise<EgressDecision> | EgressDecision;

/** A tool result on its way to the model, as the proxy found it in a model request body. */
export interface WireToolResult {
  /** The call it answers, when the wire format names one. */
  callId?: string;
  /** The vendor's tool name, from the matching call in the same request. */
  tool?: string;
  text: string;
}

/** What policy made of a tool result: the text to send instead, and why. */
export interface ScreenedToolResult {
  text: string;
  /** `redact` rules that rewrote the text, with their match counts. */
  redactions?: { rule: string; count: number }[];
  /** Set when policy denied the result: the whole text was replaced by a notice. */
  withheld?: string;
}

/**
 * Policy on the tool results a model request carries (the `tool_result` phase): `undefined` sends
 * the text unchanged. Synchronous, because the engine's decisions are; a throw refuses the request.
 */
export type ScreenToolResult = (result: WireToolResult, ctx: DecideContext) => ScreenedToolResult | undefined;

/**
 * Resolves an `ask` verdict: resolves when a human answered (or the ask timed out → `deny`).
 * The request is held open meanwhile. Without one, `ask` is refused (fail closed).
 */
export type AskResolver = (action: EgressAction, decision: EgressDecision, ctx: DecideContext) => Promise<'allow' | 'deny'>;

export interface EgressEventPayload {
  method: string;
  scheme: string;
  host: string;
  port: number;
  path: string;
  route: string;
  verdict: Verdict;
  /** Why the proxy refused, when it did (`policy`, `exfiltration`, `internal-address`, …). */
  reason?: string;
  message?: string;
  rules?: unknown[];
  git?: GitInfo;
  exfiltration?: { kind: ExfilKind; credential: string; where?: string };
  /** Credential names swapped into this request (names only). */
  credentials?: string[];
  /** Model requests: `redact` rules that rewrote tool results in the body, with match counts. */
  redactions?: { rule: string; count: number }[];
  /** Model requests: how many tool results policy withheld from the model. */
  withheld?: number;
}

/** Events the proxy reports; the session runtime appends them to the store. */
export type EventSink = (sessionId: string, event: { type: 'egress'; payload: EgressEventPayload }) => void;

export interface UsageRecord {
  sessionId: string;
  ts: number;
  api: WireApi;
  host: string;
  model: string | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** null when the model has no price (see `costKnown`). */
  costUsd: number | null;
  costKnown: boolean;
  source: 'proxy';
}

export type UsageSink = (record: UsageRecord) => void;

export interface EgressProxyOptions {
  /** Policy hook used for sessions that do not bring their own. Required: there is no implicit allow. */
  decide: Decide;
  /**
   * Policy on tool results inside model requests (see ScreenToolResult), for sessions that do
   * not bring their own. Without one, request bodies go upstream as the agent sent them.
   */
  screenToolResult?: ScreenToolResult;
  ask?: AskResolver;
  onEvent?: EventSink;
  onUsage?: UsageSink;
  /** Diagnostics (already redacted). */
  log?: (message: string) => void;
  /** The environment Bridle was started with (upstream overrides, secrets). Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Reverse-route upstream base URLs by route name; override env and vendor defaults. */
  upstreams?: Readonly<Record<string, string>>;
  /** Extra PEM CA certificates trusted for upstream TLS (corporate gateways; tests' own CA). */
  upstreamCa?: string;
  /** Name resolution (tests map names to loopback). Default: the system resolver. */
  resolver?: Resolver;
  /** Host patterns allowed to resolve to loopback/private/link-local addresses (any port unless given). */
  allowInternal?: readonly string[];
  /** Default credential bindings; `false` disables them. */
  defaultCredentials?: readonly DefaultCredential[] | false;
  /** Price overrides/additions, USD per million tokens. */
  prices?: PriceTable;
  /**
   * The interception CA to mint leaf certificates with, shared by every proxy of one daemon (the
   * session manager holds it). Default: a CA of this proxy's own. The proxy never owns a shared
   * CA; it only writes its public certificate (and a trust bundle holding it) into `caDir`.
   */
  ca?: InterceptionCa;
  /** Parent directory for the public CA files. Default: the OS temp dir. */
  caDir?: string;
  /** Listening port; default 0 (random). */
  port?: number;
}

export interface SessionOptions {
  id: string;
  /** The spec's `credentials:` entries. */
  credentials?: readonly CredentialEntry[];
  /** Per-session policy hook; default `EgressProxyOptions.decide`. */
  decide?: Decide;
  /** Per-session tool-result policy; default `EgressProxyOptions.screenToolResult`. */
  screenToolResult?: ScreenToolResult;
  allowInternal?: readonly string[];
}

/** What the session runtime needs to point a child at the proxy (see `proxyEnvFor`). */
export interface SessionRoute {
  sessionId: string;
  /** Unguessable; identifies the session in paths and proxy credentials. Treat as a secret. */
  token: string;
  port: number;
  /** `http://bridle:<token>@127.0.0.1:<port>` for HTTP(S)_PROXY. */
  proxyUrl: string;
  /** Reverse-route base URLs by route name, e.g. `anthropic` → `http://127.0.0.1:P/s/<token>/anthropic`. */
  baseUrls: Readonly<Record<string, string>>;
  /** Placeholder per credential name: the only values the child ever sees. */
  placeholders: Readonly<Record<string, string>>;
  /** Credentials that could not be loaded (names and reasons only). */
  missing: readonly { name: string; reason: string }[];
  caCertPath: string;
  caBundlePath: string;
}

export interface EgressProxy {
  readonly port: number;
  readonly caCertPath: string;
  readonly caBundlePath: string;
  addSession(session: SessionOptions): SessionRoute;
  removeSession(sessionId: string): void;
  /** Redacts every known secret and route token; shaped for the store's `redact` hook. */
  redact(value: unknown): unknown;
  close(): Promise<void>;
}
