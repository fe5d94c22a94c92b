// One governed session: spec + workspace + sandbox profile + proxy route + credentials + policy
// stack + ASK queue + event log. It owns every process and server it starts (agent, egress
// proxy, hook endpoint via the harness, optional scripted model server) and ends them all when it
// ends, whatever the reason.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createHarness, createInteractiveHarness, type InteractiveHarness, type TerminalSize } from '../harness/index.js';
import type { GateDecision, Harness, HarnessContext, HarnessEvent, NormalizedAction as HarnessAction, NormalizedTool } from '../harness/types.js';
import { describeAction, type AskAnswer, type Decision, type HumanAuthority, type NormalizedAction, type PolicySession } from '../policy/index.js';
import { proxyEnvFor, startEgressProxy, type EgressAction, type InterceptionCa, type EgressDecision, type EgressProxy, type ScreenedToolResult, type UsageRecord, type WireToolResult } from '../proxy/index.js';
import { startModelServer, type ModelServer } from '../model-server/index.js';
import type { AgentSpec } from '../spec/types.js';
import type { AskState, EventInput, SessionState, Store } from '../store/index.js';
import { TERMINAL_STATES, usageTokens } from '../store/index.js';
import { buildChildEnv } from './env.js';
import { executableOf } from './executable.js';
import { storeEventOf } from './events.js';
import { sessionDir, SESSIONS_GUARD, type DaemonPaths } from './paths.js';
import { buildEngine } from './policy.js';
import { PtyBuffer } from './pty-buffer.js';
import { noteOutputChurn } from '../util/memory-return.js';
import { sandboxWrap } from './sandbox.js';
import type { PolicySet } from '../policy/index.js';

/** Extra time a harness gate waits beyond the ask timeout, so the engine's own deny arrives first. */
const GATE_MARGIN_MS = 60_000;

/** How many tool calls (and screened tool results) a session remembers for tool-result policy. */
const REMEMBERED_RESULTS = 1000;

/** Adds to a bounded map, forgetting the oldest entry when it is full. */
function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > REMEMBERED_RESULTS) map.delete(map.keys().next().value as K);
}

/**
 * What a tool_result decision does to the result's text: `redact` rewrites the matches, `deny`
 * (a rule that throws included) and `ask` (no human can be asked about output that already
 * exists) withhold it whole. Undefined: the text stands.
 */
function screenedOf(d: Decision, text: string): ScreenedToolResult | undefined {
  if (d.action === 'deny' || d.action === 'ask') {
    const why = d.message ?? 'denied by policy';
    return { text: `[tool result withheld by policy: ${why}]`, withheld: why };
  }
  const rewritten = d.rewritten?.tool?.result;
  if (typeof rewritten !== 'string' || rewritten === text) return undefined;
  return { text: rewritten, redactions: (d.redactions ?? []).filter((r) => r.count > 0) };
}

export interface StartRequest {
  spec: AgentSpec;
  /** The agent's working directory (absolute, existing). */
  workspace: string;
  /** First user message, sent once the agent is ready. */
  prompt?: string;
  /** End the session when the first turn ends (headless `bridle run`). */
  oneShot?: boolean;
  /** Deny every ask at once instead of waiting for a human. */
  noAsk?: boolean;
  /** How long an ask waits for a human before it is denied; default the engine's (10 min). */
  askTimeoutMs?: number;
  /** Serve the model routes from this scripted model server script (offline runs). */
  modelServerScript?: string;
  /** The requesting client's environment; only the spec's `env:` allowlist is read from it. */
  clientEnv?: Readonly<Record<string, string | undefined>>;
  /** `interactive`: the vendor's own TUI on a PTY (attach/input/resize); default `headless`. */
  mode?: 'headless' | 'interactive';
  /** Initial terminal size of an interactive session. */
  size?: TerminalSize;
  /**
   * Resume: this ended session runs again under the same id, appending to the same event log,
   * its harness continuing `resumeId`.
   */
  resume?: { session: string; resumeId: string };
  /** Fork: a new session whose harness starts from a copy of `session`'s conversation. */
  fork?: { session: string; resumeId: string; vendorFork: boolean };
}

