// The harness contract: how the session runtime drives any agent (vendor CLI or plain command)
// and what it hears back. One interface, one normalized event stream, one gate for tool calls,
// whatever the vendor's own protocol looks like. Adapters translate; they never decide policy.
import type { AgentSpec, HarnessName } from '../spec/types.js';

/** A tool call in Bridle's vocabulary (ARCHITECTURE "Normalized action"). */
export interface NormalizedTool {
  /** `bash`, `read`, `write`, `edit`, `fetch`, `delegate`, `mcp__server__tool`, else the vendor's name. */
  name: string;
  /**
   * Normalized fields (`command`, `path`, `url`, `agent`, `prompt`; paths absolute) plus any other
   * field the vendor sent that has no normalized spelling.
   */
  input: Record<string, unknown>;
  /** The tool's name as the vendor called it (`Bash`, `commandExecution`, `read_file`…). */
  vendor_name: string;
  /** The vendor's input exactly as received, for audit. */
  vendor_input: unknown;
}

/** What the gate is asked about. The runtime adds `session` figures before policy sees it. */
export interface NormalizedAction {
  phase: 'tool_call';
  agent: string;
  harness: HarnessName;
  model?: string;
  tool: NormalizedTool;
  /** The vendor's id for this call when it has one (pairs the decision with tool_call/tool_result events). */
  call_id?: string;
  session?: { id?: string; cost_usd?: number; tokens?: number };
}

/**
 * The answer for one tool call. Policy verdicts are allow < warn < ask < deny, but asks are
 * resolved *above* the adapter (ASK queue, human, timeout → deny): the promise a gate returns
 * settles only once that is done, so an adapter only ever sees `allow`, `warn` (allow, with a
 * note for the record) or `deny`. Anything else — `ask`, a missing or unknown action, a thrown
 * error, a rejected promise, or no answer within the gate timeout — is treated as `deny`.
 */
export interface GateDecision {
  action: 'allow' | 'warn' | 'deny';
  /** Why; for a deny this is what the agent is told. */
  message?: string;
  /** The rule that decided, for the record. */
  rule?: string;
}

export type Gate = (action: NormalizedAction) => Promise<GateDecision>;

/**
 * Rewrites a launch (e.g. into `bridle-sandbox … -- file args`). Identity when absent.
 * `launch.loopbackPorts` are the 127.0.0.1 ports the agent must reach besides the proxy (its hook
 * endpoint), known only once the adapter has started it; a sandbox must allow them.
 * `launch.protect` are files the adapter generated in the agent's writable config home (hooks,
 * model provider config) that the agent must not change; a sandbox should keep them read-only.
 */
export type LaunchWrapper = (
  file: string,
  args: string[],
  launch?: { loopbackPorts: readonly number[]; protect?: readonly string[] },
) => { file: string; args: string[] };

/** Everything an adapter gets from the session runtime. */
export interface HarnessContext {
  spec: AgentSpec;
  /** Absolute working directory of the agent. */
  workspace: string;
  /**
   * Private, writable directory for the vendor's own config home (CLAUDE_CONFIG_DIR, CODEX_HOME,
   * PI_CODING_AGENT_DIR…). Created if missing; the adapter writes its provider and hook config here.
   */
  configHome: string;
  /**
   * The child's complete environment, already built from nothing by the runtime: PATH, HOME
   * (private), model base URLs (`ANTHROPIC_BASE_URL`, `OPENAI_BASE_URL` ending in `/v1`),
   * placeholder keys (`ANTHROPIC_API_KEY`, `OPENAI_API_KEY`), proxy variables. Adapters add only
   * the documented vendor variables (see docs/harnesses.md) and never read `process.env`.
   */
  env: Record<string, string>;
  wrap?: LaunchWrapper;
  /** Called before every tool call runs; see GateDecision for the fail-closed rules. */
  gate: Gate;
  /** How long one gate call may take before it counts as deny. Default 10 minutes (asks wait for humans). */
  gateTimeoutMs?: number;
  /**
   * The real user's home, whose vendor instructions and preferences (CLAUDE.md, AGENTS.md, model
   * choice) are copied into the private config home. Never written to. Absent: nothing is imported.
   */
  userHome?: string;
  /** Path of the vendor executable; default: the pinned one in node_modules/.bin or PATH. */
  executable?: string;
}

export interface StartOptions {
  /** Continue a vendor session (see `Harness.resumeId`) instead of starting a new one. */
  resume?: string;
  /**
   * With `resume`: continue a copy of that conversation under a new vendor id, leaving the
   * original as it was (claude `--fork-session`). Only adapters that say so in docs/harnesses.md
   * honour it; the runtime never asks others.
   */
  fork?: boolean;
}

export interface HarnessCapabilities {
  /** Tool calls are gated one by one (false for `command`: it only gets sandbox + proxy). */
  toolGate: boolean;
  interrupt: boolean;
  /** A later run can continue the vendor conversation (`StartOptions.resume`). */
  resume: boolean;
  /**
   * A new session can start from a copy of another's conversation (`StartOptions.fork`), leaving
   * the original as it was. The daemon copies the vendor's conversation files for it.
   */
  fork: boolean;
}

/** Token figures for the model requests since the previous usage event (sum them for totals). */
export interface UsageFigures {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  /** The vendor's own cost estimate, when it reports one. */
  cost_usd?: number;
  model?: string;
}

export type TurnStatus = 'completed' | 'interrupted' | 'failed';

export type HarnessEvent =
  | { type: 'session_start'; harness: HarnessName; vendor_session_id?: string; model?: string; pid?: number }
  | { type: 'turn_start'; turn: number }
  | { type: 'text_delta'; turn: number; text: string }
  | { type: 'tool_call'; turn: number; call_id: string; tool: NormalizedTool }
  | { type: 'tool_decision'; turn: number; call_id?: string; tool: NormalizedTool; decision: GateDecision }
  | { type: 'tool_result'; turn: number; call_id: string; output: string; is_error: boolean }
  | ({ type: 'usage'; turn: number } & UsageFigures)
  | { type: 'approval_request'; id: string; prompt: string; options?: string[] }
  | { type: 'turn_end'; turn: number; status: TurnStatus; text?: string; error?: string }
  | { type: 'error'; message: string; fatal: boolean }
  | { type: 'session_end'; exit_code: number | null; signal: string | null };

/** An answer to an `approval_request` (a vendor question that is not a gated tool call). */
export type ApprovalAnswer = { action: 'allow' | 'deny'; message?: string } | { action: 'answer'; value: string };

export interface ExitInfo {
  exit_code: number | null;
  signal: string | null;
}

export interface Harness {
  readonly kind: HarnessName;
  readonly capabilities: HarnessCapabilities;
  /** Listeners see every event from subscription on; subscribe before `start`. Returns unsubscribe. */
  on(listener: (event: HarnessEvent) => void): () => void;
  /** Launches the agent. Resolves once it is ready for `send`. */
  start(options?: StartOptions): Promise<void>;
  /** Sends one user message; the turn's progress arrives as events, ending with `turn_end`. */
  send(text: string): Promise<void>;
  /** Answers a pending `approval_request`; false when no such request is pending. */
  resolveApproval(id: string, answer: ApprovalAnswer): boolean;
  /** Stops the current turn; the session stays usable. */
  interrupt(): Promise<void>;
  /** Ends the agent and its whole process tree. Idempotent. */
  stop(): Promise<void>;
  /** The vendor's id to pass as `StartOptions.resume` later, once known. */
  readonly resumeId: string | undefined;
  /** Settles when the agent process has exited (after `session_end`). */
  readonly exited: Promise<ExitInfo>;
}
