// Cursor, headless: one `cursor-agent -p --output-format stream-json` process per user message,
// continued with `--resume <chat id>`. Tool calls are gated by a preToolUse command hook (Bridle's
// hook client → this adapter's loopback endpoint) in the session's private ~/.cursor/hooks.json.
// Cursor's backend is private, so this adapter is verified against recorded stream-json and a
// stand-in executable only (docs/harnesses.md says what that does and does not prove).
import path from 'node:path';
import { BaseHarness } from '../base.js';
import { allows, denyText, hookTimeoutSeconds } from '../gate.js';
import { startHookEndpoint, type HookEndpoint } from '../hook-endpoint.js';
import { launch, vendorCommand, type AgentProcess } from '../process.js';
import { asRecord, num, str } from '../tools.js';
import type { HarnessCapabilities, StartOptions } from '../types.js';
import { cursorHooksFile, writeCursorHooks } from './hooks.js';
import { normalizeCursorTool, unwrapStreamToolCall } from './tools.js';

type Json = Record<string, unknown>;

export class CursorHarness extends BaseHarness {
  readonly kind = 'cursor' as const;
  static readonly capabilities: HarnessCapabilities = { toolGate: true, interrupt: true, resume: true, fork: false };
  readonly capabilities = CursorHarness.capabilities;

  private hook: HookEndpoint | undefined;
  private proc: AgentProcess | undefined;
  private stderrTail = '';
  private interrupting = false;
  private stopped = false;
  private started = false;
  private turnText = '';
  private closed = false;

  async start(options: StartOptions = {}): Promise<void> {
    if (this.started) throw new Error('cursor harness already started');
    this.started = true;
    const home = this.ctx.env.HOME;
    if (!home) throw new Error('cursor needs a private HOME in the launch environment (its hooks file lives there)');
    this.hook = await startHookEndpoint((body) => this.onHook(body));
    writeCursorHooks(path.resolve(home), this.hook.url, hookTimeoutSeconds(this.ctx.gateTimeoutMs));
    this.vendorSessionId = options.resume;
    this.emit({
      type: 'session_start',
      harness: this.kind,
      ...(this.vendorSessionId !== undefined ? { vendor_session_id: this.vendorSessionId } : {}),
      ...(this.ctx.spec.model !== undefined ? { model: this.ctx.spec.model } : {}),
    });
  }

  async send(text: string): Promise<void> {
    if (!this.hook) throw new Error('cursor harness not started');
    if (this.turnOpen) throw new Error('cursor takes one message per turn: wait for turn_end or interrupt');
    // The previous turn's process may still be writing its chat; --resume must see all of it.
    if (this.proc) await this.proc.exited;
    this.turnText = '';
    this.beginTurn();
    const { ctx } = this;
    const args = ['-p', '--output-format', 'stream-json', '--force', '--trust'];
    if (ctx.spec.model !== undefined) args.push('--model', ctx.spec.model);
    if (this.vendorSessionId !== undefined) args.push('--resume', this.vendorSessionId);
    // Cursor has no system-prompt flag: the spec's instructions lead the first message.
    const message = this.turn === 1 && ctx.spec.prompt !== undefined && this.vendorSessionId === undefined ? `${ctx.spec.prompt}\n\n${text}` : text;
    args.push(message);
    const cmd = vendorCommand('cursor-agent', ctx.executable);
    const proc = launch({
      file: cmd.file,
      args: [...cmd.args, ...args],
      cwd: ctx.workspace,
      env: { ...ctx.env },
      ...(ctx.wrap ? { wrap: ctx.wrap } : {}),
      loopbackPorts: [this.hook.port],
      // Cursor reads its hooks file anew for every run: a rewritten one would run ungated.
      protect: [cursorHooksFile(path.resolve(ctx.env.HOME ?? ''))],
      onStdoutLine: (line) => this.onLine(line),
      onStderr: (t) => (this.stderrTail = (this.stderrTail + t).slice(-4000)),
    });
    this.proc = proc;
    proc.child.stdin.end();
    const turn = this.turn;
    void proc.exited.then((info) => {
      if (!this.turnOpen || this.turn !== turn) {
        if (this.stopped) void this.closeSession(info);
        return;
      }
      if (this.interrupting) this.endTurn('interrupted', { text: this.turnText });
      else this.endTurn('failed', { text: this.turnText, error: `cursor-agent exited (code ${info.exit_code}, signal ${info.signal}) without a result${this.stderrTail ? `: ${this.stderrTail.trim().slice(-500)}` : ''}` });
      this.interrupting = false;
      if (this.stopped) void this.closeSession(info);
    });
  }