/** How a session was launched, kept as its first event so that `resume` can launch it again. */
export interface LaunchRecord {
  kind: 'launch';
  spec: string | null;
  model: string | null;
  model_server: string | null;
  mode: 'headless' | 'interactive';
  no_ask: boolean;
  ask_timeout_ms: number | null;
  forked_from: string | null;
}

/** A client watching an interactive session's terminal. */
export interface PtyViewer {
  /** Live output bytes. */
  data(bytes: Buffer): void;
  /** The PTY is gone (the session ended); no more data follows. */
  closed(): void;
}

/** What every session of one daemon shares. */
export interface RuntimeDeps {
  store: Store;
  paths: DaemonPaths;
  /** The real user's home: secrets to deny, vendor instructions to import. */
  userHome: string;
  /** The daemon's environment: real credentials and upstream overrides come from here only. */
  daemonEnv: Readonly<Record<string, string | undefined>>;
  serverPolicy: PolicySet;
  /** Extra PEM CA trusted for upstream TLS (a corporate gateway, or tests' HTTPS model server). */
  upstreamCa?: string;
  /** The daemon's interception CA, minted on first use and shared by every session's proxy. */
  interceptionCa(): InterceptionCa;
  /** Registers a redactor with the store's redact hook; returns its removal. */
  addRedactor(redact: (value: unknown) => unknown): () => void;
}

export type SessionEnd = 'done' | 'failed' | 'interrupted';

interface PendingAsk {
  policyId: string;
  by?: string;
}

