// Codex, headless: `codex app-server` (JSON-RPC over stdio). Tool calls are gated by a PreToolUse
// command hook in the private CODEX_HOME that forwards to this adapter's loopback endpoint; Codex
// runs only trusted hooks, so the adapter trusts exactly its own hook through the app-server's
// config API and refuses to start unless Codex reports it trusted and enabled. Approval requests
// that still arrive (escalations) are answered from the same gate.
import path from 'node:path';
import { BaseHarness } from '../base.js';
import { allows, denyText, hookTimeoutSeconds } from '../gate.js';
import { startHookEndpoint, type HookEndpoint } from '../hook-endpoint.js';
import { launch, vendorCommand, type AgentProcess } from '../process.js';
import { preToolUseAnswer } from '../pre-tool-use.js';
import { asRecord, num, str } from '../tools.js';
import type { GateDecision, HarnessCapabilities, NormalizedTool, StartOptions } from '../types.js';
import { prepareSessionCodexHome } from './home.js';
import { JsonRpc, RpcError } from './rpc.js';
import { initializeAppServer, trustOwnHook } from './hook-trust.js';
import { normalizeCodexTool } from './tools.js';

type Json = Record<string, unknown>;

export class CodexHarness extends BaseHarness {
  readonly kind = 'codex' as const;
  static readonly capabilities: HarnessCapabilities = { toolGate: true, interrupt: true, resume: true, fork: true };
  readonly capabilities = CodexHarness.capabilities;

  private proc: AgentProcess | undefined;
  private hook: HookEndpoint | undefined;
  private rpc: JsonRpc | undefined;
  private stderrTail = '';
  private threadId: string | undefined;
  private turnId: string | undefined;
  private lastAgentText = '';
  private interrupting = false;
  /** Hook decisions by call id, so a later approval request for the same call is not asked twice. */
  private readonly decided = new Map<string, GateDecision>();
  private started = false;

  async start(options: StartOptions = {}): Promise<void> {
    if (this.started) throw new Error('codex harness already started');
    this.started = true;
    const { ctx } = this;
    // Checked again when the home is written; here so that a missing URL opens no hook endpoint.
    if (!ctx.env.OPENAI_BASE_URL) throw new Error('codex needs OPENAI_BASE_URL (ending in /v1) in the launch environment');
    this.hook = await startHookEndpoint((body) => this.onHook(body));
    const home = prepareSessionCodexHome(ctx, this.hook.url, hookTimeoutSeconds(ctx.gateTimeoutMs));

    const cmd = vendorCommand('codex', ctx.executable);
    this.proc = launch({
      file: cmd.file,
      args: [...cmd.args, 'app-server'],
      cwd: ctx.workspace,
      env: { ...ctx.env, CODEX_HOME: ctx.configHome },
      ...(ctx.wrap ? { wrap: ctx.wrap } : {}),
      loopbackPorts: [this.hook.port],
      // The hook that gates every call: the agent must not be able to rewrite or remove it.
      // (config.toml stays writable: Codex itself records the hook's trust there.)
      protect: [path.join(ctx.configHome, 'hooks.json')],
      onStdoutLine: (line) => this.rpc?.receive(line),
      onStderr: (text) => (this.stderrTail = (this.stderrTail + text).slice(-4000)),
    });
    const proc = this.proc;
    this.rpc = new JsonRpc(
      (line) => proc.writeLine(line),
      (method, params) => this.onNotification(method, params),
      (method, params) => this.onServerRequest(method, params),
    );
    void proc.exited.then(async (info) => {
      this.rpc?.close('codex exited');
      await this.hook?.close();
      if (info.exit_code !== 0 && info.exit_code !== null && this.stderrTail.trim()) {
        this.emit({ type: 'error', message: `codex exited with ${info.exit_code}: ${this.stderrTail.trim().slice(-1000)}`, fatal: true });
      }
      this.finish(info);
    });

    try {
      await initializeAppServer(this.rpc);
      // Codex skips hooks nobody trusted: without this, no tool call would be gated.
      await trustOwnHook(this.rpc, ctx.workspace, this.hook.url);
      const threadParams = {
        cwd: ctx.workspace,
        approvalPolicy: 'on-request',
        sandbox: 'danger-full-access',
        ...(ctx.spec.prompt !== undefined ? { developerInstructions: ctx.spec.prompt } : {}),
      };
      // A fork continues a copy of the thread under a new id (the source thread is left as it was).
      const method = options.resume === undefined ? 'thread/start' : options.fork === true ? 'thread/fork' : 'thread/resume';
      const result = asRecord(await this.rpc.request(method, options.resume !== undefined ? { threadId: options.resume, ...threadParams } : threadParams));
      this.threadId = str(asRecord(result.thread).id);
      if (this.threadId === undefined) throw new Error(`no thread id in ${JSON.stringify(result).slice(0, 300)}`);
      this.vendorSessionId = this.threadId;
    } catch (err) {
      await this.stop();
      throw new Error(`codex did not start: ${err instanceof Error ? err.message : String(err)}\n${this.stderrTail.trim().slice(-1000)}`);
    }
    this.emit({
      type: 'session_start',
      harness: this.kind,
      vendor_session_id: this.threadId,
      ...(home.model !== undefined ? { model: home.model } : {}),
      ...(proc.pid !== undefined ? { pid: proc.pid } : {}),
    });
    // Preferences of the user's config.toml that were left out: reported, never fatal.
    for (const message of home.warnings) this.emit({ type: 'error', message, fatal: false });
  }