  async interrupt(): Promise<void> {
    if (!this.proc || !this.turnOpen) return;
    this.interrupting = true;
    await this.proc.kill();
  }

  async stop(): Promise<void> {
    if (this.stopped) return this.exited.then(() => undefined);
    this.stopped = true;
    if (this.proc && this.turnOpen) {
      this.interrupting = true;
      await this.proc.kill();
    } else {
      await this.closeSession({ exit_code: 0, signal: null });
    }
    await this.exited;
  }

  private async closeSession(info: { exit_code: number | null; signal: string | null }): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.hook?.close();
    this.finish(info);
  }

  private onLine(line: string): void {
    let msg: Json;
    try {
      msg = asRecord(JSON.parse(line));
    } catch {
      return;
    }
    switch (msg.type) {
      case 'system':
        if (msg.subtype === 'init') this.vendorSessionId = str(msg.session_id) ?? this.vendorSessionId;
        return;
      case 'assistant': {
        const content = asRecord(msg.message).content;
        const text = Array.isArray(content) ? content.map((c) => str(asRecord(c).text) ?? '').join('') : '';
        if (text) {
          this.turnText += text;
          this.emit({ type: 'text_delta', turn: this.turn, text });
        }
        return;
      }
      case 'tool_call': {
        const call = unwrapStreamToolCall(msg.tool_call);
        const id = str(msg.call_id) ?? '';
        if (msg.subtype === 'started') {
          this.emit({ type: 'tool_call', turn: this.turn, call_id: id, tool: normalizeCursorTool(call.name, call.args, this.ctx.workspace) });
        } else if (msg.subtype === 'completed') {
          const result = asRecord(call.result);
          const ok = result.success !== undefined;
          this.emit({ type: 'tool_result', turn: this.turn, call_id: id, output: JSON.stringify(ok ? result.success : (result.rejected ?? result.error ?? result)), is_error: !ok });
        }
        return;
      }
      case 'result': {
        const usage = asRecord(msg.usage);
        if (Object.keys(usage).length > 0) {
          this.emit({
            type: 'usage',
            turn: this.turn,
            input_tokens: num(usage.inputTokens ?? usage.input_tokens),
            output_tokens: num(usage.outputTokens ?? usage.output_tokens),
            cache_read_input_tokens: num(usage.cacheReadTokens ?? usage.cache_read_input_tokens),
            cache_creation_input_tokens: num(usage.cacheWriteTokens ?? usage.cache_creation_input_tokens),
          });
        }
        this.vendorSessionId = str(msg.session_id) ?? this.vendorSessionId;
        const text = str(msg.result) ?? this.turnText;
        if (msg.is_error === true || msg.subtype !== 'success') this.endTurn('failed', { text, error: str(msg.result) ?? String(msg.subtype) });
        else this.endTurn('completed', { text });
        return;
      }
      default:
        return;
    }
  }

  /** The preToolUse hook (through hook-client): every tool call, before it runs. */
  private async onHook(body: unknown): Promise<unknown> {
    const b = asRecord(body);
    const name = str(b.tool_name);
    if (name === undefined || (b.hook_event_name !== undefined && b.hook_event_name !== 'preToolUse')) {
      return deny('Bridle policy: unrecognized hook call, so the tool call is refused.');
    }
    const tool = normalizeCursorTool(name, b.tool_input, str(b.cwd) ?? this.ctx.workspace);
    const decision = await this.gateTool(tool, str(b.tool_use_id));
    return allows(decision) ? { permission: 'allow' } : deny(denyText(decision, name));
  }
}

/** Both spellings Cursor's docs have used for the messages are sent. */
function deny(reason: string): Json {
  return { permission: 'deny', user_message: reason, agent_message: reason, userMessage: reason, agentMessage: reason };
}
