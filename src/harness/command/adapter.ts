// Any CLI as an agent (aider, a script): Bridle can only sandbox it and route its traffic through
// the proxy; there is no tool-level gate because the CLI has no tool protocol. The process's
// lifetime is one turn: it opens at start and ends when the process exits (completed on exit
// code 0). User messages are written to its stdin as lines; its output arrives as text deltas.
import { BaseHarness } from '../base.js';
import { launch, type AgentProcess } from '../process.js';
import type { HarnessCapabilities, StartOptions } from '../types.js';

export class CommandHarness extends BaseHarness {
  readonly kind = 'command' as const;
  static readonly capabilities: HarnessCapabilities = { toolGate: false, interrupt: true, resume: false, fork: false };
  readonly capabilities = CommandHarness.capabilities;

  private proc: AgentProcess | undefined;
  private output = '';

  async start(options: StartOptions = {}): Promise<void> {
    if (this.proc) throw new Error('command harness already started');
    if (options.resume !== undefined) throw new Error('the command harness cannot resume');
    const argv = this.ctx.spec.command;
    if (!argv || argv.length === 0) throw new Error(`agent "${this.ctx.spec.name}" has harness "command" but no command`);
    const [file, ...args] = argv as [string, ...string[]];
    this.proc = launch({
      file,
      args,
      cwd: this.ctx.workspace,
      env: { ...this.ctx.env },
      ...(this.ctx.wrap ? { wrap: this.ctx.wrap } : {}),
      onStdoutLine: () => undefined,
      onStdoutData: (text) => this.onOutput(text),
      onStderr: (text) => this.onOutput(text),
    });
    const proc = this.proc;
    const spawned = new Promise<boolean>((resolve) => {
      proc.child.once('spawn', () => resolve(true));
      proc.child.once('error', () => resolve(false));
    });
    void proc.exited.then((info) => {
      if (info.exit_code === 0) this.endTurn('completed', { text: this.output });
      else this.endTurn('failed', { text: this.output, error: `exited with code ${info.exit_code}, signal ${info.signal}` });
      this.finish(info);
    });
    if (!(await spawned)) throw new Error(`cannot start ${file}`);
    this.emit({ type: 'session_start', harness: this.kind, ...(proc.pid !== undefined ? { pid: proc.pid } : {}) });
    this.beginTurn();
  }

  private onOutput(text: string): void {
    this.output += text;
    this.emit({ type: 'text_delta', turn: this.turn, text });
  }

  async send(text: string): Promise<void> {
    if (!this.proc) throw new Error('command harness not started');
    if (!this.proc.writeLine(text)) throw new Error('the command no longer reads input');
  }

  async interrupt(): Promise<void> {
    const pid = this.proc?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, 'SIGINT');
    } catch {
      // already gone
    }
  }

  async stop(): Promise<void> {
    if (!this.proc) return;
    this.proc.child.stdin.end();
    await this.proc.kill();
    await this.exited;
  }
}
