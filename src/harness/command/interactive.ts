// Any CLI as an interactive agent: the spec's `command` on a PTY inside the same sandbox and
// behind the same proxy as headless. A shell, aider, a REPL. As headless, there is no tool-level
// gate (the program has no tool protocol), so the hook endpoint the base class opens never gets
// a call; one that arrives anyway is refused.
import { InteractiveBase, type InteractiveStartOptions, type PtyLaunch } from '../interactive.js';
import type { HarnessCapabilities } from '../types.js';

export class CommandInteractive extends InteractiveBase {
  readonly kind = 'command' as const;
  static readonly capabilities: HarnessCapabilities = { toolGate: false, interrupt: true, resume: false, fork: false };
  readonly capabilities = CommandInteractive.capabilities;

  protected prepare(options: InteractiveStartOptions): PtyLaunch {
    if (options.resume !== undefined) throw new Error('the command harness cannot resume');
    const argv = this.ctx.spec.command;
    if (!argv || argv.length === 0) throw new Error(`agent "${this.ctx.spec.name}" has harness "command" but no command`);
    const [file, ...args] = argv as [string, ...string[]];
    return { file, args, env: {} };
  }

  protected async onHook(): Promise<unknown> {
    return { allow: false, reason: 'Bridle: the command harness has no tool gate.' };
  }
}
