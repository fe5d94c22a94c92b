// Pi, headless: `pi --mode rpc` (JSON commands in, events out). Tool calls are gated by Bridle's
// extension (./extension/gate.ts), which pi loads explicitly while discovery of any other
// extension is off; it asks this adapter over pi's extension-UI sub-protocol before each call.
// Other extension dialogs become `approval_request` events.
import path from 'node:path';
import { BaseHarness } from '../base.js';
import { allows, denyText } from '../gate.js';
import { launch, vendorCommand, type AgentProcess } from '../process.js';
import { asRecord, num, str } from '../tools.js';
import type { ApprovalAnswer, HarnessCapabilities, StartOptions } from '../types.js';
import { GATE_TITLE } from './extension/gate.js';
import { gateExtensionPath } from './home.js';
import { piArgs, piEnv, preparePiLaunch } from './launch.js';
import { normalizePiTool } from './tools.js';

type Json = Record<string, unknown>;

export class PiHarness extends BaseHarness {
  readonly kind = 'pi' as const;
  static readonly capabilities: HarnessCapabilities = { toolGate: true, interrupt: true, resume: true, fork: false };
  readonly capabilities = PiHarness.capabilities;

  private proc: AgentProcess | undefined;
  private stderrTail = '';
  private seq = 0;
  private readonly pending = new Map<string, (response: Json) => void>();
  private lastText = '';
  private turnError: string | undefined;
  private interrupting = false;
  private started = false;

  async start(options: StartOptions = {}): Promise<void> {
    if (this.started) throw new Error('pi harness already started');
    this.started = true;
    const { ctx } = this;
    const model = preparePiLaunch(ctx);
    const args = ['--mode', 'rpc', ...piArgs(ctx, model, gateExtensionPath(), options)];
    const cmd = vendorCommand('pi', ctx.executable);
    this.proc = launch({
      file: cmd.file,
      args: [...cmd.args, ...args],
      cwd: ctx.workspace,
      env: { ...ctx.env, ...piEnv(ctx.configHome) },
      ...(ctx.wrap ? { wrap: ctx.wrap } : {}),
      // The provider Bridle wrote: the agent must not repoint or rename its model route.
      protect: [path.join(ctx.configHome, 'models.json')],
      onStdoutLine: (line) => this.onLine(line),
      onStderr: (text) => (this.stderrTail = (this.stderrTail + text).slice(-4000)),
    });
    const proc = this.proc;
    void proc.exited.then((info) => {
      for (const [, resolve] of this.pending) resolve({ success: false, error: 'pi exited' });
      this.pending.clear();
      if (info.exit_code !== 0 && info.exit_code !== null && this.stderrTail.trim()) {
        this.emit({ type: 'error', message: `pi exited with ${info.exit_code}: ${this.stderrTail.trim().slice(-1000)}`, fatal: true });
      }
      this.finish(info);
    });
    const state = await Promise.race([this.command({ type: 'get_state' }), proc.exited.then(() => undefined)]);
    if (state === undefined || state.success !== true) {
      await this.stop();
      throw new Error(`pi did not start: ${this.stderrTail.trim() || JSON.stringify(state)}`);
    }
    const data = asRecord(state.data);
    // The session file path is what `--session` takes back.
    this.vendorSessionId = str(data.sessionFile) ?? str(data.sessionId);
    this.emit({
      type: 'session_start',
      harness: this.kind,
      ...(this.vendorSessionId !== undefined ? { vendor_session_id: this.vendorSessionId } : {}),
      model,
      ...(proc.pid !== undefined ? { pid: proc.pid } : {}),
    });
  }

  async send(text: string): Promise<void> {
    if (!this.proc) throw new Error('pi harness not started');
    const busy = this.turnOpen;
    if (!busy) {
      this.lastText = '';
      this.turnError = undefined;
      this.beginTurn();
    }
    const response = await this.command({ type: 'prompt', message: text, ...(busy ? { streamingBehavior: 'steer' } : {}) });
    if (response.success !== true) {
      if (!busy) this.endTurn('failed', { error: str(response.error) ?? 'pi rejected the prompt' });
      throw new Error(`pi rejected the prompt: ${str(response.error) ?? JSON.stringify(response)}`);
    }
  }

  async interrupt(): Promise<void> {
    if (!this.proc || !this.turnOpen) return;
    this.interrupting = true;
    await this.command({ type: 'abort' });
  }

  async stop(): Promise<void> {
    if (!this.proc) return;
    this.proc.child.stdin.end();
    await this.proc.kill();
    await this.exited;
  }

