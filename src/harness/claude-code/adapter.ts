// Claude Code, headless: `claude -p` speaking stream-json both ways. Every tool call goes through
// an HTTP PreToolUse hook to this adapter's loopback endpoint (the enforcement point: Claude
// approves "read-only" commands itself before any permission prompt would see them). The stdio
// permission prompt tool is kept as a backstop: a call that reaches it without a hook decision
// is gated there.
import { BaseHarness } from '../base.js';
import { allows, denyText, hookTimeoutSeconds } from '../gate.js';
import { startHookEndpoint, type HookEndpoint } from '../hook-endpoint.js';
import { launch, vendorCommand, type AgentProcess } from '../process.js';
import { preToolUseAnswer } from '../pre-tool-use.js';
import { asRecord, num, str } from '../tools.js';
import type { GateDecision, HarnessCapabilities, StartOptions } from '../types.js';
import { claudeSettings, prepareClaudeHome } from './config.js';
import { claudeSessionArgs, claudeSessionId } from './session-args.js';
import { normalizeClaudeTool } from './tools.js';

type Json = Record<string, unknown>;

export class ClaudeCodeHarness extends BaseHarness {
  readonly kind = 'claude-code' as const;
  static readonly capabilities: HarnessCapabilities = { toolGate: true, interrupt: true, resume: true, fork: true };
  readonly capabilities = ClaudeCodeHarness.capabilities;

  private proc: AgentProcess | undefined;
  private hook: HookEndpoint | undefined;
  private stderrTail = '';
  private requestSeq = 0;
  private readonly pendingControl = new Map<string, (response: Json) => void>();
  /** Hook decisions by tool_use_id, so the permission-prompt backstop does not ask twice. */
  private readonly decided = new Map<string, GateDecision>();
  private queued = 0;
  private interrupting = false;
  private turnText = '';
  private started = false;

  async start(options: StartOptions = {}): Promise<void> {
    if (this.started) throw new Error('claude-code harness already started');
    this.started = true;
    const { ctx } = this;
    prepareClaudeHome(ctx.configHome, ctx.userHome);
    this.hook = await startHookEndpoint((body) => this.onHook(body));
    const sessionId = claudeSessionId(options);
    this.vendorSessionId = sessionId;

    const args = [
      '-p',
      '--input-format', 'stream-json',
      '--output-format', 'stream-json',
      '--verbose',
      '--include-partial-messages',
      '--permission-prompt-tool', 'stdio',
      '--permission-mode', 'default',
      '--settings', JSON.stringify(claudeSettings(this.hook.url, hookTimeoutSeconds(ctx.gateTimeoutMs))),
      ...claudeSessionArgs(options, sessionId, ctx.spec),
    ];

    const cmd = vendorCommand('claude', ctx.executable);
    const env = { ...ctx.env, CLAUDE_CONFIG_DIR: ctx.configHome };
    this.proc = launch({
      file: cmd.file,
      args: [...cmd.args, ...args],
      cwd: ctx.workspace,
      env,
      ...(ctx.wrap ? { wrap: ctx.wrap } : {}),
      loopbackPorts: [this.hook.port],
      onStdoutLine: (line) => this.onLine(line),
      onStderr: (text) => (this.stderrTail = (this.stderrTail + text).slice(-4000)),
    });
    void this.proc.exited.then(async (info) => {
      await this.hook?.close();
      for (const [, settle] of this.pendingControl) settle({ subtype: 'error', error: 'claude exited' });
      this.pendingControl.clear();
      if (info.exit_code !== 0 && info.exit_code !== null && this.stderrTail.trim()) {
        this.emit({ type: 'error', message: `claude exited with ${info.exit_code}: ${this.stderrTail.trim().slice(-1000)}`, fatal: true });
      }
      this.finish(info);
    });

    // Ready once claude answers the initialize handshake (or fails before it).
    const init = this.control({ subtype: 'initialize' });
    const ready = await Promise.race([init, this.proc.exited.then(() => undefined)]);
    if (ready === undefined || ready.subtype !== 'success') {
      throw new Error(`claude did not start: ${this.stderrTail.trim() || JSON.stringify(ready)}`);
    }
    this.emit({
      type: 'session_start',
      harness: this.kind,
      vendor_session_id: this.vendorSessionId,
      ...(ctx.spec.model !== undefined ? { model: ctx.spec.model } : {}),
      ...(this.proc.pid !== undefined ? { pid: this.proc.pid } : {}),
    });
  }

  async send(text: string): Promise<void> {
    const proc = this.requireProc();
    if (this.turnOpen) this.queued += 1;
    else this.openTurn();
    proc.writeLine(JSON.stringify({ type: 'user', message: { role: 'user', content: text }, parent_tool_use_id: null, session_id: this.vendorSessionId ?? '' }));
  }

