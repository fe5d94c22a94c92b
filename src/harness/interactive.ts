// Interactive mode: the vendor's own TUI in a PTY inside the sandbox. The contract is the
// headless `Harness` plus raw terminal I/O; gating is unchanged because the vendor's hook (or
// pi's extension) still calls the session's hook endpoint before every tool call, so `tool_call`
// and `tool_decision` events flow exactly as in headless mode. What interactive mode cannot give
// is structure the TUI does not expose: no turns, text deltas or vendor usage (the proxy still
// meters usage), and `send` types the text into the TUI.
import { BaseHarness } from './base.js';
import { hookTimeoutSeconds } from './gate.js';
import { startHookEndpoint, type HookEndpoint } from './hook-endpoint.js';
import { launchPty, type PtyProcess } from './pty.js';
import type { Harness, StartOptions } from './types.js';

export interface TerminalSize {
  cols: number;
  rows: number;
}

export interface InteractiveStartOptions extends StartOptions {
  /** First user message, given to the vendor CLI as its initial prompt argument. */
  prompt?: string;
  /** Initial terminal size; default 120×40. */
  size?: TerminalSize;
}

/** A harness whose agent runs its own TUI on a PTY. */
export interface InteractiveHarness extends Harness {
  readonly mode: 'interactive';
  start(options?: InteractiveStartOptions): Promise<void>;
  /** Output bytes from the PTY, from subscription on. Subscribe before `start` to miss nothing. */
  onOutput(listener: (data: Buffer) => void): () => void;
  /** Keystrokes into the PTY. */
  write(data: string | Buffer): void;
  resize(cols: number, rows: number): void;
  readonly size: TerminalSize;
  /** Flow control (counted): stop reading the PTY until as many `resume` calls. */
  pause(): void;
  resume(): void;
}

export const DEFAULT_SIZE: TerminalSize = { cols: 120, rows: 40 };

/** What a vendor's interactive variant supplies: how to launch it, and how to answer its hook. */
export interface PtyLaunch {
  file: string;
  args: string[];
  /** Variables added to the session environment (the vendor's config home and the like). */
  env: Record<string, string>;
  /** The model the vendor runs when it is not the spec's (taken from the user's preferences). */
  model?: string;
  /** Things the user configured that were not carried into the private home (non-fatal). */
  warnings?: string[];
}

export abstract class InteractiveBase extends BaseHarness implements InteractiveHarness {
  readonly mode = 'interactive' as const;
  private pty: PtyProcess | undefined;
  protected hook: HookEndpoint | undefined;
  private readonly outputListeners = new Set<(data: Buffer) => void>();
  private currentSize: TerminalSize = { ...DEFAULT_SIZE };
  private started = false;

  /** Seconds the vendor's hook may wait for an answer. */
  protected get hookTimeoutS(): number {
    return hookTimeoutSeconds(this.ctx.gateTimeoutMs);
  }

  /** Writes the private config home and returns the command; the hook endpoint is already up. */
  protected abstract prepare(options: InteractiveStartOptions, hookUrl: string): Promise<PtyLaunch> | PtyLaunch;
  /** Answers one hook call in the vendor's format (gate through `gateTool`). */
  protected abstract onHook(body: unknown): Promise<unknown>;

  get size(): TerminalSize {
    return { ...this.currentSize };
  }

  async start(options: InteractiveStartOptions = {}): Promise<void> {
    if (this.started) throw new Error(`${this.kind} interactive harness already started`);
    this.started = true;
    if (options.size) this.currentSize = { cols: options.size.cols, rows: options.size.rows };
    this.hook = await startHookEndpoint((body) => this.onHook(body));
    let cmd: PtyLaunch;
    try {
      cmd = await this.prepare(options, this.hook.url);
    } catch (err) {
      await this.hook.close();
      throw err;
    }
    const { ctx } = this;
    // A TUI needs a terminal type; the session env says `dumb` for headless children.
    const env = { ...ctx.env, TERM: 'xterm-256color', COLORTERM: 'truecolor', ...cmd.env };
    this.pty = launchPty({
      file: cmd.file,
      args: cmd.args,
      cwd: ctx.workspace,
      env,
      ...(ctx.wrap ? { wrap: ctx.wrap } : {}),
      loopbackPorts: [this.hook.port],
      ...this.currentSize,
    });
    const pty = this.pty;
    pty.onData((data) => {
      for (const l of [...this.outputListeners]) {
        try {
          l(data);
        } catch {
          // A faulty reader must not break the others.
        }
      }
    });
    void pty.exited.then(async (info) => {
      await this.hook?.close();
      this.finish(info);
    });
    this.emit({
      type: 'session_start',
      harness: this.kind,
      ...(this.vendorSessionId !== undefined ? { vendor_session_id: this.vendorSessionId } : {}),
      ...(cmd.model !== undefined ? { model: cmd.model } : ctx.spec.model !== undefined ? { model: ctx.spec.model } : {}),
      pid: pty.pid,
    });
    for (const message of cmd.warnings ?? []) this.emit({ type: 'error', message, fatal: false });
  }

  onOutput(listener: (data: Buffer) => void): () => void {
    this.outputListeners.add(listener);
    return () => this.outputListeners.delete(listener);
  }

  write(data: string | Buffer): void {
    this.pty?.write(data);
  }

  resize(cols: number, rows: number): void {
    this.currentSize = { cols, rows };
    this.pty?.resize(cols, rows);
  }

  pause(): void {
    this.pty?.pause();
  }

  resume(): void {
    this.pty?.resume();
  }

  /**
   * Types a message and submits it. Sent as a bracketed paste so that a TUI which tells pastes
   * from typing keeps newlines inside the message, then Enter on its own.
   */
  async send(text: string): Promise<void> {
    if (!this.pty) throw new Error(`${this.kind} interactive harness not started`);
    this.pty.write(`\x1b[200~${text}\x1b[201~`);
    // Enter in the same read as the paste would count as part of it for some TUIs.
    await new Promise((resolve) => setImmediate(resolve));
    this.pty.write('\r');
  }

  /** Escape: what these TUIs take as "stop the current turn". */
  async interrupt(): Promise<void> {
    this.pty?.write('\x1b');
  }

  async stop(): Promise<void> {
    if (!this.pty) {
      await this.hook?.close();
      return;
    }
    await this.pty.kill();
    await this.exited;
  }
}

export function isInteractive(h: Harness): h is InteractiveHarness {
  return (h as Partial<InteractiveHarness>).mode === 'interactive';
}