  async send(text: string): Promise<void> {
    if (!this.rpc || this.threadId === undefined) throw new Error('codex harness not started');
    if (!this.turnOpen) {
      this.lastAgentText = '';
      this.beginTurn();
    }
    // While a turn runs, turn/start adds the message to it (Codex "steers" the active turn).
    const result = asRecord(await this.rpc.request('turn/start', { threadId: this.threadId, input: [{ type: 'text', text, text_elements: [] }] }));
    this.turnId = str(asRecord(result.turn).id) ?? this.turnId;
  }

  async interrupt(): Promise<void> {
    if (!this.rpc || !this.turnOpen || this.threadId === undefined || this.turnId === undefined) return;
    this.interrupting = true;
    await this.rpc.request('turn/interrupt', { threadId: this.threadId, turnId: this.turnId });
  }

  async stop(): Promise<void> {
    if (!this.proc) {
      await this.hook?.close();
      return;
    }
    this.proc.child.stdin.end();
    await this.proc.kill();
    await this.exited;
  }

  private onNotification(method: string, params: Json): void {
    switch (method) {
      case 'item/agentMessage/delta': {
        const delta = str(params.delta) ?? '';
        if (delta) this.emit({ type: 'text_delta', turn: this.turn, text: delta });
        return;
      }
      case 'item/completed': {
        const item = asRecord(params.item);
        this.onItemCompleted(item);
        return;
      }
      case 'thread/tokenUsage/updated': {
        // `last` is the latest model request; OpenAI input counts include the cached part.
        const last = asRecord(asRecord(params.tokenUsage).last);
        const input = num(last.inputTokens);
        const cached = num(last.cachedInputTokens);
        this.emit({
          type: 'usage',
          turn: this.turn,
          input_tokens: Math.max(0, input - cached),
          output_tokens: num(last.outputTokens),
          cache_read_input_tokens: cached,
          cache_creation_input_tokens: num(last.cacheWriteInputTokens),
        });
        return;
      }
      case 'turn/started':
        this.turnId = str(asRecord(params.turn).id) ?? this.turnId;
        return;
      case 'turn/completed': {
        const turn = asRecord(params.turn);
        const status = str(turn.status);
        const error = str(asRecord(turn.error).message);
        if (status === 'interrupted' || this.interrupting) this.endTurn('interrupted', { text: this.lastAgentText });
        else if (status === 'failed') this.endTurn('failed', { text: this.lastAgentText, ...(error !== undefined ? { error } : {}) });
        else this.endTurn('completed', { text: this.lastAgentText });
        this.interrupting = false;
        return;
      }
      case 'error': {
        const error = asRecord(params.error);
        this.emit({ type: 'error', message: str(error.message) ?? JSON.stringify(params), fatal: false });
        return;
      }
      default:
        return;
    }
  }