  async interrupt(): Promise<void> {
    if (!this.proc || !this.turnOpen) return;
    this.interrupting = true;
    await this.control({ subtype: 'interrupt' });
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

  private requireProc(): AgentProcess {
    if (!this.proc) throw new Error('claude-code harness not started');
    return this.proc;
  }

  private openTurn(): void {
    this.turnText = '';
    this.beginTurn();
  }

  /** Sends a control request to claude and resolves with its response body. */
  private control(request: Json): Promise<Json> {
    const id = `bridle_${++this.requestSeq}`;
    return new Promise((resolve) => {
      this.pendingControl.set(id, resolve);
      if (!this.requireProc().writeLine(JSON.stringify({ type: 'control_request', request_id: id, request }))) {
        this.pendingControl.delete(id);
        resolve({ subtype: 'error', error: 'stdin closed' });
      }
    });
  }

  private onLine(line: string): void {
    let msg: Json;
    try {
      msg = asRecord(JSON.parse(line));
    } catch {
      return; // claude prints only JSON lines on stdout in this mode; anything else is noise
    }
    switch (msg.type) {
      case 'control_response': {
        const response = asRecord(msg.response);
        const id = str(response.request_id);
        const pending = id === undefined ? undefined : this.pendingControl.get(id);
        if (id !== undefined && pending) {
          this.pendingControl.delete(id);
          pending(response);
        }
        return;
      }
      case 'control_request':
        void this.onControlRequest(msg);
        return;
      case 'system':
        // system/init only comes with the first turn; session_start is emitted at start().
        if (msg.subtype === 'init') this.vendorSessionId = str(msg.session_id) ?? this.vendorSessionId;
        return;
      case 'stream_event': {
        const event = asRecord(msg.event);
        const delta = asRecord(event.delta);
        // Sub-agent output (parent_tool_use_id set) is not the main transcript.
        if (event.type === 'content_block_delta' && delta.type === 'text_delta' && msg.parent_tool_use_id == null) {
          const text = str(delta.text) ?? '';
          this.turnText += text;
          if (text) this.emit({ type: 'text_delta', turn: this.turn, text });
        }
        return;
      }
      case 'assistant': {
        for (const block of contentBlocks(msg.message)) {
          if (block.type === 'tool_use') {
            const id = str(block.id) ?? '';
            this.emit({ type: 'tool_call', turn: this.turn, call_id: id, tool: normalizeClaudeTool(str(block.name) ?? '', block.input, this.ctx.workspace) });
          }
        }
        return;
      }
      case 'user': {
        for (const block of contentBlocks(msg.message)) {
          if (block.type === 'tool_result') {
            this.emit({ type: 'tool_result', turn: this.turn, call_id: str(block.tool_use_id) ?? '', output: resultText(block.content), is_error: block.is_error === true });
          }
        }
        return;
      }
      case 'result':
        this.onResult(msg);
        return;
      default:
        return;
    }
  }

  private onResult(msg: Json): void {
    const usage = asRecord(msg.usage);
    const cost = typeof msg.total_cost_usd === 'number' ? msg.total_cost_usd : undefined;
    this.emit({
      type: 'usage',
      turn: this.turn,
      input_tokens: num(usage.input_tokens),
      output_tokens: num(usage.output_tokens),
      cache_read_input_tokens: num(usage.cache_read_input_tokens),
      cache_creation_input_tokens: num(usage.cache_creation_input_tokens),
      ...(cost !== undefined ? { cost_usd: cost } : {}),
    });
    const text = str(msg.result) ?? this.turnText;
    if (this.interrupting) {
      this.interrupting = false;
      this.endTurn('interrupted', { text });
    } else if (msg.is_error === true || (msg.subtype !== undefined && msg.subtype !== 'success')) {
      this.endTurn('failed', { text, error: str(msg.result) ?? String(msg.subtype) });
    } else {
      this.endTurn('completed', { text });
    }
    if (this.queued > 0) {
      this.queued -= 1;
      this.openTurn();
    }
  }

  /** claude asks us something: the permission prompt (backstop gate) or an unknown request. */
  private async onControlRequest(msg: Json): Promise<void> {
    const id = str(msg.request_id) ?? '';
    const request = asRecord(msg.request);
    let response: Json;
    if (request.subtype === 'can_use_tool') {
      const toolUseId = str(request.tool_use_id);
      const name = str(request.tool_name) ?? '';
      const tool = normalizeClaudeTool(name, request.input, this.ctx.workspace);
      const decision = (toolUseId !== undefined ? this.decided.get(toolUseId) : undefined) ?? (await this.gateTool(tool, toolUseId));
      response = allows(decision)
        ? { behavior: 'allow', updatedInput: asRecord(request.input) }
        : { behavior: 'deny', message: denyText(decision, name) };
    } else {
      // Unknown requests get an error so claude does not wait forever.
      this.requireProc().writeLine(JSON.stringify({ type: 'control_response', response: { subtype: 'error', request_id: id, error: `unsupported request ${String(request.subtype)}` } }));
      return;
    }
    this.proc?.writeLine(JSON.stringify({ type: 'control_response', response: { subtype: 'success', request_id: id, response } }));
  }

  /** The PreToolUse hook: every tool call, before it runs. */
  private async onHook(body: unknown): Promise<unknown> {
    const b = asRecord(body);
    if (b.hook_event_name !== 'PreToolUse' || typeof b.tool_name !== 'string') {
      return preToolUseAnswer('deny', 'Bridle policy: unrecognized hook call, so the tool call is refused.');
    }
    const toolUseId = str(b.tool_use_id);
    const tool = normalizeClaudeTool(b.tool_name, b.tool_input, str(b.cwd) ?? this.ctx.workspace);
    const decision = await this.gateTool(tool, toolUseId);
    if (toolUseId !== undefined) this.decided.set(toolUseId, decision);
    return allows(decision) ? preToolUseAnswer('allow', decision.message ?? 'allowed by Bridle policy') : preToolUseAnswer('deny', denyText(decision, b.tool_name));
  }
}

function contentBlocks(message: unknown): Json[] {
  const content = asRecord(message).content;
  return Array.isArray(content) ? content.map(asRecord) : [];
}

function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((c) => str(asRecord(c).text) ?? '').join('');
  return '';
}