  private command(cmd: Json): Promise<Json> {
    const id = `bridle_${++this.seq}`;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      if (!this.proc?.writeLine(JSON.stringify({ id, ...cmd }))) {
        this.pending.delete(id);
        resolve({ success: false, error: 'stdin closed' });
      }
    });
  }

  private onLine(line: string): void {
    let msg: Json;
    try {
      msg = asRecord(JSON.parse(line));
    } catch {
      return;
    }
    switch (msg.type) {
      case 'response': {
        const id = str(msg.id);
        const waiter = id !== undefined ? this.pending.get(id) : undefined;
        if (id !== undefined && waiter) {
          this.pending.delete(id);
          waiter(msg);
        }
        return;
      }
      case 'extension_ui_request':
        void this.onUiRequest(msg);
        return;
      case 'message_update': {
        const e = asRecord(msg.assistantMessageEvent);
        if (e.type === 'text_delta') {
          const delta = str(e.delta) ?? '';
          if (delta) this.emit({ type: 'text_delta', turn: this.turn, text: delta });
        }
        return;
      }
      case 'message_end':
        this.onMessageEnd(asRecord(msg.message));
        return;
      case 'tool_execution_start':
        this.emit({ type: 'tool_call', turn: this.turn, call_id: str(msg.toolCallId) ?? '', tool: normalizePiTool(str(msg.toolName) ?? '', msg.args, this.ctx.workspace) });
        return;
      case 'tool_execution_end': {
        const content = asRecord(msg.result).content;
        const output = Array.isArray(content) ? content.map((c) => str(asRecord(c).text) ?? '').join('') : '';
        this.emit({ type: 'tool_result', turn: this.turn, call_id: str(msg.toolCallId) ?? '', output, is_error: msg.isError === true });
        return;
      }
      case 'agent_end':
        if (this.interrupting) this.endTurn('interrupted', { text: this.lastText });
        else if (this.turnError !== undefined) this.endTurn('failed', { text: this.lastText, error: this.turnError });
        else this.endTurn('completed', { text: this.lastText });
        this.interrupting = false;
        return;
      case 'extension_error':
        this.emit({ type: 'error', message: `pi extension ${str(msg.extensionPath) ?? ''} failed in ${str(msg.event) ?? '?'}: ${str(msg.error) ?? ''}`, fatal: false });
        return;
      default:
        return;
    }
  }

  private onMessageEnd(message: Json): void {
    if (message.role !== 'assistant') return;
    const content = Array.isArray(message.content) ? message.content.map(asRecord) : [];
    const text = content.filter((c) => c.type === 'text').map((c) => str(c.text) ?? '').join('');
    if (text) this.lastText = text;
    if (message.stopReason === 'error') this.turnError = str(message.errorMessage) ?? 'model request failed';
    const usage = asRecord(message.usage);
    const cost = asRecord(usage.cost).total;
    this.emit({
      type: 'usage',
      turn: this.turn,
      input_tokens: num(usage.input),
      output_tokens: num(usage.output),
      cache_read_input_tokens: num(usage.cacheRead),
      cache_creation_input_tokens: num(usage.cacheWrite),
      ...(typeof cost === 'number' ? { cost_usd: cost } : {}),
      ...(typeof message.model === 'string' ? { model: message.model } : {}),
    });
  }

  private async onUiRequest(msg: Json): Promise<void> {
    const id = str(msg.id) ?? '';
    const method = str(msg.method);
    if (method === 'input' && msg.title === GATE_TITLE) {
      let request: Json = {};
      try {
        request = asRecord(JSON.parse(str(msg.placeholder) ?? ''));
      } catch {
        // An unreadable gate request is answered with a refusal below.
      }
      const name = str(request.toolName) ?? '';
      const tool = normalizePiTool(name, request.input, str(request.cwd) ?? this.ctx.workspace);
      const decision = name ? await this.gateTool(tool, str(request.toolCallId)) : { action: 'deny' as const, message: 'Bridle policy: unreadable gate request.' };
      const answer = allows(decision) ? { allow: true } : { allow: false, reason: denyText(decision, name) };
      this.proc?.writeLine(JSON.stringify({ type: 'extension_ui_response', id, value: JSON.stringify(answer) }));
      return;
    }
    if (method === 'select' || method === 'confirm' || method === 'input' || method === 'editor') {
      // Another extension's dialog: a human (or the runtime) answers through resolveApproval.
      const prompt = [str(msg.title), str(msg.message)].filter(Boolean).join('\n');
      const options = Array.isArray(msg.options) ? msg.options.map(String) : undefined;
      this.askApproval(id, prompt, options, (answer: ApprovalAnswer) => {
        const reply =
          answer.action === 'answer'
            ? { value: answer.value }
            : method === 'confirm'
              ? { confirmed: answer.action === 'allow' }
              : { cancelled: true };
        this.proc?.writeLine(JSON.stringify({ type: 'extension_ui_response', id, ...reply }));
      });
    }
    // notify/setStatus/setWidget/setTitle/set_editor_text need no answer.
  }
}
