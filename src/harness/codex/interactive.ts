// Codex, interactive: the `codex` TUI on a PTY with the same private CODEX_HOME as headless —
// Bridle's model provider and a PreToolUse command hook that puts every tool call to the
// session's gate. Codex runs only hooks it trusts, and the trust is keyed to a hash Codex computes;
// the TUI has no API for that, so before it starts a short-lived `codex app-server` (in the same
// sandbox, on the same home) records the trust through Codex's own config API and confirms the
// hook is active. The workspace is marked trusted in config.toml so no trust dialog opens.
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { allows, denyText } from '../gate.js';
import { InteractiveBase, type InteractiveStartOptions, type PtyLaunch } from '../interactive.js';
import { launch, vendorCommand } from '../process.js';
import { preToolUseAnswer } from '../pre-tool-use.js';
import { asRecord, str } from '../tools.js';
import type { HarnessCapabilities } from '../types.js';
import { prepareSessionCodexHome } from './home.js';
import { JsonRpc, RpcError } from './rpc.js';
import { initializeAppServer, trustOwnHook } from './hook-trust.js';
import { normalizeCodexTool } from './tools.js';

type Json = Record<string, unknown>;

export class CodexInteractive extends InteractiveBase {
  readonly kind = 'codex' as const;
  // The TUI has no fork flag: the daemon gives a fork a copy of the rollouts in its own CODEX_HOME,
  // so `codex resume ID` there continues the copy and leaves the source thread as it was.
  static readonly capabilities: HarnessCapabilities = { toolGate: true, interrupt: true, resume: true, fork: true };
  readonly capabilities = CodexInteractive.capabilities;

  protected async prepare(options: InteractiveStartOptions, hookUrl: string): Promise<PtyLaunch> {
    const { ctx } = this;
    const home = prepareSessionCodexHome(ctx, hookUrl, this.hookTimeoutS);
    appendFileSync(path.join(ctx.configHome, 'config.toml'), `\n[projects.${JSON.stringify(ctx.workspace)}]\ntrust_level = "trusted"\n`);
    const env = { ...ctx.env, CODEX_HOME: ctx.configHome };
    await trustHook({ cwd: ctx.workspace, env, hookUrl, ...(ctx.wrap ? { wrap: ctx.wrap } : {}), ...(ctx.executable !== undefined ? { executable: ctx.executable } : {}) });
    const cmd = vendorCommand('codex', ctx.executable);
    const args = [
      // `codex resume ID` is a subcommand taking the same options as the TUI.
      ...(options.resume !== undefined ? ['resume', options.resume] : []),
      '--cd', ctx.workspace,
      ...(ctx.spec.prompt !== undefined ? ['-c', `developer_instructions=${JSON.stringify(ctx.spec.prompt)}`] : []),
      ...(options.prompt !== undefined ? ['--', options.prompt] : []),
    ];
    return { file: cmd.file, args: [...cmd.args, ...args], env: { CODEX_HOME: ctx.configHome }, ...home };
  }

  protected async onHook(body: unknown): Promise<unknown> {
    const b = asRecord(body);
    if (b.hook_event_name !== 'PreToolUse' || typeof b.tool_name !== 'string') {
      return preToolUseAnswer('deny', 'Bridle policy: unrecognized hook call, so the tool call is refused.');
    }
    const callId = str(b.tool_use_id) ?? '';
    const tool = normalizeCodexTool(b.tool_name, b.tool_input, str(b.cwd) ?? this.ctx.workspace);
    this.emit({ type: 'tool_call', turn: this.turn, call_id: callId, tool });
    const decision = await this.gateTool(tool, callId);
    if (allows(decision)) return {}; // Codex accepts no explicit "allow": an empty answer lets the call run.
    const text = denyText(decision, b.tool_name);
    this.emit({ type: 'tool_result', turn: this.turn, call_id: callId, output: text, is_error: true });
    return preToolUseAnswer('deny', text);
  }
}


interface TrustOptions {
  cwd: string;
  env: Record<string, string>;
  hookUrl: string;
  wrap?: import('../types.js').LaunchWrapper;
  executable?: string;
}

/**
 * Trusts Bridle's own hook in CODEX_HOME (and only it) through a short-lived app-server, as the
 * headless adapter does at start; throws unless Codex then reports it trusted and enabled.
 */
async function trustHook(o: TrustOptions): Promise<void> {
  const cmd = vendorCommand('codex', o.executable);
  let stderr = '';
  let rpc: JsonRpc | undefined;
  const proc = launch({
    file: cmd.file,
    args: [...cmd.args, 'app-server'],
    cwd: o.cwd,
    env: o.env,
    ...(o.wrap ? { wrap: o.wrap } : {}),
    onStdoutLine: (line) => rpc?.receive(line),
    onStderr: (text) => (stderr = (stderr + text).slice(-2000)),
  });
  rpc = new JsonRpc(
    (line) => proc.writeLine(line),
    () => undefined,
    async (method) => {
      throw new RpcError(-32601, `Bridle does not handle ${method}`);
    },
  );
  void proc.exited.then(() => rpc?.close('codex exited'));
  try {
    await initializeAppServer(rpc);
    await trustOwnHook(rpc, o.cwd, o.hookUrl);
  } catch (err) {
    throw new Error(`codex could not be prepared: ${err instanceof Error ? err.message : String(err)}\n${stderr.trim().slice(-1000)}`);
  } finally {
    proc.child.stdin.end();
    await proc.kill();
  }
}
