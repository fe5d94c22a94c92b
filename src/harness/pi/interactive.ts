// Pi, interactive: the `pi` TUI on a PTY with the same private agent dir as headless. The headless
// gate asks its RPC host, which does not exist here; instead Bridle's HTTP gate extension
// (./extension/gate-http.ts), loaded explicitly while discovery of any other extension is off,
// POSTs every tool call to the session's hook endpoint and blocks unless it is allowed.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { allows, denyText } from '../gate.js';
import { InteractiveBase, type InteractiveStartOptions, type PtyLaunch } from '../interactive.js';
import { vendorCommand } from '../process.js';
import { asRecord, str } from '../tools.js';
import type { HarnessCapabilities } from '../types.js';
import { piArgs, piEnv, preparePiLaunch } from './launch.js';
import { normalizePiTool } from './tools.js';

/** The compiled HTTP gate extension next to this module. */
export function httpGateExtensionPath(): string {
  return path.join(path.dirname(fileURLToPath(import.meta.url)), 'extension', 'gate-http.js');
}

export class PiInteractive extends InteractiveBase {
  readonly kind = 'pi' as const;
  static readonly capabilities: HarnessCapabilities = { toolGate: true, interrupt: true, resume: true, fork: false };
  readonly capabilities = PiInteractive.capabilities;

  protected prepare(options: InteractiveStartOptions, hookUrl: string): PtyLaunch {
    const { ctx } = this;
    const model = preparePiLaunch(ctx);
    const args = [...piArgs(ctx, model, httpGateExtensionPath(), options), ...(options.prompt !== undefined ? [options.prompt] : [])];
    const cmd = vendorCommand('pi', ctx.executable);
    return {
      file: cmd.file,
      args: [...cmd.args, ...args],
      env: { ...piEnv(ctx.configHome), BRIDLE_HOOK_URL: hookUrl, BRIDLE_HOOK_TIMEOUT_S: String(this.hookTimeoutS) },
      model,
    };
  }

  /** Answers the HTTP gate extension: `{allow: true}` or `{allow: false, reason}`. */
  protected async onHook(body: unknown): Promise<unknown> {
    const b = asRecord(body);
    const name = str(b.tool_name);
    if (b.hook_event_name !== 'PreToolUse' || name === undefined) return { allow: false, reason: 'Bridle policy: unrecognized gate request, so the tool call is refused.' };
    const callId = str(b.tool_use_id) ?? '';
    const tool = normalizePiTool(name, b.tool_input, str(b.cwd) ?? this.ctx.workspace);
    this.emit({ type: 'tool_call', turn: this.turn, call_id: callId, tool });
    const decision = await this.gateTool(tool, callId);
    if (allows(decision)) return { allow: true };
    const text = denyText(decision, name);
    this.emit({ type: 'tool_result', turn: this.turn, call_id: callId, output: text, is_error: true });
    return { allow: false, reason: text };
  }
}