/** Start time of a process in clock ticks since boot (/proc/PID/stat field 22), to recognise it later. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

export class Session {
  readonly id: string;
  readonly spec: AgentSpec;
  readonly workspace: string;
  private state: SessionState = 'starting';
  private harness: Harness | undefined;
  /** The same object as `harness` in interactive mode. */
  private pty: InteractiveHarness | undefined;
  private readonly screen = new PtyBuffer();
  private readonly viewers = new Set<PtyViewer>();
  private proxy: EgressProxy | undefined;
  private modelServer: ModelServer | undefined;
  private policy: PolicySession | undefined;
  /** Tool calls awaiting their results, by call id (their input is what result rules match on). */
  private readonly toolCalls = new Map<string, NormalizedTool>();
  /**
   * Tool calls by call id, kept after their results (bounded): every later model request carries
   * the results again, and the proxy screens them by the call they answer.
   */
  private readonly callTools = new Map<string, NormalizedTool>();
  /** What tool-result policy made of a (call id, text) already screened; null: unchanged. */
  private readonly screenedResults = new Map<string, ScreenedToolResult | null>();
  private human: HumanAuthority | undefined;
  private removeRedactor: (() => void) | undefined;
  private readonly asks = new Map<string, PendingAsk>();
  private ending: Promise<void> | undefined;
  private lastTurnCompleted = false;
  /** The last harness resume id written to the log. */
  private recordedResumeId: string | undefined;
  private readonly endedPromise: Promise<SessionEnd>;
  private settleEnded!: (end: SessionEnd) => void;
  /**
   * Spend so far, over every run of this session: what budget rules see as `session.cost_usd` and
   * `session.tokens`. Read from the store once (a resumed session has spent before) and kept up to
   * date by meter(), so a decision (one per proxied request) never reads the session row.
   */
  private readonly spent: { costUsd: number; tokens: number } = { costUsd: 0, tokens: 0 };

  /** Creates the store row; `boot` starts everything. Throws nothing the spec did not already pass. */
  constructor(
    private readonly deps: RuntimeDeps,
    private readonly req: StartRequest,
  ) {
    this.spec = req.spec;
    this.workspace = req.workspace;
    if (req.resume) {
      // The same row and log: seq continues where the ended run stopped.
      this.id = req.resume.session;
      const row = deps.store.updateSession(this.id, { state: 'starting', endedAt: null, exitCode: null });
      this.spent.costUsd = row.costUsd;
      this.spent.tokens = row.tokens;
      this.recordedResumeId = req.resume.resumeId;
      this.append([
        { type: 'lifecycle', payload: { kind: 'resumed', resume_id: req.resume.resumeId } },
        { type: 'lifecycle', payload: { kind: 'state', state: 'starting' } },
      ]);
    } else {
      const row = deps.store.createSession({
        agent: req.spec.name,
        harness: req.spec.harness,
        specPath: req.spec.file,
        workspace: req.workspace,
        state: 'starting',
        ...(req.fork ? { forkedFrom: req.fork.session } : {}),
      });
      this.id = row.id;
      const launch: LaunchRecord = {
        kind: 'launch',
        spec: req.spec.file ?? null,
        model: req.spec.model ?? null,
        model_server: req.modelServerScript ?? null,
        mode: req.mode ?? 'headless',
        no_ask: req.noAsk === true,
        ask_timeout_ms: req.askTimeoutMs ?? null,
        forked_from: req.fork?.session ?? null,
      };
      this.append([{ type: 'lifecycle', payload: launch }]);
    }
    this.endedPromise = new Promise((resolve) => (this.settleEnded = resolve));
  }

  get currentState(): SessionState {
    return this.state;
  }

  /** Settles with the final state once everything the session started is gone. */
  get ended(): Promise<SessionEnd> {
    return this.endedPromise;
  }

  private append(events: EventInput[]): number[] {
    return this.deps.store.append(this.id, events);
  }

  private setState(state: SessionState, patch: { exitCode?: number | null } = {}): void {
    if (this.state === state || TERMINAL_STATES.includes(this.state)) return;
    this.state = state;
    this.deps.store.updateSession(this.id, { state, ...patch });
    this.append([{ type: 'lifecycle', payload: { kind: 'state', state, ...(patch.exitCode !== undefined ? { exit_code: patch.exitCode } : {}) } }]);
  }

  /** Records a fatal error and ends the session as failed, without booting it. */
  async fail(message: string): Promise<void> {
    this.append([{ type: 'error', payload: { kind: 'error', message, fatal: true } }]);
    await this.end('failed');
  }

  /** Starts the proxy, the policy stack and the agent; sends the first prompt. Never rejects. */
  async boot(): Promise<void> {
    try {
      await this.bootSteps();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.append([{ type: 'error', payload: { kind: 'error', message, fatal: true } }]);
      await this.end('failed');
    }
  }

  private async bootSteps(): Promise<void> {
    const { deps, req, spec } = this;
    const dir = sessionDir(deps.paths, this.id);
    const home = path.join(dir, 'home');
    const configHome = path.join(dir, 'config');
    const tmp = path.join(dir, 'tmp');
    for (const d of [home, configHome, tmp]) mkdirSync(d, { recursive: true, mode: 0o700 });
    writeFileSync(path.join(deps.paths.sessions, SESSIONS_GUARD), '', { mode: 0o600 });

    if (req.modelServerScript !== undefined) {
      this.modelServer = await startModelServer({ scriptFile: req.modelServerScript });
      this.append([{ type: 'lifecycle', payload: { kind: 'model_server', url: this.modelServer.url, script: req.modelServerScript } }]);
    }
    if (this.ending) return;

    const { engine, files } = buildEngine({
      spec,
      server: deps.serverPolicy,
      workspace: this.workspace,
      home: deps.userHome,
      ...(req.askTimeoutMs !== undefined ? { askTimeoutMs: req.askTimeoutMs } : {}),
    });
    const opened = engine.openSession({ id: this.id, workspace: this.workspace });
    this.policy = opened.session;
    this.human = opened.human;

    const offline = this.modelServer !== undefined;
    this.proxy = await startEgressProxy({
      decide: (action) => this.decideEgress(action),
      screenToolResult: (result) => this.screenWireResult(result),
      onEvent: (_sid, event) => this.append([{ type: 'egress', payload: { kind: 'egress', ...event.payload } }]),
      onUsage: (u) => this.meter(u),
      env: deps.daemonEnv,
      ...(offline ? { upstreams: { anthropic: this.modelServer!.url, openai: `${this.modelServer!.url}/v1` }, defaultCredentials: false as const } : {}),
      ...(deps.upstreamCa !== undefined ? { upstreamCa: deps.upstreamCa } : {}),
      ca: deps.interceptionCa(),
      caDir: dir,
    });
    const proxy = this.proxy;
    this.removeRedactor = deps.addRedactor((v) => proxy.redact(v));
    // end() may have run while the proxy started; it closed what existed then, not this.
    if (this.ending) {
      await proxy.close();
      return;
    }
    // Offline runs talk plain HTTP to a local script: no real secret is involved, so none is loaded
    // (a placeholder over plain HTTP would be refused as exfiltration anyway).
    const route = this.proxy.addSession({
      id: this.id,
      credentials: offline ? [] : spec.credentials.map((c) => ({ name: c.name, hosts: c.hosts, source: c.source })),
    });
    for (const m of route.missing) {
      this.append([{ type: 'error', payload: { kind: 'credential_missing', name: m.name, reason: m.reason, fatal: false } }]);
    }
    const env = buildChildEnv({ spec, clientEnv: req.clientEnv ?? {}, home, tmp, proxyEnv: proxyEnvFor(route) });
    const wrap = sandboxWrap(
      { spec, workspace: this.workspace, privateDir: dir, paths: deps.paths, proxyPort: this.proxy.port, userHome: deps.userHome, policyFiles: files },
      (profile) => this.append([{ type: 'lifecycle', payload: { kind: 'sandbox', profile } }]),
    );
    if (this.ending) return;

    const harnessCtx: HarnessContext = {
      spec,
      workspace: this.workspace,
      configHome,
      env,
      wrap,
      gate: (action) => this.gate(action),
      gateTimeoutMs: engine.askTimeoutMs + GATE_MARGIN_MS,
      userHome: deps.userHome,
      ...executableOf(spec.harness, deps.daemonEnv),
    };
    if (req.mode === 'interactive') {
      const pty = createInteractiveHarness(spec.harness, harnessCtx);
      this.harness = this.pty = pty;
      // Subscribed before start: the first bytes of the TUI belong in the buffer too.
      pty.onOutput((bytes) => {
        this.screen.append(bytes);
        noteOutputChurn(bytes.length);
        for (const v of [...this.viewers]) v.data(bytes);
      });
    } else {
      this.harness = createHarness(spec.harness, harnessCtx);
    }
    this.harness.on((event) => this.onHarnessEvent(event));
    const from = req.resume ?? req.fork;
    const continued = from ? { resume: from.resumeId, ...(req.fork?.vendorFork ? { fork: true } : {}) } : {};
    if (this.pty) {
      if (req.prompt !== undefined) this.append([{ type: 'request', payload: { kind: 'user_message', text: req.prompt } }]);
      await this.pty.start({ ...continued, ...(req.prompt !== undefined ? { prompt: req.prompt } : {}), ...(req.size ? { size: req.size } : {}) });
    } else {
      await this.harness.start(continued);
    }
    this.recordResumeId();
    if (this.ending) {
      // Killed while the agent was starting: end() may have found nothing to stop yet.
      await this.harness.stop();
      return;
    }
    if (this.pty) {
      // A live TUI: whether it is thinking or waiting for the person is on its screen, not in events.
      const size = this.pty.size;
      this.append([{ type: 'lifecycle', payload: { kind: 'pty', cols: size.cols, rows: size.rows } }]);
      this.setState('working');
      return;
    }
    this.setState('waiting');
    if (req.prompt !== undefined) await this.send(req.prompt);
  }

  /** Whether this session runs the vendor's TUI on a PTY. */
  get interactive(): boolean {
    return this.req.mode === 'interactive';
  }

  /**
   * Watches the terminal: returns the buffered recent output (to replay into a terminal emulator)
   * and the size, then feeds `viewer` every new byte until `detach` or the session's end.
   */
  attach(viewer: PtyViewer): { snapshot: Buffer; size: TerminalSize; written: number; detach(): void } {
    if (!this.interactive) throw new Error(`session ${this.id} is headless: it has no terminal to attach to`);
    const size = this.pty?.size ?? this.req.size ?? { cols: 120, rows: 40 };
    const snapshot = this.screen.snapshot();
    if (TERMINAL_STATES.includes(this.state)) {
      viewer.closed();
      return { snapshot, size, written: this.screen.written, detach: () => undefined };
    }
    this.viewers.add(viewer);
    return { snapshot, size, written: this.screen.written, detach: () => void this.viewers.delete(viewer) };
  }

  /** Keystrokes into the session's PTY. */
  input(data: Buffer | string): void {
    this.requirePty().write(data);
  }

  resize(cols: number, rows: number): void {
    if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols < 1 || rows < 1 || cols > 1000 || rows > 1000) {
      throw new Error('resize needs integer cols and rows between 1 and 1000');
    }
    this.requirePty().resize(cols, rows);
  }

  /** Flow control for a slow viewer (counted; see InteractiveHarness.pause). */
  pauseOutput(): void {
    this.pty?.pause();
  }

  resumeOutput(): void {
    this.pty?.resume();
  }

  private requirePty(): InteractiveHarness {
    if (!this.interactive) throw new Error(`session ${this.id} is headless: it has no terminal`);
    if (!this.pty || TERMINAL_STATES.includes(this.state)) throw new Error(`session ${this.id} has no running terminal (${this.state})`);
    return this.pty;
  }

  /** Sends a user message; resolves with its event's seq once the event is durable. */
  async send(text: string): Promise<number> {
    if (!this.harness || TERMINAL_STATES.includes(this.state) || this.ending) throw new Error(`session ${this.id} is not running (${this.state})`);
    const [seq] = this.append([{ type: 'request', payload: { kind: 'user_message', text } }]);
    await this.deps.store.flush();
    this.setState('working');
    await this.harness.send(text);
    return seq!;
  }

  async interrupt(): Promise<void> {
    if (!this.harness) throw new Error(`session ${this.id} has no running agent`);
    await this.harness.interrupt();
  }

  /**
   * Writes the harness's resume id to the log when it is new, so that a later daemon can continue
   * the conversation after this one is gone (even SIGKILLed: appends are durable once flushed).
   */
  private recordResumeId(): void {
    const id = this.harness?.resumeId;
    if (id === undefined || id === this.recordedResumeId || !this.harness?.capabilities.resume) return;
    this.recordedResumeId = id;
    this.append([{ type: 'lifecycle', payload: { kind: 'resume_id', resume_id: id } }]);
  }

  /** Ends the session from outside (kill, daemon shutdown). */
  kill(): Promise<void> {
    return this.end('interrupted');
  }

  private onHarnessEvent(event: HarnessEvent): void {
    // A tool result is screened by policy before the store sees it.
    if (event.type === 'tool_result') return this.observeResult(event);
    this.append([storeEventOf(event)]);
    switch (event.type) {
      case 'tool_call':
        this.toolCalls.set(event.call_id, event.tool);
        remember(this.callTools, event.call_id, event.tool);
        break;
      case 'session_start':
        if (event.pid !== undefined) {
          // Enough to find (and end) the process group should the daemon die before the session.
          this.append([{ type: 'lifecycle', payload: { kind: 'process', pid: event.pid, start_time: processStartTime(event.pid) ?? null } }]);
        }
        break;
      case 'turn_start':
        if (!this.ending) this.setState(this.asks.size > 0 ? 'asking' : 'working');
        break;
      case 'turn_end':
        this.lastTurnCompleted = event.status === 'completed';
        // Some vendors name their conversation only once it has a turn (a thread, a session file).
        this.recordResumeId();
        if (this.req.oneShot) void this.end(event.status === 'completed' ? 'done' : event.status === 'interrupted' ? 'interrupted' : 'failed');
        else if (!this.ending) this.setState('waiting');
        break;
      case 'session_end':
        // A TUI has no turns: leaving it normally is a finished session.
        if (!this.ending) void this.end(event.exit_code === 0 && (this.lastTurnCompleted || this.interactive) ? 'done' : 'failed');
        break;
      default:
        break;
    }
  }

  /**
   * A tool's result goes through policy too, so rules conditioned on what already ran (`after:
   * on: tool_result`, e.g. push-after-install) see it, and `redact` / `deny` rules on results
   * rewrite or withhold the text the store records. The tool has run, so there is nothing to
   * gate; the model gets the same treatment in the proxy (screenWireResult), which sees the
   * result again inside the next model request.
   */
  private observeResult(event: Extract<HarnessEvent, { type: 'tool_result' }>): void {
    const tool = this.toolCalls.get(event.call_id);
    this.toolCalls.delete(event.call_id);
    let screened: ScreenedToolResult | undefined;
    let decision: Decision | undefined;
    if (this.policy) {
      try {
        decision = this.policy.decide(this.resultAction(tool ?? this.callTools.get(event.call_id), undefined, event.output));
        screened = screenedOf(decision, event.output);
        remember(this.screenedResults, `${event.call_id}\0${event.output}`, screened ?? null);
        // Only a result of a call seen being made changes state (an observer needs its input).
        if (tool) this.policy.commit(decision);
      } catch (err) {
        // Fail closed: a result policy could not judge is not recorded as it was.
        const why = `tool result policy failed: ${err instanceof Error ? err.message : String(err)}`;
        screened = { text: `[tool result withheld by policy: ${why}]`, withheld: why };
      }
    }
    const stored = screened ? { ...event, output: screened.text } : event;
    this.append([storeEventOf(stored)]);
    if (screened) {
      this.append([{ type: 'tool_result', payload: { kind: 'redaction', call_id: event.call_id, redactions: screened.redactions ?? [], ...(screened.withheld !== undefined ? { withheld: screened.withheld } : {}) } }]);
    }
    if (decision && decision.action !== 'allow') {
      // A redaction is recorded as one (the result went on, rewritten); an ask on a result cannot
      // be put to anyone (the output already exists), so the result was withheld: a deny.
      const verdict = decision.action === 'ask' ? 'deny' : decision.action;
      const message = screened?.redactions ? `redacted ${screened.redactions.map((r) => `${r.count} match${r.count === 1 ? '' : 'es'} of ${r.rule}`).join(', ')} in the tool result` : decision.message;
      this.deps.store.recordDecision({ sessionId: this.id, actionId: event.call_id, verdict, rules: decision.rules, message: message ?? null, ts: decision.ts });
    }
  }

  /** The tool_result action for a result's text; a call never seen is known only by name. */
  private resultAction(tool: NormalizedTool | undefined, vendorName: string | undefined, text: string): NormalizedAction {
    const known = tool ?? { name: vendorName ?? 'unknown', input: {} };
    return { phase: 'tool_result', agent: this.spec.name, harness: this.spec.harness, cwd: this.workspace, tool: { ...known, result: text } } as NormalizedAction;
  }

  /**
   * The proxy's view of a tool result inside a model request: the same policy, as a dry run
   * (each request re-sends the whole conversation, so a result is screened many times but its
   * effects were recorded once, by observeResult). Remembered by call id and text.
   */
  private screenWireResult(result: WireToolResult): ScreenedToolResult | undefined {
    const key = `${result.callId ?? ''}\0${result.text}`;
    const known = this.screenedResults.get(key);
    if (known !== undefined) return known ?? undefined;
    if (!this.policy) throw new Error('policy not ready');
    const tool = result.callId !== undefined ? this.callTools.get(result.callId) : undefined;
    const screened = screenedOf(this.policy.decide(this.resultAction(tool, result.tool, result.text)), result.text);
    remember(this.screenedResults, key, screened ?? null);
    return screened;
  }

  /** The harness gate: every tool call, before it runs. */
  private async gate(action: HarnessAction): Promise<GateDecision> {
    // The gate may hear of a call before its event does; result policy needs to know the call.
    if (action.call_id !== undefined) remember(this.callTools, action.call_id, action.tool);
    const d = await this.decide({ ...action, cwd: this.workspace } as NormalizedAction, action.call_id);
    const deciding = d.rules.filter((r) => r.action === d.action).map((r) => r.name);
    const rule = deciding.length > 0 ? { rule: deciding.join(', ') } : {};
    if (d.action === 'allow' || d.action === 'warn') return { action: d.action, ...(d.message !== undefined ? { message: d.message } : {}), ...rule };
    const message = d.action === 'redact' ? 'a redact rule matched, and tool input cannot be rewritten, so the call is refused' : (d.message ?? 'denied by policy');
    return { action: 'deny', message, ...rule };
  }

  private async decideEgress(action: EgressAction): Promise<EgressDecision> {
    // Egress and llm_request actions come from the proxy, which knows the session but not its agent.
    const full = { ...action, agent: this.spec.name, harness: this.spec.harness };
    const d = await this.decide(full as unknown as NormalizedAction, undefined);
    return { action: d.action === 'redact' ? 'deny' : d.action, ...(d.message !== undefined ? { message: d.message } : {}), rules: d.rules };
  }

  /** Policy for any action of this session: decide, wait for a human on ask, record the decision. */
  private async decide(action: NormalizedAction, actionId: string | undefined): Promise<Decision> {
    const policy = this.policy;
    if (!policy) throw new Error('policy not ready');
    const full: NormalizedAction = { ...action, session: { ...(action.session ?? {}), id: this.id, cost_usd: this.spent.costUsd, tokens: this.spent.tokens } };
    let d = policy.evaluate(full);
    if (d.action === 'ask' && d.ask) d = await this.ask(d, full);
    this.deps.store.recordDecision({
      sessionId: this.id,
      actionId: actionId ?? d.ask?.id ?? null,
      verdict: d.action === 'redact' ? 'deny' : d.action,
      rules: d.rules,
      message: d.message ?? null,
      ts: d.ts,
    });
    return d;
  }

  /** The ASK queue: a store row and an event for clients, then the engine's wait (deadline → deny). */
  private async ask(d: Decision, action: NormalizedAction): Promise<Decision> {
    const info = d.ask!;
    const what = describeAction(action);
    if (this.req.noAsk || this.ending) {
      const final = this.human!.answer(info.id, 'deny_once');
      const why = this.ending ? 'the session is ending' : 'this run takes no asks (--no-ask)';
      return { ...final, message: `${what}: needs a human's approval (${d.message ?? info.rules.join(', ')}), and ${why}, so it is denied.` };
    }
    const answered = this.policy!.waitForAnswer(info.id);
    const decision = this.deps.store.recordDecision({ sessionId: this.id, actionId: info.id, verdict: 'ask', rules: d.rules, message: d.message ?? null, ts: d.ts });
    const row = this.deps.store.createAsk({ sessionId: this.id, decisionId: decision.id, prompt: `${what} — ${d.message ?? 'needs approval'}`, expiresAt: info.deadline });
    const pending: PendingAsk = { policyId: info.id };
    this.asks.set(row.id, pending);
    this.append([{ type: 'lifecycle', payload: { kind: 'ask', ask_id: row.id, prompt: row.prompt, phase: d.phase, rules: info.rules, expires_at: info.deadline } }]);
    this.setState('asking');
    const final = await answered;
    this.asks.delete(row.id);
    const state: Exclude<AskState, 'pending'> = final.answer === 'timeout' ? 'expired' : final.action === 'deny' ? 'denied' : 'allowed';
    const scope = final.answer === 'allow_session' || final.answer === 'deny_session' ? 'session' : 'once';
    this.deps.store.answerAsk(row.id, { state, by: pending.by ?? null, scope });
    this.append([{ type: 'lifecycle', payload: { kind: 'ask_answered', ask_id: row.id, answer: final.answer ?? null, verdict: final.action, by: pending.by ?? null } }]);
    if (this.asks.size === 0 && !this.ending) this.setState(this.harness ? 'working' : 'starting');
    if (final.answer === 'timeout') {
      return { ...final, message: `${what}: nobody answered the ask within ${Math.round((info.deadline - d.ts) / 1000)}s, so it is denied (${d.message ?? info.rules.join(', ')}).` };
    }
    return final;
  }

  /** Pending asks of this session (store ids). */
  pendingAsks(): string[] {
    return [...this.asks.keys()];
  }

  /** A human's answer to one of this session's asks. Throws when there is no such pending ask. */
  resolveAsk(askId: string, answer: AskAnswer, by: string): Decision {
    const pending = this.asks.get(askId);
    if (!pending || !this.human) throw new Error(`no pending ask ${askId} in session ${this.id}`);
    pending.by = by;
    return this.human.answer(pending.policyId, answer);
  }

  private meter(u: UsageRecord): void {
    // The store validates the figures and adds them to the session row; the same sums go into
    // the running total the next decision reads.
    const recorded = this.deps.store.recordUsage({
      sessionId: this.id,
      model: u.model,
      inputTokens: u.inputTokens,
      outputTokens: u.outputTokens,
      cacheReadTokens: u.cacheReadTokens,
      cacheWriteTokens: u.cacheWriteTokens,
      costUsd: u.costUsd ?? 0,
      source: 'proxy',
      ts: u.ts,
    });
    this.spent.costUsd += recorded.costUsd;
    this.spent.tokens += usageTokens(recorded);
    const { sessionId: _sid, ...figures } = u;
    this.append([{ type: 'usage', payload: { kind: 'metered', ...figures } }]);
  }

  /** Ends everything the session started, then records the final state. Idempotent. */
  private end(final: SessionEnd): Promise<void> {
    if (this.ending) return this.ending;
    this.ending = (async () => {
      // Pending asks cannot be answered any more: deny them so their tool calls settle.
      for (const [, pending] of this.asks) {
        try {
          this.human?.answer(pending.policyId, 'deny_once');
        } catch {
          // settled meanwhile
        }
      }
      const errors: string[] = [];
      const attempt = async (what: string, fn: () => Promise<unknown> | unknown): Promise<void> => {
        try {
          await fn();
        } catch (err) {
          errors.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
        }
      };
      await attempt('stopping the agent', () => this.harness?.stop());
      await attempt('closing the proxy', async () => {
        this.proxy?.removeSession(this.id);
        await this.proxy?.close();
      });
      await attempt('closing the model server', () => this.modelServer?.close());
      for (const e of errors) this.append([{ type: 'error', payload: { kind: 'teardown', message: e, fatal: false } }]);
      this.setState(final, { exitCode: final === 'done' ? 0 : 1 });
      for (const v of [...this.viewers]) v.closed();
      this.viewers.clear();
      await this.deps.store.flush();
      this.removeRedactor?.();
      this.settleEnded(final);
    })();
    return this.ending;
  }
}
