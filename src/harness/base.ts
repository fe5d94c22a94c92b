// What every adapter shares: listeners, turn numbering, the fail-closed gate call (with its
// decision event), pending vendor questions, and the process's exit.
import { decide, DEFAULT_GATE_TIMEOUT_MS } from './gate.js';
import type { HarnessName } from '../spec/types.js';
import type {
  ApprovalAnswer,
  ExitInfo,
  GateDecision,
  Harness,
  HarnessCapabilities,
  HarnessContext,
  HarnessEvent,
  NormalizedTool,
  StartOptions,
} from './types.js';

export abstract class BaseHarness implements Harness {
  abstract readonly kind: HarnessName;
  abstract readonly capabilities: HarnessCapabilities;

  protected turn = 0;
  protected turnOpen = false;
  private readonly listeners = new Set<(event: HarnessEvent) => void>();
  private readonly approvals = new Map<string, (answer: ApprovalAnswer) => void>();
  private settleExit!: (info: ExitInfo) => void;
  readonly exited: Promise<ExitInfo>;
  protected vendorSessionId: string | undefined;

  constructor(protected readonly ctx: HarnessContext) {
    this.exited = new Promise((resolve) => (this.settleExit = resolve));
  }

  get resumeId(): string | undefined {
    return this.vendorSessionId;
  }

  on(listener: (event: HarnessEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  protected emit(event: HarnessEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A faulty listener must not break the agent's protocol handling.
      }
    }
  }

  protected beginTurn(): number {
    this.turn += 1;
    this.turnOpen = true;
    this.emit({ type: 'turn_start', turn: this.turn });
    return this.turn;
  }

  protected endTurn(status: 'completed' | 'interrupted' | 'failed', extra: { text?: string; error?: string } = {}): void {
    if (!this.turnOpen) return;
    this.turnOpen = false;
    this.emit({ type: 'turn_end', turn: this.turn, status, ...extra });
  }

  /** Asks the gate about one tool call (fail-closed) and records the decision as an event. */
  protected async gateTool(tool: NormalizedTool, callId?: string): Promise<GateDecision> {
    const action = {
      phase: 'tool_call' as const,
      agent: this.ctx.spec.name,
      harness: this.kind,
      ...(this.ctx.spec.model !== undefined ? { model: this.ctx.spec.model } : {}),
      tool,
      ...(callId !== undefined ? { call_id: callId } : {}),
    };
    const decision = await decide(this.ctx.gate, action, this.ctx.gateTimeoutMs ?? DEFAULT_GATE_TIMEOUT_MS);
    this.emit({ type: 'tool_decision', turn: this.turn, ...(callId !== undefined ? { call_id: callId } : {}), tool, decision });
    return decision;
  }

  /** Registers a vendor question; `resolveApproval` answers it. */
  protected askApproval(id: string, prompt: string, options: string[] | undefined, answer: (a: ApprovalAnswer) => void): void {
    this.approvals.set(id, answer);
    this.emit({ type: 'approval_request', id, prompt, ...(options ? { options } : {}) });
  }

  resolveApproval(id: string, answer: ApprovalAnswer): boolean {
    const pending = this.approvals.get(id);
    if (!pending) return false;
    this.approvals.delete(id);
    pending(answer);
    return true;
  }

  /** Called once by the adapter when its process is gone. */
  protected finish(info: ExitInfo): void {
    if (this.turnOpen) this.endTurn('failed', { error: `the agent exited (code ${info.exit_code}, signal ${info.signal})` });
    this.approvals.clear();
    this.emit({ type: 'session_end', exit_code: info.exit_code, signal: info.signal });
    this.settleExit(info);
  }

  abstract start(options?: StartOptions): Promise<void>;
  abstract send(text: string): Promise<void>;
  abstract interrupt(): Promise<void>;
  abstract stop(): Promise<void>;
}