  private onItemCompleted(item: Json): void {
    const id = str(item.id) ?? '';
    switch (item.type) {
      case 'agentMessage':
        this.lastAgentText = str(item.text) ?? '';
        return;
      case 'commandExecution':
        this.emit({ type: 'tool_result', turn: this.turn, call_id: id, output: str(item.aggregatedOutput) ?? '', is_error: item.status !== 'completed' || (typeof item.exitCode === 'number' && item.exitCode !== 0) });
        return;
      case 'fileChange':
        this.emit({ type: 'tool_result', turn: this.turn, call_id: id, output: JSON.stringify(item.changes ?? []), is_error: item.status !== 'completed' });
        return;
      case 'mcpToolCall':
        this.emit({ type: 'tool_result', turn: this.turn, call_id: id, output: JSON.stringify(item.result ?? item.error ?? null), is_error: item.status !== 'completed' });
        return;
      default:
        return;
    }
  }

  /** Approvals and questions Codex sends us. */
  private async onServerRequest(method: string, params: Json): Promise<unknown> {
    switch (method) {
      case 'item/commandExecution/requestApproval': {
        const tool = normalizeCodexTool('Bash', { command: str(params.command) ?? '' }, str(params.cwd) ?? this.ctx.workspace);
        const decision = await this.decisionFor(str(params.itemId), tool);
        return { decision: allows(decision) ? 'accept' : 'decline' };
      }
      case 'item/fileChange/requestApproval': {
        const tool: NormalizedTool = { name: 'edit', input: { path: str(params.grantRoot) ?? this.ctx.workspace, reason: params.reason }, vendor_name: 'fileChange', vendor_input: params };
        const decision = await this.decisionFor(str(params.itemId), tool);
        return { decision: allows(decision) ? 'accept' : 'decline' };
      }
      case 'applyPatchApproval':
      case 'execCommandApproval':
        // Legacy approval shapes: Bridle only answers the v2 ones, and fails closed here.
        return { decision: 'denied' };
      default:
        // Questions Bridle cannot route yet (user input, elicitations, permission grants): refuse.
        throw new RpcError(-32601, `Bridle does not handle ${method}`);
    }
  }

  private async decisionFor(callId: string | undefined, tool: NormalizedTool): Promise<GateDecision> {
    const earlier = callId !== undefined ? this.decided.get(callId) : undefined;
    return earlier ?? this.gateTool(tool, callId);
  }

  /** The PreToolUse hook (through hook-client): every tool call, before it runs. */
  private async onHook(body: unknown): Promise<unknown> {
    const b = asRecord(body);
    if (b.hook_event_name !== 'PreToolUse' || typeof b.tool_name !== 'string') {
      return preToolUseAnswer('deny', 'Bridle policy: unrecognized hook call, so the tool call is refused.');
    }
    const callId = str(b.tool_use_id) ?? '';
    const tool = normalizeCodexTool(b.tool_name, b.tool_input, str(b.cwd) ?? this.ctx.workspace);
    this.emit({ type: 'tool_call', turn: this.turn, call_id: callId, tool });
    const decision = await this.gateTool(tool, callId);
    this.decided.set(callId, decision);
    if (allows(decision)) return {}; // Codex accepts no explicit "allow": an empty answer lets the call run.
    const text = denyText(decision, b.tool_name);
    // A refused call never becomes an item, so its result is reported here.
    this.emit({ type: 'tool_result', turn: this.turn, call_id: callId, output: text, is_error: true });
    return preToolUseAnswer('deny', text);
  }
}
